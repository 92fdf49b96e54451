"""The QA lead's commentary in the QA report PDF: a shaded box under a section's heading with
the lead's words for that section (the report's `story.commentary`, from its edition), and
the edition on the cover. A draft's box says it is a draft."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.story import edition_text


def _story(ctx: Context) -> dict[str, Any]:
    return ctx.v.report.get("story") or {}


def fact(ctx: Context) -> tuple[str, str] | None:
    """The cover's line on the commentary, where the report has a story."""
    story = _story(ctx)
    if not story:
        return None
    return "Commentary", edition_text(story.get("edition")).capitalize()


def render(ctx: Context, key: str) -> list[Any]:
    """The box with the lead's commentary on section `key` (nothing where there is none)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer, Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st
    from audit_tool.reporting.briefing_pdf.common import block_flowables

    story = _story(ctx)
    text = str((story.get("commentary") or {}).get(key) or "").strip()
    if not text:
        return []
    draft = (story.get("edition") or {}).get("status") != "published"
    label = "Commentary from the QA lead" + (" (draft, not yet published)" if draft else "")
    head = ParagraphStyle("rp-comment-head", parent=ctx.caption, spaceBefore=0, spaceAfter=3)
    body = block_flowables(text, ctx.s, empty="")
    box = Table(
        [[[ctx.para(ctx.text(label), head), *body]]],
        colWidths=[ctx.width],
        style=pc.table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), st.TINT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, st.ACCENT if draft else st.PRIMARY),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
        hAlign="LEFT",
    )
    return [box, Spacer(1, 8)]
