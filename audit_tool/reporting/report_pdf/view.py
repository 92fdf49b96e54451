"""The report dict read for print (the QA report PDF): its constants and sections, the periods and
labels with their fallbacks, and numbers and words as the report prints them (a percentage of
counts is rounded half-up to one decimal, like the report's own)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from audit_tool.reporting.periods import MONTH_NAMES
from audit_tool.reporting.words import GRADE_WORDS, GRADES

GRADE_NAMES = {g: GRADE_WORDS[g] for g in GRADES}
GRADE_SHORT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
# Short names for the shared feedback question keys (the full wording comes from labels).
QUESTION_SHORT = {
    "child_views": "Child's views gained",
    "right_agencies": "Right agencies spoken to",
    "family_views": "Family could share views",
    "copy_of_plan": "Family has copy of plan",
    "contactable": "Worker contactable",
    "positive_difference": "Made a positive difference",
}
NO_AUDITS = "No final audits in this period."
SMALL_PAIRS = 10  # a kappa from fewer pairs is flagged
SMALL_COUNT = 5  # a share of fewer cases is not shaded in the heat map
NOTE_CASES = 10  # "points to note" never lead with a result from fewer cases
SECTIONS = (
    ("summary", "Executive summary"),
    ("grades", "Audits and grades"),
    ("areas", "Practice areas"),
    ("moderation", "Moderation statistics"),
    ("feedback", "Family feedback"),
    ("breakdowns", "Breakdowns by team, area, agency and strand"),
    ("learning", "Learning follow-up"),
    ("compliance", "Monthly audit compliance"),
    # The report in words (the report's `story`): themes, voices, areas for improvement.
    ("themes", "Learning themes"),
    ("voices", "Voices of children and families"),
    ("progress", "Progress on areas for improvement"),
)


def pct(part: int | float, whole: int | float) -> float | None:
    """100 * part / whole, half-up to one decimal; None where whole is 0."""
    if not whole:
        return None
    value = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def fmt_pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1f}%"


def fmt_num(value: float | None, places: int = 1, *, fixed: bool = False) -> str:
    """A number as printed: whole numbers without decimals unless ``fixed``."""
    if value is None:
        return "\u2013"
    if float(value).is_integer() and not fixed:
        return f"{int(value)}"
    return f"{value:.{places}f}".replace("-", "\u2212")


def fmt_kappa(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.3f}".replace("-", "\u2212")


def fmt_diff(value: float) -> str:
    text = f"{value:+.2f}" if round(value, 2) else "0.00"
    return text.replace("-", "\u2212")


def delta(now: float | None, before: float | None, places: int) -> float | None:
    if now is None or before is None:
        return None
    q = Decimal(1).scaleb(-places)
    return float((Decimal(str(now)) - Decimal(str(before))).quantize(q, rounding=ROUND_HALF_UP))


def change_text(now: float | None, before: float | None, *, places: int, unit: str = "") -> str:
    """ "▲ +7.9 points", "▼ −0.027", "no change" or "–" where either side is missing."""
    d = delta(now, before, places)
    if d is None:
        return "\u2013"
    if d == 0:
        return "no change"
    arrow = "\u25b2" if d > 0 else "\u25bc"
    number = f"{abs(d):.{places}f}"
    sign = "+" if d > 0 else "\u2212"
    suffix = f" {unit}" if unit else ""
    if unit == "points" and abs(d) == 1:
        suffix = " point"
    return f"{arrow} {sign}{number}{suffix}"


def period_label(period: dict[str, Any]) -> str:
    """A period's label, marked "(partial)" where the range cuts it or it runs past today."""
    label = str(period.get("label", ""))
    return f"{label} (partial)" if period.get("partial") else label


def long_date(text: str | None) -> str:
    if not text:
        return "date not recorded"
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def generated_date(text: str | None) -> str:
    if not text:
        return "date not recorded"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return long_date(text)
    return long_date(moment.date().isoformat())


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def join_words(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def graded_count(grades: dict[str, int]) -> int:
    return sum(int(grades.get(g, 0)) for g in GRADES)


def good_count(grades: dict[str, int]) -> int:
    return int(grades.get("outstanding", 0)) + int(grades.get("good", 0))


class View:
    """The report dict read for print: periods, labels with fallbacks, the words around them."""

    def __init__(self, report: dict[str, Any], partnership: str, title: str) -> None:
        self.report = report
        self.partnership = partnership
        self.title = title
        self.periods: list[dict[str, Any]] = list(report.get("periods") or [])
        self.total: dict[str, Any] = report.get("total") or {}
        self.by = report.get("by", "quarter")
        self.word = self.by if self.by in ("quarter", "month", "year") else "quarter"
        self.labels: dict[str, dict[str, str]] = report.get("labels") or {}
        self.last = self.periods[-1] if self.periods else self.total
        self.prev = self.periods[-2] if len(self.periods) > 1 else None

    def label(self, kind: str, key: str) -> str:
        name = (self.labels.get(kind) or {}).get(key)
        if name:
            return str(name)
        if kind in ("teams", "agencies", "people", "items", "questions", "grades"):
            return key.replace("_", " ").capitalize() if key.islower() else key
        return key

    def grade_name(self, key: str) -> str:
        return self.label("grades", key) if self.labels.get("grades") else GRADE_NAMES[key]

    @property
    def range_text(self) -> str:
        return f"{long_date(self.report.get('from'))} to {long_date(self.report.get('to'))}"

    @property
    def periods_text(self) -> str:
        labels = [period_label(p) for p in self.periods]
        if not labels:
            return f"By {self.word}"
        listed = join_words(labels) if len(labels) <= 4 else f"{labels[0]} to {labels[-1]}"
        return f"By {self.word}: {plural(len(labels), self.word)}, {listed}"

    @property
    def generated_text(self) -> str:
        return generated_date(self.report.get("generated_at"))

    @property
    def filters_text(self) -> str:
        filters = self.report.get("filters") or {}
        parts = []
        for key, kind, word in (
            ("team", "teams", "team"),
            ("agency", "agencies", "agency"),
            ("service_area", None, "service area"),
            ("programme", None, "programme"),
            ("theme", None, "theme"),
        ):
            value = filters.get(key)
            if value:
                shown = self.label(kind, str(value)) if kind else str(value)
                parts.append(f"{word} {shown}")
        return "; ".join(parts) if parts else "none"

    def last_label(self) -> str:
        return period_label(self.last) if self.last is not self.total else ""

    def prev_label(self) -> str:
        return period_label(self.prev) if self.prev else ""

    @property
    def comparable(self) -> bool:
        """The last period is set against the one before only when both are whole."""
        return (
            self.prev is not None and not self.last.get("partial") and not self.prev.get("partial")
        )


def compliance_totals(period: dict[str, Any]) -> tuple[int, int]:
    due = done = 0
    for c in (period.get("compliance") or {}).values():
        due += int(c.get("due", 0))
        done += int(c.get("done", 0))
    return due, done
