"""The report's counts per period and their JSON shape (report JSON v1.1): the grouped counts
are kept raw, so that the periods merge into the whole range, and shaped into the report's
keys (grades, practice areas, agreement, moderation, feedback, actions, compliance) last."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from audit_tool.reporting.agreement import agreement_from_confusion, pct, round_half_up
from audit_tool.reporting.periods import Period

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
RANK = {g: i + 1 for i, g in enumerate(GRADES)}


@dataclass
class Acc:
    """The grouped counts of one period, kept raw so that periods merge into the total."""

    overall: Counter[str] = field(default_factory=Counter)
    single: int = 0
    groups: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )  # dimension -> key -> grade counts ("" counts audits without a graded overall)
    items: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    numbers: dict[str, list[float]] = field(default_factory=dict)  # key -> [n, sum, min, max]
    confusion: list[list[int]] = field(default_factory=lambda: [[0] * 4 for _ in range(4)])
    moderation: Counter[str] = field(default_factory=Counter)
    auditors: dict[str, list[int]] = field(default_factory=dict)  # key -> [reviews, sum diff]
    feedback: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    outside: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    worker: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    compliance: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    planned: int = 0
    # report v1.1: family feedback by the case's team, conversations and the families they
    # were with, learning themes, and reviews of multi-agency and SEND audits by the
    # reviewer's agency ("" counts reviews without an Ofsted overall grade).
    feedback_team: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    conversations: int = 0
    families: int = 0  # distinct cases: not additive, so the total is counted on its own
    themes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reviewer_agency: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # optional keys beside v1.1: family feedback by the case's team's service area, and the
    # reviews of SEND audits by their strand (education, health, social care)
    feedback_area: dict[str, dict[str, Counter[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    send_part: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    other_scales: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def merge(self, other: Acc) -> None:
        self.overall.update(other.overall)
        self.single += other.single
        for dim, keys in other.groups.items():
            for key, counts in keys.items():
                self.groups[dim][key].update(counts)
        for key, counts in other.items.items():
            self.items[key].update(counts)
        for key, (n, total, low, high) in other.numbers.items():
            mine = self.numbers.get(key)
            if mine is None:
                self.numbers[key] = [n, total, low, high]
            else:
                mine[0] += n
                mine[1] += total
                mine[2] = min(mine[2], low)
                mine[3] = max(mine[3], high)
        for i in range(4):
            for j in range(4):
                self.confusion[i][j] += other.confusion[i][j]
        self.moderation.update(other.moderation)
        for key, (n, diff) in other.auditors.items():
            mine_a = self.auditors.setdefault(key, [0, 0])
            mine_a[0] += n
            mine_a[1] += diff
        for key, counts in other.feedback.items():
            self.feedback[key].update(counts)
        for key, counts in other.outside.items():
            self.outside[key].update(counts)
        self.worker += other.worker
        self.actions.update(other.actions)
        for key, counts in other.compliance.items():
            self.compliance[key].update(counts)
        self.planned += other.planned
        for mine_f, theirs_f in (
            (self.feedback_team, other.feedback_team),
            (self.feedback_area, other.feedback_area),
        ):
            for group, questions in theirs_f.items():
                for key, counts in questions.items():
                    mine_f[group][key].update(counts)
        self.conversations += other.conversations
        for dim in ("themes", "reviewer_agency", "send_part", "other_scales"):
            mine_c, theirs = getattr(self, dim), getattr(other, dim)
            for key, counts in theirs.items():
                mine_c[key].update(counts)


def _grades(counts: Counter[str]) -> dict[str, int]:
    return {g: int(counts.get(g, 0)) for g in GRADES}


def _good(counts: Counter[str]) -> float | None:
    graded = sum(counts.get(g, 0) for g in GRADES)
    return pct(counts.get("outstanding", 0) + counts.get("good", 0), graded)


def _ri(counts: Counter[str]) -> float | None:
    graded = sum(counts.get(g, 0) for g in GRADES)
    return pct(graded - counts.get("inadequate", 0), graded)


def _group(counts: Counter[str]) -> dict[str, Any]:
    return {
        "audits_final": int(sum(counts.values())),
        "overall": _grades(counts),
        "pct_good_or_better": _good(counts),
    }


def _feedback(counts: dict[str, Counter[str]], questions: list[str]) -> dict[str, Any]:
    out = {}
    for key in questions:
        c = counts.get(key, Counter())
        yes, partly, no = c["yes"], c["partly"], c["no"]
        out[key] = {
            "asked": yes + partly + no,
            "yes": yes,
            "partly": partly,
            "no": no,
            "pct_yes": pct(yes, yes + partly + no),
        }
    return out


def _reviews(groups: dict[str, Counter[str]]) -> dict[str, Any]:
    """Reviews by a grouping: their number, Ofsted overall grades and share good or better."""
    return {
        key: {
            "reviews": int(sum(c.values())),
            "overall": _grades(c),
            "pct_good_or_better": _good(c),
        }
        for key, c in sorted(groups.items())
    }


def _items(acc: Acc, kinds: dict[str, str]) -> dict[str, Any]:
    """The practice areas and other items: grade counts, yes and no, or the numbers' spread."""
    items: dict[str, Any] = {}
    for key in sorted(set(acc.items) | set(acc.numbers)):
        kind = kinds.get(key)
        if kind == "grade":
            items[key] = {"kind": "grade", "counts": _grades(acc.items[key])}
        elif kind == "yes_no":
            yes, no = acc.items[key]["yes"], acc.items[key]["no"]
            items[key] = {"kind": "yes_no", "yes": yes, "no": no, "pct_yes": pct(yes, yes + no)}
        elif kind == "number":
            n, total, low, high = acc.numbers.get(key, [0, 0.0, 0.0, 0.0])
            items[key] = {
                "kind": "number",
                "n": int(n),
                "min": low if n else None,
                "mean": round_half_up(total / n, 2) if n else None,
                "max": high if n else None,
            }
    return items


