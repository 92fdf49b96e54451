"""Encryption at rest: SQLCipher files hide their content, open only with the passphrase,
convert both ways without losing a row, and the command line finds the passphrase."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError, EncryptionKeyError, ValidationError
from audit_tool.services import learning
from audit_tool.store import crypto, migrate, open_database
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.store.urls import to_url
from tests import factories

KEY = "correct horse battery staple"
CASE_REF = "C1000"
LEARNING_TEXT = "Sibling's school move was missed in the chronology"


@pytest.fixture(autouse=True)
def _no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)


def fill(path: Path, key: str | None) -> None:
    """An Audit Tool database with an audit of CASE_REF, a learning point and a review."""
    db = open_database(path, key=key)
    try:
        world = factories.build_world(db, Actor.system("test set-up"))
        uuid = factories.looped_audit(world, ref=CASE_REF)
        learning.add_learning_point(
            db, world.auditor, uuid, kind="development", text=LEARNING_TEXT, themes=["neglect"]
        )
        factories.complete_review(world, world.auditor, uuid)
    finally:
        db.close()


def file_bytes(path: Path) -> bytes:
    """The database file and any write-ahead log beside it, as bytes."""
    data = path.read_bytes()
    wal = Path(f"{path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def all_rows(conn) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def cli_run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_encrypted_file_holds_no_case_reference_or_learning_text(tmp_path):
    plain, secret = tmp_path / "plain.sqlite", tmp_path / "secret.sqlite"
    fill(plain, None)
    fill(secret, KEY)
    # The same data in a plain file is readable: the check below could fail.
    assert CASE_REF.encode() in file_bytes(plain) and LEARNING_TEXT.encode() in file_bytes(plain)
    raw = file_bytes(secret)
    assert crypto.is_encrypted(secret) and not crypto.is_plain_sqlite(secret)
    assert not raw.startswith(b"SQLite format 3")
    for needle in (CASE_REF, LEARNING_TEXT, "Priya Lead", "alembic_version"):
        assert needle.encode() not in raw
        assert needle.encode("utf-16-le") not in raw


def test_encrypted_file_opens_with_its_key_and_fails_cleanly_without(tmp_path):
    path = tmp_path / "secret.sqlite"
    fill(path, KEY)
    with pytest.raises(EncryptionKeyError, match="secret.sqlite is encrypted: give its passphrase"):
        open_database(path)
    with pytest.raises(EncryptionKeyError, match="Wrong passphrase"):
        open_database(path, key="not the passphrase at all")
    db = open_database(path, key=KEY)
    try:
        assert db.key == KEY and db.is_encrypted
        assert db.current_revision() == SCHEMA_HEAD
        with db.engine.connect() as conn:
            # The same settings as plain files, on every connection.
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            assert conn.execute(text("SELECT initials FROM cases WHERE ref = :r"), {"r": CASE_REF})
    finally:
        db.close()


def test_junk_is_not_mistaken_for_an_encrypted_file(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00\x01not a database at all" * 100)
    assert not crypto.is_encrypted(junk)
    with pytest.raises(DatabaseError, match="not an Audit Tool database") as info:
        open_database(junk, key=KEY)
    assert not isinstance(info.value, EncryptionKeyError)


def test_command_line_without_the_passphrase_is_one_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "secret.sqlite"
    fill(path, KEY)
    code, out, err = cli_run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "is encrypted" in err and crypto.ENV_PASSPHRASE in err
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, "a wrong passphrase")
    code, _out, err = cli_run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and err.count("\n") == 1 and "Wrong passphrase" in err
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    code, out, err = cli_run(capsys, "--database", str(path), "log", "verify")
    assert code == 0 and err == ""


def test_encrypt_decrypt_round_trip_keeps_every_row(tmp_path):
    path = tmp_path / "audits.sqlite"
    fill(path, None)
    with sqlite3.connect(path) as conn:
        before = all_rows(conn)
    conn.close()
    assert sum(len(rows) for rows in before.values()) > 100

    result = crypto.encrypt_file(path, KEY)
    assert result.path == path.resolve() and result.kept is None  # no plain copy left behind
    assert sorted(result.tables) == sorted(before)
    assert crypto.is_encrypted(path) and CASE_REF.encode() not in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["audits.sqlite"]
    encrypted = crypto.connect(path, KEY)
    try:
        assert all_rows(encrypted) == before
    finally:
        encrypted.close()

    result = crypto.decrypt_file(path, KEY)
    assert crypto.is_plain_sqlite(path)
    assert result.kept is not None and crypto.is_encrypted(result.kept)
    assert result.kept.name.startswith("audits.bak-")
    with sqlite3.connect(path) as conn:
        assert all_rows(conn) == before
    conn.close()
    db = open_database(path)
    try:
        assert db.key is None and db.current_revision() == SCHEMA_HEAD
    finally:
        db.close()


def test_conversions_refuse_what_they_cannot_do(tmp_path):
    path = tmp_path / "a.sqlite"
    fill(path, None)
    with pytest.raises(DatabaseError, match="is not encrypted"):
        crypto.decrypt_file(path, KEY)
    with pytest.raises(ValidationError, match="at least"):
        crypto.encrypt_file(path, "short")
    with pytest.raises(DatabaseError, match="No database at"):
        crypto.encrypt_file(tmp_path / "missing.sqlite", KEY)
    crypto.encrypt_file(path, KEY)
    with pytest.raises(DatabaseError, match="already encrypted"):
        crypto.encrypt_file(path, KEY)
    before = path.read_bytes()
    with pytest.raises(EncryptionKeyError, match="Wrong passphrase"):
        crypto.decrypt_file(path, "another passphrase here")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite"]


def test_encrypt_refuses_a_database_in_use(tmp_path):
    path = tmp_path / "busy.sqlite"
    fill(path, None)
    db = open_database(path)
    try:
        with pytest.raises(DatabaseError, match="open in this program"):
            crypto.encrypt_file(path, KEY)
    finally:
        db.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"conn = sqlite3.connect({str(path)!r})\n"
            "conn.execute('PRAGMA journal_mode=WAL')\n"
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
        with pytest.raises(DatabaseError, match="in use"):
            crypto.encrypt_file(path, KEY)
        assert crypto.is_plain_sqlite(path)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
        if holder.stdout is not None:
            holder.stdout.close()
    crypto.encrypt_file(path, KEY)  # free again
    assert crypto.is_encrypted(path)


def test_passphrase_rules():
    crypto.validate_new_passphrase(KEY, KEY)
    for bad, confirm, field in [
        ("short", None, "passphrase"),
        (" padded passphrase ", None, "passphrase"),
        ("x'00112233445566778899'", None, "passphrase"),
        (KEY, KEY + "!", "confirm"),
    ]:
        with pytest.raises(ValidationError) as info:
            crypto.validate_new_passphrase(bad, confirm)
        assert field in info.value.fields


def test_passphrase_lookup_order(tmp_path, memory_keyring):
    path = tmp_path / "db.sqlite"
    asked: list[str] = []

    def prompt(message: str) -> str:
        asked.append(message)
        return "typed passphrase"

    env = {crypto.ENV_PASSPHRASE: "from the environment"}
    assert crypto.passphrase_for_file(path, environ=env, prompt=prompt) == "from the environment"
    memory_keyring.set_password(crypto.KEYRING_SERVICE, str(path.resolve()), "from the keyring")
    assert crypto.passphrase_for_file(path, environ=env, prompt=prompt) == "from the environment"
    assert crypto.passphrase_for_file(path, environ={}, prompt=prompt) == "from the keyring"
    assert asked == []
    memory_keyring.items.clear()
    got = crypto.passphrase_for_file(path, environ={}, prompt=prompt, interactive=True)
    assert got == "typed passphrase" and asked == [f"Passphrase for {path}: "]
    with pytest.raises(EncryptionKeyError, match="keyring, or run from a terminal"):
        crypto.passphrase_for_file(path, environ={}, prompt=prompt, interactive=False)


def test_new_passphrase_is_asked_twice_and_checked():
    answers = iter([KEY, KEY + "?"])
    with pytest.raises(ValidationError, match="not the same"):
        crypto.new_passphrase(environ={}, prompt=lambda _m: next(answers), interactive=True)
    answers = iter([KEY, KEY])
    assert crypto.new_passphrase(environ={}, prompt=lambda _m: next(answers), interactive=True)
    with pytest.raises(EncryptionKeyError, match="run from a terminal"):
        crypto.new_passphrase(environ={}, interactive=False)


def test_command_line_encrypt_remember_decrypt(tmp_path, capsys, monkeypatch, memory_keyring):
    path = tmp_path / "cli.sqlite"
    code, _out, _err = cli_run(capsys, "--database", str(path), "demo", "--audits", "5")
    assert code == 0 and crypto.is_plain_sqlite(path)  # no passphrase set: stays plain
    code, out, err = cli_run(capsys, "--database", str(path), "db", "encrypt")
    assert code == 1 and err.count("\n") == 1 and crypto.ENV_PASSPHRASE in err
    assert crypto.is_plain_sqlite(path)

    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    code, out, err = cli_run(capsys, "--database", str(path), "db", "encrypt", "--remember")
    assert code == 0 and err == "" and "is now encrypted" in out and "keyring" in out
    assert crypto.is_encrypted(path)
    assert memory_keyring.items == {(crypto.KEYRING_SERVICE, str(path.resolve())): KEY}

    # Without the variable the keyring supplies the passphrase.
    monkeypatch.delenv(crypto.ENV_PASSPHRASE)
    code, out, err = cli_run(capsys, "--database", str(path), "log", "verify")
    assert code == 0 and err == ""
    code, out, err = cli_run(capsys, "--database", str(path), "db", "decrypt")
    assert code == 0 and "now a plain file" in out
    assert crypto.is_plain_sqlite(path) and memory_keyring.items == {}
    code, out, err = cli_run(capsys, "--database", str(path), "db", "decrypt")
    assert code == 1 and "is not encrypted" in err and err.count("\n") == 1


def test_a_new_database_from_the_command_line_is_encrypted_when_a_passphrase_is_set(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    path = tmp_path / "new.sqlite"
    code, out, _err = cli_run(capsys, "--database", str(path), "demo", "--audits", "3")
    assert code == 0 and crypto.is_encrypted(path)
    out_file = tmp_path / "copy.sqlite"
    code, out, _err = cli_run(capsys, "--database", str(path), "backup", "--out", str(out_file))
    assert code == 0 and "(encrypted)" in out and crypto.is_encrypted(out_file)
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, "short")
    code, _out, err = cli_run(capsys, "--database", str(tmp_path / "n2.sqlite"), "demo")
    assert code == 1 and "at least" in err and not (tmp_path / "n2.sqlite").exists()


def test_upgrading_an_encrypted_database_keeps_an_encrypted_backup(tmp_path, capsys, monkeypatch):
    path = tmp_path / "old.sqlite"
    engine = create_engine(to_url(path))
    migrate.upgrade(engine, "0001_initial")
    engine.dispose()
    crypto.encrypt_file(path, KEY)
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, KEY)
    code, out, err = cli_run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and err == "" and f"0001_initial -> {SCHEMA_HEAD}" in out
    (backup,) = tmp_path.glob("old.before-0001_initial-upgrade-*.sqlite")
    assert crypto.is_encrypted(backup) and crypto.is_encrypted(path)
    conn = crypto.connect(backup, KEY)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "0001_initial",
        )
    finally:
        conn.close()


def test_postgresql_urls_keep_sslmode():
    url = to_url("postgresql://audit@db.example.org/audits?sslmode=require")
    assert url.get_driver_name() == "psycopg" and url.query["sslmode"] == "require"
    full = to_url("postgresql+psycopg://audit@db/audits?sslmode=verify-full&sslrootcert=/ca.pem")
    assert full.query == {"sslmode": "verify-full", "sslrootcert": "/ca.pem"}
    with pytest.raises(DatabaseError, match="Unknown sslmode 'required'"):
        to_url("postgresql://audit@db/audits?sslmode=required")


def test_encryption_is_for_sqlite_files(capsys):
    code, _out, err = cli_run(capsys, "--database", "postgresql://u@h/db", "db", "encrypt")
    assert code == 1 and "PostgreSQL server" in err and err.count("\n") == 1


def test_files_made_by_the_old_sqlcipher3_binary_package_still_open(tmp_path):
    """Issue 13: sqlcipher3-binary (Linux only) gave way to sqlcipher3 (every OS). The file in
    tests/store/data was made once by crypto.connect with sqlcipher3-binary 0.6.0 (SQLCipher
    4.12.0): a table, a row and user_version 8. The new package opens it with the passphrase,
    refuses a wrong one, and decrypts it without losing the row."""
    path = tmp_path / "old.sqlite"
    path.write_bytes(
        (Path(__file__).parent / "data" / "sqlcipher3-binary-0.6.0.sqlite").read_bytes()
    )
    assert crypto.is_encrypted(path) and CASE_REF.encode() not in path.read_bytes()
    with pytest.raises(EncryptionKeyError, match="Wrong passphrase"):
        crypto.check_key(path, "not the passphrase at all")
    crypto.check_key(path, KEY)
    conn = crypto.connect(path, KEY)
    try:
        assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 8
        rows = conn.execute("SELECT ref, note FROM cases").fetchall()
    finally:
        conn.close()
    assert rows == [(CASE_REF, LEARNING_TEXT)]

    crypto.decrypt_file(path, KEY)
    with sqlite3.connect(path) as plain:
        assert plain.execute("SELECT ref, note FROM cases").fetchall() == rows
    plain.close()
