"""The monthly draw while the app is open: at start and then every hour, so the month's
audits are set up on its first working day even if the app stays open over midnight (and on
the first opening after it, if the app was closed). Errors go to the status line: the draw
is tried again within the hour."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import monthly_draw
from audit_tool.services.monthly_draw import MonthDraw
from audit_tool.store import Database
from audit_tool.ui import operations as ops

INTERVAL_MS = 60 * 60 * 1000


def drawn_words(draw: MonthDraw) -> str:
    text = f"Monthly audits for {draw.month:%B %Y} drawn: {draw.audits} audit(s)"
    if draw.shortfall:
        text += f"; {len(draw.shortfall)} could not be placed (see Monthly audits)"
    return text


class MonthlyDrawTimer(QTimer):
    def __init__(
        self, window: QWidget, db: Database, actor: Actor, say: Callable[[str], None]
    ) -> None:
        super().__init__(window)
        self.window, self.db, self.actor, self.say = window, db, actor, say
        self.setInterval(INTERVAL_MS)
        self.timeout.connect(self.draw_if_due)
        if actor.can("programme.view"):
            self.start()
            QTimer.singleShot(500, self, self.draw_if_due)

    def draw_if_due(self) -> None:
        db, actor = self.db, self.actor

        def drawn(draw: MonthDraw | None) -> None:
            if draw is not None:
                self.say(drawn_words(draw))
                ops.announce({ops.AUDITS, ops.PROGRAMMES, ops.NOTICES})

        def failed(exc: AuditToolError) -> bool:
            self.say(f"Monthly audits not drawn yet: {exc}")
            return True

        (
            ops.Operation(
                self.window,
                lambda _task: monthly_draw.roll_over(db, actor),
                title="Monthly audits not drawn",
                key="monthly-draw",
            )
            .success(drawn)
            .failure(failed)
            .run_in_background()
        )
