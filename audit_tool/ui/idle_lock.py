"""The idle lock: after some minutes without keyboard or mouse, every window of the app is
covered by an opaque panel and the user's password is asked again.

Nothing under the panels is closed or cleared, so unsaved typing is still there after unlocking
(and drafts are autosaved anyway). The idle time comes from the constructor, else the
environment variable AUDIT_TOOL_IDLE_LOCK_SECONDS, else QSettings "idleLockMinutes", else ten
minutes; 0 turns the idle lock off (Lock, Ctrl+L, still works)."""

from __future__ import annotations

import contextlib
import os
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME
from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import accounts
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.account_dialogs import password_edit
from audit_tool.ui.filters import text_width
from audit_tool.ui.settings import app_settings

LOCK_ERROR_STYLE = "color: $lock_error;"  # on the lock's dark box, in either set

ENV_SECONDS = "AUDIT_TOOL_IDLE_LOCK_SECONDS"
SETTINGS_KEY = "idleLockMinutes"
DEFAULT_MINUTES = 10.0

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def idle_seconds_setting() -> float:
    """The configured idle time in seconds (0: no idle lock)."""
    value = os.environ.get(ENV_SECONDS)
    if value is not None:
        try:
            return max(float(value), 0.0)
        except ValueError:
            pass
    stored = app_settings().value(SETTINGS_KEY)
    if stored is not None:
        try:
            return max(float(str(stored)), 0.0) * 60
        except ValueError:
            pass
    return DEFAULT_MINUTES * 60


class LockPanel(QFrame):
    """An opaque cover over one window; the one with `with_form` asks for the password."""

    def __init__(self, host: QWidget, lock: IdleLock, *, with_form: bool) -> None:
        super().__init__(host)
        self.host, self.lock = host, lock
        self.setObjectName("lockPanel")
        self.setAutoFillBackground(True)
        themes.styled(
            self,
            "QFrame#lockPanel { background: $lock_bg; } "
            "QFrame#lockPanel QLabel { color: $lock_fg; } "
            "QFrame#lockBox { background: $lock_box; border-radius: 8px; }",
        )
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("lockBox")
        box.setMaximumWidth(text_width(box, 76))
        inner = QVBoxLayout(box)
        inner.setContentsMargins(24, 20, 24, 20)
        title = QLabel(f"{APP_NAME} is locked")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        inner.addWidget(title)
        self.text = QLabel()
        self.text.setObjectName("lockText")
        self.text.setWordWrap(True)
        inner.addWidget(self.text)
        self.password: QLineEdit | None = None
        self.error: QLabel | None = None
        if with_form:
            self.text.setText(
                f"Enter the password of {lock.actor.name} ({lock.username}) to go on. "
                "Your unsaved typing is kept."
            )
            self.password = password_edit()
            self.password.setObjectName("lockPassword")
            self.password.setAccessibleName("Password")
            self.password.setPlaceholderText("Password")
            self.password.returnPressed.connect(self._unlock)
            inner.addWidget(self.password)
            self.error = QLabel()
            self.error.setObjectName("lockError")
            self.error.setWordWrap(True)
            themes.styled(self.error, LOCK_ERROR_STYLE)
            self.error.hide()
            inner.addWidget(self.error)
            row = QHBoxLayout()
            switch = QPushButton("&Switch user...")
            switch.setObjectName("lockSwitchUser")
            switch.clicked.connect(lock.switch_user)
            unlock = QPushButton("&Unlock")
            unlock.setObjectName("lockUnlock")
            unlock.setDefault(True)
            unlock.clicked.connect(self._unlock)
            row.addWidget(switch)
            row.addStretch(1)
            row.addWidget(unlock)
            inner.addLayout(row)
        else:
            self.text.setText("Unlock in the main window.")
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(box, 2)
        line.addStretch(1)
        outer.addLayout(line)
        outer.addStretch(2)
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()
        if self.password is not None:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
        return False

    def _unlock(self) -> None:
        assert self.password is not None and self.error is not None
        password = self.password.text()
        self.password.clear()
        lock = self.lock
        (
            ops.Operation(self, lambda task: lock.unlock(password), title=APP_NAME)
            .failure(self._refused)
            .run()
        )

    def _refused(self, exc: AuditToolError) -> bool:
        assert self.password is not None and self.error is not None
        self.error.setText(str(exc))
        themes.styled(self.error, LOCK_ERROR_STYLE)
        self.error.show()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        return True