def _agreement(acc: Acc) -> dict[str, Any]:
    agreement = agreement_from_confusion(acc.confusion)
    return {
        "pairs": agreement.pairs,
        "exact_pct": agreement.exact_pct,
        "within_one_pct": agreement.within_one_pct,
        "kappa_quadratic": agreement.kappa_quadratic,
        "gwet_ac2": agreement.gwet_ac2,
        "confusion": [list(row) for row in agreement.confusion],
    }


def period_json(
    period: Period,
    acc: Acc,
    kinds: dict[str, str],
    questions: list[str],
    case_fields: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """One period (or the whole range) in the report's shape; `case_fields`: the keys of the
    case fields the grades are broken down by (the optional `by_case_field`)."""
    audits_final = int(sum(acc.overall.values()))
    by_field = (
        {
            "by_case_field": {
                key: {v: _group(c) for v, c in sorted(acc.groups.get(f"field:{key}", {}).items())}
                for key in case_fields
            }
        }
        if case_fields
        else {}
    )
    return by_field | {
        "label": period.label,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "partial": period.partial,
        "audits_final": audits_final,
        "audits_single": acc.single,
        "audits_planned": acc.planned,
        "overall": _grades(acc.overall),
        "pct_good_or_better": _good(acc.overall),
        "pct_ri_or_better": _ri(acc.overall),
        "items": _items(acc, kinds),
        "by_team": {k: _group(v) for k, v in sorted(acc.groups["team"].items())},
        "by_service_area": {k: _group(v) for k, v in sorted(acc.groups["service_area"].items())},
        "by_agency": {k: _group(v) for k, v in sorted(acc.groups["agency"].items())},
        "by_theme": {k: _group(v) for k, v in sorted(acc.groups["theme"].items())},
        "agreement": _agreement(acc),
        "moderation": {
            k: int(acc.moderation.get(k, 0)) for k in ("raised", "lowered", "unchanged")
        },
        "auditors": {
            key: {"reviews": n, "mean_difference": round_half_up(diff / n, 2)}
            for key, (n, diff) in sorted(acc.auditors.items())
            if n
        },
        "feedback": _feedback(acc.feedback, questions),
        "feedback_outside": _feedback(acc.outside, questions),
        "worker_feedback_pct": pct(acc.worker, audits_final),
        "actions": {k: int(acc.actions.get(k, 0)) for k in ("open", "overdue", "done")},
        "compliance": {
            key: {k: int(c.get(k, 0)) for k in ("due", "done", "overdue")}
            for key, c in sorted(acc.compliance.items())
        },
        "feedback_by_team": {
            team: _feedback(counts, questions) for team, counts in sorted(acc.feedback_team.items())
        },
        "feedback_conversations": acc.conversations,
        "feedback_families": acc.families,
        "learning_themes": {
            theme: {k: int(c.get(k, 0)) for k in ("strength", "development")}
            for theme, c in sorted(acc.themes.items())
        },
        "by_reviewer_agency": _reviews(acc.reviewer_agency),
        "by_send_part": _reviews(acc.send_part),
        "feedback_by_service_area": {
            area: _feedback(counts, questions) for area, counts in sorted(acc.feedback_area.items())
        },
        "other_scales": {
            scale: dict(sorted((k, int(n)) for k, n in c.items()))
            for scale, c in sorted(acc.other_scales.items())
        },
    }
