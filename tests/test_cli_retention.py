"""`audit-tool retention` and `audit-tool log verify` after tampering, as other tools use them."""

from __future__ import annotations

import sqlite3

import pytest

from audit_tool import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def old_demo(tmp_path, capsys):
    """Demo data anchored in 2019, so every final audit is past a 6-year period in 2026."""
    path = tmp_path / "old.sqlite"
    code, _out, err = run(
        capsys, "--database", str(path), "demo", "--audits", "12", "--today", "2019-06-30"
    )
    assert code == 0, err
    return path


def _final_refs(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT cases.ref FROM audits JOIN cases ON cases.id = audits.case_id "
                "WHERE audits.status = 'final' AND audits.redacted_at IS NULL"
            )
        ]


def test_dry_run_lists_each_expired_audit_and_changes_nothing(old_demo, capsys):
    refs = _final_refs(old_demo)
    assert refs
    before = old_demo.read_bytes()
    code, out, err = run(
        capsys, "--database", str(old_demo), "retention", "--dry-run", "--today", "2026-06-30"
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(refs) + 1
    assert sorted(line.split("\t")[0] for line in lines[:-1]) == sorted(refs)
    assert lines[-1].startswith(f"Dry run: {len(refs)} audit(s) final before 2020-06-30")
    assert _final_refs(old_demo) == refs
    with sqlite3.connect(old_demo) as conn:
        assert (
            conn.execute("SELECT count(*) FROM audits WHERE redacted_at IS NOT NULL").fetchone()[0]
            == 0
        )
    assert len(old_demo.read_bytes()) == len(before)


def test_run_redacts_and_records_itself_then_the_chain_verifies(old_demo, capsys):
    expired = len(_final_refs(old_demo))
    code, out, err = run(capsys, "--database", str(old_demo), "retention", "--today", "2026-06-30")
    assert code == 0 and err == ""
    assert out.startswith(f"Retention: {expired} audit(s) final before 2020-06-30")
    assert _final_refs(old_demo) == []
    with sqlite3.connect(old_demo) as conn:
        (action,) = conn.execute(
            "SELECT action FROM change_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert action == "retention"
        assert conn.execute(
            "SELECT count(*) FROM reviews JOIN audits ON audits.id = reviews.audit_id "
            "WHERE audits.redacted_at IS NOT NULL AND reviews.strengths != ''"
        ).fetchone() == (0,)
    code, out, _ = run(capsys, "--database", str(old_demo), "log", "verify")
    assert code == 0 and "verified" in out
    code, out, _ = run(
        capsys, "--database", str(old_demo), "retention", "--dry-run", "--today", "2026-06-30"
    )
    assert code == 0 and out.startswith("Dry run: 0 audit(s)")


def test_editing_a_change_log_row_in_sql_fails_verify_naming_the_entry(tmp_path, capsys):
    from audit_tool.access.actors import Actor
    from audit_tool.store import open_database
    from tests.factories import build_world

    path = tmp_path / "log.sqlite"
    db = open_database(path)
    build_world(db, Actor.system("set-up"))  # agencies, teams, people and cases: many entries
    db.close()
    assert run(capsys, "--database", str(path), "log", "verify")[0] == 0
    with sqlite3.connect(path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM change_log").fetchone()
        target = count // 2
        conn.execute(
            "UPDATE change_log SET summary = summary || ' (edited)' WHERE id = ?", (target,)
        )
    assert count > 10
    code, out, err = run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"change log entry {target} (" in err and "does not match the chain" in err


def test_retention_removes_an_audits_words_from_the_change_log_and_verify_still_passes(
    tmp_path, capsys
):
    """Through the services an audit's words and its case reference go into the change log;
    the run removes them from the file (change log included), `log verify` still passes, and
    writing words back into a redacted entry, or marking another one as redacted, fails it."""
    from datetime import UTC, date, datetime

    from audit_tool.access.actors import Actor
    from audit_tool.services import audits, learning, templates
    from audit_tool.services.audits import Answer
    from audit_tool.store import open_database
    from tests.factories import build_world, complete_review, looped_audit

    path = tmp_path / "log.sqlite"
    db = open_database(path)
    try:
        world = build_world(db, Actor.system("set-up"))
        uuid = looped_audit(world, ref="C1000")
        learning.add_learning_point(
            db, world.lead, uuid, kind="strength", text="SECRET-point", themes=["voice"]
        )
        complete_review(world, world.auditor, uuid)
        complete_review(world, world.auditor2, uuid)
        tpl = templates.get_template(db, world.lead, "moderated_case_file")
        audits.confirm(
            db,
            world.moderator,
            uuid,
            answers={i.key: Answer("good") for i in tpl.graded_items},
            overall="good",
        )
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE audits SET finalised_at = ? WHERE uuid = ?",
                (datetime(2019, 5, 15, tzinfo=UTC).isoformat(sep=" "), uuid),
            )
    finally:
        db.close()
    wal = path.with_name(path.name + "-wal")

    def file_bytes() -> bytes:
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert b"SECRET-point" in file_bytes() and b"C1000" in file_bytes()

    code, out, err = run(capsys, "--database", str(path), "retention", "--today", "2026-06-30")
    assert code == 0 and err == "" and "1 case(s)" in out and "change log entries redacted" in out
    assert b"SECRET-point" not in file_bytes() and b"C1000" not in file_bytes()
    code, out, err = run(capsys, "--database", str(path), "log", "verify")
    assert code == 0 and "verified" in out, err

    with sqlite3.connect(path) as conn:
        (redacted,) = conn.execute(
            "SELECT min(id) FROM change_log WHERE redacted_at IS NOT NULL"
        ).fetchone()
        (plain,) = conn.execute(
            "SELECT min(id) FROM change_log WHERE redacted_at IS NULL"
        ).fetchone()
        conn.execute("UPDATE change_log SET summary = 'Case C1000 added' WHERE id = ?", (redacted,))
    code, out, err = run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and out == "" and f"change log entry {redacted} (" in err
    assert "does not match the chain" in err and err.count("\n") == 1
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE change_log SET redacted_at = ? WHERE id = ?",
            (date(2026, 6, 30).isoformat(), plain),
        )
    assert plain < redacted  # so the hand-marked entry is the first the check meets
    code, out, err = run(capsys, "--database", str(path), "log", "verify")
    assert code == 1 and f"change log entry {plain} (" in err and "no retention run lists" in err
