"""Noticing that the database cannot be reached, saying so, and noticing when it is back.

A `ConnectionWatcher` per open database: for a team server it asks ``SELECT 1`` on a worker
thread every few seconds; for any database it also hears about service calls that failed
with a connection error (`report`). While the connection is lost it keeps asking, and says
`restored` as soon as the database answers again; forms then save the drafts they kept on
this computer (see ui/local_drafts.py, and store/drafts.py for their files). The
`ConnectionBanner` across the top of the main window shows the state. The GUI thread never
waits for the server here: the probe runs in the thread pool, one at a time.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from audit_tool import crash
from audit_tool.store import Database
from audit_tool.store.drafts import LocalDrafts
from audit_tool.ui import theme as themes
from audit_tool.ui.workers import Worker

log = logging.getLogger(__name__)

SERVER_PROBE_MS = 5_000  # a team server is asked this often, whether or not all is well
LOST_PROBE_MS = 3_000  # and any database this often while it cannot be reached
# PostgreSQL error classes that mean the connection itself went: 08 connection exceptions,
# 57P01-03 the server shut down, restarted or refused new connections.
_PG_LOST_STATES = ("57P01", "57P02", "57P03")
_SQLITE_LOST_TEXT = ("unable to open database", "disk i/o error", "no such file")


def is_connection_lost(exc: BaseException) -> bool:
    """True for an error that means "the database cannot be reached" (not a refused query).

    psycopg raises OperationalError both for a dropped connection and for, say, a
    serialization failure; only the first kind is a lost connection. A psycopg error from
    outside any statement (connecting, the socket) has no SQLSTATE.
    """
    from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

    if isinstance(exc, DisconnectionError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    orig = exc.orig
    module = type(orig).__module__
    if module.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None)
        return state is None or state.startswith("08") or state in _PG_LOST_STATES
    text = str(orig).lower()
    return any(part in text for part in _SQLITE_LOST_TEXT)


def _ping(db: Database) -> bool:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return True


class ConnectionWatcher(QObject):
    """Whether one database can be reached, checked off the GUI thread."""

    lost = Signal(object)  # the datetime it was first noticed
    restored = Signal()

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        probe_ms: int | None = None,
        lost_probe_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionWatcher")
        self.db = db
        self.is_server = not db.is_sqlite
        self.probe_ms = probe_ms or SERVER_PROBE_MS
        self.lost_probe_ms = lost_probe_ms or LOST_PROBE_MS
        self.since: datetime | None = None
        self._drafts: LocalDrafts | None = None
        self._probe: Worker | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        if self.is_server:
            self._timer.start(self.probe_ms)
        _register(self)

    @property
    def is_lost(self) -> bool:
        return self.since is not None

    @property
    def drafts(self) -> LocalDrafts:
        """Where forms keep what they cannot save (made when first needed: keyring look-up)."""
        if self._drafts is None:
            self._drafts = LocalDrafts(self.db)
        return self._drafts

    def report(self, exc: BaseException) -> bool:
        """A service call failed: True (and the banner shows) if it was the connection."""
        if not is_connection_lost(exc):
            return False
        self._mark_lost()
        return True

    def check(self) -> None:
        """Ask the database if it is there (in the thread pool; one question at a time)."""
        if self._probe is not None:
            return
        db = self.db
        probe = Worker(lambda _progress: _ping(db))
        probe.signals.finished.connect(self._answered)
        probe.signals.failed.connect(self._not_answered)
        self._probe = probe
        probe.start()

    def _end_probe(self) -> None:
        if self._probe is not None:
            self._probe.release()
        self._probe = None

    def _answered(self, _result: object) -> None:
        self._end_probe()
        if self.since is None:
            return
        log.info("Connection to %s is back", self.db.display_name)
        self.since = None
        if self.is_server:
            self._timer.start(self.probe_ms)
        else:
            self._timer.stop()
        self.restored.emit()

    def _not_answered(self, exc: BaseException) -> None:
        self._end_probe()
        if is_connection_lost(exc):
            self._mark_lost()
        else:
            log.warning(
                "Connection check of %s failed: %s", self.db.display_name, crash.summary(exc)
            )

    def _mark_lost(self) -> None:
        if self.since is not None:
            return
        self.since = datetime.now()
        log.warning("Connection to %s lost", self.db.display_name)
        self._timer.start(self.lost_probe_ms)
        self.lost.emit(self.since)

    def set_intervals(self, probe_ms: int, lost_probe_ms: int) -> None:
        """How often to ask the server while all is well, and while it is away."""
        self.probe_ms, self.lost_probe_ms = probe_ms, lost_probe_ms
        if self.is_lost:
            self._timer.start(lost_probe_ms)
        elif self.is_server:
            self._timer.start(probe_ms)

    def stop(self) -> None:
        self._timer.stop()


class ConnectionBanner(QLabel):
    """The line across the main window while the database cannot be reached."""

    def __init__(self, watcher: ConnectionWatcher, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.watcher = watcher
        self.setObjectName("connectionBanner")
        self.setAccessibleName("Connection to the database")
        self.setWordWrap(True)
        themes.styled(
            self,
            "QLabel { background: $banner_bg; color: $banner_fg; "
            "border-bottom: 1px solid $banner_border; "
            "padding: 6px 10px; font-weight: bold; }",
        )
        watcher.lost.connect(self._lost)
        watcher.restored.connect(self.hide)
        self.hide()
        if watcher.is_lost:
            self._lost(watcher.since)

    def _lost(self, since: object) -> None:
        when = since.strftime("%H:%M") if isinstance(since, datetime) else "now"
        what = "The team server" if self.watcher.is_server else "The database"
        if self.watcher.drafts.protection == "memory":
            kept = (
                "your typing is kept in the open window only (this computer has no keyring to "
                "protect a copy on disk; do not quit)"
            )
        else:
            kept = "your typing is kept on this computer"
        self.setText(f"{what} cannot be reached since {when}: {kept} and saved when it is back.")
        self.show()


# -- one watcher per open database, found by the forms that need it

_WATCHERS: dict[int, ConnectionWatcher] = {}


def _register(watcher: ConnectionWatcher) -> None:
    key = id(watcher.db)
    _WATCHERS[key] = watcher
    watcher.destroyed.connect(lambda _obj=None, key=key: _forget(key))


def _forget(key: int) -> None:
    watcher = _WATCHERS.get(key)
    if watcher is None or not shiboken6.isValid(watcher):
        _WATCHERS.pop(key, None)


def watcher_for(db: Database, parent: QObject | None = None) -> ConnectionWatcher:
    """The watcher of this database (the main window's), or a new one owned by `parent`."""
    watcher = _WATCHERS.get(id(db))
    if watcher is not None and shiboken6.isValid(watcher) and watcher.db is db:
        return watcher
    return ConnectionWatcher(db, parent)


def watchers() -> list[ConnectionWatcher]:
    return [w for w in _WATCHERS.values() if shiboken6.isValid(w)]


# The excepthooks install_guard made: installed once, however often it is called.
_guards: set[Callable[..., Any]] = set()


def install_guard() -> None:
    """A connection error nobody caught (a view's refresh, a button) shows the banner and is
    checked by the watchers, instead of an "unexpected error" dialog for each click."""
    previous: Callable[[type[BaseException], BaseException, TracebackType | None], Any]
    previous = sys.excepthook
    if previous in _guards:
        return

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        live = watchers()
        if live and is_connection_lost(exc):
            for watcher in live:
                watcher.report(exc)
            return
        previous(kind, exc, tb)

    _guards.add(hook)
    sys.excepthook = hook
