"""The one way a widget runs a service call: an Operation (after Anki's CollectionOp and
Orange's TaskState).

    Operation(self, lambda task: export_cases(db, actor, query, path, progress=task),
              title="Export failed", changes={CASES})
        .with_progress("Exporting cases...", cancellable=True)
        .success(lambda count: self.status_message.emit(f"{count:,} exported"))
        .run_in_background()

What every operation does, so no widget wires its own:
- runs the function in the thread pool (``run_in_background``) or, for a quick save whose
  result the form needs at once, on the GUI thread (``run``); the function gets a ``Task``:
  ``task(done, total)`` reports progress and says whether to go on (a service raises
  ``Cancelled`` when it is told to stop), ``task.cancelled`` says the same for a loop;
- shows a progress dialog (after a short delay, so quick work shows none) with Cancel when
  asked, and marks the widgets it was given as busy while it runs;
- routes every failure to one place: a ``Cancelled`` to the status line; a user's error
  (``AuditToolError``) to the widget's ``failure`` handler if it shows errors in place (a form's
  message line, a dialog testing a connection), else to a dialog with its message; a lost
  connection, with no handler, to the banner (no dialog); anything else to a crash report (no
  message, no data) and a dialog naming it, or to the handler as an ``Unexpected`` naming it;
- drops a stale result: a new operation with the same ``key`` on the same widget cancels the
  one before, whose result (or error) is then never shown; so does ``abandon()``;
- announces what it changed on one signal (``changes_hub().changed``); the main window passes
  it to every open view through the small ``View`` protocol, so no screen wires another's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import QMainWindow, QProgressDialog, QWidget

from audit_tool.errors import AuditToolError, Cancelled
from audit_tool.ui.workers import Worker

T = TypeVar("T")

# The kinds of data an operation can change. A view names the kinds it shows (View.watches);
# a change to any of them refreshes it.
AUDITS = "audits"
CASES = "cases"
PROGRAMMES = "programmes"
FEEDBACK = "feedback"
LEARNING = "learning"
ACTIONS = "actions"
BRIEFINGS = "briefings"
CONCERNS = "concerns"
NOTICES = "notices"
REFERENCE = "reference"  # agencies, teams, people, scales, templates, settings
ACCOUNTS = "accounts"
COMPLAINTS = "complaints"  # complaints and compliments
EVERYTHING = frozenset(
    {
        COMPLAINTS,
        AUDITS,
        CASES,
        PROGRAMMES,
        FEEDBACK,
        LEARNING,
        ACTIONS,
        BRIEFINGS,
        CONCERNS,
        NOTICES,
        REFERENCE,
        ACCOUNTS,
    }
)

Changes = frozenset[str]
# What an imported audit pack or a checked-in copy can bring.
PACK_CHANGES = frozenset({AUDITS, PROGRAMMES, CASES, FEEDBACK, LEARNING, ACTIONS, REFERENCE})

PROGRESS_DELAY_MS = 400  # quicker work shows no progress dialog


@runtime_checkable
class View(Protocol):
    """What the main window knows of a view: what it shows and how to show it again."""

    watches: frozenset[str]

    def refresh(self) -> None: ...


class ViewSignals(Protocol):
    """The signals a main view offers the window: a line for the status bar, "I changed
    something" (the counts in the sidebar follow) and "open this audit"."""

    status_message: SignalInstance
    changed: SignalInstance
    open_audit: SignalInstance


class ChangesHub(QObject):
    """One signal for the whole application: an operation changed these kinds of data."""

    changed = Signal(object, object)  # Changes, the widget whose operation made them (or None)

    def announce(self, changes: Iterable[str], source: QObject | None = None) -> None:
        kinds = frozenset(changes)
        unknown = kinds - EVERYTHING
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
        if kinds:
            self.changed.emit(kinds, source)


_hub: ChangesHub | None = None


def changes_hub() -> ChangesHub:
    global _hub
    if _hub is None or not shiboken6.isValid(_hub):
        _hub = ChangesHub()
    return _hub


def announce(changes: Iterable[str], source: QObject | None = None) -> None:
    """Tell every view that these kinds of data changed (for work done outside an Operation,
    such as a dialog that saved through its own operations and closed)."""
    changes_hub().announce(changes, source)


def refresh_views(views: Iterable[QWidget], changes: Changes, source: object) -> list[str]:
    """Refresh each built view that shows one of these kinds (not the source: it knows).
    Returns the class names refreshed, for the log."""
    done = []
    for view in views:
        if view is source or not shiboken6.isValid(view) or not isinstance(view, View):
            continue
        if view.watches & changes:
            view.refresh()
            done.append(type(view).__name__)
    return done


