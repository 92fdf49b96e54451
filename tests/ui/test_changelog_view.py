"""Admin > Change log: filters, the selected entry's before and after, history of one audit,
audit views, and the chain check (OK, then broken after an edit in SQL)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import text

from audit_tool.services import cases
from audit_tool.services.cases import CaseInput
from audit_tool.ui import operations as ops
from audit_tool.ui.admin_view import AdminView
from audit_tool.ui.changelog_view import ChangeLogView
from tests.factories import final_audit


def _rows(view: ChangeLogView) -> list[tuple[str, ...]]:
    model = view.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def _choose(combo, data) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _loaded(qtbot, view: ChangeLogView) -> ChangeLogView:  # type: ignore[no-untyped-def]
    """Wait for the entries, which load in the pool."""
    qtbot.waitUntil(lambda: not ops.is_running(view, "rows"), timeout=5000)
    return view


def _lead_edits_a_case(world) -> None:
    cases.create_case(
        world.db, world.lead, CaseInput(ref="L1", initials="AB", case_type="cin", team="ppu")
    )
    cases.update_case(
        world.db, world.lead, "L1", CaseInput(ref="L1", initials="AC", case_type="cin", team="ppu")
    )


def test_filter_by_person_and_record_and_read_before_and_after(qtbot, sqlite_world, show_window):
    world = sqlite_world
    _lead_edits_a_case(world)
    view = _loaded(qtbot, show_window(ChangeLogView(world.db, world.lead)))
    everything = _rows(view)
    assert len(everything) > 10 and view.count.text() == f"{len(everything)} entries"
    assert everything[0][1:4] == ("Priya Lead", "Changed", "Case")  # newest first

    _choose(view.person, "Priya Lead")
    _loaded(qtbot, view)
    rows = _rows(view)
    assert len(rows) == 2 and {r[1] for r in rows} == {"Priya Lead"}
    assert view.count.text() == "2 entries"

    _choose(view.person, None)
    _choose(view.entity, "case")
    _loaded(qtbot, view)
    assert {r[3] for r in _rows(view)} == {"Case"} and len(_rows(view)) == 5  # 3 set-up, 2 lead

    view.table.selectRow(0)
    detail = view.detail_text()
    assert "Changed by Priya Lead" in detail
    assert "Initials: AB -> AC" in detail
    view.table.selectRow(1)
    assert "Case reference: (none) -> L1" in view.detail_text()  # a create: the new values
    assert "Team: (none) -> " in view.detail_text() and "Team no longer" not in view.detail_text()

    qtbot.keyClicks(view.text, "L1")
    qtbot.waitUntil(lambda: len(_rows(view)) == 2)
    tomorrow = date.today() + timedelta(days=1)
    view.date_from.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    _loaded(qtbot, view)
    assert _rows(view) == [] and view.count.text() == "0 entries"
    assert view.detail_text() == "" and view.fields.rowCount() == 0


def test_the_newest_500_are_shown_with_the_total(qtbot, sqlite_world, show_window):
    world = sqlite_world
    with world.db.transaction() as session:
        from audit_tool.services import changelog

        for i in range(520):
            changelog.record(session, world.lead, "update", "setting", None, summary=f"bulk {i}")
    view = _loaded(qtbot, show_window(ChangeLogView(world.db, world.lead)))
    assert view.model.rowCount() == 500
    total = len(_rows(view))
    assert total == 500 and view.count.text().startswith("Showing the newest 500 of ")
    assert _rows(view)[0][5] == "bulk 519"


def test_verify_shows_ok_then_names_the_entry_edited_in_sql(qtbot, sqlite_world, show_window):
    world = sqlite_world
    view = _loaded(qtbot, show_window(ChangeLogView(world.db, world.lead)))
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.verify_result.text().startswith("OK:"))
    assert "change log entries verified" in view.verify_result.text()

    with world.db.engine.begin() as conn:
        conn.execute(text("UPDATE change_log SET actor_name = 'Someone Else' WHERE id = 4"))
    qtbot.waitUntil(view.verify_button.isEnabled)
    qtbot.mouseClick(view.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.verify_result.text().startswith("Broken:"))
    assert "change log entry 4 (" in view.verify_result.text()


def test_opening_an_audit_is_logged_and_its_history_shows_only_it(qtbot, sqlite_world, show_window):
    from audit_tool.ui.moderation_view import ModerationForm

    world = sqlite_world
    uuid = final_audit(world, ref="C1000")
    final_audit(world, ref="C1001")
    form = ModerationForm(world.db, world.moderator, uuid)  # the moderator reads the audit
    qtbot.addWidget(form)

    view = _loaded(qtbot, show_window(ChangeLogView(world.db, world.lead)))
    _choose(view.action, "view")
    _loaded(qtbot, view)
    (row,) = _rows(view)
    assert row[1:4] == ("Morgan Moderator", "Viewed", "Audit")
    assert row[5] == "Viewed the audit of case C1000"

    _choose(view.action, None)
    _loaded(qtbot, view)
    view.show_audit_history(uuid, "C1000")
    _loaded(qtbot, view)
    assert view.scope.isVisible() and "case C1000" in view.scope.text()
    history = _rows(view)
    actions = [r[2] for r in history]
    assert actions.count("Submitted") == 2 and "Confirmed" in actions and "Viewed" in actions
    assert all("C1001" not in r[5] for r in history)
    assert all("C1000" in r[5] for r in history if r[3] in ("Audit", "Review"))
    qtbot.mouseClick(view.show_all, Qt.MouseButton.LeftButton)
    _loaded(qtbot, view)
    assert not view.scope.isVisible() and len(_rows(view)) > len(history)


def test_only_leads_get_the_change_log_tab(qtbot, sqlite_world):
    world = sqlite_world
    for actor, expected in ((world.lead, True), (world.moderator, False)):
        admin = AdminView(world.db, actor)
        qtbot.addWidget(admin)
        labels = [admin.tabs.tabText(i) for i in range(admin.tabs.count())]
        assert ("Change &log" in labels) is expected


def test_history_window_for_one_audit(qtbot, sqlite_world):
    from audit_tool.ui.changelog_view import show_audit_history

    world = sqlite_world
    uuid = final_audit(world, ref="C1000")
    final_audit(world, ref="C1001")
    parent = AdminView(world.db, world.lead)
    qtbot.addWidget(parent)
    window = show_audit_history(parent, world.db, world.lead, uuid, "C1000")
    qtbot.waitExposed(window)
    view = _loaded(qtbot, window.findChild(ChangeLogView))
    assert window.windowTitle() == "History: case C1000"
    summaries = [r[5] for r in _rows(view)]
    assert summaries and all("C1001" not in s for s in summaries)
    assert any(s.startswith("Audit of case C1000 confirmed") for s in summaries)
    window.close()


def test_history_command_in_the_audits_list_for_leads_only(qtbot, sqlite_world):
    from PySide6.QtWidgets import QToolButton

    from audit_tool.ui.audits_view import AuditsView

    world = sqlite_world
    final_audit(world, ref="C1000")
    auditors_view = AuditsView(world.db, world.auditor)
    qtbot.addWidget(auditors_view)
    assert auditors_view.findChild(QToolButton, "auditHistoryButton") is None

    view = AuditsView(world.db, world.lead)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    _choose(view.scope, None)  # all audits (this lead also audits and moderates)
    _choose(view.status_filter, None)  # any status: the list opens on those not final yet
    assert view.count.text() == "1 audit", view.count.text()
    assert view.selected() is not None and view.selected().case_ref == "C1000"
    button = view.findChild(QToolButton, "auditHistoryButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    window = view.findChild(QDialog, "auditHistoryWindow")
    assert window is not None
    qtbot.waitExposed(window)
    assert window.windowTitle() == "History: case C1000"
    summaries = [r[5] for r in _rows(_loaded(qtbot, window.findChild(ChangeLogView)))]
    assert any(s.startswith("Audit of case C1000 confirmed") for s in summaries)
    window.close()


def test_a_refused_load_is_one_dialog_and_the_rows_stay(
    qtbot, sqlite_world, show_window, monkeypatch
):
    from audit_tool.errors import PermissionDenied
    from audit_tool.services import changelog
    from tests.ui.error_capture import capture_errors

    view = _loaded(qtbot, show_window(ChangeLogView(sqlite_world.db, sqlite_world.lead)))
    before = _rows(view)
    shown = capture_errors(monkeypatch)

    def refuse(*_a, **_k):
        raise PermissionDenied("Only QA leads read the change log")

    monkeypatch.setattr(changelog, "entries", refuse)
    _choose(view.entity, "case")
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [("Change log", "Only QA leads read the change log")]
    assert _rows(view) == before
