"""`audit-tool checkout` and `audit-tool checkin`: report lines, one-line errors, exit codes."""

from __future__ import annotations

import pytest

from audit_tool import cli
from audit_tool.services import accounts, audits
from audit_tool.store import crypto, open_database
from tests.factories import build_world, looped_audit

PASSPHRASE = "correct horse battery staple"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


PASSWORD = "kettle on the landing 42"  # aud1's and tm1's


@pytest.fixture
def server(tmp_path, system, monkeypatch):
    """A server file where aud1 and tm1 have accounts: --user needs their password."""
    path = tmp_path / "server.sqlite"
    db = open_database(path)
    world = build_world(db, system)
    first = looped_audit(world, ref="C1000")
    second = looped_audit(world, ref="C1001", programme="p-other")
    for key in ("aud1", "tm1"):
        _row, temporary = accounts.create_account(db, world.lead, person_key=key, username=key)
        login = accounts.authenticate(db, key, temporary)
        accounts.change_own_password(db, login.actor, temporary, PASSWORD)
    db.close()
    monkeypatch.setenv("AUDIT_TOOL_PASSWORD", PASSWORD)
    return path, first, second


def _my_review_uuid(path, key, audit_uuid, passphrase=None):
    from audit_tool.services import reference

    db = open_database(path, create=False, key=passphrase)
    try:
        me = reference.actor_for(db, key)
        view = audits.get_audit(db, me, audit_uuid)
        return db, me, view.my_review
    except BaseException:
        db.close()
        raise


def test_checkout_then_checkin_through_the_command_line(server, tmp_path, capsys):
    path, first, second = server
    offline = tmp_path / "laptop.sqlite"
    code, out, err = run(
        capsys,
        "--database",
        str(path),
        "--user",
        "aud1",
        "checkout",
        "--out",
        str(offline),
        "--programme",
        "p-test",
        "--no-encrypt",
    )
    assert (code, err) == (0, "")
    assert f"checked out: case C1000 ({first})" in out and "C1001" not in out
    assert f"1 audit(s) checked out to {offline}" in out

    db, me, review = _my_review_uuid(offline, "aud1", first)
    try:
        audits.save_review(db, me, review, strengths="From the command line")
    finally:
        db.close()
    code, out, err = run(capsys, "--database", str(path), "--user", "aud1", "checkin", str(offline))
    assert (code, err) == (0, "")
    assert f"applied: case C1000 ({first})" in out
    assert "1 audit(s) applied, 0 unchanged, 0 conflict(s) left checked out" in out

    # Everything in the file is back: a second check-in is a one-line error.
    code, out, err = run(capsys, "--database", str(path), "--user", "aud1", "checkin", str(offline))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("audit-tool: error: ") and "already checked in" in err


def test_errors_are_one_line(server, tmp_path, capsys):
    path, first, _second = server
    # The system actor (no --user) cannot check out.
    code, out, err = run(
        capsys, "--database", str(path), "checkout", "--out", str(tmp_path / "x.sqlite")
    )
    assert code == 1 and out == "" and err.count("\n") == 1 and "--user" in err
    # Not an auditor of that audit.
    code, out, err = run(
        capsys,
        "--database",
        str(path),
        "--user",
        "tm1",
        "checkout",
        "--out",
        str(tmp_path / "x.sqlite"),
        "--audit",
        first,
        "--no-encrypt",
    )
    assert code == 1 and err.count("\n") == 1 and "not an auditor" in err
    assert not (tmp_path / "x.sqlite").exists()
    # A file that was not checked out from a server.
    plain = open_database(tmp_path / "plain.sqlite")
    plain.close()
    code, out, err = run(
        capsys, "--database", str(path), "--user", "aud1", "checkin", str(tmp_path / "plain.sqlite")
    )
    assert code == 1 and err.count("\n") == 1 and "not checked out from a team server" in err
    # argparse errors are one line too.
    with pytest.raises(SystemExit) as exc:
        cli.run(["--database", str(path), "checkin"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1


def test_an_encrypted_checkout_and_its_checkin(server, tmp_path, capsys, monkeypatch):
    path, first, _second = server
    offline = tmp_path / "laptop.sqlite"
    # Encrypted by default: without a passphrase (and no terminal to ask) nothing is written.
    code, out, err = run(
        capsys, "--database", str(path), "--user", "aud1", "checkout", "--out", str(offline)
    )
    assert code == 1 and err.count("\n") == 1 and "--no-encrypt" in err
    assert not offline.exists()
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, PASSPHRASE)
    code, out, err = run(
        capsys,
        "--database",
        str(path),
        "--user",
        "aud1",
        "checkout",
        "--out",
        str(offline),
        "--audit",
        first,
        "--encrypt",
    )
    assert (code, err) == (0, "") and "(encrypted)" in out
    assert crypto.is_encrypted(offline) and b"C1000" not in offline.read_bytes()
    db, me, review = _my_review_uuid(offline, "aud1", first, PASSPHRASE)
    try:
        audits.save_review(db, me, review, worries="Encrypted offline work")
    finally:
        db.close()
    monkeypatch.delenv(crypto.ENV_PASSPHRASE)
    code, out, err = run(capsys, "--database", str(path), "--user", "aud1", "checkin", str(offline))
    assert code == 1 and err.count("\n") == 1 and "encrypted" in err
    monkeypatch.setenv(crypto.ENV_PASSPHRASE, PASSPHRASE)
    code, out, err = run(capsys, "--database", str(path), "--user", "aud1", "checkin", str(offline))
    assert (code, err) == (0, "") and "applied: case C1000" in out