class Task:
    """Handed to the operation's function: progress in, cancel out (Orange's TaskState)."""

    def __init__(self, worker: Worker | None) -> None:
        self._worker = worker
        self._cancelled = threading.Event()

    def __call__(self, done: int, total: int) -> bool:
        """Report progress; False once the user cancelled (the function should stop)."""
        if self._worker is not None and not self.cancelled:
            self._worker.signals.progress.emit(done, total)
        return not self.cancelled

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop (for loops that do not report progress)."""
        if self.cancelled:
            raise Cancelled("Cancelled; nothing was changed.")


# Operations still running, kept alive until they end; (widget id, key) -> the newest one.
_running: set[Operation[Any]] = set()
_newest: dict[tuple[int, str], Operation[Any]] = {}


def running() -> list[Operation[Any]]:
    return list(_running)


def is_running(widget: QWidget, key: str) -> bool:
    """Whether an operation with this key is running for this widget."""
    newest = _newest.get((id(widget), key))
    return newest is not None and newest.is_running


class Operation(QObject, Generic[T]):
    """A service call run for a widget: see the module's docstring."""

    done = Signal()  # after success, failure or cancel; not for a stale result
    progressed = Signal(int, int)  # done, total: as the function reports it

    def __init__(
        self,
        parent: QWidget,
        fn: Callable[[Task], T],
        *,
        title: str,
        changes: Collection[str] = (),
        key: str | None = None,
    ) -> None:
        super().__init__()  # no Qt parent: kept alive while running, outlives a closed widget
        self.parent_widget = parent
        self.fn = fn
        self.title = title
        self.changes = frozenset(changes)
        self.key = key
        self.task = Task(None)
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[AuditToolError], bool | None] | None = None
        self._on_finally: Callable[[], object] | None = None
        self._quiet = False
        self._progress_label: str | None = None
        self._progress_name = "operationProgress"
        self._progress_title = ""
        self._cancellable = False
        self._busy: list[QWidget] = []
        self._dialog: QProgressDialog | None = None
        self._worker: Worker | None = None
        self.result: T | None = None
        self._abandoned = False
        self.error: BaseException | None = None

    # -- building

    def success(self, fn: Callable[[T], object]) -> Operation[T]:
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[AuditToolError], bool | None]) -> Operation[T]:
        """fn(error) -> True when it showed the error itself (in the form's message line);
        otherwise the usual dialog follows. An unexpected error (a lost connection too) reaches
        fn as an Unexpected that names its crash report (never its message); Cancelled goes to
        the status line."""
        self._on_failure = fn
        return self

    def quietly(self) -> Operation[T]:
        """A user's error (AuditToolError) is shown nowhere and run() returns None: for a read
        whose result is optional (a count beside a name, a hint, a default list). A lost
        connection still goes to the banner, anything unexpected to its report and dialog."""
        self._quiet = True
        return self

    def finally_(self, fn: Callable[[], object]) -> Operation[T]:
        """Runs after success or failure (not after a stale result)."""
        self._on_finally = fn
        return self

    def with_progress(
        self, label: str, *, cancellable: bool = False, name: str = "", title: str = ""
    ) -> Operation[T]:
        """A window-modal progress dialog (shown if the work takes longer than
        PROGRESS_DELAY_MS), with Cancel when cancellable; name is its objectName."""
        self._progress_label = label
        self._cancellable = cancellable
        self._progress_name = name or self._progress_name
        self._progress_title = title
        return self

    def busy(self, *widgets: QWidget) -> Operation[T]:
        """Widgets disabled while the operation runs (the button that started it)."""
        self._busy.extend(widgets)
        return self

    # -- running

    def run(self) -> T | None:
        """Run on the GUI thread, for quick work whose result is needed at once (a save the
        form shows straight after). Returns the result, or None after a failure (handled)."""
        self._start()
        try:
            result = self.fn(self.task)
        except BaseException as exc:  # noqa: BLE001 - routed to the one place errors go
            self._failed(exc)
            return None
        self._finished(result)
        return result

    def run_in_background(self) -> Operation[T]:
        """Run in the thread pool; success/failure are called back on the GUI thread."""
        worker = Worker(lambda _progress: self.fn(self.task))
        self._worker = worker
        self.task = Task(worker)
        worker.signals.finished.connect(self._finished)
        worker.signals.failed.connect(self._failed)
        worker.signals.progress.connect(self._progress)
        self._start()
        if self._progress_label is not None:
            self._make_dialog(self._progress_label)
        worker.start()
        return self

    def abandon(self) -> None:
        """Cancel it and drop whatever it ends with (result or error): the user moved on."""
        self._abandoned = True
        self.cancel()

    def cancel(self) -> None:
        if self.is_running and not self.task.cancelled and self._dialog is not None:
            show_status(self.parent_widget, "Stopping...")
        self.task.cancel()

    @property
    def is_running(self) -> bool:
        return self in _running

    @property
    def is_stale(self) -> bool:
        if self._abandoned:
            return True
        if self.key is None:
            return False
        return _newest.get((id(self.parent_widget), self.key)) is not self

    def _start(self) -> None:
        if self.key is not None:
            slot = (id(self.parent_widget), self.key)
            before = _newest.get(slot)
            if before is not None and before is not self:
                before.cancel()
            _newest[slot] = self
        _running.add(self)
        for widget in self._busy:
            widget.setEnabled(False)

    def _make_dialog(self, label: str) -> None:
        """Made now (tests and users can find it at once), shown by Qt only if the work is
        still going after PROGRESS_DELAY_MS."""
        dialog = QProgressDialog(
            label, "Cancel" if self._cancellable else "", 0, 0, self.parent_widget
        )
        dialog.setObjectName(self._progress_name)
        dialog.setWindowTitle(self._progress_title or label.rstrip(". "))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        if self._cancellable:
            dialog.canceled.connect(self.cancel)
        else:
            dialog.setCancelButton(None)
        self._dialog = dialog

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)
        if self._dialog is not None and not self.task.cancelled:
            self._dialog.setMaximum(max(total, 1))
            self._dialog.setValue(min(done, max(total, 1)))

    def _end(self) -> bool:
        """Tidy up; False when the result is not to be shown (stale, or the widget is gone)."""
        _running.discard(self)
        stale = self.is_stale
        if self.key is not None and not stale:
            _newest.pop((id(self.parent_widget), self.key), None)
        if self._dialog is not None:
            if shiboken6.isValid(self._dialog):
                self._dialog.reset()
                self._dialog.close()
                self._dialog.deleteLater()
            self._dialog = None
        if self._worker is not None:
            self._worker.release()  # its function held this operation and its widget
        self._worker = None
        alive = shiboken6.isValid(self.parent_widget)
        if alive:
            for widget in self._busy:
                if shiboken6.isValid(widget):
                    widget.setEnabled(True)
        if stale or not alive:
            self.deleteLater()
            return False
        return True

    def _finished(self, result: object) -> None:
        if not self._end():
            return
        self.result = result  # type: ignore[assignment]
        if self.changes:
            changes_hub().announce(self.changes, self.parent_widget)
        try:
            if self._on_success is not None:
                self._on_success(result)  # type: ignore[arg-type]
        finally:
            self._close()

    def _failed(self, exc: BaseException) -> None:
        if not self._end():
            return
        self.error = exc
        try:
            if not (self._quiet and isinstance(exc, AuditToolError)):
                route_error(self.parent_widget, self.title, exc, self._on_failure)
        finally:
            # Routed (its crash report, if any, is written): the traceback goes, for it holds
            # this operation's own frames. Left as a cycle, the garbage collector tore the
            # frames down later, with their Qt and database objects, in no set order (a
            # segmentation fault in the Briefings tests).
            exc.__traceback__ = None
            self._close()

    def _close(self) -> None:
        if self._on_finally is not None:
            self._on_finally()
        self.done.emit()
        self.deleteLater()


