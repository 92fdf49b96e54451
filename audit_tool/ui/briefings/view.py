"""The Briefings view itself: the list of briefings above the open one, the commands, and what
is shown as a briefing is chosen, saved or changed. The parts live beside it in this package."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingRow, BriefingView
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings import drafting
from audit_tool.ui.briefings.actions import Commands
from audit_tool.ui.briefings.common import (
    MUTED_STYLE,
    plural,
    setting,
    store_setting,
    total_text,
    when_text,
)
from audit_tool.ui.briefings.editor import BriefingEditor
from audit_tool.ui.briefings.export_publish import ExportPublish, accessible_option
from audit_tool.ui.briefings.formatting import TextFormat
from audit_tool.ui.briefings.list_panel import BriefingList, EmptyState
from audit_tool.ui.briefings.names_check import NamesCheck
from audit_tool.ui.briefings.saving import Saving
from audit_tool.ui.briefings.sections import SectionBox


class BriefingsView(QWidget):
    """The Briefings view (what it offers is told in the package's docstring). It holds the open
    briefing and its state; its parts show it, and its commands act on it."""

    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({ops.BRIEFINGS, ops.LEARNING})

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
        self.loading = False  # the editor is being filled: no edits to save
        self.saving = Saving(self)
        self.names_check = NamesCheck(self)
        self.text_format = TextFormat(self)
        self.export_publish = ExportPublish(self)
        self.commands = Commands(self)
        self._name_commands()
        self.accessible_check = accessible_option()
        self.list_panel = BriefingList()
        self.empty_state = EmptyState(self.can_edit, lambda: drafting.new_briefing(self))
        self.editor = BriefingEditor(
            self.can_edit,
            (self.bold_action, self.italic_action, self.bullet_action),
            self.allow_action,
            self.record_action,
            (self.export_publish.busy_label, self.export_publish.busy),
        )
        self._name_parts()
        self._connect_parts()
        self._build_layout()
        self.accessible_check.toggled.connect(lambda on: store_setting("exportAccessible", on))
        self.refresh()

    # -- building

    def _name_commands(self) -> None:
        """The commands by their names on the view, as the toolbars and the tests know them."""
        cmd = self.commands
        self.new_action, self.save_action = cmd.new_action, cmd.save_action
        self.check_action, self.export_action = cmd.check_action, cmd.export_action
        self.publish_action, self.new_version_action = cmd.publish_action, cmd.new_version_action
        self.record_action, self.allow_action = cmd.record_action, cmd.allow_action
        self.bold_action, self.italic_action = cmd.bold_action, cmd.italic_action
        self.bullet_action = cmd.bullet_action

    def _name_parts(self) -> None:
        """Short names for the parts' widgets that the view's code (and its tests) use."""
        lst, empty, editor = self.list_panel, self.empty_state, self.editor
        self.model, self.table, self.count = lst.model, lst.table, lst.count
        self.empty, self.empty_button = empty.empty, empty.empty_button
        self.title, self.audience = editor.title, editor.audience
        self.title_error = editor.title_error
        self.banner, self.save_status, self.tabs = editor.banner, editor.save_status, editor.tabs
        self.text_tab, self.names_tab = editor.text_tab, editor.names_tab
        self.use_tab = editor.use_tab
        self.boxes = editor.text_tab.boxes
        self.format_bar, self.total = editor.text_corner.format_bar, editor.text_corner.total
        self.check_summary = editor.names_tab.check_summary
        self.hits_list = editor.names_tab.hits_list
        self.overrides_list = editor.names_tab.overrides_list
        self.use_intro = editor.use_tab.use_intro
        self.delivery_model = editor.use_tab.delivery_model
        self.busy, self.busy_label = self.export_publish.busy, self.export_publish.busy_label

    def _connect_parts(self) -> None:
        self.list_panel.picked.connect(self._selected)
        for edit in (self.title, self.audience):
            edit.textEdited.connect(lambda _t: self.saving.changed())
        for key, box in self.boxes.items():
            box.edit.textChanged.connect(lambda b=box: self._section_changed(b))
            box.edit.focused.connect(lambda b=box: self.text_format.focused(b.edit))
            box.edit.cursorPositionChanged.connect(
                lambda b=box: self.editor.text_tab.follow_cursor(b.edit)
            )
            box.edit.currentCharFormatChanged.connect(lambda _f: self.text_format.sync())
            box.redraft_button.clicked.connect(lambda _c=False, k=key: drafting.redraft(self, k))
        names = self.names_tab
        names.hits_list.currentRowChanged.connect(lambda _r: self.update_actions())
        names.hits_list.itemActivated.connect(lambda _i: self.names_check.allow())
        names.check_again.clicked.connect(lambda _c=False: self.names_check.run())

    def _build_toolbar(self) -> QToolBar:
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
        return toolbar

    def _build_splitter(self) -> QSplitter:
        """The list above the editor: a partnership has a handful of briefings a year, and the
        list's columns and the sections both want the full width."""
        self.placeholder = QLabel("Choose a briefing in the list to read it.")
        self.placeholder.setObjectName("briefings_placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        themes.styled(self.placeholder, MUTED_STYLE)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.editor, 1)
        right_layout.addWidget(self.placeholder, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("briefings_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list_panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        rows = self.list_panel.row_height()
        splitter.setSizes([self.table.horizontalHeader().sizeHint().height() + 5 * rows + 30, 560])
        state = setting("splitter", None)
        if state is not None:
            splitter.restoreState(state)
        return splitter

    def _build_layout(self) -> None:
        self.splitter = self._build_splitter()
        view_title = QLabel("Briefings")
        view_title.setObjectName("viewTitle")
        font = view_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        view_title.setFont(font)
        self.toolbar = self._build_toolbar()
        top = QHBoxLayout()
        top.addWidget(view_title)
        top.addStretch(1)
        top.addWidget(self.toolbar)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty_state, 1)

    def button_for(self, action: QAction) -> QWidget:
        """The toolbar button of a command (for tests and tools)."""
        widget = self.toolbar.widgetForAction(action)
        assert widget is not None
        return widget

    # -- the list

    def refresh(self) -> None:
        """Reload the list; the open briefing reloads too unless it has unsaved edits."""
        self.save()
        keep = self.current.uuid if self.current is not None else None
        db, actor = self.db, self.actor
        rows = ops.Operation(
            self, lambda task: briefings.list_briefings(db, actor), title="Briefings"
        ).run()
        if rows is None:
            return
        self.show_rows(rows, keep)

    def show_rows(self, rows: list[BriefingRow], keep: str | None) -> None:
        """List `rows`, keeping `keep` selected if listed, and open the selected briefing."""
        self.list_panel.fill(rows, keep)
        self.splitter.setVisible(bool(rows))
        self.empty_state.setVisible(not rows)
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
        elif not self.saving.dirty:
            self._reload_if_changed()

    def selected(self) -> BriefingRow | None:
        return self.list_panel.selected()

    def _selected(self) -> None:
        row = self.selected()
        if row is None or (self.current is not None and row.uuid == self.current.uuid):
            return
        if not self.save():
            if self.current is not None:  # stay with the unsaved briefing
                self.list_panel.select_uuid(self.current.uuid)
            return
        self.open_briefing(row.uuid)

    # -- showing a briefing

    def open_briefing(self, uuid: str) -> None:
        db, actor = self.db, self.actor
        view = ops.Operation(
            self, lambda task: briefings.get_briefing(db, actor, uuid), title="Briefing"
        ).run()
        if view is None:
            return
        self.list_panel.select_uuid(uuid)
        self._show(view)

    def _reload_if_changed(self) -> None:
        if self.current is None:
            return
        db, actor, uuid = self.db, self.actor, self.current.uuid
        view = (
            ops.Operation(
                self, lambda task: briefings.get_briefing(db, actor, uuid), title="Briefing"
            )
            .quietly()  # the list was read; the open briefing stays as shown
            .run()
        )
        if view is None:
            return
        if view.revision != self.revision:
            self._show(view)

    def refresh_current(self) -> None:
        """Load the open briefing again as saved, dropping unsaved edits."""
        if self.current is not None:
            self.saving.dirty = False
            self.open_briefing(self.current.uuid)
            if self.current is not None:
                self.list_panel.replace_row(self.current)

    def _show(self, view: BriefingView | None) -> None:
        self.saving.reset()
        self.current = view
        self.names_check.hits = []
        self.editor.setVisible(view is not None)
        self.placeholder.setVisible(view is None)
        if view is None:
            self.update_actions()
            return
        self._fill_editor(view)
        self.editable = self.can_edit and not view.published
        for box in self.boxes.values():
            box.edit.setReadOnly(not self.editable)
            box.redraft_button.setEnabled(self.editable)
        self.title.setReadOnly(not self.editable)
        self.audience.setReadOnly(not self.editable)
        self.title_error.hide()
        self.editor.show_facts(view, self.can_edit)
        self.update_counts()
        self.names_tab.show_overrides(view)
        self.names_tab.show_unchecked(self.editable)
        self.use_tab.show_deliveries(self.db, self.actor, view)
        if view.published:
            self.save_status.setText("Published: read only")
        elif not self.can_edit:
            self.save_status.setText("Read only")
        else:
            self.save_status.setText(f"Last saved {when_text(view.row.updated_at)}")
        self.update_actions()

    def _fill_editor(self, view: BriefingView) -> None:
        """The briefing's title, audience and sections in the boxes, with no edits to save."""
        self.loading = True
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
            self.loading = False

    def update_counts(self) -> None:
        self.total.setText(total_text(self.editor.text_tab.update_counts()))

    def update_actions(self) -> None:
        """Enable the commands that apply to the open briefing, its state and the work going on."""
        view = self.current
        busy = self.export_publish.running
        draft = view is not None and not view.published
        published = view is not None and view.published
        self.save_action.setEnabled(self.editable and view is not None)
        self.check_action.setEnabled(draft and not busy)
        self.names_tab.check_again.setEnabled(draft and not busy)
        self.export_action.setEnabled(view is not None and not busy)
        self.publish_action.setEnabled(draft and not busy)
        self.new_version_action.setEnabled(published and not busy)
        self.record_action.setEnabled(published)
        self.allow_action.setEnabled(
            draft and self.hits_list.currentRow() >= 0 and bool(self.names_check.hits)
        )
        for action in (self.bold_action, self.italic_action, self.bullet_action):
            action.setEnabled(self.editable and view is not None)

    # -- editing and saving

    def _section_changed(self, box: SectionBox) -> None:
        box.update_count()
        self.total.setText(total_text(self.editor.text_tab.total_words()))
        self.saving.changed()

    def save(self, *, explicit: bool = False) -> bool:
        """Save the edits if there are any (or when asked). False when they were not saved."""
        return self.saving.save(explicit=explicit)

    # -- leaving

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        self.save()
        store_setting("splitter", self.splitter.saveState())
        super().hideEvent(event)
