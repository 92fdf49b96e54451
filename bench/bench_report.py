"""QA report benchmark: the report over 200,000 final audits, against hand-written SQL.

    .venv/bin/python bench/bench_report.py [--runs 7] [--rebuild] [--wait-pdf SECONDS]
        [--report-module COPY.py] [--database PATH]

Uses the briefing benchmark's cached demo database (bench/out/) when it holds 200,000 final
audits. It does not (seed 1 leaves the audits of the last six weeks unfinished: 192,333 of its
200,030 are final), so the first run builds one of its own: 208,500 audits, seed 1, the same
"today", about 95 s, which gives 200,716 final audits; later runs reuse it.

Then, acting as a QA lead (a person in the database), over the whole range of the data (every
final audit, by quarter), median and worst of N runs, interleaved so that the machine's drift
falls on all of them alike:
- (a) `report.compute(...)`: the report's queries and the merge into the report's shape;
- (b) `report_export.write_report(..., fmt="json")`: (a) plus the schema check and the file;
- (c) `report_export.write_report(..., fmt="pdf")`: (a) plus the PDF, measured last;
- (d) hand-written SQL (SQLite dialect) computing the same figures with GROUP BY over the same
  rows, run through the same connection pool with `text()`, every row fetched.
It prints, for a first run, each query's rows and time (report.py's and the hand-written
ones), then (a) / (d), and checks that both give the same figures: final audits and grades per
quarter and team, item answers, the confusion matrix, reviews per auditor, feedback, actions,
planned audits and compliance.
- (k) DuckDB computing the report's three largest figures (final answers per item, number
  items, final grades: bench_duckdb.py) from the same rows, loaded once per process.
Budgets (issue 6): (b) under 3 s, (c) under 6 s on a 2-core machine; (a) / (d) at most 2;
(issue 16) (a) / (k) at most 3, each run's own ratio, the median of the runs.

To try a change before making it: `--report-module COPY.py` makes a changed copy of report.py
stand in for it, and `--database PATH` measures on another database (say, a copy of the cached
one with an index added).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import bench_briefing
import bench_duckdb

OUT = bench_briefing.OUT
TODAY = bench_briefing.TODAY
FINALS = 200_000
AUDITS = 208_500

# ---------------------------------------------------------------- the hand-written SQL


def quarter(column: str) -> str:
    """The calendar quarter of a date or time column, labelled as the report does: 2025 Q3."""
    month = f"CAST(strftime('%m', {column}) AS INTEGER)"
    return f"strftime('%Y', {column}) || ' Q' || (({month} + 2) / 3)"


Q = quarter("a.finalised_at")
FINAL = "a.status = 'final' AND a.finalised_at >= :lo AND a.finalised_at < :hi"
GRADED = "('outstanding', 'good', 'requires_improvement', 'inadequate')"
ANSWERED = "('yes', 'partly', 'no')"


def final_answers(kinds: str) -> str:
    """The final answers to items of these kinds: the moderation's, or the single review's
    for a single-auditor audit."""
    items = f"(SELECT key FROM template_items WHERE kind IN ({kinds}))"
    return f"""
        SELECT {Q} AS quarter, ma.item_key, ma.value
        FROM audits a
        JOIN moderations m ON m.audit_id = a.id
        JOIN moderation_answers ma ON ma.moderation_id = m.id
        WHERE {FINAL} AND a.kind <> 'single' AND ma.item_key IN {items}
        UNION ALL
        SELECT {Q}, ra.item_key, ra.value
        FROM audits a
        JOIN reviews r ON r.audit_id = a.id
        JOIN review_answers ra ON ra.review_id = r.id
        WHERE {FINAL} AND a.kind = 'single' AND ra.item_key IN {items}"""


HAND: dict[str, str] = {
    # quarter, team, service area, agency, theme, kind, final grade -> audits
    "grades": f"""
        SELECT {Q}, t.key, t.service_area, ag.key, p.theme, a.kind, a.final_overall, count(*)
        FROM audits a
        JOIN cases c ON c.id = a.case_id
        JOIN teams t ON t.id = c.team_id
        JOIN agencies ag ON ag.id = t.agency_id
        JOIN programmes p ON p.id = a.programme_id
        WHERE {FINAL}
        GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    # quarter, item, value -> final answers (graded and yes/no items)
    "items": f"""
        SELECT quarter, item_key, value, count(*)
        FROM ({final_answers("'grade', 'yes_no'")})
        WHERE value IS NOT NULL
        GROUP BY 1, 2, 3""",
    # quarter, item -> n, sum, min, max (number items)
    "numbers": f"""
        SELECT quarter, item_key, count(*), sum(CAST(value AS REAL)), min(CAST(value AS REAL)),
               max(CAST(value AS REAL))
        FROM ({final_answers("'number'")})
        WHERE value IS NOT NULL AND value <> ''
        GROUP BY 1, 2""",
    # quarter, first auditor's grade, second's -> looped audits with two graded reviews
    "confusion": f"""
        SELECT {Q}, r1.overall, r2.overall, count(*)
        FROM audits a
        JOIN reviews r1 ON r1.audit_id = a.id
        JOIN reviews r2 ON r2.audit_id = a.id AND r2.id > r1.id
        WHERE {FINAL} AND a.kind = 'looped'
          AND r1.status = 'submitted' AND r2.status = 'submitted'
          AND r1.overall IN {GRADED} AND r2.overall IN {GRADED}
          AND (SELECT count(*) FROM reviews r WHERE r.audit_id = a.id) = 2
        GROUP BY 1, 2, 3""",
    # quarter, auditor, review grade, final grade -> reviews
    "auditors": f"""
        SELECT {Q}, pe.key, r.overall, a.final_overall, count(*)
        FROM audits a
        JOIN reviews r ON r.audit_id = a.id
        JOIN people pe ON pe.id = r.reviewer_id
        WHERE {FINAL} AND a.kind IN ('looped', 'multi_agency', 'send')
          AND r.status = 'submitted' AND r.overall IN {GRADED}
          AND a.final_overall IN {GRADED}
        GROUP BY 1, 2, 3, 4""",
    # quarter, question, answer -> family feedback answers in the audits
    "feedback": f"""
        SELECT {Q}, fa.question_key, fa.answer, count(*)
        FROM audits a
        JOIN feedback f ON f.audit_id = a.id
        JOIN feedback_answers fa ON fa.feedback_id = f.id
        WHERE {FINAL} AND fa.answer IN {ANSWERED}
        GROUP BY 1, 2, 3""",
    # quarter collected, question, answer -> family feedback outside audits
    "outside": f"""
        SELECT {quarter("f.collected_on")}, fa.question_key, fa.answer, count(*)
        FROM feedback f
        JOIN feedback_answers fa ON fa.feedback_id = f.id
        WHERE f.audit_id IS NULL AND f.collected_on BETWEEN :first AND :last
          AND fa.answer IN {ANSWERED}
        GROUP BY 1, 2, 3""",
    # quarter -> audits whose worker was given feedback
    "worker": f"""
        SELECT {Q}, count(*)
        FROM audits a
        JOIN worker_feedback w ON w.audit_id = a.id
        WHERE {FINAL} AND w.given_to_worker = 1
        GROUP BY 1""",
    # quarter, status, overdue (open and due before the report's end) -> actions
    "actions": f"""
        SELECT {Q}, ac.status, ac.status = 'open' AND ac.due_on < :last, count(*)
        FROM audits a
        JOIN actions ac ON ac.audit_id = a.id
        WHERE {FINAL}
        GROUP BY 1, 2, 3""",
    # quarter due -> audits planned (any state)
    "planned": f"""
        SELECT {quarter("a.due_on")}, count(*)
        FROM audits a
        WHERE a.due_on BETWEEN :first AND :last
        GROUP BY 1""",
    # quarter due, auditor, done / overdue / open -> reviews of monthly audits
    "compliance": f"""
        SELECT {quarter("a.due_on")}, pe.key,
               CASE WHEN r.status = 'submitted' THEN 'done'
                    WHEN a.due_on < :today THEN 'overdue' ELSE 'open' END,
               count(*)
        FROM audits a
        JOIN programmes p ON p.id = a.programme_id
        JOIN reviews r ON r.audit_id = a.id
        JOIN people pe ON pe.id = r.reviewer_id
        WHERE p.kind = 'monthly' AND a.due_on BETWEEN :first AND :last
        GROUP BY 1, 2, 3""",
}


