"""Encryption at rest for SQLite files (SQLCipher 4): detect, open, convert, find the passphrase.

Key derivation is SQLCipher's own: the passphrase is given as `PRAGMA key = '...'` and SQLCipher 4
derives the page key with PBKDF2-HMAC-SHA512 (256,000 iterations) and a random 16-byte salt kept
in the first bytes of the file; pages are AES-256-CBC with an HMAC-SHA512 each. So any SQLCipher 4
tool opens our files with the same passphrase, and nothing but the passphrase is needed.

Converting (`encrypt_file` / `decrypt_file`) writes the new file beside the original with
`sqlcipher_export`, checks it (integrity check, cipher integrity check, the same row count in
every table), closes every connection to the original (Windows cannot replace an open file)
and only then swaps it in with an atomic rename, unless the original changed meanwhile. The
copy is a hidden private file (`.<name>.converting-<stamp>`); a failure deletes it, and the
copies a killed run leaves are deleted by the next conversion and, once old, on opening.
Encrypting does not keep the plain original (a plain copy left beside the encrypted file would
defeat the point); decrypting keeps the encrypted original as `<stem>.bak-<stamp><suffix>`,
which is harmless to keep.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from audit_tool import fileio
from audit_tool.errors import DatabaseError, EncryptionKeyError, ValidationError
from audit_tool.store import keychain

log = logging.getLogger(__name__)

ENV_PASSPHRASE = "AUDIT_TOOL_DB_PASSPHRASE"
KEYRING_SERVICE = "audit-tool"
MIN_PASSPHRASE_LENGTH = 10
SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite and SQLCipher page sizes are powers of two from 512 up: an encrypted file is whole pages.
_MIN_PAGE = 512

_dbapi_module: ModuleType | None = None


def dbapi() -> ModuleType:
    """The SQLCipher DB-API module, loaded on first use (start-up of a plain database skips it)."""
    global _dbapi_module
    if _dbapi_module is None:
        try:
            from sqlcipher3 import dbapi2
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise DatabaseError(
                "Encrypted databases need the sqlcipher3 package, which is not installed"
            ) from exc
        # SQLCipher writes every failed decryption to stderr; the CLI promises one line only.
        quiet = dbapi2.connect(":memory:")
        quiet.execute("PRAGMA cipher_log_level = NONE")
        quiet.close()
        _dbapi_module = dbapi2
    return _dbapi_module


def _header(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(len(SQLITE_MAGIC))


def is_plain_sqlite(path: str | Path) -> bool:
    path = Path(path)
    return path.is_file() and path.stat().st_size > 0 and _header(path) == SQLITE_MAGIC


def is_encrypted(path: str | Path) -> bool:
    """True if the file looks like an SQLCipher database: whole pages, no plain SQLite header.

    Encrypted pages look like random bytes, so this cannot tell an encrypted file from random
    junk of the right size; opening it with the key tells for sure.
    """
    path = Path(path)
    if not path.is_file():
        return False
    size = path.stat().st_size
    return size >= _MIN_PAGE and size % _MIN_PAGE == 0 and _header(path) != SQLITE_MAGIC


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(path: str | Path, key: str | None, *, timeout: float = 5.0) -> Any:
    """A SQLCipher DB-API connection with the key set (no key: a plain SQLite file)."""
    conn = dbapi().connect(str(path), timeout=timeout, check_same_thread=False)
    if key is not None:
        conn.execute(f"PRAGMA key = {_literal(key)}")
    return conn


def needs_key_message(label: str | Path) -> str:
    return f"{label} is encrypted: give its passphrase"


def wrong_key_message(label: str | Path) -> str:
    return f"Wrong passphrase for {label} (or it is not an Audit Tool database)"


def check_key(path: str | Path, key: str, *, label: str | Path | None = None) -> None:
    """Raise EncryptionKeyError unless `key` opens the encrypted file at `path`."""
    conn = connect(path, key, timeout=0)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi().DatabaseError as exc:
        raise EncryptionKeyError(wrong_key_message(label or path)) from exc
    finally:
        conn.close()


def validate_new_passphrase(passphrase: str, confirm: str | None = None) -> None:
    """Rules for a passphrase chosen for a new or newly encrypted database."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long "
            "(three or four unrelated words are easy to remember)",
            {"passphrase": "too short"},
        )
    if passphrase != passphrase.strip():
        raise ValidationError(
            "The passphrase must not start or end with a space", {"passphrase": "spaces"}
        )
    if re.fullmatch(r"[xX]'[0-9A-Fa-f]*'", passphrase):
        # SQLCipher would read this as a raw key, not a passphrase.
        raise ValidationError("Choose another passphrase", {"passphrase": "raw key"})
    if confirm is not None and confirm != passphrase:
        raise ValidationError("The two passphrases are not the same", {"confirm": "differs"})


