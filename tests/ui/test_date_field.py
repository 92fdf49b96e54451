"""The typed-date field: what is typed is what is kept, and the calendar fills it in."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from audit_tool.ui.date_field import FORMAT_HINT, DateField, parse_typed_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-03-01", (date(2027, 3, 1), None)),
        (" 2026-12-25 ", (date(2026, 12, 25), None)),
        ("", (None, None)),
        ("2026-02-30", (None, "There is no such date as 2026-02-30")),
        ("2026-13-01", (None, "There is no such date as 2026-13-01")),
        ("01/03/2026", (None, FORMAT_HINT)),
        ("26-03-01", (None, FORMAT_HINT)),
        ("2026-03", (None, FORMAT_HINT)),
        ("2026-0x-01", (None, FORMAT_HINT)),
    ],
)
def test_parse_typed_date(typed, expected):
    assert parse_typed_date(typed) == expected


def test_typing_keeps_every_character_and_the_calendar_picks(qtbot):
    field = DateField(date(2026, 12, 7))
    qtbot.addWidget(field)
    field.show()
    field.line.selectAll()
    with qtbot.waitSignal(field.changed):
        qtbot.keyClicks(field.line, "2027-03-01")
    assert field.text() == "2027-03-01" and field.value() == (date(2027, 3, 1), None)

    qtbot.mouseClick(field.button, Qt.MouseButton.LeftButton)
    popup = QApplication.activePopupWidget()
    assert popup is not None
    assert popup.calendar.selectedDate() == QDate(2027, 3, 1)  # opens on the typed date
    popup.calendar.clicked.emit(QDate(2027, 3, 15))
    assert field.text() == "2027-03-15"
    assert QApplication.activePopupWidget() is None
