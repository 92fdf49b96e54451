"""The accessible report in words: the QA lead's commentary at the head of each section, and
its last three sections (learning themes with the strongest learning points quoted, the voices of
children and families, progress on last period's areas for improvement), from the report's
`story`. Quotations are tagged as quotations; every chart's alternative text states its
values; counts are set against the period before only when both periods are whole."""

from __future__ import annotations

from typing import Any

from audit_tool.reporting.story import (
    action_state_text,
    change_text,
    edition_text,
    point_source_text,
    theme_title,
    voice_source_text,
)
from audit_tool.reporting.tagged import document as d
from audit_tool.reporting.tagged.reading import R, Reader, long_date, period_label, share

NOT_IN_REPORT = "The learning in words was not part of this report's data."


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _story(r: Reader) -> dict[str, Any]:
    return r.report.get("story") or {}


def commentary(r: Reader, key: str) -> list[d.Json]:
    """The lead's commentary on section `key`, under a heading of its own (nothing if none)."""
    story = _story(r)
    text = str((story.get("commentary") or {}).get(key) or "").strip()
    if not text:
        return []
    draft = (story.get("edition") or {}).get("status") != "published"
    heading = "Commentary from the QA lead" + (" (draft, not yet published)" if draft else "")
    return [d.sub_heading(heading), *d.from_markup(text, heading_level=4)]


def edition_fact(r: Reader) -> tuple[str, str] | None:
    story = _story(r)
    if not story:
        return None
    return "Commentary", edition_text(story.get("edition")).capitalize()


def _quote(text: str, source: str) -> d.Json:
    return {
        "kind": "quote",
        "spans": [d.text_span(f"\u201c{text}\u201d"), d.text_span(f" \u2014 {source}")],
    }


# ---------------------------------------------------------------- 8. learning themes


def themes(r: Reader) -> list[d.Json]:
    story = _story(r)
    if not story:
        return [d.para(NOT_IN_REPORT)]
    now, before = period_label(story["period"]), period_label(story["previous"])
    compared = bool(story.get("compared"))
    blocks: list[d.Json] = [
        d.para(
            "The themes auditors tagged on the learning points of the audits finalised in "
            f"{now}, each point counted as a strength or as a point for development"
            + (f", set against {before}." if compared else ".")
        )
    ]
    rows = [t for t in story.get("themes") or [] if t["strength"] or t["development"]]
    blocks += _themes_table(story, rows, now, before)
    if rows:
        top = max(t["strength"] + t["development"] for t in rows)
        blocks.append(
            d.bar_chart(
                f"Learning points by theme in {now}",
                [
                    d.Bar(
                        theme_title(t["theme"]),
                        t["strength"] + t["development"],
                        f"{plural(t['strength'], 'strength')}, {t['development']} for development",
                    )
                    for t in rows[:10]
                ],
                scale=top,
                summary=f"Bar chart of the learning points of each theme in {now}",
            )
        )
    for heading, which in (
        ("What worked well", "strengths"),
        ("What needs to improve", "developments"),
    ):
        blocks.append(d.sub_heading(heading))
        points = story.get(which) or []
        if not points:
            blocks.append(d.para(f"None recorded in {now} may be quoted."))
        blocks += [_quote(p["text"], point_source_text(p)) for p in points]
    blocks.append(
        d.note(
            "Quoted: learning points allowed for sharing (as for briefings), the most often "
            "recorded first, whose words name no case, initials or person held in the "
            f"database. Texts passed over by that check: {int(story.get('passed_over', 0))}."
        )
    )
    return blocks


def _themes_table(
    story: dict[str, Any], rows: list[dict[str, Any]], now: str, before: str
) -> list[d.Json]:
    """The themes' counts: against the period before where both are whole."""
    out: list[d.Json] = []
    if not rows:
        out.append(d.para(f"No learning points were tagged with a theme in {now}."))
    elif story.get("compared"):
        out.append(
            d.table(
                f"Learning themes in {now}, against {before}",
                [
                    d.Column("Theme"),
                    d.Column("Strengths", R),
                    d.Column(f"Strengths against {before}", R),
                    d.Column("For development", R),
                    d.Column(f"For development against {before}", R),
                ],
                [
                    [
                        theme_title(t["theme"]),
                        str(t["strength"]),
                        change_text(t["strength"], t["before"]["strength"]),
                        str(t["development"]),
                        change_text(t["development"], t["before"]["development"]),
                    ]
                    for t in rows
                ],
            )
        )
    else:
        out.append(
            d.table(
                f"Learning themes in {now}",
                [d.Column("Theme"), d.Column("Strengths", R), d.Column("For development", R)],
                [
                    [theme_title(t["theme"]), str(t["strength"]), str(t["development"])]
                    for t in rows
                ],
            )
        )
        partial = now if story["period"].get("partial") else before
        out.append(d.note(f"{partial} is not a whole period: the counts are not compared."))
    return out


