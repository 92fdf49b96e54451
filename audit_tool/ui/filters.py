"""Pieces the list views share: period presets, counts in words, filter inputs, the list
table and title, and a column fitter that keeps a table's text column readable."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from audit_tool.reporting.periods import DEFAULT_YEAR_START, label_of, natural_start

PERIODS = {
    "any": "Any time",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    "last_12_months": "Last 12 months",
    "this_year": "This year",
    "between": "Between dates",
}


def quarter_start(day: date, year_start: int = DEFAULT_YEAR_START) -> date:
    """The first day of the partnership's quarter holding `day` (its year starts in the month
    `year_start`: April by default, so Q1 is April to June)."""
    return natural_start(day, "quarter", year_start)


def period_range(
    period: str, today: date, year_start: int = DEFAULT_YEAR_START
) -> tuple[date | None, date | None]:
    """The dates of a period preset ("any" and "between" give no dates of their own); quarters
    and years are the partnership's (its year starts in the month `year_start`)."""
    if period == "this_quarter":
        start = quarter_start(today, year_start)
        return start, quarter_end(start)
    if period == "last_quarter":
        end = quarter_start(today, year_start) - timedelta(days=1)
        return quarter_start(end, year_start), end
    if period == "last_12_months":
        try:
            start = today.replace(year=today.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            start = date(today.year - 1, 3, 1)
        return start, today
    if period == "this_year":
        start = natural_start(today, "year", year_start)
        return start, start.replace(year=start.year + 1) - timedelta(days=1)
    return None, None


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def quarter_end(start: date) -> date:
    """The last day of the quarter that begins on `start` (three months on)."""
    month = start.year * 12 + start.month + 2  # the quarter's last month, counted from 1
    following = date(month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def quarter_label(start: date, year_start: int = DEFAULT_YEAR_START) -> str:
    """ "2026/27 Q3": the partnership's quarter beginning on `start`, as the report labels it."""
    return label_of(start, "quarter", year_start)


def filter_combo(name: str, accessible: str) -> QComboBox:
    """A filter drop-down, named for tests and labelled for screen readers."""
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


def filter_date(name: str, accessible: str, value: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


def text_width(widget: QWidget, chars: float) -> int:
    """The width of `chars` average characters in `widget`'s font: widths for text follow the
    font (a 175% system font makes them 175% wide), never a fixed number of pixels."""
    return round(chars * widget.fontMetrics().averageCharWidth())


def text_height(widget: QWidget, lines: float) -> int:
    """The height of a text box showing `lines` lines of `widget`'s font, frame and margins
    included: it grows with the font, never a fixed number of pixels."""
    return round(lines * widget.fontMetrics().lineSpacing()) + 12


class ColumnFitter(QObject):
    """Sizes a table's columns: each short one to its contents (capped at `cap` characters of
    the table's font), while one text column
    stretches and keeps at least `share` of the width, the widest others (not `fixed`) giving
    way, eliding, down to their heading's width. Refits when the table is resized."""

    def __init__(
        self,
        table: QTableView,
        stretch: int,
        *,
        cap: int,
        share: float = 0.3,
        fixed: tuple[int, ...] = (),
    ) -> None:
        super().__init__(table)
        self.table, self.stretch, self.cap, self.share = table, stretch, cap, share
        self.fixed = fixed  # short columns that keep their contents' width
        self.natural: dict[int, int] = {}
        self.floor: dict[int, int] = {}
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        table.viewport().installEventFilter(self)

    def measure(self) -> None:
        """Take the contents' widths (after the rows change), then fit."""
        table, header = self.table, self.table.horizontalHeader()
        model = table.model()
        table.resizeColumnsToContents()
        metrics = header.fontMetrics()
        self.natural, self.floor = {}, {}
        for column in range(model.columnCount()):
            if column == self.stretch:
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            natural = min(table.columnWidth(column), text_width(table, self.cap))
            self.natural[column] = natural
            self.floor[column] = (
                natural
                if column in self.fixed
                else min(natural, metrics.horizontalAdvance(title) + 24)
            )
        self.fit()

    def use(self, natural: dict[int, int]) -> None:
        """Take the columns' widths as given (a list too long to measure), then fit."""
        metrics = self.table.horizontalHeader().fontMetrics()
        model = self.table.model()
        self.natural = {c: w for c, w in natural.items() if c != self.stretch}
        self.floor = {
            c: min(
                w,
                metrics.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal))) + 24,
            )
            for c, w in self.natural.items()
        }
        self.fit()

    def fit(self) -> None:
        widths = dict(self.natural)
        budget = self.table.viewport().width() * (1 - self.share)
        while sum(widths.values()) > budget:
            shrinkable = [c for c in widths if widths[c] > self.floor[c]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda c: widths[c])
            widths[widest] = max(self.floor[widest], widths[widest] - 8)
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def list_table(name: str, accessible: str, model: Any) -> QTableView:
    """A read-only list of records: whole rows selected one at a time, alternate shading,
    compact fixed-height rows without numbers, columns the user may resize."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    return table


def view_title(text: str) -> QLabel:
    """A view's heading, larger and bold."""
    title = QLabel(text)
    title.setObjectName("viewTitle")
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


def editable_parts(combo: QComboBox) -> tuple[QLineEdit, QCompleter]:
    """The line edit and completer of an editable combo box (which always has both)."""
    edit, completer = combo.lineEdit(), combo.completer()
    if edit is None or completer is None:
        raise ValueError("the combo box is not editable")
    return edit, completer