# --- converting a file -------------------------------------------------------------------


@dataclass(frozen=True)
class ConversionResult:
    path: Path
    kept: Path | None
    tables: dict[str, int] = field(default_factory=dict)


def table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
        for name in names
    }


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _remove_with_sidecars(path: Path) -> None:
    """Delete a temporary copy and its -wal/-shm/-journal files (best effort: a clean-up
    never hides the error that caused it)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        fileio.discard(candidate)


# Hidden copies made beside a database while converting (here) or restoring (store/backup.py).
_LEFTOVER_KINDS = ("converting", "restoring")
# On opening, a copy untouched this long is left over from a run that was killed; a younger
# one may belong to a conversion running now in another process and is left alone.
STALE_AFTER_SECONDS = 600


def leftover_copies(path: str | Path) -> list[Path]:
    """Hidden `.<name>.converting-*` / `.restoring-*` files (and their sidecars) beside `path`."""
    import glob

    path = Path(path)
    found: list[Path] = []
    for kind in _LEFTOVER_KINDS:
        found += path.parent.glob(f".{glob.escape(path.name)}.{kind}-*")
    return sorted(found)


def remove_leftovers(path: str | Path, *, older_than: float = 0.0) -> list[Path]:
    """Delete the copies a killed conversion or restore left beside `path` (those not changed
    for `older_than` seconds). They hold the database's data, possibly in clear beside an
    encrypted file, so they must not stay. Returns what was deleted."""
    import time

    removed = []
    now = time.time()
    for candidate in leftover_copies(path):
        try:
            if older_than and now - candidate.stat().st_mtime < older_than:
                continue
            fileio.remove(candidate)
        except OSError as exc:  # in use, or gone meanwhile: the next run tries again
            log.warning("Could not delete a leftover copy %s: %s", candidate, exc)
            continue
        removed.append(candidate)
    if removed:
        log.warning("Deleted %d file(s) an interrupted run left beside %s", len(removed), path)
    return removed


def take_exclusive(conn: Any, path: Path) -> None:
    """Fail unless no other connection has the file open (leaving WAL needs it alone)."""
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except dbapi().OperationalError as exc:
        raise DatabaseError(
            f"{path} is in use (is Audit Tool open on it?): close it and try again"
        ) from exc
    if str(mode).lower() != "delete":
        raise DatabaseError(f"{path} is in use (is Audit Tool open on it?): close it and try again")


def _check_not_open_here(path: Path) -> None:
    from audit_tool.store.open_files import is_open_here

    if is_open_here(path):
        raise DatabaseError(f"{path} is open in this program: close it first")


def verify_copy(path: Path, key: str | None, expected: Mapping[str, int]) -> None:
    """The checks a converted or restored file must pass before it replaces anything."""
    conn = connect(path, key)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise DatabaseError(f"The new file failed its integrity check: {check[0][0]}")
        if key is not None:
            problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
            if problems:
                raise DatabaseError(f"The new file failed its cipher check: {problems[0][0]}")
        counts = table_counts(conn)
    finally:
        conn.close()
    if counts != dict(expected):
        differ = sorted(set(counts.items()) ^ set(expected.items()))
        raise DatabaseError(f"The new file does not hold the same rows ({differ[:3]})")


@dataclass(frozen=True)
class _Converted:
    """A checked-out copy: its path, the row counts it must hold, and the original's state
    (size, modification time) when it was copied, to see that nobody wrote since."""

    tmp: Path
    expected: dict[str, int]
    source_state: tuple[int, int]


def _state(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _convert(path: str | Path, *, source_key: str | None, target_key: str | None) -> _Converted:
    """Copy the database, re-keyed, to a hidden private file beside it. Every connection to
    the original is closed on return: Windows cannot replace a file that is still open."""
    path = Path(path).expanduser().resolve()
    _check_not_open_here(path)
    module = dbapi()
    tmp = path.with_name(f".{path.name}.converting-{_stamp()}")
    conn = connect(path, source_key, timeout=0)
    made = False
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError as exc:
            raise EncryptionKeyError(wrong_key_message(path)) from exc
        take_exclusive(conn, path)
        # Nobody else has the file open, so no other conversion is running on it: whatever
        # copies are beside it were left by a killed run.
        remove_leftovers(path)
        made = fileio.create_private_file(tmp)  # 0600 before SQLCipher writes to it
        if not made:
            raise DatabaseError(f"Cannot make a copy beside {path}: {tmp} exists; delete it")
        expected = table_counts(conn)
        user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(
            f"ATTACH DATABASE {_literal(str(tmp))} AS converted KEY {_literal(target_key or '')}"
        )
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute(f"PRAGMA converted.user_version = {user_version}")
        conn.execute("DETACH DATABASE converted")
        state = _state(path)
    except BaseException:
        conn.close()
        if made:
            _remove_with_sidecars(tmp)
        raise
    conn.close()
    return _Converted(tmp, expected, state)


def _swap_in(converted: _Converted, path: Path) -> None:
    """Rename the checked copy over the original, unless someone wrote to it meanwhile."""
    sidecar = Path(f"{path}-wal")
    if _state(path) != converted.source_state or (sidecar.exists() and sidecar.stat().st_size):
        raise DatabaseError(
            f"{path} changed while it was being converted (is Audit Tool open on it?): "
            "nothing was changed; close it and try again"
        )
    fileio.replace(converted.tmp, path)
    fileio.fsync_dir(path.parent)


def require_plain(path: str | Path) -> Path:
    """The resolved path of a plain SQLite file, or a clear error (checked before asking)."""
    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise DatabaseError(f"No database at {path}")
    if not is_plain_sqlite(path):
        if is_encrypted(path):
            raise DatabaseError(f"{path} is already encrypted")
        raise DatabaseError(f"{path} is not an Audit Tool database (not an SQLite file)")
    return path


def require_encrypted(path: str | Path) -> Path:
    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise DatabaseError(f"No database at {path}")
    if is_plain_sqlite(path):
        raise DatabaseError(f"{path} is not encrypted")
    if not is_encrypted(path):
        raise DatabaseError(f"{path} is not an Audit Tool database (not an SQLite file)")
    return path


def encrypt_file(path: str | Path, key: str) -> ConversionResult:
    """Encrypt a plain database in place. The plain original is gone once the copy checks out."""
    path = require_plain(path)
    validate_new_passphrase(key)
    converted = _convert(path, source_key=None, target_key=key)
    try:
        verify_copy(converted.tmp, key, converted.expected)
        if not is_encrypted(converted.tmp):
            raise DatabaseError("The new file is not encrypted")
        _swap_in(converted, path)
    except BaseException:
        _remove_with_sidecars(converted.tmp)
        raise
    return ConversionResult(path, None, converted.expected)


def decrypt_file(path: str | Path, key: str) -> ConversionResult:
    """Decrypt in place; the encrypted original is kept as <stem>.bak-<stamp><suffix>."""
    path = require_encrypted(path)
    converted = _convert(path, source_key=key, target_key=None)
    kept = path.with_name(f"{path.stem}.bak-{_stamp()}{path.suffix}")
    try:
        verify_copy(converted.tmp, None, converted.expected)
        if not is_plain_sqlite(converted.tmp):
            raise DatabaseError("The new file is not a plain SQLite file")
        try:
            os.link(path, kept)
        except OSError:
            fileio.copy_private(path, kept)
        fileio.make_private(kept)  # an older version's file may be 0644
        _swap_in(converted, path)
    except BaseException:
        _remove_with_sidecars(converted.tmp)
        raise
    return ConversionResult(path, kept, converted.expected)


# --- where the passphrase comes from ------------------------------------------------------


def keyring_username(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def keyring_available() -> bool:
    return keychain.available()


def keyring_get(path: str | Path) -> str | None:
    return keychain.get(KEYRING_SERVICE, keyring_username(path))


def keyring_set(path: str | Path, passphrase: str) -> bool:
    return keychain.put(KEYRING_SERVICE, keyring_username(path), passphrase)


def keyring_delete(path: str | Path) -> bool:
    return keychain.forget(KEYRING_SERVICE, keyring_username(path))


Prompt = Callable[[str], str]


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _getpass(prompt: str) -> str:
    import getpass

    return getpass.getpass(prompt)


def passphrase_for_file(
    path: str | Path,
    *,
    keyring_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
    interactive: bool | None = None,
) -> str:
    """The passphrase of an existing encrypted file, for the command line.

    Order: AUDIT_TOOL_DB_PASSPHRASE, then the keyring (service "audit-tool", user = the resolved
    database path), then a prompt when standard input is a terminal; otherwise a clear error.
    """
    env = os.environ if environ is None else environ
    value = env.get(ENV_PASSPHRASE)
    if value:
        return value
    value = keyring_get(keyring_path or path)
    if value:
        return value
    if interactive if interactive is not None else _stdin_is_tty():
        value = (prompt or _getpass)(f"Passphrase for {path}: ")
        if value:
            return value
    raise EncryptionKeyError(
        f"{path} is encrypted: give its passphrase in {ENV_PASSPHRASE}, keep it in the "
        "keyring, or run from a terminal to be asked"
    )


def new_passphrase(
    *,
    environ: Mapping[str, str] | None = None,
    prompt: Prompt | None = None,
    interactive: bool | None = None,
) -> str:
    """A passphrase for a database about to be encrypted: the variable, or asked twice."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_PASSPHRASE)
    if value:
        validate_new_passphrase(value)
        return value
    if not (interactive if interactive is not None else _stdin_is_tty()):
        raise EncryptionKeyError(
            f"Give the new passphrase in {ENV_PASSPHRASE} or run from a terminal to be asked"
        )
    ask = prompt or _getpass
    value = ask("New passphrase: ")
    validate_new_passphrase(value, ask("The same passphrase again: "))
    return value


def cli_key(
    database: str, *, creating: bool, environ: Mapping[str, str] | None = None
) -> str | None:
    """The key the command line opens `database` with: None for plain files and servers.

    A database the command is about to create is encrypted only when AUDIT_TOOL_DB_PASSPHRASE
    is set, so scripted set-ups (such as the demo database) stay plain unless asked.
    """
    from audit_tool.store.urls import to_url

    url = to_url(database)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    path = Path(url.database)
    if is_encrypted(path):
        return passphrase_for_file(path, environ=environ)
    env = os.environ if environ is None else environ
    if creating and (not path.exists() or path.stat().st_size == 0) and env.get(ENV_PASSPHRASE):
        value = env[ENV_PASSPHRASE]
        validate_new_passphrase(value)
        return value
    return None


def sqlite_path(database: str) -> Path:
    """The file behind a database argument; encryption and restore are for SQLite files."""
    from audit_tool.store.urls import to_url

    url = to_url(database)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise DatabaseError(
            "This is for SQLite files; a PostgreSQL server uses its own storage encryption, "
            "TLS (sslmode in the URL) and pg_dump"
        )
    return Path(url.database).expanduser().resolve()
