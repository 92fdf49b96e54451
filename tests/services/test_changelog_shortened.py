"""The change log cannot be shortened or have content blanked without `log verify` saying so
(issue 12, finding 4): the head record kept in the database, the checkpoint kept outside it,
and what a database with records but no log means."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.services import changelog
from audit_tool.store import checkpoint, open_database
from tests import factories


def _sql(db, statement: str, **params) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def _newest(db) -> int:  # type: ignore[no-untyped-def]
    head = changelog.newest(db)
    assert head is not None
    return head[0]


def test_deleting_the_newest_entries_fails_verify(world):
    """On both backends: the head record, kept by the database itself, still names the
    entries that went."""
    factories.final_audit(world)
    db = world.db
    assert changelog.verify(db)[0]
    last = _newest(db)
    _sql(db, "DELETE FROM change_log WHERE id > :keep", keep=last - 3)
    result = changelog.check_chain(db)
    assert not result.ok
    assert f"entries {last - 2} to {last} are missing" in result.message
    assert result.broken_id == last - 2


def test_emptying_the_change_log_fails_verify(world):
    factories.final_audit(world)
    _sql(world.db, "DELETE FROM change_log")
    ok, message = changelog.verify(world.db)
    assert not ok
    assert "the change log is empty" in message


def test_an_empty_log_beside_audits_fails_even_with_its_head_record_reset(world):
    """Someone who also resets the head record: a database holding audits and no log entry."""
    factories.final_audit(world)
    _sql(world.db, "DELETE FROM change_log")
    _sql(world.db, "UPDATE change_log_head SET entries = 0, newest_id = NULL, newest_hash = NULL")
    ok, message = changelog.verify(world.db)
    assert not ok and "the change log is empty but the database holds 1 audit" in message


def test_a_missing_head_record_fails_verify(world):
    _sql(world.db, "DELETE FROM change_log_head")
    ok, message = changelog.verify(world.db)
    assert not ok and "head record" in message and "missing" in message


def _demo_file(tmp_path: Path, capsys) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.sqlite"
    assert cli.run(["--database", str(path), "demo", "--audits", "12"]) == 0
    capsys.readouterr()
    return path


def _file_with_entries(tmp_path: Path) -> Path:
    """An SQLite file with a few dozen entries, written (and closed) by the app here."""
    path = tmp_path / "work.sqlite"
    db = open_database(path)
    try:
        world = factories.build_world(db, Actor.system("test set-up"))
        factories.final_audit(world)
    finally:
        db.close()
    return path


def _verify(path: Path, capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = cli.run(["--database", str(path), "log", "verify"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_verify_of_an_emptied_log_fails_in_one_line(tmp_path, capsys):
    path = _demo_file(tmp_path, capsys)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM change_log")
    conn.close()
    code, out, err = _verify(path, capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "the change log is empty" in err and "Traceback" not in err


def test_shortening_the_log_and_its_head_is_caught_by_this_computers_checkpoint(tmp_path, capsys):
    """Someone with the file who rewrites the head record as well: the checkpoint this computer
    keeps outside the file still names the newest entry it saw."""
    path = _file_with_entries(tmp_path)
    with sqlite3.connect(path) as conn:
        last, last_hash = conn.execute(
            "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        conn.execute("DELETE FROM change_log WHERE id > ?", (last - 5,))
        new_last, new_hash = conn.execute(
            "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE change_log_head SET entries = entries - 5, newest_id = ?, newest_hash = ?",
            (new_last, new_hash),
        )
    conn.close()
    code, _out, err = _verify(path, capsys)
    assert code == 1 and err.count("\n") == 1
    assert f"entry {last} (hash {last_hash[:12]}" in err and "is missing" in err
    # Opening it again does not make the checkpoint forget what it saw.
    assert _verify(path, capsys)[0] == 1


def _forge_retention_run(path: Path, victim_id: int) -> int:
    """A retention run appended with the app's own functions, blanking an older entry."""
    db = open_database(path, create=False)
    try:
        with db.transaction() as session:
            run = changelog.record(
                session,
                Actor.system("someone"),
                changelog.RETENTION_ACTION,
                changelog.RETENTION_ACTION,
                None,
                after={changelog.REDACTED_KEY: changelog.id_ranges([victim_id])},
                summary="Retention run",
            )
            assert changelog.redact(session, run, [victim_id], datetime.now(UTC)) == 1
            return run.id
    finally:
        db.close()


def test_a_forged_retention_run_made_elsewhere_fails_verify(tmp_path, capsys, monkeypatch):
    """The file taken to another computer (or account), an older entry blanked by a forged
    retention run there, the file put back: this computer's checkpoint says it had seen that
    entry with its content, and no retention run was made here since."""
    path = _file_with_entries(tmp_path)
    code, out, _ = _verify(path, capsys)
    assert code == 0
    newest_line = out.splitlines()[-1].split()  # newest entry N, hash H
    seen_id, seen_hash = int(newest_line[2].rstrip(",")), newest_line[-1]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with monkeypatch.context() as other:
        other.setenv("AUDIT_TOOL_HOME", str(elsewhere))
        run_id = _forge_retention_run(path, 7)
    code, out, err = _verify(path, capsys)
    assert code == 1 and err.count("\n") == 1
    assert f"retention run {run_id}" in err and "entry 7" in err
    # The previously newest hash is unchanged: the written-down check alone would miss it.
    with sqlite3.connect(path) as conn:
        (kept,) = conn.execute(
            "SELECT count(*) FROM change_log WHERE id = ? AND hash = ?",
            (seen_id, seen_hash),
        ).fetchone()
    conn.close()
    assert kept == 1


def test_a_retention_run_made_here_passes_verify(tmp_path, capsys):
    """The app's own retention run, here, moves the checkpoint on: no false alarm."""
    path = _demo_file(tmp_path, capsys)
    code = cli.run(["--database", str(path), "retention", "--today", "2040-01-01"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "change log entries redacted" in out
    code, out, err = _verify(path, capsys)
    assert code == 0, err


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes; on Windows the profile folder")
def test_the_checkpoint_is_readable_by_the_user_alone(tmp_path, _isolated_home):
    path = _file_with_entries(tmp_path)
    saved = checkpoint.file_for(path)
    assert saved.parent == _isolated_home / "checkpoints"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
    assert str(path) not in saved.name  # named by a hash of the path
    assert checkpoint.read(path) is not None


def test_a_forged_retention_run_made_here_with_the_apps_functions_fails_verify(tmp_path, capsys):
    """The same on this computer and account: the app moves the checkpoint on past emptied
    entries only after its own retention run, so a run forged with the change-log functions
    (record and redact) is still reported."""
    path = _file_with_entries(tmp_path)
    run_id = _forge_retention_run(path, 7)
    code, _out, err = _verify(path, capsys)
    assert code == 1 and err.count("\n") == 1
    assert f"entry 7 lost its content to retention run {run_id}" in err


def test_opening_a_database_whose_log_lost_its_newest_entries_notes_it(world):
    """On both backends, opening holds the log's end against its head record (one quick
    statement); the whole chain is walked by verify."""
    factories.final_audit(world)
    last = _newest(world.db)
    _sql(world.db, "DELETE FROM change_log WHERE id = :last", last=last)
    url = world.db.url.render_as_string(hide_password=False)
    again = open_database(url, create=False, upgrade=False)
    try:
        assert again.log_problem == (
            f"the change log does not check out: it ends at entry {last - 1}, but its head "
            f"record says {last} entries ending at entry {last}; run 'audit-tool log verify'"
        )
    finally:
        again.close()
