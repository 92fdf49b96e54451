"""The Dashboard's breakdowns (report v1.1 and the optional keys beside it), as tables under the
charts: good or better beside requires improvement or better and the families who gave feedback,
period by period; family feedback per question by team or by service area; reviews of
multi-agency and SEND audits by the agency that audited and by SEND strand; and audits graded
on the partnership's own scales. Every figure is the report's (the figures the Calculator
computed), every key in words (reporting/words.py); a share prints its counts beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from audit_tool.reporting.words import GRADES, Words
from audit_tool.ui.dashboard.figures import SHORT_QUESTIONS, period_name
from audit_tool.ui.filters import plural

NONE = "\u2013"
FEEDBACK_BY = {"team": "feedback_by_team", "service_area": "feedback_by_service_area"}


def share(part: int, whole: int) -> str:
    """ "71.4% (5/7)", or a dash where nothing was counted (as the report rounds: half up)."""
    if not whole:
        return NONE
    from audit_tool.reporting.agreement import pct

    return f"{pct(part, whole):.1f}% ({part}/{whole})"


def good_and_ri(overall: dict[str, Any]) -> tuple[str, str]:
    counts = [int(overall.get(g, 0)) for g in GRADES]
    graded = sum(counts)
    return share(counts[0] + counts[1], graded), share(graded - counts[3], graded)


def two_lines(heading: str, wide: int = 16) -> str:
    """A long column heading on two lines, broken at the space nearest its middle."""
    if len(heading) <= wide or " " not in heading:
        return heading
    spaces = [i for i, ch in enumerate(heading) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(heading) / 2))
    return f"{heading[:cut]}\n{heading[cut + 1 :]}"


class FigureTable(QTableWidget):
    """A small read-only table of figures, as tall as its rows (the page scrolls, not it)."""

    def __init__(self, name: str, accessible: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)

    def fill(self, headers: list[str], rows: list[list[str]]) -> None:
        self.clear()
        self.setColumnCount(len(headers))
        self.setRowCount(len(rows))
        self.setHorizontalHeaderLabels([two_lines(h) for h in headers])
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        # Names stretch; figures fit their contents, or share the width where there are many
        # (the table never scrolls sideways: a heading too long is elided, its tooltip whole).
        many = len(headers) > 4
        first, rest = QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents
        if many:
            first, rest = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        header.setSectionResizeMode(0, first)
        for c in range(1, len(headers)):
            header.setSectionResizeMode(c, rest)
            heading = self.horizontalHeaderItem(c)
            if heading is not None:
                heading.setToolTip(headers[c])
        self.resizeRowsToContents()
        height = header.sizeHint().height() + sum(self.rowHeight(r) for r in range(len(rows)))
        self.setFixedHeight(height + 2 * self.frameWidth() + 2)
        described = "; ".join(", ".join(row) for row in rows) or "no figures"
        self.setAccessibleDescription(f"{', '.join(headers)}. {described}")

    def cells(self) -> list[list[str]]:
        """What the table shows, row by row (the first column included)."""
        return [
            [(item.text() if (item := self.item(r, c)) else "") for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]


class BreakdownsPanel(QWidget):
    """The breakdown tables; `show_report` fills them from a report's figures."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("dashboard_breakdowns")
        self.report: dict[str, Any] | None = None
        self.ri = FigureTable(
            "dashboard_breakdown_ri", "Good or better and requires improvement or better"
        )
        self.feedback = FigureTable("dashboard_breakdown_feedback", "Family feedback by group")
        self.feedback_by = QComboBox()
        self.feedback_by.setObjectName("dashboard_feedback_by")
        self.feedback_by.setAccessibleName("Family feedback by")
        self.feedback_by.addItem("By team", "team")
        self.feedback_by.addItem("By service area", "service_area")
        self.feedback_by.currentIndexChanged.connect(lambda _i: self._show_feedback())
        self.agencies = FigureTable(
            "dashboard_breakdown_agencies", "Reviews by the agency that audited"
        )
        self.strands = FigureTable("dashboard_breakdown_strands", "SEND audits by strand")
        self.scales = FigureTable("dashboard_breakdown_scales", "Audits on own grading scales")
        self.scales_title = _title("Audits on the partnership's own scales")
        self._lay_out()

    def _lay_out(self) -> None:
        """Periods on the left, the reviews on the right; feedback and own scales across."""
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 8, 0, 0)
        grid.setHorizontalSpacing(12)
        feedback_head = QWidget()
        head = QHBoxLayout(feedback_head)
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(_title("Family feedback, whole period"))
        head.addStretch(1)
        head.addWidget(self.feedback_by)
        grid.addWidget(
            _column((_title("Good or better, and requires improvement or better"), self.ri)),
            0,
            0,
        )
        grid.addWidget(
            _column(
                (_title("Reviews by the agency that audited, whole period"), self.agencies),
                (_title("SEND audits by strand, whole period"), self.strands),
            ),
            0,
            1,
        )
        grid.addWidget(_column((feedback_head, self.feedback)), 1, 0, 1, 2)
        grid.addWidget(_column((self.scales_title, self.scales)), 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        words = Words(report.get("labels"))
        self._show_ri(report)
        self._show_feedback()
        total = report["total"]
        agencies = total.get("by_reviewer_agency") or {}
        self._show_reviews(self.agencies, "Agency that audited", agencies, words.agency)
        self._show_reviews(self.strands, "Strand", total.get("by_send_part") or {}, words.part)
        self._show_scales(total.get("other_scales") or {}, words)

    def _show_ri(self, report: dict[str, Any]) -> None:
        rows = []
        for p in [*report["periods"], report["total"]]:
            name = "Whole period" if p is report["total"] else period_name(p)
            if p.get("partial") and p is not report["total"]:
                name += " (partial)"
            good, ri = good_and_ri(p.get("overall") or {})
            rows.append([name, good, ri, str(int(p.get("feedback_families") or 0))])
        self.ri.fill(
            ["Period", "Good or better", "Requires improvement or better", "Families"], rows
        )
        self.ri.setToolTip(
            "Families: the families who gave feedback (each counted once however many "
            "conversations it had)"
        )

    def _show_feedback(self) -> None:
        if self.report is None:
            return
        words = Words(self.report.get("labels"))
        by = self.feedback_by.currentData()
        groups: dict[str, dict[str, Any]] = self.report["total"].get(FEEDBACK_BY[by]) or {}
        named: Callable[[str], str] = words.team if by == "team" else words.area
        questions = [
            q
            for q in _questions(groups)
            if any(int((g.get(q) or {}).get("asked", 0)) for g in groups.values())
        ]
        rows = []
        for key, answers in sorted(groups.items(), key=lambda t: named(t[0]).casefold()):
            figures = [answers.get(q) or {} for q in questions]
            cells = [share(int(f.get("yes", 0)), int(f.get("asked", 0))) for f in figures]
            if any(cell != NONE for cell in cells):
                rows.append([named(key), *cells])
        first = "Team" if by == "team" else "Service area"
        heads = [SHORT_QUESTIONS.get(q) or words.name("questions", q) for q in questions]
        self.feedback.fill([first, *heads], rows or [["No family feedback", *[""] * len(heads)]])

    @staticmethod
    def _show_reviews(
        table: FigureTable, first: str, groups: dict[str, Any], named: Callable[[str], str]
    ) -> None:
        rows = []
        for key, g in sorted(groups.items(), key=lambda t: named(t[0]).casefold()):
            good, ri = good_and_ri(g.get("overall") or {})
            rows.append([named(key), str(int(g.get("reviews", 0))), good, ri])
        heads = [first, "Reviews", "Good or better", "Requires improvement or better"]
        table.fill(heads, rows or [["None in the range", "", "", ""]])

    def _show_scales(self, scales: dict[str, dict[str, int]], words: Words) -> None:
        rows = []
        for scale, counts in sorted(scales.items(), key=lambda t: words.scale(t[0]).casefold()):
            for level, n in counts.items():
                rows.append([words.scale(scale), words.level(scale, level), f"{int(n):,}"])
        self.scales.fill(["Scale", "Overall grade", "Final audits"], rows)
        for widget in (self.scales, self.scales_title):
            widget.setVisible(bool(rows))
        total = sum(int(n) for counts in scales.values() for n in counts.values())
        self.scales.setToolTip(
            f"{plural(total, 'final audit')} graded on another scale: counted among the final "
            "audits, left out of the Ofsted figures"
        )


def _column(*parts: tuple[QWidget, QWidget]) -> QWidget:
    """Titled tables one under the other, kept to the top."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    for title, table in parts:
        column.addWidget(title)
        column.addWidget(table)
    column.addStretch(1)
    return box


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("dashboard_breakdownTitle")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _questions(groups: dict[str, dict[str, Any]]) -> list[str]:
    """The questions in the report's order (the standard ones first)."""
    seen: dict[str, None] = dict.fromkeys(SHORT_QUESTIONS)
    for answers in groups.values():
        for q in answers:
            seen.setdefault(q, None)
    return [q for q in seen if any(q in g for g in groups.values())]
