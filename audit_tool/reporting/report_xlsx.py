"""The quarterly QA report as an Excel workbook, made from a report JSON v1 dict
(shared/INTERFACES.md, ``audit_tool/resources/schemas/qa-report-v1.schema.json``).

Sheets, in order: Summary, Grades, Practice areas, Moderation, Feedback, Actions, Compliance and
Raw data. Each opens with a bold heading line and a context line (partnership, dates, filters),
a blank row, then its table: a bold, frozen heading row with an autofilter, columns sized to
their contents, counts as integers, percentages as numbers shown to one decimal ("0.0", never
text), dates as real dates. Moderation adds the confusion matrix and the auditors under its
table. Tables are "long" (one row per group and period, the total last) so that the autofilter
picks out a team, an item or a period.

Keys are shown by their names from ``report["labels"]``, falling back to the key. No text ever
becomes a formula (see ``xlsx_common``). The workbook is written to a temporary file beside the
target and renamed, so a failure leaves no partial file.

openpyxl is imported inside the functions: importing this module stays cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from audit_tool.errors import ValidationError
from audit_tool.reporting import xlsx_common as xc

SHEETS = (
    "Summary",
    "Grades",
    "Practice areas",
    "Moderation",
    "Feedback",
    "Actions",
    "Compliance",
    "Raw data",
)
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
KAPPA_FORMAT = "0.000"
DIFF_FORMAT = "0.00"
MEAN_FORMAT = "0.0"
_HEADER_WIDTH = 16  # a longer heading wraps (at spaces) rather than widen its column
_VALUE_WIDTH = 45  # a longer text is cut off on screen (the cell keeps it whole)
_MIN_WIDTH = 8
_PADDING = 2  # characters of width beyond the longest value
_ROW_HEIGHT = 15  # points per line of 11-point text
_PRINT_WIDTH = 240  # the widest sheet (in characters) still printed one page wide
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_RAW_HEADERS = {
    "audit": "Audit",
    "case": "Case",
    "team": "Team",
    "service_area": "Service area",
    "agency": "Agency",
    "programme": "Programme",
    "theme": "Theme",
    "kind": "Audit kind",
    "finalised": "Finalised",
    "overall": "Overall grade",
    "worker": "Worker",
    "manager": "Manager",
    "worker_feedback": "Worker received feedback",
}
_RAW_PEOPLE = ("worker", "manager", "auditor", "moderator")
_YES_NO = {"yes": "Yes", "no": "No"}
_AUDIT_KINDS = {"looped": "Looped (two auditors)", "single": "Dip sample (single auditor)"}


# ---------------------------------------------------------------- the sheet model


@dataclass
class _Column:
    header: str
    fmt: str | None = None  # the number format of its values
    wrap: bool = False  # long free text: wraps in a column no wider than _VALUE_WIDTH


@dataclass
class _Table:
    columns: list[_Column]
    rows: list[list[Any]] = field(default_factory=list)
    title: str | None = None  # a bold line above the table (all but the first)


@dataclass
class _Sheet:
    name: str
    lines: list[str]  # the heading (bold) and context lines above the first table
    tables: list[_Table] = field(default_factory=list)


def _cols(*spec: str | tuple[str, str | None]) -> list[_Column]:
    return [_Column(s) if isinstance(s, str) else _Column(*s) for s in spec]


# ---------------------------------------------------------------- values


def _round1(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _pct(part: int, whole: int) -> float | None:
    """100 * part / whole, half-up to one decimal; None where whole is 0 (as the report)."""
    return _round1(Decimal(100 * part) / Decimal(whole)) if whole else None


def _int(value: Any) -> int:
    return int(value or 0)


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else float(value)


def _date(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


class _Labels:
    """Display names for the report's keys (report["labels"]), falling back to the keys."""

    def __init__(self, report: Mapping[str, Any]) -> None:
        raw = report.get("labels") or {}
        self._raw: dict[str, dict[str, str]] = {
            kind: dict(names or {}) for kind, names in raw.items() if isinstance(names, dict)
        }

    def __call__(self, kind: str, key: Any) -> str:
        text = self._raw.get(kind, {}).get(str(key))
        return text if text else str(key)

    def has(self, kind: str, key: Any) -> bool:
        return isinstance(key, str) and key in self._raw.get(kind, {})

    def grade(self, key: str) -> str:
        return self._raw.get("grades", {}).get(key) or GRADE_NAMES.get(key, key)


