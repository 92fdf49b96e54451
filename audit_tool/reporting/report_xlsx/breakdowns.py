"""The workbook's breakdown sheets (report v1.1 and the optional keys beside it): the reviews of
multi-agency and SEND audits by the agency that audited and by SEND strand, the audits graded on
the partnership's own scales, and family feedback per question by team and by service area.
Each is one long table, so that its autofilter picks out a group, a question or a period."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.report_xlsx.model import (
    Report,
    Sheet,
    Table,
    cols,
    count,
    good_and_ri,
    grade_counts,
    keys_of,
    num,
)
from audit_tool.reporting.words import GRADES

REVIEWS = "Reviews by agency and strand"
SCALES = "Own grading scales"
FEEDBACK = "Feedback by team and area"


def _groups(r: Report, key: str, named: Callable[[str], str]) -> list[tuple[str, str]]:
    """The groups of the breakdown `key` over every period, as (name, key) sorted by name."""
    found = keys_of(p.get(key) for p in r.all)
    return sorted(((named(k), k) for k in found), key=lambda t: t[0].casefold())


def reviews(r: Report) -> Sheet:
    """Reviews by the agency of the auditor and by SEND strand, with their grades."""
    table = Table(
        cols(
            "Breakdown",
            "Group",
            "Period",
            ("Reviews", xc.COUNT_FORMAT),
            *[(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES],
            ("% good or better", xc.PCT_FORMAT),
            ("% requires improvement or better", xc.PCT_FORMAT),
        )
    )
    for breakdown, key, named in (
        ("Agency that audited", "by_reviewer_agency", lambda k: r.names.name("agencies", k)),
        ("SEND strand", "by_send_part", r.names.part),
    ):
        for name, group in _groups(r, key, named):
            for p in r.all:
                g: Mapping[str, Any] = (p.get(key) or {}).get(group) or {}
                counts = grade_counts(g.get("overall") or {})
                table.rows.append(
                    [
                        breakdown,
                        name,
                        r.label(p),
                        count(g.get("reviews")),
                        *counts,
                        num(g.get("pct_good_or_better")),
                        good_and_ri(counts)[1],
                    ]
                )
    table.columns[1].wrap = True
    lines = r.heading(
        "Reviews by agency and strand: the submitted reviews of final multi-agency and SEND "
        "audits by the agency of the auditor who wrote them, and a SEND audit's reviews by "
        "strand (education, health, social care)"
    )
    if not table.rows:
        lines.append("There are no multi-agency or SEND reviews in this report.")
    else:
        lines.append("Reviews on a scale other than Ofsted's count in Reviews, not in the grades.")
    return Sheet(REVIEWS, lines, [table])


def scales(r: Report) -> Sheet:
    """Final audits graded on a scale other than Ofsted's, by their overall level."""
    table = Table(cols("Scale", "Grade", "Period", ("Final audits", xc.COUNT_FORMAT)))
    found = keys_of(p.get("other_scales") for p in r.all)
    for scale in sorted(found, key=lambda k: r.names.scale(k).casefold()):
        levels = keys_of(
            [
                r.names.levels_of(scale),
                *[(p.get("other_scales") or {}).get(scale) for p in r.all],
            ]
        )
        for level in levels:
            if not any((p.get("other_scales") or {}).get(scale, {}).get(level) for p in r.all):
                continue  # a level no audit was given
            for p in r.all:
                n = ((p.get("other_scales") or {}).get(scale) or {}).get(level)
                table.rows.append(
                    [r.names.scale(scale), r.names.level(scale, level), r.label(p), count(n)]
                )
    lines = r.heading(
        "Own grading scales: final audits graded on the partnership's own scales, by their "
        "overall grade (counted in the final audits, left out of the Ofsted figures)"
    )
    if not table.rows:
        lines.append("No final audits in this report were graded on another scale.")
    return Sheet(SCALES, lines, [table])


def feedback(r: Report) -> Sheet:
    """Family feedback per question by the case's team and by its service area."""
    table = Table(
        cols(
            "Breakdown",
            "Group",
            "Question",
            "Period",
            ("Asked", xc.COUNT_FORMAT),
            ("Yes", xc.COUNT_FORMAT),
            ("Partly", xc.COUNT_FORMAT),
            ("No", xc.COUNT_FORMAT),
            ("% yes", xc.PCT_FORMAT),
        )
    )
    for breakdown, key, named in (
        ("Team", "feedback_by_team", lambda k: r.names.name("teams", k)),
        ("Service area", "feedback_by_service_area", r.names.area),
    ):
        for name, group in _groups(r, key, named):
            per = [(p.get(key) or {}).get(group) or {} for p in r.all]
            for question in keys_of(per):
                if not any(count((q.get(question) or {}).get("asked")) for q in per):
                    continue  # a question nobody in the group was asked
                for p, answers in zip(r.all, per, strict=True):
                    f = answers.get(question) or {}
                    table.rows.append(
                        [
                            breakdown,
                            name,
                            r.names.name("questions", question),
                            r.label(p),
                            count(f.get("asked")),
                            count(f.get("yes")),
                            count(f.get("partly")),
                            count(f.get("no")),
                            num(f.get("pct_yes")),
                        ]
                    )
    table.columns[1].wrap = table.columns[2].wrap = True
    lines = r.heading(
        "Feedback by team and area: family feedback in the audits of each team's cases and each "
        "service area's, per question (% yes of yes, partly and no)"
    )
    if not table.rows:
        lines.append("There is no family feedback by team in this report.")
    return Sheet(FEEDBACK, lines, [table])
