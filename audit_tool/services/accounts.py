"""Accounts: argon2 password hashes, login with lock-out, and the QA lead's account management.

A password is held in memory only for the call that checks or sets it: the database keeps the
argon2 hash, and neither the change log nor the log output ever sees the password or its hash.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import AuditToolError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import Agency, Person, PersonRole
from audit_tool.services import changelog

if TYPE_CHECKING:
    from audit_tool.store import Database

log = logging.getLogger(__name__)

MIN_LENGTH = 10
MAX_LENGTH = 200
MAX_FAILURES = 5  # consecutive wrong passwords before the account locks
FIRST_LOCK = timedelta(minutes=1)  # doubles with every further failure...
LONGEST_LOCK = timedelta(hours=1)  # ...up to this
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._\-]{2,39}$")
WRONG_LOGIN = "Wrong user name or password."

# Passwords people choose first; any that is long enough to pass the length rule is refused
# here (compared without case, spaces or punctuation at the ends).
COMMON_PASSWORDS = frozenset(
    {
        "0123456789",
        "0987654321",
        "1111111111",
        "1234567890",
        "12345678910",
        "123456789a",
        "123qweasdzxc",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "a123456789",
        "aaaaaaaaaa",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "administrator",
        "baseball123",
        "changeme123",
        "football123",
        "iloveyou123",
        "letmein123",
        "letmeinplease",
        "liverpool123",
        "monkey12345",
        "myspace123",
        "passw0rd123",
        "password01",
        "password1",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "passwordpassword",
        "princess123",
        "q1w2e3r4t5",
        "qazwsxedc123",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop",
        "qwertyuiop123",
        "safeguarding",
        "safeguarding1",
        "socialworker",
        "starwars123",
        "sunshine123",
        "welcome123",
        "welcome1234",
        "zaq12wsxcde",
        "zxcvbnm123",
    }
)

_hasher = PasswordHasher()
_dummy: dict[str, str] = {}


def _dummy_hash() -> str:
    """Checked against when the user name is unknown, so that a wrong name takes as long as a
    wrong password and the timing does not tell which user names exist. Made on first use
    (hashing takes about 100 ms: not at start-up), with the hasher's current settings."""
    key = f"{_hasher.time_cost}:{_hasher.memory_cost}:{_hasher.parallelism}"
    if key not in _dummy:
        _dummy[key] = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))
    return _dummy[key]


class LoginFailed(AuditToolError):
    """Wrong user name or password, or an account that may not log in now."""


class AccountLocked(LoginFailed):
    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


# ---------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _safe_verify(_dummy_hash(), password)
        return False
    return _safe_verify(password_hash, password)


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, username: str = "", name: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters"
    plain = password.strip().lower()
    if plain.strip("!?.*#@$ ") in COMMON_PASSWORDS or len(set(plain)) < 3:
        return "That password is too common or too easy to guess; choose another"
    folded = re.sub(r"[^a-z0-9]", "", plain)
    for word in (username.lower(), *name.lower().split()):
        word = re.sub(r"[^a-z0-9]", "", word)
        if len(word) >= 3 and word in folded:
            return "Do not use your name or user name in your password"
    return None


def temporary_password() -> str:
    """A random password for a new or reset account, to be replaced at the first login."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def policy_text() -> str:
    return (
        f"At least {MIN_LENGTH} characters; not a common password and not your name. "
        "A short sentence is easy to remember and hard to guess."
    )


# ---------------------------------------------------------------- time


def _now(now: datetime | None) -> datetime:
    return _aware(now) if now is not None else datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes: every time we store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_until(value: datetime) -> str:
    """A lock's end as the user reads it: local time, with the date when it is not today."""
    local = _aware(value).astimezone()
    text = local.strftime("%H:%M:%S")
    if local.date() != datetime.now().astimezone().date():
        text += local.strftime(" on %d %b %Y")
    return text


def lock_delay(failures: int) -> timedelta:
    """How long the account locks after `failures` consecutive wrong passwords (>= 5)."""
    steps = max(failures - MAX_FAILURES, 0)
    if steps > 12:  # already far past the cap
        return LONGEST_LOCK
    return min(FIRST_LOCK * (2**steps), LONGEST_LOCK)


# ---------------------------------------------------------------- login


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    username: str
    must_change_password: bool


def _actor_for(person: Person) -> Actor:
    return Actor(
        name=person.name,
        roles=frozenset(person.roles),
        person_id=person.id,
        key=person.key,
        agency_id=person.agency_id,
    )


def _normal(username: str) -> str:
    return username.strip().lower()


