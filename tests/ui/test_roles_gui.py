"""The window offers each role only what the service layer lets it do, and shows only what the
agency scope lets it see (the refusals themselves are the services', tests/services)."""

from __future__ import annotations

import pytest

from audit_tool.access.actors import Actor
from audit_tool.services import briefings, cases, reference
from audit_tool.ui.main_window import MainWindow
from tests.factories import final_audit
from tests.ui.conftest import show_and_activate

# Each view and the permission it needs (main_window._add_view).
VIEWS = {
    "mywork": "audit.view",
    "cases": "case.view",
    "audits": "audit.view",
    "programmes": "programme.view",
    "feedback": "feedback.view",
    "learning": "learning.view",
    "actions": "action.view",
    "briefings": "briefing.view",
    "dashboard": "report.view",
    "concerns": "concern.raise",
    "notices": "audit.view",
    "complaints": "compliment.view",
    "monthly": "programme.view",
    "admin": "template.view",
}


def _window(qtbot, world, actor: Actor) -> MainWindow:
    return show_and_activate(qtbot, MainWindow(world.db, actor))  # type: ignore[return-value]


def test_a_viewer_gets_published_briefings_and_the_dashboard_only(qtbot, sqlite_world):
    world = sqlite_world
    final_audit(world)
    published = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    briefings.publish(world.db, world.lead, published.uuid)
    briefings.new_briefing(world.db, world.lead, programme_key="p-test", title="Still a draft")
    window = _window(qtbot, world, world.viewer)
    assert window.view_keys() == ["briefings", "dashboard"]
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert [a.text() for a in view_menu.actions()] == ["&Briefings", "&Dashboard"]
    assert window.findChild(type(window.open_action), "exportPack") is None  # no audit packs
    window.show_view("briefings")
    view = window.view("briefings")
    qtbot.waitUntil(lambda: len(view.model.rows) == 1)  # type: ignore[attr-defined]
    assert [r.uuid for r in view.model.rows] == [published.uuid]  # type: ignore[attr-defined]
    assert not view.new_action.isVisible()  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ["auditor", "moderator", "lead", "viewer"])
def test_each_role_sees_the_views_it_may_use(qtbot, sqlite_world, role):
    actor = {
        "auditor": sqlite_world.auditor,
        "moderator": reference.actor_for(sqlite_world.db, "mod1"),
        "lead": sqlite_world.lead,
        "viewer": sqlite_world.viewer,
    }[role]
    window = _window(qtbot, sqlite_world, actor)
    assert window.view_keys() == [key for key, op in VIEWS.items() if actor.can(op)]


def test_the_case_register_lists_the_auditors_agency_only(qtbot, sqlite_world):
    world = sqlite_world
    system = Actor.system("test set-up")
    cases.create_case(
        world.db,
        system,
        cases.CaseInput(ref="P2000", initials="GH", case_type="cp", team="ppu"),
    )
    auditor_window = _window(qtbot, world, world.auditor)  # Children's Social Care
    rows = auditor_window.view("cases").model  # type: ignore[attr-defined]
    assert rows.rowCount() == 3
    lead_window = _window(qtbot, world, world.lead)
    assert lead_window.view("cases").model.rowCount() == 4  # type: ignore[attr-defined]
