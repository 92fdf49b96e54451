"""The Dashboard's figures computed in the thread pool, and the overdue count beside them.

Each view keeps its own computations (Calculator): changing the choice while one runs gives it
up and starts again, and a result that arrives for an earlier choice is dropped."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from audit_tool.access.actors import Actor
from audit_tool.store import Database
from audit_tool.ui.dashboard.figures import Choice

BUSY_DELAY_MS = 150  # a quick computation does not flash the progress bar


class Run(QObject):
    """One computation in the thread pool. It hands on the worker's signals with itself as a
    token, so the view can tell the computation it wants from one it has given up on."""

    progressed = Signal(object, int, int)  # run, done, total
    ended = Signal(object, bool, object)  # run, succeeded, the result or the error

    def __init__(self, choice: Choice, fn: Callable[..., Any]) -> None:
        super().__init__()
        from audit_tool.ui.workers import Worker

        self.choice = choice
        self.worker = Worker(fn)
        # Bound methods of a QObject of the GUI thread: delivered there, in order.
        self.worker.signals.progress.connect(self._progress)
        self.worker.signals.finished.connect(self._finished)
        self.worker.signals.failed.connect(self._failed)

    def start(self) -> None:
        self.worker.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(self, done, total)

    def _finished(self, result: object) -> None:
        self.ended.emit(self, True, result)

    def _failed(self, exc: object) -> None:
        self.ended.emit(self, False, exc)


class Calculator(QObject):
    """The view's computations: the one whose result is wanted, those given up on but still
    running, and whether the busy bar should show yet.

    A computation given up on is kept until it ends (and a few that ended, until the thread
    pool has surely let go of them); its result is then dropped. The busy bar is asked for
    only once a computation has run for BUSY_DELAY_MS."""

    show_busy = Signal(bool)
    progressed = Signal(int, int)  # done, total: of the computation wanted
    ended = Signal(object, bool, object)  # its choice, succeeded, the result or the error

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._run: Run | None = None  # the computation whose result is wanted
        self._running: set[Run] = set()
        self._ended: deque[Run] = deque(maxlen=8)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.show_busy.emit(self._run is not None))

    def is_busy(self) -> bool:
        return self._run is not None

    def unfinished(self) -> int:
        """Computations started that have not yet ended, wanted or given up on."""
        return len(self._running)

    def start(self, choice: Choice, fn: Callable[..., Any]) -> None:
        """Compute `fn(progress)` for `choice`; the one wanted before is given up on."""
        self.give_up()
        run = Run(choice, fn)
        run.progressed.connect(self._progress)
        run.ended.connect(self._end)
        self._run = run
        self._busy_timer.start()
        self._running.add(run)
        run.start()

    def give_up(self) -> bool:
        """Stop the computation wanted, if any (True if there was one); its result is dropped."""
        if self._run is None:
            return False
        self._run.cancel()
        self._run = None
        return True

    def _progress(self, run: object, done: int, total: int) -> None:
        if run is self._run:
            self.progressed.emit(done, total)

    def _end(self, run: object, succeeded: bool, outcome: object) -> None:
        assert isinstance(run, Run)
        self._running.discard(run)
        self._ended.append(run)
        if run is not self._run:
            return  # a computation given up on: its figures are for an earlier choice
        self._run = None
        self._busy_timer.stop()
        self.ended.emit(run.choice, succeeded, outcome)


def overdue_today(db: Database, actor: Actor, today: date) -> int | None:
    """Overdue actions today, counted as the sidebar counts them (None: not the actor's to see)."""
    from audit_tool.services import learning

    if not actor.can("action.view"):
        return None
    return learning.overdue_count(db, actor, today=today)
