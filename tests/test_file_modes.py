"""Every file the application writes is readable by the user alone (0600, folders 0700) on
POSIX whatever the umask: databases and their -wal/-shm files, backups, restored and converted
databases, check-out files, exports (pack, report JSON/PDF/XLSX, briefing PDFs and text, case
and learning exports), crash.log and the data folders. On Windows the data folder is in the
user's profile, private by its access list (docs/security.md)."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from audit_tool import cli
from audit_tool.store import open_database

pytestmark = pytest.mark.skipif(
    sys.platform == "win32",
    reason="POSIX modes; on Windows the access list of the user's profile keeps files private",
)

PASSPHRASE = "correct horse battery staple"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask022():
    """The usual umask, under which a plain open() makes files 0644 and folders 0755."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_database_and_its_wal_and_shm_files_are_private(tmp_path):
    for name, key in (("plain.sqlite", None), ("encrypted.sqlite", PASSPHRASE)):
        path = tmp_path / name
        db = open_database(path, key=key)
        try:
            wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
            assert wal.exists() and shm.exists(), name
            assert {mode(p) for p in (path, wal, shm)} == {0o600}, name
        finally:
            db.close()


def test_command_line_writes_are_private(tmp_path, capsys, monkeypatch, _isolated_home):
    path = tmp_path / "d.sqlite"
    assert run(capsys, "--database", str(path), "demo", "--audits", "300", "--seed", "2")[0] == 0
    assert mode(path) == 0o600
    with sqlite3.connect(path) as conn:
        (programme,) = conn.execute(
            "SELECT p.key FROM programmes p JOIN audits a ON a.programme_id = p.id "
            "WHERE a.status = 'final' AND p.kind = 'thematic' GROUP BY p.key "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    conn.close()
    db = ["--database", str(path)]
    dates = ["--from", "2025-01-01", "--to", "2026-12-31"]
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        ["backup", "--out", str(out / "copy.sqlite")],
        ["backup"],  # the automatic backups folder in the data folder
        ["export-pack", "--out", str(out / "pack.json")],
        ["report", *dates, "--format", "json", "--out", str(out / "r.json")],
        ["report", *dates, "--format", "pdf", "--out", str(out / "r.pdf")],
        ["report", *dates, "--format", "xlsx", "--out", str(out / "r.xlsx")],
        ["briefing", "--programme", programme, "--out", str(out / "b.pdf")]
        + ["--text-only", str(out / "b.txt")],
    ]
    for argv in commands:
        code, _out, err = run(capsys, *db, *argv)
        assert (code, err) == (0, ""), (argv, err)
    written = sorted(out.iterdir())
    assert [p.name for p in written] == [
        "b-accessible.pdf",
        "b.pdf",
        "b.txt",
        "copy.sqlite",
        "pack.json",
        "r.json",
        "r.pdf",
        "r.xlsx",
    ]
    assert {p.name: mode(p) for p in written} == {p.name: 0o600 for p in written}
    backups = _isolated_home / "backups"
    assert mode(_isolated_home) == 0o700 and mode(backups) == 0o700
    assert [mode(p) for p in backups.iterdir()] == [0o600]

    # Encrypting, decrypting (and the encrypted original kept) and restoring.
    monkeypatch.setenv("AUDIT_TOOL_DB_PASSPHRASE", PASSPHRASE)
    assert run(capsys, *db, "db", "encrypt")[0] == 0
    assert mode(path) == 0o600
    path.chmod(0o644)  # as an older version left it: the encrypted original kept is private
    assert run(capsys, *db, "db", "decrypt")[0] == 0
    assert [mode(p) for p in tmp_path.glob("d.bak-*.sqlite")] == [0o600]
    assert mode(path) == 0o600
    path.chmod(0o644)  # a database from an older version
    code, _out, err = run(capsys, *db, "restore", str(out / "copy.sqlite"))
    assert (code, err) == (0, ""), err
    assert mode(path) == 0o600


def test_crash_log_is_private_even_if_an_older_version_made_it_readable(
    capsys, monkeypatch, _isolated_home
):
    crash = _isolated_home / "crash.log"
    crash.write_text("an older report\n")
    crash.chmod(0o644)

    def explode(_args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_dispatch", explode)
    code, _out, err = run(capsys, "log", "verify")
    assert code == 70 and str(crash) in err
    assert mode(crash) == 0o600 and crash.read_text().startswith("an older report\n")


def test_check_out_file_is_private(world, tmp_path):
    from audit_tool.services import checkout
    from tests.factories import looped_audit

    looped_audit(world)
    target = tmp_path / "laptop" / "offline.sqlite"
    target.parent.mkdir()
    checkout.checkout(world.db, world.auditor, target)
    assert mode(target) == 0o600


def test_case_and_learning_exports_are_private(sqlite_world, tmp_path):
    from audit_tool.services import learning_export
    from audit_tool.services.case_export import export_cases
    from audit_tool.services.cases import CaseQuery
    from audit_tool.services.feedback import FeedbackFilter
    from audit_tool.services.learning import LearningFilter

    out = tmp_path / "out"
    out.mkdir()
    world = sqlite_world
    export_cases(world.db, world.lead, CaseQuery(), out / "cases.csv")
    export_cases(world.db, world.lead, CaseQuery(), out / "cases.xlsx")
    learning_export.export_workbook(
        world.db, world.lead, out / "learning.xlsx", learning=LearningFilter(),
        feedback=FeedbackFilter(),
    )  # fmt: skip
    assert {p.name: mode(p) for p in out.iterdir()} == {
        "cases.csv": 0o600,
        "cases.xlsx": 0o600,
        "learning.xlsx": 0o600,
    }
