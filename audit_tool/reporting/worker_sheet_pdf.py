"""The one-page feedback sheet for the worker and their manager: its input (WorkerSheet, which
services.worker_sheet fills from a confirmed audit) and the PDF.

A4 portrait, one page whatever the audit holds: the content is drawn at the house style's
sizes and, only if it would run over, shrunk to fit (long text stays whole, never cut). It
carries the case reference, as the worker's own file does; it is not for publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

CREATOR = "Audit Tool"
LABEL_STATUS = {"open": "Open", "done": "Done", "cancelled": "Cancelled"}


@dataclass(frozen=True)
class SheetAction:
    text: str
    owner: str
    due_on: date | None
    status: str


@dataclass(frozen=True)
class WorkerSheet:
    case_ref: str
    case_initials: str
    team: str
    worker: str
    manager: str
    programme: str
    template: str
    audited_by: tuple[str, ...]
    moderated_by: str
    confirmed_on: date | None
    overall: str  # the final overall grade in words
    grades: tuple[tuple[str, str], ...]  # (practice area, final grade in words)
    working_well: tuple[str, ...]
    to_improve: tuple[str, ...]
    actions: tuple[SheetAction, ...]
    rationale: str


def _content_width() -> float:
    from reportlab.lib.pagesizes import A4

    from audit_tool.reporting import style as st

    return float(A4[0] - 2 * st.MARGIN)


def _text(value: str) -> str:
    from audit_tool.reporting.style import inline

    return inline(value, markup=False, links=False)


def _facts(sheet: WorkerSheet, size: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    from audit_tool.reporting import style as st
    from audit_tool.reporting.pdf_common import table_style

    s = st.styles(size)
    confirmed = f"{sheet.confirmed_on:%d %B %Y}" if sheet.confirmed_on else "-"
    rows = [
        ("Worker", sheet.worker or "-", "Manager", sheet.manager or "-"),
        ("Team", sheet.team, "Programme", sheet.programme),
        (
            "Audited by",
            ", ".join(sheet.audited_by) or "-",
            "Moderated by",
            sheet.moderated_by or "-",
        ),
        ("Audit", sheet.template, "Confirmed", confirmed),
    ]
    data = [
        [Paragraph(f"<b>{_text(a)}</b>", s.small), Paragraph(_text(b), s.body)]
        + [Paragraph(f"<b>{_text(c)}</b>", s.small), Paragraph(_text(d), s.body)]
        for a, b, c, d in rows
    ]
    width = _content_width() / 100
    return Table(
        data,
        colWidths=[16 * width, 34 * width, 16 * width, 34 * width],
        style=table_style([("VALIGN", (0, 0), (-1, -1), "TOP")], size),
    )


def _grades(sheet: WorkerSheet, size: float) -> Any:
    from reportlab.platypus import Paragraph, Table

    from audit_tool.reporting import style as st
    from audit_tool.reporting.pdf_common import table_style

    s = st.styles(size)
    data = [[Paragraph("<b>Practice area</b>", s.small), Paragraph("<b>Final grade</b>", s.small)]]
    data += [
        [Paragraph(_text(area), s.body), Paragraph(_text(grade), s.body)]
        for area, grade in sheet.grades
    ]
    width = _content_width()
    return Table(
        data,
        colWidths=[width * 0.62, width * 0.38],
        repeatRows=1,
        style=table_style(
            [
                ("LINEBELOW", (0, 0), (-1, 0), st.RULE, st.PRIMARY),
                ("LINEBELOW", (0, 1), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ],
            size,
        ),
    )


def _bullets(items: tuple[str, ...], empty: str, size: float) -> list[Any]:
    from reportlab.platypus import Paragraph

    from audit_tool.reporting import style as st

    s = st.styles(size)
    if not items:
        return [Paragraph(_text(empty), s.small)]
    return [Paragraph(_text(item), s.bullet, bulletText="\u2022") for item in items]


def _actions(sheet: WorkerSheet, size: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Table

    from audit_tool.reporting import style as st
    from audit_tool.reporting.pdf_common import table_style

    s = st.styles(size)
    if not sheet.actions:
        return [Paragraph("No actions were raised from this audit.", s.small)]
    data = [[Paragraph(f"<b>{h}</b>", s.small) for h in ("Action", "Owner", "Due", "Status")]]
    for action in sheet.actions:
        due = f"{action.due_on:%d %b %Y}" if action.due_on else "-"
        data.append(
            [
                Paragraph(_text(action.text), s.body),
                Paragraph(_text(action.owner), s.body),
                Paragraph(due, s.body),
                Paragraph(LABEL_STATUS.get(action.status, action.status), s.body),
            ]
        )
    width = _content_width()
    return [
        Table(
            data,
            colWidths=[width * 0.52, width * 0.2, width * 0.15, width * 0.13],
            repeatRows=1,
            style=table_style(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), st.RULE, st.PRIMARY),
                    ("LINEBELOW", (0, 1), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ],
                size,
            ),
        )
    ]


def _story(sheet: WorkerSheet, size: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    from audit_tool.reporting import style as st

    s = st.styles(size)
    story: list[Any] = [
        Paragraph(_text(f"Feedback on the audit of case {sheet.case_ref}"), s.title),
        Paragraph(
            "For the worker and their manager, given at the time of the audit. "
            "Confidential: keep it with the case's supervision records.",
            s.small,
        ),
        _facts(sheet, size),
        Spacer(1, st.SPACE_M),
        Paragraph(_text(f"Final overall grade: {sheet.overall}"), s.heading),
        _grades(sheet, size),
        Paragraph("What is working well", s.heading),
        *_bullets(sheet.working_well, "Nothing was recorded.", size),
        Paragraph("What needs to improve", s.heading),
        *_bullets(sheet.to_improve, "Nothing was recorded.", size),
        Paragraph("Actions", s.heading),
        *_actions(sheet, size),
    ]
    if sheet.rationale.strip():
        story += [
            Paragraph("The moderator's rationale", s.heading),
            Paragraph(_text(sheet.rationale), s.body),
        ]
    return story


def render_pdf(sheet: WorkerSheet) -> bytes:
    """The sheet as PDF bytes: always exactly one A4 page."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, PageTemplate

    from audit_tool.reporting import style as st
    from audit_tool.reporting.pdf_common import meta

    st.register_fonts()
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        title=meta(f"Feedback on the audit of case {sheet.case_ref}"),
        author=meta(sheet.moderated_by),
        subject="Case audit feedback to the worker and their manager",
        creator=CREATOR,
        lang="en-GB",
        displayDocTitle=True,
        initialFontName=st.FONT,
        initialFontSize=10,
    )
    frame = Frame(st.MARGIN, st.MARGIN, A4[0] - 2 * st.MARGIN, A4[1] - 2 * st.MARGIN, id="page")
    template.addPageTemplates([PageTemplate(id="sheet", frames=[frame])])
    fitted = KeepInFrame(frame._width, frame._height, _story(sheet, 9.5), mode="shrink")
    template.build([fitted])
    return buf.getvalue()
