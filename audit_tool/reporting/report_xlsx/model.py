"""The workbook's model: a sheet is heading lines and tables of columns and rows; the values
as the cells hold them (counts as integers, percentages half-up to one decimal, ISO dates as
dates); and the report read for the sheets, with its title and every key in words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from audit_tool.errors import ValidationError
from audit_tool.reporting.words import GRADES, Words

KAPPA_FORMAT = "0.000"
DIFF_FORMAT = "0.00"
MEAN_FORMAT = "0.0"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
TITLES = {
    "quarter": "Quarterly quality assurance report",
    "month": "Monthly quality assurance report",
    "year": "Annual quality assurance report",
}


@dataclass
class Column:
    header: str
    fmt: str | None = None  # the number format of its values
    wrap: bool = False  # long free text: wraps in a column no wider than the widest value


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    title: str | None = None  # a bold line above the table (all but the first)


@dataclass
class Sheet:
    name: str
    lines: list[str]  # the heading (bold) and context lines above the first table
    tables: list[Table] = field(default_factory=list)


def cols(*spec: str | tuple[str, str | None]) -> list[Column]:
    return [Column(s) if isinstance(s, str) else Column(*s) for s in spec]


# ---------------------------------------------------------------- values


def round1(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def pct(part: int, whole: int) -> float | None:
    """100 * part / whole, half-up to one decimal; None where whole is 0 (as the report)."""
    return round1(Decimal(100 * part) / Decimal(whole)) if whole else None


def count(value: Any) -> int:
    return int(value or 0)


def num(value: Any) -> float | int | None:
    if value is None:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else float(value)


def day(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def grade_counts(overall: Mapping[str, Any]) -> list[int]:
    return [count(overall.get(g)) for g in GRADES]


def good_and_ri(counts: list[int]) -> tuple[float | None, float | None]:
    """% good or better and % requires improvement or better of Ofsted grade counts."""
    graded = sum(counts)
    return pct(counts[0] + counts[1], graded), pct(graded - counts[3], graded)


def keys_of(maps: Iterable[Mapping[str, Any] | None]) -> list[str]:
    """The keys of `maps`, in the order they first appear."""
    seen: dict[str, None] = {}
    for m in maps:
        for key in m or {}:
            seen.setdefault(key, None)
    return list(seen)


class Report:
    """The parts of the report every sheet needs, and its keys in words."""

    def __init__(self, report: Mapping[str, Any], partnership: str) -> None:
        if report.get("format") != "qa-report" or report.get("version") != 1:
            raise ValidationError("Not a QA report (format 'qa-report', version 1)")
        self.data = report
        self.names = Words(report.get("labels"))
        self.periods: list[Mapping[str, Any]] = list(report.get("periods") or [])
        self.total: Mapping[str, Any] = report.get("total") or {}
        self.all: list[Mapping[str, Any]] = [*self.periods, self.total]
        self.partnership = partnership.strip()
        by = str(report.get("by")) if report.get("by") in ("month", "year") else "quarter"
        self.by = by
        self.title = TITLES[by]
        self.range = f"{report.get('from', '?')} to {report.get('to', '?')}, by {by}"
        self.filters = self._filters()

    def label(self, period: Mapping[str, Any]) -> str:
        if period is self.total:
            return "Total"  # its range is on every sheet's context line
        label = str(period.get("label") or f"{period.get('from')} to {period.get('to')}")
        # A period the range cuts, or that runs past today, is not a whole one: say so.
        return f"{label} (partial)" if period.get("partial") else label

    def _filters(self) -> str:
        flt = self.data.get("filters") or {}
        parts = []
        for key, kind, word in (
            ("team", "teams", "team"),
            ("agency", "agencies", "agency"),
            ("service_area", "service_areas", "service area"),
            ("programme", "programmes", "programme"),
            ("theme", "themes", "theme"),
        ):
            if flt.get(key):
                parts.append(f"{word} {self.names.name(kind, flt[key])}")
        return "; ".join(parts) if parts else "none"

    def title_line(self) -> str:
        """The title row every sheet opens with."""
        return f"{self.title}: {self.partnership}" if self.partnership else self.title

    def context(self) -> str:
        who = f"{self.partnership} · " if self.partnership else ""
        return f"{who}{self.range} · filters: {self.filters}"

    def heading(self, title: str) -> list[str]:
        return [self.title_line(), title, self.context()]

    def generated(self) -> str | None:
        raw = self.data.get("generated_at")
        if not raw:
            return None
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return str(raw)
        return f"{when:%Y-%m-%d %H:%M}"  # the clock time it was made, as the JSON has it

    def has(self, key: str) -> bool:
        """Whether any period carries the optional `key`."""
        return any(key in p for p in self.all)
