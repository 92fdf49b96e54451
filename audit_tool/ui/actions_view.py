"""The Actions view: actions raised in audits, to follow up until done.

Mine / Open / Overdue / All, optionally for one programme or team, by due date with the open
ones first. Overdue actions are in red and say "Overdue"; actions from audits graded inadequate
carry a red marker and say so. Complete, cancel, reopen and edit go through the services (the
dialogs ask for the note); `changed` fires after each, so the sidebar's overdue count follows.
Enter or double-click opens the audit the action came from. The list loads in the pool
(ListPage.load_in_background) and is given to the table a page at a time (PagedTableModel);
the columns are sized from the heading and a sample of rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import learning_actions, reference
from audit_tool.services.learning_actions import SCOPE_LABELS, ActionRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import ColumnFitter, filter_combo, list_table, text_width, view_title
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import ACTIONS, LEARNING
from audit_tool.ui.table_model import Column, PagedTableModel

_Index = QModelIndex | QPersistentModelIndex

WHICH = {"mine": "Mine", "open": "Open", "overdue": "Overdue", "all": "All"}
WHICH_TIPS = {
    "mine": "Actions you own",
    "open": "Actions not yet done or cancelled",
    "overdue": "Open actions past their due date",
    "all": "Every action you can see, done and cancelled too",
}
EMPTY = {
    "mine": "You own no actions here.",
    "open": "No open actions.",
    "overdue": "No overdue actions.",
    "all": "No actions match.",
}
INADEQUATE_TIP = "Raised from an audit graded inadequate: follow it up first"
MAX_COLUMN_CHARS = 36  # in average characters of the table font
TEXT_COLUMN = 0
DUE_COLUMN = 2
FLAG_COLUMN = 7
SAMPLE_ROWS = 30  # rows read to size the columns (the visible ones first)

# What the list loads: the filters it was asked for (which is None for the first load, which
# chooses Mine or Open), the list it shows, its rows and the overdue count.
Query = tuple[str | None, Any, Any]
Loaded = tuple[Query, str, list[ActionRow], int]


def status_text(row: ActionRow) -> str:
    """The status word; "Overdue" for an open action past its due date (never colour alone)."""
    return "Overdue" if row.overdue else row.status_label


def _source(row: ActionRow) -> str:
    """The case of an audit's action, or the complaint an action was raised from."""
    if row.case_ref:
        return row.case_ref
    return f"Complaint {row.complaint_ref}" if row.complaint_ref else ""


def count_text(rows: list[ActionRow]) -> str:
    """ "12 open, 3 overdue", then done and cancelled where there are any."""
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("open", "done", "cancelled")}
    overdue = sum(1 for r in rows if r.overdue)
    parts = [f"{counts['open']:,} open", f"{overdue:,} overdue"]
    parts += [f"{counts[s]:,} {s}" for s in ("done", "cancelled") if counts[s]]
    return ", ".join(parts)


