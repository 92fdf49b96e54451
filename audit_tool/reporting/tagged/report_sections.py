"""Sections 4 to 7 of the accessible report: moderation statistics, family feedback, learning
follow-up and monthly audit compliance, each as tables with column headers and, where a chart
helps, a chart whose alternative text states every value."""

from __future__ import annotations

from audit_tool.reporting.tagged import document as d
from audit_tool.reporting.tagged.reading import (
    GRADE_SHORT,
    GRADES,
    Period,
    R,
    Reader,
    agreement,
    number,
    pct,
    period_label,
    share,
)

# ---------------------------------------------------------------- 4. moderation


def moderation(r: Reader) -> list[d.Json]:
    def agreeing(p: Period) -> list[str]:
        a = agreement(p)
        return [
            str(int(a.get("pairs", 0))),
            pct(a.get("exact_pct")),
            pct(a.get("within_one_pct")),
            number(a.get("kappa_quadratic"), 3),
            number(a.get("gwet_ac2"), 3),
        ]

    def moves(p: Period) -> list[str]:
        m = p.get("moderation") or {}
        raised, same, lowered = (int(m.get(k, 0)) for k in ("raised", "unchanged", "lowered"))
        return [str(raised + same + lowered), str(raised), str(same), str(lowered)]

    blocks = [
        d.para(
            "How far the two independent auditors of a looped audit agreed on the overall "
            "grade, and how often the moderator's final grade differed from an auditor's."
        ),
        d.table(
            f"Agreement of the two auditors, {r.word} by {r.word}",
            [
                d.Column(r.word.capitalize()),
                d.Column("Pairs", R),
                d.Column("Exact agreement", R),
                d.Column("Within one grade", R),
                d.Column("Kappa (quadratic)", R),
                d.Column("Gwet's AC2", R),
            ],
            r.rows_by_period(agreeing),
            total=r.whole(agreeing),
        ),
        d.table(
            f"Moderation against each auditor's grade, {r.word} by {r.word}",
            [
                d.Column(r.word.capitalize()),
                d.Column("Reviews moderated", R),
                d.Column("Raised", R),
                d.Column("Unchanged", R),
                d.Column("Lowered", R),
            ],
            r.rows_by_period(moves),
            total=r.whole(moves),
        ),
    ]
    return blocks + _confusion(r) + _auditors(r)


def _confusion(r: Reader) -> list[d.Json]:
    matrix = agreement(r.total).get("confusion") or []
    if not matrix or not sum(sum(int(c) for c in row) for row in matrix):
        return []
    rows = [
        [f"First auditor: {GRADE_SHORT[g]}", *(str(int(c)) for c in row), str(sum(map(int, row)))]
        for g, row in zip(GRADES, matrix, strict=False)
    ]
    totals = [sum(int(row[i]) for row in matrix) for i in range(len(GRADES))]
    return [
        d.sub_heading("How the two auditors' grades compare"),
        d.para(
            "Each row is the first auditor's overall grade, each column the second auditor's; "
            "the cells count pairs of audits. Agreement sits where the row and column grades "
            "are the same."
        ),
        d.table(
            "Pairs of auditors' grades, whole period",
            [
                d.Column("First auditor"),
                *(d.Column(f"Second auditor: {GRADE_SHORT[g]}", R) for g in GRADES),
                d.Column("Total", R),
            ],
            rows,
            total=["Total", *map(str, totals), str(sum(totals))],
        ),
    ]


def _auditors(r: Reader) -> list[d.Json]:
    auditors = r.total.get("auditors") or {}
    if not auditors:
        return []
    rows = sorted(
        (
            [
                r.name("people", k),
                str(int(a.get("reviews", 0))),
                f"{a.get('mean_difference', 0):+.2f}",
            ]
            for k, a in auditors.items()
        ),
        key=lambda row: row[0].lower(),
    )
    return [
        d.sub_heading("Each auditor against the moderated grade"),
        d.para(
            "The mean difference is the final grade's rank minus the auditor's (1 is "
            "outstanding, 4 inadequate): above zero, the moderator graded lower than the "
            "auditor had; below zero, higher."
        ),
        d.table(
            "Auditors' reviews and mean difference from the moderated grade, whole period",
            [d.Column("Auditor"), d.Column("Reviews", R), d.Column("Mean difference", R)],
            rows,
        ),
    ]


# ---------------------------------------------------------------- 5. family feedback


def _questions(p: Period, key: str = "feedback") -> list[str]:
    return list((p.get(key) or {}).keys())


