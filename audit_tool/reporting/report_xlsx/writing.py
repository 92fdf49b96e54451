"""Writing the workbook's sheets: column widths from their contents, wrapped headings and
text, a bold, frozen heading row with an autofilter, number formats, landscape pages printed one
page wide where that stays readable, and the document's properties (title, author, subject).

openpyxl is imported inside the functions: importing this module stays cheap."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from audit_tool.reporting import xlsx_common as xc
from audit_tool.reporting.report_xlsx.model import DIFF_FORMAT, KAPPA_FORMAT, Report, Sheet, Table

_HEADER_WIDTH = 16  # a longer heading wraps (at spaces) rather than widen its column
_VALUE_WIDTH = 45  # a longer text is cut off on screen (the cell keeps it whole)
_MIN_WIDTH = 8
_PADDING = 2  # characters of width beyond the longest value
_ROW_HEIGHT = 15  # points per line of 11-point text
_PRINT_WIDTH = 240  # the widest sheet (in characters) still printed one page wide
KEYWORDS = "quality assurance, case file audit, safeguarding"


def set_properties(book: Any, r: Report, author_role: str) -> None:
    """The document's title, author and subject, as the PDF's: the partnership wrote it (the
    exporting person's role beside it), not the library that saved it."""
    props = book.properties
    props.title = xc.clean_text(r.title)
    props.subject = xc.clean_text(f"{r.title}, {r.range}")
    props.description = xc.clean_text(r.context())
    props.creator = xc.clean_text(r.partnership or author_role or "Audit Tool")
    props.lastModifiedBy = xc.clean_text(author_role or r.partnership or "Audit Tool")
    props.keywords = KEYWORDS
    props.category = "Report"
    props.language = "en-GB"


def _size(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):  # one character more than it shows: room before the next
        return 17
    if isinstance(value, date):
        return 11
    if isinstance(value, float):
        places = {xc.PCT_FORMAT: 1, KAPPA_FORMAT: 3, DIFF_FORMAT: 2}.get(fmt or "")
        return len(f"{value:.{places}f}") if places is not None else len(f"{value:g}")
    return min(len(str(value)), _VALUE_WIDTH)


def _lines(text: str, width: int) -> int:
    """How many lines `text` takes, wrapped at spaces in `width` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _heading_width(header: str) -> int:
    """The narrowest width (up to _HEADER_WIDTH, or the longest word) that wraps `header` onto
    at most two lines."""
    width = max(min(len(header), _HEADER_WIDTH), *(len(w) for w in header.split() or [""]))
    while _lines(header, width) > 2:
        width += 1
    return width


def _widths(sheet: Sheet) -> list[int]:
    widths: dict[int, int] = {}
    for table in sheet.tables:
        for i, column in enumerate(table.columns):
            longest = _heading_width(column.header)
            for row in table.rows:
                longest = max(longest, _size(row[i], column.fmt))
            widths[i] = max(widths.get(i, 0), longest + _PADDING, _MIN_WIDTH)
    return [widths[i] for i in sorted(widths)]


def _numeric(table: Table, i: int) -> bool:
    values = [row[i] for row in table.rows if row[i] is not None]
    if table.columns[i].fmt is not None:
        return True
    return bool(values) and all(
        isinstance(v, (int, float, date)) and not isinstance(v, bool) for v in values
    )


def write_sheet(book: Any, sheet: Sheet) -> int:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name)
    # A write-only sheet writes its views, columns and filter before the first row, and a
    # row's height before the row.
    widths = _widths(sheet)
    ws.page_setup.orientation = "landscape"
    if sum(widths) <= _PRINT_WIDTH:  # printed one page wide, unless that makes it unreadable
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    header_row = len(sheet.lines) + 2  # the lines, a blank row, the headings
    if sheet.tables:
        first = sheet.tables[0]
        last = get_column_letter(len(first.columns))
        ws.freeze_panes = f"A{header_row + 1}"
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + len(first.rows)}"
        ws.print_title_rows = f"{header_row}:{header_row}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    bold, title = Font(bold=True), Font(bold=True, size=13)
    left = Alignment(wrap_text=True, vertical="bottom")
    right = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
    top, wrap = Alignment(vertical="top"), Alignment(wrap_text=True, vertical="top")
    at = 0  # the last row written

    def append(cells: list[Any], lines: int = 1) -> None:
        nonlocal at
        at += 1
        if lines > 1:  # set, as Excel and LibreOffice do not always fit wrapped rows on opening
            ws.row_dimensions[at].height = _ROW_HEIGHT * lines
        ws.append(cells)

    fonts = {0: {"font": title}, 1: {"font": bold}}  # the report's title, the sheet's heading
    for n, line in enumerate(sheet.lines):
        append([xc.cell(ws, line, **fonts.get(n, {}))])
    written = 0
    for n, table in enumerate(sheet.tables):
        append([])
        if n and table.title:
            append([xc.cell(ws, table.title, font=bold)])
        usable = [w - _PADDING for w in widths]
        append(
            [
                xc.cell(ws, c.header, font=bold, alignment=right if _numeric(table, i) else left)
                for i, c in enumerate(table.columns)
            ],
            max(_lines(c.header, usable[i]) for i, c in enumerate(table.columns)),
        )
        # Where a column wraps, every cell of the table sits at the top of its (taller) row.
        style = {"alignment": top} if any(c.wrap for c in table.columns) else {}
        for values in table.rows:
            cells: list[Any] = []
            lines = 1
            for i, (column, value) in enumerate(zip(table.columns, values, strict=True)):
                if value is None:
                    cells.append(None)
                elif isinstance(value, str):
                    if column.wrap and len(value) > usable[i]:
                        lines = max(lines, _lines(value, usable[i]))
                        cells.append(xc.cell(ws, value, alignment=wrap))
                    else:
                        cells.append(xc.cell(ws, value, **style))
                elif column.fmt is not None and isinstance(value, (int, float, date)):
                    cells.append(xc.cell(ws, value, number_format=column.fmt, **style))
                else:
                    cells.append(xc.cell(ws, value, **style) if style else value)
            append(cells, lines)
        written += len(table.rows)
    return written
