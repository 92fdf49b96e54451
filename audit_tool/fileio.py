"""Writing files the user alone can read, and replacing files safely on every platform.

Every file the application writes goes through here: databases and their backups, check-out
files, exports (packs, reports, briefings, case and learning exports), local drafts, set-aside
text and crash.log. What that gives:

- Private: on POSIX (Linux, macOS) a new file is created with mode 0600 and a new folder of the
  application's own with 0700, whatever the umask. On Windows, modes do not exist (only the
  read-only bit); a file gets the access list of the folder it is in. The data folder is in
  the user's profile (%LOCALAPPDATA%), which by default only that user, SYSTEM and the
  administrators can read, so the application's own files are private there. A file the user
  chooses to export into another folder (a shared drive, say) gets that folder's access list:
  the application does not change access lists.
- Atomic: a file is written to a hidden temporary file in the same folder, flushed to disk,
  closed, and only then renamed over the target, so a crash or a full disk leaves the old
  file or the new one, never half of one.
- Windows-safe: a file must be closed before it is renamed over or deleted, and another
  program (an antivirus scanner, a sync client, a second Audit Tool) may hold it for a moment.
  A rename or delete that meets such a sharing violation is tried again a few times with a
  short pause, then fails with a FileInUseError that says what to do. Flushing to disk opens
  the file for writing: Windows refuses to flush a handle opened read-only.

No Qt here: the store, services, reporting and the command line all use it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from audit_tool.errors import AuditToolError

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
IS_WINDOWS = sys.platform == "win32"

# ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: what Windows says when
# another program has the file open without sharing it.
_SHARING_WINERRORS = frozenset({5, 32, 33})
# Pauses between tries (seconds): about 1.5 s in all before giving up.
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)
_O_BINARY = getattr(os, "O_BINARY", 0)

# Replaced by the tests so that a simulated sharing violation costs no time.
_sleep: Callable[[float], None] = time.sleep


class FileInUseError(AuditToolError, PermissionError):
    """A file could not be replaced or deleted because another program holds it."""


def is_sharing_violation(exc: BaseException) -> bool:
    """True for the Windows errors that mean "another program has this file open"."""
    return isinstance(exc, PermissionError) and getattr(exc, "winerror", None) in (
        _SHARING_WINERRORS
    )


def _retrying(action: Callable[[], None], describe: str) -> None:
    for delay in (*RETRY_DELAYS, None):
        try:
            action()
            return
        except PermissionError as exc:
            if not is_sharing_violation(exc):
                raise
            if delay is None:
                raise FileInUseError(
                    f"Cannot {describe}: another program has it open (a sync client, an "
                    "antivirus scanner or another Audit Tool window?); close it and try again"
                ) from exc
            _sleep(delay)


def replace(source: str | Path, target: str | Path) -> None:
    """os.replace, tried again while Windows reports a sharing violation."""
    _retrying(lambda: os.replace(source, target), f"replace {target}")


def remove(path: str | Path, *, missing_ok: bool = True) -> None:
    """Delete a file, tried again while Windows reports a sharing violation."""
    _retrying(lambda: Path(path).unlink(missing_ok=missing_ok), f"delete {path}")


def discard(path: str | Path) -> None:
    """Delete a temporary file if it can be deleted; never raises (used while cleaning up)."""
    with contextlib.suppress(OSError):
        remove(path)


# --- private files and folders -----------------------------------------------------------


def _tighten(fd_or_path: int | str | Path, mode: int) -> None:
    """Set the exact POSIX mode (the umask only ever removes bits); nothing to do on Windows."""
    if IS_WINDOWS:
        return
    with contextlib.suppress(PermissionError):  # someone else's file: leave it as it is
        if isinstance(fd_or_path, int):
            os.fchmod(fd_or_path, mode)
        else:
            os.chmod(fd_or_path, mode)


def private_dir(path: str | Path, *, tighten: bool = False) -> Path:
    """Create a folder (and its parents) readable by the user alone (0700 on POSIX).

    Parents that have to be made get the usual mode. An existing folder is left as it is,
    unless `tighten` (for the application's own folders, such as the data folder): then it
    is set to 0700 if it belongs to the user.
    """
    path = Path(path)
    if not path.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(path, PRIVATE_DIR_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
        else:
            _tighten(path, PRIVATE_DIR_MODE)
            return path
    if tighten and not IS_WINDOWS:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            _tighten(path, PRIVATE_DIR_MODE)
    return path


def make_private(path: str | Path) -> None:
    """Set an existing file of the user's to 0600 (POSIX; nothing to do on Windows)."""
    _tighten(path, PRIVATE_FILE_MODE)


def private_opener(path: str, flags: int) -> int:
    """An `opener` for open(): the file is created 0600 and an existing one is made 0600."""
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        _tighten(fd, PRIVATE_FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_private(
    path: str | Path, mode: str = "w", *, encoding: str | None = None, newline: str | None = None
) -> IO[Any]:
    """open() for a file readable by the user alone ("a" for a log, "x" for a new file)."""
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    return open(path, mode, encoding=encoding, newline=newline, opener=private_opener)  # noqa: SIM115


def create_private_file(path: str | Path) -> bool:
    """Create an empty file readable by the user alone; False if it already exists.

    SQLite accepts an empty file as a new database and keeps its mode, and gives its -wal,
    -shm and -journal files the database file's mode, so a database made this way and all of
    its files stay private.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        _tighten(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return True


# --- flushing and atomic replacement -----------------------------------------------------


def fsync_file(path: str | Path) -> None:
    """Flush a closed file to disk (opened for writing: Windows cannot flush a read-only one)."""
    fd = os.open(path, os.O_RDWR | _O_BINARY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: str | Path) -> None:
    """Flush a folder's entries (a rename) to disk on POSIX; Windows has no such call."""
    if IS_WINDOWS:
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot: the rename still holds
            os.fsync(fd)
    finally:
        os.close(fd)


def temporary_beside(path: str | Path, suffix: str = ".partial") -> Path:
    """A new, empty, private, hidden file in `path`'s folder (0600, made with O_EXCL)."""
    import tempfile  # loaded when first written, not at start-up

    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    try:
        _tighten(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_target(path: str | Path, *, suffix: str = ".partial") -> Iterator[Path]:
    """Yield a private temporary file beside `path` to write (and close) under its own name;
    on success it is flushed and renamed over `path`, on any error it is deleted."""
    target = Path(path)
    tmp = temporary_beside(target, suffix)
    try:
        yield tmp
    except BaseException:
        discard(tmp)
        raise
    finish_atomic(tmp, target)


def finish_atomic(tmp: str | Path, target: str | Path) -> None:
    """Flush a written (and closed) temporary file and rename it over `target`; on failure
    the temporary file is deleted and `target` is as it was."""
    try:
        fsync_file(tmp)
        replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise
    fsync_dir(Path(target).parent)


def write_atomic(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write `data` to `path` atomically; the file is readable by the user alone."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    target = Path(path)
    with atomic_target(target) as tmp, open(tmp, "wb") as fh:
        fh.write(payload)
    return target


def copy_private(source: str | Path, target: str | Path, *, chunk: int = 1 << 20) -> Path:
    """Copy a file's bytes to a private file (0600, made so if it existed)."""
    with open(source, "rb") as src, open_private(target, "wb") as dst:
        while block := src.read(chunk):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    return Path(target)
