"""The quarterly QA report as a PDF: a board-ready A4 document drawn from a report JSON v1 dict
(shared/INTERFACES.md) with its optional keys.

Pages: a cover; contents and how to read the report; an executive summary of the last period
against the one before; then one section per topic (grades; practice areas; moderation;
family feedback; learning follow-up; monthly audit compliance), each with tables and
reportlab vector charts. Every figure printed comes from the report or from its counts (a
percentage of counts is rounded half-up to one decimal, like the report's own). The pages read
in greyscale: charts carry their numbers, grades use shades plus a hatch, the heat map prints
its values and counts. Empty periods print "No final audits in this period" rather than an empty
chart. All data text goes through ``style.inline`` (Paragraphs) or ``style.clean`` (canvas).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from audit_tool.reporting.periods import MONTH_NAMES

CREATOR = "Audit Tool"
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_NAMES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
GRADE_SHORT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
# Short names for the shared feedback question keys (the full wording comes from labels).
QUESTION_SHORT = {
    "child_views": "Child's views gained",
    "right_agencies": "Right agencies spoken to",
    "family_views": "Family could share views",
    "copy_of_plan": "Family has copy of plan",
    "contactable": "Worker contactable",
    "positive_difference": "Made a positive difference",
}
NO_AUDITS = "No final audits in this period."
SMALL_PAIRS = 10  # a kappa from fewer pairs is flagged
SMALL_COUNT = 5  # a share of fewer cases is not shaded in the heat map
NOTE_CASES = 10  # "points to note" never lead with a result from fewer cases
SECTIONS = (
    ("summary", "Executive summary"),
    ("grades", "Audits and grades"),
    ("areas", "Practice areas"),
    ("moderation", "Moderation statistics"),
    ("feedback", "Family feedback"),
    ("learning", "Learning follow-up"),
    ("compliance", "Monthly audit compliance"),
)
# Short sections that follow the one before on its page when this much room is left.
FLOWING = {"compliance": 300.0}


def render_report_pdf(
    report: dict[str, Any], *, partnership: str, title: str = "Quarterly quality assurance report"
) -> bytes:
    """The report as PDF bytes (A4 portrait, fonts embedded, bookmarks, "Page N of M")."""
    from audit_tool.reporting import pdf_common as pc
    from audit_tool.reporting import style as st

    st.register_fonts()
    view = _View(report, partnership, title)
    return pc.build_twice(lambda info: _Document(view, info).build())


# ---------------------------------------------------------------- numbers and words


def _pct(part: int | float, whole: int | float) -> float | None:
    """100 * part / whole, half-up to one decimal; None where whole is 0."""
    if not whole:
        return None
    value = Decimal(str(part)) * 100 / Decimal(str(whole))
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _fmt_pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.1f}%"


def _fmt_num(value: float | None, places: int = 1, *, fixed: bool = False) -> str:
    """A number as printed: whole numbers without decimals unless ``fixed``."""
    if value is None:
        return "\u2013"
    if float(value).is_integer() and not fixed:
        return f"{int(value)}"
    return f"{value:.{places}f}".replace("-", "\u2212")


def _fmt_kappa(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.3f}".replace("-", "\u2212")


def _fmt_diff(value: float) -> str:
    text = f"{value:+.2f}" if round(value, 2) else "0.00"
    return text.replace("-", "\u2212")


def _delta(now: float | None, before: float | None, places: int) -> float | None:
    if now is None or before is None:
        return None
    q = Decimal(1).scaleb(-places)
    return float((Decimal(str(now)) - Decimal(str(before))).quantize(q, rounding=ROUND_HALF_UP))


def _change(now: float | None, before: float | None, *, places: int, unit: str = "") -> str:
    """ "▲ +7.9 points", "▼ −0.027", "no change" or "–" where either side is missing."""
    d = _delta(now, before, places)
    if d is None:
        return "\u2013"
    if d == 0:
        return "no change"
    arrow = "\u25b2" if d > 0 else "\u25bc"
    number = f"{abs(d):.{places}f}"
    sign = "+" if d > 0 else "\u2212"
    suffix = f" {unit}" if unit else ""
    if unit == "points" and abs(d) == 1:
        suffix = " point"
    return f"{arrow} {sign}{number}{suffix}"


def _period_label(period: dict[str, Any]) -> str:
    """A period's label, marked "(partial)" where the range cuts it or it runs past today."""
    label = str(period.get("label", ""))
    return f"{label} (partial)" if period.get("partial") else label


