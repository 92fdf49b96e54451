"""What the window writes on this computer is private and Windows-safe (local drafts, text set
aside, crash.log), and opening a database on a network share or in a synced folder asks first."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from audit_tool.store import open_database
from audit_tool.store.drafts import LocalDraft, LocalDrafts
from tests.test_fileio import windows_like_fsync

PASSPHRASE = "correct horse battery staple"
posix_only = pytest.mark.skipif(
    sys.platform == "win32",
    reason="POSIX modes and fcntl; on Windows the user's profile keeps the data folder private",
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def draft(text: str) -> LocalDraft:
    return LocalDraft(
        review_uuid="r-1",
        audit_uuid="a-1",
        revision=1,
        answers={},
        overall="",
        strengths=text,
        worries="",
        next_steps="",
    )


@posix_only
@pytest.mark.parametrize("key", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_local_drafts_are_private_and_flushed_as_windows_allows(
    tmp_path, monkeypatch, umask022, key
):
    """Windows refuses to flush a file opened read-only: mimicked here, the draft of an
    encrypted database was lost (the save raised) before the fix."""
    db = open_database(tmp_path / "d.sqlite", key=key)
    try:
        store = LocalDrafts(db, root=tmp_path / "drafts")
        windows_like_fsync(monkeypatch)
        path = store.save(draft("Typed while the server was away"))
        assert path is not None
        monkeypatch.undo()
        assert store.protection == ("plain" if key is None else "encrypted")
        assert mode(path) == 0o600 and mode(store.folder) == 0o700
        assert mode(tmp_path / "drafts") == 0o700
        assert [p.name for p in store.folder.iterdir()] == [path.name]  # no temporary left
        kept = store.load("r-1")
        assert kept is not None and kept.strengths == "Typed while the server was away"
        store.save(draft("Typed again"))  # replacing the older copy
        kept = store.load("r-1")
        assert kept is not None and kept.strengths == "Typed again"
    finally:
        db.close()


@posix_only
def test_text_set_aside_is_private(qtbot, umask022):
    from audit_tool.errors import ConflictError
    from audit_tool.ui.conflict_dialog import ConflictDialog, set_aside_folder

    dialog = ConflictDialog(ConflictError("Bea changed it"), "my words", "case C1", None)
    qtbot.addWidget(dialog)
    dialog.copy_aside()
    assert dialog.aside_path is not None and dialog.aside_path.read_text() == "my words"
    assert mode(dialog.aside_path) == 0o600 and mode(set_aside_folder()) == 0o700
    dialog.aside_window.close()


@posix_only
def test_the_windows_crash_log_is_private(qtbot, monkeypatch, on_modal, umask022, _isolated_home):
    from audit_tool.ui.errors import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    shown: list[str] = []

    def close(box) -> None:  # type: ignore[no-untyped-def]
        shown.append(box.text())
        box.accept()

    on_modal(close)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        sys.excepthook(RuntimeError, exc, exc.__traceback__)
    crash = _isolated_home / "crash.log"
    assert shown and str(crash) in shown[0]
    assert mode(crash) == 0o600


def _app():  # type: ignore[no-untyped-def]
    from audit_tool.ui.app import Application

    return Application(QApplication.instance())  # type: ignore[arg-type]


def test_a_database_in_a_synced_folder_asks_before_opening(qtbot, tmp_path, on_modal):
    folder = tmp_path / "OneDrive - Northshire Council"
    folder.mkdir()
    path = folder / "audits.sqlite"
    open_database(path).close()
    app = _app()
    seen: list[str] = []

    buttons: list[list[str]] = []

    def cancel(box) -> None:  # type: ignore[no-untyped-def]
        # Whatever the dialog, it is closed (an assertion here would leave it open).
        seen.append(box.objectName())
        if isinstance(box, QMessageBox):
            seen.append(box.informativeText())
            buttons.append([b.text() for b in box.buttons()])
            default = box.defaultButton()
            buttons.append([default.text() if default is not None else ""])
        box.reject()

    on_modal(cancel)
    assert not app.open(str(path))
    assert seen[0] == "sharedLocationDialog"
    assert "is in a folder synced by OneDrive" in seen[1] and "corrupt" in seen[1]
    assert buttons == [["Open anyway", "Cancel"], ["Cancel"]]
    assert app.window is None and app.db is None

    def open_anyway(box) -> None:  # type: ignore[no-untyped-def]
        seen.append(box.objectName())
        chosen = [b for b in box.buttons() if b.text() == "Open anyway"]
        if not chosen:
            box.reject()
            return
        chosen[0].click()
        on_modal(lambda dialog: (seen.append(dialog.objectName()), dialog.reject()))

    seen.clear()
    on_modal(open_anyway)
    assert not app.open(str(path))  # the first lead's set-up was cancelled
    # It went on to open the database: the set-up dialog came next.
    assert seen == ["sharedLocationDialog", "firstSetupDialog"]


def test_a_database_on_this_computers_disk_opens_without_the_warning(qtbot, tmp_path, on_modal):
    path = tmp_path / "audits.sqlite"
    open_database(path).close()
    seen: list[str] = []
    on_modal(lambda dialog: (seen.append(dialog.objectName()), dialog.reject()))
    assert not _app().open(str(path))
    assert seen == ["firstSetupDialog"]


@posix_only
def test_the_settings_file_is_private(qapp, umask022):
    from audit_tool.ui.settings import app_settings

    settings = app_settings()
    settings.setValue("lastDatabase", "/home/jo/audits.sqlite")
    settings.sync()
    path = Path(settings.fileName())
    assert "audits.sqlite" in path.read_text() and mode(path) == 0o600