class IdleLock(QObject):
    """Watches the whole application's input; locks after the idle time or on `lock()`."""

    locked_changed = Signal(bool)
    switch_user_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        db: Database,
        actor: Actor,
        *,
        idle_seconds: float | None = None,
    ) -> None:
        super().__init__(window)
        self.window, self.db, self.actor = window, db, actor
        self.username = accounts.username_for_person(db, actor.person_id)
        self.idle_seconds = idle_seconds_setting() if idle_seconds is None else idle_seconds
        self.panels: list[LockPanel] = []
        self._disabled: list[QWidget | QAction] = []
        self._focus: QWidget | None = None
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        app = QApplication.instance()
        if self.available and self.idle_seconds > 0 and app is not None:
            app.installEventFilter(self)
            self._arm(self.idle_seconds)

    @property
    def available(self) -> bool:
        """Only a user with a password can unlock again."""
        return self.username is not None

    @property
    def is_locked(self) -> bool:
        return bool(self.panels)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.panels:
            self._last = time.monotonic()
        return False

    def _arm(self, seconds: float) -> None:
        self._timer.start(max(int(seconds * 1000), 1))

    def _check(self) -> None:
        if self.panels:
            return
        left = self._last + self.idle_seconds - time.monotonic()
        if left > 0:
            self._arm(left)
        elif self.window.isVisible():
            self.lock()
        else:
            self._arm(self.idle_seconds)

    def lock(self) -> None:
        """Cover every window of the app; the password form goes where input can go."""
        if self.panels or not self.available:
            return
        self._timer.stop()
        self._focus = QApplication.focusWidget()
        modal = QApplication.activeModalWidget()
        form_host = modal if modal is not None and modal.isVisible() else self.window
        hosts = [self.window] + [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self.window
            and w.isVisible()
            and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
        ]
        for host in hosts:
            # What is under a panel keeps its state but takes no input and no shortcuts.
            for child in host.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            ):
                if child.isEnabled() and not child.isWindow():
                    child.setEnabled(False)
                    self._disabled.append(child)
            for action in host.findChildren(QAction):
                if action.isEnabled():
                    action.setEnabled(False)
                    self._disabled.append(action)
            self.panels.append(LockPanel(host, self, with_form=host is form_host))
        self.locked_changed.emit(True)

    def unlock(self, password: str) -> None:
        """Raises LoginFailed (with the message to show) unless the password is right."""
        login = accounts.reauthenticate(self.db, self.actor, password)
        if login.actor.person_id != self.actor.person_id:  # pragma: no cover - defensive
            raise accounts.LoginFailed(accounts.WRONG_LOGIN)
        for panel in self.panels:
            panel.host.removeEventFilter(panel)
            panel.hide()
            panel.deleteLater()
        self.panels = []
        for item in self._disabled:
            with contextlib.suppress(RuntimeError):  # closed while locked
                item.setEnabled(True)
        self._disabled = []
        if self._focus is not None:
            with contextlib.suppress(RuntimeError):
                self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus = None
        self._last = time.monotonic()
        if self.idle_seconds > 0:
            self._arm(self.idle_seconds)
        self.locked_changed.emit(False)
        if login.must_change_password:
            from audit_tool.ui.account_dialogs import ChangePasswordDialog

            QTimer.singleShot(
                0, lambda: ChangePasswordDialog(self.db, self.actor, self.window).exec()
            )

    def switch_user(self) -> None:
        """Close open dialogs (their windows go with the user), then ask who logs in."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        QTimer.singleShot(0, self.switch_user_requested.emit)
