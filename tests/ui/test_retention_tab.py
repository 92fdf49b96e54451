"""Admin > Retention: the period, the audits past it, and removing their text (leads only)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from audit_tool.services import audits, retention
from audit_tool.ui import operations as ops
from audit_tool.ui.admin_view import AdminView
from audit_tool.ui.retention_tab import RetentionTab
from tests.factories import final_audit

LONG_AGO = datetime(2012, 3, 1, 10, 0, tzinfo=UTC)


def _age(world, uuid: str) -> None:
    with world.db.transaction() as session:
        session.execute(
            text("UPDATE audits SET finalised_at = :t WHERE uuid = :u"), {"t": LONG_AGO, "u": uuid}
        )


def _table(tab: RetentionTab) -> list[str]:
    return [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]


def _listed(qtbot, tab: RetentionTab) -> RetentionTab:  # type: ignore[no-untyped-def]
    """Wait for the dry run, which reads in the pool."""
    qtbot.waitUntil(lambda: not ops.is_running(tab, "plan"), timeout=5000)
    return tab


def test_lead_sees_what_would_go_and_removes_it(qtbot, sqlite_world, monkeypatch):
    world = sqlite_world
    old = final_audit(world, ref="C1000")
    final_audit(world, ref="C1001")
    _age(world, old)
    tab = RetentionTab(world.db, world.lead)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    _listed(qtbot, tab)
    assert tab.years.value() == 6
    assert _table(tab) == ["C1000"]
    assert "1 audit became final before" in tab.summary.text()
    assert tab.run_button.isEnabled()

    # Cancelled at the question: nothing changes.
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    assert not tab.running() and _table(tab) == ["C1000"]

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.running(), timeout=20_000)
    _listed(qtbot, tab)
    assert "Text removed from 1 audit(s)" in tab.status.text()
    assert _table(tab) == []
    assert "No audit is past the retention period" in tab.summary.text()
    assert not tab.run_button.isEnabled()
    view = audits.get_audit(world.db, world.lead, old)
    assert view.case_ref != "C1000"  # the case had only this audit: its reference went too
    assert view.final_overall == "good"  # the grade stays


def test_changing_the_period_lists_again(qtbot, sqlite_world):
    world = sqlite_world
    uuid = final_audit(world, ref="C1000")
    with world.db.transaction() as session:
        session.execute(
            text("UPDATE audits SET finalised_at = :t WHERE uuid = :u"),
            {"t": datetime(2022, 1, 5, tzinfo=UTC), "u": uuid},
        )
    tab = RetentionTab(world.db, world.lead)
    qtbot.addWidget(tab)
    assert _table(_listed(qtbot, tab)) == []
    tab.years.setValue(2)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    _listed(qtbot, tab)
    assert retention.retention_years(world.db) == 2
    assert tab.status.text() == "Retention period saved: 2 years"
    assert _table(tab) == ["C1000"]


def test_only_leads_get_the_retention_tab(qtbot, sqlite_world):
    world = sqlite_world
    lead_view = AdminView(world.db, world.lead)
    qtbot.addWidget(lead_view)
    labels = [lead_view.tabs.tabText(i) for i in range(lead_view.tabs.count())]
    assert "R&etention" in labels
    other = AdminView(world.db, world.moderator)
    qtbot.addWidget(other)
    labels = [other.tabs.tabText(i) for i in range(other.tabs.count())]
    assert "R&etention" not in labels
