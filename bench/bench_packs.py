"""Audit pack export and import benchmark: statements and milliseconds (issue 15, point 8).

    .venv/bin/python bench/bench_packs.py DATABASE [DATABASE ...] [--runs 3] [--out DIR]
        [--import-into EMPTY_DIR]

Each DATABASE is a demo database (`audit-tool --database X demo --audits N --seed 1`). For
each, as the system actor (every audit, as a QA lead on the command line sees them), it
exports the whole pack with `packs.write_pack` N times and prints the SQL statements one
export issues (counted with a SQLAlchemy event listener on the engine) and the median and
worst wall-clock milliseconds. The last pack is left in --out (default: beside the
database, `<name>.pack.json`), so that two versions of the code can be compared byte for
byte once the "exported_at" line is set aside. With --import-into, the pack is also imported
into a new empty database in that folder (one run: statements and milliseconds).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from audit_tool.access.actors import Actor
from audit_tool.services import packs
from audit_tool.store.database import open_database


class Counter:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def _export(path: Path, out: Path, runs: int) -> None:
    db = open_database(str(path))
    counter = Counter(db.engine)
    times, statements, written = [], [], 0
    for _ in range(runs):
        counter.count = 0
        started = time.perf_counter()
        written = packs.write_pack(db, Actor.system("bench"), out)
        times.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count)
    db.close()
    print(
        f"{path.name}: export of {written} audits: {statements[-1]} statements, "
        f"median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms "
        f"({runs} runs; {out.stat().st_size:,} bytes)"
    )


def _import(pack_path: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"import-{pack_path.stem}.sqlite"
    target.unlink(missing_ok=True)
    db = open_database(str(target), create=True)
    counter = Counter(db.engine)
    started = time.perf_counter()
    report = packs.import_pack(db, Actor.system("bench"), packs.read_pack(pack_path))
    ms = (time.perf_counter() - started) * 1000
    db.close()
    print(
        f"{pack_path.name}: import of {len(report.created)} audits into an empty database: "
        f"{counter.count} statements, {ms:.0f} ms"
    )


def main() -> None:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--import-into", type=Path)
    args = parser.parse_args()
    for path in args.databases:
        folder = args.out or path.parent
        out = folder / f"{path.stem}.pack.json"
        _export(path, out, args.runs)
        if args.import_into:
            _import(out, args.import_into)


if __name__ == "__main__":
    main()
