"""Export of service-user feedback, learning points and actions to one Excel workbook.

Each sheet says at its top which filters made it (programme, team, period, who exported it and
when), so a copy passed on keeps its context. Comments from families are written only when
marked shareable (pseudonymised); the rest show "(not shareable)". The workbook is written to
a temporary file beside the target and renamed, so a failed export leaves no half file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import Programme, Team
from audit_tool.reporting import xlsx_common
from audit_tool.services import feedback as feedback_service
from audit_tool.services import learning as learning_service
from audit_tool.services import learning_actions
from audit_tool.services.audits import STATUS_LABELS as AUDIT_STATUS_LABELS
from audit_tool.services.feedback import (
    ANSWER_LABELS,
    CHANNEL_LABELS,
    RESPONDENT_LABELS,
    FeedbackFilter,
)
from audit_tool.services.learning import KIND_LABELS, LearningFilter
from audit_tool.services.learning_actions import SCOPE_LABELS

if TYPE_CHECKING:
    from audit_tool.store import Database

SHEETS = ("Feedback", "Learning points", "Actions")
WHICH_LABELS = {
    "all": "all",
    "mine": "mine (owned by the person exporting)",
    "open": "open",
    "overdue": "overdue",
}
NOT_SHAREABLE = "(not shareable)"
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_WIDTH = 30  # a longer heading wraps rather than widen its column
_TEXT_WIDTH = 60  # a longer value wraps, in the columns of free text
_VALUE_WIDTH = 45  # a longer name is cut off on screen (the cell keeps it whole)
_MIN_WIDTH = 8


@dataclass
class _Sheet:
    title: str
    lines: list[str]
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    wrap: frozenset[int] = frozenset()  # columns of long free text


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def period_text(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"{date_from.isoformat()} to {date_to.isoformat()}"
    if date_from:
        return f"from {date_from.isoformat()}"
    if date_to:
        return f"up to {date_to.isoformat()}"
    return "any time"


def _names(db: Database) -> tuple[dict[str, str], dict[str, str]]:
    """Programme and team names by key, for the filter lines and the rows."""
    with db.session() as session:
        programmes = {k: n for k, n in session.execute(select(Programme.key, Programme.name))}
        teams = {k: n for k, n in session.execute(select(Team.key, Team.name))}
    return programmes, teams


def _named(label: str, key: str | None, names: dict[str, str]) -> str:
    return f"{label}: {names.get(key, key) if key else 'all'}"


def _feedback_sheet(
    db: Database,
    actor: Actor,
    flt: FeedbackFilter,
    programmes: dict[str, str],
    teams: dict[str, str],
) -> _Sheet:
    rows = feedback_service.list_feedback(db, actor, flt)
    answered = {key for row in rows for key in row.answers}
    questions = [
        q
        for q in feedback_service.list_questions(db, actor, include_inactive=True)
        if q.active or q.key in answered
    ]
    source = {
        "audit": "in audits only",
        "outside": "outside audits only",
    }.get(flt.source or "", "in audits and outside")
    lines = [
        _named("Programme", flt.programme_key, programmes),
        _named("Team", flt.team_key, teams),
    ]
    if flt.case_ref:
        lines.append(f"Case: {flt.case_ref.strip()}")
    lines += [f"Period: {period_text(flt.date_from, flt.date_to)}", f"Gathered: {source}"]
    if flt.shareable_only:
        lines.append("Only feedback with a shareable comment")
    headers = [
        "Date",
        "Case",
        "Team",
        "Programme",
        "In audit or outside",
        "Respondent",
        "Channel",
        "Consent",
        *[q.text for q in questions],
        "Comment",
    ]
    sheet = _Sheet("Feedback", lines, headers, wrap=frozenset({len(headers) - 1}))
    for row in rows:
        comment = row.comment if row.shareable else (NOT_SHAREABLE if row.comment else "")
        sheet.rows.append(
            [
                row.collected_on,
                row.case_ref,
                row.team_name,
                row.programme_name or "",
                "In an audit" if row.in_audit else "Outside an audit",
                RESPONDENT_LABELS.get(row.respondent, row.respondent),
                CHANNEL_LABELS.get(row.channel, row.channel),
                _yes(row.consent),
                *[ANSWER_LABELS.get(row.answers.get(q.key, ""), "") for q in questions],
                comment,
            ]
        )
    return sheet


def _learning_sheet(
    db: Database,
    actor: Actor,
    flt: LearningFilter,
    programmes: dict[str, str],
    teams: dict[str, str],
) -> _Sheet:
    rows = learning_service.list_learning(db, actor, flt)
    areas = dict(learning_service.practice_areas(db, actor))
    lines = [
        _named("Programme", flt.programme_key, programmes),
        _named("Team", flt.team_key, teams),
        f"Period (audit finalised, or point recorded): {period_text(flt.date_from, flt.date_to)}",
        f"Kind: {KIND_LABELS.get(flt.kind, flt.kind) if flt.kind else 'all'}",
        _named("Practice area", flt.item_key, areas),
        f"Theme: {flt.theme.strip().lower() if flt.theme else 'all'}",
    ]
    if flt.text and flt.text.strip():
        lines.append(f"Text contains: {flt.text.strip()}")
    if flt.in_briefing_only:
        lines.append("Only learning points allowed into briefings")
    if flt.final_only:
        lines.append("Only final audits")
    headers = [
        "Recorded",
        "Audit finalised",
        "Kind",
        "Learning point",
        "Practice area",
        "Themes",
        "Case",
        "Team",
        "Programme",
        "Audit status",
        "In briefings",
        "Recorded by",
    ]
    sheet = _Sheet("Learning points", lines, headers, wrap=frozenset({3}))
    for row in rows:
        sheet.rows.append(
            [
                row.recorded_on,
                row.finalised_on,
                row.kind_label,
                row.text,
                row.item_label or "",
                ", ".join(row.themes),
                row.case_ref,
                row.team_name,
                row.programme_name,
                AUDIT_STATUS_LABELS.get(row.audit_status, row.audit_status),
                _yes(row.in_briefing),
                row.author_name or "",
            ]
        )
    return sheet


def _actions_sheet(
    db: Database,
    actor: Actor,
    which: str,
    kwargs: dict[str, Any],
    programmes: dict[str, str],
    teams: dict[str, str],
) -> _Sheet:
    rows = learning_actions.list_actions(db, actor, which, **kwargs)
    lines = [
        f"Actions: {WHICH_LABELS.get(which, which)}",
        _named("Programme", kwargs.get("programme_key"), programmes),
        _named("Team", kwargs.get("team_key"), teams),
        f"Period (due date): {period_text(kwargs.get('date_from'), kwargs.get('date_to'))}",
    ]
    headers = [
        "Due",
        "Action",
        "Owner",
        "Status",
        "Overdue",
        "Scope",
        "Case",
        "Team",
        "Programme",
        "From inadequate audit",
        "Completed on",
        "Completed by",
        "Note",
        "Raised by",
    ]
    sheet = _Sheet("Actions", lines, headers, wrap=frozenset({1, 12}))
    for row in rows:
        sheet.rows.append(
            [
                row.due_on,
                row.text,
                row.owner_name,
                row.status_label,
                _yes(row.overdue),
                SCOPE_LABELS.get(row.scope, row.scope),
                row.case_ref or "",
                row.team_name or "",
                programmes.get(row.programme_key, row.programme_key or "")
                if row.programme_key
                else "",
                _yes(row.from_inadequate),
                row.completed_on,
                row.completed_by or "",
                row.completion_note,
                row.author_name or "",
            ]
        )
    return sheet


def _widths(sheet: _Sheet) -> list[int]:
    widths = []
    for i, header in enumerate(sheet.headers):
        longest = min(len(header), _HEADER_WIDTH)
        for row in sheet.rows:
            value = row[i]
            size = 10 if isinstance(value, date) else len(str(value or ""))
            longest = max(longest, min(size, _TEXT_WIDTH if i in sheet.wrap else _VALUE_WIDTH))
        widths.append(max(longest + 2, _MIN_WIDTH))
    return widths


def _write(book: Any, sheet: _Sheet, lines: Sequence[str]) -> None:
    """Every value goes through xlsx_common, so no user text (a learning point, a comment, a
    team's name) starting with "=" can become a formula."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.title)
    header_row = len(lines) + 2  # the lines, a blank row, the headings
    last = get_column_letter(len(sheet.headers))
    # A write-only sheet writes its views and columns before the first row.
    ws.freeze_panes = f"A{header_row + 1}"
    for i, width in enumerate(_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(sheet.rows)}"

    for line in lines:
        ws.append([xlsx_common.cell(ws, line)])
    ws.append([])
    bold, top = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append([xlsx_common.cell(ws, text, font=bold, alignment=top) for text in sheet.headers])
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        cells: list[Any] = []
        for i, value in enumerate(row):
            if isinstance(value, date):
                cells.append(xlsx_common.cell(ws, value, number_format=DATE_FORMAT))
            elif i in sheet.wrap and value:
                cells.append(xlsx_common.cell(ws, value, alignment=wrap))
            else:
                cells.append(xlsx_common.safe(ws, value))
        ws.append(cells)


def export_workbook(
    db: Database,
    actor: Actor,
    path: Path | str,
    *,
    learning: LearningFilter,
    feedback: FeedbackFilter,
    actions_which: str = "all",
    action_kwargs: dict[str, Any] | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> dict[str, int]:
    """Write the filtered feedback, learning points and actions to the .xlsx at `path`.

    `action_kwargs` go to `learning_actions.list_actions` (programme_key, team_key, date_from,
    date_to, today). `progress(done, total)` is called per sheet; returning False cancels and
    nothing is written. Returns the number of rows per sheet."""
    require(actor, "learning.export")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError(f"Export to an Excel workbook (.xlsx), not '{path.name}'")
    kwargs = dict(action_kwargs or {})
    allowed = {"programme_key", "team_key", "date_from", "date_to", "today"}
    if set(kwargs) - allowed:
        raise ValidationError(
            f"Unknown action filter(s): {', '.join(sorted(set(kwargs) - allowed))}"
        )

    total = len(SHEETS) + 1

    def step(done: int) -> None:
        if progress is not None and not progress(done, total):
            raise Cancelled("Export cancelled")

    programmes, teams = _names(db)
    step(0)
    sheets = [_feedback_sheet(db, actor, feedback, programmes, teams)]
    step(1)
    sheets.append(_learning_sheet(db, actor, learning, programmes, teams))
    step(2)
    sheets.append(_actions_sheet(db, actor, actions_which, kwargs, programmes, teams))
    step(3)
    stamp = f"Exported: {datetime.now():%Y-%m-%d %H:%M} by {actor.name}"

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        _write(book, sheet, [*sheet.lines, stamp])
    xlsx_common.save_atomic(book, path)
    if progress is not None:
        progress(total, total)
    return {sheet.title: len(sheet.rows) for sheet in sheets}
