"""The QA report PDF's voices of children and families: how many families gave
feedback in the last period and what they said, quoted only with their consent, when marked
shareable and naming no one."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.themes import not_in_report, story_of
from audit_tool.reporting.report_pdf.view import period_label, plural
from audit_tool.reporting.story import voice_source_text


def render(ctx: Context) -> list[Any]:
    from reportlab.lib.styles import ParagraphStyle

    from audit_tool.reporting import style as st

    story = story_of(ctx)
    if story is None:
        return not_in_report(ctx)
    now = period_label(story["period"])
    last = ctx.v.last
    talks = int(last.get("feedback_conversations") or 0)
    families = int(last.get("feedback_families") or 0)
    out: list[Any] = [
        ctx.para(
            "In their own words: what children, young people, parents and carers said about "
            f"the help they received, in the audits finalised in {ctx.text(now)}. A comment is "
            "quoted only when it was given with consent, marked shareable and names no one.",
            ctx.intro,
        ),
        ctx.para(
            f"<b>{ctx.text(plural(talks, 'conversation'))}</b> with "
            f"<b>{ctx.text(plural(families, 'family', 'families'))}</b> in {ctx.text(now)}."
        ),
    ]
    out += ctx.sub("voices-quotes", f"What families told us in {now}")
    voices = story.get("voices") or []
    if not voices:
        out.append(
            ctx.empty_note(
                f"No comment in {now} was given with consent, marked shareable and free of names."
            )
        )
        return out
    quote = ParagraphStyle(
        "rp-voice",
        parent=ctx.s.quote,
        fontSize=11,
        leading=15,
        textColor=st.PRIMARY,
        leftIndent=14,
        spaceBefore=6,
        spaceAfter=1,
    )
    source = ParagraphStyle("rp-voice-src", parent=ctx.note, leftIndent=14, spaceAfter=6)
    for voice in voices:
        out.append(ctx.para(f"\u201c{ctx.text(voice['text'])}\u201d", quote))
        out.append(ctx.para(f"\u2014 {ctx.text(voice_source_text(voice))}", source))
    return out