def _keys(maps: Iterable[Mapping[str, Any] | None]) -> list[str]:
    """The keys of `maps`, in the order they first appear."""
    seen: dict[str, None] = {}
    for m in maps:
        for key in m or {}:
            seen.setdefault(key, None)
    return list(seen)


class _Report:
    """The parts of the report every sheet needs."""

    def __init__(self, report: Mapping[str, Any], partnership: str) -> None:
        if report.get("format") != "qa-report" or report.get("version") != 1:
            raise ValidationError("Not a QA report (format 'qa-report', version 1)")
        self.data = report
        self.names = _Labels(report)
        self.periods: list[Mapping[str, Any]] = list(report.get("periods") or [])
        self.total: Mapping[str, Any] = report.get("total") or {}
        self.all: list[Mapping[str, Any]] = [*self.periods, self.total]
        self.partnership = partnership.strip()
        by = str(report.get("by")) if report.get("by") in ("month", "year") else "quarter"
        self.by = by
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
        for key, kind in (
            ("team", "teams"),
            ("agency", "agencies"),
            ("service_area", "service_areas"),
            ("programme", "programmes"),
            ("theme", "themes"),
        ):
            if flt.get(key):
                parts.append(f"{key} {self.names(kind, flt[key])}")
        return "; ".join(parts) if parts else "none"

    def context(self) -> str:
        who = f"{self.partnership} · " if self.partnership else ""
        return f"{who}{self.range} · filters: {self.filters}"

    def heading(self, title: str) -> list[str]:
        return [title, self.context()]

    def generated(self) -> str | None:
        raw = self.data.get("generated_at")
        if not raw:
            return None
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            return str(raw)
        return f"{when:%Y-%m-%d %H:%M}"  # the clock time it was made, as the JSON has it


# ---------------------------------------------------------------- the sheets


def _summary(r: _Report) -> _Sheet:
    title = {"quarter": "Quarterly QA report", "year": "QA report by year"}.get(
        r.by, "QA report by month"
    )
    lines = [
        title,
        f"Partnership: {r.partnership or '-'}",
        f"Period: {r.range}",
        f"Filters: {r.filters}",
    ]
    generated = r.generated()
    if generated:
        lines.append(f"Generated: {generated}")
    lines.append(
        "Counts final audits only, each in the period its moderation (for a single audit, its "
        "review) was completed; percentages are of the audits graded."
    )
    single = any("audits_single" in p for p in r.all)
    planned = any("audits_planned" in p for p in r.all)
    spec: list[str | tuple[str, str | None]] = [
        "Period",
        ("From", xc.DATE_FORMAT),
        ("To", xc.DATE_FORMAT),
        ("Audits final", xc.COUNT_FORMAT),
    ]
    if single:
        spec.append(("Of which single audits", xc.COUNT_FORMAT))
    if planned:
        spec.append(("Audits planned", xc.COUNT_FORMAT))
    spec += [
        ("% good or better", xc.PCT_FORMAT),
        ("Exact agreement %", xc.PCT_FORMAT),
        ("Kappa (quadratic)", KAPPA_FORMAT),
        ("Gwet's AC2", KAPPA_FORMAT),
        ("Worker feedback %", xc.PCT_FORMAT),
        ("Open actions", xc.COUNT_FORMAT),
        ("Overdue actions", xc.COUNT_FORMAT),
    ]
    table = _Table(_cols(*spec))
    for p in r.all:
        agreement = p.get("agreement") or {}
        actions = p.get("actions") or {}
        row: list[Any] = [
            r.label(p),
            _date(p.get("from")),
            _date(p.get("to")),
            _int(p.get("audits_final")),
        ]
        if single:
            row.append(_num(p.get("audits_single")))
        if planned:
            row.append(_num(p.get("audits_planned")))
        row += [
            _num(p.get("pct_good_or_better")),
            _num(agreement.get("exact_pct")),
            _num(agreement.get("kappa_quadratic")),
            _num(agreement.get("gwet_ac2")),
            _num(p.get("worker_feedback_pct")),
            _int(actions.get("open")),
            _int(actions.get("overdue")),
        ]
        table.rows.append(row)
    return _Sheet("Summary", lines, [table])


