"""Keeping the visible list up to date with what others change, without getting in the way.

The main window's visible view is refreshed when the window is activated (the user comes
back to it) and on an interval: 30 s on a team server, where colleagues change audits all
day; 2 minutes on an SQLite file, where another writer is rare (a second window, a command,
a check-in) and activation covers the usual case. The list pages take part (ui.list_page:
``live_loader()`` reads the filters on the GUI thread and returns a function that only calls
services, run here in the thread pool; ``show_loaded(data)`` shows the rows back on the GUI
thread keeping the selection and the sort); this class keeps the scroll position. Nothing is
refreshed while the user is busy: a dialog or a menu is open, a mouse button is down, the
focus is in a text box of the view, or the view's own ``busy()`` says so. The audit form
lives in its own window and is never refreshed under the user's typing.
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from audit_tool import crash
from audit_tool.ui.connection_banner import ConnectionWatcher
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.workers import Worker

log = logging.getLogger(__name__)

SERVER_INTERVAL_MS = 30_000
SQLITE_INTERVAL_MS = 120_000


def supports(view: QWidget | None) -> bool:
    return isinstance(view, ListPage)


def _is_text_entry(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox):
        return not (
            isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) and _read_only(widget)
        )
    return isinstance(widget, QComboBox) and widget.isEditable()


def _read_only(widget: Any) -> bool:
    return bool(widget.isReadOnly())


def is_busy(view: QWidget) -> bool:
    """True while a refresh would get in the user's way."""
    if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget():
        return True
    if QApplication.mouseButtons() != Qt.MouseButton.NoButton and view.underMouse():
        return True  # dragging or selecting in the view
    focus = QApplication.focusWidget()
    if focus is not None and view.isAncestorOf(focus) and _is_text_entry(focus):
        return True
    busy = getattr(view, "busy", None)
    return bool(busy()) if callable(busy) else False


class LiveRefresh(QObject):
    """Refreshes a main window's visible view on activation and on an interval."""

    refreshed = Signal(str)  # the view's key, once new rows are shown

    def __init__(
        self, window: Any, watcher: ConnectionWatcher, interval_ms: int | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.watcher = watcher
        if interval_ms is None:
            interval_ms = SQLITE_INTERVAL_MS if window.db.is_sqlite else SERVER_INTERVAL_MS
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.request)
        self.timer.start()
        self._loading: Worker | None = None
        window.installEventFilter(self)
        watcher.restored.connect(self.request)

    def set_interval(self, ms: int) -> None:
        self.timer.start(ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Type.WindowActivate:
            # After the activation is handled (focus restored), so busy() sees the real focus.
            QTimer.singleShot(0, self, self.request)
        return False

    def request(self) -> None:
        """Refresh the visible view now, unless the user is busy or a load is running."""
        if self._loading is not None or self.watcher.is_lost:
            return
        key = self.window.current_view_key()
        view = self.window._views.get(key) if key else None
        if view is None or not supports(view) or not view.isVisible() or is_busy(view):
            return
        try:
            load = view.live_loader()
        except Exception as exc:  # noqa: BLE001 - reading filters must not break the window
            log.warning("Live refresh of %s not started: %s", key, crash.summary(exc))
            return
        worker = Worker(lambda _progress: load())
        worker.signals.finished.connect(
            lambda data, key=key, view=view: self._loaded(key, view, data)
        )
        worker.signals.failed.connect(self._failed)
        self._loading = worker
        worker.start()

    def _done(self) -> None:
        if self._loading is not None:
            self._loading.release()  # its slot held the view
        self._loading = None

    def _loaded(self, key: str, view: QWidget, data: object) -> None:
        self._done()
        if not shiboken6.isValid(self) or not shiboken6.isValid(view):
            return  # the window closed while the rows were loading
        if self.window._views.get(key) is not view or not view.isVisible() or is_busy(view):
            return  # the user moved on or started something: the next tick tries again
        with keep_scroll(view):
            view.show_loaded(data)
        self.refreshed.emit(key)

    def _failed(self, exc: BaseException) -> None:
        self._done()
        if not shiboken6.isValid(self):
            return
        if not self.watcher.report(exc):
            log.warning("Live refresh failed: %s", crash.summary(exc))


class keep_scroll:  # noqa: N801 - used as a context manager
    """Put every list of a view back where it was scrolled to."""

    def __init__(self, view: QWidget) -> None:
        self.positions = [
            (
                item_view,
                item_view.verticalScrollBar().value(),
                item_view.horizontalScrollBar().value(),
            )
            for item_view in view.findChildren(QAbstractItemView)
        ]

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        for item_view, vertical, horizontal in self.positions:
            item_view.verticalScrollBar().setValue(vertical)
            item_view.horizontalScrollBar().setValue(horizontal)
