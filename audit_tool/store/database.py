"""Opening a database: URL handling, SQLite pragmas, schema checks, upgrade with backup."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from audit_tool.errors import DatabaseError

log = logging.getLogger(__name__)

# The newest migration this code knows. tests/store checks it equals Alembic's head, so the
# start-up path can compare versions without importing Alembic.
SCHEMA_HEAD = "0005_accounts"
SCHEMA_ORDER = (
    "0001_initial",
    "0002_change_log_chain",
    "0003_authors",
    "0004_briefings",
    "0005_accounts",
)


def to_url(database: str | Path) -> URL:
    """A path becomes an SQLite URL; anything with '://' is taken as a SQLAlchemy URL."""
    text_value = str(database)
    if "://" in text_value:
        try:
            url = make_url(text_value)
        except ArgumentError as exc:
            raise DatabaseError(f"Not a database URL: {text_value}") from exc
        if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
            url = url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise DatabaseError(
                f"Unsupported database '{url.get_backend_name()}': use a file path, "
                "sqlite:///... or postgresql+psycopg://..."
            )
        return url
    path = Path(text_value).expanduser().resolve()
    return URL.create("sqlite", database=str(path))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """An open database: the engine, the session factory and what we know about the schema."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.session_factory = sessionmaker(engine, expire_on_commit=False)

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
        self.engine.dispose()


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def open_database(
    database: str | Path,
    *,
    create: bool = True,
    upgrade: bool = True,
    backup_folder: Path | None = None,
) -> Database:
    """Open (and if need be create or upgrade) a database. Raises DatabaseError with a reason."""
    url = to_url(database)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        if not path.exists() and not create:
            raise DatabaseError(f"No database at {path}")
        if not path.parent.exists():
            raise DatabaseError(f"The folder {path.parent} does not exist")
        if path.exists() and path.stat().st_size > 0:
            with open(path, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise DatabaseError(
                        f"{path} is not an Audit Tool database (not an SQLite file, "
                        "or it is encrypted)"
                    )
    db = Database(url, _make_engine(url))
    try:
        ensure_schema(db, create=create, upgrade=upgrade, backup_folder=backup_folder)
    except OperationalError as exc:
        db.close()
        raise DatabaseError(f"Cannot open {db.display_name}: {_first_line(exc)}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _first_line(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def ensure_schema(
    db: Database, *, create: bool = True, upgrade: bool = True, backup_folder: Path | None = None
) -> None:
    revision = db.current_revision()
    if revision is None:
        with db.engine.connect() as conn:
            existing = inspect(conn).get_table_names()
        if existing:
            raise DatabaseError(f"{db.display_name} holds tables but is not an Audit Tool database")
        if not create:
            raise DatabaseError(f"{db.display_name} is empty")
        create_schema(db)
        return
    if revision == SCHEMA_HEAD:
        return
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


def create_schema(db: Database) -> None:
    """A new database: create every table from the models and mark it as at the head."""
    from audit_tool.models import load_all

    Base = load_all()

    with db.engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(
            text(
                "ALTER TABLE alembic_version ADD CONSTRAINT alembic_version_pkc "
                "PRIMARY KEY (version_num)"
            )
        ) if db.engine.dialect.name == "postgresql" else None
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_HEAD})
    from audit_tool.services import seed

    seed.install_defaults(db)


def upgrade_schema(db: Database, *, backup_folder: Path | None = None) -> Path | None:
    """Migrate to the head, taking a backup copy of an SQLite file first. Returns the backup."""
    from audit_tool.store import migrate

    backup = None
    if db.is_sqlite and db.path is not None:
        from audit_tool.store.backup import backup_sqlite

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = backup_folder or db.path.parent
        revision = db.current_revision() or "empty"
        backup = folder / f"{db.path.stem}.before-{revision}-upgrade-{stamp}.sqlite"
        backup_sqlite(db.engine, backup)
        log.info("Backed up %s to %s before upgrade", db.path, backup)
    migrate.upgrade(db.engine, "head")
    return backup
