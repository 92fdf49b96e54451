"""Unexpected errors in the window: a dialog naming a crash report, and no case text in the
dialog, the log output or crash.log (issue #12, finding 2)."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from audit_tool import crash
from audit_tool.errors import ValidationError
from audit_tool.ui import errors

SECRET = "SECRET-9K: mother disclosed the boyfriend's drug use"


def _real_integrity_error(db) -> IntegrityError:  # type: ignore[no-untyped-def]
    try:
        with db.session() as session:
            session.execute(text("CREATE TEMP TABLE leak_probe (v VARCHAR(200) UNIQUE)"))
            for _ in range(2):
                session.execute(text("INSERT INTO leak_probe (v) VALUES (:v)"), {"v": SECRET})
    except IntegrityError as exc:
        return exc
    raise AssertionError("no IntegrityError")


def _close_and_read(on_modal) -> dict[str, str]:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}

    def read(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, QMessageBox) and dialog.objectName() == "errorDialog"
        seen["title"], seen["text"] = dialog.windowTitle(), dialog.text()
        dialog.accept()

    on_modal(read)
    return seen


def _crash_log() -> str:
    return (Path(os.environ["AUDIT_TOOL_HOME"]) / crash.REPORT_FILE).read_text("utf-8")


def test_an_uncaught_database_error_shows_a_report_id_and_no_case_text(
    sqlite_db, qtbot, on_modal, monkeypatch, caplog, capsys
):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    exc = _real_integrity_error(sqlite_db)
    seen = _close_and_read(on_modal)

    with caplog.at_level(logging.DEBUG):
        sys.excepthook(type(exc), exc, exc.__traceback__)

    found = re.search(r"A report \(([0-9A-F]{8})\) was written to (.+crash\.log)", seen["text"])
    assert found and "IntegrityError" in seen["text"] and "saved work is safe" in seen["text"]
    assert SECRET not in seen["text"] and "INSERT" not in seen["text"]
    log = _crash_log()
    assert f"=== crash {found.group(1)} " in log and SECRET not in log
    assert "tests/ui/test_error_reports.py" in log and "_real_integrity_error" in log
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    out, err = capsys.readouterr()
    assert SECRET not in out + err


def test_a_failed_background_job_reports_by_id(sqlite_db, qtbot, on_modal):
    """A worker's failure handed to show_error (as the views do) is shown the same way."""
    exc = _real_integrity_error(sqlite_db)
    seen = _close_and_read(on_modal)
    errors.show_error(None, "Retention", exc)
    assert seen["title"] == "Retention" and "A report (" in seen["text"]
    assert SECRET not in seen["text"] and SECRET not in _crash_log()


def test_an_error_the_user_can_fix_is_shown_as_it_is(qtbot, on_modal):
    seen = _close_and_read(on_modal)
    errors.show_error(None, "Case", ValidationError("The reference must start with a letter"))
    assert seen["text"] == "The reference must start with a letter"
    assert not (Path(os.environ["AUDIT_TOOL_HOME"]) / crash.REPORT_FILE).exists()


@pytest.mark.parametrize("kind", [ValueError, KeyError, RuntimeError])
def test_a_plain_exception_built_from_record_text_is_not_shown(qtbot, on_modal, kind):
    seen = _close_and_read(on_modal)
    errors.show_error(None, "Audit", kind(f"no template item {SECRET!r}"))
    assert SECRET not in seen["text"] and kind.__name__ in seen["text"]
    assert SECRET not in _crash_log()


def test_qt_messages_are_logged_without_what_they_quote(qtbot, caplog, capfd):
    """A real Qt warning that quotes its input (an invalid pattern made from a search)."""
    from PySide6.QtCore import QRegularExpression, qInstallMessageHandler

    previous = qInstallMessageHandler(errors.qt_message)
    try:
        with caplog.at_level(logging.DEBUG, logger="audit_tool.qt"):
            QRegularExpression("(" + SECRET).match("anything")
    finally:
        qInstallMessageHandler(previous)
    messages = [r.getMessage() for r in caplog.records if r.name == "audit_tool.qt"]
    assert any("invalid QRegularExpression" in m for m in messages), messages
    assert not any(SECRET[:10] in m for m in messages)
    out, err = capfd.readouterr()
    assert SECRET[:10] not in out + err


def test_the_window_logs_python_warnings_without_their_text(qtbot, caplog, monkeypatch):
    import warnings

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    from PySide6.QtCore import qInstallMessageHandler

    previous = qInstallMessageHandler(None)
    try:
        with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
            errors.install_excepthook()
            warnings.simplefilter("always")
            warnings.warn(f"could not parse {SECRET}", RuntimeWarning, stacklevel=1)
    finally:
        qInstallMessageHandler(previous)
    (record,) = [r for r in caplog.records if r.name == "audit_tool.warnings"]
    assert SECRET not in record.getMessage()
    assert record.getMessage().startswith("RuntimeWarning at tests/ui/test_error_reports.py:")


def test_a_form_message_about_an_unexpected_failure_names_the_report(sqlite_db, qtbot):
    """The offline check-out dialog's background call failing with a database error: its
    message line names the report, not the error's text."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

    from audit_tool.ui.checkout_dialog import _Busy

    dialog = QDialog()
    qtbot.addWidget(dialog)
    buttons, message = QDialogButtonBox(dialog), QLabel(dialog)
    busy = _Busy(dialog, buttons, message)

    def raise_it() -> None:
        raise _real_integrity_error(sqlite_db)

    busy.run("Checking out...", raise_it, print)
    qtbot.waitUntil(lambda: "report" in message.text(), timeout=10000)
    assert message.text().startswith("Something went wrong (IntegrityError); report ")
    assert SECRET not in message.text() and SECRET not in _crash_log()
    assert buttons.isEnabled()
