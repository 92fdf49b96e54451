"""Vector chart pieces of the QA report PDF (reportlab graphics): grade fills with a hatch that
reads in greyscale, value axes, category labels, stacked bars whose segments carry their
numbers, and legends. The sections draw their charts from these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def percent_ticks(d: Any, left: float, width: float, y: float) -> None:
    """0% to 100% in steps of 25 along a horizontal bar chart's top, `width` from `left`."""
    from reportlab.graphics.shapes import String

    from audit_tool.reporting import style as st

    for t in (0, 25, 50, 75, 100):
        d.add(
            String(
                left + width * t / 100,
                y,
                f"{t}%",
                fontName=st.FONT,
                fontSize=6.5,
                fillColor=st.GREY_DARK,
                textAnchor="middle",
            )
        )


# Grade fills, best first, in falling darkness; inadequate also hatched so it stands apart.
def grade_fills() -> list[tuple[Any, Any, bool]]:
    from reportlab.lib import colors

    from audit_tool.reporting import style as st

    return [
        (st.PRIMARY, st.WHITE, False),
        (colors.HexColor("#6F8FB5"), st.WHITE, False),
        (colors.HexColor("#D3DDE8"), st.INK, False),
        (st.ACCENT, st.INK, True),
    ]


def colors_diag() -> Any:
    from reportlab.lib import colors

    return colors.HexColor("#C9D6E6")


def value_axis(
    d: Any, x0: float, y0: float, w: float, h: float, top: int, ticks: list[int], unit: str
) -> None:
    """Light gridlines with their values at the left."""
    from reportlab.graphics.shapes import Line, String

    from audit_tool.reporting import style as st

    for t in ticks:
        y = y0 + h * t / top
        d.add(Line(x0, y, x0 + w, y, strokeColor=st.GREY_LIGHT, strokeWidth=st.HAIRLINE))
        d.add(
            String(
                x0 - 4,
                y - 2.5,
                f"{t}{unit}",
                fontName=st.FONT,
                fontSize=6.5,
                fillColor=st.GREY_DARK,
                textAnchor="end",
            )
        )


def category_labels(d: Any, x0: float, y0: float, slot: float, labels: list[str]) -> None:
    """Period labels under the slots; where they would touch, every second (or third) one."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from audit_tool.reporting import style as st

    size = 7.0 if slot >= 30 else 6.0
    texts = [st.clean(t) for t in labels]
    widest = max((stringWidth(t, st.FONT, size) for t in texts), default=0.0)
    every = 1
    while widest + 4 > slot * every and every < len(texts):
        every += 1
    for i, text in enumerate(texts):
        if i % every:
            continue
        d.add(
            String(
                x0 + slot * (i + 0.5),
                y0 - 10,
                text,
                fontName=st.FONT,
                fontSize=size,
                fillColor=st.INK,
                textAnchor="middle",
            )
        )


def nice_max(value: float) -> int:
    """A round axis top at or above the value (and above 0)."""
    if value <= 0:
        return 5
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= step * 5:
            return int(step * -(-value // step))
    magnitude = 10 ** (len(str(int(value))) - 1)
    return int(magnitude * -(-value // magnitude))


def axis_ticks(top: int) -> list[int]:
    for count in (5, 4, 3, 2):
        if top % count == 0:
            step = top // count
            return [step * i for i in range(count + 1)]
    return [0, top]


def segment(
    d: Any, x: float, y: float, w: float, h: float, fill: Any, hatch: bool, outline: bool = False
) -> None:
    """A bar segment; a hatched one has dark diagonal lines over its fill (greyscale-safe)."""
    from reportlab.graphics.shapes import Line, Rect

    from audit_tool.reporting import style as st

    d.add(
        Rect(
            x,
            y,
            w,
            h,
            fillColor=fill,
            strokeColor=st.WHITE if not outline else st.GREY,
            strokeWidth=0.6 if not outline else st.HAIRLINE,
        )
    )
    if not hatch or w <= 0 or h <= 0:
        return
    spacing = 3.2
    c = -h
    while c < w:
        lo = max(0.0, -c)
        hi = min(h, w - c)
        if hi > lo:
            d.add(
                Line(x + c + lo, y + lo, x + c + hi, y + hi, strokeColor=st.INK, strokeWidth=0.45)
            )
        c += spacing


def text_room(text: str, size: float, hatch: bool) -> float:
    """The width a segment needs to carry a label inside it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from audit_tool.reporting import style as st

    return stringWidth(text, st.FONT_BOLD, size) + (8 if hatch else 4)


