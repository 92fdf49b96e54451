"""Views and the audit form benchmark: the GUI thread's time to show each view of the main
window, and to open and close an audit, on a demo database of 20,000 audits (issue 15).

    make bench                                   # or:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_views.py [--audits 20000] [--runs 5]
        [--profile]

The first run builds the demo database (`services.demo.generate`, seed 1, today 2026-03-15)
and keeps it in bench/out/ (git-ignored); later runs reuse it, each on a fresh copy (closing
an audit window saves the form, so the kept database is never written). Then, for a QA lead,
the auditor with the most reviews and the moderator with the most audits to moderate, it
starts the real MainWindow (offscreen) and times on the GUI thread, with time.perf_counter:
- starting the window: MainWindow(...), show(), processing events (this builds My work);
- (a) the first visit to each view in the sidebar: show_view(key), then processing events
  (the view is built and loads its rows);
- (b) a later visit to each view (the view refreshes), median and worst of --runs;
- (c) opening an audit the user reviews (`open_review`) and one they moderate
  (`open_moderation`): the audit is read in the pool and the window built when it arrives;
  timed is the GUI thread's longest block until the window is shown, median and worst;
- (d) closing that window again (it saves the form), median and worst of --runs.
Each step runs until the work it started is done: after the call and a processEvents(), events
are processed until no operation is running and the thread pool is idle (a view that loads in
the pool shows its rows then). What is reported per step is the GUI thread's longest block:
the call itself, or the longest single processEvents() pass after it (a result arriving from
the pool and being shown); and, beside it, how long after the call the work was done ("shown
after"), and the longest garbage collection meanwhile, in any thread ("gc": a full collection
in the pool holds the GIL, so the GUI thread waits for it as soon as it runs Python). Budget
(issue 15): the GUI thread held at most 100 ms. --profile runs each role once more
under cProfile and prints, for the slowest steps, the 10 functions of audit_tool with the most
cumulative time (the profiled pass is a second window, so modules are already imported).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
BUDGET_MS = 100.0
SETTLE_SECONDS = 0.6  # the window's delayed start-up work (badges at 250 ms, drafts at 400 ms)
IDLE_TIMEOUT_SECONDS = 120.0  # a step's background work that has not ended by then is an error


@dataclass
class Step:
    label: str
    seconds: list[float] = field(default_factory=list)  # the GUI thread's longest block, per run
    shown: list[float] = field(default_factory=list)  # from the call to its work done, per run
    gc: list[float] = field(default_factory=list)  # the longest garbage collection, per run
    profile: cProfile.Profile | None = None

    @property
    def shown_ms(self) -> float:
        return statistics.median(self.shown) * 1000

    @property
    def gc_ms(self) -> float:
        return max(self.gc) * 1000

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def worst_ms(self) -> float:
        return max(self.seconds) * 1000


class GcPauses:
    """The garbage collector's pauses, in whichever thread they happen (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started: dict[int, float] = {}

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        now, thread = time.perf_counter(), threading.get_ident()
        if phase == "start":
            self._started[thread] = now
        elif thread in self._started:
            self.pauses.append(now - self._started.pop(thread))

    def longest_since(self, mark: int) -> float:
        return max(self.pauses[mark:], default=0.0)


GC_PAUSES = GcPauses()


# ---------------------------------------------------------------- the database


def build_demo(path: Path, audits: int) -> None:
    from audit_tool.access.actors import Actor
    from audit_tool.services import demo
    from audit_tool.store import open_database

    print(f"building a demo database of {audits:,} audits in {path}", flush=True)
    started = time.perf_counter()
    part = path.with_name(path.name + ".part")  # renamed when complete: a broken build is redone
    part.unlink(missing_ok=True)
    db = open_database(part)
    try:
        demo.generate(db, Actor.system("benchmark"), audits=audits, seed=1, today=date(2026, 3, 15))
    finally:
        db.close()
    part.rename(path)
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def pick_people(db: Any, roles: list[str]) -> list[tuple[str, str]]:
    """(role label, person key) for each of `roles`: a QA lead, the auditor with the most
    reviews, the moderator with the most audits to moderate."""
    from audit_tool.access.actors import Actor
    from audit_tool.services import audits, reference

    def people(role: str) -> list[str]:
        rows = reference.list_people(db, Actor.system(), role=role, include_inactive=False)
        return sorted(p.key for p in rows)

    def busiest(keys: list[str], my_role: str) -> str:
        def count(key: str) -> int:
            rows = audits.list_audits(db, reference.actor_for(db, key), limit=1_000_000)
            return sum(1 for r in rows if r.my_role == my_role)

        return max(keys, key=count)

    pickers = {
        "lead": lambda: ("QA lead", people("lead")[0]),
        "auditor": lambda: ("auditor", busiest(people("auditor"), "reviewer")),
        "moderator": lambda: ("moderator", busiest(people("moderator"), "moderator")),
    }
    return [pickers[role]() for role in ("lead", "auditor", "moderator") if role in roles]


