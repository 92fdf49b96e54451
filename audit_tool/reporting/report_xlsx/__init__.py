"""The quarterly QA report as an Excel workbook, made from a report JSON v1 dict
(shared/INTERFACES.md, ``audit_tool/resources/schemas/qa-report-v1.schema.json``).

Sheets, in order: Summary, Grades, Reviews by agency and strand, Own grading scales, Practice
areas, Moderation, Feedback, Feedback by team and area, Actions, Compliance, Learning and voices
(the report in words) and Raw data. Each
opens with the report's title row, the sheet's heading and a context line (partnership, dates,
filters), a blank row, then its table: a bold, frozen heading row with an autofilter, columns
sized to their contents, counts as integers, percentages as numbers shown to one decimal
("0.0", never text), dates as real dates. Moderation adds the confusion matrix and the auditors
under its table.

Every key is shown in words (reporting/words.py): grades and the levels of the partnership's
own scales from ``report["labels"]``, answers, audit kinds, strands; names of teams, agencies,
people, items and questions from the labels, falling back to the key. The document's title,
author (the partnership, and the exporting person's role) and subject are set. No text ever
becomes a formula (see ``xlsx_common``). The workbook is written to a temporary file beside the
target and renamed, so a failure leaves no partial file.

The package: ``model`` (the sheet model, values, the report read for the sheets), ``sheets``
(the figures), ``breakdowns`` (the v1.1 breakdowns), ``story`` (the report in words), ``raw``
(the raw data) and ``writing``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.report_xlsx import breakdowns, sheets, story
from audit_tool.reporting.report_xlsx.model import Report
from audit_tool.reporting.report_xlsx.raw import raw
from audit_tool.reporting.report_xlsx.writing import set_properties, write_sheet

SHEETS = (
    "Summary",
    "Grades",
    breakdowns.REVIEWS,
    breakdowns.SCALES,
    "Practice areas",
    "Moderation",
    "Feedback",
    breakdowns.FEEDBACK,
    "Actions",
    "Compliance",
    story.NAME,
    "Raw data",
)


def write_report_xlsx(
    report: dict[str, Any],
    raw_rows: list[dict[str, Any]] | None,
    path: Path | str,
    *,
    partnership: str,
    author_role: str = "",
    item_kinds: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Write the QA `report` (report JSON v1) and its `raw_rows` to the .xlsx at `path`.

    `raw_rows` are flat dicts, one per final audit, whose keys become the Raw data headings
    (``audit``, ``case``, ``team``, ``finalised``, ``overall``, ``scale``, then item keys named
    from labels.items); None or [] writes a sheet saying there are none. `item_kinds` (item key
    to grade, yes_no, number or text) says which answers are codes to show in words; the
    report's items say it where it is not given. `author_role` is the exporting person's role,
    kept in the document's properties beside the partnership. Returns the number of data rows
    per sheet (every table on it; headings, titles and blank rows not counted). Raises
    ValidationError for a dict that is not a QA report or a file that cannot be written; the
    file at `path` is then left as it was."""
    path = Path(path)
    r = Report(report, partnership)
    made = [
        sheets.summary(r),
        sheets.grades(r),
        breakdowns.reviews(r),
        breakdowns.scales(r),
        sheets.practice_areas(r),
        sheets.moderation(r),
        sheets.feedback(r),
        breakdowns.feedback(r),
        sheets.actions(r),
        sheets.compliance(r),
        story.story_sheet(r),
        raw(r, raw_rows, item_kinds or {}),
    ]
    assert tuple(s.name for s in made) == SHEETS

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    set_properties(book, r, author_role.strip())
    counts = {sheet.name: write_sheet(book, sheet) for sheet in made}
    xc.save_atomic(book, path)
    return counts
