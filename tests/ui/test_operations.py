"""The one operation pattern (ui.operations): background run, errors in one place, stale results
dropped, progress with cancel, and changes announced to the views that show them."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressDialog, QPushButton, QWidget

from audit_tool.errors import Cancelled, ValidationError
from audit_tool.ui import operations as ops


class _Host(QWidget):
    """A widget with a status line, as the views have."""

    from PySide6.QtCore import Signal

    status_message = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.status_message.connect(self.lines.append)


@pytest.fixture
def host(qtbot):
    widget = _Host()
    qtbot.addWidget(widget)
    return widget


def _wait_done(qtbot, op):
    qtbot.waitUntil(lambda: not op.is_running, timeout=5000)


def test_runs_in_the_pool_and_calls_back_on_the_gui_thread(qtbot, host):
    seen: dict[str, object] = {}

    def work(task: ops.Task) -> int:
        seen["worker"] = threading.current_thread()
        return 41 + 1

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback"] = threading.current_thread()

    op = ops.Operation(host, work, title="Sums").success(done)
    with qtbot.waitSignal(op.done, timeout=5000):
        op.run_in_background()
    assert seen["result"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["callback"] is threading.main_thread()


def test_a_users_error_is_shown_once_with_its_message(qtbot, host, on_modal):
    shown: list[str] = []

    def close(box):
        shown.append(box.text())
        box.accept()

    on_modal(close)

    def work(task: ops.Task) -> None:
        raise ValidationError("The due date is before the audit's start")

    op = ops.Operation(host, work, title="Not saved")
    op.run_in_background()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["The due date is before the audit's start"]
    _wait_done(qtbot, op)


def test_a_form_can_show_the_error_in_place_and_no_dialog_follows(qtbot, host):
    label = QLabel()
    qtbot.addWidget(label)

    def in_place(exc: BaseException) -> bool:
        label.setText(str(exc))
        return True

    def work(task: ops.Task) -> None:
        raise ValidationError("Give the action an owner")

    result = ops.Operation(host, work, title="Not saved").failure(in_place).run()
    assert result is None
    assert label.text() == "Give the action an owner"
    assert ops.running() == []


def test_an_unexpected_error_gets_a_crash_report_never_its_text(qtbot, host, on_modal, tmp_path):
    shown: list[str] = []

    def close(box: QMessageBox) -> None:
        shown.append(box.text())
        box.accept()

    on_modal(close)

    def work(task: ops.Task) -> None:
        raise RuntimeError("Child: Jamie Example, 4 Example Road")

    op = ops.Operation(host, work, title="Export failed")
    op.run_in_background()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "unexpected error" in shown[0] and "RuntimeError" in shown[0]
    assert "Jamie" not in shown[0] and "Example Road" not in shown[0]
    # A form showing errors in place gets the report's name, never the text.
    in_place: list[str] = []
    ops.Operation(host, work, title="Export failed").failure(
        lambda exc: in_place.append(str(exc)) or True
    ).run()
    assert in_place and "RuntimeError" in in_place[0] and "report" in in_place[0]
    assert "Jamie" not in in_place[0] and "Example Road" not in in_place[0]


def test_a_quiet_read_shows_no_users_error_but_still_reports_the_unexpected(
    qtbot, host, monkeypatch
):
    shown: list[tuple[str, object]] = []
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error", lambda _p, title, exc: shown.append((title, exc))
    )

    def refused(task: ops.Task) -> int:
        raise ValidationError("Not allowed to count these")

    assert ops.Operation(host, refused, title="Counts").quietly().run() is None
    assert shown == [] and host.lines == []

    def broken(task: ops.Task) -> int:
        raise RuntimeError("Child: Jamie Example")

    assert ops.Operation(host, broken, title="Counts").quietly().run() is None
    assert [(title, type(exc)) for title, exc in shown] == [("Counts", RuntimeError)]


def test_a_failed_operation_is_freed_at_once_not_left_to_the_collector(qtbot, host):
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent

    def work(task: ops.Task) -> None:
        raise ValidationError("Give the action an owner")

    gc.disable()
    try:
        op = ops.Operation(host, work, title="Not saved").failure(lambda exc: True)
        freed = weakref.ref(op)
        op.run()
        assert isinstance(op.error, ValidationError)
        del op
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert freed() is None  # no cycle through the error's traceback
    finally:
        gc.enable()


def test_cancelled_goes_to_the_status_line(qtbot, host):
    def work(task: ops.Task) -> None:
        raise Cancelled("Export cancelled; nothing was written")

    ops.Operation(host, work, title="Export").run()
    assert host.lines == ["Export cancelled; nothing was written"]


def test_a_newer_operation_drops_the_stale_result_and_cancels_the_old_one(qtbot, host):
    release = threading.Event()
    results: list[str] = []
    first_task: list[ops.Task] = []

    def slow(task: ops.Task) -> str:
        first_task.append(task)
        release.wait(5)
        return "old rows"

    first = ops.Operation(host, slow, title="Load", key="rows").success(results.append)
    first.run_in_background()
    qtbot.waitUntil(lambda: bool(first_task), timeout=5000)
    second = ops.Operation(host, lambda task: "new rows", title="Load", key="rows")
    second.success(results.append)
    with qtbot.waitSignal(second.done, timeout=5000):
        second.run_in_background()
    assert first_task[0].cancelled  # told to stop
    release.set()
    qtbot.waitUntil(lambda: not first.is_running, timeout=5000)
    assert results == ["new rows"]  # the old rows never replace the new


def test_long_work_shows_progress_and_cancel_stops_it(qtbot, host, monkeypatch):
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)
    started = threading.Event()
    stopped: list[bool] = []

    def work(task: ops.Task) -> None:
        started.set()
        done = 0
        while task(done, 1000):
            done = min(done + 1, 999)
            threading.Event().wait(0.005)
        stopped.append(True)
        task.check()

    button = QPushButton("Export")
    qtbot.addWidget(button)
    op = ops.Operation(host, work, title="Export").with_progress(
        "Exporting cases...", cancellable=True
    )
    op.busy(button).run_in_background()
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: host.findChild(QProgressDialog, "operationProgress") is not None)
    dialog = host.findChild(QProgressDialog, "operationProgress")
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.value() > 0, timeout=5000)
    (cancel,) = dialog.findChildren(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    _wait_done(qtbot, op)
    assert stopped == [True]
    assert host.lines == ["Stopping...", "Cancelled; nothing was changed."]
    assert host.findChild(QProgressDialog, "operationProgress") is None or not dialog.isVisible()
    assert button.isEnabled()


def test_quick_work_shows_no_progress_dialog(qtbot, host):
    op = ops.Operation(host, lambda task: 1, title="Count").with_progress("Counting...")
    with qtbot.waitSignal(op.done, timeout=5000):
        op.run_in_background()
    qtbot.wait(ops.PROGRESS_DELAY_MS + 50)
    assert not any(d.isVisible() for d in host.findChildren(QProgressDialog))


def test_a_result_for_a_closed_widget_is_dropped(qtbot):
    release = threading.Event()
    results: list[int] = []
    widget = _Host()
    op = ops.Operation(widget, lambda task: release.wait(5) and 1, title="Load")
    op.success(results.append).run_in_background()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget))
    release.set()
    qtbot.waitUntil(lambda: not op.is_running, timeout=5000)
    assert results == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


class _ListView(_Host):
    def __init__(self, kinds: frozenset[str]) -> None:
        super().__init__()
        self.watches = kinds
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def test_changes_reach_the_views_that_show_them_and_not_the_source(qtbot):
    audits = _ListView(frozenset({ops.AUDITS}))
    cases = _ListView(frozenset({ops.CASES}))
    source = _ListView(frozenset({ops.AUDITS}))
    for view in (audits, cases, source):
        qtbot.addWidget(view)
        assert isinstance(view, ops.View)
    seen: list[tuple[frozenset[str], object]] = []
    ops.changes_hub().changed.connect(lambda kinds, who: seen.append((kinds, who)))
    ops.changes_hub().changed.connect(
        lambda kinds, who: ops.refresh_views([audits, cases, source], kinds, who)
    )
    ops.Operation(source, lambda task: None, title="Save", changes={ops.AUDITS}).run()
    assert seen == [(frozenset({ops.AUDITS}), source)]
    assert (audits.refreshed, cases.refreshed, source.refreshed) == (1, 0, 0)
    # A failed operation changed nothing and announces nothing.
    ops.Operation(
        source, lambda task: (_ for _ in ()).throw(ValidationError("no")), title="Save"
    ).failure(lambda exc: True).run()
    assert len(seen) == 1
    with pytest.raises(ValueError, match="unknown kinds"):
        ops.announce({"audit"})


def test_the_main_window_refreshes_the_view_on_screen_when_its_data_changes(
    qtbot, sqlite_world, monkeypatch
):
    from audit_tool.ui.main_window import MainWindow
    from tests.factories import looped_audit
    from tests.ui.conftest import show_and_activate

    window = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.lead))
    hidden = window.view("cases")
    hidden_refreshes: list[int] = []
    monkeypatch.setattr(hidden, "refresh", lambda: hidden_refreshes.append(1))
    window.show_view("audits")
    audits_view = window.audits_view()
    audits_view.scope.setCurrentIndex(audits_view.scope.findText("All audits"))
    before = audits_view.model.rowCount()
    looped_audit(sqlite_world, ref="C1001")  # saved elsewhere: another window, a command
    assert audits_view.model.rowCount() == before
    ops.announce({ops.AUDITS})
    assert audits_view.model.rowCount() == before + 1
    assert hidden_refreshes == []  # refreshed when shown, not now
    ops.announce({ops.CASES})
    assert hidden_refreshes == []
