"""File > Import audit pack acts with the rights of the person logged in (issue #12): a
moderator's import of a pack that reopens a final audit is refused with a message that names
the audit, and the audit stays final."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QProgressDialog

from audit_tool.services import audits, packs
from audit_tool.ui.main_window import MainWindow
from tests.factories import final_audit
from tests.services.test_pack_rights import _reopened


def test_a_moderator_importing_a_reopening_pack_is_told_no(qtbot, sqlite_world, tmp_path, on_modal):
    world = sqlite_world
    uuid = final_audit(world)
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(_reopened(packs.export_pack(world.db, world.lead))), "utf-8")
    window = MainWindow(world.db, world.moderator)
    qtbot.addWidget(window)
    assert window.import_pack_action.isEnabled()
    seen: dict[str, str] = {}

    def read_and_close(box) -> None:  # type: ignore[no-untyped-def]
        if isinstance(box, QProgressDialog):  # the import's own progress: wait for the message
            on_modal(read_and_close)
            return
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        box.accept()

    on_modal(read_and_close)
    window.import_pack(str(path))
    qtbot.waitUntil(lambda: "title" in seen, timeout=20000)
    assert seen["title"] == "Pack not imported"
    assert f"audits[0] ({uuid})" in seen["text"] and "may not reopen a final audit" in seen["text"]
    view = audits.get_audit(world.db, world.lead, uuid)
    assert (view.status, view.final_overall) == ("final", "good")
