"""The Dashboard's figures computed in the thread pool, and the overdue count beside them."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from audit_tool.access.actors import Actor
from audit_tool.store import Database
from audit_tool.ui.dashboard.figures import Choice

# Computations kept alive whatever becomes of the view that asked for them: those running, and a
# few that ended, until the thread pool has surely let go of them.
_RUNNING: set[_Run] = set()
_ENDED: deque[_Run] = deque(maxlen=8)


class _Run(QObject):
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
        _RUNNING.add(self)
        self.worker.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(self, done, total)

    def _finished(self, result: object) -> None:
        self._end()
        self.ended.emit(self, True, result)

    def _failed(self, exc: object) -> None:
        self._end()
        self.ended.emit(self, False, exc)

    def _end(self) -> None:
        _RUNNING.discard(self)
        _ENDED.append(self)


def overdue_today(db: Database, actor: Actor, today: date) -> int | None:
    """Overdue actions today, counted as the sidebar counts them (None: not the actor's to see)."""
    from audit_tool.services import learning

    if not actor.can("action.view"):
        return None
    return learning.overdue_count(db, actor, today=today)
