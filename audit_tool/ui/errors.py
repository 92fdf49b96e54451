"""Showing errors to a user: a dialog that says what is wrong, never a traceback."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

from audit_tool.errors import AuditToolError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    message = (
        str(exc)
        if isinstance(exc, AuditToolError | str)
        else (f"Something went wrong: {type(exc).__name__}: {exc}")
    )
    from PySide6.QtWidgets import QMessageBox  # loaded with the first error shown

    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("errorDialog")
    box.exec()


def install_excepthook() -> None:
    """Unexpected errors in slots are logged to crash.log and shown as one readable line."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from audit_tool.config import data_dir
        from audit_tool.fileio import open_private

        path = data_dir() / "crash.log"
        with open_private(path, "a") as fh:  # readable by the user alone (0600 on POSIX)
            fh.write("".join(traceback.format_exception(kind, exc, tb)) + "\n")
        log.error("Unexpected error: %s", exc)
        if isinstance(exc, AuditToolError):
            show_error(None, "Audit Tool", exc)
        else:
            show_error(
                None,
                "Audit Tool",
                f"An unexpected error happened: {type(exc).__name__}: {exc}\n\n"
                f"Your saved work is safe. Details were written to {path}.",
            )

    sys.excepthook = hook