def feedback(r: Reader) -> list[d.Json]:
    questions = _questions(r.total)
    blocks = [
        d.para(
            "What children, young people, parents and carers said when asked about the help "
            "they received: the share of answers that were yes, out of yes, partly and no."
        )
    ]
    last = r.last.get("feedback") or {}
    bars = [
        d.Bar(
            r.question(q),
            float(last[q]["pct_yes"]),
            f"{pct(last[q]['pct_yes'])} of {last[q]['asked']}",
        )
        for q in questions
        if q in last and last[q].get("pct_yes") is not None
    ]
    if bars:
        blocks.append(
            d.bar_chart(
                f"Answers yes in {period_label(r.last)}",
                bars,
                scale=100,
                summary=f"Bar chart of the share of yes answers to each feedback question in "
                f"{period_label(r.last)}, with the number of answers",
            )
        )
    else:
        blocks.append(d.para(f"No family feedback recorded in {period_label(r.last)}."))
    if questions:
        blocks.append(_feedback_answers(r, questions))
        blocks.append(
            d.table(
                f"Answers yes, {r.word} by {r.word}",
                [
                    d.Column(r.word.capitalize()),
                    d.Column("Families", R),
                    *(d.Column(r.question(q), R) for q in questions),
                ],
                r.rows_by_period(lambda p: _feedback_row(p, questions)),
                total=r.whole(lambda p: _feedback_row(p, questions)),
            )
        )
    by_team = r.total.get("feedback_by_team") or {}
    if by_team and questions:
        blocks.append(d.sub_heading("By team"))
        blocks.append(
            d.table(
                "Answers yes by team, whole period",
                [d.Column("Team"), *(d.Column(r.question(q), R) for q in questions)],
                sorted(
                    (
                        [
                            r.name("teams", t),
                            *(pct((f.get(q) or {}).get("pct_yes")) for q in questions),
                        ]
                        for t, f in by_team.items()
                    ),
                    key=lambda row: row[0].lower(),
                ),
            )
        )
    outside = _questions(r.total, "feedback_outside")
    if outside:
        blocks.append(d.sub_heading("Feedback gathered outside audits"))
        blocks.append(_feedback_answers(r, outside, "feedback_outside"))
    return blocks


def _feedback_row(p: Period, questions: list[str]) -> list[str]:
    answers = p.get("feedback") or {}
    return [
        str(int(p.get("feedback_families") or 0)),
        *(pct((answers.get(q) or {}).get("pct_yes")) for q in questions),
    ]


def _feedback_answers(r: Reader, questions: list[str], key: str = "feedback") -> d.Json:
    answers = r.total.get(key) or {}
    return d.table(
        "Answers to each question, whole period",
        [
            d.Column("Question"),
            d.Column("Asked", R),
            d.Column("Yes", R),
            d.Column("Partly", R),
            d.Column("No", R),
            d.Column("Yes share", R),
        ],
        [
            [
                r.name("questions", q),
                *(
                    str(int((answers.get(q) or {}).get(k, 0)))
                    for k in ("asked", "yes", "partly", "no")
                ),
                pct((answers.get(q) or {}).get("pct_yes")),
            ]
            for q in questions
        ],
    )


# ---------------------------------------------------------------- 6 and 7


def learning(r: Reader) -> list[d.Json]:
    def row(p: Period) -> list[str]:
        actions = p.get("actions") or {}
        return [
            str(int(p.get("audits_final", 0))),
            pct(p.get("worker_feedback_pct")),
            *(str(int(actions.get(k, 0))) for k in ("open", "overdue", "done")),
        ]

    blocks = [
        d.table(
            f"Feedback to workers and actions from audits, {r.word} by {r.word}",
            [
                d.Column(r.word.capitalize()),
                d.Column("Final audits", R),
                d.Column("Worker received feedback", R),
                d.Column("Actions open", R),
                d.Column("Overdue", R),
                d.Column("Done", R),
            ],
            r.rows_by_period(row),
            total=r.whole(row),
        ),
        d.para(
            "An action is overdue when it is open and its due date is before the report's end date."
        ),
    ]
    themes = r.total.get("learning_themes") or {}
    if themes:
        blocks.append(d.sub_heading("Learning themes"))
        blocks.append(
            d.table(
                "Learning points by theme, whole period",
                [d.Column("Theme"), d.Column("Strengths", R), d.Column("Areas for development", R)],
                [
                    [t, str(int(c.get("strength", 0))), str(int(c.get("development", 0)))]
                    for t, c in themes.items()
                ],
            )
        )
    return blocks


def compliance(r: Reader) -> list[d.Json]:
    people = r.total.get("compliance") or {}
    if not people:
        return [d.para("No monthly audits were due in this period.")]
    rows = sorted(
        (
            [
                r.name("people", k),
                *(str(int(c.get(x, 0))) for x in ("due", "done", "overdue")),
                share(int(c.get("done", 0)), int(c.get("due", 0))),
            ]
            for k, c in people.items()
        ),
        key=lambda row: row[0].lower(),
    )
    due = sum(int(c.get("due", 0)) for c in people.values())
    done = sum(int(c.get("done", 0)) for c in people.values())
    overdue = sum(int(c.get("overdue", 0)) for c in people.values())
    return [
        d.para(
            "Monthly audits each manager was due to complete in the period, and how many were done."
        ),
        d.table(
            "Monthly audits by manager, whole period",
            [
                d.Column("Manager"),
                d.Column("Due", R),
                d.Column("Done", R),
                d.Column("Overdue", R),
                d.Column("Done share", R),
            ],
            rows,
            total=["All managers", str(due), str(done), str(overdue), share(done, due)],
        ),
    ]
