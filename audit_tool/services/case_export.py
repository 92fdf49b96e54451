"""Export of the filtered case register to CSV or Excel.

No text can become a formula (formula injection): in Excel every string is stored as text, in
CSV a value starting with "=", "+", "-", "@", tab or carriage return gets a leading "'"."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tool import fileio
from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.reporting import xlsx_common
from audit_tool.services import cases
from audit_tool.services.cases import CaseQuery, CaseRow

if TYPE_CHECKING:
    from audit_tool.store import Database

HEADERS = (
    "Case reference",
    "Initials",
    "Case type",
    "Level of need",
    "Team",
    "Service area",
    "Agency",
    "Worker",
    "Manager",
    "Opened",
    "Closed",
)
_BATCH = 5000


def _values(row: CaseRow) -> list[Any]:
    return [
        row.ref,
        row.initials,
        row.case_type_label,
        row.level_of_need,
        row.team_name,
        row.service_area,
        row.agency_name,
        row.worker_name or "",
        row.manager_name or "",
        row.opened_on,
        row.closed_on,
    ]


def export_cases(
    db: Database,
    actor: Actor,
    query: CaseQuery,
    path: Path,
    *,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Write the cases matching `query` to .csv or .xlsx. Returns the number of rows.

    `progress(done, total)` returning False cancels; the partial file is removed."""
    require(actor, "case.export")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(f"Export to .csv or .xlsx, not '{suffix or path.name}'")
    total = cases.count_cases(db, actor, query)

    def batches() -> Iterator[list[CaseRow]]:
        done = 0
        while done < total:
            rows = cases.list_cases(db, actor, query, offset=done, limit=_BATCH)
            if not rows:
                break
            yield rows
            done += len(rows)
            if progress is not None and not progress(done, total):
                raise Cancelled("Export cancelled")

    try:
        _write(path, suffix, batches())
    except fileio.FileInUseError:
        raise
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    if progress is not None:
        progress(total, total)
    return total


def _write(path: Path, suffix: str, batches: Iterator[list[CaseRow]]) -> None:
    """Write the rows to a private temporary file beside `path`, then rename it over `path`
    (a failure or a cancel removes the temporary file)."""
    with fileio.atomic_target(path) as tmp:
        if suffix == ".csv":
            with open(tmp, "w", newline="", encoding="utf-8-sig") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADERS)
                for rows in batches:
                    writer.writerows(
                        ["" if v is None else xlsx_common.csv_value(v) for v in _values(r)]
                        for r in rows
                    )
        else:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("Cases")
            sheet.freeze_panes = "A2"
            for i, width in enumerate((16, 9, 18, 8, 32, 20, 26, 22, 22, 12, 12)):
                sheet.column_dimensions[chr(ord("A") + i)].width = width
            sheet.append(list(HEADERS))
            for rows in batches:
                for r in rows:
                    sheet.append(xlsx_common.row(sheet, _values(r)))
            book.save(tmp)
