"""What a database argument names: a file path or a SQLAlchemy URL (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from audit_tool.errors import DatabaseError

# libpq's TLS modes; "verify-full" (certificate and host name checked) is the one to use.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


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
        sslmode = url.query.get("sslmode")
        # Passed through to libpq; checked here for a clear message instead of its own.
        if url.get_backend_name() == "postgresql" and sslmode not in (None, *SSL_MODES):
            raise DatabaseError(f"Unknown sslmode '{sslmode}': use one of {', '.join(SSL_MODES)}")
        return url
    path = Path(text_value).expanduser().resolve()
    return URL.create("sqlite", database=str(path))
