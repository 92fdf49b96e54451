"""The workbook's Raw data sheet: one row per final audit with its final answers, every code in
words (grades and the levels of the partnership's own scales from the report's labels, answers,
audit kinds, the scale's name), numbers as numbers and dates as dates. Free text stays exactly
as typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.report_xlsx.model import (
    ISO_DATE,
    ISO_DATETIME,
    Column,
    Report,
    Sheet,
    Table,
    day,
    keys_of,
)
from audit_tool.reporting.words import ANSWER_WORDS

HEADERS = {
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
    "scale": "Grading scale",
    "worker": "Worker",
    "manager": "Manager",
    "worker_feedback": "Worker received feedback",
}
PEOPLE = ("worker", "manager", "auditor", "moderator")
CODED = ("grade", "yes_no")  # item kinds whose answers are codes


def _number(text: str) -> int | float | str:
    try:
        number = float(text)
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() and "." not in text else number


def _answer(r: Report, kind: str | None, scale: str | None, value: str) -> str | None:
    """A coded answer in words; None where `value` is no code of its item."""
    if kind == "yes_no" or (kind is None and value in ANSWER_WORDS):
        return ANSWER_WORDS.get(value)
    if kind == "grade" or kind is None:
        word = r.names.level(scale, value)
        # A level the scale does not name comes back as the key made readable: still words.
        return word if kind == "grade" or r.names.knows_level(scale, value) else None
    return None


def _text_value(r: Report, key: str, value: str, kind: str | None, scale: str | None) -> Any:
    if not value.strip():
        return None  # an empty cell, as for an answer not given
    if key == "overall":
        return r.names.level(scale, value)
    if key == "kind":
        return r.names.kind(value)
    if key == "scale":
        return r.names.scale(value)
    if kind == "number":
        return _number(value.strip())
    if kind in CODED or (kind is None and key not in HEADERS):
        word = _answer(r, kind, scale, value)
        if word is not None:
            return word
    if ISO_DATE.match(value):
        return day(value)
    if ISO_DATETIME.match(value):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    if key == "team" and r.names.has("teams", value):
        return r.names.name("teams", value)
    if key == "agency" and r.names.has("agencies", value):
        return r.names.name("agencies", value)
    if key.startswith(PEOPLE) and r.names.has("people", value):
        return r.names.name("people", value)
    return value


def raw_value(
    r: Report, key: str, value: Any, kinds: Mapping[str, str], scale: str | None = None
) -> Any:
    """What the cell of `key` holds for `value` in a row graded on `scale`."""
    if value is None or isinstance(value, (int, float, date)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if not isinstance(value, str):
        return str(value)
    return _text_value(r, key, value, kinds.get(key), scale)


def raw(
    r: Report, raw_rows: Sequence[Mapping[str, Any]] | None, item_kinds: Mapping[str, str]
) -> Sheet:
    lines = r.heading("Raw data: one row per final audit, with its final answers")
    rows = list(raw_rows or [])
    if not rows:
        lines.append("There are no final audits in this report.")
        return Sheet("Raw data", lines, [])
    keys = keys_of(rows)
    kinds = {k: i.get("kind", "") for p in r.all for k, i in (p.get("items") or {}).items()}
    kinds |= dict(item_kinds)
    values = [
        [raw_value(r, key, row.get(key), kinds, row.get("scale")) for key in keys] for row in rows
    ]
    columns = []
    for i, key in enumerate(keys):
        first = next((row[i] for row in values if row[i] is not None), None)
        header = HEADERS.get(key) or r.names.name("items", key)
        columns.append(Column(header, _format(first)))
    return Sheet("Raw data", lines, [Table(columns, values)])


def _format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return xc.DATETIME_FORMAT
    if isinstance(value, date):
        return xc.DATE_FORMAT
    return None