def _long_date(text: str | None) -> str:
    if not text:
        return "date not recorded"
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _generated_date(text: str | None) -> str:
    if not text:
        return "date not recorded"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return _long_date(text)
    return _long_date(moment.date().isoformat())


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _join_words(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _graded(grades: dict[str, int]) -> int:
    return sum(int(grades.get(g, 0)) for g in GRADES)


def _good(grades: dict[str, int]) -> int:
    return int(grades.get("outstanding", 0)) + int(grades.get("good", 0))


# ---------------------------------------------------------------- the report, read


def _percent_ticks(d: Any, left: float, width: float, y: float) -> None:
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


class _View:
    """The report dict read for print: periods, labels with fallbacks, the words around them."""

    def __init__(self, report: dict[str, Any], partnership: str, title: str) -> None:
        self.report = report
        self.partnership = partnership
        self.title = title
        self.periods: list[dict[str, Any]] = list(report.get("periods") or [])
        self.total: dict[str, Any] = report.get("total") or {}
        self.by = report.get("by", "quarter")
        self.word = self.by if self.by in ("quarter", "month", "year") else "quarter"
        self.labels: dict[str, dict[str, str]] = report.get("labels") or {}
        self.last = self.periods[-1] if self.periods else self.total
        self.prev = self.periods[-2] if len(self.periods) > 1 else None

    def label(self, kind: str, key: str) -> str:
        name = (self.labels.get(kind) or {}).get(key)
        if name:
            return str(name)
        if kind in ("teams", "agencies", "people", "items", "questions", "grades"):
            return key.replace("_", " ").capitalize() if key.islower() else key
        return key

    def grade_name(self, key: str) -> str:
        return self.label("grades", key) if self.labels.get("grades") else GRADE_NAMES[key]

    @property
    def range_text(self) -> str:
        return f"{_long_date(self.report.get('from'))} to {_long_date(self.report.get('to'))}"

    @property
    def periods_text(self) -> str:
        labels = [_period_label(p) for p in self.periods]
        if not labels:
            return f"By {self.word}"
        listed = _join_words(labels) if len(labels) <= 4 else f"{labels[0]} to {labels[-1]}"
        return f"By {self.word}: {_plural(len(labels), self.word)}, {listed}"

    @property
    def generated_text(self) -> str:
        return _generated_date(self.report.get("generated_at"))

    @property
    def filters_text(self) -> str:
        filters = self.report.get("filters") or {}
        parts = []
        for key, kind, word in (
            ("team", "teams", "team"),
            ("agency", "agencies", "agency"),
            ("programme", None, "programme"),
            ("theme", None, "theme"),
        ):
            value = filters.get(key)
            if value:
                shown = self.label(kind, str(value)) if kind else str(value)
                parts.append(f"{word} {shown}")
        return "; ".join(parts) if parts else "none"

    def last_label(self) -> str:
        return _period_label(self.last) if self.last is not self.total else ""

    def prev_label(self) -> str:
        return _period_label(self.prev) if self.prev else ""

    @property
    def comparable(self) -> bool:
        """The last period is set against the one before only when both are whole."""
        return (
            self.prev is not None and not self.last.get("partial") and not self.prev.get("partial")
        )


# ---------------------------------------------------------------- cells and tables


@dataclass(frozen=True)
class _Cell:
    """A table cell: plain text (drawn as typed), an optional fill and ink, bold or not."""

    text: str
    fill: Any = None
    ink: Any = None
    bold: bool = False
    italic: bool = False


# Heat-map bands of "% good or better": (lowest value, fill, ink, legend text). Darker is
# better, so the map reads the same in greyscale; every cell also prints its figures.
def _heat_bands() -> list[tuple[float, Any, Any, str]]:
    from reportlab.lib import colors

    from audit_tool.reporting import style as st

    return [
        (90.0, st.PRIMARY, st.WHITE, "90% or more"),
        (75.0, colors.HexColor("#44699A"), st.WHITE, "75 to 89.9%"),
        (60.0, colors.HexColor("#9DB4CF"), st.INK, "60 to 74.9%"),
        (40.0, colors.HexColor("#D3DDE8"), st.INK, "40 to 59.9%"),
        (0.0, st.WHITE, st.INK, "below 40%"),
    ]


def _heat(value: float | None, n: int) -> tuple[Any, Any]:
    from audit_tool.reporting import style as st

    if value is None or n < SMALL_COUNT:
        return None, st.GREY_DARK if value is None else st.INK
    for low, fill, ink, _text in _heat_bands():
        if value >= low:
            return fill, ink
    return None, st.INK


def _share_cell(part: int, whole: int, *, heat: bool = False) -> _Cell:
    """A share as "68.8%" over its counts "33/48"; a dash where nothing was counted."""
    if whole == 0:
        return _Cell("\u2013")
    value = _pct(part, whole)
    text = f"{_fmt_pct(value)}\n{part}/{whole}"
    if heat:
        fill, ink = _heat(value, whole)
        return _Cell(text, fill=fill, ink=ink, italic=whole < SMALL_COUNT)
    return _Cell(text)


# Grade fills, best first, in falling darkness; inadequate also hatched so it stands apart.
def _grade_fills() -> list[tuple[Any, Any, bool]]:
    from reportlab.lib import colors

    from audit_tool.reporting import style as st

    return [
        (st.PRIMARY, st.WHITE, False),
        (colors.HexColor("#6F8FB5"), st.WHITE, False),
        (colors.HexColor("#D3DDE8"), st.INK, False),
        (st.ACCENT, st.INK, True),
    ]


class _Document:
    """One build of the document: the template and the story for a pass."""

    def __init__(self, view: _View, info: Any) -> None:
        from reportlab.lib.pagesizes import A4

        from audit_tool.reporting import style as st

        self.v = view
        self.info = info
        self.s = st.styles(9.5)
        self.page_w, self.page_h = A4
        self.margin = st.MARGIN
        self.width = self.page_w - 2 * self.margin
        self._para_styles()

    # ------------------------------------------------------------ styles

    def _para_styles(self) -> None:
        from reportlab.lib.enums import TA_CENTER, TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        from audit_tool.reporting import style as st

        body = self.s.body
        self.cell = ParagraphStyle("rp-cell", parent=body, fontSize=7.5, leading=9.2, spaceAfter=0)
        self.cell_bold = ParagraphStyle("rp-cell-b", parent=self.cell, fontName=st.FONT_BOLD)
        self.head = ParagraphStyle(
            "rp-head",
            parent=self.cell,
            fontName=st.FONT_BOLD,
            textColor=st.WHITE,
            alignment=TA_CENTER,
            fontSize=7.2,
            leading=8.6,
        )
        self.head_left = ParagraphStyle("rp-head-l", parent=self.head, alignment=0)
        self.note = ParagraphStyle(
            "rp-note", parent=self.s.small, fontSize=7.5, leading=9.5, spaceBefore=2, spaceAfter=4
        )
        self.caption = ParagraphStyle(
            "rp-caption",
            parent=body,
            fontName=st.FONT_BOLD,
            fontSize=9,
            leading=11,
            textColor=st.PRIMARY,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.h1 = ParagraphStyle(
            "rp-h1", parent=self.s.title, fontSize=19, leading=23, spaceBefore=0, spaceAfter=4
        )
        self.intro = ParagraphStyle(
            "rp-intro", parent=body, textColor=st.GREY_DARK, spaceAfter=8, fontSize=9, leading=12
        )
        self.tile_value = ParagraphStyle(
            "rp-tile-v",
            parent=body,
            fontName=st.FONT_BOLD,
            fontSize=20,
            leading=23,
            textColor=st.PRIMARY,
            spaceAfter=0,
        )
        self.tile_label = ParagraphStyle(
            "rp-tile-l", parent=body, fontSize=7.8, leading=9.8, spaceAfter=0, textColor=st.INK
        )
        self.tile_change = ParagraphStyle(
            "rp-tile-c",
            parent=self.tile_label,
            fontName=st.FONT_BOLD,
            textColor=st.GREY_DARK,
            spaceBefore=3,
        )
        self.toc = ParagraphStyle("rp-toc", parent=body, fontSize=10.5, leading=14)
        self.toc_right = ParagraphStyle("rp-toc-r", parent=self.toc, alignment=TA_RIGHT)

    # ------------------------------------------------------------ small builders

    def text(self, text: str) -> str:
        """Data text (a name, a label) as Paragraph markup, every character as typed."""
        from audit_tool.reporting.style import inline

        return inline(str(text), markup=False, links=False)

    def para(self, markup: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, style or self.s.body)

    def bullet(self, markup: str) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.s.bullet, bulletText="\u2022")

    def note_para(self, markup: str) -> Any:
        return self.para(markup, self.note)

    def empty_note(self, text: str = NO_AUDITS) -> Any:
        from audit_tool.reporting import style as st

        return self.para(
            f'<font name="{st.FONT_ITALIC}">{self.text(text)}</font>',
            self.note,
        )

    def caption_para(self, text: str) -> Any:
        return self.para(self.text(text), self.caption)

    def table(
        self,
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
        ``_Cell`` or flowables, numbers right of a left-aligned first column, the last
        ``total_rows`` rows bold under a rule."""
        from reportlab.platypus import Table

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        head = header_rows or [
            [
                self.para(self.text(h), self.head_left if i == 0 and first_left else self.head)
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
                if isinstance(value, _Cell):
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

    def name_cell(self, text: str, bold: bool = False) -> Any:
        return self.para(self.text(text), self.cell_bold if bold else self.cell)

    def period_chunks(self, first_w: float, total_w: float, min_w: float = 40.0) -> list[list[int]]:
        """Period indexes in runs that fit across the page beside a first column and a total."""
        n = len(self.v.periods)
        if n == 0:
            return [[]]
        fits = max(1, int((self.width - first_w - total_w) // min_w))
        chunks = -(-n // fits)
        size = -(-n // chunks)
        return [list(range(i, min(n, i + size))) for i in range(0, n, size)]

    def period_table(
        self,
        first_header: str,
        rows: Sequence[tuple[Any, str]],
        cell: Callable[[dict[str, Any], str], _Cell | str],
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
        chunks = self.period_chunks(first_w, total_w)
        for ci, chunk in enumerate(chunks):
            last_chunk = ci == len(chunks) - 1
            periods = [self.v.periods[i] for i in chunk]
            header = [first_header, *[_period_label(p) for p in periods]]
            if last_chunk:
                header.append(total_header)
            n_cols = len(header) - 1
            rest = self.width - first_w
            col_w = (rest - (total_w if last_chunk else 0)) / max(1, len(periods))
            widths = [first_w, *[col_w] * len(periods)]
            if last_chunk:
                widths.append(total_w)
            body = []
            for name, key in all_rows:
                row: list[Any] = [name]
                row += [cell(p, key) for p in periods]
                if last_chunk:
                    row.append(cell(self.v.total, key))
                body.append(row)
            extra: list[tuple[Any, ...]] = []
            if centre:
                extra.append(("ALIGN", (1, 1), (-1, -1), "CENTER"))
            if last_chunk and n_cols:
                from audit_tool.reporting import style as st

                extra.append(("LINEBEFORE", (-1, 0), (-1, -1), st.RULE * 0.7, st.PRIMARY))
            out.append(
                self.table(
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

    # ------------------------------------------------------------ the document

    def build(self) -> tuple[Any, list[Any]]:
        from reportlab.platypus import (
            BaseDocTemplate,
            CondPageBreak,
            Frame,
            NextPageTemplate,
            PageBreak,
            PageTemplate,
            Spacer,
        )

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        m = self.margin
        pw, ph = self.page_w, self.page_h
        band_h = 92 * 2.8346  # 92 mm
        template = BaseDocTemplate(
            None,
            pagesize=(pw, ph),
            title=pc.meta(self.v.title),
            author=pc.meta(self.v.partnership),
            subject=pc.meta(f"{self.v.title}, {self.v.range_text}"),
            keywords=["quality assurance", "case file audit", "safeguarding"],
            creator=CREATOR,
            lang="en-GB",
            displayDocTitle=True,
            initialFontName=st.FONT,
            initialFontSize=9,
        )
        footer_h = 30.0
        header_h = 16.0
        template.addPageTemplates(
            [
                PageTemplate(
                    "cover",
                    [
                        Frame(
                            m, ph - band_h + 10, pw - 2 * m, band_h - 10 - m, 0, 0, 0, 0, id="band"
                        ),
                        Frame(
                            m,
                            m + footer_h,
                            pw - 2 * m,
                            ph - band_h - m - footer_h - 18,
                            0,
                            0,
                            0,
                            0,
                            id="below",
                        ),
                    ],
                    onPage=lambda canv, _doc: self._on_cover(canv, band_h),
                    pagesize=(pw, ph),
                ),
                PageTemplate(
                    "body",
                    [
                        Frame(
                            m,
                            m + footer_h - 6,
                            pw - 2 * m,
                            ph - 2 * m - footer_h - header_h + 6,
                            0,
                            0,
                            0,
                            0,
                            id="body",
                        )
                    ],
                    onPage=lambda canv, _doc: self._on_body(canv),
                    pagesize=(pw, ph),
                ),
            ]
        )
        story: list[Any] = []
        story += self._cover()
        story += [NextPageTemplate("body"), PageBreak()]
        story += self._contents()
        for key, heading in SECTIONS:
            if key in FLOWING:
                story += [CondPageBreak(FLOWING[key]), Spacer(1, 20)]
            else:
                story.append(PageBreak())
            story += self._section_head(key, heading)
            story += getattr(self, f"_section_{key}")()
        return template, story

    # ------------------------------------------------------------ page furniture

    def _footer_lines(self) -> tuple[list[str], list[str]]:
        from audit_tool.reporting import style as st

        left = [
            st.clean(f"{self.v.partnership}  \u00b7  {self.v.title}"),
            st.clean(f"Filters: {self.v.filters_text}  \u00b7  Data as of {self.v.generated_text}"),
        ]
        return left, [
            "",
            f"Page {self.info.page_text(self._page)} of {self.info.page_text(self.info.total)}",
        ]

    def _draw_footer(self, canv: Any) -> None:
        from audit_tool.reporting import pdf_common as pc

        self._page = canv.getPageNumber()
        left, right = self._footer_lines()
        pc.draw_running_text(canv, margin=self.margin, left=left, right=right)

    def _on_cover(self, canv: Any, band_h: float) -> None:
        from audit_tool.reporting import style as st

        pw, ph = canv._pagesize
        canv.saveState()
        canv.setFillColor(st.PRIMARY)
        canv.rect(0, ph - band_h, pw, band_h, stroke=0, fill=1)
        canv.setFillColor(st.ACCENT)
        canv.rect(0, ph - band_h - 5, pw, 5, stroke=0, fill=1)
        canv.restoreState()
        canv.bookmarkPage("cover")
        canv.addOutlineEntry("Cover", "cover", level=0)
        self._draw_footer(canv)

    def _on_body(self, canv: Any) -> None:
        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        pc.draw_running_text(
            canv,
            margin=self.margin,
            left=[st.clean(self.v.title)],
            right=[st.clean(self.v.range_text)],
            top=True,
        )
        self._draw_footer(canv)

    _page = 0

    # ------------------------------------------------------------ cover and contents

    def _cover(self) -> list[Any]:
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import FrameBreak, Spacer

        from audit_tool.reporting import style as st

        v = self.v
        band_small = ParagraphStyle(
            "rp-band-s", parent=self.s.body, textColor=st.PRIMARY_LIGHT, fontSize=11, leading=14
        )
        band_title = ParagraphStyle(
            "rp-band-t",
            parent=self.s.title,
            textColor=st.WHITE,
            fontSize=27,
            leading=32,
            spaceBefore=14,
            spaceAfter=10,
        )
        band_sub = ParagraphStyle(
            "rp-band-p", parent=self.s.body, textColor=st.WHITE, fontSize=13, leading=17
        )
        story: list[Any] = [
            Spacer(1, 14),
            self.para(self.text(v.partnership), band_small),
            self.para(self.text(v.title), band_title),
            self.para(self.text(v.range_text), band_sub),
            FrameBreak(),
        ]
        total = v.total
        audits = int(total.get("audits_final", 0))
        single = total.get("audits_single")
        if audits and single is not None:
            moderated = audits - int(single)
            audits_text = (
                f"{audits} final audits: {moderated} moderated (dual audit), {int(single)} single"
            )
        else:
            audits_text = f"{_plural(audits, 'final audit')}"
        planned = total.get("audits_planned")
        if planned:
            audits_text += f"; {planned} planned ({_fmt_pct(_pct(audits, int(planned)))} completed)"
        facts = [
            ("Period covered", v.range_text),
            ("Reported", v.periods_text),
            (
                "Filters",
                v.filters_text
                if v.filters_text != "none"
                else "None: all teams, agencies, programmes and themes",
            ),
            ("Data as of", v.generated_text),
            ("Audits", audits_text),
        ]
        key_style = ParagraphStyle(
            "rp-cover-k", parent=self.cell_bold, fontSize=9, leading=12, textColor=st.PRIMARY
        )
        val_style = ParagraphStyle("rp-cover-v", parent=self.cell, fontSize=9.5, leading=12.5)
        from reportlab.platypus import Table

        from audit_tool.reporting import pdf_common as pc

        rows = [
            [self.para(self.text(k), key_style), self.para(self.text(val), val_style)]
            for k, val in facts
        ]
        story.append(Spacer(1, 10))
        story.append(
            Table(
                rows,
                colWidths=[95, self.width - 95],
                hAlign="LEFT",
                style=pc.table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                        ("TOPPADDING", (0, 0), (-1, -1), 5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ]
                ),
            )
        )
        story.append(Spacer(1, 18))
        story.append(self.para("About this report", self.caption))
        story.append(
            self.para(
                "This report summarises the partnership's case-file audits. Only final audits "
                "count, each in the period its moderation was completed (for single audits, when "
                "the review was submitted). Grades use the Ofsted scale; a practice area marked "
                "not applicable is left out of every figure. In a looped audit two managers audit "
                "the same case file independently and a senior manager moderates, confirming the "
                "final grade.",
                self.intro,
            )
        )
        return story

    def _contents(self) -> list[Any]:
        from reportlab.platypus import Spacer, Table

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        story: list[Any] = [
            pc.anchor("contents", "Contents", 0, self.info),
            self.para("Contents", self.h1),
            Spacer(1, 6),
        ]
        rows = []
        for n, (key, heading) in enumerate(SECTIONS, start=1):
            link = (
                f'<a href="#section-{key}" color="{st.INK.hexval()}">{n}. {self.text(heading)}</a>'
            )
            rows.append(
                [
                    self.para(link, self.toc),
                    self.para(self.info.page_of(f"section-{key}"), self.toc_right),
                ]
            )
        story.append(
            Table(
                rows,
                colWidths=[self.width - 60, 60],
                hAlign="LEFT",
                style=pc.table_style(
                    [
                        ("LINEBELOW", (0, 0), (-1, -1), st.HAIRLINE, st.GREY_LIGHT),
                        ("TOPPADDING", (0, 0), (-1, -1), 5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ]
                ),
            )
        )
        story.append(Spacer(1, 24))
        story.append(self.para("How to read this report", self.caption))
        v = self.v
        points = [
            f"Figures are given for each {v.word} and for the whole period "
            f"({self.text(v.range_text)}). The executive summary compares the last {v.word} with "
            f"the one before it: \u25b2 means the figure went up, \u25bc that it went down; "
            f"whether that is better depends on the measure.",
            "<b>% good or better</b> is the share of graded audits whose final grade was "
            "Outstanding or Good. Percentages are rounded half-up to one decimal; a dash means "
            "there was nothing to count.",
            "Where a share rests on few cases its counts are printed beside it (for example "
            "<b>2/3</b>); read such figures with caution.",
            "<b>Agreement</b> compares the two independent audits of a looped audit: exact "
            "agreement, agreement within one grade, Cohen's kappa with quadratic weights and "
            "Gwet's AC2 beside it (1 is perfect agreement, 0 no better than chance). A kappa "
            f"from fewer than {SMALL_PAIRS} pairs is flagged.",
            "<b>Moderation</b> counts how often the moderator's final grade was better "
            "(raised), worse (lowered) or the same as an auditor's grade.",
            "<b>Family feedback</b> is the share of answers that were \u201cyes\u201d, out of "
            "yes, partly and no; questions not asked are left out.",
            "Charts print their numbers, and shading always comes with the figures, so the "
            "report reads the same printed in black and white.",
        ]
        story += [self.bullet(point) for point in points]
        return story

    def _section_head(self, key: str, heading: str) -> list[Any]:
        from audit_tool.reporting import pdf_common as pc

        n = [k for k, _h in SECTIONS].index(key) + 1
        return [
            pc.anchor(f"section-{key}", f"{n}. {heading}", 0, self.info),
            self.para(f"{n}. {self.text(heading)}", self.h1),
        ]

    def sub(self, key: str, heading: str) -> list[Any]:
        """A subsection heading with its outline entry (kept with what follows)."""
        from reportlab.platypus import CondPageBreak

        from audit_tool.reporting import pdf_common as pc

        return [
            CondPageBreak(120),
            pc.anchor(f"sub-{key}", heading, 1, self.info),
            self.para(self.text(heading), self.s.subheading),
        ]

    # ------------------------------------------------------------ 1. executive summary

    def _section_summary(self) -> list[Any]:
        from reportlab.platypus import Spacer

        v = self.v
        story: list[Any] = []
        last, prev = v.last, v.prev
        if v.comparable:
            intro = (
                f"Headline figures for {self.text(v.last_label())}, the last {v.word} of the "
                f"report, with the change from {self.text(v.prev_label())}."
            )
        elif prev is not None:
            intro = (
                f"Headline figures for {self.text(v.last_label())}, the last {v.word} of the "
                f"report. Part of a {v.word} is not compared with a whole one, so no change "
                f"from {self.text(v.prev_label())} is given."
            )
        else:
            intro = f"Headline figures for {self.text(v.last_label() or v.range_text)}."
        story.append(self.para(intro, self.intro))
        story.append(self._tiles(last, prev if v.comparable else None))
        story.append(Spacer(1, 10))
        story += self.sub(
            "summary-compare", f"{v.last_label()} compared with {v.prev_label() or 'earlier'}"
        )
        story.append(self._summary_table(last, prev))
        story += self.sub("summary-points", "Points to note")
        story += [self.bullet(point) for point in self._key_points(last)]
        return story

    def _feedback_totals(self, period: dict[str, Any]) -> tuple[int, int]:
        yes = asked = 0
        for answers in (period.get("feedback") or {}).values():
            yes += int(answers.get("yes", 0))
            asked += (
                int(answers.get("yes", 0))
                + int(answers.get("partly", 0))
                + int(answers.get("no", 0))
            )
        return yes, asked

    def _tiles(self, last: dict[str, Any], prev: dict[str, Any] | None) -> Any:
        from reportlab.platypus import Table

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        p = prev or {}
        word = self.v.prev_label()
        on = f" on {word}" if word else ""

        def change(text: str) -> str:
            return "" if text == "\u2013" else f"{text}{on}"

        audits = int(last.get("audits_final", 0))
        planned = last.get("audits_planned")
        planned_text = (
            f"final audits, against {planned} planned ({_fmt_pct(_pct(audits, int(planned)))})"
            if planned
            else "final audits"
        )
        graded = _graded(last.get("overall") or {})
        good = _good(last.get("overall") or {})
        agreement = last.get("agreement") or {}
        pairs = int(agreement.get("pairs", 0))
        kappa = agreement.get("kappa_quadratic")
        yes, asked = self._feedback_totals(last)
        fb_pct = _pct(yes, asked)
        p_yes, p_asked = self._feedback_totals(p) if prev else (0, 0)
        actions = last.get("actions") or {}
        p_actions = p.get("actions") or {}
        kappa_label = f"agreement (quadratic-weighted kappa), {_plural(pairs, 'pair')}"
        if agreement.get("gwet_ac2") is not None:
            kappa_label += f"; Gwet's AC2 {_fmt_kappa(agreement.get('gwet_ac2'))}"
        if kappa is not None and pairs < SMALL_PAIRS:
            kappa_label += ": read with caution"
        tiles = [
            (
                str(audits),
                planned_text,
                change(_change(audits, p.get("audits_final") if prev else None, places=0)),
            ),
            (
                _fmt_pct(last.get("pct_good_or_better")),
                f"good or better ({good} of {graded} graded)" if graded else "good or better",
                change(
                    _change(
                        last.get("pct_good_or_better"),
                        p.get("pct_good_or_better"),
                        places=1,
                        unit="points",
                    )
                ),
            ),
            (
                _fmt_kappa(kappa),
                kappa_label,
                change(_change(kappa, (p.get("agreement") or {}).get("kappa_quadratic"), places=3)),
            ),
            (
                _fmt_pct(fb_pct),
                f"family feedback answers \u201cyes\u201d ({yes} of {asked})"
                if asked
                else "family feedback answers \u201cyes\u201d",
                change(_change(fb_pct, _pct(p_yes, p_asked), places=1, unit="points")),
            ),
            (
                _fmt_pct(last.get("worker_feedback_pct")),
                "of final audits where the worker received feedback",
                change(
                    _change(
                        last.get("worker_feedback_pct"),
                        p.get("worker_feedback_pct"),
                        places=1,
                        unit="points",
                    )
                ),
            ),
            (
                f"{int(actions.get('open', 0))} open",
                f"actions: {int(actions.get('overdue', 0))} overdue, "
                f"{int(actions.get('done', 0))} done",
                change(
                    _change(
                        int(actions.get("open", 0)),
                        p_actions.get("open") if prev else None,
                        places=0,
                    )
                ),
            ),
        ]
        gap = 8.0
        tile_w = (self.width - 2 * gap) / 3
        cells = []
        for value, label, chg in tiles:
            inner = [
                self.para(self.text(value), self.tile_value),
                self.para(self.text(label), self.tile_label),
            ]
            if chg:
                inner.append(self.para(self.text(chg), self.tile_change))
            cells.append(inner)
        rows = [
            [cells[0], "", cells[1], "", cells[2]],
            ["", "", "", "", ""],
            [cells[3], "", cells[4], "", cells[5]],
        ]
        commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        for r in (0, 2):
            for c in (0, 2, 4):
                commands += [
                    ("BACKGROUND", (c, r), (c, r), st.TINT),
                    ("LINEABOVE", (c, r), (c, r), 2.2, st.PRIMARY),
                    ("TOPPADDING", (c, r), (c, r), 7),
                    ("BOTTOMPADDING", (c, r), (c, r), 9),
                    ("LEFTPADDING", (c, r), (c, r), 8),
                    ("RIGHTPADDING", (c, r), (c, r), 8),
                ]
        return Table(
            rows,
            colWidths=[tile_w, gap, tile_w, gap, tile_w],
            rowHeights=[None, gap, None],
            style=pc.table_style(commands),
            hAlign="LEFT",
        )

    def _summary_table(self, last: dict[str, Any], prev: dict[str, Any] | None) -> Any:
        p = prev or {}
        has_prev = prev is not None
        whole = self.v.comparable  # a partial period's figures are never set against whole ones

        def row(name: str, now: str, before: str, chg: str) -> list[Any]:
            return [
                self.name_cell(name),
                before if has_prev else "\u2013",
                now,
                (chg if whole else "not compared (partial)") if has_prev else "\u2013",
            ]

        def share(period: dict[str, Any], part: int, whole: int) -> str:
            return f"{_fmt_pct(_pct(part, whole))} ({part}/{whole})" if whole else "\u2013"

        rows: list[list[Any]] = []
        a_now, a_before = int(last.get("audits_final", 0)), int(p.get("audits_final", 0))
        rows.append(
            row("Final audits", str(a_now), str(a_before), _change(a_now, a_before, places=0))
        )
        if "audits_planned" in last:
            pl_now, pl_before = int(last.get("audits_planned", 0)), int(p.get("audits_planned", 0))
            c_now, c_before = _pct(a_now, pl_now), _pct(a_before, pl_before)
            rows.append(
                row(
                    "Completed against planned",
                    share(last, a_now, pl_now),
                    share(p, a_before, pl_before),
                    _change(c_now, c_before, places=1, unit="points"),
                )
            )
        g_now, g_before = last.get("overall") or {}, p.get("overall") or {}
        rows.append(
            row(
                "Good or better",
                share(last, _good(g_now), _graded(g_now)),
                share(p, _good(g_before), _graded(g_before)),
                _change(
                    last.get("pct_good_or_better"),
                    p.get("pct_good_or_better"),
                    places=1,
                    unit="points",
                ),
            )
        )
        ag_now, ag_before = last.get("agreement") or {}, p.get("agreement") or {}
        rows.append(
            row(
                "Exact agreement of the two auditors",
                _fmt_pct(ag_now.get("exact_pct")),
                _fmt_pct(ag_before.get("exact_pct")),
                _change(
                    ag_now.get("exact_pct"), ag_before.get("exact_pct"), places=1, unit="points"
                ),
            )
        )
        pairs_now = _plural(int(ag_now.get("pairs", 0)), "pair")
        pairs_before = _plural(int(ag_before.get("pairs", 0)), "pair")
        for key, name in (
            ("kappa_quadratic", "Kappa (quadratic weights)"),
            ("gwet_ac2", "Gwet's AC2"),
        ):
            rows.append(
                row(
                    name,
                    f"{_fmt_kappa(ag_now.get(key))} ({pairs_now})",
                    f"{_fmt_kappa(ag_before.get(key))} ({pairs_before})",
                    _change(ag_now.get(key), ag_before.get(key), places=3),
                )
            )
        y_now, n_now = self._feedback_totals(last)
        y_before, n_before = self._feedback_totals(p)
        rows.append(
            row(
                "Family feedback: yes",
                share(last, y_now, n_now),
                share(p, y_before, n_before),
                _change(_pct(y_now, n_now), _pct(y_before, n_before), places=1, unit="points"),
            )
        )
        rows.append(
            row(
                "Worker received feedback",
                _fmt_pct(last.get("worker_feedback_pct")),
                _fmt_pct(p.get("worker_feedback_pct")),
                _change(
                    last.get("worker_feedback_pct"),
                    p.get("worker_feedback_pct"),
                    places=1,
                    unit="points",
                ),
            )
        )
        act_now, act_before = last.get("actions") or {}, p.get("actions") or {}
        for key, name in (("open", "Actions open"), ("overdue", "Actions overdue")):
            rows.append(
                row(
                    name,
                    str(int(act_now.get(key, 0))),
                    str(int(act_before.get(key, 0))),
                    _change(int(act_now.get(key, 0)), int(act_before.get(key, 0)), places=0),
                )
            )
        if last.get("compliance") is not None:
            due_now, done_now = self._compliance_totals(last)
            due_before, done_before = self._compliance_totals(p)
            rows.append(
                row(
                    "Monthly audits done on time",
                    share(last, done_now, due_now),
                    share(p, done_before, due_before),
                    _change(
                        _pct(done_now, due_now),
                        _pct(done_before, due_before),
                        places=1,
                        unit="points",
                    ),
                )
            )
        header = ["Measure", self.v.prev_label() or "Previous", self.v.last_label(), "Change"]
        return self.table(header, rows, [190, 112, 112, self.width - 414])

    def _compliance_totals(self, period: dict[str, Any]) -> tuple[int, int]:
        due = done = 0
        for c in (period.get("compliance") or {}).values():
            due += int(c.get("due", 0))
            done += int(c.get("done", 0))
        return due, done

    def _key_points(self, last: dict[str, Any]) -> list[str]:
        v = self.v
        label = self.text(v.last_label())
        points: list[str] = []
        if not last.get("audits_final"):
            return [f"No final audits in {label}."]
        shares = []
        for key, item in (last.get("items") or {}).items():
            if item.get("kind") != "grade":
                continue
            counts = item.get("counts") or {}
            n = _graded(counts)
            if n >= NOTE_CASES:
                shares.append((_pct(_good(counts), n) or 0.0, key, _good(counts), n))
        if len(shares) >= 2:
            shares.sort(key=lambda t: (t[0], t[1]))
            low, high = shares[0], shares[-1]
            points.append(
                f"Strongest practice area in {label}: "
                f"<b>{self.text(v.label('items', high[1]))}</b>, "
                f"{_fmt_pct(high[0])} good or better ({high[2]}/{high[3]}). Weakest: "
                f"<b>{self.text(v.label('items', low[1]))}</b>, "
                f"{_fmt_pct(low[0])} ({low[2]}/{low[3]})."
            )
        teams = [
            (g.get("pct_good_or_better"), key, g)
            for key, g in (last.get("by_team") or {}).items()
            if g.get("pct_good_or_better") is not None
            and _graded(g.get("overall") or {}) >= NOTE_CASES
        ]
        if len(teams) >= 2:
            teams.sort(key=lambda t: (t[0], t[1]))
            low_t = teams[0]
            g = low_t[2]["overall"]
            points.append(
                "Lowest share good or better by team: "
                f"<b>{self.text(v.label('teams', low_t[1]))}</b>, "
                f"{_fmt_pct(low_t[0])} ({_good(g)}/{_graded(g)})."
            )
        agreement = last.get("agreement") or {}
        mod = last.get("moderation") or {}
        moved = int(mod.get("raised", 0)) + int(mod.get("lowered", 0))
        reviews = moved + int(mod.get("unchanged", 0))
        few: list[str] = []  # results from fewer than NOTE_CASES cases: after the others
        if reviews:
            (points if reviews >= NOTE_CASES else few).append(
                f"Moderation changed the auditor's grade in {moved} of {reviews} reviews "
                f"({_fmt_pct(_pct(moved, reviews))}): {int(mod.get('raised', 0))} raised, "
                f"{int(mod.get('lowered', 0))} lowered"
                + (
                    "."
                    if reviews >= NOTE_CASES
                    else f"; fewer than {NOTE_CASES} reviews, so read with caution."
                )
            )
        pairs = int(agreement.get("pairs", 0))
        if agreement.get("kappa_quadratic") is not None and pairs < SMALL_PAIRS:
            few.append(f"The kappa for {label} is based on {pairs} pairs: read with caution.")
        small = [
            self.text(_period_label(p))
            for p in self.v.periods
            if (p.get("agreement") or {}).get("kappa_quadratic") is not None
            and int((p.get("agreement") or {}).get("pairs", 0)) < SMALL_PAIRS
            and p is not last
        ]
        if small:
            few.append(
                f"Kappa in {_join_words(small)} rests on fewer than {SMALL_PAIRS} pairs: "
                "read with caution."
            )
        overdue = int((last.get("actions") or {}).get("overdue", 0))
        total_overdue = int((self.v.total.get("actions") or {}).get("overdue", 0))
        if total_overdue:
            points.append(
                f"{_plural(total_overdue, 'action')} from audits in the whole period "
                f"{'is' if total_overdue == 1 else 'are'} overdue ({overdue} from {label})."
            )
        return points + few

    # ------------------------------------------------------------ 2. audits and grades

    def _section_grades(self) -> list[Any]:
        from reportlab.platypus import KeepTogether

        v = self.v
        story: list[Any] = [
            self.para(
                f"Final audits against planned, and the moderated overall grades, {v.word} by "
                f"{v.word}. Single (not moderated) audits are included in the grades.",
                self.intro,
            )
        ]
        story.append(self._grades_table())
        if int(v.total.get("audits_final", 0)):
            story.append(self.caption_para(f"Overall grades and % good or better by {v.word}"))
            story += self._grades_chart()
        else:
            story.append(self.empty_note())
        for key, dim, kind, heading in (
            ("team", "by_team", "teams", "By team"),
            ("area", "by_service_area", None, "By service area"),
            ("agency", "by_agency", "agencies", "By agency"),
            ("theme", "by_theme", None, "By theme"),
        ):
            if dim not in v.total and not any(dim in p for p in v.periods):
                continue
            part = self.sub(f"grades-{key}", heading)
            part += self._group_table(dim, kind, heading.removeprefix("By ").capitalize())
            if dim == "by_theme":
                part.append(
                    self.note_para(
                        "Audits of programmes with a theme; monthly audits without one are not "
                        "shown."
                    )
                )
            story.append(KeepTogether(part))
        return story

    def _grades_table(self) -> Any:
        v = self.v
        rows: list[list[Any]] = []
        for p in [*v.periods, v.total]:
            overall = p.get("overall") or {}
            audits = int(p.get("audits_final", 0))
            planned = p.get("audits_planned")
            single = p.get("audits_single")
            graded = _graded(overall)
            name = _period_label(p) if p is not v.total else "Whole period"
            rows.append(
                [
                    self.name_cell(name, bold=p is v.total),
                    "\u2013" if planned is None else str(planned),
                    str(audits),
                    "\u2013" if not planned else _fmt_pct(_pct(audits, int(planned))),
                    "\u2013" if single is None else str(single),
                    *[str(int(overall.get(g, 0))) for g in GRADES],
                    f"{_fmt_pct(_pct(_good(overall), graded))} ({_good(overall)}/{graded})"
                    if graded
                    else "\u2013",
                ]
            )
        header = [
            v.word.capitalize(),
            "Planned",
            "Final audits",
            "Done of planned",
            "Single audits",
            *[GRADE_SHORT[g] for g in GRADES],
            "% good or better",
        ]
        fixed = [62, 40, 38, 44, 38, 60, 32, 66, 56]
        widths = [*fixed, self.width - sum(fixed)]
        return self.table(header, rows, widths, total_rows=1)

    def _group_table(self, dim: str, kind: str | None, first: str) -> list[Any]:
        v = self.v
        keys: dict[str, None] = {}
        for p in [*v.periods, v.total]:
            for k in p.get(dim) or {}:
                keys.setdefault(k, None)
        if not keys:
            return [self.empty_note()]
        rows = sorted(
            ((v.label(kind, k) if kind else k, k) for k in keys),
            key=lambda t: t[0].casefold(),
        )

        def cell(period: dict[str, Any], key: str) -> _Cell:
            group = (period.get(dim) or {}).get(key)
            if not group:
                return _Cell("\u2013")
            overall = group.get("overall") or {}
            return _share_cell(_good(overall), _graded(overall))

        named = [(self.name_cell(name), key) for name, key in rows]
        out = self.period_table(first, named, cell)
        out.append(
            self.note_para("Each cell: % good or better, then good or better / graded audits.")
        )
        return out

    # ------------------------------------------------------------ 3. practice areas

    def _section_areas(self) -> list[Any]:
        from reportlab.platypus import KeepTogether, Spacer

        v = self.v
        story: list[Any] = [
            self.para(
                "The share of final audits graded good or better in each practice area, "
                f"{v.word} by {v.word}. Darker cells are higher; every cell prints its "
                "percentage and its counts (good or better / graded), and areas with fewer "
                f"than {SMALL_COUNT} graded audits are left unshaded.",
                self.intro,
            )
        ]
        if not int(v.total.get("audits_final", 0)):
            story.append(self.empty_note())
        items = self._item_keys()
        grade_keys = [k for k, kind in items if kind == "grade"]
        if grade_keys:
            story += self.sub("areas-heat", "Good or better by practice area")

            def cell(period: dict[str, Any], key: str) -> _Cell:
                item = (period.get("items") or {}).get(key)
                if not item:
                    return _Cell("\u2013")
                counts = item.get("counts") or {}
                return _share_cell(_good(counts), _graded(counts), heat=True)

            named = [(self.name_cell(v.label("items", k)), k) for k in grade_keys]
            story += self.period_table("Practice area", named, cell, zebra=False, centre=True)
            story.append(Spacer(1, 4))
            story.append(self._heat_legend())
            if int(v.total.get("audits_final", 0)):
                story += self.sub("areas-total", "Grades by practice area over the whole period")
                story.append(self._item_bars(grade_keys))
        else:
            story.append(self.empty_note())
        yes_no = [k for k, kind in items if kind == "yes_no"]
        numbers = [k for k, kind in items if kind == "number"]
        if yes_no:
            part = self.sub("areas-yes-no", "Yes or no questions")

            def yn_cell(period: dict[str, Any], key: str) -> _Cell:
                item = (period.get("items") or {}).get(key) or {}
                yes, no = int(item.get("yes", 0)), int(item.get("no", 0))
                return _share_cell(yes, yes + no)

            part += self.period_table(
                "Question (% yes)",
                [(self.name_cell(v.label("items", k)), k) for k in yes_no],
                yn_cell,
            )
            part.append(
                self.note_para("Each cell: % yes, then yes / answered; not applicable is left out.")
            )
            story.append(KeepTogether(part))
        if numbers:
            part = self.sub("areas-numbers", "Recorded numbers")

            def num_cell(period: dict[str, Any], key: str) -> _Cell:
                item = (period.get("items") or {}).get(key) or {}
                n = int(item.get("n", 0))
                if not n:
                    return _Cell("\u2013")
                return _Cell(
                    f"mean {_fmt_num(item.get('mean'), 1, fixed=True)}\n"
                    f"{_fmt_num(item.get('min'))}\u2013"
                    f"{_fmt_num(item.get('max'))}, n={n}"
                )

            part += self.period_table(
                "Item", [(self.name_cell(v.label("items", k)), k) for k in numbers], num_cell
            )
            part.append(
                self.note_para(
                    "Each cell: the mean, then the lowest to the highest value and how many "
                    "audits recorded one."
                )
            )
            story.append(KeepTogether(part))
        return story

    def _item_keys(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for p in [*self.v.periods, self.v.total]:
            for key, item in (p.get("items") or {}).items():
                seen.setdefault(key, str(item.get("kind", "")))
        return list(seen.items())

    def _heat_legend(self) -> Any:
        from reportlab.platypus import Table

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        bands = _heat_bands()
        cells: list[Any] = ["Shading:"]
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), st.FONT, 7),
            ("TEXTCOLOR", (0, 0), (0, 0), st.GREY_DARK),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (0, 0), 0),
        ]
        for i, (_low, fill, ink, text) in enumerate(bands, start=1):
            cells.append(text)
            commands += [
                ("BACKGROUND", (i, 0), (i, 0), fill),
                ("TEXTCOLOR", (i, 0), (i, 0), ink),
                ("BOX", (i, 0), (i, 0), st.HAIRLINE, st.GREY),
            ]
        cells.append(f"fewer than {SMALL_COUNT}: not shaded")
        commands.append(("FONT", (len(cells) - 1, 0), (len(cells) - 1, 0), st.FONT_ITALIC, 7))
        commands.append(("BOX", (len(cells) - 1, 0), (len(cells) - 1, 0), st.HAIRLINE, st.GREY))
        last_w = 112.0
        w = (self.width - 40 - last_w) / (len(cells) - 2)
        return Table(
            [cells],
            colWidths=[40, *[w] * (len(cells) - 2), last_w],
            hAlign="LEFT",
            style=pc.table_style(commands, 7),
        )

    def _item_bars(self, keys: list[str]) -> Any:
        """100% stacked horizontal bars of the whole period's grades per practice area."""
        from reportlab.graphics.shapes import Drawing, Rect, String

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        v = self.v
        items = v.total.get("items") or {}
        label_w = 196.0
        n_w = 40.0
        bar_h, gap = 13.0, 5.0
        legend_h = 18.0
        height = len(keys) * (bar_h + gap) + legend_h + 14
        d = Drawing(self.width, height, initialFontName=st.FONT, initialFontSize=7)
        plot_w = self.width - label_w - n_w
        fills = _grade_fills()
        top = height - 14
        # percentage ticks
        _percent_ticks(d, label_w, plot_w, top + 3)
        for i, key in enumerate(keys):
            y = top - (i + 1) * (bar_h + gap) + gap / 2
            counts = (items.get(key) or {}).get("counts") or {}
            n = _graded(counts)
            name = pc.fit_string(st.clean(v.label("items", key)), st.FONT, 7.5, label_w - 6)
            d.add(
                String(
                    label_w - 5,
                    y + 3.6,
                    name,
                    fontName=st.FONT,
                    fontSize=7.5,
                    fillColor=st.INK,
                    textAnchor="end",
                )
            )
            d.add(
                String(
                    self.width,
                    y + 3.6,
                    f"n={n}",
                    fontName=st.FONT,
                    fontSize=7,
                    fillColor=st.GREY_DARK,
                    textAnchor="end",
                )
            )
            if not n:
                d.add(
                    Rect(
                        label_w,
                        y,
                        plot_w,
                        bar_h,
                        fillColor=None,
                        strokeColor=st.GREY_LIGHT,
                        strokeWidth=st.HAIRLINE,
                    )
                )
                d.add(
                    String(
                        label_w + 4,
                        y + 3.6,
                        "no graded audits",
                        fontName=st.FONT_ITALIC,
                        fontSize=7,
                        fillColor=st.GREY_DARK,
                    )
                )
                continue
            x = label_w
            for g, (fill, ink, hatch) in zip(GRADES, fills, strict=True):
                c = int(counts.get(g, 0))
                if not c:
                    continue
                w = plot_w * c / n
                _segment(d, x, y, w, bar_h, fill, hatch)
                share = _pct(c, n) or 0.0
                text = f"{share:.0f}%"
                if w >= _text_room(text, 6.8, hatch):
                    _label(d, x + w / 2, y + 3.6, text, ink, hatch, 6.8)
                x += w
        _legend(
            d,
            0,
            2,
            [
                (GRADE_NAMES[g] if not v.labels.get("grades") else v.grade_name(g), f)
                for g, f in zip(GRADES, fills, strict=True)
            ],
            self.width,
        )
        return d

    # ------------------------------------------------------------ charts of section 2

    def _grades_chart(self) -> list[Any]:
        """Stacked bars of grade counts per period and a line of % good or better: side by
        side for a few periods, one above the other (full width) for many."""
        from reportlab.graphics.shapes import Drawing

        from audit_tool.reporting import style as st

        periods = self.v.periods or [self.v.total]
        if len(periods) <= 6:
            d = Drawing(self.width, 200, initialFontName=st.FONT, initialFontSize=7)
            left_w = self.width * 0.56
            self._grade_bars(d, 0, 0, left_w, 200, periods)
            self._good_line(d, left_w + 14, 0, self.width - left_w - 14, 200, periods)
            return [d]
        bars = Drawing(self.width, 190, initialFontName=st.FONT, initialFontSize=7)
        self._grade_bars(bars, 0, 0, self.width, 190, periods)
        line = Drawing(self.width, 150, initialFontName=st.FONT, initialFontSize=7)
        self._good_line(line, 0, 0, self.width, 150, periods)
        return [bars, line]

    def _grade_bars(
        self, d: Any, x: float, y: float, width: float, height: float, periods: list[Any]
    ) -> None:
        from reportlab.graphics.shapes import Line, String

        from audit_tool.reporting import style as st

        fills = _grade_fills()
        x0, y0 = x + 28.0, y + 46.0
        plot_w, plot_h = width - 34, height - 46 - 22
        totals = [_graded(p.get("overall") or {}) for p in periods]
        top = _nice_max(max(totals) if totals else 0)
        d.add(
            String(
                x,
                y + height - 8,
                "Final audits by overall grade",
                fontName=st.FONT_BOLD,
                fontSize=8,
                fillColor=st.PRIMARY,
            )
        )
        _value_axis(d, x0, y0, plot_w, plot_h, top, _ticks(top), "")
        slot = plot_w / len(periods)
        bar_w = min(44.0, slot * 0.62)
        for i, p in enumerate(periods):
            overall = p.get("overall") or {}
            cx = x0 + slot * (i + 0.5)
            counts = [int(overall.get(g, 0)) for g in GRADES]
            bar_top = _stack(d, cx, y0, bar_w, plot_h / top, counts, fills)
            d.add(
                String(
                    cx,
                    bar_top + 3,
                    f"{totals[i]}",
                    fontName=st.FONT_BOLD,
                    fontSize=7,
                    fillColor=st.INK,
                    textAnchor="middle",
                )
            )
            if not totals[i]:
                d.add(
                    String(
                        cx,
                        y0 + 4,
                        "none",
                        fontName=st.FONT_ITALIC,
                        fontSize=6.5,
                        fillColor=st.GREY_DARK,
                        textAnchor="middle",
                    )
                )
        _category_labels(d, x0, y0, slot, [_period_label(p) for p in periods])
        d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=st.GREY, strokeWidth=0.8))
        labels = [
            (self.v.grade_name(g) if g != "requires_improvement" else "Requires improvement", f)
            for g, f in zip(GRADES, fills, strict=True)
        ]
        if width < self.width * 0.8:
            _legend(d, x, y + 6, labels, width, columns=2)
        else:
            _legend(d, x0, y + 8, labels, plot_w)

    def _good_line(
        self, d: Any, x: float, y: float, width: float, height: float, periods: list[Any]
    ) -> None:
        from reportlab.graphics.shapes import Circle, Line, PolyLine, Rect, String

        from audit_tool.reporting import style as st

        d.add(
            String(
                x,
                y + height - 8,
                "% good or better",
                fontName=st.FONT_BOLD,
                fontSize=8,
                fillColor=st.PRIMARY,
            )
        )
        rx, y0 = x + 20, y + 46.0
        rw, plot_h = width - 26, height - 46 - 22
        _value_axis(d, rx, y0, rw, plot_h, 100, [0, 25, 50, 75, 100], "%")
        rslot = rw / len(periods)
        _category_labels(d, rx, y0, rslot, [_period_label(p) for p in periods])
        points: list[tuple[float, float, float]] = []
        for i, p in enumerate(periods):
            cx = rx + rslot * (i + 0.5)
            value = p.get("pct_good_or_better")
            if value is None:
                d.add(
                    String(
                        cx,
                        y0 + 4,
                        "\u2013",
                        fontName=st.FONT,
                        fontSize=7,
                        fillColor=st.GREY_DARK,
                        textAnchor="middle",
                    )
                )
                continue
            points.append((cx, y0 + plot_h * float(value) / 100, float(value)))
        if len(points) > 1:
            flat = [c for px, py, _v in points for c in (px, py)]
            d.add(PolyLine(flat, strokeColor=st.PRIMARY, strokeWidth=1.6))
        for cx, cy, value in points:
            d.add(Circle(cx, cy, 2.6, fillColor=st.WHITE, strokeColor=st.PRIMARY, strokeWidth=1.4))
            d.add(Rect(cx - 14, cy + 5, 28, 10, fillColor=st.WHITE, strokeColor=None))
            d.add(
                String(
                    cx,
                    cy + 7,
                    _fmt_pct(value),
                    fontName=st.FONT_BOLD,
                    fontSize=7 if rslot >= 28 else 6,
                    fillColor=st.INK,
                    textAnchor="middle",
                )
            )
        d.add(Line(rx, y0, rx + rw, y0, strokeColor=st.GREY, strokeWidth=0.8))

    # ------------------------------------------------------------ 4. moderation

    def _section_moderation(self) -> list[Any]:
        from reportlab.platypus import KeepTogether

        v = self.v
        story: list[Any] = [
            self.para(
                "How closely the two independent auditors of a looped audit agreed on the overall "
                "grade, how moderation changed their grades, and how each auditor's grades "
                "compared with the moderated grade.",
                self.intro,
            )
        ]
        if not int(v.total.get("audits_final", 0)):
            story.append(self.empty_note())
        story += self.sub("moderation-agreement", "Agreement of the two auditors")
        story += self._agreement_table()
        part = self.sub("moderation-confusion", "Grades of the two auditors, whole period")
        part += self._confusion()
        story.append(KeepTogether(part))
        part = self.sub("moderation-moves", "How moderation changed the grade")
        part += self._moves_table()
        story.append(KeepTogether(part))
        part = self.sub("moderation-auditors", "Each auditor against the moderated grade")
        part += self._auditors_table()
        story.append(KeepTogether(part))
        return story

    def _agreement_table(self) -> list[Any]:
        v = self.v
        rows: list[list[Any]] = []
        notes: list[str] = []
        for p in [*v.periods, v.total]:
            a = p.get("agreement") or {}
            pairs = int(a.get("pairs", 0))
            is_total = p is v.total
            name = "Whole period" if is_total else _period_label(p)
            kappa = _fmt_kappa(a.get("kappa_quadratic"))
            flagged = a.get("kappa_quadratic") is not None and pairs < SMALL_PAIRS
            if flagged:
                kappa += " *"
                notes.append(
                    f"{self.text(name)}: kappa and AC2 based on {pairs} pairs: read with caution."
                )
            rows.append(
                [
                    self.name_cell(name, bold=is_total),
                    str(pairs),
                    _fmt_pct(a.get("exact_pct")),
                    _fmt_pct(a.get("within_one_pct")),
                    _Cell(kappa, bold=flagged and not is_total) if flagged else kappa,
                    _fmt_kappa(a.get("gwet_ac2"))
                    + (" *" if flagged and a.get("gwet_ac2") is not None else ""),
                ]
            )
        header = [
            v.word.capitalize(),
            "Pairs",
            "Exact agreement",
            "Within one grade",
            "Kappa (quadratic)",
            "Gwet's AC2",
        ]
        rest = self.width - 110
        out: list[Any] = [self.table(header, rows, [110, *[rest / 5] * 5], total_rows=1)]
        for note in notes:
            out.append(self.note_para(f"* {note}"))
        out.append(
            self.note_para(
                "Pairs: looped audits with two submitted reviews that both gave an overall grade. "
                "Kappa and AC2 run from below 0 (worse than chance) to 1 (perfect agreement); "
                "a dash means too few pairs to compute."
            )
        )
        return out

    def _confusion(self) -> list[Any]:
        from reportlab.platypus import Table

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        v = self.v
        matrix = (v.total.get("agreement") or {}).get("confusion")
        if not matrix:
            return [self.empty_note("No confusion matrix in this report.")]
        pairs = sum(sum(int(c) for c in row) for row in matrix)
        if not pairs:
            return [self.empty_note("No pairs of graded reviews in this period.")]
        names = [GRADE_SHORT[g] for g in GRADES]
        head = (
            [self.para("First auditor \u2193 / second auditor \u2192", self.head_left)]
            + [self.para(self.text(n), self.head) for n in names]
            + [self.para("Total", self.head)]
        )
        rows: list[list[Any]] = [head]
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), st.PRIMARY),
            ("BACKGROUND", (0, 1), (0, -1), st.TINT),
            ("ALIGN", (1, 1), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (1, 1), (-2, -2), st.HAIRLINE, st.GREY),
            ("LINEABOVE", (0, -1), (-1, -1), st.RULE * 0.7, st.PRIMARY),
            ("LINEBEFORE", (-1, 0), (-1, -1), st.RULE * 0.7, st.PRIMARY),
            ("FONT", (1, -1), (-1, -1), st.FONT_BOLD, 8),
            ("FONT", (-1, 1), (-1, -1), st.FONT_BOLD, 8),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        for i, row in enumerate(matrix):
            cells: list[Any] = [self.name_cell(names[i], bold=True)]
            for j, c in enumerate(row):
                cells.append(str(int(c)))
                if i == j:
                    commands.append(("BACKGROUND", (j + 1, i + 1), (j + 1, i + 1), colors_diag()))
                    commands.append(("FONT", (j + 1, i + 1), (j + 1, i + 1), st.FONT_BOLD, 8))
            cells.append(str(sum(int(c) for c in row)))
            rows.append(cells)
        col_totals = [sum(int(matrix[i][j]) for i in range(4)) for j in range(4)]
        rows.append([self.name_cell("Total", bold=True), *[str(c) for c in col_totals], str(pairs)])
        first_w = 150
        cw = (self.width - first_w) / 5
        table = Table(
            rows, colWidths=[first_w, *[cw] * 5], hAlign="LEFT", style=pc.table_style(commands, 8)
        )
        a = v.total.get("agreement") or {}
        exact = sum(int(matrix[i][i]) for i in range(4))
        return [
            table,
            self.note_para(
                f"Counts of the {pairs} pairs over the whole period: rows the first submitted "
                f"review's overall grade, columns the second's. The shaded diagonal "
                f"({exact} pairs, "
                f"{_fmt_pct(a.get('exact_pct'))}) is exact agreement."
            ),
        ]

    def _moves_table(self) -> list[Any]:
        v = self.v
        rows: list[list[Any]] = []
        any_reviews = False
        for p in [*v.periods, v.total]:
            m = p.get("moderation") or {}
            raised, lowered, same = (int(m.get(k, 0)) for k in ("raised", "lowered", "unchanged"))
            n = raised + lowered + same
            any_reviews = any_reviews or n > 0
            is_total = p is v.total
            name = "Whole period" if is_total else _period_label(p)

            def share(c: int, n: int = n) -> str:
                return f"{c} ({_fmt_pct(_pct(c, n))})" if n else "0"

            rows.append(
                [
                    self.name_cell(name, bold=is_total),
                    str(n),
                    share(raised),
                    share(same),
                    share(lowered),
                ]
            )
        header = [v.word.capitalize(), "Reviews moderated", "Raised", "Unchanged", "Lowered"]
        rest = self.width - 110
        out: list[Any] = [self.table(header, rows, [110, *[rest / 4] * 4], total_rows=1)]
        if any_reviews:
            out.append(self._moves_chart())
        out.append(
            self.note_para(
                "Each submitted review of a moderated audit, compared with the final grade: raised "
                "means the moderator's grade was better than the auditor's, lowered that it was "
                "worse."
            )
        )
        return out

    def _moves_chart(self) -> Any:
        """100% bars per period: raised, unchanged, lowered (labelled, patterned)."""
        from reportlab.graphics.shapes import Drawing, String

        from audit_tool.reporting import style as st

        v = self.v
        periods = [*v.periods, v.total]
        fills = _grade_fills()
        series = [("Raised", fills[1]), ("Unchanged", fills[2]), ("Lowered", fills[3])]
        label_w, bar_h, gap = 110.0, 11.0, 4.0
        height = len(periods) * (bar_h + gap) + 22
        d = Drawing(self.width, height, initialFontName=st.FONT, initialFontSize=7)
        plot_w = self.width - label_w - 4
        top = height - 2
        for i, p in enumerate(periods):
            y = top - (i + 1) * (bar_h + gap)
            m = p.get("moderation") or {}
            counts = [int(m.get("raised", 0)), int(m.get("unchanged", 0)), int(m.get("lowered", 0))]
            n = sum(counts)
            name = "Whole period" if p is v.total else st.clean(_period_label(p))
            d.add(
                String(
                    label_w - 5,
                    y + 3,
                    name,
                    fontName=st.FONT_BOLD if p is v.total else st.FONT,
                    fontSize=7,
                    fillColor=st.INK,
                    textAnchor="end",
                )
            )
            if not n:
                d.add(
                    String(
                        label_w,
                        y + 3,
                        "no moderated reviews",
                        fontName=st.FONT_ITALIC,
                        fontSize=7,
                        fillColor=st.GREY_DARK,
                    )
                )
                continue
            x = label_w
            for c, (_name, (fill, ink, hatch)) in zip(counts, series, strict=True):
                if not c:
                    continue
                w = plot_w * c / n
                _segment(d, x, y, w, bar_h, fill, hatch)
                if w >= _text_room(f"{_pct(c, n):.0f}%", 6.8, hatch):
                    _label(d, x + w / 2, y + 3, f"{_pct(c, n):.0f}%", ink, hatch, 6.8)
                x += w
        _legend(d, label_w, 1, [(name, f) for name, f in series], self.width - label_w)
        return d

    def _auditors_table(self) -> list[Any]:
        v = self.v
        keys: dict[str, None] = {}
        for p in [*v.periods, v.total]:
            for k in p.get("auditors") or {}:
                keys.setdefault(k, None)
        if not keys:
            return [self.empty_note("No moderated reviews in this period.")]
        rows = sorted(((v.label("people", k), k) for k in keys), key=lambda t: t[0].casefold())

        def cell(period: dict[str, Any], key: str) -> _Cell:
            a = (period.get("auditors") or {}).get(key)
            if not a or not int(a.get("reviews", 0)):
                return _Cell("\u2013")
            return _Cell(
                f"{_fmt_diff(float(a.get('mean_difference', 0.0)))}\n"
                f"{_plural(int(a['reviews']), 'review')}"
            )

        out = self.period_table("Auditor", [(self.name_cell(n), k) for n, k in rows], cell)
        out.append(
            self.note_para(
                "Each cell: the mean of (final grade rank \u2212 auditor's grade rank) over the "
                "auditor's reviews, then how many. Above 0: the moderator graded lower than the "
                "auditor had (the auditor was more generous); below 0: higher. Single audits are "
                "left out."
            )
        )
        return out

    # ------------------------------------------------------------ 5. family feedback

    def _section_feedback(self) -> list[Any]:
        from reportlab.platypus import KeepTogether

        v = self.v
        story: list[Any] = [
            self.para(
                "What children, young people, parents and carers told us when asked about the "
                "help they received: the share of answers that were \u201cyes\u201d, out of "
                "yes, partly and no.",
                self.intro,
            )
        ]
        questions = self._question_keys("feedback")
        last = v.last
        story += self.sub("feedback-last", f"Answers \u201cyes\u201d in {v.last_label()}")
        answered = sum(self._answered(last, "feedback", q) for q in questions)
        if questions and answered:
            story.append(self._feedback_chart(last, questions))
        else:
            story.append(self.empty_note(f"No family feedback recorded in {v.last_label()}."))
        part = self.sub("feedback-quarters", f"Each question {v.word} by {v.word}")
        part += self._feedback_table("feedback", questions)
        story.append(KeepTogether(part))
        outside = self._question_keys("feedback_outside")
        if outside or any("feedback_outside" in p for p in v.periods):
            part = self.sub("feedback-outside", "Feedback gathered outside audits")
            part.append(
                self.para(
                    "Feedback collected by other routes (surveys, calls), by the date it was "
                    "collected.",
                    self.intro,
                )
            )
            part += self._feedback_table("feedback_outside", outside)
            story.append(KeepTogether(part))
        return story

    def _answered(self, period: dict[str, Any], dim: str, q: str) -> int:
        a = (period.get(dim) or {}).get(q) or {}
        return int(a.get("yes", 0)) + int(a.get("partly", 0)) + int(a.get("no", 0))

    def _question_keys(self, dim: str) -> list[str]:
        keys: dict[str, None] = {}
        for p in [*self.v.periods, self.v.total]:
            for k in p.get(dim) or {}:
                keys.setdefault(k, None)
        order = list((self.v.labels.get("questions") or {}).keys()) + list(QUESTION_SHORT)
        return sorted(keys, key=lambda k: order.index(k) if k in order else len(order))

    def _question_name(self, key: str) -> str:
        return self.v.label("questions", key)

    def _feedback_table(self, dim: str, questions: list[str]) -> list[Any]:
        if not questions:
            return [self.empty_note("No feedback recorded in this period.")]

        def cell(period: dict[str, Any], key: str) -> _Cell:
            a = (period.get(dim) or {}).get(key) or {}
            yes = int(a.get("yes", 0))
            n = self._answered(period, dim, key)
            return _share_cell(yes, n)

        named = [(self.name_cell(self._question_name(q)), q) for q in questions]
        out = self.period_table("Question", named, cell, first_w=190)
        out.append(self.note_para("Each cell: % yes, then yes / answered (yes, partly or no)."))
        return out

    def _feedback_chart(self, period: dict[str, Any], questions: list[str]) -> Any:
        from reportlab.graphics.shapes import Drawing, Rect, String

        from audit_tool.reporting import pdf_common as pc
        from audit_tool.reporting import style as st

        dim = "feedback"
        label_w, bar_h, gap = 150.0, 13.0, 6.0
        value_w = 80.0
        height = len(questions) * (bar_h + gap) + 16
        d = Drawing(self.width, height, initialFontName=st.FONT, initialFontSize=7)
        plot_w = self.width - label_w - value_w
        top = height - 12
        _percent_ticks(d, label_w, plot_w, top + 3)
        for i, q in enumerate(questions):
            y = top - (i + 1) * (bar_h + gap) + gap / 2
            a = (period.get(dim) or {}).get(q) or {}
            yes = int(a.get("yes", 0))
            n = self._answered(period, dim, q)
            name = QUESTION_SHORT.get(q) or self._question_name(q)
            d.add(
                String(
                    label_w - 5,
                    y + 3.6,
                    pc.fit_string(st.clean(name), st.FONT, 7.5, label_w - 6),
                    fontName=st.FONT,
                    fontSize=7.5,
                    fillColor=st.INK,
                    textAnchor="end",
                )
            )
            d.add(Rect(label_w, y, plot_w, bar_h, fillColor=st.TINT, strokeColor=None))
            if not n:
                d.add(
                    String(
                        label_w + 4,
                        y + 3.6,
                        "not asked",
                        fontName=st.FONT_ITALIC,
                        fontSize=7,
                        fillColor=st.GREY_DARK,
                    )
                )
                continue
            share = _pct(yes, n) or 0.0
            d.add(
                Rect(
                    label_w, y, plot_w * share / 100, bar_h, fillColor=st.PRIMARY, strokeColor=None
                )
            )
            d.add(
                String(
                    label_w + plot_w + 5,
                    y + 3.6,
                    f"{_fmt_pct(share)} ({yes}/{n})",
                    fontName=st.FONT_BOLD,
                    fontSize=7.5,
                    fillColor=st.INK,
                )
            )
        return d

    # ------------------------------------------------------------ 6. learning follow-up

    def _section_learning(self) -> list[Any]:
        from reportlab.platypus import KeepTogether

        v = self.v
        story: list[Any] = [
            self.para(
                "Whether the learning reached the worker, and the actions the audits set. An "
                f"action is overdue when it is still open and was due before "
                f"{self.text(_long_date(v.report.get('to')))}.",
                self.intro,
            )
        ]
        rows: list[list[Any]] = []
        for p in [*v.periods, v.total]:
            is_total = p is v.total
            name = "Whole period" if is_total else _period_label(p)
            a = p.get("actions") or {}
            open_, overdue, done = (int(a.get(k, 0)) for k in ("open", "overdue", "done"))
            rows.append(
                [
                    self.name_cell(name, bold=is_total),
                    str(int(p.get("audits_final", 0))),
                    _fmt_pct(p.get("worker_feedback_pct")),
                    str(open_),
                    _Cell(str(overdue), bold=overdue > 0),
                    str(done),
                    _fmt_pct(_pct(done, open_ + done)),
                ]
            )
        header = [
            v.word.capitalize(),
            "Final audits",
            "Worker received feedback",
            "Actions open",
            "of which overdue",
            "Actions done",
            "Done of open and done",
        ]
        rest = self.width - 110
        story += self.sub("learning-table", "Feedback to workers and actions")
        story.append(self.table(header, rows, [110, *[rest / 6] * 6], total_rows=1))
        story.append(self.note_para("Cancelled actions are not counted."))
        part = self.sub("learning-chart", f"Actions by {v.word} of the audit")
        if any(sum(int(x) for x in (p.get("actions") or {}).values()) for p in v.periods):
            part.append(self._actions_chart())
        else:
            part.append(self.empty_note("No actions recorded in this period."))
        story.append(KeepTogether(part))
        return story

    def _actions_chart(self) -> Any:
        from reportlab.graphics.shapes import Drawing, Line, String

        from audit_tool.reporting import style as st

        v = self.v
        periods = v.periods
        fills = _grade_fills()
        series = [("Done", fills[0]), ("Open, not yet due", fills[2]), ("Overdue", fills[3])]
        height = 150.0
        d = Drawing(self.width, height, initialFontName=st.FONT, initialFontSize=7)
        x0, y0 = 30.0, 34.0
        plot_w, plot_h = self.width * 0.7 - x0, height - y0 - 14
        values = []
        for p in periods:
            a = p.get("actions") or {}
            open_, overdue, done = (int(a.get(k, 0)) for k in ("open", "overdue", "done"))
            values.append([done, max(0, open_ - overdue), overdue])
        top = _nice_max(max((sum(vs) for vs in values), default=0))
        _value_axis(d, x0, y0, plot_w, plot_h, top, _ticks(top), "")
        slot = plot_w / max(1, len(periods))
        bar_w = min(40.0, slot * 0.6)
        for i, vs in enumerate(values):
            cx = x0 + slot * (i + 0.5)
            y = _stack(d, cx, y0, bar_w, plot_h / top, vs, [f for _n, f in series])
            d.add(
                String(
                    cx,
                    y + 3,
                    str(sum(vs)),
                    fontName=st.FONT_BOLD,
                    fontSize=7,
                    fillColor=st.INK,
                    textAnchor="middle",
                )
            )
        _category_labels(d, x0, y0, slot, [_period_label(p) for p in periods])
        d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=st.GREY, strokeWidth=0.8))
        # Legend to the right, one entry a line.
        lx = self.width * 0.7 + 14
        for i, (name, (fill, _ink, hatch)) in enumerate(series):
            y = y0 + plot_h - 12 - i * 16
            _segment(d, lx, y, 11, 9, fill, hatch, outline=True)
            d.add(String(lx + 16, y + 1.5, name, fontName=st.FONT, fontSize=7.5, fillColor=st.INK))
        return d

    # ------------------------------------------------------------ 7. compliance

    def _section_compliance(self) -> list[Any]:
        v = self.v
        story: list[Any] = [
            self.para(
                "Monthly audits each manager was due to complete in the period, how many were "
                "done, and how many are overdue.",
                self.intro,
            )
        ]
        keys: dict[str, None] = {}
        for p in [*v.periods, v.total]:
            for k in p.get("compliance") or {}:
                keys.setdefault(k, None)
        if not keys:
            story.append(self.empty_note("No monthly audits were due in this period."))
            return story
        rows = sorted(((v.label("people", k), k) for k in keys), key=lambda t: t[0].casefold())

        def cell(period: dict[str, Any], key: str) -> _Cell:
            c = (period.get("compliance") or {}).get(key)
            if not c or not int(c.get("due", 0)):
                return _Cell("\u2013")
            due, done, overdue = (int(c.get(k, 0)) for k in ("due", "done", "overdue"))
            text = f"{done}/{due} done"
            if overdue:
                text += f"\n{overdue} overdue"
            return _Cell(text, bold=overdue > 0)

        def total_key(period: dict[str, Any]) -> _Cell:
            due = done = overdue = 0
            for c in (period.get("compliance") or {}).values():
                due += int(c.get("due", 0))
                done += int(c.get("done", 0))
                overdue += int(c.get("overdue", 0))
            if not due:
                return _Cell("\u2013")
            return _Cell(f"{done}/{due} done\n{overdue} overdue")

        def any_cell(period: dict[str, Any], key: str) -> _Cell:
            return total_key(period) if key == "" else cell(period, key)

        named = [(self.name_cell(n), k) for n, k in rows]
        story += self.sub("compliance-table", "Monthly audits by manager")
        story += self.period_table(
            "Manager",
            named,
            any_cell,
            total_row=(self.name_cell("All managers", bold=True), ""),
        )
        due, done = self._compliance_totals(v.total)
        overdue = sum(int(c.get("overdue", 0)) for c in (v.total.get("compliance") or {}).values())
        story.append(
            self.note_para(
                f"Over the whole period {done} of {due} monthly audits were done "
                f"({_fmt_pct(_pct(done, due))}); "
                f"{overdue} {'is' if overdue == 1 else 'are'} overdue. "
                "Bold cells have an overdue audit."
            )
        )
        return story


