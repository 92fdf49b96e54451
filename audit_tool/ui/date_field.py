"""A typed date that is kept exactly as typed: a line for YYYY-MM-DD and a calendar button.

QDateEdit changes what is typed without a word: a year above its maximum is dropped
(2027-03-01 became 2026-03-01), and a separator typed after a section that filled itself skips
the next one (2027-03-01 became 2027-12-03). Here the text is the value; a date that cannot be
read is reported beside the field by the dialog that owns it, and nothing is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

FORMAT_HINT = "Type the date as YYYY-MM-DD, for example 2026-03-01"


def parse_typed_date(text: str) -> tuple[date | None, str | None]:
    """(the date, None), (None, None) for blank, or (None, why it cannot be read)."""
    typed = text.strip()
    if not typed:
        return None, None
    parts = typed.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None, FORMAT_HINT
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])), None
    except ValueError:
        shown = typed if len(typed) <= 12 else typed[:12] + "..."
        return None, f"There is no such date as {shown}"


class _CalendarPopup(QWidget):
    """The calendar that drops down from the button; a click on a day picks it."""

    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)
        layout.addWidget(self.calendar)

    def _pick(self, day: QDate) -> None:
        self.picked.emit(day)
        self.close()


class DateField(QWidget):
    """A date typed as YYYY-MM-DD or picked from a calendar. `changed` fires on every edit."""

    changed = Signal()

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line = QLineEdit()
        self.line.setPlaceholderText("YYYY-MM-DD")
        self.line.setMaxLength(40)
        self.line.setMinimumWidth(self.line.fontMetrics().horizontalAdvance("0000-00-00") + 24)
        self.line.textChanged.connect(lambda _t: self.changed.emit())
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip("Choose from a calendar")
        self.button.setAccessibleName("Choose the date from a calendar")
        self.button.clicked.connect(self._show_calendar)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.line)
        self.set_date(value)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt's name
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)

    def set_date(self, value: date | None) -> None:
        self.line.setText(value.isoformat() if value else "")

    def text(self) -> str:
        return self.line.text()

    def value(self) -> tuple[date | None, str | None]:
        """(the date or None when blank, why it cannot be read or None)."""
        return parse_typed_date(self.line.text())

    def _show_calendar(self) -> None:
        popup = _CalendarPopup(self)
        typed, _error = self.value()
        start = typed or date.today()
        popup.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        popup.picked.connect(lambda day: self.set_date(day.toPython()))
        popup.move(self.mapToGlobal(QPoint(0, self.height())))
        popup.show()