def audits_to_open(db: Any, actor: Any) -> tuple[str | None, str | None]:
    """An audit the user reviews (one still in progress if there is one) and one they moderate."""
    from audit_tool.services import audits

    rows = audits.list_audits(db, actor, limit=1_000_000)
    reviews = [r for r in rows if r.my_role == "reviewer"]
    open_reviews = [r for r in reviews if r.status not in ("final", "confirmed")]
    moderated = [r for r in rows if r.my_role == "moderator"]
    waiting = [r for r in moderated if r.status not in ("final", "confirmed")]
    review = next(iter(open_reviews or reviews), None)
    moderation = next(iter(waiting or moderated), None)
    return (review.uuid if review else None, moderation.uuid if moderation else None)


# ---------------------------------------------------------------- timing


def settle(seconds: float = SETTLE_SECONDS) -> None:
    """Let the window's timers and queued work run, outside any timed step."""
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def busy() -> bool:
    """Whether work started on the GUI thread is still going: an operation, or anything in the
    thread pool (the live refresh's loads, the sidebar's counts)."""
    from PySide6.QtCore import QThreadPool

    from audit_tool.ui import operations as ops

    return bool(ops.running()) or QThreadPool.globalInstance().activeThreadCount() > 0


def until_idle() -> float:
    """Process events until busy() is over; returns the longest single processEvents() pass
    (the GUI thread's longest block meanwhile: a result from the pool being shown)."""
    from PySide6.QtWidgets import QApplication

    longest = 0.0
    deadline = time.perf_counter() + IDLE_TIMEOUT_SECONDS
    while True:
        pending = busy()
        started = time.perf_counter()
        QApplication.processEvents()
        longest = max(longest, time.perf_counter() - started)
        if not pending:
            return longest
        if started > deadline:
            raise RuntimeError(f"work still running after {IDLE_TIMEOUT_SECONDS:.0f} s")
        time.sleep(0.002)  # waiting for the pool: the GUI thread is free


def measure(steps: dict[str, Step], label: str, action: Callable[[], Any], profile: bool) -> Any:
    step = steps.setdefault(label, Step(label))
    profiler = cProfile.Profile() if profile else None
    collections = len(GC_PAUSES.pauses)
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = action()
    called = time.perf_counter() - started
    longest = max(called, until_idle())
    if profiler is not None:
        profiler.disable()
    shown = time.perf_counter() - started
    if profiler is not None:
        step.profile = profiler
    else:
        step.seconds.append(longest)
        step.shown.append(shown)
        step.gc.append(GC_PAUSES.longest_since(collections))
    return result


def run_role(
    db: Any, role: str, key: str, runs: int, steps: dict[str, Step], profile: bool = False
) -> None:
    """One window for the person: every step timed (or profiled, once, if `profile`)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from audit_tool.services import reference
    from audit_tool.ui.main_window import MainWindow

    actor = reference.actor_for(db, key)
    runs = 1 if profile else runs

    def start() -> Any:
        window = MainWindow(db, actor)
        window.show()
        QApplication.processEvents()
        return window

    window = measure(steps, f"{role}: start the window (My work)", start, profile)
    settle()
    # The sidebar's names without their counts ("Actions (878 overdue)" is Actions).
    labels = {
        key: re.sub(r" \([^()]*\)$", "", window.sidebar.item(i).text())
        for i, key in enumerate(window.view_keys())
    }

    def visit(view_key: str) -> Callable[[], None]:
        def action() -> None:
            window.show_view(view_key)
            QApplication.processEvents()

        return action

    first = window.current_view_key()
    for view_key, name in labels.items():
        if view_key != first:
            measure(steps, f"{role}: first visit {name}", visit(view_key), profile)
            settle(0.05)
    for _ in range(runs):
        for view_key, name in labels.items():
            if window.current_view_key() == view_key:  # showing it again would not refresh it
                window.show_view(next(k for k in labels if k != view_key))
                QApplication.processEvents()
                until_idle()  # that view's own loads, not counted in the next step
            measure(steps, f"{role}: visit again {name}", visit(view_key), profile)
            settle(0.05)

    time_audit_windows(window, db, actor, role, runs, steps, profile)
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def time_audit_windows(
    window: Any, db: Any, actor: Any, role: str, runs: int, steps: dict[str, Step], profile: bool
) -> None:
    """(c) and (d): open an audit the user reviews and one they moderate, then close it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    review, moderation = audits_to_open(db, actor)
    view = window.audits_view()
    for kind, uuid, opener in (
        ("review", review, view.open_review),
        ("moderation", moderation, view.open_moderation),
    ):
        if uuid is None:
            continue
        for _ in range(runs):
            # The audit is read in the pool and its window built when the read arrives: the
            # step runs until then (measure waits for the operation).
            opened: list[Any] = []
            view.window_opened.connect(opened.append)
            try:
                measure(steps, f"{role}: open {kind}", lambda u=uuid, o=opener: o(u), profile)
            finally:
                view.window_opened.disconnect(opened.append)
            if not opened:
                raise RuntimeError(f"{role} could not open the {kind} of {uuid}")
            dialog = opened[0]
            settle(0.1)

            def close_it(dialog: Any = dialog) -> None:
                dialog.close()
                QApplication.processEvents()
                QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

            measure(steps, f"{role}: close {kind}", close_it, profile)
            settle(0.05)


