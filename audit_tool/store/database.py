"""Opening a database: engine and SQLite pragmas, schema checks, creation (seeded through the
on_create hooks) and upgrade with a backup copy."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from audit_tool.errors import DatabaseError, EncryptionKeyError
from audit_tool.store import open_files
from audit_tool.store.urls import to_url

log = logging.getLogger(__name__)

# Run on every database this process creates, once its tables are made: the defaults a new
# database starts with. The store knows nothing of them; the application registers them
# (`seed.register()` in services/seed.py) when it starts: cli.py (the window and the self-test
# start there too), tests/conftest.py and bench/. A database is never created without them.
_ON_CREATE: list[Callable[[Database], None]] = []


def on_create(hook: Callable[[Database], None]) -> None:
    """Run `hook(db)` on each database created from now on (a hook registered twice runs once)."""
    if hook not in _ON_CREATE:
        _ON_CREATE.append(hook)


# The newest migration this code knows. tests/store checks it equals Alembic's head, so the
# start-up path can compare versions without importing Alembic.
SCHEMA_HEAD = "0016_monthly_expectations"
SCHEMA_ORDER = (
    "0001_initial",
    "0002_change_log_chain",
    "0003_authors",
    "0004_briefings",
    "0005_accounts",
    "0006_change_log_digest",
    "0007_team_server",
    "0008_revisions",
    "0009_change_log_head",
    "0010_notices",
    "0011_review_at_return",
    "0012_report_editions",
    "0013_case_fields",
    "0014_report_aggregates",
    "0015_complaints",
    "0016_monthly_expectations",
)

# The tables of each schema version: those of 0001, and those later revisions added. An open
# database or a backup missing one is refused (its exports and reports would fail later).
# tests/store checks that at the head these are exactly the models' tables.
_TABLES_0001 = frozenset(
    [
        "actions",
        "agencies",
        "audit_templates",
        "audits",
        "briefings",
        "cases",
        "change_log",
        "feedback",
        "feedback_answers",
        "feedback_questions",
        "grading_scales",
        "learning_points",
        "learning_themes",
        "moderation_answers",
        "moderations",
        "people",
        "person_roles",
        "programmes",
        "review_answers",
        "reviews",
        "scale_levels",
        "settings",
        "teams",
        "template_items",
        "urgent_concerns",
        "worker_feedback",
    ]
)
_TABLES_ADDED = {
    "0004_briefings": ("briefing_audits", "briefing_deliveries"),
    "0007_team_server": ("claims", "checkouts"),
    "0009_change_log_head": ("change_log_head",),
    "0010_notices": ("notices",),
    "0012_report_editions": ("report_editions",),
    "0013_case_fields": ("case_fields", "case_field_values"),
    "0014_report_aggregates": ("report_answer_counts",),
    "0015_complaints": (
        "complaints",
        "complaint_agencies",
        "complaint_points",
        "complaint_point_themes",
        "complaint_learning",
        "complaint_learning_themes",
        "complaint_actions",
        "compliments",
        "compliment_themes",
    ),
    "0016_monthly_expectations": ("monthly_expectations", "monthly_runs"),
}


def required_tables(revision: str) -> frozenset[str]:
    """The tables a database at this schema revision (one of SCHEMA_ORDER) must hold."""
    upto = SCHEMA_ORDER[: SCHEMA_ORDER.index(revision) + 1]
    added = [t for rev in upto for t in _TABLES_ADDED.get(rev, ())]
    return _TABLES_0001 | frozenset(added)


def missing_tables_message(label: object, missing: set[str] | frozenset[str]) -> str:
    names = ", ".join(sorted(missing))
    noun = "table" if len(missing) == 1 else "tables"
    return f"{label} is not a complete Audit Tool database: it has no {noun} {names}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """An open database: the engine, the session factory and what we know about the schema."""

    def __init__(self, url: URL, engine: Engine, key: str | None = None) -> None:
        self.url = url
        self.engine = engine
        # The SQLCipher passphrase of an encrypted SQLite file; None for plain files and servers.
        self.key = key
        self.session_factory = sessionmaker(engine, expire_on_commit=False)
        self._registered = open_files.hold(self.path) if self.path is not None else None
        # Set by open_database: this computer's change-log checkpoint is moved on at close
        # (store/checkpoint.py); `log_problem` says why it was not when the file was opened.
        self.keeps_checkpoint = False
        self.log_problem: str | None = None

    @property
    def is_encrypted(self) -> bool:
        return self.key is not None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; nothing is committed."""
        with self.session_factory() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self.session_factory() as session, session.begin():
            yield session

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def close(self) -> None:
        if self.keeps_checkpoint and self.log_problem is None:
            from audit_tool.store import checkpoint

            checkpoint.advance(self)
        self.keeps_checkpoint = False
        self.engine.dispose()
        if self._registered is not None:
            open_files.release(self._registered)
            self._registered = None


def _make_engine(url: URL, key: str | None = None) -> Engine:
    if url.get_backend_name() == "sqlite" and key is not None and url.database:
        from audit_tool.store import crypto

        path = url.database
        # The plain "sqlite" URL (no passphrase in it) with SQLCipher's DB-API module: the key
        # is set first thing on every new connection, before the pragmas below read the file.
        engine = create_engine(
            url,
            module=crypto.dbapi(),
            creator=lambda: crypto.connect(path, key, timeout=5),
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 5}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A server that does not answer fails a connection in 5 s, not the system's TCP timeout
    # (minutes), so a save while the network is down cannot freeze the window for long.
    # hide_parameters: an error's text never carries a statement's values (record text).
    return create_engine(
        url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, hide_parameters=True
    )


