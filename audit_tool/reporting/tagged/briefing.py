"""The 7-minute briefing's accessible version as tagged PDF/UA-1, from the same BriefingDoc as
the designed PDF: the title, the seven sections in order (section 3 with the grade chart,
its alternative text stating every count, and the same figures as a table), the sample and
method, the references (web addresses as links) and the questions for reflection."""

from __future__ import annotations

from audit_tool.reporting.briefing_pdf import BriefingDoc, reflection_questions
from audit_tool.reporting.tagged import document as d
from audit_tool.reporting.tagged import engine

INTRO = "A 7-minute learning briefing in seven sections, to present at a team meeting."


def render_tagged_briefing(doc: BriefingDoc) -> bytes:
    """The accessible briefing as PDF bytes (A4 portrait, one column, tagged PDF/UA-1)."""
    return engine.render(briefing_document(doc).as_json())


def briefing_document(doc: BriefingDoc) -> d.Document:
    numbers = [s.number for s in doc.sections]
    if numbers != list(range(1, 8)):
        raise ValueError(f"a briefing has seven sections numbered 1 to 7, not {numbers}")
    title = doc.title.strip() or "7-minute briefing"
    out = d.Document(
        title=title,
        author=doc.author.strip() or doc.partnership.strip(),
        description=doc.subject.strip() or f"7-minute learning briefing: {title}",
        keywords=[
            "7-minute briefing",
            "learning briefing",
            "safeguarding",
            "case file audit",
            *(w for w in (doc.partnership.strip(), doc.status_label.strip()) if w),
        ],
        footer=" \u00b7 ".join(
            part for part in (title, doc.status_label.strip(), doc.date_text.strip()) if part
        ),
        language=doc.language,
    )
    for label, value in (
        ("Partnership", doc.partnership),
        ("Date", doc.date_text),
        ("Audience", doc.audience),
        ("Status", doc.status_label),
    ):
        if value.strip():
            out.front.append(d.para(d.text_span(f"{label}: ", bold=True), " ".join(value.split())))
    out.front.append(d.para(INTRO))
    for section in doc.sections:
        blocks = d.from_markup(section.text) or [d.para("Nothing recorded.")]
        if section.number == 3:
            blocks += grade_blocks(doc)
        out.sections.append(d.Section(f"{section.number}. {section.heading}", blocks))
    out.sections.append(
        d.Section(
            "About the sample and method",
            d.from_markup(doc.sample) or [d.para("Not recorded.")],
        )
    )
    refs = [r for r in doc.references if r.strip()]
    out.sections.append(
        d.Section(
            "References and links",
            [d.linked_list(refs)] if refs else [d.para("None given.")],
        )
    )
    out.sections.append(
        d.Section("Questions for reflection", [d.numbered(reflection_questions(doc))])
    )
    return out


def grade_blocks(doc: BriefingDoc) -> list[d.Json]:
    """The moderated grades: a bar chart (its alternative text states each count and share)
    and the same figures as a table."""
    counts = [(label, max(n, 0)) for label, n in doc.grade_counts]
    total = sum(n for _label, n in counts)
    if not total:
        return [d.sub_heading("Moderated grades"), d.para("No moderated grades recorded.")]

    def share(n: int) -> str:
        return f"{round(100 * n / total)}%"

    chart = d.bar_chart(
        "Moderated grades of the audits in this briefing",
        [d.Bar(label, n, f"{n} ({share(n)})") for label, n in counts],
        scale=max(n for _label, n in counts),
        summary=f"Bar chart of the moderated grades of {total} audits, best grade first",
    )
    table = d.table(
        "Moderated grades: audits and share",
        [d.Column("Grade"), d.Column("Audits", "right"), d.Column("Share", "right")],
        [[label, str(n), share(n)] for label, n in counts],
        total=["Total", str(total), "100%"],
    )
    return [d.sub_heading("Moderated grades"), chart, table]
