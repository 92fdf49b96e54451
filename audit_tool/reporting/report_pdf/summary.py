"""Section 1 of the QA report PDF, the executive summary: headline tiles for the last period,
the comparison with the period before and the points to note."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.tables import table
from audit_tool.reporting.report_pdf.view import (
    NOTE_CASES,
    SMALL_PAIRS,
    change_text,
    compliance_totals,
    fmt_kappa,
    fmt_pct,
    good_count,
    graded_count,
    join_words,
    pct,
    period_label,
    plural,
)

Row = Callable[[str, str, str, str], list[Any]]  # a measure's row of the summary table


def render(ctx: Context) -> list[Any]:
    from reportlab.platypus import Spacer

    v = ctx.v
    story: list[Any] = []
    last, prev = v.last, v.prev
    if v.comparable:
        intro = (
            f"Headline figures for {ctx.text(v.last_label())}, the last {v.word} of the "
            f"report, with the change from {ctx.text(v.prev_label())}."
        )
    elif prev is not None:
        intro = (
            f"Headline figures for {ctx.text(v.last_label())}, the last {v.word} of the "
            f"report. Part of a {v.word} is not compared with a whole one, so no change "
            f"from {ctx.text(v.prev_label())} is given."
        )
    else:
        intro = f"Headline figures for {ctx.text(v.last_label() or v.range_text)}."
    story.append(ctx.para(intro, ctx.intro))
    story.append(_tiles(ctx, last, prev if v.comparable else None))
    story.append(Spacer(1, 10))
    story += ctx.sub(
        "summary-compare", f"{v.last_label()} compared with {v.prev_label() or 'earlier'}"
    )
    story.append(_summary_table(ctx, last, prev))
    story += ctx.sub("summary-points", "Points to note")
    story += [ctx.bullet(point) for point in _key_points(ctx, last)]
    return story


def _feedback_totals(period: dict[str, Any]) -> tuple[int, int]:
    yes = asked = 0
    for answers in (period.get("feedback") or {}).values():
        yes += int(answers.get("yes", 0))
        asked += (
            int(answers.get("yes", 0)) + int(answers.get("partly", 0)) + int(answers.get("no", 0))
        )
    return yes, asked


def _tiles(ctx: Context, last: dict[str, Any], prev: dict[str, Any] | None) -> Any:
    """The six headline figures of the last period as tiles, three a row, each with its change
    on the period before where the two are compared."""
    word = ctx.v.prev_label()
    on = f" on {word}" if word else ""

    def change(text: str) -> str:
        return "" if text == "\u2013" else f"{text}{on}"

    return _tile_grid(
        ctx, [*_audit_tiles(last, prev, change), *_follow_up_tiles(last, prev, change)]
    )


def _audit_tiles(
    last: dict[str, Any], prev: dict[str, Any] | None, change: Callable[[str], str]
) -> list[tuple[str, str, str]]:
    """Final audits, the share good or better and the auditors' agreement."""
    p = prev or {}
    audits = int(last.get("audits_final", 0))
    planned = last.get("audits_planned")
    planned_text = (
        f"final audits, against {planned} planned ({fmt_pct(pct(audits, int(planned)))})"
        if planned
        else "final audits"
    )
    graded = graded_count(last.get("overall") or {})
    good = good_count(last.get("overall") or {})
    agreement = last.get("agreement") or {}
    pairs = int(agreement.get("pairs", 0))
    kappa = agreement.get("kappa_quadratic")
    kappa_label = f"agreement (quadratic-weighted kappa), {plural(pairs, 'pair')}"
    if agreement.get("gwet_ac2") is not None:
        kappa_label += f"; Gwet's AC2 {fmt_kappa(agreement.get('gwet_ac2'))}"
    if kappa is not None and pairs < SMALL_PAIRS:
        kappa_label += ": read with caution"
    return [
        (
            str(audits),
            planned_text,
            change(change_text(audits, p.get("audits_final") if prev else None, places=0)),
        ),
        (
            fmt_pct(last.get("pct_good_or_better")),
            f"good or better ({good} of {graded} graded)" if graded else "good or better",
            change(
                change_text(
                    last.get("pct_good_or_better"),
                    p.get("pct_good_or_better"),
                    places=1,
                    unit="points",
                )
            ),
        ),
        (
            fmt_kappa(kappa),
            kappa_label,
            change(change_text(kappa, (p.get("agreement") or {}).get("kappa_quadratic"), places=3)),
        ),
    ]


