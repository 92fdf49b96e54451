"""Crash reports: what failed and where in the code, under an id the user can quote.

A report never holds an exception's message, SQL parameters, local variables or any record
text: a database error's message carries the statement's values (review text, case
references), and a message of our own may name a case. What it keeps is the exception type
(and its cause's), safe error codes (SQLSTATE, SQLite's error name, errno), and the code
locations: every frame of audit_tool as file:line in function, library frames folded into
one line per library. The user sees one line naming the id and the file.

It also owns the two other ways diagnostics could echo record text: Python warnings (logged
as category and location only) and library messages (redact() takes out what they quote).
"""

from __future__ import annotations

import errno
import logging
import platform
import re
import secrets
import sys
import traceback
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

REPORT_FILE = "crash.log"
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder holding audit_tool/
_CHAIN_LIMIT = 5


@dataclass(frozen=True)
class CrashReport:
    id: str
    path: Path | None  # None when the report could not be written
    kind: str  # the exception's class name, safe to show

    def where(self) -> str:
        """'report 3F9A1C2B in /path/crash.log', for the one line the user sees."""
        if self.path is None:
            return f"report {self.id} (could not be written)"
        return f"report {self.id} in {self.path}"


def new_id() -> str:
    return secrets.token_hex(4).upper()


def report_text(exc: BaseException, report_id: str, *, at: datetime | None = None) -> str:
    """The report for exc: type names, error codes and code locations only."""
    when = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    from audit_tool import __version__

    lines = [
        f"=== crash {report_id} at {when}; audit-tool {__version__}; "
        f"Python {platform.python_version()}; {platform.system()}"
    ]
    chain = _chain(exc)
    for index, item in enumerate(chain):
        if index:
            lines.append("  caused by:" if chain[index - 1].__cause__ is item else "  during:")
        lines.append(f"{_type_name(item)}{_codes(item)}")
        lines.extend(_frames(item))
    return "\n".join(lines) + "\n\n"


def summary(exc: BaseException) -> str:
    """One line for a log: the exception's class and codes, never its message."""
    return f"{type(exc).__name__}{_codes(exc)}"


def write_report(exc: BaseException, folder: Path | None = None) -> CrashReport:
    """Append a report for exc to crash.log in the data folder (or folder); never raises."""
    report_id = new_id()
    kind = type(exc).__name__
    try:
        if folder is None:
            from audit_tool.config import data_dir

            folder = data_dir()
        path = folder / REPORT_FILE
        text = report_text(exc, report_id)
        from audit_tool.fileio import open_private

        with open_private(path, "a") as fh:  # readable by the user alone (0600 on POSIX)
            fh.write(text)
    except Exception:  # noqa: BLE001 - a failed report must not hide the error itself
        return CrashReport(report_id, None, kind)
    return CrashReport(report_id, path, kind)


def _chain(exc: BaseException) -> list[BaseException]:
    """exc and what it was raised from or during, newest first, without loops."""
    chain: list[BaseException] = []
    item: BaseException | None = exc
    while item is not None and item not in chain and len(chain) < _CHAIN_LIMIT:
        chain.append(item)
        item = item.__cause__ or (None if item.__suppress_context__ else item.__context__)
    return chain


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _codes(exc: BaseException) -> str:
    """Error codes that say what kind of failure it was and carry no data."""
    codes: list[str] = []
    orig = getattr(exc, "orig", None)  # a SQLAlchemy DBAPIError wraps the driver's error
    for source in (exc, orig) if isinstance(orig, BaseException) else (exc,):
        if source is orig:
            codes.append(f"driver {_type_name(source)}")
        sqlstate = getattr(source, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.isalnum() and len(sqlstate) == 5:
            codes.append(f"SQLSTATE {sqlstate}")
        name = getattr(source, "sqlite_errorname", None)
        if isinstance(name, str) and name.replace("_", "").isalnum():
            codes.append(name)
    number = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    if isinstance(number, int):
        codes.append(errno.errorcode.get(number, f"errno {number}"))
    return f" ({', '.join(codes)})" if codes else ""


def _frames(exc: BaseException) -> list[str]:
    """Code locations, innermost last: ours in full, a run of one library's frames as one
    line."""
    lines: list[str] = []
    run: list[traceback.FrameSummary] = []

    def flush() -> None:
        if run:
            last = run[-1]
            where = f"{_library_path(last.filename)}:{last.lineno} in {last.name}"
            count = f"{len(run)} frames" if len(run) > 1 else "1 frame"
            lines.append(f"  [{count} in {_library(last.filename)}, last {where}]")
            run.clear()

    for frame in traceback.extract_tb(exc.__traceback__):
        ours = _ours(frame.filename)
        if ours is None:
            if run and _library(run[-1].filename) != _library(frame.filename):
                flush()
            run.append(frame)
            continue
        flush()
        lines.append(f"  {ours}:{frame.lineno} in {frame.name}")
    flush()
    return lines


def _ours(filename: str) -> str | None:
    try:
        relative = Path(filename).resolve().relative_to(_PACKAGE_ROOT)
    except (ValueError, OSError):
        return None
    return relative.as_posix() if relative.parts[:1] == ("audit_tool",) else None


def _library_path(filename: str) -> str:
    """A library file relative to the sys.path entry holding it (no home folder in it)."""
    path = Path(filename)
    best: Path | None = None
    for entry in sys.path:
        if not entry:
            continue
        try:
            relative = path.relative_to(entry)
        except ValueError:
            continue
        if best is None or len(relative.parts) < len(best.parts):
            best = relative
    return best.as_posix() if best is not None else path.name


def _library(filename: str) -> str:
    parts = Path(_library_path(filename)).parts
    if not parts:
        return "python"
    top = parts[0]
    return top.removesuffix(".py") if len(parts) > 1 or top.endswith(".py") else top


def redact(message: str, limit: int = 200) -> str:
    """A library's diagnostic without the values it quotes: Qt and most libraries put what
    they were given between quotes ('...' or "..."), and that may be record text."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", " ".join(message.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def install_warning_hook() -> None:
    """Python warnings are logged as their category and the code location only: a warning's
    message may quote a value (a bind parameter, a cell) from a record."""
    warnings.showwarning = _show_warning


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    where = _ours(filename) or _library_path(filename)
    logging.getLogger("audit_tool.warnings").warning(
        "%s at %s:%s (its text is not shown: it may quote record text)",
        category.__name__,
        where,
        lineno,
    )
