"""Accounts: password policy, login and lock-out, the lead's account management, first set-up,
the demo's accounts, the command line's --user, and no password or hash in the change log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from audit_tool import cli
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.models import ChangeLogEntry, Person
from audit_tool.services import accounts, changelog, demo, reference
from audit_tool.services.accounts import AccountLocked, LoginFailed

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
GOOD = "kettle on the landing 42"
APP_HASHER = accounts._hasher


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """Cheaper argon2 parameters for the tests (the app's are checked below)."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    )


def _account(world, key: str = "aud1", username: str = "alex") -> str:
    """An account for `key` whose password is GOOD (set through the forced change)."""
    _row, temporary = accounts.create_account(
        world.db, world.lead, person_key=key, username=username
    )
    login = accounts.authenticate(world.db, username, temporary, now=T0)
    accounts.change_own_password(world.db, login.actor, temporary, GOOD)
    return username


def _log_text(db) -> str:
    with db.session() as session:
        return json.dumps(
            [
                [e.summary, e.before, e.after]
                for e in session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id))
            ]
        )


# ---------------------------------------------------------------- policy


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10"),
        ("Password123", "too common"),
        ("qwertyuiop!", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("alexander-rocks-2026", "your name"),
        ("x" * 201, "at most"),
    ],
)
def test_policy_refuses_short_common_and_personal_passwords(password, problem):
    found = accounts.password_problem(password, username="alexander", name="Alex Auditor")
    assert found is not None and problem in found


def test_policy_accepts_a_long_ordinary_sentence_and_the_demo_password():
    assert accounts.password_problem(GOOD, username="alex", name="Alex Auditor") is None
    assert accounts.password_problem(demo.DEMO_PASSWORD, username="jkhan") is None
    temporary = accounts.temporary_password()
    assert accounts.password_problem(temporary) is None and temporary != (
        accounts.temporary_password()
    )


def test_the_app_hashes_with_argon2id_at_recommended_cost():
    assert APP_HASHER.memory_cost >= 19_456 and APP_HASHER.time_cost >= 2
    assert APP_HASHER.hash(GOOD).startswith("$argon2id$")


def test_the_hash_is_argon2_and_verifies_only_the_right_password():
    hashed = accounts.hash_password(GOOD)
    assert hashed.startswith("$argon2id$") and GOOD not in hashed
    assert accounts.verify_password(hashed, GOOD)
    assert not accounts.verify_password(hashed, GOOD.upper())
    assert not accounts.verify_password(None, GOOD)
    assert not accounts.verify_password("not a hash", GOOD)