def authenticate(
    db: Database, username: str, password: str, *, now: datetime | None = None
) -> LoginResult:
    """Check a user name and password; count failures and lock the account after five.

    Raises LoginFailed (AccountLocked while locked) with a message for the user. A wrong user
    name and a wrong password give the same message."""
    at = _now(now)
    username = _normal(username)
    with db.transaction() as session:
        person = session.scalar(select(Person).where(Person.username == username))
        if person is None or not person.password_hash:
            verify_password(None, password)
            log.info("login refused: unknown user name")
            raise LoginFailed(WRONG_LOGIN)
        if person.locked_until is not None and _aware(person.locked_until) > at:
            log.info("login refused: account %s is locked", username)
            until = _aware(person.locked_until)
            raise AccountLocked(_locked_message(until), until)
        if verify_password(person.password_hash, password):
            error = _refusal(person)
            if error is None:
                person.failed_logins = 0
                person.locked_until = None
                person.last_login_at = at
                if _hasher.check_needs_rehash(person.password_hash):
                    person.password_hash = hash_password(password)
                log.info("login: %s", username)
                return LoginResult(_actor_for(person), username, bool(person.must_change_password))
        else:
            # The count is committed as the transaction ends; the refusal is raised after.
            error = _count_failure(session, person, username, at)
    raise error


def _count_failure(session: Session, person: Person, username: str, at: datetime) -> LoginFailed:
    person.failed_logins = (person.failed_logins or 0) + 1
    log.info("login refused: wrong password for %s (%d)", username, person.failed_logins)
    if person.failed_logins < MAX_FAILURES:
        left = MAX_FAILURES - person.failed_logins
        message = WRONG_LOGIN
        if left <= 2:
            message += (
                f" {left} more wrong attempt{'s' if left > 1 else ''} will lock the account "
                "for a while."
            )
        return LoginFailed(message)
    until = at + lock_delay(person.failed_logins)
    person.locked_until = until
    changelog.record(
        session,
        Actor.system("login"),
        "update",
        "account",
        person.uuid,
        after={"locked_until": changelog.json_safe(until)},
        summary=(
            f"Account {username} locked after {person.failed_logins} wrong passwords in a row"
        ),
    )
    return AccountLocked(WRONG_LOGIN + " " + _locked_message(until, newly=True), until)


def _refusal(person: Person) -> LoginFailed | None:
    if not person.active:
        return LoginFailed(
            f"The account {person.username} is deactivated. Ask a QA lead if you still need it."
        )
    if not person.roles:
        return LoginFailed(f"{person.name} has no role in the app. Ask a QA lead to give one.")
    return None


def _locked_message(until: datetime, *, newly: bool = False) -> str:
    start = "The account is now locked" if newly else "This account is locked"
    return (
        f"{start} after too many wrong passwords, until {format_until(until)}. "
        "Try again then, or ask a QA lead to reset the password."
    )


def reauthenticate(
    db: Database, actor: Actor, password: str, *, now: datetime | None = None
) -> LoginResult:
    """The password again for the user already logged in (after the window was locked)."""
    username = username_for_person(db, actor.person_id)
    if username is None:
        raise LoginFailed(f"{actor.name} has no password; use Switch user.")
    result = authenticate(db, username, password, now=now)
    return result


def username_for_person(db: Database, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    with db.session() as session:
        row = session.execute(
            select(Person.username, Person.password_hash).where(Person.id == person_id)
        ).first()
    return row[0] if row is not None and row[1] else None


def username_for_key(db: Database, key: str) -> str | None:
    """The user name of the person with this key, if they have a password."""
    with db.session() as session:
        row = session.execute(
            select(Person.username, Person.password_hash).where(Person.key == key)
        ).first()
    return row[0] if row is not None and row[1] else None


# ---------------------------------------------------------------- first start


def needs_first_setup(db: Database) -> bool:
    """True while no one has a password: the first start of a new database."""
    with db.session() as session:
        return not _account_count(session)


def _account_count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(Person.id)).where(
                Person.password_hash.is_not(None), Person.username.is_not(None)
            )
        )
        or 0
    )