def stack(
    d: Any,
    cx: float,
    y0: float,
    bar_w: float,
    scale: float,
    counts: Sequence[int],
    fills: Sequence[tuple[Any, Any, bool]],
) -> float:
    """A vertical stacked bar centred on cx; each segment's count is printed inside it, or
    beside the bar (with a tick) where the segment is too thin. Returns the bar's top."""
    from reportlab.graphics.shapes import Line, String

    from audit_tool.reporting import style as st

    y = y0
    beside: list[tuple[float, str]] = []
    for c, (fill, ink, hatch) in zip(counts, fills, strict=True):
        if not c:
            continue
        h = scale * c
        segment(d, cx - bar_w / 2, y, bar_w, h, fill, hatch)
        if h >= 10:
            segment_label(d, cx, y + h / 2 - 2.5, str(c), ink, hatch, 7)
        else:
            beside.append((y + h / 2, str(c)))
        y += h
    last = -1e9
    for mid, text in beside:
        ty = max(mid - 2.3, last + 8)
        last = ty
        x = cx + bar_w / 2
        d.add(Line(x, mid, x + 4, ty + 2.3, strokeColor=st.GREY, strokeWidth=0.5))
        d.add(String(x + 5, ty, text, fontName=st.FONT_BOLD, fontSize=6.5, fillColor=st.GREY_DARK))
    return y


def segment_label(
    d: Any, x: float, y: float, text: str, ink: Any, hatch: bool, size: float
) -> None:
    """A number centred in a segment; on a hatched fill it sits on a small white plate."""
    from reportlab.graphics.shapes import Rect, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from audit_tool.reporting import style as st

    if hatch:
        w = stringWidth(text, st.FONT_BOLD, size) + 3
        d.add(Rect(x - w / 2, y - 1.8, w, size + 1.6, fillColor=st.WHITE, strokeColor=None))
        ink = st.INK
    d.add(
        String(x, y, text, fontName=st.FONT_BOLD, fontSize=size, fillColor=ink, textAnchor="middle")
    )


def legend(
    d: Any,
    x: float,
    y: float,
    entries: Sequence[tuple[str, tuple[Any, Any, bool]]],
    width: float,
    columns: int | None = None,
) -> None:
    """Swatches and names in a row (or rows of ``columns``) starting at (x, y)."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from audit_tool.reporting import style as st

    if columns:
        col_w = width / columns
        for i, (name, (fill, _ink, hatch)) in enumerate(entries):
            row, col = divmod(i, columns)
            ex = x + col * col_w
            ey = y + (len(entries) // columns - 1 - row) * 12
            segment(d, ex, ey, 10, 8, fill, hatch, outline=True)
            d.add(
                String(
                    ex + 14,
                    ey + 1.2,
                    st.clean(name),
                    fontName=st.FONT,
                    fontSize=7,
                    fillColor=st.INK,
                )
            )
        return
    ex = x
    for name, (fill, _ink, hatch) in entries:
        segment(d, ex, y, 10, 8, fill, hatch, outline=True)
        text = st.clean(name)
        d.add(String(ex + 14, y + 1.2, text, fontName=st.FONT, fontSize=7, fillColor=st.INK))
        ex += 14 + stringWidth(text, st.FONT, 7) + 14
