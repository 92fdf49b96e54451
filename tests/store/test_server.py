"""Team server connections against a real PostgreSQL: each failure named, the schema checked,
the password found without ever being shown, every command working, and the documented roles
and grants (docs/deployment.md) applied as written."""

from __future__ import annotations

import json
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import DatabaseError
from audit_tool.services import changelog
from audit_tool.store import migrate, open_database, server
from audit_tool.store.database import SCHEMA_HEAD
from audit_tool.store.server import Status
from audit_tool.store.urls import to_url
from tests import factories
from tests.conftest import IN_CI, PG_ADMIN_URL
from tests.keyrings import MemoryKeyring

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


@pytest.fixture(autouse=True)
def memory_keyring(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """No test reads or writes the real keyring, nor takes a password from the environment."""
    monkeypatch.delenv(server.ENV_PASSWORD, raising=False)
    return memory_keyring


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def revision(url: str) -> str | None:
    engine = create_engine(to_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def execute(url: str | URL, *statements: str) -> None:
    engine = create_engine(to_url(str(url)) if isinstance(url, str) else url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- URLs and the classifier ----------------------------------------------------------------


def test_urls_that_are_stored_or_shown_hold_no_password():
    url = "postgresql://jo:s3cret@db.example.org/audit?sslmode=verify-full"
    assert server.without_password(url) == (
        "postgresql+psycopg://jo@db.example.org/audit?sslmode=verify-full"
    )
    # The keyring's key leaves out options too, so changing the TLS mode keeps the password.
    assert server.keyring_username(url) == "postgresql+psycopg://jo@db.example.org:5432/audit"
    assert server.with_password(url, None).password is None
    assert server.with_password(url, "other").password == "other"
    assert server.is_server_url(url) and server.is_server_url("postgresql+psycopg://h/db")
    assert not server.is_server_url("/home/jo/audit.sqlite")
    assert not server.is_server_url("sqlite:///x.sqlite")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"host": " "}, "host name"),
        ({"database": ""}, "database name"),
        ({"username": ""}, "user name"),
        ({"port": 0}, "port"),
        ({"sslmode": "required"}, "Unknown TLS mode"),
    ],
)
def test_building_a_url_from_incomplete_details_says_what_is_missing(fields, words):
    details = {"host": "db", "database": "audit", "username": "jo", "sslmode": "require"}
    details.update(fields)
    with pytest.raises(DatabaseError, match=words):
        server.build_url(**details)  # type: ignore[arg-type]


def test_a_url_built_from_details_keeps_the_tls_mode():
    url = server.build_url(
        host="db.example.org", port=5433, database="audit", username="jo", sslmode="verify-full"
    )
    assert url.render_as_string() == (
        "postgresql+psycopg://jo@db.example.org:5433/audit?sslmode=verify-full"
    )


# Messages libpq gives for conditions this machine's trust-auth, TLS-less server cannot produce.
PREFIX = 'connection failed: connection to server at "10.0.0.5", port 5432 failed: '


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        (
            PREFIX + 'FATAL:  password authentication failed for user "jo"',
            Status.AUTHENTICATION,
            "refused the password for jo",
        ),
        (PREFIX + "fe_sendauth: no password supplied", Status.PASSWORD_NEEDED, "password of jo"),
        (
            PREFIX + 'FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "jo", '
            'database "audit", no encryption',
            Status.TLS_REQUIRED,
            "accepts only encrypted connections",
        ),
        (
            PREFIX + 'FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "jo", '
            'database "audit", SSL encryption',
            Status.NOT_ALLOWED,
            "does not let jo connect to audit",
        ),
        (
            PREFIX + "SSL error: certificate verify failed",
            Status.TLS_FAILED,
            "certificate could not be checked",
        ),
        (
            PREFIX + 'root certificate file "/home/jo/.postgresql/root.crt" does not exist',
            Status.TLS_FAILED,
            "sslrootcert",
        ),
        (
            PREFIX + 'server certificate for "db.internal" does not match host name "10.0.0.5"',
            Status.TLS_FAILED,
            "host name the certificate was issued for",
        ),
        ("connection timeout expired", Status.UNREACHABLE, "No answer from 10.0.0.5:5432"),
        (PREFIX + "No route to host", Status.UNREACHABLE, "cannot be reached"),
        (PREFIX + "FATAL:  sorry, too many clients already", Status.OTHER, "too many clients"),
    ],
)
def test_connection_failures_are_named(raw, status, words):
    url = make_url("postgresql+psycopg://jo@10.0.0.5/audit")
    result = server.classify_error(raw, url)
    assert result.status is status
    assert words in result.message
    assert not result.connected


# --- a real server: each failure, each schema state -------------------------------------------