# ---------------------------------------------------------------- the report


def verdict(step: Step) -> str:
    if step.median_ms > BUDGET_MS:
        return "YES"
    if step.worst_ms > BUDGET_MS:
        return "worst only"
    return "no"


def print_table(steps: list[Step]) -> None:
    """Per step: the GUI thread's longest block (median and worst of the runs), the median time
    until its work was shown, the longest garbage collection of the runs, the runs, and whether
    the block is over the budget."""
    width = max(len(s.label) for s in steps)
    print(
        f"{'step':<{width}}  {'median ms':>9}  {'worst ms':>9}  {'shown ms':>9}  {'gc ms':>6}  "
        f"{'runs':>4}  over 100 ms?"
    )
    for s in steps:
        print(
            f"{s.label:<{width}}  {s.median_ms:9.1f}  {s.worst_ms:9.1f}  {s.shown_ms:9.1f}  "
            f"{s.gc_ms:6.0f}  {len(s.seconds):>4}  {verdict(s)}"
        )


def slowest_kinds(steps: list[Step], top: int = 10) -> list[Step]:
    """The `top` slowest kinds of step over the budget (first visit Learning, open review...),
    each with the role whose worst time was longest: one profile per kind, not the same view
    three times."""
    by_kind: dict[str, Step] = {}
    for s in steps:
        kind = s.label.split(": ", 1)[1]
        if s.worst_ms > BUDGET_MS and (kind not in by_kind or s.worst_ms > by_kind[kind].worst_ms):
            by_kind[kind] = s
    return sorted(by_kind.values(), key=lambda s: -s.worst_ms)[:top]


def print_profile(step: Step, top: int = 10) -> None:
    """The functions of audit_tool with the most cumulative time in the step's profiled run."""
    assert step.profile is not None
    stats = pstats.Stats(step.profile)
    total = sum(t for (_cc, _nc, t, _ct, _callers) in stats.stats.values())  # type: ignore[attr-defined]
    rows = [
        (ct, nc, f"{Path(file).as_posix().split('/audit_tool/')[-1]}:{line} {func}")
        for (file, line, func), (_cc, nc, _tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
        if "/audit_tool/" in Path(file).as_posix()
    ]
    rows.sort(reverse=True)
    print(f"\n{step.label}: profiled run {total * 1000:.0f} ms (cProfile adds overhead)")
    for ct, nc, where in rows[:top]:
        print(f"  {ct * 1000:8.1f} ms cumulative  {nc:>7} calls  {where}")


def main(argv: list[str] | None = None) -> list[Step]:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="where the slowest steps go")
    parser.add_argument("--out", type=Path, default=OUT, help="where the database is kept")
    parser.add_argument(
        "--role",
        action="append",
        choices=["lead", "auditor", "moderator"],
        help="only this person (repeatable; default all three)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from audit_tool.store import open_database

    args.out.mkdir(parents=True, exist_ok=True)
    kept = args.out / f"views-{args.audits}.sqlite"
    if not kept.exists():
        build_demo(kept, args.audits)
    with tempfile.TemporaryDirectory() as tmp:
        # Own settings folder: no remembered layout, and the user's own settings untouched.
        os.environ["AUDIT_TOOL_HOME"] = str(Path(tmp) / "home")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        copy = Path(tmp) / "views.sqlite"
        shutil.copyfile(kept, copy)
        qt_app = QApplication.instance() or QApplication(sys.argv[:1])
        db = open_database(copy)
        try:
            people = pick_people(db, args.role or ["lead", "auditor", "moderator"])
            print(f"{args.audits:,} audits; " + ", ".join(f"{r} {k}" for r, k in people))
            steps: dict[str, Step] = {}
            gc.callbacks.append(GC_PAUSES)
            for role, key in people:
                run_role(db, role, key, args.runs, steps)
            ordered = list(steps.values())
            print(
                f"\nThe GUI thread's longest block per step, median and worst of {args.runs} "
                "runs (first visits: 1), the median time until the step's work was shown, and "
                "the longest garbage collection (any thread)"
            )
            print_table(ordered)
            if args.profile:
                profiled: dict[str, Step] = {}
                for role, key in people:
                    run_role(db, role, key, args.runs, profiled, profile=True)
                for s in slowest_kinds(ordered):
                    print_profile(profiled[s.label])
        finally:
            if GC_PAUSES in gc.callbacks:
                gc.callbacks.remove(GC_PAUSES)
            db.close()
            qt_app.processEvents()
    return ordered


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising its objects
