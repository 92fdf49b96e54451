"""The Monthly audits view: compliance this month (and any month), month by month, and the
plan with what is expected of each manager. Opening or refreshing it draws the month's
audits first if they are due and not drawn (as the main window's timer does)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from audit_tool.access.actors import Actor
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.monthly import loading
from audit_tool.ui.monthly.compliance_tab import ComplianceTab, HistoryTab
from audit_tool.ui.monthly.draw import drawn_words
from audit_tool.ui.monthly.loading import MonthlyScreen
from audit_tool.ui.monthly.plan_tab import PlanTab


class MonthlyView(QWidget):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({ops.PROGRAMMES, ops.AUDITS, ops.REFERENCE})
    status_message = Signal(str)
    changed = Signal()
    open_audit = Signal(str)
    loaded = Signal()  # the screen is filled (tests wait on it)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: date | None = None,  # None: the real date (tests set a day)
    ) -> None:
        super().__init__(parent)
        self.setObjectName("monthlyView")
        self.db, self.actor, self.today = db, actor, today
        self.shown: MonthlyScreen | None = None
        title = QLabel("Monthly audits")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self.compliance = ComplianceTab()
        self.history = HistoryTab()
        self.plan = PlanTab(db, actor, today)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("monthlyTabs")
        self.tabs.addTab(self.compliance, "&Compliance")
        self.tabs.addTab(self.history, "Month &by month")
        self.tabs.addTab(self.plan, "&Plan and expectations")
        self.history.month_chosen.connect(self._open_month)
        self.plan.saved.connect(self._saved)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def refresh(self) -> None:
        db, actor, today = self.db, self.actor, self.today
        (
            ops.Operation(
                self,
                lambda _task: loading.load(db, actor, today),
                title="Monthly audits",
                key="load",
            )
            .success(self._show)
            .run_in_background()
        )

    def _show(self, screen: MonthlyScreen) -> None:
        self.shown = screen
        self.compliance.show_months(screen.months)
        self.history.show_months(screen.months)
        self.plan.show_screen(screen)
        if screen.draw is not None:
            self.status_message.emit(drawn_words(screen.draw))
            ops.announce({ops.AUDITS, ops.PROGRAMMES, ops.NOTICES}, self)
            self.changed.emit()
        self.loaded.emit()

    def _open_month(self, month: object) -> None:
        self.compliance.choose(month)
        self.tabs.setCurrentWidget(self.compliance)

    def _saved(self, said: str) -> None:
        self.status_message.emit(said)
        self.refresh()
