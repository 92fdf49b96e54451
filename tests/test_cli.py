"""The command line as other tools use it: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import create_engine

from audit_tool import cli
from audit_tool.store import database, migrate
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.store.urls import to_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_fills_a_new_database_deterministically(tmp_path, capsys):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (a, b):
        code, out, err = run(
            capsys,
            "--database",
            str(path),
            "demo",
            "--audits",
            "60",
            "--seed",
            "3",
            "--today",
            "2026-06-30",
        )
        assert code == 0 and err == "" and "60 audits" in out
    queries = [
        "SELECT ref, initials, case_type FROM cases ORDER BY ref",
        "SELECT key FROM people ORDER BY key",
    ]
    with sqlite3.connect(a) as left, sqlite3.connect(b) as right:
        for query in queries:
            assert left.execute(query).fetchall() == right.execute(query).fetchall()


def test_demo_refuses_a_database_that_has_data(tmp_path, capsys):
    path = tmp_path / "d.sqlite"
    assert run(capsys, "--database", str(path), "demo", "--audits", "5")[0] == 0
    code, _out, err = run(capsys, "--database", str(path), "demo", "--audits", "5")
    assert code == 1 and err.count("\n") == 1 and err.startswith("audit-tool: error: ")


def test_db_upgrade_reports_the_backup(tmp_path, capsys):
    path = tmp_path / "old.sqlite"
    engine = create_engine(to_url(path))
    migrate.upgrade(engine, "0001_initial")
    engine.dispose()
    code, out, err = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and err == ""
    assert f"0001_initial -> {SCHEMA_HEAD}" in out and "Backup of the old database" in out
    code, out, _ = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and "up to date" in out


def test_db_check_compares_the_reports_kept_counts_and_repairs_them(tmp_path, capsys):
    path = tmp_path / "d.sqlite"
    assert run(capsys, "--database", str(path), "demo", "--audits", "60", "--seed", "3")[0] == 0
    code, out, err = run(capsys, "--database", str(path), "db", "check")
    assert (code, err) == (0, "") and "equal a recount" in out
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE report_answer_counts SET n = n + 2 WHERE rowid = 1")
    code, out, _ = run(capsys, "--database", str(path), "db", "check")
    assert code == 1 and ", counted " in out and "1 kept count(s) differ" in out
    code, out, _ = run(capsys, "--database", str(path), "db", "check", "--repair")
    assert code == 0 and "recounted" in out
    code, out, _ = run(capsys, "--database", str(path), "db", "check")
    assert code == 0 and "equal a recount" in out


def test_a_database_the_command_line_creates_has_the_defaults(tmp_path, capsys, monkeypatch):
    """The command line (the window starts there too) registers the defaults itself."""
    monkeypatch.setattr(database, "_ON_CREATE", [])
    path = tmp_path / "new.sqlite"
    code, _out, err = run(capsys, "--database", str(path), "db", "upgrade")
    assert code == 0 and err == ""
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audit_templates").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM grading_scales").fetchone()[0] == 1


def test_log_verify_passes_then_fails_with_one_line_after_tampering(tmp_path, capsys):
    path = tmp_path / "log.sqlite"
    run(capsys, "--database", str(path), "demo", "--audits", "5")
    code, out, _ = run(capsys, "--database", str(path), "log", "verify")
    with sqlite3.connect(path) as conn:
        newest_id, newest_hash = conn.execute(
            "SELECT id, hash FROM change_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert code == 0 and "change log entries verified" in out
    assert f"newest entry {newest_id}, hash {newest_hash}" in out
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO change_log (at, actor_name, action, entity, summary, reason) "
            "VALUES ('2026-01-01', 'x', 'create', 'case', 'planted', '')"
        )
    code, out, err = run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and err.count("\n") == 1 and "does not match the chain" in err


def test_backup_writes_a_copy(tmp_path, capsys):
    path = tmp_path / "src.sqlite"
    run(capsys, "--database", str(path), "demo", "--audits", "5")
    code, out, _ = run(
        capsys, "--database", str(path), "backup", "--out", str(tmp_path / "copy.sqlite")
    )
    assert code == 0 and "Backup written" in out
    with sqlite3.connect(tmp_path / "copy.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] > 0


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "verify"],  # a database that does not exist
        ["backup", "--out", "x.sqlite"],
    ],
)
def test_missing_database_is_one_line_not_a_traceback(tmp_path, capsys, argv):
    code, _out, err = run(capsys, "--database", str(tmp_path / "nope.sqlite"), *argv)
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err


def test_bad_arguments_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.run(["demo", "--audits", "-4"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and "must be 0 or more" in err


def test_help_lists_only_working_commands():
    out = subprocess.run(
        [sys.executable, "-m", "audit_tool", "--help"], capture_output=True, text=True, check=True
    ).stdout
    working = ("demo", "import-cases", "export-pack", "import-pack", "db", "backup", "restore")
    for command in (*working, "log", "retention", "briefing", "report"):
        assert command in out


def test_briefing_is_drafted_then_exported_again(tmp_path, capsys):
    from pypdf import PdfReader

    path = tmp_path / "d.sqlite"
    assert run(capsys, "--database", str(path), "demo", "--audits", "300", "--seed", "2")[0] == 0
    with sqlite3.connect(path) as conn:
        (key,) = conn.execute(
            "SELECT p.key FROM programmes p JOIN audits a ON a.programme_id = p.id "
            "WHERE a.status = 'final' AND p.kind = 'thematic' GROUP BY p.key "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    out_pdf, out_txt = tmp_path / "b.pdf", tmp_path / "b.txt"
    code, out, err = run(
        capsys,
        "--database",
        str(path),
        "briefing",
        "--programme",
        key,
        "--out",
        str(out_pdf),
        "--text-only",
        str(out_txt),
    )
    assert (code, err) == (0, ""), err
    assert "drafted from the audits" in out
    reader = PdfReader(out_pdf)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert len(reader.pages) >= 3
    text = out_txt.read_text(encoding="utf-8")
    assert "What worked well" in text and "Voice of the child and family" in text
    # The text-only PDF goes beside the text, not over the designed PDF of the same name.
    accessible = PdfReader(tmp_path / "b-accessible.pdf")
    box = accessible.pages[0].mediabox
    assert float(box.width) < float(box.height) and accessible.metadata.title
    # The second time the briefing exists: it is exported, not drafted again.
    code, out, _err = run(
        capsys, "--database", str(path), "briefing", "--programme", key, "--out", str(out_pdf)
    )
    assert code == 0 and "drafted from the audits" not in out
    code, out, err = run(
        capsys, "--database", str(path), "briefing", "--programme", "nope", "--out", str(out_pdf)
    )
    assert code == 1 and err.count("\n") == 1 and "No programme" in err


def test_report_accessible_pdf_from_the_command_line(tmp_path, capsys):
    """--format accessible-pdf writes the tagged PDF/UA-1 version (reporting/tagged)."""
    from pypdf import PdfReader

    path, out = tmp_path / "d.sqlite", tmp_path / "r.pdf"
    assert run(capsys, "--database", str(path), "demo", "--audits", "60", "--seed", "4")[0] == 0
    args = ["--database", str(path), "report", "--from", "2025-04-01", "--to", "2026-03-31"]
    code, stdout, err = run(capsys, *args, "--format", "accessible-pdf", "--out", str(out))
    assert (code, err) == (0, ""), err
    assert f"Report written to {out}" in stdout
    root = PdfReader(out).trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root
    assert b"<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_object().get_data()


def test_report_json_from_the_command_line(tmp_path, capsys):
    path, out = tmp_path / "d.sqlite", tmp_path / "r.json"
    assert run(capsys, "--database", str(path), "demo", "--audits", "200", "--seed", "4")[0] == 0
    args = ["--database", str(path), "report", "--from", "2025-01-01", "--to", "2026-12-31"]
    code, stdout, err = run(capsys, *args, "--format", "json", "--out", str(out))
    assert (code, err) == (0, ""), err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["format"] == "qa-report" and len(report["periods"]) == 8
    assert report["total"]["audits_final"] == sum(p["audits_final"] for p in report["periods"])
    assert report["total"]["audits_final"] > 0
    with pytest.raises(SystemExit) as info:
        run(capsys, *args, "--by", "week", "--out", str(out))
    assert info.value.code == 2 and capsys.readouterr().err.count("\n") == 1
    code, _out, err = run(capsys, *args, "--team", "nope", "--out", str(out))
    assert code == 1 and "No team" in err and err.count("\n") == 1
    # The financial year by default; a calendar year, by year, with --year-start.
    assert report["year_start_month"] == 4 and report["periods"][0]["label"] == "2024/25 Q4"
    code, _out, err = run(
        capsys, *args, "--by", "year", "--year-start", "jan", "--out", str(out)
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    years = json.loads(out.read_text(encoding="utf-8"))
    assert [p["label"] for p in years["periods"]] == ["2025", "2026"]
    assert years["year_start_month"] == 1
    with pytest.raises(SystemExit) as info:
        run(capsys, *args, "--year-start", "13", "--out", str(out))
    assert info.value.code == 2 and capsys.readouterr().err.count("\n") == 1
    code, _out, err = run(capsys, *args, "--service-area", "Nowhere", "--out", str(out))
    assert code == 1 and "service area" in err and err.count("\n") == 1