@pytest.fixture
def admin_url(pg_available: str | None) -> str:
    if pg_available is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {pg_available}")
        pytest.skip(pg_available)
    return PG_ADMIN_URL


def test_a_closed_port_is_named_as_server_down(admin_url):
    url = make_url(admin_url).set(port=closed_port())
    result = server.test_connection(url)
    assert result.status is Status.UNREACHABLE
    assert f"Nothing answers at 127.0.0.1:{url.port}" in result.message


def test_an_unknown_host_name_is_named(admin_url):
    result = server.test_connection(make_url(admin_url).set(host="no-such-server.invalid"))
    assert result.status is Status.UNREACHABLE
    assert "'no-such-server.invalid' is not known" in result.message


def test_a_missing_database_is_named(admin_url):
    result = server.test_connection(make_url(admin_url).set(database="no_such_db_h8a"))
    assert result.status is Status.NO_DATABASE
    assert "no database named no_such_db_h8a" in result.message


def test_an_unknown_user_is_named(admin_url):
    result = server.test_connection(make_url(admin_url).set(username="no_such_role_h8a"))
    assert result.status is Status.AUTHENTICATION
    assert "no user no_such_role_h8a" in result.message


def test_requiring_tls_from_a_server_without_it_is_named(pg_url):
    open_database(pg_url).close()
    engine = create_engine(to_url(pg_url))
    with engine.connect() as conn:
        ssl_on = conn.execute(text("SHOW ssl")).scalar() == "on"
    engine.dispose()
    result = server.test_connection(make_url(pg_url).update_query_dict({"sslmode": "require"}))
    if ssl_on:  # a server with TLS accepts the encrypted connection
        assert result.status is Status.OK
    else:
        assert result.status is Status.TLS_UNAVAILABLE
        assert "does not offer encryption (TLS)" in result.message


def test_an_up_to_date_database_is_ok_with_versions(pg_url):
    open_database(pg_url).close()
    result = server.test_connection(pg_url)
    assert result.ok and result.revision == SCHEMA_HEAD
    assert re.fullmatch(r"\d+(\.\d+)*", result.server_version or "")
    assert f"Connected: PostgreSQL {result.server_version}" in result.message


def test_an_empty_database_offers_its_schema(pg_url):
    result = server.test_connection(pg_url)
    assert result.status is Status.EMPTY and result.connected
    assert result.can_change_schema  # the test server's user is a superuser
    assert "is empty" in result.message


def test_a_database_of_something_else_is_named(pg_url):
    execute(pg_url, "CREATE TABLE invoices (id integer)")
    result = server.test_connection(pg_url)
    assert result.status is Status.NOT_OURS
    assert "not an Audit Tool database" in result.message


def test_db_upgrade_migrates_an_older_server_schema(pg_url, capsys):
    engine = create_engine(to_url(pg_url))
    migrate.upgrade(engine, "0005_accounts")
    engine.dispose()
    result = server.test_connection(pg_url)
    assert (result.status, result.revision) == (Status.SCHEMA_OLD, "0005_accounts")
    assert result.can_change_schema and "audit-tool db upgrade" in result.message

    # Other commands refuse an old server schema rather than upgrade it in passing.
    code, out, err = run(capsys, "--database", pg_url, "log", "verify")
    assert code == 1 and out == ""
    assert "older schema (0005_accounts); run 'audit-tool db upgrade'" in err
    assert len(err.strip().splitlines()) == 1
    assert revision(pg_url) == "0005_accounts"

    code, out, err = run(capsys, "--database", pg_url, "db", "upgrade")
    assert (code, err) == (0, "")
    assert f"schema 0005_accounts -> {SCHEMA_HEAD}" in out
    assert revision(pg_url) == SCHEMA_HEAD
    assert server.test_connection(pg_url).ok
    code, out, _err = run(capsys, "--database", pg_url, "log", "verify")
    assert code == 0 and "verified" in out


def test_a_schema_from_a_newer_version_is_refused_and_left_alone(pg_url, capsys):
    open_database(pg_url).close()
    execute(pg_url, "UPDATE alembic_version SET version_num = '9999_future'")
    result = server.test_connection(pg_url)
    assert (result.status, result.revision) == (Status.SCHEMA_NEW, "9999_future")
    assert "made by a newer version of Audit Tool" in result.message
    for command in (("log", "verify"), ("db", "upgrade")):
        code, _out, err = run(capsys, "--database", pg_url, *command)
        assert code == 1 and "made by a newer version of Audit Tool" in err
    assert revision(pg_url) == "9999_future"


# --- the command line on a server -------------------------------------------------------------


