"""Unexpected errors on the command line: one line naming a crash report, and no case text in
the line or in crash.log (issue #12, finding 2)."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from audit_tool import cli, crash
from audit_tool.store import Database, open_database

PASSPHRASE = "correct horse battery staple"
SECRET = "SECRET-7Q: the child said the stepfather hits her"
REPORT_LINE = re.compile(
    r"^audit-tool: unexpected error \((\w+)\): report ([0-9A-F]{8}) in (.+crash\.log)\n$"
)


def _crash_log() -> Path:
    return Path(os.environ["AUDIT_TOOL_HOME"]) / crash.REPORT_FILE


def _assert_reported_without(err: str, secret: str) -> str:
    """One line naming a report that is in crash.log; the secret in neither. The report id."""
    match = REPORT_LINE.match(err)
    assert match, err
    assert secret not in err
    log = Path(match.group(3)).read_text("utf-8")
    assert f"=== crash {match.group(2)} " in log
    assert secret not in log
    assert "Traceback" not in log and "[parameters:" not in log and "INSERT" not in log
    return match.group(2)


def _target(db: Database) -> str:
    return str(db.path) if db.is_sqlite else db.url.render_as_string(hide_password=False)


def test_a_pack_that_repeats_a_review_id_leaves_no_review_text_behind(
    tmp_path, capsys, monkeypatch
):
    """The attack from the issue: an encrypted database, a pack in which two reviews of a new
    audit share an id. Whether the import refuses it cleanly or fails unexpectedly, the
    review text is neither on the terminal nor in crash.log."""
    monkeypatch.setenv("AUDIT_TOOL_DB_PASSPHRASE", PASSPHRASE)
    path, pack = tmp_path / "enc.sqlite", tmp_path / "pack.json"
    demo = ["demo", "--audits", "20", "--today", "2026-06-30"]
    assert cli.run(["--database", str(path), *demo]) == 0
    assert cli.run(["--database", str(path), "export-pack", "--out", str(pack)]) == 0
    capsys.readouterr()
    data = json.loads(pack.read_text("utf-8"))
    audit = next(a for a in data["audits"] if len(a["reviews"]) > 1)
    audit["id"], shared = str(uuid.uuid4()), str(uuid.uuid4())
    for review in audit["reviews"]:
        review["id"] = shared
        review["strengths"] = SECRET
    data["audits"] = [audit]
    pack.write_text(json.dumps(data), "utf-8")

    code = cli.run(["--database", str(path), "import-pack", str(pack)])

    out, err = capsys.readouterr()
    assert code in (1, 70) and SECRET not in out + err and err.count("\n") == 1
    if code == 70:
        _assert_reported_without(err, SECRET)
    log = _crash_log()
    assert not log.exists() or SECRET not in log.read_text("utf-8")


def test_a_database_error_carrying_case_text_is_reported_by_id_only(db, capsys, monkeypatch):
    """A real driver error (a unique violation: SQLAlchemy's message holds the parameters,
    PostgreSQL's DETAIL the value) raised inside a command: exit 70, one line naming the
    report, and the value in neither the line nor the report."""
    from audit_tool.services import changelog

    def failing_verify(database: Database) -> tuple[bool, str]:
        with database.session() as session:
            session.execute(text("CREATE TEMP TABLE leak_probe (v VARCHAR(200) UNIQUE)"))
            for _ in range(2):
                session.execute(text("INSERT INTO leak_probe (v) VALUES (:v)"), {"v": SECRET})
        return True, "unreachable"

    monkeypatch.setattr(changelog, "verify", failing_verify)

    code = cli.run(["--database", _target(db), "log", "verify"])

    out, err = capsys.readouterr()
    assert code == 70 and out == ""
    report_id = _assert_reported_without(err, SECRET)
    assert REPORT_LINE.match(err).group(1) == "IntegrityError"  # type: ignore[union-attr]
    report = _crash_log().read_text("utf-8").split(f"=== crash {report_id} ")[1]
    # What the report does keep: the types, the SQL error code, and where in our code.
    assert "sqlalchemy.exc.IntegrityError" in report
    assert ("SQLSTATE 23505" if not db.is_sqlite else "SQLITE_CONSTRAINT") in report
    assert "tests/test_crash_reports.py" in report and "in failing_verify" in report
    assert "audit_tool/cli.py:" in report and " in _dispatch" in report


def test_an_error_whose_own_message_names_a_case_is_not_echoed(tmp_path, capsys, monkeypatch):
    """A plain exception built from user text (a ValueError, a KeyError) is as unsafe."""
    path = tmp_path / "plain.sqlite"
    open_database(path).close()

    def failing_verify(database: Database) -> tuple[bool, str]:
        raise ValueError(f"bad reference {SECRET!r}") from KeyError(SECRET)

    monkeypatch.setattr("audit_tool.services.changelog.verify", failing_verify)
    code = cli.run(["--database", str(path), "log", "verify"])
    _out, err = capsys.readouterr()
    assert code == 70
    _assert_reported_without(err, SECRET)
    assert "caused by:\nKeyError" in _crash_log().read_text("utf-8")


def test_a_report_names_library_frames_by_package_and_never_holds_locals(tmp_path):
    def inner(secret: str) -> None:
        json.loads(secret)  # a JSONDecodeError, raised inside the json package

    try:
        inner("{" + SECRET)
    except ValueError as exc:
        report = crash.write_report(exc, folder=tmp_path)
    assert report.path == tmp_path / "crash.log" and report.kind == "JSONDecodeError"
    written = report.path.read_text("utf-8")
    assert SECRET not in written and "{" + SECRET[:5] not in written
    assert "json.decoder.JSONDecodeError" in written
    assert "tests/test_crash_reports.py:" in written and " in inner" in written
    assert re.search(r"\[\d+ frames? in json, last json/decoder\.py:\d+ in \w+\]", written)
    # No home folder or site-packages path: library files are named within their package.
    assert str(Path.home()) not in written.replace(str(tmp_path), "")


def test_a_report_that_cannot_be_written_still_gives_an_id(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", "utf-8")
    report = crash.write_report(RuntimeError(SECRET), folder=blocked)
    assert report.path is None and "could not be written" in report.where()
    assert re.fullmatch(r"[0-9A-F]{8}", report.id)


def test_a_warning_quoting_record_text_is_not_echoed(tmp_path, capsys, caplog, monkeypatch):
    import warnings

    path = tmp_path / "plain.sqlite"
    open_database(path).close()

    def warning_verify(database: Database) -> tuple[bool, str]:
        warnings.warn(f"Unicode bind param {SECRET!r}", UserWarning, stacklevel=1)
        return True, "0 entries verified"

    monkeypatch.setattr("audit_tool.services.changelog.verify", warning_verify)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        code = cli.run(["--database", str(path), "log", "verify"])
    out, err = capsys.readouterr()
    assert code == 0 and SECRET not in out + err + caplog.text
    # (Under pytest the log goes to caplog; on a terminal, to stderr.)
    assert "UserWarning at tests/test_crash_reports.py:" in caplog.text


def test_database_errors_do_not_carry_the_statement_values(db):
    """Defence in depth: the engines hide bind parameters from error text (SQLAlchemy's
    hide_parameters). PostgreSQL's own DETAIL line may still name a duplicate key's value,
    which is why crash reports never hold an error's message at all."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError) as caught, db.session() as session:
        session.execute(text("CREATE TEMP TABLE leak_probe (v VARCHAR(200) UNIQUE, w TEXT)"))
        for _ in range(2):
            session.execute(
                text("INSERT INTO leak_probe (v, w) VALUES (:v, :w)"), {"v": "k", "w": SECRET}
            )
    assert SECRET not in str(caught.value)
    assert "parameters hidden" in str(caught.value)