def _follow_up_tiles(
    last: dict[str, Any], prev: dict[str, Any] | None, change: Callable[[str], str]
) -> list[tuple[str, str, str]]:
    """Family feedback, feedback to the worker and the actions still open."""
    p = prev or {}
    yes, asked = _feedback_totals(last)
    fb_pct = pct(yes, asked)
    p_yes, p_asked = _feedback_totals(p) if prev else (0, 0)
    actions = last.get("actions") or {}
    p_actions = p.get("actions") or {}
    return [
        (
            fmt_pct(fb_pct),
            f"family feedback answers \u201cyes\u201d ({yes} of {asked})"
            if asked
            else "family feedback answers \u201cyes\u201d",
            change(change_text(fb_pct, pct(p_yes, p_asked), places=1, unit="points")),
        ),
        (
            fmt_pct(last.get("worker_feedback_pct")),
            "of final audits where the worker received feedback",
            change(
                change_text(
                    last.get("worker_feedback_pct"),
                    p.get("worker_feedback_pct"),
                    places=1,
                    unit="points",
                )
            ),
        ),
        (
            f"{int(actions.get('open', 0))} open",
            f"actions: {int(actions.get('overdue', 0))} overdue, "
            f"{int(actions.get('done', 0))} done",
            change(
                change_text(
                    int(actions.get("open", 0)),
                    p_actions.get("open") if prev else None,
                    places=0,
                )
            ),
        ),
    ]


def _tile_grid(ctx: Context, tiles: list[tuple[str, str, str]]) -> Any:
    """Tiles of (figure, what it counts, change) in two rows of three."""
    from reportlab.platypus import Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    gap = 8.0
    tile_w = (ctx.width - 2 * gap) / 3
    cells = []
    for value, label, chg in tiles:
        inner = [
            ctx.para(ctx.text(value), ctx.tile_value),
            ctx.para(ctx.text(label), ctx.tile_label),
        ]
        if chg:
            inner.append(ctx.para(ctx.text(chg), ctx.tile_change))
        cells.append(inner)
    rows = [
        [cells[0], "", cells[1], "", cells[2]],
        ["", "", "", "", ""],
        [cells[3], "", cells[4], "", cells[5]],
    ]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    for r in (0, 2):
        for c in (0, 2, 4):
            commands += [
                ("BACKGROUND", (c, r), (c, r), st.TINT),
                ("LINEABOVE", (c, r), (c, r), 2.2, st.PRIMARY),
                ("TOPPADDING", (c, r), (c, r), 7),
                ("BOTTOMPADDING", (c, r), (c, r), 9),
                ("LEFTPADDING", (c, r), (c, r), 8),
                ("RIGHTPADDING", (c, r), (c, r), 8),
            ]
    return Table(
        rows,
        colWidths=[tile_w, gap, tile_w, gap, tile_w],
        rowHeights=[None, gap, None],
        style=pc.table_style(commands),
        hAlign="LEFT",
    )


def _summary_table(ctx: Context, last: dict[str, Any], prev: dict[str, Any] | None) -> Any:
    """The last period against the one before, measure by measure."""
    p = prev or {}
    has_prev = prev is not None
    whole = ctx.v.comparable  # a partial period's figures are never set against whole ones

    def row(name: str, now: str, before: str, chg: str) -> list[Any]:
        return [
            ctx.name_cell(name),
            before if has_prev else "\u2013",
            now,
            (chg if whole else "not compared (partial)") if has_prev else "\u2013",
        ]

    rows = [*_audit_rows(last, p, row), *_follow_up_rows(last, p, row)]
    header = ["Measure", ctx.v.prev_label() or "Previous", ctx.v.last_label(), "Change"]
    return table(ctx, header, rows, [190, 112, 112, ctx.width - 414])


