"""Restore and open check what they get (issue 12, finding 5): a backup whose audits table was
dropped, or whose change log was emptied, shortened or altered, is refused in one line and the
live database stays byte for byte as it was; a file missing a table does not open."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError
from audit_tool.services import cases, changelog
from audit_tool.services.cases import CaseInput
from audit_tool.store import backup as backups
from audit_tool.store import crypto, open_database
from tests import factories

KEY = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _live_with_backup(tmp_path: Path, key: str | None = None) -> tuple[Path, Path]:
    """A live database with a final audit, and a good backup of it."""
    live = tmp_path / "live.sqlite"
    db = open_database(live, key=key)
    try:
        world = factories.build_world(db, Actor.system("test set-up"))
        factories.final_audit(world)
        good = backups.backup_database(db, tmp_path / "good.sqlite")
    finally:
        db.close()
    return live, good


def _tamper(path: Path, key: str | None, *statements: str) -> None:
    conn = crypto.connect(path, key) if key else sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


BROKEN = {
    "audits dropped": (
        ("DROP TABLE audits",),
        "is not a complete Audit Tool database: it has no table audits",
    ),
    "head record dropped": (
        ("DROP TABLE change_log_head",),
        "is not a complete Audit Tool database: it has no table change_log_head",
    ),
    "log emptied": (
        ("DELETE FROM change_log",),
        r"its change log does not check out \(the change log is empty, but its head record",
    ),
    "log and head emptied": (
        (
            "DELETE FROM change_log",
            "UPDATE change_log_head SET entries = 0, newest_id = NULL, newest_hash = NULL",
        ),
        r"the change log is empty but the database holds 1 audit",
    ),
    "log shortened": (
        ("DELETE FROM change_log WHERE id > (SELECT max(id) - 2 FROM change_log)",),
        r"are missing \(removed after they were written\)",
    ),
    "entry altered": (
        ("UPDATE change_log SET summary = 'nothing happened' WHERE id = 3",),
        r"change log entry 3 \(.*\) does not match the chain",
    ),
    # Found by the attack run at the end of issue 12: a table with a column dropped restored,
    # and export then failed with "unexpected error"; a planted trigger restored and ran.
    "column dropped": (
        ("ALTER TABLE reviews DROP COLUMN strengths",),
        r"is not a complete Audit Tool database: its table reviews has no column strengths",
    ),
    "trigger planted": (
        ("CREATE TRIGGER wipe AFTER INSERT ON audits BEGIN DELETE FROM change_log_head; END",),
        r"holds a trigger Audit Tool does not make \(wipe\)",
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_restore_refuses_a_broken_backup_and_leaves_the_live_file_alone(tmp_path, capsys, kind):
    live, good = _live_with_backup(tmp_path)
    statements, message = BROKEN[kind]
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(good.read_bytes())
    _tamper(bad, None, *statements)
    before = _digest(live)
    with pytest.raises(DatabaseError, match=message):
        backups.restore_backup(live, bad)
    code = cli.run(["--database", str(live), "restore", str(bad)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "bad.sqlite" in err
    assert _digest(live) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.sqlite",
        "good.sqlite",
        "live.sqlite",
    ]
    db = open_database(live, create=False)
    try:
        assert changelog.verify(db)[0]
        assert cases.get_case(db, Actor.system("check"), "C1000").ref == "C1000"
    finally:
        db.close()


def test_restore_refuses_an_encrypted_backup_with_an_emptied_log(tmp_path):
    live, good = _live_with_backup(tmp_path, KEY)
    _tamper(good, KEY, "DELETE FROM change_log")
    before = _digest(live)
    with pytest.raises(DatabaseError, match="its change log does not check out"):
        backups.restore_backup(live, good, KEY)
    assert _digest(live) == before


def test_a_restored_older_backup_verifies(tmp_path, capsys):
    """Going back to a backup on purpose is not a shortened log: this computer's checkpoint
    starts again from the restored chain."""
    live, good = _live_with_backup(tmp_path)
    db = open_database(live)
    try:
        cases.create_case(
            db,
            Actor.system("later"),
            CaseInput(ref="C2000", initials="XY", case_type="cin", team="assess_north"),
        )
    finally:
        db.close()
    assert cli.run(["--database", str(live), "restore", str(good)]) == 0
    capsys.readouterr()
    code = cli.run(["--database", str(live), "log", "verify"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "" and "change log entries verified" in out


def test_a_database_missing_a_table_does_not_open(tmp_path, capsys):
    live, _good = _live_with_backup(tmp_path)
    _tamper(live, None, "DROP TABLE audits")
    before = _digest(live)
    with pytest.raises(DatabaseError, match="it has no table audits"):
        open_database(live, create=False)
    code = cli.run(
        [
            "--database",
            str(live),
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
            "--out",
            str(tmp_path / "r.json"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "it has no table audits" in err
    assert _digest(live) == before


def test_opening_a_shortened_log_warns_and_keeps_the_checkpoint(tmp_path, capsys):
    live, _good = _live_with_backup(tmp_path)
    _tamper(live, None, "DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)")
    code = cli.run(["--database", str(live), "backup", "--out", str(tmp_path / "b.sqlite")])
    _out, err = capsys.readouterr()
    assert code == 0
    assert err.startswith("audit-tool: warning: the change log does not check out")
    assert err.count("\n") == 1
    code = cli.run(["--database", str(live), "log", "verify"])
    assert code == 1 and "is missing" in capsys.readouterr().err
