"""`db encrypt` / `db decrypt` replace the database file the way Windows allows: every
connection to it closed first, a sharing violation tried again, and the hidden copies a killed
run leaves deleted by the next run (and, once stale, on opening); a clean failure leaves none."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit_tool import fileio
from audit_tool.errors import DatabaseError
from audit_tool.store import crypto, open_database
from tests.store.test_crypto import KEY, all_rows, fill
from tests.test_fileio import sharing_violation


@pytest.fixture(autouse=True)
def _no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crypto.ENV_PASSPHRASE, raising=False)


@pytest.fixture
def no_wait(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(fileio, "_sleep", pauses.append)
    return pauses


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        found = all_rows(conn)
    conn.close()
    return found


def open_handles(path: Path) -> list[str]:
    """The file descriptors of this process that point at `path` (Linux)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                found.append(fd)
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see open files")
def test_the_original_is_closed_before_it_is_replaced(tmp_path, monkeypatch):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    real = os.replace
    held: list[list[str]] = []

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(dst) == path:
            held.append(open_handles(path))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    crypto.encrypt_file(path, KEY)
    crypto.decrypt_file(path, KEY)
    assert held == [[], []]  # Windows refuses to replace a file that is still open


def test_a_sharing_violation_while_swapping_in_is_tried_again(tmp_path, monkeypatch, no_wait):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    before = rows(path)
    real = os.replace
    fails = [2]

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(dst) == path and fails[0]:
            fails[0] -= 1
            raise sharing_violation()
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    crypto.encrypt_file(path, KEY)
    assert crypto.is_encrypted(path) and len(no_wait) == 2 and hidden(tmp_path) == []
    conn = crypto.connect(path, KEY)
    try:
        assert all_rows(conn) == before
    finally:
        conn.close()


def test_a_database_held_by_another_program_stays_as_it_was(tmp_path, monkeypatch, no_wait):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    before = rows(path)
    real = os.replace

    def replace(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(dst) == path:
            raise sharing_violation()
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(fileio.FileInUseError, match="another program has it open"):
        crypto.encrypt_file(path, KEY)
    assert crypto.is_plain_sqlite(path) and rows(path) == before
    assert hidden(tmp_path) == []  # the encrypted copy is not left beside it


def test_a_write_after_the_copy_was_taken_stops_the_swap(tmp_path, monkeypatch):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    real_verify = crypto.verify_copy

    def verify_while_another_program_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        real_verify(*args, **kwargs)
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE written_meanwhile (x)")
        other.close()

    monkeypatch.setattr(crypto, "verify_copy", verify_while_another_program_writes)
    with pytest.raises(DatabaseError, match="changed while it was being converted"):
        crypto.encrypt_file(path, KEY)
    assert crypto.is_plain_sqlite(path) and "written_meanwhile" in rows(path)
    assert hidden(tmp_path) == []


def test_a_failed_check_leaves_no_copy(tmp_path, monkeypatch):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)

    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("The new file failed its integrity check: simulated")

    monkeypatch.setattr(crypto, "verify_copy", refuse)
    with pytest.raises(DatabaseError, match="simulated"):
        crypto.encrypt_file(path, KEY)
    assert crypto.is_plain_sqlite(path) and hidden(tmp_path) == []


KILLED_ENCRYPT = """
import sys
from audit_tool.store import crypto

def stop_here(*args, **kwargs):
    print("copied", flush=True)
    sys.stdin.read()  # killed while waiting here, the copy made and not yet checked

crypto.verify_copy = stop_here
crypto.encrypt_file(sys.argv[1], sys.argv[2])
"""


def test_copies_left_by_a_killed_encrypt_are_deleted_by_the_next_run(tmp_path):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    before = rows(path)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_ENCRYPT, str(path), KEY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "copied\n", child.stderr.read() if child.stderr else ""
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up
        child.communicate(timeout=30)
    left = hidden(tmp_path)
    assert left and all(".a.sqlite.converting-" in name for name in left)
    assert crypto.is_plain_sqlite(path) and rows(path) == before

    crypto.encrypt_file(path, KEY)
    assert hidden(tmp_path) == [] and crypto.is_encrypted(path)


def test_stale_copies_are_deleted_on_opening_and_fresh_ones_left(tmp_path):
    path = (tmp_path / "a.sqlite").resolve()
    fill(path, None)
    leftovers = [
        tmp_path / ".a.sqlite.converting-20260101T000000Z",
        tmp_path / ".a.sqlite.converting-20260101T000000Z-journal",
        tmp_path / ".a.sqlite.restoring-20260101T000000Z",
    ]
    for leftover in leftovers:
        leftover.write_bytes(path.read_bytes())
    other = tmp_path / ".b.sqlite.converting-20260101T000000Z"  # another database's: not ours
    other.write_bytes(b"x")

    # Just written: it may be a conversion running now in another process.
    open_database(path, create=False).close()
    assert all(p.exists() for p in leftovers)

    old = time.time() - crypto.STALE_AFTER_SECONDS - 60
    for leftover in (*leftovers, other):
        os.utime(leftover, (old, old))
    open_database(path, create=False).close()
    assert not any(p.exists() for p in leftovers) and other.exists()
