"""The Dashboard's figures computed in the thread pool, with the report's story in words and
the overdue count beside them.

Each view keeps its own computations (Calculator): changing the choice while one runs gives it
up and starts again, and a result that arrives for an earlier choice is dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from audit_tool.access.actors import Actor
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.dashboard.figures import Choice

BUSY_DELAY_MS = 150  # a quick computation does not flash the progress bar


class Calculator(QObject):
    """The view's computation of its figures, as an operation (ui.operations) keyed
    "figures": starting another gives up the one before, whose figures are then dropped;
    errors go where every operation's go. The busy bar is asked for only once a computation
    has run for BUSY_DELAY_MS."""

    show_busy = Signal(bool)
    progressed = Signal(int, int)  # done, total: of the computation wanted
    ended = Signal(object, object)  # its choice, the result
    failed = Signal(object)  # its choice (the error is shown by the operation)

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view = view
        self._operation: ops.Operation[Any] | None = None  # the computation wanted
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(lambda: self.show_busy.emit(self.is_busy()))

    def is_busy(self) -> bool:
        return self._operation is not None

    def unfinished(self) -> int:
        """Computations started that have not yet ended, wanted or given up on."""
        return sum(1 for op in ops.running() if op.parent_widget is self.view)

    def start(self, choice: Choice, fn: Callable[[ops.Task], Any]) -> None:
        """Compute `fn(task)` for `choice`; the one wanted before is given up on."""
        self.give_up()
        operation = ops.Operation(self.view, fn, title="Dashboard", key="figures")
        operation.progressed.connect(self.progressed)
        operation.success(lambda result: self._end(choice, result))
        operation.failure(lambda _exc: self._fail(choice))
        operation.finally_(self._busy_timer.stop)
        self._operation = operation
        self._busy_timer.start()
        operation.run_in_background()

    def give_up(self) -> bool:
        """Stop the computation wanted, if any (True if there was one); its result is dropped."""
        if self._operation is None:
            return False
        self._operation.abandon()
        self._operation = None
        self._busy_timer.stop()
        return True

    def _end(self, choice: Choice, result: object) -> None:
        self._operation = None
        self.ended.emit(choice, result)

    def _fail(self, choice: Choice) -> bool:
        self._operation = None
        self.failed.emit(choice)
        return False  # and the operation's dialog says why


def overdue_today(db: Database, actor: Actor, today: date) -> int | None:
    """Overdue actions today, counted as the sidebar counts them (None: not the actor's to see)."""
    from audit_tool.services import learning_actions

    if not actor.can("action.view"):
        return None
    return learning_actions.overdue_count(db, actor, today=today)


def with_story(db: Database, actor: Actor, report: dict[str, Any], today: date) -> dict[str, Any]:
    """The report with its story in words and the lead's commentary (services/report_story.py),
    for the Learning and voices tab."""
    from audit_tool.services import report_story

    report["story"] = report_story.tell(db, actor, report, today=today)
    return report