# ---------------------------------------------------------------- 9. voices


def voices(r: Reader) -> list[d.Json]:
    story = _story(r)
    if not story:
        return [d.para(NOT_IN_REPORT)]
    now = period_label(story["period"])
    talks = int(r.last.get("feedback_conversations") or 0)
    families = int(r.last.get("feedback_families") or 0)
    blocks: list[d.Json] = [
        d.para(
            "In their own words: what children, young people, parents and carers said about "
            f"the help they received, in the audits finalised in {now}. A comment is quoted "
            "only when it was given with consent, marked shareable and names no one."
        ),
        d.para(
            d.text_span(plural(talks, "conversation"), bold=True),
            " with ",
            d.text_span(f"{families} famil{'ies' if families != 1 else 'y'}", bold=True),
            f" in {now}.",
        ),
        d.sub_heading(f"What families told us in {now}"),
    ]
    quoted = story.get("voices") or []
    if not quoted:
        blocks.append(
            d.para(
                f"No comment in {now} was given with consent, marked shareable and free of names."
            )
        )
    blocks += [_quote(v["text"], voice_source_text(v)) for v in quoted]
    return blocks


# ---------------------------------------------------------------- 10. progress


def progress(r: Reader) -> list[d.Json]:
    story = _story(r)
    if not story:
        return [d.para(NOT_IN_REPORT)]
    now, before = period_label(story["period"]), period_label(story["previous"])
    areas = story.get("improvement") or []
    blocks: list[d.Json] = [
        d.para(
            f"The themes with the most points for development in {before}: last {r.word}'s "
            f"areas for improvement. Beside each, how many points for development it had then "
            f"and in {now}, and what was done: the actions raised in the audits that found it "
            f"(in either period), with their status on {long_date(r.report.get('to'))}."
        )
    ]
    if not areas:
        return [*blocks, d.para(f"No points for development were recorded in {before}.")]
    blocks.append(
        d.table(
            f"Areas for improvement from {before}: points for development found then and in "
            f"{now}, and the actions raised on them",
            [
                d.Column("Area for improvement"),
                d.Column(f"Found in {before}", R),
                d.Column(f"Found in {now}", R),
                d.Column("Actions raised", R),
                d.Column("Done", R),
                d.Column("Open", R),
                d.Column("Of which overdue", R),
                d.Column("Cancelled", R),
            ],
            [
                [
                    theme_title(a["theme"]),
                    str(a["development_before"]),
                    str(a["development_now"]),
                    *(
                        str(a["actions"][k])
                        for k in ("raised", "done", "open", "overdue", "cancelled")
                    ),
                ]
                for a in areas
            ],
        )
    )
    if not story.get("compared"):
        partial = now if story["period"].get("partial") else before
        blocks.append(
            d.note(f"{partial} is not a whole period: its count is not a fall or a rise.")
        )
    raised = [a for a in areas if a["actions"]["raised"]]
    if raised:
        blocks.append(
            d.bar_chart(
                "Share of the actions raised that are done, by area",
                [
                    d.Bar(
                        theme_title(a["theme"]),
                        100 * a["actions"]["done"] / a["actions"]["raised"],
                        f"{a['actions']['done']} of {a['actions']['raised']} done "
                        f"({share(a['actions']['done'], a['actions']['raised'])}), "
                        f"{a['actions']['overdue']} overdue",
                    )
                    for a in raised
                ],
                scale=100,
                summary="Bar chart of the share of the actions raised in each area that are done",
            )
        )
    return [*blocks, d.sub_heading("What was done"), _what_was_done(areas)]


def _what_was_done(areas: list[dict[str, Any]]) -> d.Json:
    """Each area, bold, with its quoted service actions listed under it."""
    items = []
    for a in areas:
        quoted = [f"{q['text']} \u2014 {action_state_text(q)}" for q in a.get("quoted") or []]
        children = [d.bullets(quoted)] if quoted else []
        name = theme_title(a["theme"]) + (
            "" if quoted else ": no service action that may be quoted"
        )
        items.append(
            {"spans": [d.text_span(name, bold=True)], "number": None, "children": children}
        )
    return {"kind": "list", "ordered": False, "items": items}
