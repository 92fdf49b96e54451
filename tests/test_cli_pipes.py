"""A reader that stops reading: `audit-tool log verify | head -1` and the like end quietly,
with no BrokenPipeError and no crash report (issue #12, finding 7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit_tool import cli, crash
from audit_tool.store import open_database
from tests.factories import build_world


@pytest.fixture
def database(tmp_path, system) -> Path:
    path = tmp_path / "pipe.sqlite"
    db = open_database(path)
    build_world(db, system)
    db.close()
    return path


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["log", "verify"], cli.EXIT_OUTPUT_CLOSED),
        (["retention", "--dry-run"], cli.EXIT_OUTPUT_CLOSED),
        # argparse drops its own output on a closed pipe and exits 0, as it always has.
        (["--version"], 0),
        (["--help"], 0),
    ],
    ids=["log-verify", "retention-dry-run", "version", "help"],
)
def test_a_closed_stdout_ends_the_command_quietly(database, argv, expected):
    command = [sys.executable, "-m", "audit_tool", "--database", str(database), *argv]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the interpreter has started: every write fails
    with proc.stderr:
        err = proc.stderr.read().decode("utf-8", "replace")
    code = proc.wait(timeout=120)
    assert err == ""
    assert code == expected
    assert not (Path(os.environ["AUDIT_TOOL_HOME"]) / crash.REPORT_FILE).exists()


def test_the_same_command_with_its_reader_prints_as_before(database):
    result = subprocess.run(
        [sys.executable, "-m", "audit_tool", "--database", str(database), "log", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "verified" in result.stdout and "newest entry" in result.stdout
