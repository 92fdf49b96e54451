"""Team server connections: testing a PostgreSQL URL and naming what is wrong, finding its password.

`test_connection` opens one connection with a short timeout and turns whatever went wrong into a
`ConnectionResult` whose `status` names the problem and whose `message` says what to do. libpq
and psycopg report connection failures as text only (no SQLSTATE before the session starts), so
the classifier reads their messages; they are English unless the server or client is set to
another language, in which case the result is `OTHER` with the server's own words.

Passwords never go into a URL that is stored or shown. On a computer the password is kept in the
keyring (service "audit-tool-server", user name = the URL without password and options, so
changing sslmode keeps it); the command line looks in AUDIT_TOOL_SERVER_PASSWORD, then the
keyring, then asks in a terminal, and only when the server asks for one (libpq's own PGPASSWORD
and ~/.pgpass still work, and a server with trust or certificate authentication needs none).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from audit_tool.errors import DatabaseError
from audit_tool.store import keychain
from audit_tool.store.database import SCHEMA_HEAD, SCHEMA_ORDER
from audit_tool.store.urls import SSL_MODES, to_url

log = logging.getLogger(__name__)

ENV_PASSWORD = "AUDIT_TOOL_SERVER_PASSWORD"
KEYRING_SERVICE = "audit-tool-server"
CONNECT_TIMEOUT = 5  # seconds; libpq's minimum is 2
DEFAULT_PORT = 5432


class Status(StrEnum):
    OK = "ok"
    BAD_URL = "bad_url"
    UNREACHABLE = "unreachable"  # nothing answers, host unknown, or no answer in time
    PASSWORD_NEEDED = "password_needed"  # the server asks for a password and none was given
    AUTHENTICATION = "authentication"  # wrong password, or no such role
    TLS_REQUIRED = "tls_required"  # the server refuses connections without TLS
    TLS_UNAVAILABLE = "tls_unavailable"  # TLS was required but the server does not offer it
    TLS_FAILED = "tls_failed"  # the server's certificate could not be checked
    NOT_ALLOWED = "not_allowed"  # pg_hba.conf has no entry for this computer, user, database
    NO_DATABASE = "no_database"
    NO_ACCESS = "no_access"  # connected, but the role may not read the tables
    EMPTY = "empty"  # no tables: the schema can be created
    NOT_OURS = "not_ours"  # tables, but no Audit Tool schema
    SCHEMA_OLD = "schema_old"
    SCHEMA_NEW = "schema_new"
    OTHER = "other"


@dataclass(frozen=True)
class ConnectionResult:
    status: Status
    message: str
    server_version: str | None = None
    revision: str | None = None
    # May this role create or upgrade the schema (EMPTY and SCHEMA_OLD only)?
    can_change_schema: bool = False

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def connected(self) -> bool:
        """The server accepted the login (whatever the state of the schema)."""
        return self.server_version is not None

    @property
    def needs_password(self) -> bool:
        return self.status in (Status.PASSWORD_NEEDED, Status.AUTHENTICATION)


# --- URLs ----------------------------------------------------------------------------------


def is_server_url(database: str | URL) -> bool:
    """True for postgresql URLs (no parsing errors: anything else is not a server URL)."""
    value = database if isinstance(database, str) else database.render_as_string()
    scheme = value.split("://", 1)[0] if "://" in value else ""
    return scheme.lower().startswith("postgres")


def server_url(database: str | URL) -> URL:
    """The parsed URL of a team server; DatabaseError for anything else."""
    url = database if isinstance(database, URL) else to_url(database)
    if url.get_backend_name() != "postgresql":
        raise DatabaseError(f"Not a team server URL: {without_password(url)}")
    # One spelling for one server, so the keyring and the settings find it again.
    return url.set(drivername="postgresql+psycopg")


def without_password(database: str | URL) -> str:
    """The URL as it may be stored or shown: options kept, password left out."""
    url = database if isinstance(database, URL) else to_url(database)
    if url.get_backend_name() == "postgresql":
        url = server_url(url)
    return _drop_password(url).render_as_string(hide_password=False)


def _drop_password(url: URL) -> URL:
    # URL.set() takes None as "leave as it is", so the URL is built again without it.
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def with_password(database: str | URL, password: str | None) -> URL:
    """The URL with this password (None or empty: with no password at all)."""
    url = _drop_password(server_url(database))
    return url.set(password=password) if password else url


def keyring_username(database: str | URL) -> str:
    """The keyring's key for a server: driver, user, host, port and database, nothing else."""
    url = server_url(database)
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port or DEFAULT_PORT,
        database=url.database,
    ).render_as_string(hide_password=False)