def test_every_command_works_on_a_server(pg_url, tmp_path, capsys):
    db_args = ("--database", pg_url)
    code, out, err = run(capsys, *db_args, "db", "upgrade")
    assert (code, err) == (0, "") and f"schema none -> {SCHEMA_HEAD}" in out
    code, out, err = run(capsys, *db_args, "demo", "--audits", "12", "--today", "2026-01-15")
    assert (code, err) == (0, "") and "12 audits" in out

    pack = tmp_path / "pack.json"
    code, out, err = run(capsys, *db_args, "export-pack", "--out", str(pack))
    assert (code, err) == (0, "") and "12 audit(s) written" in out
    data = json.loads(pack.read_text())
    code, out, err = run(capsys, *db_args, "import-pack", str(pack))
    assert (code, err) == (0, "") and "0 audit(s) new, 0 updated, 12 unchanged" in out

    team = data["teams"][0]["key"]
    csv_file = tmp_path / "cases.csv"
    csv_file.write_text(f"Case reference,Initials,Case type,Team\nZ9000,AB,cin,{team}\n")
    code, out, err = run(capsys, *db_args, "import-cases", str(csv_file))
    assert (code, err) == (0, "") and "1 new" in out

    for fmt in ("json", "xlsx", "pdf"):
        report = tmp_path / f"report.{fmt}"
        code, out, err = run(
            capsys, *db_args, "report", "--from", "2020-01-01", "--to", "2026-12-31",
            "--format", fmt, "--out", str(report),
        )  # fmt: skip
        assert (code, err) == (0, "") and report.stat().st_size > 0
    assert json.loads((tmp_path / "report.json").read_text())["format"] == "qa-report"

    programme = data["programmes"][0]["key"]
    briefing = tmp_path / "briefing.pdf"
    code, out, err = run(
        capsys, *db_args, "briefing", "--programme", programme, "--out", str(briefing)
    )
    assert (code, err) == (0, "") and briefing.read_bytes().startswith(b"%PDF")

    code, out, err = run(capsys, *db_args, "log", "verify")
    assert (code, err) == (0, "") and "verified" in out
    code, out, err = run(capsys, *db_args, "retention", "--dry-run", "--today", "2026-01-15")
    assert (code, err) == (0, "") and "nothing was changed" in out

    # File-only commands say so in one line.
    for command in (("backup", "--out", str(tmp_path / "b")), ("db", "encrypt")):
        code, out, err = run(capsys, *db_args, *command)
        assert code == 1 and len(err.strip().splitlines()) == 1 and "pg_dump" in err


def test_a_server_that_cannot_be_reached_fails_in_one_line(admin_url, capsys):
    url = make_url(admin_url).set(port=closed_port(), database="audit")
    argv = ["--database", url.render_as_string(False), "report"]
    argv += ["--from", "2026-01-01", "--to", "2026-03-31", "--out", "x.json"]
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"audit-tool: error: Nothing answers at 127.0.0.1:{url.port}: the server is down, or "
        "the host or port is wrong (the usual port is 5432)."
    ]


def _password_of(url: str) -> str:
    """The password the server accepts: the test URL's, or any at all on a trust-auth server."""
    return str(make_url(url).password or "any-password-will-do")


def test_the_command_line_takes_the_password_from_the_environment(pg_url):
    bare = server.without_password(pg_url)
    password = _password_of(pg_url)
    filled = server.cli_database(bare, environ={server.ENV_PASSWORD: password}, interactive=False)
    assert make_url(filled).password == password
    assert server.without_password(filled) == bare


def test_the_command_line_takes_the_password_from_the_keyring(pg_url, memory_keyring):
    bare = server.without_password(pg_url)
    password = _password_of(pg_url)
    assert server.keyring_set(bare, password)
    key = (server.KEYRING_SERVICE, server.keyring_username(bare))
    assert memory_keyring.items[key] == password
    filled = server.cli_database(bare, environ={}, interactive=False)
    assert make_url(filled).password == password


def test_a_password_in_the_url_comes_before_the_environment(pg_url):
    url = make_url(pg_url).set(password=_password_of(pg_url))
    filled = server.cli_database(
        url.render_as_string(False), environ={server.ENV_PASSWORD: "not-this-one"}
    )
    assert make_url(filled).password == _password_of(pg_url)


def test_in_a_terminal_a_refused_login_asks_for_the_password_once(admin_url):
    url = make_url(admin_url).set(username="no_such_role_h8a", password=None)
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return "typed-in"

    with pytest.raises(DatabaseError, match="no user no_such_role_h8a"):
        server.cli_database(url.render_as_string(), environ={}, prompt=prompt, interactive=True)
    assert asked == [f"Password for {server.keyring_username(url)}: "]


def test_no_message_shows_the_password(admin_url, capsys, monkeypatch):
    monkeypatch.setenv(server.ENV_PASSWORD, "s3cret-w0rd")
    for url in (
        make_url(admin_url).set(database="no_such_db_h8a", password=None),
        make_url(admin_url).set(port=closed_port(), password="s3cret-w0rd"),
    ):
        code, out, err = run(capsys, "--database", url.render_as_string(False), "log", "verify")
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert "s3cret-w0rd" not in out + err


