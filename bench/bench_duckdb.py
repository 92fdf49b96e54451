"""DuckDB beside the QA report (bench_report.py): the report's three largest figures computed
by DuckDB from the same rows, in the same run (issue 16).

The three figures are those that read the most rows: the final answers to the graded and
yes/no items per quarter, item and value (about 3 million answers for 200,000 final audits),
the number items' n, sum, lowest and highest per quarter and item (the same answers), and the
final grades per quarter, team, service area, agency, theme, kind and grade (the audits).
They are the hand-written SQL's "items", "numbers" and "grades" (bench_report.HAND) in
DuckDB's dialect, and the benchmark checks that both give the same rows.

DuckDB reads the rows from the SQLite file once per process (its sqlite extension is
downloaded at run time, which this machine cannot, so the columns the figures need are read
with Python's sqlite3 into DuckDB tables); the load is timed apart, and each run times only
the three queries, every row fetched. DuckDB is a benchmark-only dependency (the `bench`
extra in pyproject.toml), never the application's."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

# The columns the three figures read, table by table.
LOAD = {
    "audits": "SELECT id, kind, status, finalised_at, final_overall, case_id, programme_id "
    "FROM audits",
    "cases": "SELECT id, team_id FROM cases",
    "teams": "SELECT id, key, service_area, agency_id FROM teams",
    "agencies": "SELECT id, key FROM agencies",
    "programmes": "SELECT id, theme FROM programmes",
    "template_items": "SELECT key, kind FROM template_items",
    "moderations": "SELECT id, audit_id FROM moderations",
    "moderation_answers": "SELECT moderation_id, item_key, value FROM moderation_answers",
    "reviews": "SELECT id, audit_id FROM reviews",
    "review_answers": "SELECT review_id, item_key, value FROM review_answers",
}

# finalised_at stays text as SQLite keeps it ('YYYY-MM-DD HH:MM:SS.ffffff'): compared as text
# with the range's bounds, as the hand-written SQL does.
Q = (
    "substr(a.finalised_at, 1, 4) || ' Q' "
    "|| CAST((CAST(substr(a.finalised_at, 6, 2) AS INTEGER) + 2) // 3 AS VARCHAR)"
)
FINAL = "a.status = 'final' AND a.finalised_at >= '{lo}' AND a.finalised_at < '{hi}'"


def _final_answers(kinds: str) -> str:
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


FIGURES = {
    "grades": f"""
        SELECT {Q}, t.key, t.service_area, ag.key, p.theme, a.kind, a.final_overall, count(*)
        FROM audits a
        JOIN cases c ON c.id = a.case_id
        JOIN teams t ON t.id = c.team_id
        JOIN agencies ag ON ag.id = t.agency_id
        JOIN programmes p ON p.id = a.programme_id
        WHERE {FINAL}
        GROUP BY 1, 2, 3, 4, 5, 6, 7""",
    "items": f"""
        SELECT quarter, item_key, value, count(*)
        FROM ({_final_answers("'grade', 'yes_no'")})
        WHERE value IS NOT NULL
        GROUP BY 1, 2, 3""",
    "numbers": f"""
        SELECT quarter, item_key, count(*), sum(TRY_CAST(value AS DOUBLE)),
               min(TRY_CAST(value AS DOUBLE)), max(TRY_CAST(value AS DOUBLE))
        FROM ({_final_answers("'number'")})
        WHERE value IS NOT NULL AND value <> ''
        GROUP BY 1, 2""",
}


def load(path: Path) -> tuple[Any, float, int]:
    """A DuckDB database in memory holding the columns the figures read; the seconds the
    load took and the rows loaded."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    rows = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
        for table, sql in LOAD.items():
            cursor = source.execute(sql)
            names = [d[0] for d in cursor.description]
            data = cursor.fetchall()
            rows += len(data)
            columns = {name: [row[i] for row in data] for i, name in enumerate(names)}
            del data
            frame = _frame(columns)
            con.register("incoming", frame)
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
            con.unregister("incoming")
    return con, time.perf_counter() - started, rows


def _frame(columns: dict[str, list[Any]]) -> Any:
    import pandas

    return pandas.DataFrame(columns)


def run(con: Any, params: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    """The three figures' rows, every row fetched."""
    bounds = {"lo": params["lo"], "hi": params["hi"]}
    return {name: con.execute(sql.format(**bounds)).fetchall() for name, sql in FIGURES.items()}


def check_same(
    duck: dict[str, list[tuple[Any, ...]]], hand: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    """Where DuckDB's rows and the hand-written SQL's differ (the sums of the numbers aside:
    floating point added in another order)."""
    problems = []
    for name in ("grades", "items"):
        if Counter(duck[name]) != Counter(tuple(r) for r in hand[name]):
            problems.append(f"{name}: DuckDB and SQLite give different rows")
    ours = Counter((q, k, n, low, high) for q, k, n, _s, low, high in duck["numbers"])
    theirs = Counter((q, k, n, low, high) for q, k, n, _s, low, high in hand["numbers"])
    if ours != theirs:
        problems.append("numbers: DuckDB and SQLite give different rows")
    return problems