class ActionTableModel(PagedTableModel):
    """Actions: overdue rows in red with the word "Overdue"; a red marker for inadequate."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Action", lambda r: " ".join(r.text.split())),
                Column("Owner", lambda r: r.owner_name),
                Column("Due", lambda r: r.due_on.isoformat()),
                Column("Status", status_text),
                Column("Scope", lambda r: SCOPE_LABELS.get(r.scope, r.scope)),
                Column("Case", _source),
                Column("Team", lambda r: r.team_name or ""),
                Column("Flag", lambda r: "Inadequate audit" if r.from_inadequate else ""),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: ActionRow = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.overdue or (column == FLAG_COLUMN and row.from_inadequate):
                return themes.qcolor("error")
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == FLAG_COLUMN and row.from_inadequate:
                return themes.qcolor("error")  # a red square beside the word
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == FLAG_COLUMN and row.from_inadequate:
                return INADEQUATE_TIP
            if column == 3 and row.overdue:
                return f"Open and past its due date ({row.due_on.isoformat()})"
            if column == 3 and row.status != "open" and row.completed_on:
                who = f" by {row.completed_by}" if row.completed_by else ""
                return f"{row.status_label} on {row.completed_on.isoformat()}{who}"
            if column == TEXT_COLUMN:
                return row.text
        return super().data(index, role)

    def ordered(self, rows: list[Any], column: int, order: Qt.SortOrder) -> list[Any]:
        """By due date, open actions before done and cancelled ones (the history)."""
        if column != DUE_COLUMN:
            return super().ordered(rows, column, order)
        descending = order == Qt.SortOrder.DescendingOrder
        groups = ([r for r in rows if r.status == "open"], [r for r in rows if r.status != "open"])
        return [
            row
            for group in groups
            for row in sorted(group, key=lambda r: (r.due_on, r.text.lower()), reverse=descending)
        ]


def _embolden(button: QPushButton, checked: bool) -> None:
    """The chosen list's button in bold, beside its pressed look (never look alone)."""
    font = button.font()
    font.setBold(checked)
    button.setFont(font)