def test_the_lock_grows_from_one_minute_and_is_capped():
    assert [accounts.lock_delay(n) for n in (5, 6, 7, 8)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert accounts.lock_delay(12) == accounts.LONGEST_LOCK == accounts.lock_delay(500)


# ---------------------------------------------------------------- first set-up


def test_first_start_creates_one_lead_account_and_then_refuses(db):
    assert accounts.needs_first_setup(db)
    with pytest.raises(ValidationError) as bad:
        accounts.create_first_lead(
            db, username="a", password="short", name="", agency_name="Children's Social Care"
        )
    assert set(bad.value.fields) == {"username", "password", "name"}
    assert accounts.needs_first_setup(db)
    login = accounts.create_first_lead(
        db,
        username="Ann.Lead",
        password=GOOD,
        name="Ann Lead",
        agency_name="Children's Social Care",
    )
    assert login.username == "ann.lead" and not login.must_change_password
    assert login.actor.can("account.manage") and login.actor.roles == {"lead"}
    assert not accounts.needs_first_setup(db)
    assert accounts.authenticate(db, "ANN.LEAD ", GOOD).actor.person_id == login.actor.person_id
    with pytest.raises(PermissionDenied, match="already has accounts"):
        accounts.create_first_lead(
            db, username="eve.lead", password=GOOD, name="Eve Lead", agency_name="Police"
        )
    row = reference.get_person(db, login.actor.key or "")
    assert row.agency_name == "Children's Social Care" and row.roles == ("lead",)


def test_first_start_can_make_an_existing_person_the_lead(world):
    login = accounts.create_first_lead(
        world.db, username="morgan", password=GOOD, person_key="mod1"
    )
    assert login.actor.key == "mod1"
    assert login.actor.roles == {"lead", "moderator", "auditor"}


# ---------------------------------------------------------------- login


def test_wrong_password_and_unknown_user_name_give_the_same_message(world):
    _account(world)
    with pytest.raises(LoginFailed) as wrong_password:
        accounts.authenticate(world.db, "alex", "not the password", now=T0)
    with pytest.raises(LoginFailed) as wrong_user:
        accounts.authenticate(world.db, "nobody", GOOD, now=T0)
    assert str(wrong_password.value) == str(wrong_user.value) == accounts.WRONG_LOGIN
    # A person who exists but has no account cannot log in either, with the same message.
    with pytest.raises(LoginFailed, match="^Wrong user name or password.$"):
        accounts.authenticate(world.db, "aud2", GOOD, now=T0)
    login = accounts.authenticate(world.db, "alex", GOOD, now=T0)
    assert login.actor.key == "aud1" and login.actor.name == "Alex Auditor"
    assert not login.must_change_password


def test_five_failures_lock_the_account_for_a_growing_delay(world):
    _account(world)
    for attempt in range(4):
        with pytest.raises(LoginFailed) as refused:
            accounts.authenticate(world.db, "alex", f"wrong-{attempt}", now=T0)
        assert not isinstance(refused.value, AccountLocked)
    assert "1 more wrong attempt will lock" in str(refused.value)
    with pytest.raises(AccountLocked) as locked:
        accounts.authenticate(world.db, "alex", "wrong-5", now=T0)
    assert locked.value.until == T0 + timedelta(minutes=1)
    assert "locked" in str(locked.value) and accounts.format_until(locked.value.until) in str(
        locked.value
    )
    # The right password is refused while locked, without telling whether it was right.
    with pytest.raises(AccountLocked, match="until"):
        accounts.authenticate(world.db, "alex", GOOD, now=T0 + timedelta(seconds=59))
    # After the delay, one more wrong password locks it again for twice as long.
    with pytest.raises(AccountLocked) as again:
        accounts.authenticate(world.db, "alex", "wrong-6", now=T0 + timedelta(minutes=1))
    assert again.value.until == T0 + timedelta(minutes=3)
    with pytest.raises(AccountLocked):
        accounts.authenticate(world.db, "alex", GOOD, now=T0 + timedelta(minutes=2))
    login = accounts.authenticate(world.db, "alex", GOOD, now=T0 + timedelta(minutes=3))
    assert login.actor.key == "aud1"
    row = next(r for r in accounts.list_accounts(world.db, world.lead) if r.key == "aud1")
    assert row.failed_logins == 0 and row.locked_until is None
    assert row.last_login_at == T0 + timedelta(minutes=3)
    log = [e for e in changelog.entries(world.db, world.lead, entity="account")]
    assert sum("locked after" in e.summary for e in log) == 2


def test_a_deactivated_account_cannot_log_in_until_reactivated(world):
    _account(world)
    row = accounts.set_active(world.db, world.lead, "alex", False)
    assert not row.active
    with pytest.raises(LoginFailed, match="deactivated"):
        accounts.authenticate(world.db, "alex", GOOD, now=T0)
    # A wrong password for a deactivated account says no more than for any other.
    with pytest.raises(LoginFailed, match="^Wrong user name or password.$"):
        accounts.authenticate(world.db, "alex", "guessing-wrongly", now=T0)
    accounts.set_active(world.db, world.lead, "alex", True)
    assert accounts.authenticate(world.db, "alex", GOOD, now=T0).actor.key == "aud1"


def test_a_reset_unlocks_and_forces_a_change_at_the_next_login(world):
    _account(world)
    for attempt in range(5):
        with pytest.raises(LoginFailed):
            accounts.authenticate(world.db, "alex", f"wrong-{attempt}", now=T0)
    temporary = accounts.reset_password(world.db, world.lead, "alex")
    with pytest.raises(LoginFailed):
        accounts.authenticate(world.db, "alex", GOOD, now=T0)  # the old one is gone
    login = accounts.authenticate(world.db, "alex", temporary, now=T0)
    assert login.must_change_password
    with pytest.raises(ValidationError) as bad:
        accounts.change_own_password(world.db, login.actor, "not it", "short")
    assert set(bad.value.fields) == {"old", "new"}
    with pytest.raises(ValidationError) as same:
        accounts.change_own_password(world.db, login.actor, temporary, temporary)
    assert "different" in same.value.fields["new"]
    accounts.change_own_password(world.db, login.actor, temporary, "a brand new sentence")
    again = accounts.authenticate(world.db, "alex", "a brand new sentence", now=T0)
    assert not again.must_change_password
    with pytest.raises(LoginFailed):
        accounts.authenticate(world.db, "alex", temporary, now=T0)


def test_reauthenticate_asks_the_same_user_again(world):
    _account(world)
    assert accounts.reauthenticate(world.db, world.auditor, GOOD).actor.key == "aud1"
    with pytest.raises(LoginFailed):
        accounts.reauthenticate(world.db, world.auditor, "not the password")
    with pytest.raises(LoginFailed, match="no password"):
        accounts.reauthenticate(world.db, world.auditor2, GOOD)


# ---------------------------------------------------------------- management


def test_only_a_lead_manages_accounts(world):
    for actor in (world.auditor, world.moderator, world.viewer):
        with pytest.raises(PermissionDenied, match="create, deactivate or reset accounts"):
            accounts.create_account(world.db, actor, person_key="aud2", username="bea")
        with pytest.raises(PermissionDenied):
            accounts.list_accounts(world.db, actor)
    _account(world)
    with pytest.raises(PermissionDenied):
        accounts.reset_password(world.db, world.auditor, "alex")
    with pytest.raises(PermissionDenied):
        accounts.set_active(world.db, world.auditor2, "alex", False)


def test_account_creation_checks_its_input_and_changes_nothing_when_refused(world):
    with pytest.raises(ValidationError) as bad:
        accounts.create_account(world.db, world.lead, person_key="sw1", username="A B")
    assert set(bad.value.fields) == {"username", "person"}
    assert "no role" in bad.value.fields["person"]
    _account(world)
    with pytest.raises(ValidationError) as taken:
        accounts.create_account(world.db, world.lead, person_key="aud2", username="alex")
    assert "taken by Alex Auditor" in taken.value.fields["username"]
    with pytest.raises(ValidationError) as twice:
        accounts.create_account(world.db, world.lead, person_key="aud1", username="alex2")
    assert "already has the account alex" in twice.value.fields["person"]
    with pytest.raises(NotFound):
        accounts.create_account(world.db, world.lead, person_key="nobody", username="nobody")
    with pytest.raises(NotFound):
        accounts.reset_password(world.db, world.lead, "bea")
    rows = {r.key: r for r in accounts.list_accounts(world.db, world.lead)}
    assert rows["aud1"].username == "alex" and rows["aud2"].username is None
    assert "sw1" not in rows  # practitioners without a role are not users
    assert rows["view1"].roles == ("viewer",)


def test_a_lead_cannot_lock_out_themselves_or_the_last_lead(world):
    lead = accounts.create_first_lead(world.db, username="priya", password=GOOD, person_key="lead1")
    with pytest.raises(ValidationError, match="your own account"):
        accounts.set_active(world.db, lead.actor, "priya", False)
    _row, temporary = accounts.create_account(
        world.db, lead.actor, person_key="mod1", username="morgan"
    )
    other_lead = accounts.authenticate(world.db, "morgan", temporary).actor
    # Morgan is no lead: a lead's account may not go while it is the only one.
    assert not other_lead.can("account.manage")
    reference.save_person(
        world.db,
        lead.actor,
        key="mod1",
        name="Morgan Moderator",
        agency_key="csc",
        roles=["moderator", "auditor", "lead"],
        original_key="mod1",
    )
    morgan = reference.actor_for(world.db, "mod1")
    accounts.set_active(world.db, morgan, "priya", False)
    with pytest.raises(LoginFailed, match="deactivated"):
        accounts.authenticate(world.db, "priya", GOOD)


def test_only_leads_with_an_account_count_as_the_last_lead(world):
    lead = accounts.create_first_lead(world.db, username="priya", password=GOOD, person_key="lead1")
    # A second person with the lead role but no account cannot take over.
    reference.save_person(
        world.db,
        lead.actor,
        key="mod1",
        name="Morgan Moderator",
        agency_key="csc",
        roles=["moderator", "lead"],
        original_key="mod1",
    )
    with pytest.raises(ValidationError, match="only active QA lead"):
        accounts.set_active(world.db, reference.actor_for(world.db, "mod1"), "priya", False)


def test_the_change_log_records_account_changes_without_passwords_or_hashes(world):
    username = _account(world)
    temporary = accounts.reset_password(world.db, world.lead, username)
    accounts.set_active(world.db, world.lead, username, False)
    accounts.set_active(world.db, world.lead, username, True)
    # An edit of the person in Admin > People must not log the hash either.
    reference.save_person(
        world.db,
        world.lead,
        key="aud1",
        name="Alex Auditor-Smith",
        agency_key="csc",
        team_key="assess_north",
        roles=["auditor"],
        original_key="aud1",
    )
    with world.db.session() as session:
        person = session.scalar(select(Person).where(Person.key == "aud1"))
        assert person is not None and person.password_hash
        stored_hash = person.password_hash
    text = _log_text(world.db)
    for secret in (GOOD, temporary, stored_hash, "$argon2"):
        assert secret not in text
    assert "password_hash" not in text
    summaries = [e.summary for e in changelog.entries(world.db, world.lead)]
    assert "Account alex created for Alex Auditor" in summaries
    assert "alex changed their password" in summaries
    assert "Password of alex reset" in summaries
    assert "Account alex deactivated" in summaries and "Account alex reactivated" in summaries
    ok, _message = changelog.verify(world.db)
    assert ok


# ---------------------------------------------------------------- demo and command line


def test_the_demo_gives_every_user_the_documented_account(sqlite_db, system):
    demo.generate(sqlite_db, system, audits=0, cases=5, seed=1, today=T0.date())
    with sqlite_db.session() as session:
        people = list(session.scalars(select(Person)))
    users = [p for p in people if p.roles]
    assert users and all(p.username == p.key and p.password_hash for p in users)
    assert all(p.username is None and p.password_hash is None for p in people if not p.roles)
    assert not any(p.must_change_password for p in users)
    # The user guide's demo accounts (seed 1, as `make run` builds it).
    leads = sorted(p.key for p in users if "lead" in p.roles)
    assert leads == ["jkhan", "swilson2", "tgriffiths"]
    login = accounts.authenticate(sqlite_db, "jkhan", demo.DEMO_PASSWORD)
    assert login.actor.name == "Jessica Khan" and login.actor.can("account.manage")
    assert not accounts.needs_first_setup(sqlite_db)


def test_cli_user_with_a_password_needs_it(sqlite_world, capsys, monkeypatch):
    db = sqlite_world.db
    _account(sqlite_world, key="lead1", username="priya")
    path = str(db.path)
    out = str(db.path.parent / "pack.json")
    monkeypatch.delenv("AUDIT_TOOL_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", None)
    code = cli.run(["--database", path, "--user", "lead1", "export-pack", "--out", out])
    _out, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("audit-tool: error: --user lead1 needs the password of priya")
    monkeypatch.setenv("AUDIT_TOOL_PASSWORD", "not the password")
    code = cli.run(["--database", path, "--user", "lead1", "export-pack", "--out", out])
    _out, err = capsys.readouterr()
    assert code == 1 and err == f"audit-tool: error: {accounts.WRONG_LOGIN}\n"
    monkeypatch.setenv("AUDIT_TOOL_PASSWORD", GOOD)
    code = cli.run(["--database", path, "--user", "lead1", "export-pack", "--out", out])
    output, err = capsys.readouterr()
    assert code == 0 and err == "" and "written to" in output
    # A person without a password cannot be acted as (test_cli_user_without_a_password...).
    code = cli.run(["--database", path, "--user", "mod1", "export-pack", "--out", out])
    assert code == 1
    capsys.readouterr()
    # A reset password must first be changed in the app.
    monkeypatch.setenv(
        "AUDIT_TOOL_PASSWORD", accounts.reset_password(db, sqlite_world.lead, "priya")
    )
    code = cli.run(["--database", path, "--user", "lead1", "export-pack", "--out", out])
    _out, err = capsys.readouterr()
    assert code == 1 and "was reset" in err and err.count("\n") == 1


@pytest.mark.parametrize("key", ["mod1", "aud1", "nobody-here"])
def test_cli_user_without_a_password_is_refused(sqlite_world, capsys, monkeypatch, key):
    """Issue #12 finding 3: --user KEY for a person with roles but no password acted as them
    with no check at all. Now nobody is acted as without their password; an unknown key gets
    the same line (it does not tell who exists), and nothing is written."""
    db = sqlite_world.db
    path = str(db.path)
    out = db.path.parent / "pack.json"
    monkeypatch.setenv("AUDIT_TOOL_PASSWORD", "anything at all")
    before = _log_text(db)
    code = cli.run(["--database", path, "--user", key, "export-pack", "--out", str(out)])
    output, err = capsys.readouterr()
    assert code == 1 and output == "" and err.count("\n") == 1
    assert err.startswith(f"audit-tool: error: --user {key}: no one with that key has an account")
    assert "leave out --user" in err
    assert not out.exists() and _log_text(db) == before
    # Once they have an account, their password lets them act as themselves.
    if key == "mod1":
        _account(sqlite_world, key="mod1", username="morgan")
        monkeypatch.setenv("AUDIT_TOOL_PASSWORD", GOOD)
        code = cli.run(["--database", path, "--user", key, "export-pack", "--out", str(out)])
        assert code == 0 and out.exists()
