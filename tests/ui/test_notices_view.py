"""Notices in the window: the unread count beside "Notices", the list newest first with the
unread in bold, a click opens the audit and marks it read, "Mark all read", and new notices
appearing with the other badges and the live refresh."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt

from audit_tool.services import audits
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.main_window import MainWindow
from tests.factories import complete_review, looped_audit
from tests.ui.conftest import show_and_activate


def _returned(world) -> tuple[str, str]:
    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    audits.return_review(world.db, world.moderator, review_b, "Look at the March plan")
    return uuid, review_b


def _sidebar_text(window: MainWindow) -> str:
    return window.sidebar.item(window.view_keys().index("notices")).text()


def test_the_count_the_list_and_a_click_that_opens_the_audit(qtbot, sqlite_world):
    world = sqlite_world
    _uuid, review_b = _returned(world)
    window = show_and_activate(qtbot, MainWindow(world.db, world.auditor2))
    qtbot.waitUntil(lambda: _sidebar_text(window) == "Notices (2)")
    window.show_view("notices")
    view = window.view("notices")
    assert view.isVisible()
    texts = [view.list.item(i).text() for i in range(view.list.count())]
    assert texts[0].startswith("Returned to you by Morgan Moderator: Case C1000")
    assert texts[1].startswith("Assigned to you by Priya Lead: Case C1000, as auditor")
    assert all(view.list.item(i).font().bold() for i in range(2))
    spoken = view.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Unread: Returned to you by Morgan Moderator")
    assert view.summary.text().startswith("2 unread of 2.")
    assert "March plan" not in " ".join(texts)

    first = view.list.item(0)
    qtbot.mouseClick(
        view.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.list.visualItemRect(first).center(),
    )
    audits_view = window.view("audits")
    qtbot.waitUntil(lambda: bool(audits_view._windows))
    opened = audits_view._windows[-1]
    assert opened.findChild(AuditForm).review_uuid == review_b
    assert len(audits_view._windows) == 1
    assert not view.list.item(0).font().bold() and view.list.item(1).font().bold()
    assert view.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole).startswith("Returned")
    assert _sidebar_text(window) == "Notices (1)"
    opened.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    qtbot.mouseClick(view.mark_all_button, Qt.MouseButton.LeftButton)
    assert _sidebar_text(window) == "Notices"
    assert not any(view.list.item(i).font().bold() for i in range(view.list.count()))
    assert not view.mark_all_button.isEnabled()
    assert view.summary.text().startswith("0 unread of 2.")


def test_new_notices_come_with_the_badges_and_the_live_refresh(qtbot, sqlite_world):
    world = sqlite_world
    uuid = looped_audit(world)
    window = show_and_activate(qtbot, MainWindow(world.db, world.moderator))
    qtbot.waitUntil(lambda: _sidebar_text(window) == "Notices (1)")
    # Another person acts elsewhere: the badges' refresh counts it without opening the view.
    audits.raise_concern(world.db, world.auditor, uuid, what="Bruising seen on a visit")
    window.update_badges()  # read in the pool
    qtbot.waitUntil(lambda: _sidebar_text(window) == "Notices (2)")
    window.show_view("notices")
    view = window.view("notices")
    assert view.list.count() == 2
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_a = audits.get_audit(world.db, world.moderator, uuid).reviews[0].uuid
    audits.return_review(world.db, world.moderator, review_a, "See the plan")
    audits.raise_concern(world.db, world.auditor2, uuid, what="Another concern")
    window.live_refresh.request()
    qtbot.waitUntil(lambda: view.list.count() == 3)
    assert view.list.item(0).text().startswith("Urgent concern raised by Bea Auditor: Case C1000")
    assert _sidebar_text(window) == "Notices (3)"


def test_someone_with_no_notices_is_told_what_comes_here(qtbot, sqlite_world):
    window = show_and_activate(qtbot, MainWindow(sqlite_world.db, sqlite_world.auditor))
    window.show_view("notices")
    view = window.view("notices")
    assert view.list.count() == 0
    assert view.summary.text().startswith("No notices.")
    assert _sidebar_text(window) == "Notices"
