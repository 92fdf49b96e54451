"""Learning, Programmes and Actions load in the pool (issue 15: the GUI thread held at most
100 ms): the rows appear when loaded, a newer load drops an older one's result, a list of
thousands is given to the table a page at a time, and a load's error reaches the user."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider, QComboBox

from audit_tool.errors import AuditToolError
from audit_tool.services import demo, learning, learning_actions, programmes
from audit_tool.ui import table_model
from audit_tool.ui.actions_view import ActionsView
from audit_tool.ui.learning_view import LearningView
from audit_tool.ui.programmes_view import ProgrammesView
from tests.factories import looped_audit
from tests.ui import test_actions_view, test_learning_view
from tests.ui.conftest import show_and_activate
from tests.ui.loading import loaded, settled


def texts(view: Any) -> list[str]:
    return sorted(r.text.splitlines()[0] for r in view.model.rows)


def pick(combo: QComboBox, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


class Gate:
    """Wraps a service function so that the calls `hold` picks wait until released: a slow
    load, overtaken by a newer one."""

    def __init__(self, fn: Any, hold: Any) -> None:
        self.fn, self.hold = fn, hold
        self.open = threading.Event()
        self.held = threading.Event()
        self.returned = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.hold(*args, **kwargs):
            self.held.set()
            assert self.open.wait(10)
            try:
                return self.fn(*args, **kwargs)
            finally:
                self.returned.set()
        return self.fn(*args, **kwargs)


# -- the rows appear when loaded


def test_learning_shows_its_rows_once_loaded_in_the_pool(qtbot, sqlite_world):
    test_learning_view.build(sqlite_world)
    view = LearningView(sqlite_world.db, sqlite_world.lead)
    qtbot.addWidget(view)
    # Built at once; the points are still loading (nothing has reached the GUI thread yet).
    assert view.loading() and view.model.rows == []
    assert view.count.text() == "Loading learning points..."
    assert not view.empty.isVisibleTo(view)  # no "No learning points yet" while loading
    qtbot.waitUntil(lambda: view.count.text().startswith("3 learning points"))
    assert not view.loading() and len(view.model.rows) == 3
    assert view.selected() is view.model.rows[0]
    assert view.model.rows[0].text.splitlines()[0] in view.detail.toPlainText()


def test_actions_choose_mine_or_open_once_loaded(qtbot, sqlite_world):
    test_actions_view.build(sqlite_world)
    view = ActionsView(sqlite_world.db, sqlite_world.lead)
    qtbot.addWidget(view)
    assert view.loading() and view.count.text() == "Loading actions..."
    assert not any(b.isChecked() for b in view.which_buttons.values())
    qtbot.waitUntil(lambda: not view.loading())
    # The lead owns an open action: Mine, chosen in the pool, without a second load.
    assert view.which() == "mine" and view.which_buttons["mine"].isChecked()
    assert [r.text for r in view.model.rows] == ["Reissue supervision guidance"]
    assert view.which_buttons["mine"].font().bold()
    assert view.which_buttons["overdue"].text() == "Overdue (1)"


def test_programmes_list_then_the_selected_programmes_audits(qtbot, sqlite_world):
    looped_audit(sqlite_world, ref="C1000")
    looped_audit(sqlite_world, ref="C1001")
    view = ProgrammesView(sqlite_world.db, sqlite_world.lead)
    qtbot.addWidget(view)
    assert view.loading() and view.model.rowCount() == 0
    qtbot.waitUntil(lambda: not view.loading())
    assert [r.key for r in view.model.rows] == ["p-test"]
    assert [r.case_ref for r in view.audit_model.rows] == ["C1000", "C1001"]
    assert view.audits_title.text() == "<b>Audits</b> (2)"
    assert view.audit_model.index(0, 3).data() == "Alex Auditor, Bea Auditor"
    assert "Alex Auditor: 2 due, 0 done" in view.compliance.text()


# -- a newer load drops an older one's result


def test_learning_drops_an_overtaken_load(qtbot, sqlite_world, monkeypatch):
    test_learning_view.build(sqlite_world)
    view = loaded(qtbot, show_and_activate(qtbot, LearningView(sqlite_world.db, sqlite_world.lead)))
    gate = Gate(learning.list_learning, lambda _db, _actor, flt, **_kw: flt.kind == "strength")
    monkeypatch.setattr(learning, "list_learning", gate)

    pick(view.kind_filter, "strength")  # slow: still loading when the user moves on
    assert gate.held.wait(5)
    pick(view.kind_filter, "development")
    qtbot.waitUntil(lambda: texts(view) == ["Chronology not updated.", "Supervision not recorded."])
    gate.open.set()  # the strengths arrive last...
    assert gate.returned.wait(5)
    settled(qtbot)
    # ...and are dropped: the list is still what the user asked for last.
    assert texts(view) == ["Chronology not updated.", "Supervision not recorded."]
    assert view.count.text() == "2 learning points: 0 strengths, 2 for development"


def test_actions_drop_an_overtaken_load(qtbot, sqlite_world, monkeypatch):
    test_actions_view.build(sqlite_world)
    view = loaded(qtbot, show_and_activate(qtbot, ActionsView(sqlite_world.db, sqlite_world.lead)))
    gate = Gate(learning_actions.list_actions, lambda _db, _actor, which, **_kw: which == "all")
    monkeypatch.setattr(learning_actions, "list_actions", gate)

    qtbot.mouseClick(view.which_buttons["all"], Qt.MouseButton.LeftButton)
    assert gate.held.wait(5)
    qtbot.mouseClick(view.which_buttons["overdue"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [r.text for r in view.model.rows] == ["Update the chronology"])
    gate.open.set()
    assert gate.returned.wait(5)
    settled(qtbot)
    assert [r.text for r in view.model.rows] == ["Update the chronology"]
    assert view.count.text() == "1 open, 1 overdue"


def test_programmes_drop_the_audits_of_a_programme_left(qtbot, sqlite_world, monkeypatch):
    db, lead = sqlite_world.db, sqlite_world.lead
    looped_audit(sqlite_world, ref="C1000")
    programmes.save_programme(
        db,
        lead,
        key="later",
        name="Later programme",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=date(2026, 2, 1),
        due_on=date(2026, 2, 28),
    )
    programmes.add_audits(db, lead, "later", ["C1002"])
    view = loaded(qtbot, show_and_activate(qtbot, ProgrammesView(db, lead)))
    assert [r.key for r in view.model.rows] == ["later", "p-test"]  # newest first
    assert [r.case_ref for r in view.audit_model.rows] == ["C1002"]
    gate = Gate(programmes.list_assignments, lambda _db, _actor, key: key == "p-test")
    monkeypatch.setattr(programmes, "list_assignments", gate)

    view.table.selectRow(1)  # p-test: slow
    assert gate.held.wait(5)
    assert view.audit_model.rows == [] and "loading" in view.audits_title.text()
    assert not view.assign_button.isEnabled()  # nothing of another programme to assign
    view.table.selectRow(0)  # back to "later"
    qtbot.waitUntil(lambda: [r.case_ref for r in view.audit_model.rows] == ["C1002"])
    gate.open.set()
    assert gate.returned.wait(5)
    settled(qtbot)
    assert [r.case_ref for r in view.audit_model.rows] == ["C1002"]
    assert view.current is not None and view.current.key == "later"
    assert view.audits_title.text() == "<b>Audits</b> (1)"


# -- thousands of rows: a page at a time


def test_a_long_learning_list_fetches_more_rows_as_the_user_scrolls(
    qtbot, sqlite_db, system, monkeypatch
):
    demo.generate(sqlite_db, system, audits=40, seed=1)
    monkeypatch.setattr(table_model, "PAGE_ROWS", 20)
    view = LearningView(sqlite_db, system)
    view.resize(1000, 500)
    loaded(qtbot, show_and_activate(qtbot, view))
    pick(view.period, "any")
    settled(qtbot)
    total = len(view.model.rows)
    assert total > 60
    assert view.count.text().startswith(f"{total:,} learning points")  # the whole list counted
    assert view.model.rowCount() == 20  # but only the first page built
    # The columns are sized from the rows read (the sample), not left at the heading's width.
    metrics = view.table.fontMetrics()
    widest_ref = max(metrics.horizontalAdvance(r.case_ref) for r in view.model.rows[:20])
    assert view.table.columnWidth(4) >= widest_ref > metrics.horizontalAdvance("Case")

    bar = view.table.verticalScrollBar()
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # the user scrolls down
    qtbot.waitUntil(lambda: view.model.rowCount() == 40)
    qtbot.waitUntil(lambda: bar.value() < bar.maximum())  # the new rows extend the scroll bar
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)
    qtbot.waitUntil(lambda: view.model.rowCount() == 60)

    # The same list loaded again (a change elsewhere, the live refresh) keeps the rows shown
    # and the point chosen far down; new filters start again from the first page.
    view.table.selectRow(45)
    chosen = view.selected()
    assert chosen is not None
    view.refresh()
    settled(qtbot)
    assert view.selected() == chosen and view.model.rowCount() == 60
    pick(view.kind_filter, "strength")
    settled(qtbot)
    # (a page, or two if the first does not fill the table's height)
    assert view.model.rowCount() < 60 < len(view.model.rows)


# -- errors reach the user


@pytest.mark.parametrize(
    ("service", "name", "make", "title"),
    [
        (learning, "list_learning", LearningView, "Learning"),
        (learning_actions, "list_actions", ActionsView, "Actions"),
        (programmes, "list_programmes", ProgrammesView, "Programmes"),
    ],
)
def test_a_load_error_reaches_the_user(
    qtbot, sqlite_world, monkeypatch, on_modal, service, name, make, title
):
    seen: list[tuple[str, str]] = []

    def close(box: Any) -> None:
        seen.append((box.windowTitle(), box.text()))
        box.accept()

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise AuditToolError("The database is being restored: try again in a minute.")

    view = make(sqlite_world.db, sqlite_world.lead)
    qtbot.addWidget(view)
    settled(qtbot)
    monkeypatch.setattr(service, name, fail)
    on_modal(close)
    view.refresh()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(title, "The database is being restored: try again in a minute.")]
    settled(qtbot)


# -- the live refresh


def test_learning_follows_another_users_change_through_the_live_refresh(qtbot, sqlite_world):
    """Learning is a list page now: the window's live refresh loads it in the pool too."""
    import dataclasses

    from PySide6.QtWidgets import QApplication

    from audit_tool.services import reference
    from audit_tool.store import open_database
    from audit_tool.ui.main_window import MainWindow

    north, _care = test_learning_view.build(sqlite_world)
    window = MainWindow(sqlite_world.db, sqlite_world.lead)
    show_and_activate(qtbot, window)
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton)  # see test_live_refresh
    assert QApplication.mouseButtons() == Qt.MouseButton.NoButton
    window.show_view("learning")
    view = loaded(qtbot, window.view("learning"))
    pick(view.period, "any")
    settled(qtbot)
    view.table.setFocus()  # not typing in a filter: the live refresh may run
    assert view.count.text() == "3 learning points: 1 strength, 2 for development"
    elsewhere_db = open_database(sqlite_world.db.path)
    try:
        elsewhere = dataclasses.replace(
            sqlite_world, db=elsewhere_db, auditor=reference.actor_for(elsewhere_db, "aud1")
        )
        learning.add_learning_point(
            elsewhere.db, elsewhere.auditor, north, kind="strength", text="Clear plan."
        )

        # A refresh already under way (started by the timer before the write) may end first
        # with the old rows: ask again until one that read after the write has been shown.
        def shown() -> bool:
            window.live_refresh.request()
            return view.count.text() == "4 learning points: 2 strengths, 2 for development"

        qtbot.waitUntil(shown, timeout=5000)
        assert "Clear plan." in texts(view)
    finally:
        elsewhere_db.close()
