"""Time the demo-data generator on a fresh SQLite file for each size asked for.

    .venv/bin/python bench/demo_timing.py                 # 20,000 and 200,000 audits
    .venv/bin/python bench/demo_timing.py 2000 --cases-only 200000

Prints one line per run: audits, cases, seconds and the size of the database file.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from audit_tool.access.actors import Actor
from audit_tool.services import demo
from audit_tool.store import open_database


def run(audits: int, cases: int | None, folder: Path) -> None:
    path = folder / f"demo-{audits}-{cases}.sqlite"
    db = open_database(path)
    try:
        summary = demo.generate(
            db,
            Actor.system("benchmark"),
            audits=audits,
            cases=cases,
            seed=1,
            today=date(2026, 3, 15),
        )
    finally:
        db.close()
    size = sum(p.stat().st_size for p in folder.glob(path.name + "*")) / 1e6
    print(
        f"{summary.audits:>8,} audits {summary.cases:>8,} cases  "
        f"{summary.seconds:7.1f} s  {size:8.1f} MB",
        flush=True,
    )
    for p in folder.glob(path.name + "*"):
        p.unlink()


def main() -> None:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audits", nargs="*", type=int, default=[20_000, 200_000])
    parser.add_argument(
        "--cases-only", type=int, default=None, metavar="N", help="also time N cases, no audits"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for audits in args.audits:
            run(audits, None, folder)
        if args.cases_only is not None:
            run(0, args.cases_only, folder)


if __name__ == "__main__":
    main()