def _grades(r: _Report) -> _Sheet:
    grade_cols = [(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES]
    table = _Table(
        _cols(
            "Breakdown",
            "Group",
            "Period",
            ("Audits final", xc.COUNT_FORMAT),
            *grade_cols,
            ("% good or better", xc.PCT_FORMAT),
        )
    )

    def add(breakdown: str, group: str, per_period: Sequence[Mapping[str, Any] | None]) -> None:
        for p, g in zip(r.all, per_period, strict=True):
            g = g or {}
            overall = g.get("overall") or {}
            table.rows.append(
                [
                    breakdown,
                    group,
                    r.label(p),
                    _int(g.get("audits_final")),
                    *[_int(overall.get(k)) for k in GRADES],
                    _num(g.get("pct_good_or_better")),
                ]
            )

    add("All audits", "All", r.all)
    for breakdown, key, kind in (
        ("Team", "by_team", "teams"),
        ("Service area", "by_service_area", "service_areas"),
        ("Agency", "by_agency", "agencies"),
        ("Theme", "by_theme", "themes"),
    ):
        names = {k: r.names(kind, k) for k in _keys(p.get(key) for p in r.all)}
        for group in sorted(names, key=lambda k: names[k].casefold()):
            add(breakdown, names[group], [(p.get(key) or {}).get(group) for p in r.all])
    table.columns[1].wrap = True
    lines = r.heading(
        "Moderated overall grades by period: all audits, then by team, service area, "
        "agency and theme"
    )
    return _Sheet("Grades", lines, [table])


_ITEM_KINDS = {"grade": "Grade", "yes_no": "Yes/no", "number": "Number"}


def _practice_areas(r: _Report) -> _Sheet:
    table = _Table(
        _cols(
            "Practice area",
            "Answer",
            "Period",
            *[(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES],
            ("% good or better", xc.PCT_FORMAT),
            ("Yes", xc.COUNT_FORMAT),
            ("No", xc.COUNT_FORMAT),
            ("% yes", xc.PCT_FORMAT),
            ("Answered", xc.COUNT_FORMAT),
            ("Min", None),
            ("Mean", MEAN_FORMAT),
            ("Max", None),
        )
    )
    items = [p.get("items") or {} for p in r.all]
    for key in _keys([items[-1], *items[:-1]]):
        kind = next((i[key].get("kind") for i in items if key in i), "grade")
        for p, per in zip(r.all, items, strict=True):
            item = per.get(key) or {}
            row: list[Any] = [r.names("items", key), _ITEM_KINDS.get(kind, kind), r.label(p)]
            if kind == "grade":
                counts = item.get("counts") or {}
                n = [_int(counts.get(g)) for g in GRADES]
                row += [*n, _pct(n[0] + n[1], sum(n)), None, None, None, None, None, None, None]
            elif kind == "yes_no":
                row += [None] * 5
                row += [_int(item.get("yes")), _int(item.get("no")), _num(item.get("pct_yes"))]
                row += [None] * 4
            else:
                row += [None] * 8
                row += [
                    _int(item.get("n")),
                    _num(item.get("min")),
                    _num(item.get("mean")),
                    _num(item.get("max")),
                ]
            table.rows.append(row)
    table.columns[0].wrap = True
    lines = r.heading("Practice areas: final answers per item and period")
    return _Sheet("Practice areas", lines, [table])


def _moderation(r: _Report) -> _Sheet:
    main = _Table(
        _cols(
            "Period",
            ("Pairs", xc.COUNT_FORMAT),
            ("Exact agreement %", xc.PCT_FORMAT),
            ("Within one grade %", xc.PCT_FORMAT),
            ("Kappa (quadratic)", KAPPA_FORMAT),
            ("Gwet's AC2", KAPPA_FORMAT),
            ("Moderation raised the grade", xc.COUNT_FORMAT),
            ("Lowered", xc.COUNT_FORMAT),
            ("Unchanged", xc.COUNT_FORMAT),
        )
    )
    for p in r.all:
        a, m = p.get("agreement") or {}, p.get("moderation") or {}
        main.rows.append(
            [
                r.label(p),
                _int(a.get("pairs")),
                _num(a.get("exact_pct")),
                _num(a.get("within_one_pct")),
                _num(a.get("kappa_quadratic")),
                _num(a.get("gwet_ac2")),
                _int(m.get("raised")),
                _int(m.get("lowered")),
                _int(m.get("unchanged")),
            ]
        )
    tables = [main]
    confusion = (r.total.get("agreement") or {}).get("confusion")
    if confusion:
        matrix = _Table(
            _cols(
                "First review's grade",
                *[(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES],
                ("Total", xc.COUNT_FORMAT),
            ),
            title=(
                f"Confusion matrix, {r.label(r.total)}: the first review's grade (rows) against "
                "the second review's (columns)"
            ),
        )
        counts = [[_int(v) for v in row] for row in confusion]
        for g, row in zip(GRADES, counts, strict=False):
            matrix.rows.append([r.names.grade(g), *row, sum(row)])
        columns = [sum(col) for col in zip(*counts, strict=True)]
        matrix.rows.append(["Total", *columns, sum(columns)])
        tables.append(matrix)
    auditors = _Table(
        _cols(
            "Auditor",
            "Period",
            ("Reviews", xc.COUNT_FORMAT),
            ("Mean difference", DIFF_FORMAT),
        ),
        title=(
            "Auditors: their reviews in moderated audits and the mean difference of the moderated "
            "grade from theirs, in grade steps (positive: the moderator graded lower)"
        ),
    )
    people = _keys(p.get("auditors") for p in r.all)
    for person in sorted(people, key=lambda k: r.names("people", k).casefold()):
        for p in r.all:
            seen = (p.get("auditors") or {}).get(person)
            if seen:
                auditors.rows.append(
                    [
                        r.names("people", person),
                        r.label(p),
                        _int(seen.get("reviews")),
                        _num(seen.get("mean_difference")),
                    ]
                )
    tables.append(auditors)
    lines = r.heading(
        "Moderation: agreement of the two auditors (looped audits with two graded reviews) and "
        "how moderation moved the grade"
    )
    return _Sheet("Moderation", lines, tables)


def _feedback(r: _Report) -> _Sheet:
    table = _Table(
        _cols(
            "Gathered",
            "Question",
            "Period",
            ("Asked", xc.COUNT_FORMAT),
            ("Yes", xc.COUNT_FORMAT),
            ("Partly", xc.COUNT_FORMAT),
            ("No", xc.COUNT_FORMAT),
            ("% yes", xc.PCT_FORMAT),
        )
    )
    for gathered, key in (("In audits", "feedback"), ("Outside audits", "feedback_outside")):
        if not any(key in p for p in r.all):
            continue
        for question in _keys(p.get(key) for p in r.all):
            for p in r.all:
                f = (p.get(key) or {}).get(question) or {}
                table.rows.append(
                    [
                        gathered,
                        r.names("questions", question),
                        r.label(p),
                        _int(f.get("asked")),
                        _int(f.get("yes")),
                        _int(f.get("partly")),
                        _int(f.get("no")),
                        _num(f.get("pct_yes")),
                    ]
                )
    table.columns[1].wrap = True
    lines = r.heading(
        "Service-user feedback per question (% yes of yes, partly and no; not asked left out)"
    )
    return _Sheet("Feedback", lines, [table])


def _actions(r: _Report) -> _Sheet:
    table = _Table(
        _cols(
            "Period",
            ("Open", xc.COUNT_FORMAT),
            ("Overdue", xc.COUNT_FORMAT),
            ("Done", xc.COUNT_FORMAT),
            ("Worker feedback %", xc.PCT_FORMAT),
        )
    )
    for p in r.all:
        a = p.get("actions") or {}
        table.rows.append(
            [
                r.label(p),
                _int(a.get("open")),
                _int(a.get("overdue")),
                _int(a.get("done")),
                _num(p.get("worker_feedback_pct")),
            ]
        )
    lines = r.heading(
        "Actions (overdue: open and due before the report's end) and the share of final audits "
        "whose worker received feedback"
    )
    return _Sheet("Actions", lines, [table])


def _compliance(r: _Report) -> _Sheet:
    table = _Table(
        _cols(
            "Manager",
            "Period",
            ("Due", xc.COUNT_FORMAT),
            ("Done", xc.COUNT_FORMAT),
            ("Overdue", xc.COUNT_FORMAT),
        )
    )
    managers = _keys(p.get("compliance") for p in r.all)
    for person in sorted(managers, key=lambda k: r.names("people", k).casefold()):
        for p in r.all:
            c = (p.get("compliance") or {}).get(person) or {}
            table.rows.append(
                [
                    r.names("people", person),
                    r.label(p),
                    _int(c.get("due")),
                    _int(c.get("done")),
                    _int(c.get("overdue")),
                ]
            )
    lines = r.heading("Monthly audit compliance per manager")
    if not managers:
        lines.append("There are no compliance figures in this report.")
    return _Sheet("Compliance", lines, [table])


def _number(text: str) -> int | float | str:
    try:
        number = float(text)
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _raw_value(r: _Report, key: str, value: Any, kinds: Mapping[str, str]) -> Any:
    if value is None or isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if not isinstance(value, str):
        return str(value)
    kind = kinds.get(key)
    if kind == "number":
        return _number(value.strip())
    if kind == "yes_no" and value in _YES_NO:
        return _YES_NO[value]
    if (key == "overall" or kind == "grade") and value in GRADES:
        return r.names.grade(value)
    if key == "kind" and value in _AUDIT_KINDS:
        return _AUDIT_KINDS[value]
    if _ISO_DATE.match(value):
        return _date(value)
    if _ISO_DATETIME.match(value):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    if key == "team" and r.names.has("teams", value):
        return r.names("teams", value)
    if key == "agency" and r.names.has("agencies", value):
        return r.names("agencies", value)
    if key.startswith(_RAW_PEOPLE) and r.names.has("people", value):
        return r.names("people", value)
    return value


def _raw(r: _Report, raw_rows: Sequence[Mapping[str, Any]] | None) -> _Sheet:
    lines = r.heading("Raw data: one row per final audit, with its final answers")
    rows = list(raw_rows or [])
    if not rows:
        lines.append("There are no final audits in this report.")
        return _Sheet("Raw data", lines, [])
    keys = _keys(rows)
    kinds = {k: i.get("kind", "") for p in r.all for k, i in (p.get("items") or {}).items()}
    values = [[_raw_value(r, key, row.get(key), kinds) for key in keys] for row in rows]
    columns = []
    for i, key in enumerate(keys):
        first = next((row[i] for row in values if row[i] is not None), None)
        columns.append(_Column(_RAW_HEADERS.get(key) or r.names("items", key), _raw_format(first)))
    table = _Table(columns, values)
    return _Sheet("Raw data", lines, [table])


def _raw_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return xc.DATETIME_FORMAT
    if isinstance(value, date):
        return xc.DATE_FORMAT
    return None


# ---------------------------------------------------------------- writing


def _size(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):  # one character more than it shows: room before the next
        return 17
    if isinstance(value, date):
        return 11
    if isinstance(value, float):
        places = {xc.PCT_FORMAT: 1, KAPPA_FORMAT: 3, DIFF_FORMAT: 2}.get(fmt or "")
        return len(f"{value:.{places}f}") if places is not None else len(f"{value:g}")
    return min(len(str(value)), _VALUE_WIDTH)


def _lines(text: str, width: int) -> int:
    """How many lines `text` takes, wrapped at spaces in `width` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _heading_width(header: str) -> int:
    """The narrowest width (up to _HEADER_WIDTH, or the longest word) that wraps `header` onto
    at most two lines."""
    width = max(min(len(header), _HEADER_WIDTH), *(len(w) for w in header.split() or [""]))
    while _lines(header, width) > 2:
        width += 1
    return width


def _widths(sheet: _Sheet) -> list[int]:
    widths: dict[int, int] = {}
    for table in sheet.tables:
        for i, column in enumerate(table.columns):
            longest = _heading_width(column.header)
            for row in table.rows:
                longest = max(longest, _size(row[i], column.fmt))
            widths[i] = max(widths.get(i, 0), longest + _PADDING, _MIN_WIDTH)
    return [widths[i] for i in sorted(widths)]


def _numeric(table: _Table, i: int) -> bool:
    values = [row[i] for row in table.rows if row[i] is not None]
    if table.columns[i].fmt is not None:
        return True
    return bool(values) and all(
        isinstance(v, (int, float, date)) and not isinstance(v, bool) for v in values
    )


def _write(book: Any, sheet: _Sheet) -> int:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name)
    # A write-only sheet writes its views, columns and filter before the first row, and a
    # row's height before the row.
    widths = _widths(sheet)
    ws.page_setup.orientation = "landscape"
    if sum(widths) <= _PRINT_WIDTH:  # printed one page wide, unless that makes it unreadable
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    header_row = len(sheet.lines) + 2  # the lines, a blank row, the headings
    if sheet.tables:
        first = sheet.tables[0]
        last = get_column_letter(len(first.columns))
        ws.freeze_panes = f"A{header_row + 1}"
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(first.rows)}"
        ws.print_title_rows = f"{header_row}:{header_row}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    bold, title = Font(bold=True), Font(bold=True, size=13)
    left = Alignment(wrap_text=True, vertical="bottom")
    right = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
    top, wrap = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    at = 0  # the last row written

    def append(cells: list[Any], lines: int = 1) -> None:
        nonlocal at
        at += 1
        if lines > 1:  # set, as Excel and LibreOffice do not always fit wrapped rows on opening
            ws.row_dimensions[at].height = _ROW_HEIGHT * lines
        ws.append(cells)

    for n, line in enumerate(sheet.lines):
        append([xc.cell(ws, line, font=title) if n == 0 else xc.cell(ws, line)])
    written = 0
    for n, table in enumerate(sheet.tables):
        append([])
        if n and table.title:
            append([xc.cell(ws, table.title, font=bold)])
        usable = [w - _PADDING for w in widths]
        append(
            [
                xc.cell(ws, c.header, font=bold, alignment=right if _numeric(table, i) else left)
                for i, c in enumerate(table.columns)
            ],
            max(_lines(c.header, usable[i]) for i, c in enumerate(table.columns)),
        )
        # Where a column wraps, every cell of the table sits at the top of its (taller) row.
        style = {"alignment": top} if any(c.wrap for c in table.columns) else {}
        for values in table.rows:
            cells: list[Any] = []
            lines = 1
            for i, (column, value) in enumerate(zip(table.columns, values, strict=True)):
                if value is None:
                    cells.append(None)
                elif isinstance(value, str):
                    if column.wrap and len(value) > usable[i]:
                        lines = max(lines, _lines(value, usable[i]))
                        cells.append(xc.cell(ws, value, alignment=wrap))
                    else:
                        cells.append(xc.cell(ws, value, **style))
                elif column.fmt is not None and isinstance(value, (int, float, date)):
                    cells.append(xc.cell(ws, value, number_format=column.fmt, **style))
                else:
                    cells.append(xc.cell(ws, value, **style) if style else value)
            append(cells, lines)
        written += len(table.rows)
    return written


def write_report_xlsx(
    report: dict[str, Any],
    raw_rows: list[dict[str, Any]] | None,
    path: Path | str,
    *,
    partnership: str,
) -> dict[str, int]:
    """Write the QA `report` (report JSON v1) and its `raw_rows` to the .xlsx at `path`.

    `raw_rows` are flat dicts, one per final audit, whose keys become the Raw data headings
    (``audit``, ``case``, ``team``, ``finalised``, ``overall``, then item keys named from
    labels.items); None or [] writes a sheet saying there are none. Returns the number of data
    rows per sheet (every table on it; headings, titles and blank rows not counted). Raises
    ValidationError for a dict that is not a QA report or a file that cannot be written; the
    file at `path` is then left as it was."""
    path = Path(path)
    r = _Report(report, partnership)
    sheets = [
        _summary(r),
        _grades(r),
        _practice_areas(r),
        _moderation(r),
        _feedback(r),
        _actions(r),
        _compliance(r),
        _raw(r, raw_rows),
    ]

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    counts = {sheet.name: _write(book, sheet) for sheet in sheets}
    xc.save_atomic(book, path)
    return counts