def build_url(
    *,
    host: str,
    port: int = DEFAULT_PORT,
    database: str,
    username: str,
    sslmode: str | None = None,
    password: str | None = None,
) -> URL:
    """A team server URL from its parts (the connection dialog)."""
    if not host.strip():
        raise DatabaseError("Give the server's host name")
    if not database.strip():
        raise DatabaseError("Give the database name")
    if not username.strip():
        raise DatabaseError("Give your user name on the server")
    if not 0 < port < 65536:
        raise DatabaseError("The port is a number from 1 to 65535 (usually 5432)")
    if sslmode and sslmode not in SSL_MODES:
        raise DatabaseError(f"Unknown TLS mode '{sslmode}': use one of {', '.join(SSL_MODES)}")
    return URL.create(
        "postgresql+psycopg",
        username=username.strip(),
        password=password or None,
        host=host.strip(),
        port=port,
        database=database.strip(),
        query={"sslmode": sslmode} if sslmode else {},
    )


# --- classifying a failed connection --------------------------------------------------------


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or DEFAULT_PORT}"


def _server_words(raw: str) -> str:
    """libpq's message without its "connection to server at ... failed:" preamble."""
    lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
    first = lines[0] if lines else raw.strip()
    first = re.sub(r"^connection failed:\s*", "", first)
    first = re.sub(r"^connection to server at .*? failed:\s*", "", first)
    return re.sub(r"^FATAL:\s*", "", first)


def classify_error(raw: str, url: URL) -> ConnectionResult:
    """The result for a connection that failed with libpq/psycopg message `raw`."""
    where, user, name = _where(url), url.username or "(none)", url.database or "(none)"
    low = raw.lower()
    # In this order: the first that recognises the message says what went wrong.
    if (found := _network_problem(low, url, where)) is not None:
        return found
    if (found := _login_problem(low, user, name)) is not None:
        return found
    if (found := _tls_problem(low, raw, where)) is not None:
        return found
    if (found := _database_problem(low, where, user, name)) is not None:
        return found
    return ConnectionResult(Status.OTHER, f"Cannot connect to {where}: {_server_words(raw)}")


def _network_problem(low: str, url: URL, where: str) -> ConnectionResult | None:
    """The server's name unknown, or nothing answering at its address."""
    if "failed to resolve host" in low or "could not translate host name" in low:
        return ConnectionResult(
            Status.UNREACHABLE,
            f"The server name '{url.host}' is not known: check its spelling, or connect to the "
            "network (VPN) the server is on.",
        )
    if "connection refused" in low:
        return ConnectionResult(
            Status.UNREACHABLE,
            f"Nothing answers at {where}: the server is down, or the host or port is wrong "
            "(the usual port is 5432).",
        )
    if "timeout expired" in low or "timed out" in low:
        return ConnectionResult(
            Status.UNREACHABLE,
            f"No answer from {where} in time: the server is down or a firewall is in the way "
            "(check the VPN).",
        )
    if "no route to host" in low or "network is unreachable" in low:
        return ConnectionResult(
            Status.UNREACHABLE, f"{where} cannot be reached from this computer (check the VPN)."
        )
    return None


