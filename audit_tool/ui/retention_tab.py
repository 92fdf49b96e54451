"""Admin > Retention: how long an audit's text is kept, what would go now, and the run."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import retention
from audit_tool.services.retention import RetentionPlan
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.audits_view import KIND_LABELS
from audit_tool.ui.table_model import Column, RecordTableModel


def _ago(years: int) -> str:
    return f"{years} year{'s' if years != 1 else ''} ago"


class RetentionTab(QWidget):
    """For QA leads: the retention period, the audits past it, and removing their text."""

    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retentionTab")
        self.db, self.actor = db, actor
        self.plan: RetentionPlan | None = None
        self.operation: ops.Operation[retention.RetentionRun] | None = None

        intro = self._intro()
        form = self._period_form()
        self._build_table()
        buttons = self._buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.filler = QWidget()  # takes the room of the table when there is nothing to list
        layout.addWidget(self.filler, 1)
        self.years.setValue(retention.retention_years(db))
        self._suffix(self.years.value())
        self.refresh()

    def _intro(self) -> QLabel:
        intro = QLabel(
            "An audit's free text (comments, evidence, summaries, learning, feedback comments) "
            "and its case's reference and initials are kept for a period after the audit is "
            "final, then removed. Grades, yes/no answers and numbers stay, so reports still "
            "count the audit. Each run is recorded in the change log, without the text."
        )
        intro.setWordWrap(True)
        return intro

    def _period_form(self) -> QFormLayout:
        """The retention period in years and its Save button."""
        self.years = QSpinBox()
        self.years.setObjectName("retentionYears")
        self.years.setRange(retention.MIN_YEARS, retention.MAX_YEARS)
        self.years.valueChanged.connect(self._suffix)
        self.years.setAccessibleName("Retention period in years")
        self.save_button = QPushButton("&Save period")
        self.save_button.setObjectName("retentionSave")
        self.save_button.clicked.connect(self.save_period)
        period = QHBoxLayout()
        period.addWidget(self.years)
        period.addWidget(self.save_button)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow("&Keep audit text for:", period)
        item = form.itemAt(0, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel):
            label.setBuddy(self.years)
        return form

    def _build_table(self) -> None:
        """The summary line and the table of audits past the period."""
        self.summary = QLabel()
        self.summary.setObjectName("retentionSummary")
        self.summary.setWordWrap(True)
        self.model = RecordTableModel(
            [
                Column("Case", lambda r: r.case_ref),
                Column("Programme", lambda r: r.programme_name),
                Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind)),
                Column("Final on", lambda r: r.finalised_on.isoformat()),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("retentionTable")
        self.table.setAccessibleName("Audits past the retention period")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

    def _buttons(self) -> QHBoxLayout:
        """Check again, Remove expired text, and the status line under them."""
        self.refresh_button = QPushButton("&Check again")
        self.refresh_button.setObjectName("retentionRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.run_button = QPushButton("&Remove expired text...")
        self.run_button.setObjectName("retentionRun")
        self.run_button.clicked.connect(self.run)
        self.status = QLabel()
        self.status.setObjectName("retentionStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        return buttons

    def _suffix(self, years: int) -> None:
        self.years.setSuffix(f" year{'s' if years != 1 else ''} after the audit is final")

    def refresh(self) -> None:
        """List the audits whose text the next run would remove (a dry run, read in the pool:
        it looks at every final audit)."""
        db, actor = self.db, self.actor
        (
            ops.Operation(
                self, lambda task: retention.plan(db, actor), title="Retention", key="plan"
            )
            .success(self._show_plan)
            .run_in_background()
        )

    def _show_plan(self, plan: RetentionPlan) -> None:
        self.plan = plan
        self.model.set_rows(list(plan.audits))
        self.table.resizeColumnsToContents()
        n = len(plan.audits)
        if n == 0:
            self.summary.setText(
                f"No audit is past the retention period: none became final before "
                f"{plan.cutoff:%d %B %Y} ({_ago(plan.years)})."
            )
        else:
            self.summary.setText(
                f"{n:,} audit{'s' if n != 1 else ''} became final before "
                f"{plan.cutoff:%d %B %Y} ({_ago(plan.years)}): their text would be "
                f"removed, and {plan.cases:,} case{'s' if plan.cases != 1 else ''} would lose "
                "reference and initials."
            )
        self.table.setVisible(n > 0)
        self.filler.setVisible(n == 0)
        self.run_button.setEnabled(n > 0 and not self.running())

    def save_period(self) -> None:
        db, actor, value = self.db, self.actor, self.years.value()
        years = ops.Operation(
            self,
            lambda task: retention.set_retention_years(db, actor, value),
            title="Retention period not saved",
        ).run()
        if years is None:
            return
        self.status.setText(f"Retention period saved: {years} years")
        self.status_message.emit(f"Retention period set to {years} years")
        self.refresh()

    def run(self) -> None:
        if self.plan is None or not self.plan.audits:
            return
        if self.years.value() != self.plan.years:
            self.status.setText("Save the period first: the list is for the saved period")
            return
        n = len(self.plan.audits)
        answer = QMessageBox.warning(
            self,
            "Remove expired text",
            f"Remove the free text of {n:,} audit{'s' if n != 1 else ''} final before "
            f"{self.plan.cutoff:%d %B %Y}, and the reference and initials of "
            f"{self.plan.cases:,} case{'s' if self.plan.cases != 1 else ''}?\n\n"
            "This cannot be undone (except by restoring a backup). Grades are kept.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, actor = self.db, self.actor
        self.status.setText("Removing expired text...")
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.operation = (
            ops.Operation(
                self,
                lambda task: retention.apply(db, actor),
                title="Retention",
                changes={ops.AUDITS, ops.CASES, ops.FEEDBACK, ops.LEARNING},
            )
            .busy(self.run_button, self.save_button)
            .success(self._done)
            .failure(self._failed)
            .finally_(self.unsetCursor)
            .run_in_background()
        )

    def running(self) -> bool:
        return self.operation is not None and self.operation.is_running

    def _done(self, result: retention.RetentionRun) -> None:
        self.status.setText(
            f"Text removed from {result.audits:,} audit(s); {result.cases:,} case(s) lost "
            f"reference and initials; recorded as change log entry {result.entry_id}."
        )
        self.status_message.emit("Retention run finished")
        self.refresh()

    def _failed(self, exc: AuditToolError) -> bool:
        self.status.setText("Nothing was removed")
        self.refresh()
        return False  # and the dialog says why
