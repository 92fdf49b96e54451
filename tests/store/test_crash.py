"""Crash test: a process writing through the services is killed with SIGKILL at 50 random
moments. After each kill the database file is intact, every write the process reported as
committed is there (with its change-log entry), the app opens it and the chain verifies."""

from __future__ import annotations

import os
import random
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit_tool.services import changelog, reference
from audit_tool.services.actors import Actor
from audit_tool.store import open_database

KILLS = 50
SEED = 20260630

# The writer: opens the database as the app does, then creates cases one transaction at a time
# and prints each reference once its transaction has committed.
WRITER = """
import sys
from audit_tool.services import cases
from audit_tool.services.actors import Actor
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


def _run_and_kill(path: Path, prefix: str, delay: float) -> list[str]:
    """Start the writer, let it write for `delay` seconds after it is ready, SIGKILL it and
    return the references it reported as committed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    buffer = b""
    deadline: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        start = time.monotonic()
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            if deadline is None and now - start > 30:
                proc.kill()
                pytest.fail(f"the writer never got ready: {proc.stderr.read().decode()}")
            timeout = 0.05 if deadline is None else max(deadline - now, 0)
            if selector.select(timeout):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break  # the writer ended by itself: reported below
                buffer += chunk
                if deadline is None and b"ready\n" in buffer:
                    deadline = time.monotonic() + delay
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    assert alive, f"the writer stopped by itself: {err.decode()}"
    assert proc.returncode == -signal.SIGKILL
    lines = (buffer + rest).decode().splitlines()
    assert lines and lines[0] == "ready"
    return [line for line in lines[1:] if line]


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
