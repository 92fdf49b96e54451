"""The 7-minute briefing as plain UTF-8 text, in reading order, headings underlined."""

from __future__ import annotations

from audit_tool.reporting.briefing_pdf.content import (
    NOTHING_RECORDED,
    BriefingDoc,
    check,
    grade_rows,
    reflection_questions,
    title_of,
)
from audit_tool.reporting.markup import Block, parse_blocks, plain


def render_text(doc: BriefingDoc) -> str:
    """The briefing as plain UTF-8 text in reading order, headings underlined."""
    check(doc)

    def heading(text: str, char: str) -> list[str]:
        text = " ".join(text.split())
        return [text, char * max(len(text), 3), ""]

    def blocks(text: str) -> list[str]:
        out: list[str] = []
        in_list = False
        for block in parse_blocks(text):
            item = block.kind in ("bullet", "numbered")
            if out and not (item and in_list):
                out.append("")  # a blank line between blocks, none inside a list
            out.append(_text_block(block))
            in_list = item
        return [*(out or [NOTHING_RECORDED]), ""]

    lines = heading(title_of(doc), "=")
    if doc.partnership.strip():
        lines.append(" ".join(doc.partnership.split()))
    for label, value in (
        ("Date", doc.date_text),
        ("Audience", doc.audience),
        ("Status", doc.status_label),
    ):
        if value.strip():
            lines.append(f"{label}: {' '.join(value.split())}")
    lines.append("")
    for section in doc.sections:
        lines += heading(f"{section.number}. {section.heading}", "-")
        lines += blocks(section.text)
        if section.number == 3:
            lines += _grades_text(doc)
    lines += heading("About the sample and method", "-")
    lines += blocks(doc.sample)
    lines += heading("References and links", "-")
    refs = [" ".join(r.split()) for r in doc.references if r.strip()]
    lines += [f"- {r}" for r in refs] or ["None given."]
    lines.append("")
    lines += heading("Questions for reflection", "-")
    lines += [f"- {q}" for q in reflection_questions(doc)]
    lines.append("")
    return "\n".join(lines)


def _text_block(block: Block) -> str:
    body = plain(block.text)
    indent = "  " * block.level
    if block.kind == "quote":
        return "> " + body.replace("\n", "\n> ")
    if block.kind in ("bullet", "numbered"):
        marker = f"{block.label} " if block.label else "- "
        return indent + marker + body.replace("\n", "\n" + indent + " " * len(marker))
    return body


def _grades_text(doc: BriefingDoc) -> list[str]:
    rows, total = grade_rows(doc)
    if not total:
        return ["Moderated grades: none recorded.", ""]
    width = max(len(label) for label, _n, _p in rows)
    out = [f"Moderated grades ({total} audits):"]
    out += [f"  {label.ljust(width)}  {n:>3}  {pct:>4}" for label, n, pct in rows]
    return [*out, ""]
