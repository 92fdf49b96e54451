"""File > Check out audits for offline work / Check in offline work, driven as a user would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from audit_tool.services import audits, checkin, checkout
from audit_tool.services.reference import actor_for
from audit_tool.store import crypto, open_database
from audit_tool.ui.checkout_dialog import CheckinDialog, CheckoutDialog
from audit_tool.ui.main_window import MainWindow
from tests.factories import looped_audit

PASSPHRASE = "correct horse battery staple"


def _item(dialog, ref):
    items = [dialog.audits.item(i) for i in range(dialog.audits.count())]
    return next(i for i in items if i.text().startswith(ref))


def _edit_offline(path, audit_uuid, text, key=None, who="aud1"):
    local = open_database(path, create=False, key=key)
    try:
        me = actor_for(local, who)
        review = audits.get_audit(local, me, audit_uuid).my_review
        audits.save_review(local, me, review, strengths=text)
    finally:
        local.close()


def test_menu_actions_for_auditors_only(qtbot, sqlite_world):
    window = MainWindow(sqlite_world.db, sqlite_world.auditor)
    qtbot.addWidget(window)
    assert window.checkout_action.text().startswith("Check &out")
    assert window.checkin_action.isEnabled()
    viewer_window = MainWindow(sqlite_world.db, sqlite_world.viewer)
    qtbot.addWidget(viewer_window)
    assert not hasattr(viewer_window, "checkout_action")


def test_check_out_chosen_audits_encrypted(qtbot, sqlite_world, tmp_path):
    world = sqlite_world
    a1 = looped_audit(world, ref="C1000")
    a2 = looped_audit(world, ref="C1001")
    held = looped_audit(world, ref="C1002")
    checkout.checkout(world.db, world.auditor2, tmp_path / "bea.sqlite", audit_uuids=[held])
    dialog = CheckoutDialog(world.db, world.auditor)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    assert dialog.audits.count() == 3
    busy = _item(dialog, "C1002")
    assert "checked out by Bea Auditor" in busy.text()
    assert not busy.flags() & Qt.ItemFlag.ItemIsEnabled
    _item(dialog, "C1001").setCheckState(Qt.CheckState.Unchecked)
    path = tmp_path / "laptop.sqlite"
    dialog.file_row.edit.setText(str(path))
    # Encrypted unless the user says otherwise; unticking disables the passphrase boxes.
    assert dialog.encrypt.isChecked() and dialog.passphrase.isEnabled()
    qtbot.keyClick(dialog.encrypt, Qt.Key.Key_Space)
    assert not dialog.encrypt.isChecked() and not dialog.passphrase.isEnabled()
    qtbot.keyClick(dialog.encrypt, Qt.Key.Key_Space)
    assert dialog.encrypt.isChecked() and dialog.passphrase.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.confirm.setText("something else entirely")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "not the same" in dialog.message.text() and not path.exists()

    dialog.confirm.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert [a.audit_uuid for a in dialog.result_.audits] == [a1]
    assert crypto.is_encrypted(path)
    held_by = {c.audit_uuid: c.checked_out_by for c in checkout.candidates(world.db, world.auditor)}
    assert held_by == {a1: "Alex Auditor", a2: None, held: "Bea Auditor"}


def test_check_out_refusal_is_shown_and_changes_nothing(qtbot, sqlite_world, tmp_path):
    looped_audit(sqlite_world)
    existing = tmp_path / "taken.sqlite"
    existing.write_bytes(b"")
    dialog = CheckoutDialog(sqlite_world.db, sqlite_world.auditor)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.file_row.edit.setText(str(existing))
    dialog.encrypt.setChecked(False)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: "already exists" in dialog.message.text(), timeout=10000)
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert [c.available for c in checkout.candidates(sqlite_world.db, sqlite_world.auditor)] == [
        True
    ]


def test_check_in_shows_the_conflict_and_discards_on_request(qtbot, sqlite_world, tmp_path):
    world = sqlite_world
    a1 = looped_audit(world, ref="C1000")
    a2 = looped_audit(world, ref="C1001")
    path = tmp_path / "laptop.sqlite"
    checkout.checkout(world.db, world.auditor, path)
    _edit_offline(path, a1, "Offline one")
    _edit_offline(path, a2, "Offline two")
    bea = audits.get_audit(world.db, world.auditor2, a2).my_review
    audits.save_review(world.db, world.auditor2, bea, strengths="Bea on the server")

    dialog = CheckinDialog(world.db, world.auditor)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    qtbot.mouseClick(dialog.checkin_button, Qt.MouseButton.LeftButton)
    assert "Choose the offline file" in dialog.message.text()
    dialog.file_row.edit.setText(str(path))
    qtbot.mouseClick(dialog.checkin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    text = dialog.result_text.toPlainText()
    assert "applied: case C1000" in text
    assert "conflict: case C1001" in text and "Bea Auditor" in text
    assert "stay checked out" in dialog.message.text()
    assert dialog.discard_button.isVisible() and not dialog.checkin_button.isEnabled()
    mine = audits.get_audit(world.db, world.auditor, a1)
    assert mine.review(mine.my_review).strengths == "Offline one"

    first = dialog.report
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not first, timeout=20000)
    assert "discarded: case C1001" in dialog.result_text.toPlainText()
    assert not dialog.discard_button.isVisible()
    assert all(c.available for c in checkout.candidates(world.db, world.auditor))


def test_check_in_of_an_encrypted_file_without_its_passphrase(qtbot, sqlite_world, tmp_path):
    world = sqlite_world
    a1 = looped_audit(world)
    path = tmp_path / "laptop.sqlite"
    checkout.checkout(world.db, world.auditor, path, passphrase=PASSPHRASE)
    _edit_offline(path, a1, "On the train", key=PASSPHRASE)
    dialog = CheckinDialog(world.db, world.auditor)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog.file_row.edit.setText(str(path))
    qtbot.mouseClick(dialog.checkin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "encrypted" in dialog.message.text(), timeout=10000)
    assert dialog.report is None
    dialog.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.checkin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert "applied: case C1000" in dialog.result_text.toPlainText()


def test_a_review_checked_out_by_someone_else_says_so_in_the_form(qtbot, sqlite_world, tmp_path):
    from audit_tool.ui.audit_form import AuditForm
    from tests.ui.conftest import opened_window, show_and_activate

    world = sqlite_world
    a1 = looped_audit(world, ref="C1000")
    path = tmp_path / "alex-laptop.sqlite"
    checkout.checkout(world.db, world.auditor, path, audit_uuids=[a1])
    window = MainWindow(world.db, world.auditor2)
    show_and_activate(qtbot, window)
    audits_view = window.view("audits")
    dialog = opened_window(qtbot, audits_view, lambda: audits_view.open_review(a1))
    form = dialog.findChild(AuditForm)
    assert form is not None
    note = form.checkout_note
    assert note.isVisible()
    assert note.text().startswith("Alex Auditor checked this audit out on ")
    assert "alex-laptop.sqlite" in note.text() and "reported as a conflict" in note.text()
    dialog.close()
    checkin.checkin(world.db, world.auditor, path)
    audits_view = window.view("audits")
    dialog = opened_window(qtbot, audits_view, lambda: audits_view.open_review(a1))
    assert not dialog.findChild(AuditForm).checkout_note.isVisible()
    dialog.close()
    window.close()