class ActionsView(ListPage):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({ACTIONS, LEARNING})
    open_audit = Signal(str)

    title = "Actions"
    load_in_background = True

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("actionsView")
        self._shown: tuple[object, ...] = ()  # the list and filters of the rows on screen
        self._build_commands()
        selector = self._build_which()
        self._build_filters()
        self._build_list()
        self._lay_out(selector)
        self.refresh()

    def _build_commands(self) -> None:
        """Complete, Cancel, Reopen, Edit and Open audit."""
        can_record = self.actor.can("action.record")
        self.complete_action = self._action(
            "&Complete...", "Mark the action done, with a note", "Ctrl+Return", self.complete
        )
        self.complete_action.setObjectName("actionsComplete")
        self.cancel_action = self._action(
            "C&ancel action...", "Cancel the action, saying why", None, self.cancel
        )
        self.cancel_action.setObjectName("actionsCancel")
        self.reopen_action = self._action(
            "&Reopen", "Open a done or cancelled action again", None, self.reopen
        )
        self.reopen_action.setObjectName("actionsReopen")
        self.edit_action = self._action(
            "&Edit...", "Change the action's text, owner, due date or scope", "F2", self.edit
        )
        self.edit_action.setObjectName("actionsEdit")
        self.open_action = self._action(
            "&Open audit", "Open the audit the action comes from", None, self.open_selected
        )
        self.open_action.setObjectName("actionsOpenAudit")
        for action in (
            self.complete_action,
            self.cancel_action,
            self.reopen_action,
            self.edit_action,
        ):
            action.setVisible(can_record)

    def _build_which(self) -> QHBoxLayout:
        """The buttons choosing which actions are listed."""
        self.which_group = QButtonGroup(self)
        self.which_group.setExclusive(True)
        self.which_buttons: dict[str, QPushButton] = {}
        selector = QHBoxLayout()
        selector.setSpacing(0)
        # None is checked until the first load says whether the user owns an open action.
        for key, label in WHICH.items():
            button = QPushButton(label)
            button.setObjectName(f"actions{label}")
            button.setAccessibleName(f"{label} actions")
            button.setToolTip(WHICH_TIPS[key])
            button.setCheckable(True)
            button.setMinimumWidth(text_width(button, 15))
            button.toggled.connect(lambda checked, b=button: _embolden(b, checked))
            self.which_group.addButton(button)
            self.which_buttons[key] = button
            selector.addWidget(button)
        self.which_group.buttonToggled.connect(
            lambda _b, checked: self.refresh() if checked else None
        )
        return selector

    def _build_filters(self) -> None:
        """The programme and team filters."""
        db, actor = self.db, self.actor
        self.programme_filter = filter_combo("actionsProgramme", "Programme")
        self.programme_filter.addItem("All programmes", None)
        if actor.can("programme.view"):
            from audit_tool.services import programmes

            for programme in programmes.list_programmes(db, actor):
                self.programme_filter.addItem(programme.name, programme.key)
        self.team_filter = filter_combo("actionsTeam", "Team")
        self.team_filter.addItem("All teams", None)
        if actor.can("reference.view"):
            for team in reference.list_teams(db, actor, with_case_counts=False):
                self.team_filter.addItem(team.name, team.key)
        for combo in (self.programme_filter, self.team_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def _build_list(self) -> None:
        """The actions listed, the one selected in words, and the count."""
        self.model = ActionTableModel(self)
        self.table = list_table("actionsTable", "Actions", self.model)
        header = self.table.horizontalHeader()
        self.columns = ColumnFitter(
            self.table, TEXT_COLUMN, cap=MAX_COLUMN_CHARS, fixed=(2, 3, 5, FLAG_COLUMN)
        )
        header.setMinimumSectionSize(40)
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        self.table.setSortingEnabled(True)
        header.setSortIndicator(DUE_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            self.complete_action,
            self.cancel_action,
            self.reopen_action,
            self.edit_action,
            self.open_action,
        ):
            self.table.addAction(action)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())

        self.empty = QLabel()
        self.empty.setObjectName("actionsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.detail = QLabel()
        self.detail.setObjectName("actionsDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.detail.fontMetrics().height() * 2 + 4)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.count = QLabel("Loading actions...")
        self.count.setObjectName("actionsCount")

    def _lay_out(self, selector: QHBoxLayout) -> None:
        title = view_title("Actions")
        toolbar = QToolBar()
        toolbar.setObjectName("actionsToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.complete_action,
            self.cancel_action,
            self.reopen_action,
            self.edit_action,
        ):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.open_action)
        self.toolbar = toolbar
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(toolbar)
        filters = QHBoxLayout()
        filters.addLayout(selector)
        filters.addSpacing(16)
        filters.addWidget(self.programme_filter)
        filters.addWidget(self.team_filter)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.count)

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

    def _chosen(self) -> str | None:
        return next((k for k, b in self.which_buttons.items() if b.isChecked()), None)

    def which(self) -> str:
        return self._chosen() or "open"

    def set_which(self, which: str) -> None:
        self.which_buttons[which].setChecked(True)

    def button_for(self, action: QAction) -> QWidget:
        """The toolbar button of a command (for tests and tools)."""
        widget = self.toolbar.widgetForAction(action)
        assert widget is not None
        return widget

    # -- the list

    def _query(self) -> Query:
        return (self._chosen(), self.programme_filter.currentData(), self.team_filter.currentData())

    def live_loader(self) -> Callable[[], Loaded]:
        """Read the filters and the sort now; the returned function only calls the services
        and sorts (any thread). With no list chosen yet: Mine when the acting user owns an open
        action, else Open."""
        db, actor, query = self.db, self.actor, self._query()
        header = self.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        ordered = self.model.ordered

        def load() -> Loaded:
            asked, programme_key, team_key = query

            def listed(which: str) -> list[ActionRow]:
                return learning_actions.list_actions(
                    db, actor, which, programme_key=programme_key, team_key=team_key
                )

            which = asked or "mine"
            rows = listed(which)
            if asked is None and not any(r.status == "open" for r in rows):
                which, rows = "open", listed("open")
            overdue = learning_actions.overdue_count(db, actor)
            return query, which, ordered(rows, column, order), overdue

        return load

    def show_loaded(self, loaded: Loaded) -> None:
        """Show rows loaded for these filters (dropped if the filters changed since), already
        sorted; the table is given its first page and sized from a sample of rows."""
        query, which, rows, overdue = loaded
        if query != self._query():
            return
        if query[0] is None:  # the first load chose the list: check its button, load no more
            self.which_group.blockSignals(True)
            self.which_buttons[which].setChecked(True)
            self.which_group.blockSignals(False)
        keep = self.selected()
        # The same list again (and not empty): as many rows as before, the same widths.
        again = (which, *query[1:]) == self._shown and self.model.shown > 0
        self.model.set_rows(rows, at_least=self.model.shown if again else 0)
        self._shown = (which, *query[1:])
        if not again:  # the same list keeps its columns' widths
            self.columns.measure()
        self.which_buttons["overdue"].setText(f"Overdue ({overdue})" if overdue else "Overdue")
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        filtered = self.programme_filter.currentIndex() > 0 or self.team_filter.currentIndex() > 0
        self.empty.setText(EMPTY[which] + (" Clear the filters to see more." if filtered else ""))
        self.count.setText(count_text(rows))
        uuids = [r.uuid for r in self.model.rows]
        if keep is not None and keep.uuid in uuids:
            self.model.show_up_to(uuids.index(keep.uuid))
            self.table.selectRow(uuids.index(keep.uuid))
        elif rows:
            self.table.selectRow(0)
        self._selected()

    def selected(self) -> ActionRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        row: ActionRow = self.model.rows[index.row()]
        return row

    def _selected(self) -> None:
        row = self.selected()
        is_open = row is not None and row.status == "open"
        self.complete_action.setEnabled(is_open)
        self.cancel_action.setEnabled(is_open)
        self.edit_action.setEnabled(is_open)
        self.reopen_action.setEnabled(row is not None and not is_open)
        self.open_action.setEnabled(row is not None and row.audit_uuid is not None)
        self.detail.setText(self._detail_text(row) if row is not None else "")

    @staticmethod
    def _detail_text(row: ActionRow) -> str:
        parts = [f"{row.text}"]
        facts = [f"Owner: {row.owner_name}", f"due {row.due_on.isoformat()}"]
        if row.case_ref:
            facts.append(f"case {row.case_ref} ({row.team_name})")
        if row.author_name:
            facts.append(f"raised by {row.author_name}")
        parts.append("; ".join(facts) + ".")
        if row.overdue:
            parts.append("Overdue.")
        if row.from_inadequate:
            parts.append("From an audit graded inadequate.")
        if row.status != "open" and row.completed_on:
            who = f" by {row.completed_by}" if row.completed_by else ""
            note = f": {row.completion_note}" if row.completion_note else ""
            parts.append(f"{row.status_label} on {row.completed_on.isoformat()}{who}{note}")
        return " ".join(parts)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None and row.audit_uuid is not None:
            self.open_audit.emit(row.audit_uuid)

    # -- changes

    def complete(self) -> None:
        self._status_dialog("done", "Action completed")

    def cancel(self) -> None:
        self._status_dialog("cancelled", "Action cancelled")

    def _status_dialog(self, status: str, message: str) -> None:
        from audit_tool.ui.extras_dialogs import ActionStatusDialog

        row = self.selected()
        if row is None or row.status == status:
            return
        dialog = ActionStatusDialog(self.db, self.actor, row, status, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change(f"{message}: {row.text}")

    def reopen(self) -> None:
        row = self.selected()
        if row is None or row.status == "open":
            return
        db, actor = self.db, self.actor
        reopened = ops.Operation(
            self,
            lambda _task: learning_actions.set_action_status(db, actor, row.uuid, "open"),
            title="Action not reopened",
        ).run()
        if reopened is not None:
            self._after_change(f"Action reopened: {row.text}")

    def edit(self) -> None:
        from audit_tool.ui.extras_dialogs import ActionDialog

        row = self.selected()
        if row is None:
            return
        dialog = ActionDialog(
            self.db, self.actor, audit_uuid=row.audit_uuid, existing=row, parent=self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change(f"Action changed: {row.text}")

    def _after_change(self, message: str) -> None:
        self.refresh()
        self.status_message.emit(message)
        self.changed.emit()