def create_first_lead(
    db: Database,
    *,
    username: str,
    password: str,
    name: str = "",
    agency_name: str = "",
    person_key: str | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """The first QA lead account, allowed only while no account exists; logs them in.

    Either for an existing person (`person_key`, who becomes a QA lead) or for a new person
    with `name` in the agency named `agency_name` (added when new)."""
    username = _normal(username)
    name, agency_name = name.strip(), agency_name.strip()
    errors = _first_lead_field_errors(username, password, name, agency_name, person_key)
    at = _now(now)
    with db.transaction() as session:
        if _account_count(session):
            raise PermissionDenied(
                "This database already has accounts: log in, and ask a QA lead for an account."
            )
        if session.scalar(select(Person.id).where(Person.username == username)) is not None:
            errors["username"] = f"The user name {username} is taken"
        person: Person | None = None
        if person_key is not None:
            person = session.scalar(select(Person).where(Person.key == person_key))
            if person is None:
                errors["person"] = f"No person with key '{person_key}'"
        if errors:
            raise ValidationError(
                "The account was not created: " + "; ".join(errors.values()), errors
            )
        setup = Actor.system("first set-up")
        if person is None:
            person = _new_first_lead_person(session, setup, username, name, agency_name)
        if "lead" not in person.roles:
            person.role_rows.append(PersonRole(role="lead"))
        person.active = True
        person.username = username
        person.password_hash = hash_password(password)
        person.must_change_password = False
        person.failed_logins = 0
        person.locked_until = None
        person.last_login_at = at
        session.flush()
        session.refresh(person)
        changelog.record(
            session,
            setup,
            "create",
            "account",
            person.uuid,
            after={**_account_snapshot(person), "name": person.name},
            summary=f"First QA lead account {username} created for {person.name}",
        )
        log.info("first lead account %s created", username)
        return LoginResult(_actor_for(person), username, False)


def _first_lead_field_errors(
    username: str, password: str, name: str, agency_name: str, person_key: str | None
) -> dict[str, str]:
    """What is wrong with the first lead's user name, name, agency and password, by field."""
    errors: dict[str, str] = {}
    _check_username(username, errors)
    if person_key is None:
        if not name:
            errors["name"] = "Your name is required"
        if not agency_name:
            errors["agency"] = "Your agency is required"
    problem = password_problem(password, username=username, name=name)
    if problem:
        errors["password"] = problem
    return errors


def _new_first_lead_person(
    session: Session, setup: Actor, username: str, name: str, agency_name: str
) -> Person:
    """A new person for the first lead, in the agency of that name (added if new)."""
    from audit_tool.services.reference import make_key

    agency = session.scalar(select(Agency).where(func.lower(Agency.name) == agency_name.lower()))
    if agency is None:
        key = _free_key(session, Agency, make_key(agency_name))
        agency = Agency(key=key, name=agency_name, active=True)
        session.add(agency)
        session.flush()
        changelog.record(
            session,
            setup,
            "create",
            "agency",
            agency.uuid,
            after=changelog.snapshot(agency),
            summary=f"Agency {agency_name} added at first set-up",
        )
    person = Person(
        key=_free_key(session, Person, make_key(username)),
        name=name,
        agency_id=agency.id,
        job_title="QA lead",
        active=True,
    )
    session.add(person)
    session.flush()
    return person


def _free_key(session: Session, model: Any, base: str) -> str:
    base = base[:36] or "item"
    key, n = base, 1
    while session.scalar(select(model.id).where(model.key == key)) is not None:
        n += 1
        key = f"{base}{n}"
    return key


# ---------------------------------------------------------------- management (QA lead)


@dataclass(frozen=True)
class AccountRow:
    """A person who uses the app or has an account (username None: no account yet)."""

    key: str
    name: str
    username: str | None
    roles: tuple[str, ...]
    agency_name: str
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    must_change_password: bool
    failed_logins: int

    @property
    def has_account(self) -> bool:
        return self.username is not None


def _row(p: Person) -> AccountRow:
    return AccountRow(
        p.key,
        p.name,
        p.username if p.password_hash else None,
        tuple(p.roles),
        p.agency.name,
        p.active,
        _aware(p.locked_until) if p.locked_until else None,
        _aware(p.last_login_at) if p.last_login_at else None,
        p.must_change_password,
        p.failed_logins or 0,
    )


def list_accounts(db: Database, actor: Actor) -> list[AccountRow]:
    """People with an account or a role in the app, by name."""
    require(actor, "account.manage")
    stmt = (
        select(Person)
        .where((Person.password_hash.is_not(None)) | Person.role_rows.any())
        .order_by(Person.name)
    )
    with db.session() as session:
        return [_row(p) for p in session.scalars(stmt)]


def _account_snapshot(person: Person) -> dict[str, Any]:
    """What the change log keeps of an account: never the password or its hash."""
    return {
        "username": person.username,
        "active": person.active,
        "must_change_password": person.must_change_password,
        "locked_until": changelog.json_safe(person.locked_until),
    }


def _check_username(username: str, errors: dict[str, str]) -> None:
    if not username:
        errors["username"] = "A user name is required"
    elif not USERNAME_RE.match(username):
        errors["username"] = (
            "Use 3-40 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit"
        )


def _person(session: Session, key: str) -> Person:
    person = session.scalar(select(Person).where(Person.key == key))
    if person is None:
        raise NotFound(f"No person with key '{key}'")
    return person


def _account(session: Session, username: str) -> Person:
    person = session.scalar(select(Person).where(Person.username == _normal(username)))
    if person is None or not person.password_hash:
        raise NotFound(f"No account with user name '{username}'")
    return person


def create_account(
    db: Database, actor: Actor, *, person_key: str, username: str
) -> tuple[AccountRow, str]:
    """An account for a person, with a temporary password (returned, to be shown once) that
    must be changed at the first login."""
    require(actor, "account.manage")
    username = _normal(username)
    errors: dict[str, str] = {}
    _check_username(username, errors)
    with db.transaction() as session:
        person = _person(session, person_key)
        if person.password_hash:
            errors["person"] = f"{person.name} already has the account {person.username}"
        clash = session.scalar(select(Person).where(Person.username == username))
        if clash is not None and clash.id != person.id:
            errors["username"] = f"The user name {username} is taken by {clash.name}"
        if not person.roles:
            errors["person"] = (
                f"{person.name} has no role in the app: give them one in Admin > People first"
            )
        if errors:
            raise ValidationError(
                "The account was not created: " + "; ".join(errors.values()), errors
            )
        password = temporary_password()
        person.username = username
        person.password_hash = hash_password(password)
        person.must_change_password = True
        person.failed_logins = 0
        person.locked_until = None
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "account",
            person.uuid,
            after=_account_snapshot(person),
            summary=f"Account {username} created for {person.name}",
        )
        log.info("account %s created by %s", username, actor.name)
        return _row(person), password


