"""A month's compliance, manager by manager (those with nothing assigned included), and the
months before it, a line each."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.services.monthly_compliance import MonthCompliance, PersonMonth, Tally
from audit_tool.ui import theme as themes
from audit_tool.ui.table_model import Column, RecordTableModel

ALARMS = ("Missing", "Overdue")


def _tally_columns(noun: str, get: Any) -> list[Column]:
    return [
        Column(f"{noun} expected", lambda r: get(r).expected),
        Column(f"{noun} assigned", lambda r: get(r).assigned),
        Column(f"{noun} done", lambda r: get(r).done),
        Column(f"{noun} overdue", lambda r: get(r).overdue),
    ]


class _Marked(RecordTableModel):
    """A table whose columns `alarms` turn the error colour when they raise an alarm (a
    status of ALARMS, or a count above nought)."""

    def __init__(self, columns: list[Column], parent: QWidget, alarms: set[int]) -> None:
        super().__init__(columns, parent)
        self.alarms = alarms

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in self.alarms:
            text = str(super().data(index, Qt.ItemDataRole.DisplayRole) or "")
            if text.startswith(ALARMS) or (text[:1].isdigit() and text != "0"):
                return QColor(themes.current().error)
            return None
        return super().data(index, role)


def list_table(name: str, model: RecordTableModel, label: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(label)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setSortingEnabled(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _counts(noun: str, t: Tally) -> str:
    return (
        f"{noun}: {t.expected} expected, {t.assigned} assigned, {t.done} done, {t.overdue} overdue"
    )


def month_summary(m: MonthCompliance) -> str:
    """The month in a few lines of rich text: when drawn, the totals, who has nothing."""
    if m.drawn_at is not None:
        drawn = f"drawn on {m.drawn_at.astimezone():%d %b %Y}" + (
            f" into programme <i>{escape(m.programme_key)}</i>" if m.programme_key else ""
        )
    else:
        drawn = "not drawn (no monthly plan then, or not yet)"
    lines = [
        f"<b>{m.month:%B %Y}</b>: {drawn}.",
        f"{_counts('Audits', m.audits)}. {_counts('Moderations', m.moderations)}.",
    ]
    error = themes.current().error
    if m.missing:
        lines.append(
            f"<span style='color:{error}'>{m.missing} manager(s) expected to audit or "
            "moderate have nothing assigned.</span>"
        )
    for line in m.shortfall:
        lines.append(f"<span style='color:{error}'>Not drawn: {escape(line)}</span>")
    return "<br>".join(lines)


class ComplianceTab(QWidget):
    """The chosen month, manager by manager."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: tuple[MonthCompliance, ...] = ()
        self.month = QComboBox()
        self.month.setObjectName("monthlyMonth")
        self.month.setAccessibleName("Month")
        self.month.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.month.setMinimumContentsLength(len("September 2026") + 2)
        self.month.currentIndexChanged.connect(self._show)
        label = QLabel("&Month:")
        label.setBuddy(self.month)
        self.summary = QLabel()
        self.summary.setObjectName("monthlySummary")
        # Lines broken by hand, not wrapped: a wrapped label under a long table is given the
        # height of one line.
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.model = _Marked(
            [
                Column("Manager", lambda r: r.name),
                Column("Status", lambda r: r.status),
                *_tally_columns("Audits", lambda r: r.audits),
                *_tally_columns("Moderations", lambda r: r.moderations),
                Column("Job title", lambda r: r.job_title),
            ],
            self,
            alarms={1},
        )
        self.table = list_table("monthlyCompliance", self.model, "Managers against expectation")
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.month)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_months(self, months: tuple[MonthCompliance, ...]) -> None:
        chosen = self.month.currentData()
        self.months = months
        self.month.blockSignals(True)
        self.month.clear()
        for m in months:
            self.month.addItem(f"{m.month:%B %Y}", m.month)
        index = self.month.findData(chosen)
        self.month.setCurrentIndex(max(index, 0))
        self.month.blockSignals(False)
        self._show()

    def choose(self, month: object) -> None:
        self.month.setCurrentIndex(max(self.month.findData(month), 0))

    def _show(self) -> None:
        index = self.month.currentIndex()
        if not 0 <= index < len(self.months):
            self.model.set_rows([])
            self.summary.clear()
            return
        m = self.months[index]
        rows: list[PersonMonth] = list(m.people)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.summary.setText(month_summary(m))


class HistoryTab(QWidget):
    """A line a month, newest first; opening one shows its managers."""

    month_chosen = Signal(object)  # the month's first day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = _Marked(
            [
                Column("Month", lambda m: f"{m.month:%B %Y}"),
                Column("Drawn", lambda m: f"{m.drawn_at.astimezone():%d %b}" if m.drawn_at else ""),
                Column("Nothing assigned", lambda m: m.missing),
                Column("Below expectation", lambda m: m.below),
                *_tally_columns("Audits", lambda m: m.audits),
                *_tally_columns("Moderations", lambda m: m.moderations),
            ],
            self,
            alarms={2},
        )
        self.table = list_table("monthlyHistory", self.model, "Monthly compliance, month by month")
        self.table.setSortingEnabled(False)
        self.table.activated.connect(
            lambda i: self.month_chosen.emit(self.model.rows[i.row()].month)
        )
        note = QLabel("Open a month to see its managers.")
        themes.styled(note, "color: $muted;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)

    def show_months(self, months: tuple[MonthCompliance, ...]) -> None:
        """This month, and the months before it that have anything to show."""
        shown = [m for i, m in enumerate(months) if i == 0 or m.people or m.drawn_at]
        self.model.set_rows(shown)
        self.table.resizeColumnsToContents()