# --- the documented roles and grants ------------------------------------------------------------


def doc_sql(block: str, names: dict[str, str]) -> tuple[list[str], list[str]]:
    """The statements of one marked SQL block of docs/deployment.md, with our names; and the
    passwords it sets."""
    found = re.search(rf"<!-- sql:{block} -->\s*```sql\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"docs/deployment.md has no sql:{block} block"
    sql = found.group(1)
    for name, ours in names.items():
        sql = re.sub(rf"\b{name}\b", ours, sql)
    # CREATE DATABASE must run alone; a function body ($$...$$) must not be split.
    statements = [sql] if "$$" in sql else [s.strip() for s in sql.split(";") if s.strip()]
    return statements, re.findall(r"PASSWORD '([^']*)'", sql)


@pytest.fixture
def deployment(admin_url: str) -> Iterator[dict[str, str]]:
    """Names for the documented roles and database, unique to this test; all dropped after."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "audit_owner": f"h8a_owner_{suffix}",
        "audit_users": f"h8a_users_{suffix}",
        "jo_bloggs": f"h8a_person_{suffix}",
        "audit": f"h8a_audit_{suffix}",
    }
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        yield names
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{names["audit"]}" WITH (FORCE)'))
            for role in ("jo_bloggs", "audit_users", "audit_owner"):
                conn.execute(text(f'DROP ROLE IF EXISTS "{names[role]}"'))
        admin.dispose()


def _denied(url: URL, statement: str) -> str:
    engine = create_engine(url)
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
    return str(caught.value.orig)


def test_the_documented_grants_let_a_person_work_but_not_alter_the_change_log(
    deployment, admin_url, capsys
):
    names = deployment
    admin = make_url(admin_url)
    cluster, (owner_password,) = doc_sql("cluster", names)
    in_database, _ = doc_sql("database", names)
    tables, _ = doc_sql("tables", names)
    person, (person_password,) = doc_sql("person", names)

    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        for statement in cluster:
            conn.execute(text(statement))
    admin_engine.dispose()
    execute(admin.set(database=names["audit"]), *in_database)

    owner_url = admin.set(
        username=names["audit_owner"], password=owner_password, database=names["audit"]
    )
    code, out, err = run(capsys, "--database", owner_url.render_as_string(False), "db", "upgrade")
    assert (code, err) == (0, "") and f"-> {SCHEMA_HEAD}" in out
    execute(owner_url, *tables)
    execute(admin, *person)
    person_url = owner_url.set(username=names["jo_bloggs"], password=person_password)
    assert server.test_connection(person_url).ok

    # The person does the app's work: reference data, a looped audit through moderation.
    db = open_database(person_url.render_as_string(False), create=False, upgrade=False)
    try:
        world = factories.build_world(db, Actor.system("test set-up"))
        factories.final_audit(world)
        entries = changelog.count(db)
        assert entries > 10
        assert changelog.verify(db)[0]
    finally:
        db.close()

    # ... but cannot alter or remove the change log, the schema version or the schema.
    for statement in (
        "UPDATE change_log SET summary = 'nothing happened'",
        "DELETE FROM change_log",
        "TRUNCATE change_log",
        "UPDATE change_log_head SET entries = 0",
        "DELETE FROM change_log_head",
        "UPDATE alembic_version SET version_num = '0001_initial'",
        "CREATE TABLE notes (id integer)",
    ):
        assert "permission denied" in _denied(person_url, statement)
    # The one column grant (a new entry's hash) does not reach an entry already written.
    sealed = _denied(person_url, "UPDATE change_log SET hash = digest")
    assert "change log entries cannot be changed" in sealed
    code, out, _err = run(capsys, "--database", person_url.render_as_string(False), "log", "verify")
    assert code == 0 and f"{entries} change log entries verified" in out

    # The head record moved on with the person's work (its trigger runs as the owner), so
    # entries removed even by the owner are named.
    execute(owner_url, "DELETE FROM change_log WHERE id = (SELECT max(id) FROM change_log)")
    code, _out, err = run(capsys, "--database", person_url.render_as_string(False), "log", "verify")
    assert code == 1 and "is missing" in err and err.count("\n") == 1

    # Only the owner is offered a schema upgrade.
    execute(owner_url, "UPDATE alembic_version SET version_num = '0005_accounts'")
    as_person = server.test_connection(person_url)
    assert as_person.status is Status.SCHEMA_OLD and not as_person.can_change_schema
    assert "its owner must run 'audit-tool db upgrade'" in as_person.message
    assert server.test_connection(owner_url).can_change_schema