def _login_problem(low: str, user: str, name: str) -> ConnectionResult | None:
    """No password, a wrong one, no such user, or pg_hba.conf refusing this computer."""
    if "no password supplied" in low or "password is required" in low:
        return ConnectionResult(
            Status.PASSWORD_NEEDED, f"The server asks for the password of {user}."
        )
    if "password authentication failed" in low or "authentication failed" in low:
        return ConnectionResult(
            Status.AUTHENTICATION,
            f"The server refused the password for {user}: check the user name and password.",
        )
    if re.search(r'role ".*" does not exist', low):
        return ConnectionResult(
            Status.AUTHENTICATION,
            f"The server has no user {user}: check the user name (or ask the server's "
            "administrator for an account).",
        )
    if "no pg_hba.conf entry" in low:
        if "no encryption" in low:
            return ConnectionResult(
                Status.TLS_REQUIRED,
                "The server accepts only encrypted connections: choose TLS 'require' or "
                "'verify-full'.",
            )
        return ConnectionResult(
            Status.NOT_ALLOWED,
            f"The server does not let {user} connect to {name} from this computer "
            "(pg_hba.conf): ask its administrator.",
        )
    return None


def _tls_problem(low: str, raw: str, where: str) -> ConnectionResult | None:
    """No encryption on offer, or a certificate that could not be checked."""
    if "server does not support ssl" in low:
        return ConnectionResult(
            Status.TLS_UNAVAILABLE,
            f"The server at {where} does not offer encryption (TLS), but this connection "
            "requires it: ask its administrator to turn TLS on.",
        )
    if (
        "certificate" in low
        or "ssl error" in low
        or "ssl syscall" in low
        or "sslrootcert" in low
        or "root.crt" in low
    ):
        return ConnectionResult(
            Status.TLS_FAILED,
            f"The server's certificate could not be checked ({_server_words(raw)}): with "
            "'verify-full', give the certificate authority's file (sslrootcert) and use the "
            "host name the certificate was issued for.",
        )
    return None


def _database_problem(low: str, where: str, user: str, name: str) -> ConnectionResult | None:
    """No database of that name, or no right to connect to it."""
    if re.search(r'database ".*" does not exist', low):
        return ConnectionResult(
            Status.NO_DATABASE,
            f"The server at {where} has no database named {name}: check the name.",
        )
    if "permission denied for database" in low:
        return ConnectionResult(
            Status.NOT_ALLOWED,
            f"{user} may not connect to {name}: ask the server's administrator to grant CONNECT.",
        )
    return None