def hand_params(date_from: date, date_to: date) -> dict[str, str]:
    # finalised_at is stored as 'YYYY-MM-DD HH:MM:SS.ffffff', dates as 'YYYY-MM-DD'.
    return {
        "lo": date_from.isoformat(),
        "hi": (date_to + timedelta(days=1)).isoformat(),
        "first": date_from.isoformat(),
        "last": date_to.isoformat(),
        "today": TODAY.isoformat(),
    }


def run_hand(
    db: Any, params: dict[str, str], seconds: dict[str, float] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every hand-written query's rows (and, if asked, each one's time)."""
    from sqlalchemy import text

    out = {}
    with db.session() as session:
        for name, sql in HAND.items():
            started = time.perf_counter()
            out[name] = [tuple(row) for row in session.execute(text(sql), params).all()]
            if seconds is not None:
                seconds[name] = time.perf_counter() - started
    return out


# ---------------------------------------------------------------- the database


def final_audits(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM audits WHERE status='final'").fetchone()[0])


def prepare(rebuild: bool, audits: int) -> Path:
    """A database with at least 200,000 final audits: the briefing benchmark's if it has them,
    else our own (built under a temporary name, so a cached file is whole)."""
    OUT.mkdir(exist_ok=True)
    shared = OUT / f"briefing-{bench_briefing.AUDITS}.sqlite"
    if not rebuild and shared.exists() and final_audits(shared) >= FINALS:
        return shared
    path = OUT / f"report-{audits}.sqlite"
    if rebuild:
        for p in OUT.glob(path.name + "*"):
            p.unlink()
    if not path.exists():
        building = path.with_name(path.name + ".building")
        for p in OUT.glob(building.name + "*"):
            p.unlink()
        bench_briefing.build_demo(building, audits)
        building.rename(path)
    return path


def data_range(db: Any) -> tuple[date, date]:
    """The first and last day on which an audit became final."""
    from sqlalchemy import func, select

    from audit_tool.models import Audit

    with db.session() as session:
        low, high = session.execute(
            select(func.min(Audit.finalised_at), func.max(Audit.finalised_at)).where(
                Audit.status == "final"
            )
        ).one()
    return low.date(), high.date()


# ---------------------------------------------------------------- the same figures


Statement = tuple[str, int | None, float]  # what it groups by (or its start), rows, seconds


def report_rows(compute: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], list[Statement]]:
    """The report, and for each statement that took 10 ms or more, or has a GROUP BY, what it
    groups by, the rows it returned (all fetched at once) and its time."""
    from sqlalchemy.orm import Session

    statements: list[Statement] = []
    original = Session.execute

    def counting(self: Session, statement: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = original(self, statement, *args, **kwargs)
        rows = None
        if getattr(result, "returns_rows", True):  # ORM results do not say: they return rows
            frozen = result.freeze()
            rows = len(frozen.data)
            result = frozen()
        seconds = time.perf_counter() - started
        sql = " ".join(str(statement).split())
        grouped = " GROUP BY " in sql
        if grouped or seconds >= 0.01:
            label = "by " + sql.rsplit(" GROUP BY ", 1)[1] if grouped else sql
            statements.append((label, rows, seconds))
        return result

    Session.execute = counting  # type: ignore[method-assign]
    try:
        return compute(), statements
    finally:
        Session.execute = original  # type: ignore[method-assign]


def check_same(report: dict[str, Any], hand: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Figures of the report and of the hand-written SQL that differ (none, we hope)."""
    from audit_tool.reporting.agreement import pct

    problems: list[str] = []

    def same(what: str, ours: Any, theirs: Any) -> None:
        if ours != theirs:
            problems.append(f"{what}: report {ours!r}, SQL {theirs!r}")

    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    total = report["total"]
    per: dict[str, Counter[str]] = defaultdict(Counter)
    teams: Counter[str] = Counter()
    for q, team, _area, _agency, _theme, _kind, overall, n in hand["grades"]:
        per[q][overall if overall in grades else ""] += n
        teams[team] += n
    for period in report["periods"]:
        label = period["label"]
        same(f"{label} final audits", period["audits_final"], sum(per[label].values()))
        same(f"{label} grades", period["overall"], {g: per[label][g] for g in grades})
    same("periods", [p["label"] for p in report["periods"]], sorted(per))
    same(
        "final audits per team",
        {k: v["audits_final"] for k, v in total["by_team"].items()},
        dict(teams),
    )

    items: dict[str, Counter[str]] = defaultdict(Counter)
    for _q, key, value, n in hand["items"]:
        items[key][value] += n
    for key, entry in total["items"].items():
        if entry["kind"] == "grade":
            same(f"item {key}", entry["counts"], {g: items[key][g] for g in grades})
        elif entry["kind"] == "yes_no":
            same(f"item {key}", (entry["yes"], entry["no"]), (items[key]["yes"], items[key]["no"]))
    numbers: dict[str, list[float]] = {}
    for _q, key, n, _sum, low, high in hand["numbers"]:
        mine = numbers.setdefault(key, [0, low, high])
        mine[0] += n
        mine[1], mine[2] = min(mine[1], low), max(mine[2], high)
    for key, entry in total["items"].items():
        if entry["kind"] == "number":
            same(f"item {key}", [entry["n"], entry["min"], entry["max"]], numbers.get(key))

    rank = {g: i for i, g in enumerate(grades)}
    confusion = [[0] * 4 for _ in range(4)]
    for _q, first, second, n in hand["confusion"]:
        confusion[rank[first]][rank[second]] += n
    same("confusion matrix", total["agreement"]["confusion"], confusion)

    reviews: Counter[str] = Counter()
    moves: Counter[str] = Counter()
    for _q, person, review_grade, final_grade, n in hand["auditors"]:
        reviews[person] += n
        diff = rank[final_grade] - rank[review_grade]
        moves["raised" if diff < 0 else "lowered" if diff > 0 else "unchanged"] += n
    same(
        "reviews per auditor",
        {k: v["reviews"] for k, v in total["auditors"].items()},
        dict(reviews),
    )
    same("moderation moves", total["moderation"], {k: moves[k] for k in total["moderation"]})

    for name, key in (("feedback", "feedback"), ("outside", "feedback_outside")):
        answers: dict[str, Counter[str]] = defaultdict(Counter)
        for _q, question, answer, n in hand[name]:
            answers[question][answer] += n
        same(
            name,
            {k: (v["yes"], v["partly"], v["no"]) for k, v in total[key].items()},
            {k: (answers[k]["yes"], answers[k]["partly"], answers[k]["no"]) for k in total[key]},
        )
    worker = sum(n for _q, n in hand["worker"])
    same("worker feedback %", total["worker_feedback_pct"], pct(worker, total["audits_final"]))
    actions: Counter[str] = Counter()
    for _q, status, overdue, n in hand["actions"]:
        actions[status] += n
        if overdue:
            actions["overdue"] += n
    same("actions", total["actions"], {k: actions[k] for k in total["actions"]})
    planned = dict(hand["planned"])
    same(
        "planned per quarter",
        {p["label"]: p["audits_planned"] for p in report["periods"] if p["audits_planned"]},
        planned,
    )
    compliance: dict[str, Counter[str]] = defaultdict(Counter)
    for _q, person, state, n in hand["compliance"]:
        compliance[person]["due"] += n
        if state != "open":
            compliance[person][state] += n
    same(
        "compliance",
        total["compliance"],
        {k: {s: c[s] for s in ("due", "done", "overdue")} for k, c in sorted(compliance.items())},
    )
    return problems


