"""The Feedback view: what parents, carers, children and young people told us, in audits and
outside them, with each question's figures for the same filters.

Filters (programme, team, period, where it was gathered, shareable only) narrow both the
figures and the list in SQL. The figures are always counts with their percentage; "% yes" is
yes / (yes + partly + no), as in the quarterly report. A comment is shown in full here; only
one marked shareable may be quoted elsewhere. "Record feedback for a case..." records a
conversation held outside an audit (end of assessment, after a conference, an online form).
Enter or double-click changes feedback held outside an audit, or opens the audit it was
gathered in (`open_audit`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, NotFound
from audit_tool.services import cases, feedback, reference
from audit_tool.services import settings as partnership_settings
from audit_tool.services.feedback import (
    ANSWER_LABELS,
    CHANNEL_LABELS,
    RESPONDENT_LABELS,
    FeedbackFilter,
    FeedbackRow,
    QuestionSummary,
)
from audit_tool.store import Database
from audit_tool.ui import theme as themes
from audit_tool.ui.errors import show_error
from audit_tool.ui.filters import (
    PERIODS,
    filter_combo,
    filter_date,
    list_table,
    period_range,
    plural,
    quarter_end,
    quarter_label,
    quarter_start,
    text_width,
    view_title,
)
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import AUDITS, FEEDBACK
from audit_tool.ui.table_model import Column, RecordTableModel

# The list shows the newest conversations only; the figures above it count them all.
LIST_LIMIT = 1000
QUARTERS_OFFERED = 8
SOURCES = {None: "In audits and outside", "audit": "In audits", "outside": "Outside audits"}
COMMENT_CHARS = 63  # column widths in average characters of the table font
MAX_COLUMN_CHARS = 27


def answers_text(answers: dict[str, str]) -> str:
    """ "4 yes, 1 partly, 1 no" (not asked left out); "not asked" when nothing was."""
    counts = {key: 0 for key in ("yes", "partly", "no")}
    for answer in answers.values():
        if answer in counts:
            counts[answer] += 1
    parts = [f"{n} {ANSWER_LABELS[key].lower()}" for key, n in counts.items() if n]
    return ", ".join(parts) or "none answered"


def share_text(n: int, total: int) -> str:
    """ "323 (78.4%)": a count with its share of the answers."""
    share = feedback.pct(n, total)
    return f"{n:,}" if share is None else f"{n:,} ({share:.1f}%)"


def summary_sentence(q: QuestionSummary) -> str:
    """ "The practitioner spoke with the child...: 78.4% yes (n=412)"."""
    if q.pct_yes is None:
        return f"{q.text}: no answers"
    return (
        f"{q.text}: {q.pct_yes:.1f}% yes (n={q.asked:,}): {q.yes:,} yes, {q.partly:,} partly, "
        f"{q.no:,} no"
    )


class SummaryModel(RecordTableModel):
    """One row per active question: counts with their percentages, and % yes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Question", lambda q: q.text),
                Column("% yes", lambda q: "-" if q.pct_yes is None else f"{q.pct_yes:.1f}%"),
                Column("Yes", lambda q: share_text(q.yes, q.asked)),
                Column("Partly", lambda q: share_text(q.partly, q.asked)),
                Column("No", lambda q: share_text(q.no, q.asked)),
                Column("Answered (n)", lambda q: f"{q.asked:,}"),
            ],
            parent,
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary_sentence(self.rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class FeedbackTableModel(RecordTableModel):
    SHAREABLE_COLUMN, COMMENT_COLUMN = 7, 8

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Date", lambda r: r.collected_on.isoformat()),
                Column("Case", lambda r: r.case_ref),
                Column("Team", lambda r: r.team_name),
                Column("Respondent", lambda r: RESPONDENT_LABELS[r.respondent]),
                Column("How", lambda r: CHANNEL_LABELS[r.channel]),
                Column("Consent", lambda r: r.consent),
                Column("Answers", lambda r: answers_text(r.answers)),
                Column("Shareable", lambda r: "Shareable" if r.shareable else ""),
                Column("Comment", lambda r: " ".join(r.comment.split())),
                Column("Gathered", lambda r: r.programme_name or "Outside an audit"),
            ],
            parent,
        )

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: FeedbackRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.COMMENT_COLUMN:
            if not row.comment:
                return None
            note = "May be quoted" if row.shareable else "Not shareable: never quoted"
            return f"{row.comment}\n\n({note})"
        if (
            role == Qt.ItemDataRole.FontRole
            and index.column() == self.SHAREABLE_COLUMN
            and row.shareable
        ):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class FeedbackView(ListPage):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({FEEDBACK, AUDITS})
    open_audit = Signal(str)

    title = "Feedback"

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("feedbackView")
        self.today: Callable[[], date] = date.today
        # The partnership's year (Admin > Partnership): the quarters offered and named.
        self.year_start = partnership_settings.partnership(db).year_start_month
        self.can_record = actor.can("feedback.record")
        self.rows: list[FeedbackRow] = []
        self.questions: list[QuestionSummary] = []
        self._build_commands()
        self._build_filters()
        self._build_more_filters()
        self._build_summary()
        self._build_list()
        self._build_detail()
        self._lay_out()
        self.refresh()

    def _build_commands(self) -> None:
        """Record, Change and Open audit."""
        self.record_action = QAction("&Record feedback for a case...", self)
        self.record_action.setObjectName("feedbackRecord")
        self.record_action.setToolTip(
            "Record a conversation held outside an audit: at the end of an assessment, after "
            "a conference, or an online form a family sent back (Ctrl+N)"
        )
        self.record_action.setShortcut(QKeySequence.StandardKey.New)
        self.record_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.record_action.triggered.connect(lambda: self.record_for_case())
        self.record_action.setVisible(self.can_record)
        self.addAction(self.record_action)
        self.edit_action = QAction("&Change feedback...", self)
        self.edit_action.setObjectName("feedbackEdit")
        self.edit_action.triggered.connect(lambda: self.edit_selected())
        self.open_action = QAction("&Open audit", self)
        self.open_action.setObjectName("feedbackOpenAudit")
        self.open_action.setToolTip("Open the audit this feedback was gathered in")
        self.open_action.triggered.connect(self.open_selected_audit)

    def _build_filters(self) -> None:
        """The programme, team and period filters."""
        db, actor = self.db, self.actor
        self.programme_filter = filter_combo("feedbackProgramme", "Programme")
        self.programme_filter.addItem("All programmes", None)
        if actor.can("programme.view"):
            from audit_tool.services import programmes

            for programme in programmes.list_programmes(db, actor):
                self.programme_filter.addItem(programme.name, programme.key)
        self.programme_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.programme_filter.setMinimumContentsLength(14)
        self.team_filter = filter_combo("feedbackTeam", "Team")
        self.team_filter.addItem("All teams", None)
        if actor.can("reference.view"):
            for team in reference.list_teams(db, actor, with_case_counts=False):
                self.team_filter.addItem(team.name, team.key)
        self.team_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.team_filter.setMinimumContentsLength(14)
        self.period = filter_combo("feedbackPeriod", "Period")
        self.period.setToolTip("When the conversation took place")
        for key, label in PERIODS.items():
            if key != "between":
                self.period.addItem(label, key)
        start = quarter_start(self.today(), self.year_start)
        for _ in range(QUARTERS_OFFERED):
            label = quarter_label(start, self.year_start)
            self.period.addItem(label, f"quarter:{start.isoformat()}")
            start = quarter_start(start - timedelta(days=1), self.year_start)
        self.period.addItem(PERIODS["between"], "between")
        this_quarter = quarter_start(self.today(), self.year_start)
        self.date_from = filter_date("feedbackFrom", "From date", this_quarter)
        self.date_to = filter_date("feedbackTo", "To date", quarter_end(this_quarter))
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)

    def _build_more_filters(self) -> None:
        """Where it was gathered, Shareable only and Clear; a change lists again."""
        self.source = filter_combo("feedbackSource", "Where the feedback was gathered")
        for source, text in SOURCES.items():
            self.source.addItem(text, source)
        self.shareable_only = QCheckBox("Shareable only")
        self.shareable_only.setObjectName("feedbackShareableOnly")
        self.shareable_only.setAccessibleName("Only feedback with a comment that may be quoted")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("feedbackClear")
        self.clear_button.setAccessibleName("Clear the filters")
        self.clear_button.clicked.connect(self.clear_filters)
        for combo in (self.programme_filter, self.team_filter, self.source):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        self.shareable_only.toggled.connect(lambda _c: self.refresh())

    def _build_summary(self) -> None:
        """The answers to each question, over the feedback listed."""
        self.summary_model = SummaryModel(self)
        self.summary = QTableView()
        self.summary.setObjectName("feedbackSummary")
        self.summary.setAccessibleName("Answers to each question")
        self.summary.setModel(self.summary_model)
        self.summary.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.summary.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.summary.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary.setWordWrap(False)
        self.summary.verticalHeader().setVisible(False)
        self.summary.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.summary.verticalHeader().setDefaultSectionSize(self.summary.fontMetrics().height() + 6)
        self.summary.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        summary_header = self.summary.horizontalHeader()
        summary_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        summary_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary_note = QLabel()
        self.summary_note.setObjectName("feedbackSummaryNote")
        themes.styled(self.summary_note, "color: $muted;")

    def _build_list(self) -> None:
        """The feedback listed, its empty note and count."""
        self.model = FeedbackTableModel(self)
        self.table = list_table("feedbackTable", "Feedback", self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(lambda _index: self.activate_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addAction(self.edit_action)
        self.table.addAction(self.open_action)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_detail())
        self.empty = QLabel()
        self.empty.setObjectName("feedbackEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.count = QLabel()
        self.count.setObjectName("feedbackCount")

    def _build_detail(self) -> None:
        """The feedback selected in full, with its buttons."""
        self.detail = QTextBrowser()
        self.detail.setObjectName("feedbackDetail")
        self.detail.setAccessibleName("The feedback in full")
        self.detail.setOpenLinks(False)
        self.edit_button = QPushButton("Change...")
        self.edit_button.setObjectName("feedbackEditButton")
        self.edit_button.setToolTip("Change feedback recorded outside an audit")
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.open_button = QPushButton("Open audit")
        self.open_button.setObjectName("feedbackOpenButton")
        self.open_button.clicked.connect(self.open_selected_audit)
        # Below the list, so that the list has the width its comments need.
        self.detail_box = detail_box = QWidget()
        detail_layout = QHBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_buttons = QVBoxLayout()
        detail_buttons.addWidget(self.edit_button)
        detail_buttons.addWidget(self.open_button)
        detail_buttons.addStretch(1)
        detail_layout.addLayout(detail_buttons)

    def _lay_out(self) -> None:
        title = view_title("Feedback from families")
        toolbar = QToolBar()
        toolbar.setObjectName("feedbackToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.record_action)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(toolbar)
        filters = QHBoxLayout()
        filters.addWidget(self.programme_filter, 2)
        filters.addWidget(self.team_filter, 2)
        filters.addWidget(self.period)
        filters.addWidget(self.date_from)
        filters.addWidget(self.date_to)
        filters.addWidget(self.source)
        filters.addWidget(self.shareable_only)
        filters.addStretch(1)
        filters.addWidget(self.clear_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("feedbackSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([360, 140])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.summary_note)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.count)

    # -- filters

    def _period_changed(self) -> None:
        between = self.period.currentData() == "between"
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        self.refresh()

    def dates(self) -> tuple[date | None, date | None]:
        period = self.period.currentData() or "any"
        if period == "between":
            return self.date_from.date().toPython(), self.date_to.date().toPython()  # type: ignore[return-value]
        if period.startswith("quarter:"):
            start = date.fromisoformat(period.split(":", 1)[1])
            return start, quarter_end(start)
        return period_range(period, self.today(), self.year_start)

    def current_filter(self) -> FeedbackFilter:
        date_from, date_to = self.dates()
        return FeedbackFilter(
            programme_key=self.programme_filter.currentData(),
            team_key=self.team_filter.currentData(),
            date_from=date_from,
            date_to=date_to,
            source=self.source.currentData(),
            shareable_only=self.shareable_only.isChecked(),
        )

    def clear_filters(self) -> None:
        combos = (self.programme_filter, self.team_filter, self.period, self.source)
        for widget in (*combos, self.shareable_only):
            widget.blockSignals(True)
        for combo in combos:
            combo.setCurrentIndex(0)
        self.shareable_only.setChecked(False)
        for widget in (*combos, self.shareable_only):
            widget.blockSignals(False)
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)
        self.refresh()

    # -- data

    def live_loader(self) -> Callable[[], tuple[FeedbackFilter, Any, Any]]:
        """Read the filters now; the returned function only calls the services (any thread)."""
        db, actor, flt = self.db, self.actor, self.current_filter()

        def load() -> tuple[FeedbackFilter, Any, Any]:
            questions = feedback.summary(db, actor, flt)
            return flt, questions, feedback.list_feedback(db, actor, flt, limit=LIST_LIMIT)

        return load

    def show_loaded(self, loaded: tuple[FeedbackFilter, Any, Any], keep: str | None = None) -> None:
        """Show rows loaded for these filters (dropped if the filters changed since)."""
        flt, questions, rows = loaded
        if flt != self.current_filter():
            return
        current = self.selected()
        keep = keep or (current.uuid if current is not None else None)
        self.questions, self.rows = questions, rows
        self.summary_model.set_rows(questions)
        self._fit_summary()
        answered = max((q.asked for q in questions), default=0)
        self.summary_note.setText(
            "% yes = yes / (yes + partly + no); 'not asked' is left out. "
            + ("No answers for these filters." if not answered else "")
        )
        self.model.set_rows(list(rows))
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if flt != getattr(self, "_sized_for", None):
            # Sizing the columns is most of the redraw: once per choice of filters, not on
            # every live refresh.
            self._sized_for = flt
            self.table.resizeColumnsToContents()
            for column in range(self.model.columnCount()):
                if column == FeedbackTableModel.COMMENT_COLUMN:
                    self.table.setColumnWidth(column, text_width(self.table, COMMENT_CHARS))
                elif self.table.columnWidth(column) > text_width(self.table, MAX_COLUMN_CHARS):
                    self.table.setColumnWidth(column, text_width(self.table, MAX_COLUMN_CHARS))
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.detail.setVisible(bool(rows))
        if flt == FeedbackFilter():
            self.empty.setText(
                "No feedback from families yet. It is recorded inside an audit (its Feedback "
                "tab), or for a case with Record feedback for a case..."
            )
        else:
            self.empty.setText("No feedback matches these filters. Clear filters to see it all.")
        self.count.setText(self._count_text(rows))
        uuids = [r.uuid for r in self.model.rows]
        if keep in uuids:
            self.table.selectRow(uuids.index(keep))
        elif rows:
            self.table.selectRow(0)
        self._show_detail()

    def _fit_summary(self) -> None:
        rows = self.summary_model.rowCount()
        height = self.summary.horizontalHeader().sizeHint().height()
        height += rows * self.summary.verticalHeader().defaultSectionSize()
        self.summary.setFixedHeight(height + 2 * self.summary.frameWidth() + 2)

    @staticmethod
    def _count_text(rows: list[FeedbackRow]) -> str:
        outside = sum(1 for r in rows if not r.in_audit)
        shareable = sum(1 for r in rows if r.shareable)
        text = (
            f"{plural(len(rows), 'conversation')} ({outside:,} outside audits), "
            f"{plural(shareable, 'shareable comment')}"
        )
        if len(rows) >= LIST_LIMIT:
            text += (
                f"; the newest {LIST_LIMIT:,} are listed (narrow the filters): the figures "
                "above count them all"
            )
        return text

    def selected(self) -> FeedbackRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def _may_change(self, row: FeedbackRow) -> bool:
        return (
            not row.in_audit
            and self.can_record
            and ("lead" in self.actor.roles or row.author_name == self.actor.name)
        )

    def _show_detail(self) -> None:
        row = self.selected()
        self.edit_button.setVisible(row is not None and not row.in_audit and self.can_record)
        may_change = row is not None and self._may_change(row)
        self.edit_button.setEnabled(may_change)
        self.edit_button.setToolTip(
            "Change feedback recorded outside an audit"
            if may_change
            else "Only the person who recorded it or a QA lead can change it"
        )
        self.edit_action.setEnabled(may_change)
        self.open_button.setVisible(row is not None and row.in_audit)
        self.open_action.setEnabled(row is not None and row.in_audit)
        if row is None:
            self.detail.clear()
            return
        self.detail.setHtml(self._detail_html(row))

    def _detail_html(self, row: FeedbackRow) -> str:
        """Who, when and how with the whole comment on the left; every answer on the right."""
        e = html.escape
        where = (
            f"In an audit: {e(row.programme_name or '')}"
            if row.in_audit
            else "Outside an audit, recorded against the case"
        )
        who = f" by {e(row.author_name)}" if row.author_name else ""
        left = [
            f"<b>Case {e(row.case_ref)}</b>, {e(row.team_name)}<br>{where}<br>",
            f"{e(RESPONDENT_LABELS[row.respondent])}, "
            f"{e(CHANNEL_LABELS[row.channel].lower())}, {row.collected_on.isoformat()}. "
            + ("Consent given" if row.consent else "<b>No consent</b> to keep their views")
            + f". Recorded{who}.",
        ]
        if row.comment:
            note = (
                "shareable: may be quoted in briefings and reports"
                if row.shareable
                else "not shareable: kept here, never quoted"
            )
            comment = e(row.comment).replace("\n", "<br>")
            left.append(f"<p><b>Comment</b> ({note}):<br><i>{comment}</i></p>")
        else:
            left.append("<p>No comment.</p>")
        texts = {q.key: q.text for q in self.questions}
        order = [key for key in texts if key in row.answers]
        order += [key for key in row.answers if key not in texts]  # no longer asked
        answers = []
        for key in order:
            answer = row.answers[key]
            text = texts.get(key, key.replace("_", " ").capitalize())
            answers.append(
                f"<tr><td>{e(text)}</td><td><b>{e(ANSWER_LABELS.get(answer, answer))}</b></td></tr>"
            )
        right = (
            "<table cellspacing='0' cellpadding='2'>" + "".join(answers) + "</table>"
            if answers
            else "No questions answered."
        )
        return (
            "<table width='100%' cellspacing='0' cellpadding='4'><tr>"
            f"<td width='45%' valign='top'>{''.join(left)}</td>"
            f"<td width='55%' valign='top'>{right}</td></tr></table>"
        )

    # -- commands

    def activate_selected(self) -> None:
        """Enter or double-click: change feedback held outside an audit; open the audit of
        feedback gathered in one."""
        row = self.selected()
        if row is None:
            return
        if row.in_audit:
            self.open_selected_audit()
        else:
            self.edit_selected()

    def open_selected_audit(self) -> None:
        row = self.selected()
        if row is not None and row.audit_uuid is not None:
            self.open_audit.emit(row.audit_uuid)

    def _ask_case(self) -> str | None:
        """The case reference the user types, once it names a case held; None if cancelled."""
        ask = QInputDialog(self)
        ask.setObjectName("feedbackCaseDialog")
        ask.setWindowTitle("Record feedback for a case")
        ask.setLabelText(
            "Feedback gathered outside an audit is recorded against the case.\nCase reference:"
        )
        ask.setInputMode(QInputDialog.InputMode.TextInput)
        edit = ask.findChild(QLineEdit)
        if edit is not None:
            edit.setObjectName("feedbackCaseRef")
            edit.setAccessibleName("Case reference")
            edit.setPlaceholderText("e.g. C1234567")
        if ask.exec() != QDialog.DialogCode.Accepted:
            return None
        typed = ask.textValue().strip()
        if not typed:
            return None
        for ref in dict.fromkeys((typed, typed.upper())):
            try:
                return cases.get_case(self.db, self.actor, ref).ref
            except NotFound:
                continue
            except AuditToolError as exc:
                show_error(self, "Record feedback", exc)
                return None
        show_error(self, "Record feedback", f"No case with reference '{typed}'.")
        return None

    def record_for_case(self, case_ref: str | None = None) -> FeedbackRow | None:
        """Ask for the case (unless given), then record a conversation held outside an
        audit."""
        from audit_tool.ui.extras_dialogs import FeedbackDialog

        if not self.can_record:
            return None
        ref = case_ref or self._ask_case()
        if ref is None:
            return None
        try:
            dialog = FeedbackDialog(self.db, self.actor, audit_uuid=None, case_ref=ref, parent=self)
        except AuditToolError as exc:
            show_error(self, "Record feedback", exc)
            return None
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_row is None:
            return None
        row = dialog.result_row
        self.refresh(keep=row.uuid)
        self.status_message.emit(
            f"Feedback from a {RESPONDENT_LABELS[row.respondent].lower()} recorded for case "
            f"{row.case_ref}"
        )
        self.changed.emit()
        return row

    def edit_selected(self) -> FeedbackRow | None:
        from audit_tool.ui.extras_dialogs import FeedbackDialog

        row = self.selected()
        if row is None or row.in_audit:
            return None
        if not self._may_change(row):
            show_error(
                self,
                "Feedback",
                f"{row.author_name or 'Someone else'} recorded this feedback; the QA lead "
                "can change it.",
            )
            return None
        dialog = FeedbackDialog(
            self.db, self.actor, audit_uuid=None, case_ref=row.case_ref, existing=row, parent=self
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_row is None:
            return None
        saved = dialog.result_row
        self.refresh(keep=saved.uuid)
        self.status_message.emit(f"Feedback for case {saved.case_ref} saved")
        self.changed.emit()
        return saved
