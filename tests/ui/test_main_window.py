"""The application shell: navigation, status bar, shortcuts, remembered layout."""

from __future__ import annotations

from PySide6.QtCore import Qt

from audit_tool.ui.main_window import MainWindow
from tests.ui.conftest import show_and_activate


def _window(qtbot, world, actor):
    from tests.ui.conftest import show_and_activate

    return show_and_activate(qtbot, MainWindow(world.db, actor))


def test_shell_shows_database_user_and_cases(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    assert window.view_keys() == [
        "mywork",
        "cases",
        "audits",
        "programmes",
        "feedback",
        "learning",
        "actions",
        "briefings",
        "dashboard",
        "concerns",
        "notices",
        "complaints",
        "monthly",
        "admin",
    ]
    assert window.current_view_key() == "mywork"  # the day starts with what is waiting
    assert str(sqlite_world.db.path) in window.database_label.text()
    assert "Priya Lead" in window.user_label.text() and "QA lead" in window.user_label.text()
    assert window.view("cases").model.rowCount() == 3
    assert "Priya Lead" in window.windowTitle()


def test_viewer_does_not_get_the_case_register(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.viewer)
    assert "cases" not in window.view_keys()


def test_keyboard_switches_views_and_layout_is_remembered(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_key() == "dashboard"
    window.resize(1001, 655)
    window.close()
    again = _window(qtbot, sqlite_world, sqlite_world.lead)
    assert again.current_view_key() == "mywork"  # My work first after login, whatever was last
    # The offscreen screen is 800 pixels wide, so Qt narrows the restored window to its
    # minimum width; the height shows the geometry came back.
    assert again.height() == 655


def test_an_urgent_concern_shows_at_once_until_answered(qtbot, sqlite_world, on_modal):
    from PySide6.QtWidgets import QPlainTextEdit, QPushButton

    from audit_tool.services import audits, reference
    from tests.factories import looped_audit

    uuid = looped_audit(sqlite_world)
    audits.raise_concern(
        sqlite_world.db, sqlite_world.auditor, uuid, what="Bruising seen", why_urgent="Today"
    )
    manager = reference.actor_for(sqlite_world.db, "tm1")  # the case's manager
    window = _window(qtbot, sqlite_world, manager)
    qtbot.waitUntil(lambda: window.banner.isVisible())
    assert window.banner.text().strip() == (
        "1 urgent safeguarding concern needs a response. Open it..."
    )
    item = window.sidebar.item(window.view_keys().index("concerns"))
    assert item.text() == "Urgent concerns (1)"

    qtbot.mouseClick(window.banner, Qt.MouseButton.LeftButton)
    assert window.current_view_key() == "concerns"
    view = window.view("concerns")
    assert view.model.rowCount() == 1 and view.model.index(0, 3).data() == "Bruising seen"

    def respond(dialog):
        from PySide6.QtWidgets import QLabel

        shown = dialog.findChild(QLabel, "respond_concern").text()
        assert "Bruising seen" in shown and "Why urgent: Today" in shown
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit), "Strategy discussion held")
        qtbot.mouseClick(dialog.findChild(QPushButton, "respond_ok"), Qt.MouseButton.LeftButton)

    on_modal(respond)
    qtbot.mouseClick(view.respond_button, Qt.MouseButton.LeftButton)
    # The counts are read in the pool: the banner goes as soon as they come back.
    qtbot.waitUntil(lambda: not window.banner.isVisible() and item.text() == "Urgent concerns")
    (closed,) = audits.list_concerns(sqlite_world.db, sqlite_world.lead, open_only=False)
    assert (closed.status, closed.responded_by) == ("closed", "Terry Manager")


def test_packs_from_the_file_menu(qtbot, sqlite_world, tmp_path, on_modal, monkeypatch):
    import json

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog, QProgressDialog

    from audit_tool.services import audits
    from tests.factories import looped_audit

    uuid = looped_audit(sqlite_world)
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    out = tmp_path / "pack.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.findChild(QAction, "exportPack").trigger()
    qtbot.waitUntil(lambda: "exported to" in window.statusBar().currentMessage(), timeout=20000)
    pack = json.loads(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in pack["audits"]] == [uuid]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    seen = []

    def read(box) -> None:  # type: ignore[no-untyped-def]
        if isinstance(box, QProgressDialog):  # the import's own progress: wait for the report
            on_modal(read)
            return
        seen.append(box.text())
        box.accept()

    on_modal(read)
    window.findChild(QAction, "importPack").trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert "1 unchanged" in seen[0]
    assert audits.get_audit(sqlite_world.db, sqlite_world.lead, uuid).status == "in_review"
    # An auditor does not exchange packs, so the menu does not offer it.
    auditor_window = _window(qtbot, sqlite_world, sqlite_world.auditor)
    assert auditor_window.findChild(QAction, "exportPack") is None


