"""How the moderation grid marks its answers: the colour of a spread between the reviews, the
mark on an answer changed since its review was returned, and the header's count of those."""

from __future__ import annotations

from audit_tool.services.audits import ReviewView

SPREAD_STYLE = {
    0: "",
    1: "background: $spread_one_bg; color: $spread_fg;",
    2: "background: $spread_two_bg; color: $spread_fg; font-weight: bold;",
}

# The mark on an answer changed since its review was returned: the notices' colours.
CHANGED_STYLE = (
    "background: $banner_bg; color: $banner_fg; border: 1px solid $banner_border;"
    " padding: 1px 4px; font-weight: bold;"
)


def spread_style(spread: int) -> str:
    return SPREAD_STYLE[min(spread, 2)]


def changes_note(review: ReviewView) -> str:
    """After a review's name in the header: how much its auditor changed since the return."""
    count = len(review.changed_since_return)
    if review.hidden or not count:
        return ""
    return f", resubmitted with {count} change{'s' if count != 1 else ''} since returned"
