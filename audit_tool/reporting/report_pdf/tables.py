"""Tables of the QA report PDF: cells with a fill and ink, the heat-map shading, the navy-headed
data table and the table with one column per period (in runs that fit the page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from audit_tool.reporting.report_pdf.context import Context
from audit_tool.reporting.report_pdf.view import SMALL_COUNT, fmt_pct, pct, period_label


@dataclass(frozen=True)
class Cell:
    """A table cell: plain text (drawn as typed), an optional fill and ink, bold or not."""

    text: str
    fill: Any = None
    ink: Any = None
    bold: bool = False
    italic: bool = False


# Heat-map bands of "% good or better": (lowest value, fill, ink, legend text). Darker is
# better, so the map reads the same in greyscale; every cell also prints its figures.
def heat_bands() -> list[tuple[float, Any, Any, str]]:
    from reportlab.lib import colors

    from audit_tool.reporting import style as st

    return [
        (90.0, st.PRIMARY, st.WHITE, "90% or more"),
        (75.0, colors.HexColor("#44699A"), st.WHITE, "75 to 89.9%"),
        (60.0, colors.HexColor("#9DB4CF"), st.INK, "60 to 74.9%"),
        (40.0, colors.HexColor("#D3DDE8"), st.INK, "40 to 59.9%"),
        (0.0, st.WHITE, st.INK, "below 40%"),
    ]


def heat_colours(value: float | None, n: int) -> tuple[Any, Any]:
    from audit_tool.reporting import style as st

    if value is None or n < SMALL_COUNT:
        return None, st.GREY_DARK if value is None else st.INK
    for low, fill, ink, _text in heat_bands():
        if value >= low:
            return fill, ink
    return None, st.INK


def share_cell(part: int, whole: int, *, heat: bool = False) -> Cell:
    """A share as "68.8%" over its counts "33/48"; a dash where nothing was counted."""
    if whole == 0:
        return Cell("\u2013")
    value = pct(part, whole)
    text = f"{fmt_pct(value)}\n{part}/{whole}"
    if heat:
        fill, ink = heat_colours(value, whole)
        return Cell(text, fill=fill, ink=ink, italic=whole < SMALL_COUNT)
    return Cell(text)


def table(
    ctx: Context,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    first_left: bool = True,
    total_rows: int = 0,
    zebra: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
    header_rows: list[list[Any]] | None = None,
) -> Any:
    """A data table: a navy header row of (escaped) labels, body rows of plain strings,
    ``Cell`` or flowables, numbers right of a left-aligned first column, the last
    ``total_rows`` rows bold under a rule."""
    from reportlab.platypus import Table

    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    head = header_rows or [
        [
            ctx.para(ctx.text(h), ctx.head_left if i == 0 and first_left else ctx.head)
            for i, h in enumerate(header)
        ]
    ]
    n_head = len(head)
    body: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, n_head - 1), st.PRIMARY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, n_head), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ("LINEBELOW", (0, n_head), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
        ("LINEBELOW", (0, -1), (-1, -1), st.RULE * 0.7, st.PRIMARY),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, n_head), (-1, -1), [st.WHITE, st.TINT]))
    for r, row in enumerate(rows, start=n_head):
        out_row: list[Any] = []
        for c, value in enumerate(row):
            if isinstance(value, Cell):
                out_row.append(value.text)
                if value.fill is not None:
                    commands.append(("BACKGROUND", (c, r), (c, r), value.fill))
                if value.ink is not None:
                    commands.append(("TEXTCOLOR", (c, r), (c, r), value.ink))
                if value.bold:
                    commands.append(("FONT", (c, r), (c, r), st.FONT_BOLD, 7.5))
                elif value.italic:
                    commands.append(("FONT", (c, r), (c, r), st.FONT_ITALIC, 7.5))
            elif isinstance(value, str):
                out_row.append(value)
            else:
                out_row.append(value)
        body.append(out_row)
    if total_rows:
        first_total = n_head + len(rows) - total_rows
        commands += [
            ("LINEABOVE", (0, first_total), (-1, first_total), st.RULE * 0.7, st.PRIMARY),
            ("FONT", (1, first_total), (-1, -1), st.FONT_BOLD, 7.5),
        ]
    commands += list(extra)
    table = Table(
        [*head, *body],
        colWidths=list(widths),
        repeatRows=n_head,
        style=pc.table_style(commands, 7.5),
        hAlign="LEFT",
    )
    return table


def period_chunks(
    ctx: Context, first_w: float, total_w: float, min_w: float = 40.0
) -> list[list[int]]:
    """Period indexes in runs that fit across the page beside a first column and a total."""
    n = len(ctx.v.periods)
    if n == 0:
        return [[]]
    fits = max(1, int((ctx.width - first_w - total_w) // min_w))
    chunks = -(-n // fits)
    size = -(-n // chunks)
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def period_table(
    ctx: Context,
    first_header: str,
    rows: Sequence[tuple[Any, str]],
    cell: Callable[[dict[str, Any], str], Cell | str],
    *,
    first_w: float = 150.0,
    total_header: str = "Whole period",
    total_w: float = 62.0,
    total_row: tuple[Any, str] | None = None,
    zebra: bool = True,
    centre: bool = False,
) -> list[Any]:
    """A table with one row per key and one column per period (in runs that fit the
    page), then the whole range."""
    from reportlab.platypus import Spacer

    out: list[Any] = []
    all_rows = [*rows, *([total_row] if total_row else [])]
    chunks = period_chunks(ctx, first_w, total_w)
    for ci, chunk in enumerate(chunks):
        last_chunk = ci == len(chunks) - 1
        periods = [ctx.v.periods[i] for i in chunk]
        header = [first_header, *[period_label(p) for p in periods]]
        if last_chunk:
            header.append(total_header)
        n_cols = len(header) - 1
        rest = ctx.width - first_w
        col_w = (rest - (total_w if last_chunk else 0)) / max(1, len(periods))
        widths = [first_w, *[col_w] * len(periods)]
        if last_chunk:
            widths.append(total_w)
        body = []
        for name, key in all_rows:
            row: list[Any] = [name]
            row += [cell(p, key) for p in periods]
            if last_chunk:
                row.append(cell(ctx.v.total, key))
            body.append(row)
        extra: list[tuple[Any, ...]] = []
        if centre:
            extra.append(("ALIGN", (1, 1), (-1, -1), "CENTER"))
        if last_chunk and n_cols:
            from audit_tool.reporting import style as st

            extra.append(("LINEBEFORE", (-1, 0), (-1, -1), st.RULE * 0.7, st.PRIMARY))
        out.append(
            table(
                ctx,
                header,
                body,
                widths,
                total_rows=1 if total_row else 0,
                zebra=zebra,
                extra=extra,
            )
        )
        if not last_chunk:
            out.append(Spacer(1, 6))
    return out