def _share(part: int, whole: int) -> str:
    """A share with its counts, "68.8% (33/48)"; a dash where nothing was counted."""
    return f"{fmt_pct(pct(part, whole))} ({part}/{whole})" if whole else "\u2013"


def _audit_rows(last: dict[str, Any], p: dict[str, Any], row: Row) -> list[list[Any]]:
    """Final audits, completion against planned, good or better and the auditors' agreement."""
    rows: list[list[Any]] = []
    a_now, a_before = int(last.get("audits_final", 0)), int(p.get("audits_final", 0))
    rows.append(
        row("Final audits", str(a_now), str(a_before), change_text(a_now, a_before, places=0))
    )
    if "audits_planned" in last:
        pl_now, pl_before = int(last.get("audits_planned", 0)), int(p.get("audits_planned", 0))
        c_now, c_before = pct(a_now, pl_now), pct(a_before, pl_before)
        rows.append(
            row(
                "Completed against planned",
                _share(a_now, pl_now),
                _share(a_before, pl_before),
                change_text(c_now, c_before, places=1, unit="points"),
            )
        )
    g_now, g_before = last.get("overall") or {}, p.get("overall") or {}
    rows.append(
        row(
            "Good or better",
            _share(good_count(g_now), graded_count(g_now)),
            _share(good_count(g_before), graded_count(g_before)),
            change_text(
                last.get("pct_good_or_better"),
                p.get("pct_good_or_better"),
                places=1,
                unit="points",
            ),
        )
    )
    ag_now, ag_before = last.get("agreement") or {}, p.get("agreement") or {}
    rows.append(
        row(
            "Exact agreement of the two auditors",
            fmt_pct(ag_now.get("exact_pct")),
            fmt_pct(ag_before.get("exact_pct")),
            change_text(
                ag_now.get("exact_pct"), ag_before.get("exact_pct"), places=1, unit="points"
            ),
        )
    )
    pairs_now = plural(int(ag_now.get("pairs", 0)), "pair")
    pairs_before = plural(int(ag_before.get("pairs", 0)), "pair")
    for key, name in (
        ("kappa_quadratic", "Kappa (quadratic weights)"),
        ("gwet_ac2", "Gwet's AC2"),
    ):
        rows.append(
            row(
                name,
                f"{fmt_kappa(ag_now.get(key))} ({pairs_now})",
                f"{fmt_kappa(ag_before.get(key))} ({pairs_before})",
                change_text(ag_now.get(key), ag_before.get(key), places=3),
            )
        )
    return rows


def _follow_up_rows(last: dict[str, Any], p: dict[str, Any], row: Row) -> list[list[Any]]:
    """Family feedback, feedback to the worker, actions and monthly compliance."""
    rows: list[list[Any]] = []
    y_now, n_now = _feedback_totals(last)
    y_before, n_before = _feedback_totals(p)
    rows.append(
        row(
            "Family feedback: yes",
            _share(y_now, n_now),
            _share(y_before, n_before),
            change_text(pct(y_now, n_now), pct(y_before, n_before), places=1, unit="points"),
        )
    )
    rows.append(
        row(
            "Worker received feedback",
            fmt_pct(last.get("worker_feedback_pct")),
            fmt_pct(p.get("worker_feedback_pct")),
            change_text(
                last.get("worker_feedback_pct"),
                p.get("worker_feedback_pct"),
                places=1,
                unit="points",
            ),
        )
    )
    act_now, act_before = last.get("actions") or {}, p.get("actions") or {}
    for key, name in (("open", "Actions open"), ("overdue", "Actions overdue")):
        rows.append(
            row(
                name,
                str(int(act_now.get(key, 0))),
                str(int(act_before.get(key, 0))),
                change_text(int(act_now.get(key, 0)), int(act_before.get(key, 0)), places=0),
            )
        )
    if last.get("compliance") is not None:
        due_now, done_now = compliance_totals(last)
        due_before, done_before = compliance_totals(p)
        rows.append(
            row(
                "Monthly audits done on time",
                _share(done_now, due_now),
                _share(done_before, due_before),
                change_text(
                    pct(done_now, due_now),
                    pct(done_before, due_before),
                    places=1,
                    unit="points",
                ),
            )
        )
    return rows


