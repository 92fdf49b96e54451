"""Showing errors to a user: a dialog that says what is wrong, never a traceback.

An error the user can fix (AuditToolError) is shown as its message. Anything else is
unexpected: its message may carry record text (a database error holds the statement's
values), so it is never shown or logged; a crash report (audit_tool.crash) keeps the type and
code locations under an id, and the dialog names the id and the file.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType
    from PySide6.QtWidgets import QWidget

from audit_tool import crash
from audit_tool.errors import AuditToolError

log = logging.getLogger(__name__)


def unexpected_message(report: crash.CrashReport) -> str:
    """What the user reads about an unexpected error: the kind, the report id, the file."""
    where = (
        f"A report ({report.id}) was written to {report.path}"
        if report.path is not None
        else f"A report ({report.id}) could not be written"
    )
    return (
        f"An unexpected error happened ({report.kind}). Your saved work is safe.\n\n"
        f"{where}; quote {report.id} when you tell the QA lead or support. "
        "It holds where in the program it happened, never what was typed or stored."
    )


def report_unexpected(exc: BaseException) -> crash.CrashReport:
    """Write the crash report for exc and log one line naming it (no message, no data)."""
    report = crash.write_report(exc)
    log.error("Unexpected error (%s): %s", report.kind, report.where())
    return report


def unexpected_line(exc: BaseException) -> str:
    """One line for a form's message label about an unexpected error: its kind and report."""
    report = report_unexpected(exc)
    return f"Something went wrong ({report.kind}); {report.where()}"


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    if isinstance(exc, AuditToolError | str):
        message = str(exc)
    else:
        message = unexpected_message(report_unexpected(exc))
    from PySide6.QtWidgets import QMessageBox  # loaded with the first error shown

    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("errorDialog")
    box.exec()


def install_excepthook() -> None:
    """Unexpected errors in slots get a crash report and a dialog naming it; Qt's messages and
    Python's warnings are logged without the values they quote (see qt_message)."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        show_error(None, "Audit Tool", exc)

    sys.excepthook = hook
    from PySide6.QtCore import qInstallMessageHandler

    qInstallMessageHandler(qt_message)
    crash.install_warning_hook()


def qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's diagnostics, into the log with what they quote taken out: Qt names a bad input
    between quotes (an invalid pattern, a file name), and that may be record text."""
    from PySide6.QtCore import QtMsgType

    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("audit_tool.qt").log(level, "Qt: %s%s", crash.redact(message), where)
