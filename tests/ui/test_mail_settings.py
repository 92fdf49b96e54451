"""Admin: the e-mail relay of notices (Partnership) and a person's e-mail address (People),
driven as a QA lead would; the relay's password goes to the keyring only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from audit_tool.services import audits, mail, reference
from audit_tool.ui.admin_view import AdminView
from tests.factories import complete_review, looped_audit
from tests.smtp_relay import smtp_relay


def _view(world, show_window, actor=None):
    view = AdminView(world.db, actor or world.lead)
    view.resize(1200, 700)
    show_window(view)
    return view


def _column(tab):
    return [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]


def _save_person(qtbot, tab, name: str, email: str) -> None:
    tab.table.selectRow(_column(tab).index(name))
    tab.email.clear()
    qtbot.keyClicks(tab.email, email)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)


def test_a_persons_address_is_checked_and_saved_in_people(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window)
    tab = view.people
    view.tabs.setCurrentWidget(tab)
    _save_person(qtbot, tab, "Bea Auditor", "bea at example")
    assert tab.errors["email"].isVisible()
    assert "one e-mail address" in tab.errors["email"].text()
    assert reference.get_person(sqlite_world.db, "aud2").email is None
    _save_person(qtbot, tab, "Bea Auditor", "bea@example.org")
    assert not tab.errors["email"].isVisible()
    assert reference.get_person(sqlite_world.db, "aud2").email == "bea@example.org"
    tab.table.selectRow(_column(tab).index("Alex Auditor"))
    assert tab.email.text() == ""
    tab.table.selectRow(_column(tab).index("Bea Auditor"))
    assert tab.email.text() == "bea@example.org"


def test_the_relay_is_set_in_partnership_and_returns_are_emailed(
    qtbot, sqlite_world, show_window, memory_keyring
):
    world = sqlite_world
    view = _view(world, show_window)
    view.tabs.setCurrentWidget(view.partnership)
    box = view.partnership.mail
    assert box is not None and box.isVisible()
    with smtp_relay() as relay:
        qtbot.keyClicks(box.host, "127.0.0.1")
        box.port.setValue(relay.port)
        box.tls.setChecked(False)
        qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
        assert box.errors["sender"].isVisible()  # a host needs a from address
        assert box.status.text().startswith("Not saved.")
        qtbot.keyClicks(box.sender_edit, "audit@example.org")
        qtbot.keyClicks(box.user, "relay-user")
        qtbot.keyClicks(box.password, "relay secret 123")
        qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
        assert box.status.text().startswith("Saved.")
        assert not box.errors["sender"].isVisible() and box.password.text() == ""
        saved = mail.mail_settings(world.db, world.lead)
        assert (saved.host, saved.port, saved.tls, saved.user) == (
            "127.0.0.1",
            relay.port,
            False,
            "relay-user",
        )
        assert memory_keyring.items == {
            (mail.KEYRING_SERVICE, saved.keyring_user): "relay secret 123"
        }
        # The relay takes mail without a login: back to no user, and a return is e-mailed.
        box.user.clear()
        qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
        mail.set_email(world.db, world.lead, "aud2", "bea@example.org")
        uuid = looped_audit(world)
        complete_review(world, world.auditor, uuid)
        complete_review(world, world.auditor2, uuid)
        review_b = audits.get_audit(world.db, world.moderator, uuid).reviews[1].uuid
        audits.return_review(world.db, world.moderator, review_b, "See the March plan")
        assert mail.wait_idle()
    assert [r.recipients for r in relay.received] == [["bea@example.org"]] * 2
    assert "was returned to you by Morgan Moderator" in relay.received[1].body
    box.refresh()
    assert "e-mail(s) sent" in box.status.text()


def test_only_a_lead_sees_the_relay_settings(qtbot, sqlite_world, show_window):
    view = _view(sqlite_world, show_window, sqlite_world.auditor)
    assert view.partnership.mail is None


def test_a_refusal_not_about_a_field_is_one_dialog(
    qtbot, sqlite_world, show_window, memory_keyring, monkeypatch
):
    from audit_tool.errors import PermissionDenied
    from audit_tool.services import settings
    from tests.ui.error_capture import capture_errors

    view = _view(sqlite_world, show_window)
    view.tabs.setCurrentWidget(view.partnership)
    box = view.partnership.mail
    shown = capture_errors(monkeypatch)

    def refuse(*_a, **_k):
        raise PermissionDenied("Only a QA lead changes the partnership's settings")

    monkeypatch.setattr(mail, "save_mail_settings", refuse)
    monkeypatch.setattr(settings, "save_partnership", refuse)
    qtbot.keyClicks(box.host, "127.0.0.1")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.partnership.save_button, Qt.MouseButton.LeftButton)
    message = "Only a QA lead changes the partnership's settings"
    assert shown == [("E-mail settings not saved", message), ("Settings not saved", message)]
    assert "Saved" not in box.status.text() and view.partnership.status.text() != "Saved"