class Unexpected(AuditToolError):
    """What a form shows in place of an unexpected error: its kind and crash report, never its
    message (which may quote record text)."""


def route_error(
    parent: QWidget,
    title: str,
    exc: BaseException,
    handler: Callable[[AuditToolError], bool | None] | None = None,
) -> None:
    """The one place a failed operation's error goes (see the module's docstring). A handler
    gets the user's error, or for an unexpected one an Unexpected naming its crash report."""
    from audit_tool.ui.connection_banner import is_connection_lost, watchers
    from audit_tool.ui.errors import show_error, unexpected_line

    if isinstance(exc, Cancelled):
        show_status(parent, str(exc) or "Cancelled")
        return
    if handler is None and is_connection_lost(exc):
        for watcher in watchers():
            watcher.report(exc)
        return
    if handler is None:
        show_error(parent, title, exc)  # an unexpected error gets its crash report there
        return
    shown = exc if isinstance(exc, AuditToolError) else Unexpected(unexpected_line(exc))
    if not handler(shown):
        show_error(parent, title, shown)


def show_status(widget: QWidget, text: str) -> None:
    """A line for the status bar: through the view's status_message, else the window's bar."""
    status = getattr(widget, "status_message", None)
    if isinstance(status, SignalInstance):
        status.emit(text)
        return
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 12000)
