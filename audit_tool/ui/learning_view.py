"""The Learning view: learning points across audits, filtered, and chosen for briefings.

Filters (programme, team, period, kind, practice area, theme, text) narrow the list in SQL. A QA
lead ticks "In briefings" (or uses the button under the detail) to allow a point into 7-minute
briefings or keep it out. "Export to Excel..." writes feedback, learning points and actions for
the same filters into one workbook, off the GUI thread. Enter or double-click opens the audit.
The points load in the pool (a ListPage with load_in_background: up to 20,000 of them, sorted
there too) and the table is given them a page at a time (PagedTableModel), its columns sized
from the heading and a sample of rows."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import learning, reference, text_search
from audit_tool.services import settings as partnership_settings
from audit_tool.services.audits import STATUS_LABELS as AUDIT_STATUS_LABELS
from audit_tool.services.feedback import FeedbackFilter
from audit_tool.services.learning import LearningFilter, LearningRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import (
    PERIODS,
    ColumnFitter,
    editable_parts,
    filter_combo,
    filter_date,
    list_table,
    period_range,
    plural,
    view_title,
)
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import ACTIONS, AUDITS, LEARNING
from audit_tool.ui.table_model import Column, PagedTableModel

_Index = QModelIndex | QPersistentModelIndex

SEARCH_DELAY_MS = 300
LIST_LIMIT = 20_000
PERIOD_TIP = "The date the audit was finalised, or, for one not yet final, the point recorded"
MAX_COLUMN_CHARS = 28  # in average characters of the table font
TEXT_COLUMN = 1
SHORT_KIND_LABELS = {"strength": "Strength", "development": "For development"}
SAMPLE_ROWS = 30  # rows read to size the columns (the visible ones first)


@dataclass(frozen=True)
class Loaded:
    """What a load brings back from the pool: the filter asked for, its rows already sorted,
    and the themes in use (for the theme box)."""

    asked: LearningFilter
    rows: list[LearningRow]
    themes: list[str]


def count_text(rows: list[LearningRow]) -> str:
    """ "124 learning points: 80 strengths, 44 for development"."""
    strengths = sum(1 for r in rows if r.kind == "strength")
    text = (
        f"{plural(len(rows), 'learning point')}: {plural(strengths, 'strength')}, "
        f"{len(rows) - strengths:,} for development"
    )
    if len(rows) >= LIST_LIMIT:
        text += f" (the newest {LIST_LIMIT:,} are shown: narrow the filters)"
    return text


class LearningTableModel(PagedTableModel):
    """Learning points; for a QA lead the "In briefings" column is a check box that saves."""

    BRIEFING_COLUMN = 8

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Kind", lambda r: SHORT_KIND_LABELS.get(r.kind, r.kind_label)),
                Column("Learning point", lambda r: " ".join(r.text.split())),
                Column("Practice area", lambda r: r.item_label or ""),
                Column("Themes", lambda r: ", ".join(r.themes)),
                Column("Case", lambda r: r.case_ref),
                Column("Team", lambda r: r.team_name),
                Column("Programme", lambda r: r.programme_name),
                Column("Date", lambda r: r.period_date.isoformat()),
                Column("In briefings", lambda r: r.in_briefing),
            ],
            parent,
        )
        # Called with (row, wanted); returns the saved row, or None when refused.
        self.toggle: Callable[[int, bool], LearningRow | None] | None = None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.toggle is not None and index.column() == self.BRIEFING_COLUMN:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == self.BRIEFING_COLUMN:
            if self.toggle is None:
                return None
            return Qt.CheckState.Checked if row.in_briefing else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return row.kind_label
            if column == TEXT_COLUMN:
                return row.text
            if column == 7:
                return (
                    f"Audit finalised {row.finalised_on.isoformat()}"
                    if row.finalised_on
                    else f"Recorded {row.recorded_on.isoformat()}; the audit is not final yet"
                )
            if column == self.BRIEFING_COLUMN:
                return (
                    "May go into a 7-minute briefing"
                    if row.in_briefing
                    else "Kept out of briefings"
                )
        return super().data(index, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == 7
        ):
            return "When the audit was finalised, or, for one not yet final, when it was recorded"
        return super().headerData(section, orientation, role)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or index.column() != self.BRIEFING_COLUMN
            or self.toggle is None
        ):
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        saved = self.toggle(index.row(), wanted)
        return saved is not None

    def replace(self, i: int, row: LearningRow) -> None:
        self.rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))


class LearningView(ListPage):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({LEARNING, ACTIONS, AUDITS})
    title = "Learning"
    load_in_background = True
    open_audit = Signal(str)
    exported = Signal(str)  # the workbook's path, once written

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("learningView")
        self.can_select = actor.can("learning.select")
        self.today: Callable[[], date] = date.today
        # The partnership's year (Admin > Partnership): "This quarter" and "This year".
        self.year_start = partnership_settings.partnership(db).year_start_month
        self._export: ops.Operation[dict[str, int]] | None = None
        self._export_path = Path()
        self._applied_theme = ""
        self._asked: LearningFilter | None = None  # the filter of the newest refresh
        self._shown: LearningFilter | None = None  # the filter of the rows on screen
        self._build_commands()
        self._build_filters()
        self._build_more_filters()
        self._connect_filters()
        self._build_list()
        self._build_detail()
        self._lay_out()
        self.refresh()

    def _build_commands(self) -> None:
        """Export, Open audit and Find."""
        actor = self.actor
        self.export_action = QAction("E&xport to Excel...", self)
        self.export_action.setObjectName("learningExport")
        self.export_action.setToolTip(
            "Export feedback, learning points and actions for these filters to one workbook"
        )
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.export_action.triggered.connect(lambda: self.export_to_excel())
        self.export_action.setVisible(actor.can("learning.export"))
        self.addAction(self.export_action)
        self.open_action = QAction("&Open audit", self)
        self.open_action.setObjectName("learningOpenAudit")
        self.open_action.setToolTip("Open the audit this learning point comes from")
        self.open_action.triggered.connect(self.open_selected)
        self.addAction(self.open_action)
        self.find_action = QAction("&Find", self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)

    def _build_filters(self) -> None:
        """The search, programme, team and period filters."""
        db, actor = self.db, self.actor
        self.search = QLineEdit()
        self.search.setMaxLength(text_search.MAX_CHARS)  # the services' limit
        self.search.setObjectName("learningSearch")
        self.search.setAccessibleName("Search learning points")
        self.search.setPlaceholderText("Search the text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.programme_filter = filter_combo("learningProgramme", "Programme")
        self.programme_filter.addItem("All programmes", None)
        if actor.can("programme.view"):
            from audit_tool.services import programmes

            for programme in programmes.list_programmes(db, actor):
                self.programme_filter.addItem(programme.name, programme.key)
        self.team_filter = filter_combo("learningTeam", "Team")
        self.team_filter.addItem("All teams", None)
        if actor.can("reference.view"):
            for team in reference.list_teams(db, actor, with_case_counts=False):
                self.team_filter.addItem(team.name, team.key)
        self.period = filter_combo("learningPeriod", "Period")
        for key, label in PERIODS.items():
            self.period.addItem(label, key)
        self.period.setToolTip(PERIOD_TIP)
        start, end = period_range("this_quarter", self.today(), self.year_start)
        assert start is not None and end is not None
        self.date_from = filter_date("learningFrom", "From date", start)
        self.date_to = filter_date("learningTo", "To date", end)
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)

    def _build_more_filters(self) -> None:
        """The kind, practice area, theme and briefing filters, and Clear."""
        db, actor = self.db, self.actor
        self.kind_filter = filter_combo("learningKind", "Kind")
        self.kind_filter.addItem("Strengths and development", None)
        self.kind_filter.addItem("Strengths", "strength")
        self.kind_filter.addItem("Areas for development", "development")
        self.area_filter = filter_combo("learningArea", "Practice area")
        self.area_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.area_filter.setMinimumContentsLength(22)
        self.area_filter.addItem("All practice areas", None)
        for key, label in learning.practice_areas(db, actor):
            self.area_filter.addItem(label, key)
        self.theme_filter = QComboBox()
        self.theme_filter.setObjectName("learningTheme")
        self.theme_filter.setAccessibleName("Theme")
        self.theme_filter.setEditable(True)
        self.theme_filter.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.theme_filter.setMinimumContentsLength(16)
        self.theme_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.theme_edit = editable_parts(self.theme_filter)[0]
        self.theme_edit.setPlaceholderText("Any theme")
        self.theme_edit.setClearButtonEnabled(True)
        completer = editable_parts(self.theme_filter)[1]
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._fill_themes()
        self.briefing_only = QCheckBox("In briefings only")
        self.briefing_only.setObjectName("learningBriefingOnly")
        self.briefing_only.setAccessibleName("Only learning points allowed into briefings")
        self.final_only = QCheckBox("Final audits only")
        self.final_only.setObjectName("learningFinalOnly")
        self.final_only.setAccessibleName("Only learning from final audits")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("learningClear")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self.clear_filters)

    def _connect_filters(self) -> None:
        """A change to a filter lists again (typed search after a pause)."""
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.refresh)
        for combo in (self.programme_filter, self.team_filter, self.kind_filter, self.area_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        self.theme_filter.textActivated.connect(lambda _t: self._theme_changed())
        self.theme_edit.editingFinished.connect(self._theme_changed)
        self.theme_edit.textChanged.connect(
            lambda text: self._theme_changed() if not text.strip() else None
        )
        for box in (self.briefing_only, self.final_only):
            box.toggled.connect(lambda _c: self.refresh())

    def _build_list(self) -> None:
        """The table of learning points, its empty note, count and export progress."""
        self.model = LearningTableModel(self)
        if self.can_select:
            self.model.toggle = self._toggle_row
        self.table = list_table("learningTable", "Learning points", self.model)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        self.columns = ColumnFitter(
            self.table, TEXT_COLUMN, cap=MAX_COLUMN_CHARS, fixed=(0, 4, 7, 8)
        )
        self.table.setSortingEnabled(True)
        header.setSortIndicator(7, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(lambda index: self._activated(index))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.addAction(self.open_action)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_detail())

        self.empty = QLabel()
        self.empty.setObjectName("learningEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.count = QLabel("Loading learning points...")
        self.count.setObjectName("learningCount")
        self.busy = QProgressBar()
        self.busy.setObjectName("learningBusy")
        self.busy.setAccessibleName("Exporting")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.setFormat("Exporting...")
        self.busy.hide()
        self.busy_label = QLabel("Exporting to Excel...")
        self.busy_label.hide()
        self.cancel_export_button = QPushButton("Cancel export")
        self.cancel_export_button.setObjectName("learningCancelExport")
        self.cancel_export_button.hide()
        self.cancel_export_button.clicked.connect(self.cancel_export)

    def _build_detail(self) -> None:
        """The selected learning point in full, with its buttons."""
        self.detail = QTextBrowser()
        self.detail.setObjectName("learningDetail")
        self.detail.setAccessibleName("Learning point in full")
        self.detail.setOpenLinks(False)
        self.briefing_button = QPushButton("Leave out of briefings")
        self.briefing_button.setObjectName("learningBriefingToggle")
        self.briefing_button.setVisible(self.can_select)
        self.briefing_button.clicked.connect(self.toggle_briefing)
        self.open_button = QPushButton("Open audit")
        self.open_button.setObjectName("learningOpenButton")
        self.open_button.clicked.connect(self.open_selected)
        self.detail_box = detail_box = QWidget()
        detail_layout = QHBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_buttons = QVBoxLayout()
        detail_buttons.addWidget(self.briefing_button)
        detail_buttons.addWidget(self.open_button)
        detail_buttons.addStretch(1)
        detail_layout.addLayout(detail_buttons)

    def _lay_out(self) -> None:
        title = view_title("Learning")
        toolbar = QToolBar()
        toolbar.setObjectName("learningToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.export_action)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(toolbar)

        row1 = QHBoxLayout()
        row1.addWidget(self.search, 3)
        row1.addWidget(self.programme_filter, 2)
        row1.addWidget(self.team_filter, 2)
        row1.addWidget(self.period)
        row1.addWidget(self.date_from)
        row1.addWidget(self.date_to)
        row2 = QHBoxLayout()
        row2.addWidget(self.kind_filter)
        row2.addWidget(self.area_filter, 1)
        row2.addWidget(self.theme_filter, 1)
        row2.addWidget(self.briefing_only)
        row2.addWidget(self.final_only)
        row2.addStretch(1)
        row2.addWidget(self.clear_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty, 1)
        # The detail goes under the list, which needs the full width for its columns.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("learningSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_box)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([480, 110])

        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.busy_label)
        bottom.addWidget(self.busy)
        bottom.addWidget(self.cancel_export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

    # -- filters

    def _fill_themes(self, themes: list[str] | None = None) -> None:
        """The themes in use, most used first, keeping what is typed."""
        if themes is None:
            themes = learning.theme_tags(self.db, self.actor)
        text = self.theme_filter.currentText()
        edit = self.theme_edit
        self.theme_filter.blockSignals(True)
        edit.blockSignals(True)
        self.theme_filter.clear()
        self.theme_filter.addItems(themes)
        self.theme_filter.setCurrentIndex(-1)
        self.theme_filter.setEditText(text)
        edit.blockSignals(False)
        self.theme_filter.blockSignals(False)

    def _theme_changed(self) -> None:
        theme = self.theme_filter.currentText().strip()
        if theme != self._applied_theme:
            self.refresh()

    def _period_changed(self) -> None:
        between = self.period.currentData() == "between"
        self.date_from.setVisible(between)
        self.date_to.setVisible(between)
        start, end = period_range(self.period.currentData(), self.today(), self.year_start)
        dates = f"{start.isoformat()} to {end.isoformat()}. " if start and end else ""
        self.period.setToolTip(dates + PERIOD_TIP)
        self.refresh()

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def dates(self) -> tuple[date | None, date | None]:
        period = self.period.currentData()
        if period == "between":
            return (
                self.date_from.date().toPython(),  # type: ignore[return-value]
                self.date_to.date().toPython(),
            )
        return period_range(period, self.today(), self.year_start)

    def current_filter(self) -> LearningFilter:
        date_from, date_to = self.dates()
        return LearningFilter(
            programme_key=self.programme_filter.currentData(),
            theme=self.theme_filter.currentText().strip() or None,
            item_key=self.area_filter.currentData(),
            kind=self.kind_filter.currentData(),
            team_key=self.team_filter.currentData(),
            date_from=date_from,
            date_to=date_to,
            in_briefing_only=self.briefing_only.isChecked(),
            final_only=self.final_only.isChecked(),
            text=self.search.text().strip() or None,
        )

    def _filtered(self) -> bool:
        return self.current_filter() != LearningFilter()

    def clear_filters(self) -> None:
        widgets: list[QWidget] = [
            self.search,
            self.programme_filter,
            self.team_filter,
            self.period,
            self.kind_filter,
            self.area_filter,
            self.theme_filter,
            self.theme_edit,
            self.briefing_only,
            self.final_only,
        ]
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        for combo in (
            self.programme_filter,
            self.team_filter,
            self.period,
            self.kind_filter,
            self.area_filter,
        ):
            combo.setCurrentIndex(0)
        self.theme_filter.setCurrentIndex(-1)
        self.theme_filter.setEditText("")
        self.briefing_only.setChecked(False)
        self.final_only.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.date_from.setVisible(False)
        self.date_to.setVisible(False)
        self.refresh()

    # -- the list

    def refresh(self, keep: str | None = None) -> None:
        """Load the points for the filters in the pool; they are shown when they arrive (a
        newer refresh drops an older one's result)."""
        self._search_timer.stop()
        self._asked = self.current_filter()
        self._applied_theme = self._asked.theme or ""
        if self._asked != self._shown:
            self.count.setText("Loading learning points...")  # new filters: a second or so
        super().refresh(keep)

    def live_loader(self) -> Callable[[], Loaded]:
        """Read the filters and the sort now; the returned function only calls the services
        and sorts (any thread)."""
        db, actor, flt = self.db, self.actor, self.current_filter()
        header = self.table.horizontalHeader()  # keep the user's sort (stable: newest first)
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        ordered = self.model.ordered

        def load() -> Loaded:
            rows = learning.list_learning(db, actor, flt, limit=LIST_LIMIT)
            themes = learning.theme_tags(db, actor)  # themes added in audits since
            return Loaded(flt, ordered(rows, column, order), themes)

        return load

    def show_loaded(self, loaded: Loaded) -> None:
        """Show points loaded for the newest filters (else dropped); the table gets its first
        page, its columns sized from a sample of rows."""
        if loaded.asked != self._asked:
            return
        rows = loaded.rows
        keep = self.selected()
        if not self.theme_filter.hasFocus():
            self._fill_themes(loaded.themes)
        # The same list again (and not empty): as many rows as before, the same widths.
        again = loaded.asked == self._shown and self.model.shown > 0
        self.model.set_rows(rows, at_least=self.model.shown if again else 0)
        self._shown = loaded.asked
        if not again:  # the same list keeps its columns' widths
            self.columns.measure()
        self.table.setVisible(bool(rows))
        self.detail_box.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if not rows:
            self.empty.setText(
                "No learning points match these filters. Clear or widen them to see more."
                if self._filtered()
                else "No learning points yet. They are recorded in audits, as strengths and "
                "areas for development."
            )
        self.count.setText(count_text(rows))
        uuids = [r.uuid for r in rows]
        if keep is not None and keep.uuid in uuids:
            self.model.show_up_to(uuids.index(keep.uuid))
            self.table.selectRow(uuids.index(keep.uuid))
        elif rows:
            self.table.selectRow(0)
        self._show_detail()

    def selected(self) -> LearningRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: LearningRow = self.model.rows[index.row()]
        return row

    def _show_detail(self) -> None:
        row = self.selected()
        self.open_action.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)
        self.briefing_button.setEnabled(row is not None)
        if row is None:
            self.detail.setHtml(
                f"<p style='color:{themes.current().muted}'>"
                "Choose a learning point to read it in full.</p>"
            )
            self.briefing_button.setText("Leave out of briefings")
            return
        self.briefing_button.setText(
            "Leave out of briefings" if row.in_briefing else "Include in briefings"
        )
        esc = html.escape
        audit = AUDIT_STATUS_LABELS.get(row.audit_status, row.audit_status)
        if row.finalised_on:
            audit += f", finalised {row.finalised_on.isoformat()}"
        recorded = f"Recorded {row.recorded_on.isoformat()}"
        if row.author_name:
            recorded += f" by {row.author_name}"
        facts = [
            f"Case {row.case_ref}",
            row.team_name,
            row.programme_name,
            f"Audit: {audit}",
            recorded,
        ]
        tags = [
            f"Practice area: {row.item_label or '(none)'}",
            f"Themes: {', '.join(row.themes) or '(none)'}",
            "May go into a briefing" if row.in_briefing else "Kept out of briefings",
        ]
        text = "<br>".join(esc(line) for line in row.text.splitlines())
        muted = f"color:{themes.current().muted}"
        self.detail.setHtml(
            f"<p style='margin:0'><b>{esc(row.kind_label)}</b></p>"
            f"<p style='margin-top:4px; margin-bottom:6px'>{text}</p>"
            f"<p style='margin:0; {muted}'>{esc(' · '.join(tags))}</p>"
            f"<p style='margin:0; {muted}'>{esc(' · '.join(facts))}</p>"
        )

    def _activated(self, index: QModelIndex) -> None:
        if index.column() == LearningTableModel.BRIEFING_COLUMN and self.can_select:
            return  # a double-click on the check box toggles it; it does not open the audit
        self.open_selected()

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_audit.emit(row.audit_uuid)

    # -- briefings

    def toggle_briefing(self) -> None:
        index = self.table.selectionModel().currentIndex()
        row = self.selected()
        if row is not None:
            self._toggle_row(index.row(), not row.in_briefing)

    def _toggle_row(self, i: int, wanted: bool) -> LearningRow | None:
        row: LearningRow = self.model.rows[i]
        db, actor = self.db, self.actor
        saved = ops.Operation(
            self,
            lambda _task: learning.set_in_briefing(db, actor, row.uuid, wanted),
            title="Briefings",
        ).run()
        if saved is None:
            return None
        self.model.replace(i, saved)
        self._show_detail()
        self.status_message.emit(
            f"Learning point from case {saved.case_ref} "
            + ("may go into briefings" if saved.in_briefing else "left out of briefings")
        )
        self.changed.emit()
        return saved

    # -- export

    def export_to_excel(self, path: Path | None = None) -> None:
        """Ask where (unless `path` is given) and write the workbook in the background."""
        if self.exporting() or not self.actor.can("learning.export"):
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            name, _ = QFileDialog.getSaveFileName(
                self, "Export to Excel", "learning.xlsx", "Excel workbook (*.xlsx)"
            )
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        from audit_tool.services.learning_export import export_workbook

        flt = self.current_filter()
        shared = {
            "programme_key": flt.programme_key,
            "team_key": flt.team_key,
            "date_from": flt.date_from,
            "date_to": flt.date_to,
        }
        db, actor, target = self.db, self.actor, path
        self._export_path = target
        self._set_busy(True)
        self._export = (
            ops.Operation(
                self,
                lambda task: export_workbook(
                    db,
                    actor,
                    target,
                    learning=flt,
                    feedback=FeedbackFilter(
                        programme_key=flt.programme_key,
                        team_key=flt.team_key,
                        date_from=flt.date_from,
                        date_to=flt.date_to,
                    ),
                    actions_which="all",
                    action_kwargs=shared,
                    progress=task,
                ),
                title="Export failed",
            )
            .success(self._exported)
            .finally_(lambda: self._set_busy(False))
            .run_in_background()
        )

    def exporting(self) -> bool:
        return self._export is not None and self._export.is_running

    def cancel_export(self) -> None:
        if self._export is not None:
            self._export.cancel()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.busy, self.busy_label, self.cancel_export_button):
            widget.setVisible(busy)
        self.export_action.setEnabled(not busy)

    def _exported(self, counts: dict[str, int]) -> None:
        path = self._export_path
        parts = [
            plural(counts.get("Feedback", 0), "feedback conversation"),
            plural(counts.get("Learning points", 0), "learning point"),
            plural(counts.get("Actions", 0), "action"),
        ]
        self.status_message.emit(f"Exported to {path.name}: " + ", ".join(parts))
        self.exported.emit(str(path))