# ---------------------------------------------------------------- timing


def load_module(path: Path) -> Any:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def line(label: str, values: list[float], budget: str = "") -> str:
    median, worst = statistics.median(values), max(values)
    tail = f"  [budget {budget}]" if budget else ""
    return f"  {label:<58} {median * 1000:7,.0f} ms, worst {worst * 1000:7,.0f} ms{tail}"


def pdf_renderer(wait: float) -> bool:
    """Whether the PDF renderer is there (it is being written): poll for up to `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            module = importlib.import_module("audit_tool.reporting.report_pdf")
            if hasattr(module, "render_report_pdf"):
                return True
        except Exception:  # absent, or half written: try again
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(30.0, max(0.0, deadline - time.monotonic())))


def main(argv: list[str] | None = None) -> None:
    from audit_tool.reporting import report
    from audit_tool.services import reference, report_export
    from audit_tool.store import open_database

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--audits", type=int, default=AUDITS, help="audits in our own database")
    parser.add_argument(
        "--wait-pdf", type=float, default=0, help="seconds to wait for the PDF renderer"
    )
    parser.add_argument(
        "--database", type=Path, help="measure on this database (say, a copy with an index)"
    )
    parser.add_argument(
        "--report-module",
        type=Path,
        help="try a changed copy of report.py: its compute() stands in for report.compute",
    )
    args = parser.parse_args(argv)
    if args.report_module:
        changed = load_module(args.report_module)
        # Filters too: write_report builds them, and the copy compares them with its own.
        report.compute, report.Filters = changed.compute, changed.Filters
        print(f"report.compute from {args.report_module}")
    path = args.database or prepare(args.rebuild, args.audits)
    finals = final_audits(path)
    opening, db = timed(lambda: open_database(path, create=False))
    print(f"opened in {opening:,.1f} s (an older schema is upgraded first, with a backup)")
    try:
        lead = reference.actor_for(db, bench_briefing.lead_key(db))
        date_from, date_to = data_range(db)
        params = hand_params(date_from, date_to)
        print(f"database {path.name}: {finals:,} final audits, {date_from} to {date_to}")
        print(f"QA lead {lead.name}; report by quarter over the whole range")
        if finals < FINALS:
            print(f"  NOTE: fewer than {FINALS:,} final audits; scale the figures by hand")

        # Calendar quarters (year start 1), as the hand-written SQL labels them.
        def compute() -> dict[str, Any]:
            return report.compute(
                db,
                lead,
                date_from=date_from,
                date_to=date_to,
                by="quarter",
                today=TODAY,
                year_start_month=1,
            )

        def write(fmt: str, run: int) -> Path:
            return report_export.write_report(
                db,
                lead,
                OUT / f"report-{run}.{fmt}",
                fmt=fmt,
                date_from=date_from,
                date_to=date_to,
                by="quarter",
                today=TODAY,
                year_start_month=1,
            )

        # First runs of the process apart: imports (jsonschema), cold caches.
        hand_seconds: dict[str, float] = {}
        first_hand, hand = timed(lambda: run_hand(db, params, hand_seconds))
        first_report, (rep, statements) = timed(lambda: report_rows(compute))
        first_json, _ = timed(lambda: write("json", 0))
        problems = check_same(rep, hand)
        duck, duck_load, duck_rows = bench_duckdb.load(path)
        first_duck, duck_figures = timed(lambda: bench_duckdb.run(duck, params))
        problems += bench_duckdb.check_same(duck_figures, hand)
        times: dict[str, list[float]] = {k: [] for k in ("a", "b", "d", "k", "ratio", "a_k", "b_k")}
        for run in range(1, args.runs + 1):
            d, _ = timed(lambda: run_hand(db, params))
            k, _ = timed(lambda: bench_duckdb.run(duck, params))
            a, _ = timed(compute)
            b, _ = timed(lambda run=run: write("json", run))  # type: ignore[misc]
            times["a"].append(a)
            times["b"].append(b)
            times["d"].append(d)
            times["k"].append(k)
            times["ratio"].append(a / d)
            times["a_k"].append(a / k)
            times["b_k"].append(b / k)
        json_size = (OUT / f"report-{args.runs}.json").stat().st_size

        # The JSON's own part of (b): the schema check and the text.
        as_json = [
            timed(lambda: (report_export.check_schema(rep), json.dumps(rep, indent=1)))[0]
            for _ in range(args.runs)
        ]

        pdf: list[float] = []
        render: list[float] = []
        first_pdf = None
        pdf_note = ""
        if pdf_renderer(args.wait_pdf):
            from audit_tool.reporting.report_pdf import render_report_pdf

            try:
                first_pdf, _ = timed(lambda: write("pdf", 0))
                for run in range(1, args.runs + 1):
                    pdf.append(timed(lambda run=run: write("pdf", run))[0])  # type: ignore[misc]
                    render.append(timed(lambda: render_report_pdf(rep, partnership="Bench"))[0])
            except Exception as exc:  # the renderer is someone's work in progress
                pdf_note = f"the PDF renderer failed: {type(exc).__name__}: {exc}"
        else:
            pdf_note = "audit_tool/reporting/report_pdf/ is not there yet: PDF not measured"
    finally:
        db.close()

    print("\nfirst run, query by query: rows returned (all fetched) and milliseconds")
    print(f"  hand-written SQL {'rows':>52} {'ms':>7}")
    for name, rows in hand.items():
        print(f"  {name:<60} {len(rows):>8,} {hand_seconds[name] * 1000:7,.0f}")
    grouped = sum(1 for label, _, _ in statements if label.startswith("by "))
    print(f"  report.compute's statements ({grouped} with GROUP BY; the others >= 10 ms)")
    for label, rows, seconds in statements:
        shown = f"{rows:,}" if rows is not None else "-"
        print(f"  {label[:60]:<60} {shown:>8} {seconds * 1000:7,.0f}")
    print(
        f"  total rows: report.py's GROUP BY queries "
        f"{sum(r or 0 for label, r, _ in statements if label.startswith('by ')):,}, "
        f"hand-written SQL {sum(len(r) for r in hand.values()):,}"
    )
    if problems:
        print("  the figures DIFFER:")
        for problem in problems:
            print(f"    {problem}")
    else:
        print(
            "  same figures: final audits and grades per quarter, per team, item answers, "
            "numbers, confusion matrix, reviews per auditor, moderation moves, feedback in and "
            "outside audits, worker feedback, actions, planned per quarter, compliance"
        )

    print(f"\nQA report over {finals:,} final audits, median and worst of {args.runs} runs")
    print(
        f"  first run of the process: hand SQL {first_hand * 1000:,.0f} ms, report "
        f"{first_report * 1000:,.0f} ms (counting rows), JSON {first_json * 1000:,.0f} ms"
        + (f", PDF {first_pdf * 1000:,.0f} ms" if first_pdf is not None else "")
    )
    print(line("(a) report.compute", times["a"]))
    print(line("(b) write_report json: compute, schema check, file", times["b"], "< 3000 ms"))
    print(line("      of which the schema check and the JSON text", as_json))
    print(f"      JSON file {json_size / 1000:,.0f} kB")
    if pdf:
        print(line("(c) write_report pdf: compute, render, file", pdf, "< 6000 ms"))
        print(line("      of which the PDF render", render))
        print(f"      PDF file {(OUT / f'report-{args.runs}.pdf').stat().st_size / 1000:,.0f} kB")
    else:
        print(f"  (c) {pdf_note}")
    print(line("(d) hand-written SQL, every row fetched", times["d"]))
    ratio = statistics.median(times["a"]) / statistics.median(times["d"])
    print(
        f"  (a) / (d): {ratio:.2f} (medians); per run {statistics.median(times['ratio']):.2f} "
        f"median, {max(times['ratio']):.2f} worst  [budget <= 2]"
    )
    print(
        f"  DuckDB: {duck_rows:,} rows loaded from the SQLite file in {duck_load:,.1f} s "
        f"(once); first run {first_duck * 1000:,.0f} ms"
    )
    print(line("(k) DuckDB: the three largest figures, every row fetched", times["k"]))
    for key, label, budget in (("a_k", "(a) / (k)", "  [budget <= 3]"), ("b_k", "(b) / (k)", "")):
        print(
            f"  {label}: per run {statistics.median(times[key]):.1f} median, "
            f"{min(times[key]):.1f} best, {max(times[key]):.1f} worst{budget}"
        )
    if hasattr(os, "getloadavg"):
        print("  load average at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
