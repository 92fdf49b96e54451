"""The workbook's sheets of figures: Summary, Grades, Practice areas, Moderation, Feedback,
Actions and Compliance. Tables are "long" (one row per group and period, the total last) so that
the autofilter picks out a team, an item or a period; every key is shown in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.report_xlsx.model import (
    DIFF_FORMAT,
    KAPPA_FORMAT,
    MEAN_FORMAT,
    Report,
    Sheet,
    Table,
    cols,
    count,
    day,
    good_and_ri,
    grade_counts,
    keys_of,
    num,
)
from audit_tool.reporting.words import GRADES


def summary(r: Report) -> Sheet:
    lines = [
        r.title_line(),
        "Summary: the headline figures, period by period",
        f"Partnership: {r.partnership or '-'}",
        f"Period: {r.range}",
        f"Filters: {r.filters}",
    ]
    generated = r.generated()
    if generated:
        lines.append(f"Generated: {generated}")
    lines.append(
        "Counts final audits only, each in the period its moderation (for a single audit, its "
        "review) was completed; percentages are of the audits graded."
    )
    single, planned = r.has("audits_single"), r.has("audits_planned")
    ri, families = r.has("pct_ri_or_better"), r.has("feedback_families")
    spec: list[str | tuple[str, str | None]] = [
        "Period",
        ("From", xc.DATE_FORMAT),
        ("To", xc.DATE_FORMAT),
        ("Audits final", xc.COUNT_FORMAT),
    ]
    if single:
        spec.append(("Of which single audits", xc.COUNT_FORMAT))
    if planned:
        spec.append(("Audits planned", xc.COUNT_FORMAT))
    spec.append(("% good or better", xc.PCT_FORMAT))
    if ri:
        spec.append(("% requires improvement or better", xc.PCT_FORMAT))
    spec += [
        ("Exact agreement %", xc.PCT_FORMAT),
        ("Kappa (quadratic)", KAPPA_FORMAT),
        ("Gwet's AC2", KAPPA_FORMAT),
        ("Worker feedback %", xc.PCT_FORMAT),
        ("Open actions", xc.COUNT_FORMAT),
        ("Overdue actions", xc.COUNT_FORMAT),
    ]
    if families:
        spec += [
            ("Families who gave feedback", xc.COUNT_FORMAT),
            ("Feedback conversations", xc.COUNT_FORMAT),
        ]
    table = Table(cols(*spec))
    for p in r.all:
        agreement = p.get("agreement") or {}
        actions = p.get("actions") or {}
        row: list[Any] = [
            r.label(p),
            day(p.get("from")),
            day(p.get("to")),
            count(p.get("audits_final")),
        ]
        if single:
            row.append(num(p.get("audits_single")))
        if planned:
            row.append(num(p.get("audits_planned")))
        row.append(num(p.get("pct_good_or_better")))
        if ri:
            row.append(num(p.get("pct_ri_or_better")))
        row += [
            num(agreement.get("exact_pct")),
            num(agreement.get("kappa_quadratic")),
            num(agreement.get("gwet_ac2")),
            num(p.get("worker_feedback_pct")),
            count(actions.get("open")),
            count(actions.get("overdue")),
        ]
        if families:
            row += [count(p.get("feedback_families")), count(p.get("feedback_conversations"))]
        table.rows.append(row)
    return Sheet("Summary", lines, [table])


def grades(r: Report) -> Sheet:
    grade_cols = [(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES]
    table = Table(
        cols(
            "Breakdown",
            "Group",
            "Period",
            ("Audits final", xc.COUNT_FORMAT),
            *grade_cols,
            ("% good or better", xc.PCT_FORMAT),
            ("% requires improvement or better", xc.PCT_FORMAT),
        )
    )

    def add(breakdown: str, group: str, per_period: Sequence[Mapping[str, Any] | None]) -> None:
        for p, g in zip(r.all, per_period, strict=True):
            g = g or {}
            counts = grade_counts(g.get("overall") or {})
            table.rows.append(
                [
                    breakdown,
                    group,
                    r.label(p),
                    count(g.get("audits_final")),
                    *counts,
                    num(g.get("pct_good_or_better")),
                    good_and_ri(counts)[1],
                ]
            )

    add("All audits", "All", r.all)
    for breakdown, key, named in (
        ("Team", "by_team", lambda k: r.names.name("teams", k)),
        ("Service area", "by_service_area", r.names.area),
        ("Agency", "by_agency", lambda k: r.names.name("agencies", k)),
        ("Theme", "by_theme", lambda k: k),
    ):
        names = {k: named(k) for k in keys_of(p.get(key) for p in r.all)}
        for group in sorted(names, key=lambda k: names[k].casefold()):
            add(breakdown, names[group], [(p.get(key) or {}).get(group) for p in r.all])
    table.columns[1].wrap = True
    lines = r.heading(
        "Grades: moderated overall grades by period, all audits, then by team, service area, "
        "agency and theme"
    )
    return Sheet("Grades", lines, [table])


_ITEM_KINDS = {"grade": "Grade", "yes_no": "Yes/no", "number": "Number"}


def practice_areas(r: Report) -> Sheet:
    table = Table(
        cols(
            "Practice area",
            "Answer",
            "Period",
            *[(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES],
            ("% good or better", xc.PCT_FORMAT),
            ("Yes", xc.COUNT_FORMAT),
            ("No", xc.COUNT_FORMAT),
            ("% yes", xc.PCT_FORMAT),
            ("Answered", xc.COUNT_FORMAT),
            ("Min", None),
            ("Mean", MEAN_FORMAT),
            ("Max", None),
        )
    )
    items = [p.get("items") or {} for p in r.all]
    for key in keys_of([items[-1], *items[:-1]]):
        kind = next((i[key].get("kind") for i in items if key in i), "grade")
        for p, per in zip(r.all, items, strict=True):
            item = per.get(key) or {}
            row: list[Any] = [r.names.name("items", key), _ITEM_KINDS.get(kind, kind), r.label(p)]
            if kind == "grade":
                counts = item.get("counts") or {}
                n = [count(counts.get(g)) for g in GRADES]
                row += [*n, good_and_ri(n)[0], None, None, None, None, None, None, None]
            elif kind == "yes_no":
                row += [None] * 5
                row += [count(item.get("yes")), count(item.get("no")), num(item.get("pct_yes"))]
                row += [None] * 4
            else:
                row += [None] * 8
                row += [
                    count(item.get("n")),
                    num(item.get("min")),
                    num(item.get("mean")),
                    num(item.get("max")),
                ]
            table.rows.append(row)
    table.columns[0].wrap = True
    lines = r.heading("Practice areas: final answers per item and period")
    return Sheet("Practice areas", lines, [table])


def moderation(r: Report) -> Sheet:
    main = Table(
        cols(
            "Period",
            ("Pairs", xc.COUNT_FORMAT),
            ("Exact agreement %", xc.PCT_FORMAT),
            ("Within one grade %", xc.PCT_FORMAT),
            ("Kappa (quadratic)", KAPPA_FORMAT),
            ("Gwet's AC2", KAPPA_FORMAT),
            ("Moderation raised the grade", xc.COUNT_FORMAT),
            ("Lowered", xc.COUNT_FORMAT),
            ("Unchanged", xc.COUNT_FORMAT),
        )
    )
    for p in r.all:
        a, m = p.get("agreement") or {}, p.get("moderation") or {}
        main.rows.append(
            [
                r.label(p),
                count(a.get("pairs")),
                num(a.get("exact_pct")),
                num(a.get("within_one_pct")),
                num(a.get("kappa_quadratic")),
                num(a.get("gwet_ac2")),
                count(m.get("raised")),
                count(m.get("lowered")),
                count(m.get("unchanged")),
            ]
        )
    tables = [main]
    confusion = (r.total.get("agreement") or {}).get("confusion")
    if confusion:
        matrix = Table(
            cols(
                "First review's grade",
                *[(r.names.grade(g), xc.COUNT_FORMAT) for g in GRADES],
                ("Total", xc.COUNT_FORMAT),
            ),
            title=(
                f"Confusion matrix, {r.label(r.total)}: the first review's grade (rows) against "
                "the second review's (columns)"
            ),
        )
        counts = [[count(v) for v in row] for row in confusion]
        for g, row in zip(GRADES, counts, strict=False):
            matrix.rows.append([r.names.grade(g), *row, sum(row)])
        columns = [sum(col) for col in zip(*counts, strict=True)]
        matrix.rows.append(["Total", *columns, sum(columns)])
        tables.append(matrix)
    auditors = Table(
        cols(
            "Auditor",
            "Period",
            ("Reviews", xc.COUNT_FORMAT),
            ("Mean difference", DIFF_FORMAT),
        ),
        title=(
            "Auditors: their reviews in moderated audits and the mean difference of the moderated "
            "grade from theirs, in grade steps (positive: the moderator graded lower)"
        ),
    )
    people = keys_of(p.get("auditors") for p in r.all)
    for person in sorted(people, key=lambda k: r.names.name("people", k).casefold()):
        for p in r.all:
            seen = (p.get("auditors") or {}).get(person)
            if seen:
                auditors.rows.append(
                    [
                        r.names.name("people", person),
                        r.label(p),
                        count(seen.get("reviews")),
                        num(seen.get("mean_difference")),
                    ]
                )
    tables.append(auditors)
    lines = r.heading(
        "Moderation: agreement of the two auditors (looped audits with two graded reviews) and "
        "how moderation moved the grade"
    )
    return Sheet("Moderation", lines, tables)


def feedback(r: Report) -> Sheet:
    table = Table(
        cols(
            "Gathered",
            "Question",
            "Period",
            ("Asked", xc.COUNT_FORMAT),
            ("Yes", xc.COUNT_FORMAT),
            ("Partly", xc.COUNT_FORMAT),
            ("No", xc.COUNT_FORMAT),
            ("% yes", xc.PCT_FORMAT),
        )
    )
    for gathered, key in (("In audits", "feedback"), ("Outside audits", "feedback_outside")):
        if not any(key in p for p in r.all):
            continue
        for question in keys_of(p.get(key) for p in r.all):
            for p in r.all:
                f = (p.get(key) or {}).get(question) or {}
                table.rows.append(
                    [
                        gathered,
                        r.names.name("questions", question),
                        r.label(p),
                        count(f.get("asked")),
                        count(f.get("yes")),
                        count(f.get("partly")),
                        count(f.get("no")),
                        num(f.get("pct_yes")),
                    ]
                )
    table.columns[1].wrap = True
    lines = r.heading(
        "Feedback: service-user feedback per question (% yes of yes, partly and no; not asked "
        "left out)"
    )
    return Sheet("Feedback", lines, [table])


def actions(r: Report) -> Sheet:
    table = Table(
        cols(
            "Period",
            ("Open", xc.COUNT_FORMAT),
            ("Overdue", xc.COUNT_FORMAT),
            ("Done", xc.COUNT_FORMAT),
            ("Worker feedback %", xc.PCT_FORMAT),
        )
    )
    for p in r.all:
        a = p.get("actions") or {}
        table.rows.append(
            [
                r.label(p),
                count(a.get("open")),
                count(a.get("overdue")),
                count(a.get("done")),
                num(p.get("worker_feedback_pct")),
            ]
        )
    lines = r.heading(
        "Actions (overdue: open and due before the report's end) and the share of final audits "
        "whose worker received feedback"
    )
    return Sheet("Actions", lines, [table])


def compliance(r: Report) -> Sheet:
    table = Table(
        cols(
            "Manager",
            "Period",
            ("Due", xc.COUNT_FORMAT),
            ("Done", xc.COUNT_FORMAT),
            ("Overdue", xc.COUNT_FORMAT),
        )
    )
    managers = keys_of(p.get("compliance") for p in r.all)
    for person in sorted(managers, key=lambda k: r.names.name("people", k).casefold()):
        for p in r.all:
            c = (p.get("compliance") or {}).get(person) or {}
            table.rows.append(
                [
                    r.names.name("people", person),
                    r.label(p),
                    count(c.get("due")),
                    count(c.get("done")),
                    count(c.get("overdue")),
                ]
            )
    lines = r.heading("Compliance: monthly audits per manager, due, done and overdue")
    if not managers:
        lines.append("There are no compliance figures in this report.")
    return Sheet("Compliance", lines, [table])
