"""Crash test: a process writing through the services is killed (SIGKILL) at 25 random
moments. After each kill the database file is intact, every write the process reported as
committed is there (with its change-log entry), the app opens it and the chain verifies."""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from audit_tool.access.actors import Actor
from audit_tool.services import changelog, reference
from audit_tool.store import open_database

KILLS = 25
SEED = 20260630

# The writer: opens the database as the app does, then creates cases one transaction at a time
# and prints each reference once its transaction has committed.
WRITER = """
import sys
from audit_tool.services import cases
from audit_tool.access.actors import Actor
from audit_tool.store import open_database

db = open_database(sys.argv[1], create=False)
actor = Actor.system("crash writer")
prefix = sys.argv[2]
print("ready", flush=True)
i = 0
while True:
    i += 1
    ref = f"{prefix}-{i}"
    cases.create_case(
        db, actor, cases.CaseInput(ref=ref, initials="KW", case_type="cin", team="crash")
    )
    print(ref, flush=True)
"""


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    """Pass each line the writer prints on, then None at its end (a thread: Windows cannot
    wait on a pipe with select)."""
    for line in iter(stream.readline, b""):
        lines.put(line)
    lines.put(None)


def _run_and_kill(path: Path, prefix: str, delay: float) -> list[str]:
    """Start the writer, let it write for `delay` seconds after it is ready, kill it (SIGKILL
    on POSIX, TerminateProcess on Windows: no clean-up either way) and return the references
    it reported as committed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    lines: queue.Queue[bytes | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        first = lines.get(timeout=30)
    except queue.Empty:
        first = None
    if first != b"ready\n":
        proc.kill()
        proc.wait(timeout=30)
        pytest.fail(f"the writer never got ready: {proc.stderr.read().decode()}")
    got: list[bytes] = []
    deadline = time.monotonic() + delay
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            item = lines.get(timeout=remaining)
        except queue.Empty:
            break
        if item is None:
            break  # the writer ended by itself: reported below
        got.append(item)
    alive = proc.poll() is None
    proc.kill()
    proc.wait(timeout=30)
    reader.join(timeout=30)
    while not lines.empty():
        item = lines.get_nowait()
        if item is not None:
            got.append(item)
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    assert alive, f"the writer stopped by itself: {err.decode()}"
    assert proc.returncode == (1 if sys.platform == "win32" else -signal.SIGKILL)
    return [line for line in b"".join(got).decode().splitlines() if line]


@pytest.mark.slow
def test_sigkill_during_writes_never_corrupts_or_loses_a_committed_write(tmp_path):
    path = tmp_path / "crash.sqlite"
    db = open_database(path)
    setup = Actor.system("set-up")
    reference.save_agency(db, setup, key="csc", name="Children's Social Care")
    reference.save_team(
        db, setup, key="crash", name="Crash Team", agency_key="csc", service_area="Crash"
    )
    db.close()

    rng = random.Random(SEED)
    committed: list[str] = []
    for kill in range(KILLS):
        committed += _run_and_kill(path, f"K{kill}", rng.uniform(0.05, 0.4))

        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], kill
            refs = {r[0] for r in conn.execute("SELECT ref FROM cases")}
            missing = [r for r in committed if r not in refs]
            assert not missing, f"after kill {kill}: committed cases lost: {missing[:5]}"
            # Each case and its change-log entry are one transaction: never one without the other.
            (logged,) = conn.execute(
                "SELECT count(*) FROM change_log WHERE entity = 'case' AND action = 'create'"
            ).fetchone()
            assert logged == len(refs), kill
        conn.close()

        reopened = open_database(path, create=False)
        try:
            ok, message = changelog.verify(reopened)
            assert ok, f"after kill {kill}: {message}"
        finally:
            reopened.close()
    assert len(committed) > KILLS  # the writer really wrote between kills
