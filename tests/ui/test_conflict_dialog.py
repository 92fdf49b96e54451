"""The audit form when a save loses a race: the conflict dialog names who changed the review and
when; "Copy my text aside" keeps the user's text, "Reload" shows the newer version."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from audit_tool.services import audits
from audit_tool.store import Database, open_database
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.conflict_dialog import set_aside_folder
from tests.factories import looped_audit

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def laptop(sqlite_db: Database) -> Iterator[Database]:
    """The same database opened by another client (the auditor's other computer)."""
    other = open_database(sqlite_db.url.render_as_string(hide_password=False))
    yield other
    other.close()


def _change_behind_the_forms_back(laptop: Database, world, form: AuditForm) -> None:  # type: ignore[no-untyped-def]
    audits.save_review(
        laptop,
        world.auditor,
        form.review_uuid,
        strengths="Saved on the other laptop",
        expected_revision=form.revision,
    )


def _answer_conflict(qtbot, on_modal, button: str, seen: dict) -> None:  # type: ignore[no-untyped-def]
    def handler(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.objectName() == "conflictDialog"
        seen["message"] = dialog.findChild(type(dialog.message), "conflict_message").text()
        qtbot.mouseClick(dialog.findChild(QPushButton, button), LEFT)

    on_modal(handler)


def test_autosave_conflict_names_who_and_copies_my_text_aside(
    qtbot, sqlite_world, laptop, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    _change_behind_the_forms_back(laptop, world, form)

    box = form.summary["worries"]
    box.setFocus()
    qtbot.keyClicks(box, "Drift in the plan since June")
    seen: dict = {}
    _answer_conflict(qtbot, on_modal, "conflict_copy", seen)
    # The autosave timer fires, the save is refused, the dialog appears.
    qtbot.waitUntil(lambda: "message" in seen, timeout=8000)
    qtbot.waitUntil(lambda: form.summary["strengths"].toPlainText() != "", timeout=3000)

    assert "Alex Auditor" in seen["message"] and "changed this review at" in seen["message"]
    assert "not saved" in seen["message"]
    kept = QApplication.clipboard().text()
    assert "Drift in the plan since June" in kept
    files = list(set_aside_folder().glob("unsaved-*.txt"))
    assert len(files) == 1 and "Drift in the plan since June" in files[0].read_text("utf-8")
    window = form.conflict_dialog.aside_window
    assert window is not None and window.isVisible()
    assert "Drift in the plan since June" in window.text.toPlainText()
    # The form now shows the newer version, and the refused text was not saved anywhere.
    assert form.summary["strengths"].toPlainText() == "Saved on the other laptop"
    assert form.summary["worries"].toPlainText() == ""
    saved = audits.get_audit(world.db, world.auditor, uuid).review(form.review_uuid)
    assert saved.worries == "" and saved.strengths == "Saved on the other laptop"
    assert form.revision == saved.revision
    assert "copied aside" in form.status.text()
    window.close()


def test_reload_discards_mine_and_saving_goes_on_from_the_newer_version(
    qtbot, sqlite_world, laptop, on_modal, show_window
):
    world = sqlite_world
    uuid = looped_audit(world)
    form = show_window(AuditForm(world.db, world.auditor, uuid))
    _change_behind_the_forms_back(laptop, world, form)

    qtbot.keyClicks(form.summary["next_steps"], "Stale words")
    seen: dict = {}
    _answer_conflict(qtbot, on_modal, "conflict_reload", seen)
    qtbot.mouseClick(form.save_button, LEFT)
    assert "Alex Auditor" in seen["message"]
    assert form.summary["strengths"].toPlainText() == "Saved on the other laptop"
    assert form.summary["next_steps"].toPlainText() == ""
    assert form.conflict_dialog.aside_window is None
    assert (
        form.revision
        == audits.get_audit(world.db, world.auditor, uuid).review(form.review_uuid).revision
    )

    qtbot.keyClicks(form.summary["next_steps"], "Review the plan with the family")
    qtbot.mouseClick(form.save_button, LEFT)
    assert form.status.text().startswith("Saved at")
    saved = audits.get_audit(world.db, world.auditor, uuid).review(form.review_uuid)
    assert saved.next_steps == "Review the plan with the family"
    assert saved.strengths == "Saved on the other laptop"


def test_text_set_aside_from_an_encrypted_database_stays_off_the_disk(qtbot, tmp_path):
    """A plain file beside an encrypted database (or a server) would leave the text readable
    on the laptop: then the text goes to the clipboard and the window only."""
    from audit_tool.errors import ConflictError
    from audit_tool.ui.conflict_dialog import ConflictDialog, plain_file_ok

    before = set(set_aside_folder().iterdir())
    dialog = ConflictDialog(
        ConflictError("Bea changed it"), "SECRET words", "case C1", None, to_file=False
    )
    qtbot.addWidget(dialog)
    dialog.copy_aside()
    assert dialog.aside_path is None
    assert set(set_aside_folder().iterdir()) == before
    assert QApplication.clipboard().text() == "SECRET words"
    assert "Not saved to a file" in dialog.aside_window.findChild(QLabel, "setAside_note").text()
    dialog.aside_window.close()

    class Db:
        is_sqlite, key = True, "passphrase"

    assert not plain_file_ok(Db())
    Db.key = None
    assert plain_file_ok(Db())
    Db.is_sqlite = False
    assert not plain_file_ok(Db())