def open_database(
    database: str | Path,
    *,
    create: bool = True,
    upgrade: bool = True,
    backup_folder: Path | None = None,
    key: str | None = None,
) -> Database:
    """Open (and if need be create or upgrade) a database. Raises DatabaseError with a reason.

    `key` is the passphrase of an encrypted SQLite file; a new file is created encrypted with
    it. A plain existing file opens as it is (the key is not used); an encrypted one without
    the key, or with a wrong one, raises EncryptionKeyError.
    """
    url = to_url(database)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        key = check_sqlite_file(path, key=key, create=create)
        prepare_sqlite_file(path)
    else:
        key = None
    db = Database(url, _make_engine(url, key), key)
    try:
        created = ensure_schema(db, create=create, upgrade=upgrade, backup_folder=backup_folder)
        _check_contents(db, created)
    except OperationalError as exc:
        db.close()
        raise DatabaseError(f"Cannot open {db.display_name}: {_first_line(exc)}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _check_contents(db: Database, created: bool) -> None:
    """Refuse a database that lacks a table of its schema; note (db.log_problem) a change log
    that does not end where its head record or this computer's checkpoint says, and keep the
    checkpoint of an SQLite file (store/checkpoint.py)."""
    from audit_tool.store import chain, checkpoint

    with db.engine.connect() as conn:
        missing = required_tables(SCHEMA_HEAD) - set(inspect(conn).get_table_names())
        if missing:
            raise DatabaseError(missing_tables_message(db.display_name, missing))
        db.log_problem = chain.quick_problem(conn)
    if db.is_sqlite:
        held = checkpoint.advance(db, trusted=created) if db.log_problem is None else None
        db.log_problem = db.log_problem or held
        db.keeps_checkpoint = True


def check_sqlite_file(path: Path, *, key: str | None, create: bool = True) -> str | None:
    """Check an SQLite file before opening it; returns the key to open it with (None: plain)."""
    if not path.exists() and not create:
        raise DatabaseError(f"No database at {path}")
    if not path.parent.exists():
        raise DatabaseError(f"The folder {path.parent} does not exist")
    if not path.exists() or path.stat().st_size == 0:
        return key or None
    from audit_tool.store import crypto

    if crypto.is_plain_sqlite(path):
        return None
    if not crypto.is_encrypted(path):
        raise DatabaseError(f"{path} is not an Audit Tool database (not an SQLite file)")
    if not key:
        raise EncryptionKeyError(crypto.needs_key_message(path))
    crypto.check_key(path, key)
    return key


def prepare_sqlite_file(path: Path) -> None:
    """Before SQLite opens `path`: a new file is made empty and private (0600 on POSIX; its
    -wal, -shm and -journal files take the same mode), and hidden copies that a killed
    `db encrypt`/`db decrypt` or restore left beside it are deleted."""
    from audit_tool.fileio import create_private_file

    create_private_file(path)
    try:
        leftovers = any(p.name.startswith(f".{path.name}.") for p in path.parent.iterdir())
    except OSError:  # a folder we may open files in but not list: nothing to clean up
        leftovers = False
    if leftovers:
        from audit_tool.store import crypto

        crypto.remove_leftovers(path, older_than=crypto.STALE_AFTER_SECONDS)


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def ensure_schema(
    db: Database, *, create: bool = True, upgrade: bool = True, backup_folder: Path | None = None
) -> bool:
    """Check the schema version, upgrading or creating it; True if the database was new."""
    revision = db.current_revision()
    if revision is None:
        with db.engine.connect() as conn:
            existing = inspect(conn).get_table_names()
        if existing:
            raise DatabaseError(f"{db.display_name} holds tables but is not an Audit Tool database")
        if not create:
            raise DatabaseError(f"{db.display_name} is empty")
        create_schema(db)
        return True
    if revision == SCHEMA_HEAD:
        return False
    if revision not in SCHEMA_ORDER:
        raise DatabaseError(
            f"{db.display_name} was made by a newer version of Audit Tool "
            f"(schema {revision}); install the newer version to open it"
        )
    if not upgrade:
        raise DatabaseError(
            f"{db.display_name} has an older schema ({revision}); run 'audit-tool db upgrade'"
        )
    upgrade_schema(db, backup_folder=backup_folder)
    return False


def create_schema(db: Database) -> None:
    """A new database: create every table from the models, mark it as at the head, and give it
    the defaults (the `on_create` hooks)."""
    if not _ON_CREATE:
        # A programming error, found before anything is written: an empty database without
        # the grading scale and templates would open and fail later in puzzling ways.
        raise RuntimeError("No on_create hook: call audit_tool.services.seed.register() first")
    from audit_tool.models import load_all
    from audit_tool.store import loghead

    Base = load_all()

    with db.engine.begin() as conn:
        Base.metadata.create_all(conn)
        loghead.install(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(
            text(
                "ALTER TABLE alembic_version ADD CONSTRAINT alembic_version_pkc "
                "PRIMARY KEY (version_num)"
            )
        ) if db.engine.dialect.name == "postgresql" else None
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_HEAD})
    for hook in _ON_CREATE:
        hook(db)


def upgrade_schema(db: Database, *, backup_folder: Path | None = None) -> Path | None:
    """Migrate to the head, taking a backup copy of an SQLite file first. Returns the backup."""
    from audit_tool.store import migrate

    backup = None
    if db.is_sqlite and db.path is not None:
        from audit_tool.store.snapshot import backup_sqlite

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = backup_folder or db.path.parent
        revision = db.current_revision() or "empty"
        backup = folder / f"{db.path.stem}.before-{revision}-upgrade-{stamp}.sqlite"
        backup_sqlite(db.engine, backup, key=db.key)
        log.info("Backed up %s to %s before upgrade", db.path, backup)
    migrate.upgrade(db.engine, "head")
    return backup
