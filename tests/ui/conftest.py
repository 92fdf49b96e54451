"""GUI test fixtures: isolated QSettings, and a helper to drive modal dialogs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path, qapp):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield


@pytest.fixture
def on_modal(qtbot):
    """Run `handler(dialog)` on the next modal dialog once it is showing."""

    def arm(handler: Callable[[QWidget], None], timeout_ms: int = 5000) -> None:
        waited = {"ms": 0}

        def poll() -> None:
            widget = QApplication.activeModalWidget()
            if widget is not None and widget.isVisible():
                handler(widget)
                return
            waited["ms"] += 20
            if waited["ms"] > timeout_ms:
                raise AssertionError("no modal dialog appeared")
            QTimer.singleShot(20, poll)

        QTimer.singleShot(0, poll)

    return arm


@pytest.fixture
def show_window(qtbot):
    """Show a top-level widget and wait until it is exposed and active (keyboard focus works)."""

    return lambda widget: show_and_activate(qtbot, widget)


def show_and_activate(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def opened_window(qtbot, view, open_fn: Callable[[], object]):  # type: ignore[no-untyped-def]
    """Open an audit's window as the list does (its screen is read in the pool) and return the
    window once it is shown."""
    with qtbot.waitSignal(view.window_opened, timeout=10_000) as blocker:
        open_fn()
    return blocker.args[0]
