"""What a returned review held when it went back, and what its auditor changed since: the
moderation screen marks those answers (issue 15: "nothing marks what changed since a return").

The snapshot is taken in the return's own transaction (moderation.return_review) and kept on
the review until it is returned again; it never leaves this database (packs do not carry it).
"""

from __future__ import annotations

import json
from typing import Any

from audit_tool.models import Review

SUMMARY_KEYS = ("strengths", "worries", "next_steps")


def _state(review: Review) -> dict[str, Any]:
    return {
        "answers": {a.item_key: [a.value, a.comment or ""] for a in review.answers},
        "overall": review.overall,
        **{key: getattr(review, key) or "" for key in SUMMARY_KEYS},
    }


def snapshot(review: Review) -> str:
    """The review as it is now, as the JSON kept in `Review.at_return`."""
    return json.dumps(_state(review), sort_keys=True, ensure_ascii=False)


def changed_since_return(review: Review) -> frozenset[str]:
    """The item keys whose answer or evidence changed since the review was last returned, and
    "overall" and the summary keys where those changed; empty if it was never returned."""
    if not review.at_return:
        return frozenset()
    then, now = json.loads(review.at_return), _state(review)
    items = set(then["answers"]) | set(now["answers"])
    empty = [None, ""]
    changed = {
        key for key in items if then["answers"].get(key, empty) != now["answers"].get(key, empty)
    }
    changed |= {key for key in ("overall", *SUMMARY_KEYS) if then.get(key) != now.get(key)}
    return frozenset(changed)
