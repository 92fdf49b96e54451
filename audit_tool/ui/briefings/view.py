"""The Briefings view itself: the list above the editor, its commands, saving and the names
check, export and publication."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QHideEvent, QKeySequence, QTextCursor, QTextListFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import briefings
from audit_tool.services.briefings import (
    DEFAULT_AUDIENCE,
    HEADINGS,
    SECTIONS,
    BriefingRow,
    BriefingView,
    DeliveryRow,
)
from audit_tool.store import Database
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import (
    AUTOSAVE_IDLE_MS,
    AUTOSAVE_MAX_MS,
    EMPTY_LEAD,
    EMPTY_READER,
    MAX_COLUMN_CHARS,
    MUTED_STYLE,
    OK_STYLE,
    OVER_STYLE,
    PUBLISH_TEXT,
    WORDS_PER_MINUTE,
    canonical,
    day_text,
    export_paths,
    file_stem,
    hits_text,
    local_day,
    plural,
    status_text,
    total_text,
)
from audit_tool.ui.briefings.dialogs import AllowDialog, RecordUseDialog
from audit_tool.ui.briefings.models import BriefingTableModel, DeliveryTableModel
from audit_tool.ui.briefings.new_dialog import NewBriefingDialog
from audit_tool.ui.briefings.sections import SectionBox, SectionEdit
from audit_tool.ui.errors import show_error
from audit_tool.ui.filters import ColumnFitter
from audit_tool.ui.forms import BANNER_STYLE, confirm, field_with_error


class BriefingsView(QWidget):
    status_message = Signal(str)
    changed = Signal()
    open_audit = Signal(str)
    exported = Signal(str)  # the PDF's path, once written

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("briefingsView")
        self.can_edit = actor.can("briefing.edit")
        self.can_publish = actor.can("briefing.publish")
        self.can_override = actor.can("briefing.override")
        self.current: BriefingView | None = None
        self.revision = 0
        self.editable = False
        self._dirty = False
        self._loading = False
        self._filling = False
        self._conflicted = False
        self._worker: Any = None
        self._export_path = Path()
        self._active_edit: SectionEdit | None = None
        self.hits: list[Any] = []

        # -- commands
        self.new_action = self._action(
            "&New briefing...", "Draft a briefing from moderated audits", "Ctrl+N", self.new
        )
        self.save_action = self._action(
            "&Save", "Save now (Ctrl+S); edits also save as you type", "Ctrl+S", self.save_now
        )
        self.check_action = self._action(
            "Check for &names...",
            "Look for case references, initials and people's names in the text",
            None,
            self.run_check,
        )
        self.export_action = self._action(
            "&Export PDF...", "Write the briefing as a PDF", "Ctrl+E", self.export_pdf
        )
        self.publish_action = self._action(
            "&Publish...", "Freeze this version's text and PDF for teams", None, self.publish
        )
        self.new_version_action = self._action(
            "New &version",
            "Make an editable copy of this published briefing",
            None,
            self.new_version,
        )
        self.record_action = self._action(
            "&Record use...", "Record a team's use of this briefing", None, self.record_use
        )
        self.allow_action = self._action(
            "&Allow...", "Let this detail stay in the briefing, with a reason", None, self.allow
        )
        self.bold_action = self._action("Bold", "Bold (Ctrl+B)", "Ctrl+B", self.toggle_bold)
        self.italic_action = self._action("Italic", "Italic (Ctrl+I)", "Ctrl+I", self.toggle_italic)
        self.bullet_action = self._action(
            "• Bullet list", "Bullet list (Ctrl+Shift+L)", "Ctrl+Shift+L", self.toggle_bullets
        )
        for action, name in (
            (self.new_action, "briefings_new"),
            (self.save_action, "briefings_save"),
            (self.check_action, "briefings_check"),
            (self.export_action, "briefings_export"),
            (self.publish_action, "briefings_publish"),
            (self.new_version_action, "briefings_newVersion"),
            (self.record_action, "briefings_recordUse"),
            (self.allow_action, "briefings_allow"),
            (self.bold_action, "briefings_bold"),
            (self.italic_action, "briefings_italic"),
            (self.bullet_action, "briefings_bullets"),
        ):
            action.setObjectName(name)
        bold_font, italic_font = QFont(), QFont()
        bold_font.setBold(True)
        italic_font.setItalic(True)
        self.bold_action.setFont(bold_font)
        self.italic_action.setFont(italic_font)
        for action in (self.bold_action, self.italic_action):
            action.setCheckable(True)
        for action in (
            self.new_action,
            self.save_action,
            self.check_action,
            self.new_version_action,
            self.record_action,
            self.bold_action,
            self.italic_action,
            self.bullet_action,
        ):
            action.setVisible(self.can_edit)
        self.publish_action.setVisible(self.can_publish)
        self.allow_action.setVisible(self.can_override)

        self.accessible_check = QCheckBox("with text-only versions")
        self.accessible_check.setObjectName("briefings_exportAccessible")
        self.accessible_check.setAccessibleName(
            "Also export the accessible text-only PDF and a text file"
        )
        self.accessible_check.setToolTip(
            "Also write the accessible text-only PDF (<name>-text.pdf) and a plain text file "
            "(<name>.txt) beside the PDF"
        )
        self.accessible_check.setChecked(self._setting("exportAccessible", True))

        # -- the list
        self.model = BriefingTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("briefings_table")
        self.table.setAccessibleName("Briefings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.columns = ColumnFitter(self.table, 0, cap=MAX_COLUMN_CHARS, share=0.35, fixed=(3,))
        self.table.setSortingEnabled(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())
        self.count = QLabel()
        self.count.setObjectName("briefings_count")
        themes.styled(self.count, MUTED_STYLE)

        self.empty = QLabel(EMPTY_LEAD if self.can_edit else EMPTY_READER)
        self.empty.setObjectName("briefings_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton("New briefing...")
        self.empty_button.setObjectName("briefings_emptyNew")
        self.empty_button.clicked.connect(self.new)
        self.empty_button.setVisible(self.can_edit)
        self.empty_box = QWidget()
        empty_layout = QVBoxLayout(self.empty_box)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)

        # -- the editor
        self.facts = QLabel()
        self.facts.setObjectName("briefings_facts")
        self.facts.setWordWrap(True)
        themes.styled(self.facts, MUTED_STYLE)
        self.banner = QLabel()
        self.banner.setObjectName("briefings_banner")
        self.banner.setWordWrap(True)
        themes.styled(self.banner, BANNER_STYLE)
        self.banner.hide()
        self.title = QLineEdit()
        title_box, self.title_error = field_with_error(self.title, "briefings_title", "Title")
        self.audience = QLineEdit()
        self.audience.setObjectName("briefings_audience")
        self.audience.setAccessibleName("Audience")
        self.audience.setPlaceholderText(DEFAULT_AUDIENCE)
        for edit in (self.title, self.audience):
            edit.textEdited.connect(lambda _t: self._changed())
        title_label, audience_label = QLabel("&Title"), QLabel("A&udience")
        title_label.setBuddy(self.title)
        audience_label.setBuddy(self.audience)
        fields = QHBoxLayout()  # one row: the sections need the height
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(title_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(title_box, 3, Qt.AlignmentFlag.AlignTop)
        fields.addSpacing(8)
        fields.addWidget(audience_label, 0, Qt.AlignmentFlag.AlignTop)
        fields.addWidget(self.audience, 2, Qt.AlignmentFlag.AlignTop)
        for label in (title_label, audience_label):
            label.setMinimumHeight(self.title.sizeHint().height())

        self.boxes: dict[str, SectionBox] = {}
        body = QWidget()
        body.setObjectName("briefings_sections")
        # Two columns, like the seven boxes of page one; "What to do" (the longest, with the
        # questions for reflection) takes the whole last row.
        body_layout = QGridLayout(body)
        body_layout.setContentsMargins(4, 4, 12, 4)
        body_layout.setHorizontalSpacing(16)
        body_layout.setVerticalSpacing(10)
        body_layout.setColumnStretch(0, 1)
        body_layout.setColumnStretch(1, 1)
        for number, (key, heading) in enumerate(SECTIONS, start=1):
            box = SectionBox(number, key, heading)
            box.edit.textChanged.connect(lambda b=box: self._section_changed(b))
            box.edit.focused.connect(lambda b=box: self._focused(b.edit))
            box.edit.cursorPositionChanged.connect(lambda b=box: self._follow_cursor(b.edit))
            box.edit.currentCharFormatChanged.connect(lambda _f: self._sync_format())
            box.redraft_button.clicked.connect(lambda _c=False, k=key: self.redraft(k))
            box.redraft_button.setVisible(self.can_edit)
            row, column = divmod(number - 1, 2)
            span = 2 if number == len(SECTIONS) and column == 0 else 1
            body_layout.addWidget(box, row, column, 1, span, Qt.AlignmentFlag.AlignTop)
            self.boxes[key] = box
        body_layout.setRowStretch(body_layout.rowCount(), 1)
        self.sections_body = body
        self.sections_scroll = QScrollArea()
        self.sections_scroll.setObjectName("briefings_scroll")
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_scroll.setWidget(body)

        self.format_bar = QToolBar()
        self.format_bar.setObjectName("briefings_formatBar")
        self.format_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.bold_action, self.italic_action, self.bullet_action):
            self.format_bar.addAction(action)
        self.format_bar.setVisible(self.can_edit)
        self.total = QLabel()
        self.total.setObjectName("briefings_total")
        self.total.setToolTip(
            f"At about {WORDS_PER_MINUTE} words a minute, a steady pace for presenting; the "
            "rest of the seven minutes is for the team's questions"
        )
        # Beside the tabs, so the sections keep the height.
        self.text_corner = QWidget()
        format_row = QHBoxLayout(self.text_corner)
        format_row.setContentsMargins(0, 0, 0, 0)
        format_row.addWidget(self.format_bar)
        format_row.addSpacing(12)
        format_row.addWidget(self.total)
        text_tab = QWidget()
        text_layout = QVBoxLayout(text_tab)
        text_layout.setContentsMargins(0, 4, 0, 0)
        text_layout.addWidget(self.sections_scroll, 1)

        # the names check
        self.check_summary = QLabel()
        self.check_summary.setObjectName("briefings_checkSummary")
        self.check_summary.setWordWrap(True)
        self.hits_list = QListWidget()
        self.hits_list.setObjectName("briefings_hits")
        self.hits_list.setAccessibleName("Identifying details found")
        self.hits_list.currentRowChanged.connect(lambda _r: self._update_actions())
        self.hits_list.itemActivated.connect(lambda _i: self.allow())
        self.overrides_list = QListWidget()
        self.overrides_list.setObjectName("briefings_overrides")
        self.overrides_list.setAccessibleName("Details a lead allowed")
        check_again = QPushButton("Check &again")
        check_again.setObjectName("briefings_checkAgain")
        check_again.clicked.connect(self.run_check)
        self.check_again = check_again
        allow_button = QToolButton()
        allow_button.setDefaultAction(self.allow_action)
        allow_button.setObjectName("briefings_allowButton")
        hits_buttons = QHBoxLayout()
        hits_buttons.addWidget(check_again)
        hits_buttons.addWidget(allow_button)
        hits_buttons.addStretch(1)
        explain = QLabel(
            "No child or person may be named in a briefing. The check looks for case "
            "references, the initials of the briefing's cases and the names of people held in "
            "the app. Remove what it finds from the text; a QA lead may allow a detail that "
            "names no one (a team named after a place, say), with a reason."
        )
        explain.setWordWrap(True)
        themes.styled(explain, MUTED_STYLE)
        allowed_label = QLabel("Allowed by a lead")
        allowed_label.setBuddy(self.overrides_list)
        names_tab = QWidget()
        names_layout = QVBoxLayout(names_tab)
        names_layout.addWidget(explain)
        names_layout.addWidget(self.check_summary)
        names_layout.addWidget(self.hits_list, 2)
        names_layout.addLayout(hits_buttons)
        names_layout.addWidget(allowed_label)
        names_layout.addWidget(self.overrides_list, 1)
        self.names_tab = names_tab

        # where it was used
        self.use_intro = QLabel()
        self.use_intro.setObjectName("briefings_useIntro")
        self.use_intro.setWordWrap(True)
        themes.styled(self.use_intro, MUTED_STYLE)
        self.delivery_model = DeliveryTableModel(self)
        self.deliveries = QTableView()
        self.deliveries.setObjectName("briefings_deliveries")
        self.deliveries.setAccessibleName("Where the briefing was used")
        self.deliveries.setModel(self.delivery_model)
        self.deliveries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.deliveries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.deliveries.setAlternatingRowColors(True)
        self.deliveries.setWordWrap(False)
        self.deliveries.verticalHeader().setVisible(False)
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        record_button = QToolButton()
        record_button.setDefaultAction(self.record_action)
        record_button.setObjectName("briefings_recordButton")
        use_buttons = QHBoxLayout()
        use_buttons.addWidget(record_button)
        use_buttons.addStretch(1)
        use_tab = QWidget()
        use_layout = QVBoxLayout(use_tab)
        use_layout.addWidget(self.use_intro)
        use_layout.addWidget(self.deliveries, 1)
        use_layout.addLayout(use_buttons)
        self.use_tab = use_tab

        self.tabs = QTabWidget()
        self.tabs.setObjectName("briefings_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(text_tab, "Te&xt")
        self.text_tab = text_tab
        if self.can_edit:
            self.tabs.addTab(names_tab, "Names &check")
        self.tabs.addTab(use_tab, "&Where it was used")
        self.tabs.setCornerWidget(self.text_corner, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(
            lambda _i: self.text_corner.setVisible(self.tabs.currentWidget() is self.text_tab)
        )

        self.save_status = QLabel()
        self.save_status.setObjectName("briefings_saveStatus")
        themes.styled(self.save_status, MUTED_STYLE)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("briefings_busyLabel")
        self.busy_label.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("briefings_progress")
        self.busy.setAccessibleName("Progress")
        self.busy.setMaximumWidth(180)
        self.busy.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_status, 1)
        bottom.addWidget(self.busy_label)
        bottom.addWidget(self.busy)

        self.editor = QWidget()
        self.editor.setObjectName("briefings_editor")
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.setContentsMargins(0, 4, 0, 0)
        editor_layout.addWidget(self.facts)
        editor_layout.addWidget(self.banner)
        editor_layout.addLayout(fields)
        editor_layout.addWidget(self.tabs, 1)
        editor_layout.addLayout(bottom)
        self.placeholder = QLabel("Choose a briefing in the list to read it.")
        self.placeholder.setObjectName("briefings_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        themes.styled(self.placeholder, MUTED_STYLE)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.placeholder, 1)

        # The list above the editor: a partnership has a handful of briefings a year, and the
        # list's columns and the sections both want the full width.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(2)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        rows = self.table.verticalHeader().defaultSectionSize()
        left.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * rows + 24)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("briefings_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(
            [self.table.horizontalHeader().sizeHint().height() + 5 * rows + 30, 560]
        )
        state = self._setting("splitter", None)
        if state is not None:
            self.splitter.restoreState(state)

        # -- layout
        view_title = QLabel("Briefings")
        view_title.setObjectName("viewTitle")
        font = view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        view_title.setFont(font)
        toolbar = QToolBar()
        toolbar.setObjectName("briefings_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.save_action)
        toolbar.addSeparator()
        toolbar.addAction(self.check_action)
        toolbar.addAction(self.export_action)
        toolbar.addWidget(self.accessible_check)
        toolbar.addSeparator()
        toolbar.addAction(self.publish_action)
        toolbar.addAction(self.new_version_action)
        self.toolbar = toolbar
        # Keyboard users reach every command: the toolbars' buttons take Tab focus, and the
        # list's context menu (Menu key, Shift+F10) holds the commands too.
        for bar in (toolbar, self.format_bar):
            for action in bar.actions():
                button = bar.widgetForAction(action)
                if isinstance(button, QToolButton):
                    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            self.new_action,
            self.check_action,
            self.export_action,
            self.publish_action,
            self.new_version_action,
            self.record_action,
        ):
            self.table.addAction(action)
        top = QHBoxLayout()
        top.addWidget(view_title)
        top.addStretch(1)
        top.addWidget(toolbar)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty_box, 1)

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(AUTOSAVE_IDLE_MS)
        self._idle.timeout.connect(self.save)
        self._cap = QTimer(self)
        self._cap.setSingleShot(True)
        self._cap.setInterval(AUTOSAVE_MAX_MS)
        self._cap.timeout.connect(self.save)
        self.accessible_check.toggled.connect(lambda on: self._store("exportAccessible", on))
        self.refresh()

    def _action(self, text: str, tip: str, shortcut: str | None, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def button_for(self, action: QAction) -> QWidget:
        """The toolbar button of a command (for tests and tools)."""
        widget = self.toolbar.widgetForAction(action)
        assert widget is not None
        return widget

    @staticmethod
    def _setting(key: str, default: Any) -> Any:
        from audit_tool.ui.settings import app_settings

        value = app_settings().value(f"briefings/{key}", default)
        if isinstance(default, bool) and isinstance(value, str):
            return value.lower() == "true"
        return value

    @staticmethod
    def _store(key: str, value: Any) -> None:
        from audit_tool.ui.settings import app_settings

        app_settings().setValue(f"briefings/{key}", value)

    # -- the list

    def refresh(self) -> None:
        """Reload the list; the open briefing reloads too unless it has unsaved edits."""
        self.save()
        keep = self.current.uuid if self.current is not None else None
        try:
            rows = briefings.list_briefings(self.db, self.actor)
        except AuditToolError as exc:
            show_error(self, "Briefings", exc)
            return
        self._set_rows(rows, keep)

    def _set_rows(self, rows: list[BriefingRow], keep: str | None) -> None:
        self._filling = True
        try:
            self.model.set_rows(rows)
            header = self.table.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            self.columns.measure()
            uuids = [r.uuid for r in self.model.rows]
            if keep in uuids:
                self.table.selectRow(uuids.index(keep))
            elif rows:
                self.table.selectRow(0)
        finally:
            self._filling = False
        self.splitter.setVisible(bool(rows))
        self.empty_box.setVisible(not rows)
        drafts = sum(1 for r in rows if r.status == "draft")
        text = plural(len(rows), "briefing")
        if self.can_edit and rows:
            text += f": {plural(drafts, 'draft')}, {len(rows) - drafts:,} published"
        self.count.setText(text)
        row = self.selected()
        if row is None:
            self._show(None)
        elif self.current is None or row.uuid != self.current.uuid:
            self.open_briefing(row.uuid)
        elif not self._dirty:
            self._reload_if_changed()

    def selected(self) -> BriefingRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: BriefingRow = self.model.rows[index.row()]
        return row

    def _select_uuid(self, uuid: str) -> None:
        uuids = [r.uuid for r in self.model.rows]
        if uuid in uuids:
            self._filling = True
            self.table.selectRow(uuids.index(uuid))
            self._filling = False

    def _selected(self) -> None:
        if self._filling:
            return
        row = self.selected()
        if row is None or (self.current is not None and row.uuid == self.current.uuid):
            return
        if not self.save():
            if self.current is not None:  # stay with the unsaved briefing
                self._select_uuid(self.current.uuid)
            return
        self.open_briefing(row.uuid)

    def _replace_row(self, view: BriefingView) -> None:
        for i, row in enumerate(self.model.rows):
            if row.uuid == view.uuid:
                self.model.rows[i] = view.row
                self.model.dataChanged.emit(
                    self.model.index(i, 0), self.model.index(i, self.model.columnCount() - 1)
                )

    # -- showing a briefing

    def open_briefing(self, uuid: str) -> None:
        try:
            view = briefings.get_briefing(self.db, self.actor, uuid)
        except AuditToolError as exc:
            show_error(self, "Briefing", exc)
            return
        self._select_uuid(uuid)
        self._show(view)

    def _reload_if_changed(self) -> None:
        if self.current is None:
            return
        try:
            view = briefings.get_briefing(self.db, self.actor, self.current.uuid)
        except AuditToolError:
            return
        if view.revision != self.revision:
            self._show(view)

    def _show(self, view: BriefingView | None) -> None:
        self._idle.stop()
        self._cap.stop()
        self.current = view
        self._dirty = False
        self._conflicted = False
        self.hits = []
        self.editor.setVisible(view is not None)
        self.placeholder.setVisible(view is None)
        if view is None:
            self._update_actions()
            return
        self._loading = True
        try:
            self.revision = view.revision
            self.title.setText(view.row.title)
            self.audience.setText(view.audience)
            for edit in (self.title, self.audience):
                edit.setCursorPosition(0)  # show the start of a long title, not its end
            for key, box in self.boxes.items():
                box.edit.setMarkdown(view.sections.get(key, ""))
                box.edit.document().setModified(False)
                box.edit.document().clearUndoRedoStacks()
        finally:
            self._loading = False
        self.editable = self.can_edit and not view.published
        for box in self.boxes.values():
            box.edit.setReadOnly(not self.editable)
            box.redraft_button.setEnabled(self.editable)
        self.title.setReadOnly(not self.editable)
        self.audience.setReadOnly(not self.editable)
        self.title_error.hide()
        self._show_facts()
        self._update_counts()
        self._show_overrides()
        self.hits_list.clear()
        self.check_summary.setText(
            "Not checked since opening: Check for names... looks now."
            if self.editable
            else "Published: the text was checked before it was frozen."
        )
        themes.styled(self.check_summary, MUTED_STYLE)
        self._show_deliveries()
        if view.published:
            self.save_status.setText("Published: read only")
        elif not self.can_edit:
            self.save_status.setText("Read only")
        else:
            self.save_status.setText(f"Last saved {self._when(view.row.updated_at)}")
        self._update_actions()

    @staticmethod
    def _when(moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone()
        if local.date() == date.today():
            return f"at {local:%H:%M}"
        return f"on {day_text(local.date())}"

    def _show_facts(self) -> None:
        view = self.current
        if view is None:
            return
        row = view.row
        parts = [status_text(row), row.source, f"drafted from {plural(row.audits, 'final audit')}"]
        if row.author_name:
            parts.append(f"by {row.author_name}")
        self.facts.setText("  ·  ".join(parts))
        if view.published and row.published_at is not None:
            text = f"Published on {day_text(local_day(row.published_at))}, version {row.version}"
            if self.can_edit:
                text += ": frozen. New version... makes an editable copy."
            else:
                text += "."
            self.banner.setText(text)
            self.banner.show()
        elif not row.audits and self.can_edit:
            self.banner.setText(
                "No final audits yet: the sections hold placeholders. Redraft them from the "
                "audits once audits are moderated."
            )
            self.banner.show()
        else:
            self.banner.hide()

    def _show_overrides(self) -> None:
        self.overrides_list.clear()
        if self.current is None:
            return
        for o in self.current.overrides:
            self.overrides_list.addItem(f"{o.kind} '{o.text}': {o.reason} ({o.by}, {o.at[:10]})")
        if not self.current.overrides:
            item = QListWidgetItem("None")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.overrides_list.addItem(item)

    def _show_deliveries(self) -> None:
        view = self.current
        rows: list[DeliveryRow] = []
        if view is not None:
            try:
                rows = briefings.deliveries(self.db, self.actor, view.uuid)
            except AuditToolError as exc:
                self.use_intro.setText(str(exc))
        self.delivery_model.set_rows(rows)
        self.deliveries.resizeColumnsToContents()
        self.deliveries.horizontalHeader().setStretchLastSection(True)
        if view is None:
            return
        if not view.published:
            self.use_intro.setText(
                "Teams record their use of a published briefing: publish this one first."
            )
        elif rows:
            people = sum(r.attendees for r in rows)
            self.use_intro.setText(
                f"Used by {plural(len(rows), 'team')}, {plural(people, 'attendee')} in all."
            )
        else:
            self.use_intro.setText(
                "Not recorded as used yet. When a team returns the action-plan page, record "
                "their use here."
            )

    def _update_counts(self) -> None:
        total = sum(box.update_count() for box in self.boxes.values())
        self.total.setText(total_text(total))

    def _update_actions(self) -> None:
        view = self.current
        busy = self._worker is not None
        draft = view is not None and not view.published
        published = view is not None and view.published
        self.save_action.setEnabled(self.editable and view is not None)
        self.check_action.setEnabled(draft and not busy)
        self.check_again.setEnabled(draft and not busy)
        self.export_action.setEnabled(view is not None and not busy)
        self.publish_action.setEnabled(draft and not busy)
        self.new_version_action.setEnabled(published and not busy)
        self.record_action.setEnabled(published)
        self.allow_action.setEnabled(draft and self.hits_list.currentRow() >= 0 and bool(self.hits))
        for action in (self.bold_action, self.italic_action, self.bullet_action):
            action.setEnabled(self.editable and view is not None)

    # -- editing

    def _changed(self) -> None:
        if self._loading or not self.editable:
            return
        self._dirty = True
        self.save_status.setText("Unsaved changes")
        if not self._conflicted:
            self._idle.start()
            if not self._cap.isActive():
                self._cap.start()

    def _section_changed(self, box: SectionBox) -> None:
        box.update_count()
        self.total.setText(total_text(sum(b.words for b in self.boxes.values())))
        self._changed()

    def _focused(self, edit: SectionEdit) -> None:
        self._active_edit = edit
        self._sync_format()

    def _follow_cursor(self, edit: SectionEdit) -> None:
        """Keep the cursor in view as the page scrolls, not the (growing) box."""
        if not edit.hasFocus():
            return
        rect = edit.cursorRect()
        point = edit.viewport().mapTo(self.sections_body, rect.center())
        self.sections_scroll.ensureVisible(point.x(), point.y(), 20, rect.height() + 8)

    def _format_target(self) -> SectionEdit | None:
        if not self.editable:
            return None
        focus = QApplication.focusWidget()
        if isinstance(focus, SectionEdit):
            return focus
        if isinstance(focus, QLineEdit | QPlainTextEdit):
            return None  # Ctrl+B in the title box is not meant for a section
        return self._active_edit

    def _sync_format(self) -> None:
        edit = self._active_edit
        if edit is None:
            return
        fmt = edit.currentCharFormat()
        weight = fmt.fontWeight()
        self.bold_action.setChecked(int(getattr(weight, "value", weight)) > 500)
        self.italic_action.setChecked(fmt.fontItalic())

    def toggle_bold(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        weight = edit.currentCharFormat().fontWeight()
        bold = int(getattr(weight, "value", weight)) > 500
        edit.setFontWeight(QFont.Weight.Normal if bold else QFont.Weight.Bold)
        edit.setFocus()
        self._sync_format()

    def toggle_italic(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        edit.setFontItalic(not edit.currentCharFormat().fontItalic())
        edit.setFocus()
        self._sync_format()

    def toggle_bullets(self) -> None:
        edit = self._format_target()
        if edit is None:
            return
        cursor = edit.textCursor()
        cursor.beginEditBlock()
        if cursor.currentList() is not None:
            doc = edit.document()
            block = doc.findBlock(cursor.selectionStart())
            end = cursor.selectionEnd()
            while block.isValid() and block.position() <= end:
                text_list = block.textList()
                if text_list is not None:
                    text_list.remove(block)
                    fmt = block.blockFormat()
                    fmt.setIndent(0)
                    QTextCursor(block).setBlockFormat(fmt)
                block = block.next()
        else:
            cursor.createList(QTextListFormat.Style.ListDisc)
        cursor.endEditBlock()
        edit.setFocus()

    def _edited_since_draft(self, key: str) -> bool:
        drafted = self.current.drafted.get(key) if self.current is not None else None
        if drafted is None:
            return True  # drafted before the app kept the draft: ask, to be safe
        return canonical(self.boxes[key].edit.markdown()) != canonical(drafted)

    # -- saving

    def save_now(self) -> None:
        if self.save(explicit=True) and self.editable:
            self.status_message.emit("Briefing saved")

    def save(self, *, explicit: bool = False) -> bool:
        """Save the edits if there are any (or when asked). False when they were not saved."""
        self._idle.stop()
        self._cap.stop()
        view = self.current
        if view is None or not self.editable:
            return True
        if not self._dirty and not explicit:
            return True
        if self._conflicted and not explicit:
            return False
        sections = {
            key: box.edit.markdown()
            for key, box in self.boxes.items()
            if box.edit.document().isModified()
        }
        try:
            saved = briefings.save_briefing(
                self.db,
                self.actor,
                view.uuid,
                title=self.title.text(),
                audience=self.audience.text(),
                sections=sections,
                expected_revision=self.revision,
            )
        except ValidationError as exc:
            message = exc.fields.get("title", str(exc))
            self.title_error.setText(message)
            self.title_error.show()
            self.save_status.setText(f"Not saved: {message}")
            if explicit:
                self.title.setFocus()
            return False
        except ConflictError as exc:
            self._conflict(exc)
            return False
        except AuditToolError as exc:
            self.save_status.setText("Not saved")
            show_error(self, "Briefing not saved", exc)
            return False
        self._saved(saved)
        return True

    def _saved(self, view: BriefingView) -> None:
        self.current = view
        self.revision = view.revision
        self._dirty = False
        self._conflicted = False
        for box in self.boxes.values():
            box.edit.document().setModified(False)
        self.title_error.hide()
        self.save_status.setText(f"Saved at {datetime.now():%H:%M:%S}")
        self._replace_row(view)
        self._show_facts()

    def _conflict(self, exc: ConflictError) -> None:
        """Someone else saved this briefing since it was opened: say who, offer to reload."""
        self._conflicted = True
        self._idle.stop()
        self._cap.stop()
        self.save_status.setText("Not saved: the briefing was changed elsewhere")
        who = ""
        if self.current is not None and self.actor.can("changelog.view"):
            from audit_tool.services import changelog

            try:
                entries = changelog.entries(
                    self.db, self.actor, entity="briefing", entity_uuid=self.current.uuid, limit=1
                )
            except AuditToolError:
                entries = []
            if entries:
                last = entries[0]
                who = (
                    f"\n\nLast change: {last.summary}, by {last.actor_name} {self._when(last.at)}."
                )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Briefing changed elsewhere",
            f"{exc}{who}\n\nReload it to see the saved version (your changes here since your "
            "last save are lost), or keep your text on screen to copy it first.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("briefings_conflict")
        reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        reload.setObjectName("briefings_conflictReload")
        keep = box.addButton("&Keep my text", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("briefings_conflictKeep")
        box.setDefaultButton(reload)
        box.exec()
        if box.clickedButton() is reload and self.current is not None:
            self._dirty = False
            self.refresh_current()
            self.status_message.emit("Briefing reloaded")

    def refresh_current(self) -> None:
        """Load the open briefing again as saved, dropping unsaved edits."""
        if self.current is not None:
            self._dirty = False
            self.open_briefing(self.current.uuid)
            if self.current is not None:
                self._replace_row(self.current)

    # -- commands

    def new(self) -> None:
        if not self.can_edit or not self.save():
            return
        try:
            dialog = NewBriefingDialog(self.db, self.actor, self)
        except AuditToolError as exc:
            show_error(self, "New briefing", exc)
            return
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
            return
        view = dialog.created
        self._after_create(view)
        self.status_message.emit(
            f"Drafted '{view.row.title}' from {plural(view.row.audits, 'final audit')}"
        )

    def _after_create(self, view: BriefingView) -> None:
        self.current = None
        try:
            rows = briefings.list_briefings(self.db, self.actor)
        except AuditToolError as exc:
            show_error(self, "Briefings", exc)
            return
        self._set_rows(rows, view.uuid)
        self.tabs.setCurrentWidget(self.text_tab)
        self.changed.emit()

    def redraft(self, key: str) -> None:
        view = self.current
        if view is None or not self.editable:
            return
        heading = HEADINGS[key]
        if self._edited_since_draft(key) and not confirm(
            self,
            "Redraft from audits",
            f"Replace your text for '{heading}' with a fresh draft from the audits?",
        ):
            return
        if not self.save():
            return
        try:
            fresh = briefings.redraft_section(
                self.db, self.actor, view.uuid, key, expected_revision=self.revision
            )
        except ConflictError as exc:
            self._conflict(exc)
            return
        except AuditToolError as exc:
            show_error(self, "Section not redrafted", exc)
            return
        box = self.boxes[key]
        self._loading = True
        try:
            box.edit.setMarkdown(fresh.sections[key])
            box.edit.document().setModified(False)
        finally:
            self._loading = False
        self._saved(fresh)
        self._update_counts()
        self.status_message.emit(f"'{heading}' drafted again from the audits")

    def run_check(self) -> None:
        view = self.current
        if view is None or not self.can_edit or view.published or not self.save():
            return
        try:
            hits = briefings.check(self.db, self.actor, view.uuid)
        except AuditToolError as exc:
            show_error(self, "Check for names", exc)
            return
        self._show_hits(hits)
        self.tabs.setCurrentWidget(self.names_tab)
        self.status_message.emit(self.check_summary.text())

    def _show_hits(self, hits: list[Any]) -> None:
        self.hits = list(hits)
        self.hits_list.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.kind[:1].upper()}{hit.kind[1:]}: '{hit.text}'")
            item.setToolTip("Remove it from the text, or allow it with a reason")
            self.hits_list.addItem(item)
        if hits:
            self.check_summary.setText(
                f"{plural(len(hits), 'identifying detail')} found: remove "
                f"{'it' if len(hits) == 1 else 'them'} from the text"
                + (", or allow one with a reason." if self.can_override else ".")
            )
            themes.styled(self.check_summary, OVER_STYLE)
            self.hits_list.setCurrentRow(0)
        else:
            self.check_summary.setText("No case references, initials or names found.")
            themes.styled(self.check_summary, OK_STYLE)
        self._update_actions()

    def allow(self) -> None:
        view = self.current
        row = self.hits_list.currentRow()
        if view is None or not self.can_override or not 0 <= row < len(self.hits):
            return
        if not self.save():
            return
        hit = self.hits[row]
        dialog = AllowDialog(self.db, self.actor, view.uuid, hit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_view is None:
            return
        allowed = dialog.result_view
        self.current, self.revision = allowed, allowed.revision
        self._show_overrides()
        self.status_message.emit(f"{hit.kind.capitalize()} '{hit.text}' allowed in the briefing")
        self.run_check()

    def export_pdf(self, path: Path | None = None) -> None:
        """Ask where (unless `path` is given) and write the PDF in the background."""
        view = self.current
        if view is None or self._worker is not None or not self.save():
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            folder = Path(str(self._setting("exportDir", str(Path.home()))))
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Export briefing as PDF",
                str(folder / f"{file_stem(view.row.title)}.pdf"),
                "PDF document (*.pdf)",
            )
            if not name:
                return
            path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._store("exportDir", str(path.parent))
        text_pdf, text = export_paths(path) if self.accessible_check.isChecked() else (None, None)
        db, actor, uuid = self.db, self.actor, view.uuid

        def work(report: Any) -> object:
            return briefings.export_briefing(
                db,
                actor,
                uuid,
                path,
                accessible_pdf_path=text_pdf,
                text_path=text,
                progress=report,
            )

        self._export_path = path
        self._start(work, "Exporting PDF...", self._exported, self._export_failed)

    def _start(self, fn: Any, label: str, done: Any, failed: Any) -> None:
        from audit_tool.ui.workers import Worker

        worker = Worker(fn)
        self._worker = worker
        # Bound methods of this widget: the results are handled in the GUI thread.
        worker.signals.progress.connect(self._progress)
        worker.signals.finished.connect(done)
        worker.signals.failed.connect(failed)
        self.busy_label.setText(label)
        self.busy.setRange(0, 0)
        self.busy.show()
        self.busy_label.show()
        self._update_actions()
        worker.start()

    def _progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def _finish(self) -> None:
        self._worker = None
        self.busy.hide()
        self.busy_label.hide()
        self._update_actions()

    def _exported(self, result: object) -> None:
        self._finish()
        path = self._export_path
        extra = getattr(result, "accessible_pdf", None)
        text = f"Exported {path.name}"
        if extra is not None:
            text += f", with {extra.name} and {path.stem}.txt beside it"
        self.status_message.emit(text)
        self.exported.emit(str(path))

    def _export_failed(self, exc: object) -> None:
        self._finish()
        self._refused("Briefing not exported", exc)

    def _refused(self, title: str, exc: object) -> None:
        """A refusal for identifying details lists them and offers the check; else the error."""
        if not (isinstance(exc, ValidationError) and "hits" in exc.fields):
            show_error(self, title, exc if isinstance(exc, BaseException) else str(exc))
            return
        hits: list[Any] = []
        if self.current is not None and self.can_edit:
            try:
                hits = briefings.check(self.db, self.actor, self.current.uuid)
            except AuditToolError:
                hits = []
        listed = hits_text(hits) if hits else exc.fields["hits"]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            "The briefing names a child or a person, so it cannot leave the app yet:\n\n"
            f"{listed}\n\nRemove these from the text"
            + (", or a QA lead may allow one with a reason." if self.can_override else "."),
            QMessageBox.StandardButton.Close,
            self,
        )
        box.setObjectName("briefings_refused")
        open_check = None
        if self.can_edit:
            open_check = box.addButton("Open the &check", QMessageBox.ButtonRole.ActionRole)
            open_check.setObjectName("briefings_openCheck")
            box.setDefaultButton(open_check)
        box.exec()
        if open_check is not None and box.clickedButton() is open_check:
            self.run_check()

    def publish(self) -> None:
        view = self.current
        if view is None or view.published or not self.can_publish or self._worker is not None:
            return
        if not self.save():
            return
        if not confirm(self, "Publish briefing", PUBLISH_TEXT.format(title=view.row.title)):
            return
        db, actor, uuid, revision = self.db, self.actor, view.uuid, self.revision

        def work(_report: Any) -> object:
            return briefings.publish(db, actor, uuid, expected_revision=revision)

        self._start(work, "Publishing...", self._published, self._publish_failed)

    def _published(self, result: object) -> None:
        self._finish()
        assert isinstance(result, BriefingView)
        self._after_create(result)
        self.status_message.emit(
            f"Published '{result.row.title}', version {result.row.version}: frozen"
        )

    def _publish_failed(self, exc: object) -> None:
        self._finish()
        if isinstance(exc, ConflictError):
            self._conflict(exc)
            return
        self._refused("Briefing not published", exc)

    def new_version(self) -> None:
        view = self.current
        if view is None or not view.published or not self.can_edit:
            return
        try:
            draft = briefings.new_version(self.db, self.actor, view.uuid)
        except AuditToolError as exc:
            show_error(self, "New version", exc)
            return
        self._after_create(draft)
        self.status_message.emit(
            f"Version {draft.row.version} of '{draft.row.title}' started: an editable copy"
        )

    def record_use(self) -> None:
        view = self.current
        if view is None or not view.published or not self.can_edit:
            return
        dialog = RecordUseDialog(self.db, self.actor, view.uuid, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.recorded is None:
            return
        self._show_deliveries()
        self.tabs.setCurrentWidget(self.use_tab)
        self.status_message.emit(f"Recorded: used by {dialog.recorded.team_name}")
        self.changed.emit()

    # -- leaving

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self.save()
        self._store("splitter", self.splitter.saveState())
        super().hideEvent(event)