# ---------------------------------------------------------------- drawing helpers


def colors_diag() -> Any:
    from reportlab.lib import colors

    return colors.HexColor("#C9D6E6")


def _value_axis(
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


def _category_labels(d: Any, x0: float, y0: float, slot: float, labels: list[str]) -> None:
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


def _nice_max(value: float) -> int:
    """A round axis top at or above the value (and above 0)."""
    if value <= 0:
        return 5
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if value <= step * 5:
            return int(step * -(-value // step))
    magnitude = 10 ** (len(str(int(value))) - 1)
    return int(magnitude * -(-value // magnitude))


def _ticks(top: int) -> list[int]:
    for count in (5, 4, 3, 2):
        if top % count == 0:
            step = top // count
            return [step * i for i in range(count + 1)]
    return [0, top]


def _segment(
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


def _text_room(text: str, size: float, hatch: bool) -> float:
    """The width a segment needs to carry a label inside it."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from audit_tool.reporting import style as st

    return stringWidth(text, st.FONT_BOLD, size) + (8 if hatch else 4)


def _stack(
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
        _segment(d, cx - bar_w / 2, y, bar_w, h, fill, hatch)
        if h >= 10:
            _label(d, cx, y + h / 2 - 2.5, str(c), ink, hatch, 7)
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


def _label(d: Any, x: float, y: float, text: str, ink: Any, hatch: bool, size: float) -> None:
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


def _legend(
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
            _segment(d, ex, ey, 10, 8, fill, hatch, outline=True)
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
        _segment(d, ex, y, 10, 8, fill, hatch, outline=True)
        text = st.clean(name)
        d.add(String(ex + 14, y + 1.2, text, fontName=st.FONT, fontSize=7, fillColor=st.INK))
        ex += 14 + stringWidth(text, st.FONT, 7) + 14
