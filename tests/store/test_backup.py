"""Backups: consistent while another process writes, rotated, encrypted like their database,
and restored only after the backup checks out."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError, EncryptionKeyError
from audit_tool.services import cases
from audit_tool.services.cases import CaseInput
from audit_tool.store import backup as backups
from audit_tool.store import crypto, open_database
from tests import factories

KEY = "correct horse battery staple"
ROWS_PER_BATCH = 25

WRITER = """
import sys
path, key, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
if key:
    from sqlcipher3 import dbapi2 as sqlite
    conn = sqlite.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA key = '" + key + "'")
else:
    import sqlite3 as sqlite
    conn = sqlite.connect(path, timeout=30, isolation_level=None)
conn.execute("PRAGMA busy_timeout = 30000")
batch = 0
while True:
    batch += 1
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO writer_probe (batch, n, payload) VALUES (?, ?, ?)",
        [(batch, n, "probe row written by another process") for n in range(rows)],
    )
    conn.execute("UPDATE writer_total SET batches = ?", (batch,))
    conn.execute("COMMIT")
    if batch == 1:
        print("writing", flush=True)
"""


@pytest.fixture(autouse=True)
def _no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)
    monkeypatch.delenv(backups.ENV_BACKUP_DIR, raising=False)
    monkeypatch.delenv(backups.ENV_BACKUP_KEEP, raising=False)


def world_db(path: Path, key: str | None = None):  # type: ignore[no-untyped-def]
    db = open_database(path, key=key)
    factories.build_world(db, Actor.system("test set-up"))
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def connect_any(path: Path, key: str | None):  # type: ignore[no-untyped-def]
    return crypto.connect(path, key) if key else sqlite3.connect(path)


def case_refs(path: Path, key: str | None = None) -> list[str]:
    conn = connect_any(path, key)
    try:
        return [r[0] for r in conn.execute("SELECT ref FROM cases ORDER BY ref")]
    finally:
        conn.close()


def _wait_for(condition, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "encrypted"])
def test_backups_taken_while_another_process_writes_are_consistent(tmp_path, key):
    path = tmp_path / "live.sqlite"
    db = world_db(path, key)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE writer_probe (batch INTEGER, n INTEGER, payload TEXT)"))
        conn.execute(text("CREATE TABLE writer_total (batches INTEGER)"))
        conn.execute(text("INSERT INTO writer_total VALUES (0)"))

    def live_batches() -> int:
        with db.engine.connect() as conn:
            return int(conn.execute(text("SELECT batches FROM writer_total")).scalar_one())

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), key or "", str(ROWS_PER_BATCH)],
        stdout=subprocess.PIPE,
        text=True,
    )
    taken: list[Path] = []
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        last = 0
        for i in range(4):
            # Let the writer commit more batches since the last copy, then copy mid-stream.
            _wait_for(lambda last=last: live_batches() > last)
            taken.append(backups.backup_database(db, tmp_path / f"copy{i}.sqlite"))
            last = live_batches()
        assert writer.poll() is None, "the writer stopped: the copies were not taken meanwhile"
    finally:
        writer.kill()
        writer.wait(10)
        if writer.stdout is not None:
            writer.stdout.close()
        db.close()

    seen = []
    for copy in taken:
        assert crypto.is_encrypted(copy) == (key is not None)
        if key:
            assert b"probe row written" not in copy.read_bytes()
        conn = connect_any(copy, key)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            total = conn.execute("SELECT batches FROM writer_total").fetchone()[0]
            per_batch = conn.execute(
                "SELECT batch, count(*) FROM writer_probe GROUP BY batch ORDER BY batch"
            ).fetchall()
        finally:
            conn.close()
        # Every committed batch whole, none half-written, and the total agrees with the rows.
        assert per_batch == [(b, ROWS_PER_BATCH) for b in range(1, total + 1)]
        seen.append(total)
    assert seen == sorted(seen) and seen[0] >= 1 and len(set(seen)) == len(seen)


def test_automatic_backups_keep_the_newest(tmp_path):
    db = world_db(tmp_path / "audits.sqlite")
    folder = tmp_path / "backups"
    folder.mkdir()
    other = folder / "other-20200101T000000Z.sqlite"
    other.write_bytes(b"another database's backup")
    settings = backups.BackupSettings(folder, keep=3)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    try:
        made = [
            backups.automatic_backup(db, settings=settings, now=start + timedelta(minutes=m))
            for m in range(5)
        ]
        again = backups.automatic_backup(db, settings=settings, now=start + timedelta(minutes=4))
    finally:
        db.close()
    assert made[0].name == "audits-20260301T090000Z.sqlite"
    assert again.name == "audits-20260301T090400Z-1.sqlite"  # same second: a new name
    kept = backups.list_backups(folder, "audits")
    assert kept == [made[3], made[4], again]
    assert not made[0].exists() and not made[2].exists() and other.exists()
    assert case_refs(again) == ["C1000", "C1001", "C1002"]


def test_backup_settings_come_from_the_environment(tmp_path, monkeypatch, _isolated_home):
    default = backups.backup_settings()
    assert default.folder == _isolated_home / "backups" and default.keep == 10
    monkeypatch.setenv(backups.ENV_BACKUP_DIR, str(tmp_path / "elsewhere"))
    monkeypatch.setenv(backups.ENV_BACKUP_KEEP, "4")
    assert backups.backup_settings() == backups.BackupSettings(tmp_path / "elsewhere", 4)
    for bad in ("0", "ten", "-2"):
        monkeypatch.setenv(backups.ENV_BACKUP_KEEP, bad)
        with pytest.raises(DatabaseError, match="AUDIT_TOOL_BACKUP_KEEP must be"):
            backups.backup_settings()


def test_backup_on_exit_logs_a_failure_instead_of_raising(tmp_path, caplog, monkeypatch):
    db = world_db(tmp_path / "exit.sqlite")
    try:
        made = backups.backup_on_exit(db)
        assert made is not None and made.parent == backups.backup_settings().folder
        monkeypatch.setenv(backups.ENV_BACKUP_KEEP, "none")
        with caplog.at_level(logging.ERROR):
            assert backups.backup_on_exit(db) is None
    finally:
        db.close()
    assert "automatic backup of" in caplog.text and "must be a whole number" in caplog.text


def test_restore_puts_the_backup_back_and_keeps_the_replaced_file(tmp_path, capsys):
    live = tmp_path / "live.sqlite"
    db = world_db(live)
    copy = backups.backup_database(db, tmp_path / "saved.sqlite")
    lead = Actor.system("test")
    cases.create_case(
        db, lead, CaseInput(ref="C2000", initials="XY", case_type="cin", team="assess_north")
    )
    db.close()
    assert "C2000" in case_refs(live)

    code = cli.run(["--database", str(live), "restore", str(copy)])
    out, err = capsys.readouterr()
    assert code == 0 and err == "" and "Restored" in out and "kept as" in out
    assert case_refs(live) == ["C1000", "C1001", "C1002"]
    (replaced,) = tmp_path.glob("live.replaced-*.sqlite")
    assert "C2000" in case_refs(replaced)
    assert copy.exists()  # the backup itself is left as it was
    assert not list(tmp_path.glob(".live.sqlite.restoring-*"))
    reopened = open_database(live, create=False)
    reopened.close()


def _corrupt(kind: str, good: Path, target: Path) -> None:
    if kind == "garbage":
        target.write_bytes(b"this is not a database; " * 400)
    elif kind == "random":
        target.write_bytes(hashlib.sha512(b"seed").digest() * 128)  # 8 KiB of noise
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "truncated":
        data = good.read_bytes()
        target.write_bytes(data[: len(data) * 2 // 5])
    elif kind == "damaged_page":
        data = bytearray(good.read_bytes())
        data[4096 * 3 : 4096 * 5] = b"\xff" * (4096 * 2)
        target.write_bytes(bytes(data))
    elif kind == "newer":
        target.write_bytes(good.read_bytes())
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
        conn.close()
    elif kind == "not_ours":
        with sqlite3.connect(target) as conn:
            conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
        conn.close()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("garbage", "is not an Audit Tool backup"),
        ("random", "is encrypted .or it is not a database at all.: give its passphrase"),
        ("empty", "is empty"),
        ("truncated", "is damaged"),
        ("damaged_page", "is damaged"),
        ("newer", r"made by a newer version of Audit Tool \(schema 9999_future\)"),
        ("not_ours", "is not an Audit Tool backup"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(tmp_path, capsys, kind, message):
    live = tmp_path / "live.sqlite"
    db = world_db(live)
    good = backups.backup_database(db, tmp_path / "good.sqlite")
    db.close()
    bad = tmp_path / "bad.sqlite"
    _corrupt(kind, good, bad)
    before = digest(live)
    with pytest.raises(DatabaseError, match=message):
        backups.restore_backup(live, bad)
    code = cli.run(["--database", str(live), "restore", str(bad)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert digest(live) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.sqlite",
        "good.sqlite",
        "live.sqlite",
    ]


def test_restore_of_random_bytes_with_a_key_says_wrong_passphrase(tmp_path):
    live = tmp_path / "live.sqlite"
    world_db(live, KEY).close()
    bad = tmp_path / "noise.sqlite"
    _corrupt("random", bad, bad)
    with pytest.raises(EncryptionKeyError, match="Wrong passphrase for .*noise.sqlite"):
        backups.restore_backup(live, bad, KEY)


def test_encrypted_backup_is_encrypted_and_restores_with_the_key(tmp_path, capsys, monkeypatch):
    live = tmp_path / "live.sqlite"
    db = world_db(live, KEY)
    try:
        made = backups.automatic_backup(db)
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM cases WHERE ref = 'C1002'"))
    finally:
        db.close()
    raw = made.read_bytes()
    assert crypto.is_encrypted(made) and b"C1000" not in raw and b"Priya Lead" not in raw
    before = digest(live)
    with pytest.raises(
        EncryptionKeyError, match="is encrypted .or it is not a database at all.: give"
    ):
        backups.restore_backup(live, made)
    with pytest.raises(EncryptionKeyError, match="Wrong passphrase"):
        backups.restore_backup(live, made, "some other passphrase")
    code = cli.run(["--database", str(live), "restore", str(made)])
    err = capsys.readouterr().err
    assert code == 1 and "is encrypted" in err and err.count("\n") == 1
    assert digest(live) == before

    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    code = cli.run(["--database", str(live), "restore", str(made)])
    assert code == 0, capsys.readouterr().err
    assert crypto.is_encrypted(live)
    assert case_refs(live, KEY) == ["C1000", "C1001", "C1002"]


def test_restore_refuses_a_database_that_is_open(tmp_path):
    live = tmp_path / "live.sqlite"
    db = world_db(live)
    copy = backups.backup_database(db, tmp_path / "copy.sqlite")
    try:
        with pytest.raises(DatabaseError, match="open in this program"):
            backups.restore_backup(live, copy)
    finally:
        db.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"conn = sqlite3.connect({str(live)!r})\n"
            "conn.execute('SELECT count(*) FROM cases').fetchone()\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        before = digest(live)
        with pytest.raises(DatabaseError, match="in use"):
            backups.restore_backup(live, copy)
        assert digest(live) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    assert backups.restore_backup(live, copy).replaced is not None


def test_backup_without_out_goes_to_the_backups_folder(tmp_path, capsys, monkeypatch):
    live = tmp_path / "cli.sqlite"
    world_db(live).close()
    monkeypatch.setenv(backups.ENV_BACKUP_DIR, str(tmp_path / "kept"))
    code = cli.run(["--database", str(live), "backup"])
    out = capsys.readouterr().out
    (made,) = backups.list_backups(tmp_path / "kept", "cli")
    assert code == 0 and str(made) in out and crypto.is_plain_sqlite(made)
