"""What every Excel workbook the app writes shares: text that can never become a formula, the
number formats, and saving through a temporary file beside the target.

Formula injection: openpyxl stores any string that starts with "=" as a formula, so a team named
``=HYPERLINK("http://...")`` or a comment typed as ``=1+1`` would run when the workbook is opened.
Every value goes through :func:`cell` / :func:`row`, which keep such strings as text (the cell
holds exactly what was typed, with no quote added). Strings starting with "+", "-" or "@" are
stored as text by openpyxl already, and a stored string is never evaluated by Excel. A CSV file
has no cell types, so :func:`csv_value` prefixes those four characters (and tab and carriage
return) with an apostrophe instead, as OWASP recommends.

openpyxl is imported inside the functions: importing this module stays cheap."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audit_tool.errors import ValidationError

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PCT_FORMAT = "0.0"
COUNT_FORMAT = "0"

# Characters XML 1.0 cannot hold (openpyxl refuses them with IllegalCharacterError).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """`value` without the control characters a workbook cannot store."""
    return _ILLEGAL.sub("", value)


def guard(cell: Any) -> Any:
    """Make `cell` hold its string as text even where it starts with "=". Returns the cell."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def cell(ws: Any, value: Any, *, number_format: str | None = None, **style: Any) -> Any:
    """A write-only cell for `ws`, whose text can never become a formula.

    `style` sets cell attributes such as ``font`` or ``alignment``."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = clean_text(value)
    made = guard(WriteOnlyCell(ws, value=value))
    if number_format is not None:
        made.number_format = number_format
    for name, setting in style.items():
        setattr(made, name, setting)
    return made


def safe(ws: Any, value: Any) -> Any:
    """`value` as it may be passed to ``ws.append``: strings become guarded cells."""
    return cell(ws, value) if isinstance(value, str) else value


def row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """`values` ready for ``ws.append``, no string among them a formula."""
    return [safe(ws, value) for value in values]


def csv_value(value: Any) -> Any:
    """`value` for a CSV cell: text a spreadsheet would read as a formula gets a leading "'"."""
    if isinstance(value, str) and value.startswith(_CSV_TRIGGERS):
        return "'" + value
    return value


def save_atomic(book: Any, path: Path) -> None:
    """Save `book` to a temporary file beside `path`, then rename it over `path`.

    A failure removes the temporary file and leaves any old `path` as it was; an OSError is
    raised as a ValidationError naming the file."""
    from audit_tool import fileio

    try:
        with fileio.atomic_target(path, suffix=".xlsx.partial") as tmp:
            book.save(tmp)
    except fileio.FileInUseError:
        raise
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}") from exc