def test_the_overdue_action_count_beside_actions(qtbot, sqlite_world):
    from datetime import date, timedelta

    from audit_tool.services import learning_actions
    from tests.factories import looped_audit

    uuid = looped_audit(sqlite_world)
    late = learning_actions.add_action(
        sqlite_world.db,
        sqlite_world.lead,
        uuid,
        text="Update the chronology",
        owner_key="tm1",
        due_on=date.today() - timedelta(days=2),
    )
    window = _window(qtbot, sqlite_world, sqlite_world.lead)
    item = window.sidebar.item(window.view_keys().index("actions"))
    qtbot.waitUntil(lambda: item.text() == "Actions (1 overdue)")
    learning_actions.set_action_status(
        sqlite_world.db, sqlite_world.lead, late.uuid, "done", note="ok"
    )
    window.show_view("actions")
    window.view("actions").changed.emit()  # what the view sends after its own changes
    qtbot.waitUntil(lambda: item.text() == "Actions")


def test_a_viewer_sees_none_of_the_audit_work(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.viewer)
    assert not {"feedback", "learning", "actions", "audits"} & set(window.view_keys())
    assert {"briefings", "dashboard"} <= set(window.view_keys())  # reports are for viewers


def test_my_work_is_first_counts_in_the_sidebar_and_opens_the_review(qtbot, sqlite_world):
    """After a return, the auditor's day starts on My work: the returned review is first,
    says whose turn it is with the moderator's comment, and one double-click opens it."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from audit_tool.services import audits
    from audit_tool.ui.audit_form import AuditForm
    from tests.factories import complete_review, looped_audit

    world = sqlite_world
    uuid = looped_audit(world)
    looped_audit(world, ref="C1001", programme="p-other")
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
    comment = "Look at the March plan. " + "It names no owner for the actions, " * 8
    audits.return_review(world.db, world.moderator, review_b, comment)

    window = _window(qtbot, world, world.auditor2)
    assert window.current_view_key() == "mywork"
    view = window.view("mywork")
    item = window.sidebar.item(window.view_keys().index("mywork"))
    assert item.text() == "My work (2)"
    first_group = view.tree.topLevelItem(0)
    assert first_group.text(0) == "Returned to me (1)"
    returned = first_group.child(0)
    assert returned.text(0).startswith("Case C1000")
    assert returned.text(1).startswith("Your turn: returned to you")
    assert returned.text(1).endswith(f': "{comment.strip()}"')
    # The selected line in full under the list, however long the comment.
    assert view.tree.currentItem() is returned
    assert view.detail.isVisible()
    assert view.detail.text() == f"{returned.text(0)}\n{returned.text(1)}"

    rect = view.tree.visualItemRect(returned)
    # A double-click as the mouse sends it: a click, then the second press.
    qtbot.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    audits_view = window.view("audits")
    qtbot.waitUntil(lambda: bool(audits_view._windows))
    opened = audits_view._windows[-1]
    assert opened.findChild(AuditForm).review_uuid == review_b
    opened.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_moderator_with_nothing_waiting_is_told_so(qtbot, sqlite_world):
    window = _window(qtbot, sqlite_world, sqlite_world.moderator)
    view = window.view("mywork")
    assert view.tree.topLevelItemCount() == 0
    assert view.summary.text().startswith("Nothing is waiting for you.")
    assert window.sidebar.item(0).text() == "My work"


def test_a_closed_window_and_its_views_are_freed(qtbot, sqlite_world):
    """Switching user closes the window: nothing of it (views, their rows) may stay in memory.
    A background load's worker is kept by Qt's bindings for good: it used to keep with it the
    operation, its view and every row the view had loaded (and the live refresh's slot, the
    view it refreshed)."""
    import contextlib
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
    from pytestqt.exceptions import TimeoutError

    from audit_tool.ui import operations as ops

    window = MainWindow(sqlite_world.db, sqlite_world.lead)
    show_and_activate(qtbot, window)
    for key in window.view_keys():
        window.show_view(key)
    pool = QThreadPool.globalInstance()
    qtbot.waitUntil(lambda: not ops.running() and not pool.activeThreadCount(), timeout=10_000)
    views = [weakref.ref(v) for v in window._views.values()]
    assert len(views) >= 10
    gone = weakref.ref(window)
    window.close()
    window.deleteLater()
    del window

    def alive() -> list[str]:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        return [type(v()).__name__ for v in [gone, *views] if v() is not None]

    # Freed once the work under way has ended (a result arriving for a closed view is dropped
    # on the way); a leak keeps them for good.
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: not alive(), timeout=10_000)
    assert alive() == []


def test_check_out_reads_the_audits_in_the_pool_and_a_refusal_is_one_dialog(
    qtbot, sqlite_world, on_modal, monkeypatch
):
    from audit_tool.errors import PermissionDenied
    from audit_tool.services import checkout
    from tests.factories import looped_audit

    looped_audit(sqlite_world, ref="C1000")
    window = _window(qtbot, sqlite_world, sqlite_world.auditor)
    offered: list[tuple[str, int]] = []

    def close(dialog):
        offered.append((dialog.objectName(), dialog.audits.count()))
        dialog.reject()

    on_modal(close)
    window.checkout_action.trigger()
    qtbot.waitUntil(lambda: bool(offered), timeout=5000)
    assert offered == [("checkoutDialog", 1)]

    def refuse(db, actor):
        raise PermissionDenied("Alex Auditor is not a person")

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(checkout, "candidates", refuse)
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error", lambda _p, title, exc: shown.append((title, str(exc)))
    )
    window.checkout_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [("Nothing checked out", "Alex Auditor is not a person")]
    assert offered == [("checkoutDialog", 1)]  # no dialog to choose from
