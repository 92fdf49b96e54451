"""The database going away while an auditor types: banner, typing kept on this computer (not
in clear when the database is encrypted), saved when the database is back, offered back after
a restart. SQLite with an injected I/O failure for speed; PostgreSQL for real (CI=true)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import event, text

from audit_tool.services import audits
from audit_tool.store import Database, open_database
from audit_tool.store.drafts import LocalDraft, LocalDrafts
from audit_tool.ui.audit_form import AuditForm
from audit_tool.ui.connection_banner import is_connection_lost
from audit_tool.ui.local_drafts import offer_pending
from audit_tool.ui.main_window import MainWindow
from tests import factories
from tests.conftest import _pg_admin_engine
from tests.ui.conftest import opened_window, show_and_activate

TYPED = "Chronology kept up to date by the social worker"
KEY = "a long test passphrase 42"


@contextmanager
def unreachable(db: Database) -> Iterator[None]:
    """Every statement fails as if the disk holding the database had gone."""

    def fail(conn, _cursor, _statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        raise conn.dialect.loaded_dbapi.OperationalError("disk I/O error")

    event.listen(db.engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", fail)


def open_form(qtbot, db: Database, world: factories.World) -> tuple[MainWindow, AuditForm]:  # type: ignore[no-untyped-def]
    audit_uuid = factories.looped_audit(world)
    window = MainWindow(db, world.auditor)
    show_and_activate(qtbot, window)
    window.connection.set_intervals(probe_ms=100, lost_probe_ms=50)
    audits_view = window.view("audits")
    dialog = opened_window(qtbot, audits_view, lambda: audits_view.open_review(audit_uuid))
    form = dialog.findChild(AuditForm)
    assert form is not None
    return window, form


def type_text(qtbot, form: AuditForm) -> None:  # type: ignore[no-untyped-def]
    box = form.summary["strengths"]
    box.setFocus()
    qtbot.keyClicks(box, TYPED)
    assert form.status.text() == "Unsaved changes"


def saved_strengths(db: Database, world: factories.World, form: AuditForm) -> str:
    view = audits.get_audit(db, world.auditor, form.audit_uuid)
    return view.review(form.review_uuid).strengths


def test_sqlite_failure_keeps_the_draft_and_saves_it_when_back(qtbot, sqlite_db, sqlite_world):
    window, form = open_form(qtbot, sqlite_db, sqlite_world)
    banner = window.connection_banner
    assert not banner.isVisible()
    type_text(qtbot, form)
    path = window.connection.drafts.path(form.review_uuid)
    with unreachable(sqlite_db):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        assert banner.isVisible()
        assert "cannot be reached since" in banner.text()
        assert "kept on this computer" in banner.text()
        assert form.summary["strengths"].toPlainText() == TYPED  # typing untouched
        assert form.status.text().startswith("Not saved: the database cannot be reached")
        assert json.loads(path.read_text(encoding="utf-8"))["strengths"] == TYPED  # plain db
        # More typing while away goes to the local copy without trying the database.
        qtbot.keyClicks(form.summary["strengths"], " weekly")
        form.save()
        assert json.loads(path.read_text(encoding="utf-8"))["strengths"] == TYPED + " weekly"
        assert banner.isVisible()  # the probe still fails
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not path.exists(), timeout=5000)
    assert saved_strengths(sqlite_db, sqlite_world, form) == TYPED + " weekly"
    assert form.status.text().startswith("Saved at")


def test_encrypted_database_draft_is_not_written_in_clear(qtbot, tmp_path, system):
    db = open_database(tmp_path / "secret.sqlite", key=KEY)
    try:
        world = factories.build_world(db, system)
        window, form = open_form(qtbot, db, world)
        type_text(qtbot, form)
        with unreachable(db):
            form.save(explicit=True)
            path = window.connection.drafts.path(form.review_uuid)
            assert path.exists() and window.connection.drafts.protection == "encrypted"
            data = path.read_bytes()
            assert TYPED.encode() not in data and b"strengths" not in data
            assert not data.startswith(b"SQLite format 3")
            # It reads back with the database's passphrase only.
            kept = LocalDrafts(db).load(form.review_uuid)
            assert kept is not None and kept.strengths == TYPED
        qtbot.waitUntil(lambda: not window.connection_banner.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: not path.exists(), timeout=5000)
        assert saved_strengths(db, world, form) == TYPED
        window.close()
    finally:
        db.close()


def test_a_draft_left_by_a_crash_is_offered_at_the_next_start(
    qtbot, sqlite_db, sqlite_world, on_modal
):
    audit_uuid = factories.looped_audit(sqlite_world)
    view = audits.get_audit(sqlite_db, sqlite_world.auditor, audit_uuid)
    review_uuid = view.my_review
    assert review_uuid is not None
    store = LocalDrafts(sqlite_db)
    store.save(
        LocalDraft(
            review_uuid=review_uuid,
            audit_uuid=audit_uuid,
            case_ref="C1000",
            person_key="aud1",
            revision=view.review(review_uuid).revision,
            answers={},
            overall="",
            strengths=TYPED,
            worries="",
            next_steps="",
        )
    )
    seen: list[str] = []

    def answer(box) -> None:  # type: ignore[no-untyped-def]
        seen.append(box.objectName() or box.windowTitle())
        if box.objectName() == "restoreDraftDialog":
            restore = next(b for b in box.buttons() if b.text() == "&Restore")
            restore.click()
            return
        box.button(QMessageBox.StandardButton.Yes).click()
        on_modal(answer)  # then the form asks about its own draft

    on_modal(answer)
    window = MainWindow(sqlite_db, sqlite_world.auditor)
    show_and_activate(qtbot, window)
    qtbot.waitUntil(lambda: not store.path(review_uuid).exists(), timeout=5000)
    assert seen == ["Unsaved typing on this computer", "restoreDraftDialog"]
    assert (
        audits.get_audit(sqlite_db, sqlite_world.auditor, audit_uuid).review(review_uuid).strengths
        == TYPED
    )


def test_typing_a_window_keeps_after_it_opened_is_not_offered_as_left_by_a_crash(
    qtbot, sqlite_db, sqlite_world, on_modal
):
    """The start-up offer came while this run's own form was keeping typing (the database
    went away in the first moments) and asked about it, modally, over the form."""
    before = time.monotonic()
    window, form = open_form(qtbot, sqlite_db, sqlite_world)
    type_text(qtbot, form)
    asked: list[str] = []
    on_modal(lambda box: (asked.append(box.windowTitle()), box.reject()))
    with unreachable(sqlite_db):
        form.save(explicit=True)
        assert window.connection.drafts.path(form.review_uuid).exists()
        assert offer_pending(window, before) == 0
        assert asked == []
        # Kept before the window opened (an earlier run): offered.
        assert offer_pending(window, time.monotonic() + 1) == 0
        assert asked == ["Unsaved typing on this computer"]
    window.close()


def test_connection_errors_are_told_from_refused_queries(sqlite_db):
    from sqlalchemy.exc import IntegrityError, OperationalError

    with (
        unreachable(sqlite_db),
        pytest.raises(OperationalError) as lost,
        sqlite_db.engine.connect() as conn,
    ):
        conn.execute(text("SELECT 1"))
    assert is_connection_lost(lost.value)
    with pytest.raises(OperationalError) as busy, sqlite_db.engine.connect() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    assert not is_connection_lost(busy.value)
    assert not is_connection_lost(IntegrityError("x", {}, Exception("unique")))
    assert not is_connection_lost(ValueError("not a database error"))


@pytest.mark.postgres
def test_team_server_goes_away_and_comes_back(qtbot, pg_url, system, memory_keyring):
    from sqlalchemy.engine import make_url

    name = make_url(pg_url).database
    db = open_database(pg_url)
    admin = _pg_admin_engine()
    try:
        world = factories.build_world(db, system)
        window, form = open_form(qtbot, db, world)
        type_text(qtbot, form)
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        banner = window.connection_banner
        qtbot.waitUntil(banner.isVisible, timeout=10000)  # the probe noticed on its own
        assert banner.text().startswith("The team server cannot be reached since")
        form.save(explicit=True)
        path = window.connection.drafts.path(form.review_uuid)
        assert path.exists() and TYPED.encode() not in path.read_bytes()  # keyring key
        assert form.summary["strengths"].toPlainText() == TYPED
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10000)
        qtbot.waitUntil(lambda: not path.exists(), timeout=10000)
        assert saved_strengths(db, world, form) == TYPED
        window.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        db.close()


def test_drafts_folder_is_under_the_data_folder(sqlite_db, _isolated_home):
    store = LocalDrafts(sqlite_db)
    assert Path(_isolated_home) in store.folder.parents
    assert store.protection == "plain"