def _key_points(ctx: Context, last: dict[str, Any]) -> list[str]:
    v = ctx.v
    label = ctx.text(v.last_label())
    points: list[str] = []
    if not last.get("audits_final"):
        return [f"No final audits in {label}."]
    shares = []
    for key, item in (last.get("items") or {}).items():
        if item.get("kind") != "grade":
            continue
        counts = item.get("counts") or {}
        n = graded_count(counts)
        if n >= NOTE_CASES:
            shares.append((pct(good_count(counts), n) or 0.0, key, good_count(counts), n))
    if len(shares) >= 2:
        shares.sort(key=lambda t: (t[0], t[1]))
        low, high = shares[0], shares[-1]
        points.append(
            f"Strongest practice area in {label}: "
            f"<b>{ctx.text(v.label('items', high[1]))}</b>, "
            f"{fmt_pct(high[0])} good or better ({high[2]}/{high[3]}). Weakest: "
            f"<b>{ctx.text(v.label('items', low[1]))}</b>, "
            f"{fmt_pct(low[0])} ({low[2]}/{low[3]})."
        )
    teams = [
        (g.get("pct_good_or_better"), key, g)
        for key, g in (last.get("by_team") or {}).items()
        if g.get("pct_good_or_better") is not None
        and graded_count(g.get("overall") or {}) >= NOTE_CASES
    ]
    if len(teams) >= 2:
        teams.sort(key=lambda t: (t[0], t[1]))
        low_t = teams[0]
        g = low_t[2]["overall"]
        points.append(
            "Lowest share good or better by team: "
            f"<b>{ctx.text(v.label('teams', low_t[1]))}</b>, "
            f"{fmt_pct(low_t[0])} ({good_count(g)}/{graded_count(g)})."
        )
    agreement = last.get("agreement") or {}
    mod = last.get("moderation") or {}
    moved = int(mod.get("raised", 0)) + int(mod.get("lowered", 0))
    reviews = moved + int(mod.get("unchanged", 0))
    few: list[str] = []  # results from fewer than NOTE_CASES cases: after the others
    if reviews:
        (points if reviews >= NOTE_CASES else few).append(
            f"Moderation changed the auditor's grade in {moved} of {reviews} reviews "
            f"({fmt_pct(pct(moved, reviews))}): {int(mod.get('raised', 0))} raised, "
            f"{int(mod.get('lowered', 0))} lowered"
            + (
                "."
                if reviews >= NOTE_CASES
                else f"; fewer than {NOTE_CASES} reviews, so read with caution."
            )
        )
    pairs = int(agreement.get("pairs", 0))
    if agreement.get("kappa_quadratic") is not None and pairs < SMALL_PAIRS:
        few.append(f"The kappa for {label} is based on {pairs} pairs: read with caution.")
    small = [
        ctx.text(period_label(p))
        for p in ctx.v.periods
        if (p.get("agreement") or {}).get("kappa_quadratic") is not None
        and int((p.get("agreement") or {}).get("pairs", 0)) < SMALL_PAIRS
        and p is not last
    ]
    if small:
        few.append(
            f"Kappa in {join_words(small)} rests on fewer than {SMALL_PAIRS} pairs: "
            "read with caution."
        )
    overdue = int((last.get("actions") or {}).get("overdue", 0))
    total_overdue = int((ctx.v.total.get("actions") or {}).get("overdue", 0))
    if total_overdue:
        points.append(
            f"{plural(total_overdue, 'action')} from audits in the whole period "
            f"{'is' if total_overdue == 1 else 'are'} overdue ({overdue} from {label})."
        )
    return points + few
