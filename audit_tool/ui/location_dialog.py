"""The warning before opening a database kept on a network share or in a synced folder."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from audit_tool import APP_NAME
from audit_tool.store.location import database_location_warning

OPEN_ANYWAY = "Open anyway"


def confirm_location(database: str, parent: QWidget | None = None) -> bool:
    """True to go on opening `database`: it is in a safe place, or the user chose to open it
    anyway after the warning; False if they cancelled."""
    warning = database_location_warning(database)
    if warning is None:
        return True
    box = QMessageBox(parent)
    box.setObjectName("sharedLocationDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(APP_NAME)
    box.setText("This database is on a network share or in a synced folder.")
    box.setInformativeText(
        f"{warning}.\n\nOpen it anyway only if nobody else has it open and its sync client "
        "is paused."
    )
    open_button = box.addButton(OPEN_ANYWAY, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is open_button