def _raw_message(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    return str(orig if orig is not None else exc)


# --- testing a connection -------------------------------------------------------------------


def _schema_state(conn: Any, url: URL) -> ConnectionResult:
    version = str(conn.execute(text("SHOW server_version")).scalar()).split(" ")[0]
    found = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
    name = url.database or "the database"
    if not found:
        tables = conn.execute(
            text(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            )
        ).scalar()
        if tables:
            return ConnectionResult(
                Status.NOT_OURS,
                f"{name} holds tables but is not an Audit Tool database: check the name.",
                version,
            )
        can_create = bool(
            conn.execute(
                text(
                    "SELECT current_schema() IS NOT NULL "
                    "AND has_schema_privilege(current_schema(), 'CREATE')"
                )
            ).scalar()
        )
        advice = (
            "create the Audit Tool schema in it ('audit-tool db upgrade', or from here)."
            if can_create
            else "its owner must create the schema with 'audit-tool db upgrade'."
        )
        return ConnectionResult(
            Status.EMPTY, f"{name} is empty: {advice}", version, None, can_create
        )
    try:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        return ConnectionResult(
            Status.NO_ACCESS,
            f"{url.username} may not read {name} ({_server_words(_raw_message(exc))}): ask the "
            "server's administrator to grant the Audit Tool role.",
            version,
        )
    if revision == SCHEMA_HEAD:
        return ConnectionResult(
            Status.OK,
            f"Connected: PostgreSQL {version}, Audit Tool schema {revision} (up to date).",
            version,
            revision,
        )
    if revision not in SCHEMA_ORDER:
        return ConnectionResult(
            Status.SCHEMA_NEW,
            f"{name} was made by a newer version of Audit Tool (schema {revision}): install "
            "the newer version to use it.",
            version,
            revision,
        )
    owner = bool(
        conn.execute(
            text(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_catalog.pg_class c "
                "WHERE c.oid = 'alembic_version'::regclass"
            )
        ).scalar()
    )
    advice = (
        "run 'audit-tool db upgrade', or upgrade it from here (everyone using it then needs "
        "this version of Audit Tool)."
        if owner
        else "its owner must run 'audit-tool db upgrade'."
    )
    return ConnectionResult(
        Status.SCHEMA_OLD,
        f"{name} has an older schema ({revision}) than this version of Audit Tool "
        f"({SCHEMA_HEAD}): {advice}",
        version,
        revision,
        owner,
    )


def test_connection(
    database: str | URL, password: str | None = None, *, timeout: int = CONNECT_TIMEOUT
) -> ConnectionResult:
    """Connect once to a team server and report what is wrong, or the server and schema versions.

    `password` overrides one in the URL. Never raises for a connection problem.
    """
    try:
        url = server_url(database)
    except DatabaseError as exc:
        return ConnectionResult(Status.BAD_URL, str(exc))
    if password:
        url = url.set(password=password)
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": max(2, int(timeout))}
    )
    try:
        try:
            conn = engine.connect()
        except DBAPIError as exc:
            return classify_error(_raw_message(exc), url)
        try:
            return _schema_state(conn, url)
        finally:
            conn.close()
    except SQLAlchemyError as exc:
        return ConnectionResult(
            Status.OTHER, f"Cannot use {without_password(url)}: {_server_words(_raw_message(exc))}"
        )
    finally:
        engine.dispose()


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


# --- where the password comes from ---------------------------------------------------------


def keyring_get(database: str | URL) -> str | None:
    return keychain.get(KEYRING_SERVICE, keyring_username(database))


def keyring_set(database: str | URL, password: str) -> bool:
    return keychain.put(KEYRING_SERVICE, keyring_username(database), password)


def keyring_delete(database: str | URL) -> bool:
    return keychain.forget(KEYRING_SERVICE, keyring_username(database))


def stored_password(database: str | URL, environ: Mapping[str, str] | None = None) -> str | None:
    """The password in the URL, else AUDIT_TOOL_SERVER_PASSWORD, else the keyring's, else None."""
    url = server_url(database)
    if url.password:
        return str(url.password)
    env = os.environ if environ is None else environ
    return env.get(ENV_PASSWORD) or keyring_get(url)


def _stdin_is_tty() -> bool:
    from audit_tool.store.crypto import _stdin_is_tty as is_tty

    return is_tty()


def cli_database(
    database: str,
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
    interactive: bool | None = None,
    timeout: int = CONNECT_TIMEOUT,
) -> str:
    """The database argument the command line opens: a server URL gets its password filled in.

    Checks the connection first, so a command fails with one clear line (server down, wrong
    password, TLS required, no such database); problems with the schema are left to the
    command, which may create it or says to run 'audit-tool db upgrade'. A file path or an
    SQLite URL is returned as it is.
    """
    if not is_server_url(database):
        return database
    url = server_url(database)
    password = stored_password(url, environ)
    result = test_connection(url, password, timeout=timeout)
    if result.needs_password and (interactive if interactive is not None else _stdin_is_tty()):
        from audit_tool.store.crypto import _getpass

        ask = prompt or _getpass
        try:
            password = ask(f"Password for {keyring_username(url)}: ")
        except EOFError as exc:
            raise DatabaseError("No password given") from exc
        result = test_connection(url, password, timeout=timeout)
    if not result.connected:
        message = result.message
        if result.status is Status.PASSWORD_NEEDED:
            message += (
                f" (Give it in {ENV_PASSWORD}, keep it in the keyring from the app's "
                "'Connect to team server' dialog, or run the command in a terminal to be asked.)"
            )
        raise DatabaseError(message)
    return with_password(url, password).render_as_string(hide_password=False)