def set_active(db: Database, actor: Actor, username: str, active: bool) -> AccountRow:
    """Deactivate (the person can no longer log in) or reactivate an account."""
    require(actor, "account.manage")
    with db.transaction() as session:
        person = _account(session, username)
        if not active and person.id == actor.person_id:
            raise ValidationError("You cannot deactivate your own account")
        if not active and "lead" in person.roles and _other_active_leads(session, person) == 0:
            raise ValidationError(
                f"{person.name} is the only active QA lead with an account; create another "
                "lead account first"
            )
        before = _account_snapshot(person)
        person.active = active
        session.flush()
        changelog.record_changes(
            session,
            actor,
            "account",
            person.uuid,
            before,
            _account_snapshot(person),
            summary=f"Account {person.username} {'reactivated' if active else 'deactivated'}",
        )
        return _row(person)


def _other_active_leads(session: Session, person: Person) -> int:
    return int(
        session.scalar(
            select(func.count(Person.id)).where(
                Person.id != person.id,
                Person.active.is_(True),
                Person.password_hash.is_not(None),
                Person.role_rows.any(PersonRole.role == "lead"),
            )
        )
        or 0
    )


def reset_password(db: Database, actor: Actor, username: str) -> str:
    """A new temporary password (returned, to be shown once); unlocks the account and forces
    a change at the next login."""
    require(actor, "account.manage")
    with db.transaction() as session:
        person = _account(session, username)
        before = _account_snapshot(person)
        password = temporary_password()
        person.password_hash = hash_password(password)
        person.must_change_password = True
        person.failed_logins = 0
        person.locked_until = None
        session.flush()
        changelog.record(
            session,
            actor,
            "update",
            "account",
            person.uuid,
            before=before,
            after={**_account_snapshot(person), "password": "reset"},
            summary=f"Password of {person.username} reset",
        )
        log.info("password of %s reset by %s", person.username, actor.name)
        return password


def change_own_password(db: Database, actor: Actor, old_password: str, new_password: str) -> None:
    """The logged-in user chooses a new password; the current one is asked first."""
    if actor.person_id is None:
        raise ValidationError("Only a person with an account has a password to change")
    errors: dict[str, str] = {}
    with db.transaction() as session:
        person = session.get(Person, actor.person_id)
        if person is None or not person.password_hash or not person.username:
            raise NotFound(f"{actor.name} has no account")
        if not verify_password(person.password_hash, old_password):
            errors["old"] = "The current password is not right"
        problem = password_problem(new_password, username=person.username, name=person.name)
        if problem:
            errors["new"] = problem
        elif new_password == old_password:
            errors["new"] = "Choose a password different from the current one"
        if errors:
            raise ValidationError(
                "The password was not changed: " + "; ".join(errors.values()), errors
            )
        before = _account_snapshot(person)
        person.password_hash = hash_password(new_password)
        person.must_change_password = False
        session.flush()
        changelog.record(
            session,
            actor,
            "update",
            "account",
            person.uuid,
            before=before,
            after={**_account_snapshot(person), "password": "changed"},
            summary=f"{person.username} changed their password",
        )
        log.info("password of %s changed", person.username)
