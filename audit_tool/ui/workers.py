"""Background work off the GUI thread, with progress and cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class WorkerSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Worker(QRunnable):
    """Runs fn(progress) in the thread pool; fn calls progress(done, total) -> keep going?"""

    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = WorkerSignals()
        self.cancelled = False
        # Not deleted by the pool: that would free the Python side in the pool's thread, with
        # Qt objects in it (the operation, its signals) still in use on the GUI thread (a crash
        # in the garbage collector, seen). The bindings then keep the runnable for good, so
        # release() drops what it holds once its end has been handled.
        self.setAutoDelete(False)

    def release(self) -> None:
        """Drop the function and all it refers to (an operation, the view that started it, the
        rows it loaded): on the GUI thread, once the result or error has been handled. Only
        this small object stays with the bindings."""
        self.fn = _spent
        # Its slots (a lambda may hold a view) go with the signals object, deleted once the
        # signal being handled now has returned.
        self.signals.deleteLater()

    def cancel(self) -> None:
        self.cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self.cancelled

    def run(self) -> None:
        try:
            result = self.fn(self._progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread to show
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)


def _spent(_progress: Callable[[int, int], bool]) -> None:
    """What a released worker holds instead of its function."""
