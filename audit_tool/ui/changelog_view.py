"""Admin > Change log: who changed or viewed which record, when, from what to what.

Leads filter the log by record type, person, action (including "view": who opened which case's
audit), dates and words in the summary; the newest entries come first and the filtering happens
in SQL, so a log of hundreds of thousands of entries stays quick. The detail pane shows the
selected entry's fields before and after, in words (item labels, grade names, people's names:
services/changelog_words.py). "Verify chain" checks in the background that no entry was altered
or removed since it was written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import changelog, changelog_words, text_search
from audit_tool.services.changelog import ChainCheck, LogFilter, LogRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.table_model import Column, RecordTableModel

LIMIT = 500
_NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as "Any"

ACTION_LABELS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "view": "Viewed",
    "submit": "Submitted",
    "return": "Returned",
    "confirm": "Confirmed",
    "reopen": "Reopened",
    "status": "Status",
    "panel": "Panel summary",
    "respond": "Responded",
    "retention": "Retention run",
    "checkout": "Checked out",
    "checkin": "Checked in",
    "export": "Exported",
    "import": "Imported",
    "publish": "Published",
    "assign": "Assigned",
    "draw": "Drawn",
    "retire": "Retired",
    "allow": "Allowed",
    "demo": "Demo data",
}


def action_label(action: str) -> str:
    """An action in words (a code not listed above reads as words, not as a code)."""
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def _when(row: LogRow) -> str:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _entity_label(entity: str) -> str:
    return entity.replace("_", " ").capitalize()


def heading(row: LogRow) -> str:
    """The entry's first lines: what, who and when, which record, and the reason if any."""
    lines = [
        f"Entry {row.id}: {row.summary or action_label(row.action)}",
        f"{action_label(row.action)} by {row.actor_name} at {_when(row)}",
        f"Record: {_entity_label(row.entity)} {row.entity_uuid or ''}".rstrip(),
    ]
    if row.reason:
        lines.append(f"Reason: {row.reason}")
    return "\n".join(lines)


def _log_model(parent: Any) -> RecordTableModel:
    return RecordTableModel(
        [
            Column("When", _when),
            Column("Who", lambda r: r.actor_name),
            Column("Action", lambda r: action_label(r.action)),
            Column("Record type", lambda r: _entity_label(r.entity)),
            Column("Record", lambda r: (r.entity_uuid or "")[:8], tip=lambda r: r.entity_uuid),
            Column("Summary", lambda r: r.summary),
        ],
        parent,
    )


class ChangeLogView(QWidget):
    """The Admin tab. `show_audit_history(uuid)` narrows it to one audit and its parts."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("changelogView")
        self.audit_uuids: tuple[str, ...] | None = None
        self._shown = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)

        filters = self._build_filters()
        scope_row = self._build_scope()
        self._build_table()
        splitter = self._build_detail()
        bottom = self._build_bottom()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(scope_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.reload_choices()
        for combo in (self.entity, self.person, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.refresh()

    def _build_filters(self) -> QHBoxLayout:
        """Record type, person, action, dates and words."""
        self.entity = self._combo("changelogEntity", "Record type", "Any record type")
        self.person = self._combo("changelogPerson", "Person", "Anyone")
        self.action = self._combo("changelogAction", "Action", "Any action")
        self.date_from = self._date("changelogFrom", "From date")
        self.date_to = self._date("changelogTo", "To date")
        self.text = QLineEdit()
        self.text.setMaxLength(text_search.MAX_CHARS)  # the services' limit
        self.text.setObjectName("changelogText")
        self.text.setAccessibleName("Words in the summary")
        self.text.setPlaceholderText("Words in the summary or reason")
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.text.returnPressed.connect(self.refresh)

        filters = QHBoxLayout()
        for widget in (self.entity, self.person, self.action):
            filters.addWidget(widget)
        filters.addWidget(QLabel("From"))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("to"))
        filters.addWidget(self.date_to)
        filters.addWidget(self.text, 1)
        return filters

    def _build_scope(self) -> QHBoxLayout:
        """Whose history is shown, with Show the whole log."""
        self.scope = QLabel()
        self.scope.setObjectName("changelogScope")
        self.scope.hide()
        self.show_all = QPushButton("Show the &whole log")
        self.show_all.setObjectName("changelogShowAll")
        self.show_all.clicked.connect(self.clear_audit_history)
        self.show_all.hide()
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope, 1)
        scope_row.addWidget(self.show_all)
        return scope_row

    def _build_table(self) -> None:
        self.model = _log_model(self)
        self.table = QTableView()
        self.table.setObjectName("changelogTable")
        self.table.setAccessibleName("Change log entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _build_detail(self) -> QSplitter:
        # The selected entry: who, when and why above; each field before and after, in words.
        self.detail = QLabel("Select an entry to see what changed.")
        self.detail.setObjectName("changelogDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTableWidget(0, 3)
        self.fields.setObjectName("changelogFields")
        self.fields.setAccessibleName("Selected entry: each field before and after")
        self.fields.setHorizontalHeaderLabels(["Field", "Before", "After"])
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setWordWrap(True)
        self.fields.verticalHeader().setVisible(False)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail)
        detail_layout.addWidget(self.fields, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        return splitter

    def _build_bottom(self) -> QHBoxLayout:
        """The count, and Verify chain with its result."""
        self.count = QLabel()
        self.count.setObjectName("changelogCount")
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setObjectName("changelogVerify")
        self.verify_button.setToolTip(
            "Check that no entry was altered or removed since it was written"
        )
        self.verify_button.clicked.connect(self.verify)
        self.verify_result = QLabel()
        self.verify_result.setObjectName("changelogVerifyResult")
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.verify_result, 2)
        bottom.addWidget(self.verify_button)
        return bottom

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        # Entries arrive from every other view; show the latest whenever the tab comes up.
        if self._shown:
            self.reload_choices()
            self.refresh()
        self._shown = True
        super().showEvent(event)

    # -- building blocks

    def _combo(self, name: str, accessible: str, anything: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItem(anything, None)
        return combo

    def _date(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText("Any")
        edit.setDate(_NO_DATE)
        return edit

    @staticmethod
    def _day(edit: QDateEdit) -> date | None:
        value = edit.date()
        if value == _NO_DATE:
            return None
        return date(value.year(), value.month(), value.day())

    def reload_choices(self) -> None:
        """Fill the filter lists with what occurs in the log (and "view", always)."""
        db, actor = self.db, self.actor
        options = ops.Operation(
            self, lambda task: changelog.choices(db, actor), title="Change log"
        ).run()
        if options is None:
            return
        actions = sorted({*options.actions, "view"})
        lists: tuple[tuple[QComboBox, Sequence[str], Callable[[str], str]], ...] = (
            (self.entity, options.entities, _entity_label),
            (self.person, options.people, str),
            (self.action, actions, action_label),
        )
        for combo, values, label in lists:
            keep = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            index = combo.findData(keep)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # -- what the user does

    def current_filter(self) -> LogFilter:
        return LogFilter(
            entity=self.entity.currentData(),
            entity_uuids=self.audit_uuids,
            person=self.person.currentData(),
            action=self.action.currentData(),
            date_from=self._day(self.date_from),
            date_to=self._day(self.date_to),
            text=self.text.text().strip() or None,
        )

    def refresh(self) -> None:
        """Load the entries for the filters in the pool (counting them reads the whole log);
        a newer filter drops an older one's result."""
        self._debounce.stop()
        flt, db, actor = self.current_filter(), self.db, self.actor

        def load(task: ops.Task) -> tuple[list[LogRow], int]:
            rows = changelog.entries(db, actor, flt=flt, limit=LIMIT)
            return rows, changelog.count_matching(db, actor, flt)

        (
            ops.Operation(self, load, title="Change log", key="rows")
            .success(self._show_rows)
            .run_in_background()
        )

    def _show_rows(self, loaded: tuple[list[LogRow], int]) -> None:
        rows, total = loaded
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        noun = "entry" if total == 1 else "entries"
        if total > len(rows):
            self.count.setText(f"Showing the newest {len(rows):,} of {total:,} {noun}")
        else:
            self.count.setText(f"{total:,} {noun}")
        if rows:
            self.table.selectRow(0)
        else:
            self.show_entry(None)

    def selected(self) -> LogRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_entry(self.model.rows[current.row()] if current.isValid() else None)

    def show_entry(self, row: LogRow | None) -> None:
        """Fill the detail pane: the entry's heading and its fields before and after."""
        self.fields.setRowCount(0)
        if row is None:
            self.detail.setText("")
            return
        self.detail.setText(heading(row))
        db, actor = self.db, self.actor
        changes = ops.Operation(
            self, lambda task: changelog_words.describe(db, actor, row), title="Change log"
        ).run()
        if changes is None:
            return
        self.fields.setRowCount(len(changes))
        for r, change in enumerate(changes):
            for c, text in enumerate((change.label, change.before, change.after)):
                self.fields.setItem(r, c, QTableWidgetItem(text))
        self.fields.resizeRowsToContents()

    def detail_text(self) -> str:
        """The detail pane as plain text: the heading, then "Field: before -> after" lines."""
        lines = [self.detail.text()] if self.detail.text() else []
        for r in range(self.fields.rowCount()):
            cells = [item.text() if (item := self.fields.item(r, c)) else "" for c in range(3)]
            lines.append(f"{cells[0]}: {cells[1]} -> {cells[2]}")
        return "\n".join(lines)

    def show_audit_history(self, audit_uuid: str, case_ref: str = "") -> None:
        """Only the entries about one audit: the audit, its reviews, moderation, learning
        points, actions, feedback and concerns, and every time someone viewed it."""
        db, actor = self.db, self.actor
        uuids = ops.Operation(
            self,
            lambda task: changelog.audit_record_uuids(db, actor, audit_uuid),
            title="Change log",
        ).run()
        if uuids is None:
            return
        self.audit_uuids = uuids
        what = f"case {case_ref}" if case_ref else f"audit {audit_uuid[:8]}"
        self.scope.setText(f"History of the audit of {what}")
        self.scope.show()
        self.show_all.show()
        self.refresh()

    def clear_audit_history(self) -> None:
        self.audit_uuids = None
        self.scope.hide()
        self.show_all.hide()
        self.refresh()

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        themes.styled(self.verify_result, "")
        self.verify_result.setText("Checking the chain...")
        db = self.db
        (
            ops.Operation(self, lambda task: changelog.check_chain(db), title="Verify chain")
            .busy(self.verify_button)
            .success(self._verified)
            .failure(self._verify_failed)
            .run_in_background()
        )

    def _verified(self, result: ChainCheck) -> None:
        if result.ok:
            themes.styled(self.verify_result, "color: $success;")
            self.verify_result.setText(f"OK: {result.message}")
        else:
            themes.styled(self.verify_result, "color: $error; font-weight: bold;")
            self.verify_result.setText(f"Broken: {result.message}")

    def _verify_failed(self, exc: AuditToolError) -> bool:
        self.verify_result.setText("The check could not run")
        return False  # and the dialog says why


def show_audit_history(
    parent: QWidget, db: Database, actor: Actor, audit_uuid: str, case_ref: str = ""
) -> QDialog:
    """A window with one audit's history, for a "History..." command on an audit."""
    dialog = QDialog(parent)
    dialog.setObjectName("auditHistoryWindow")
    dialog.setWindowTitle(f"History: case {case_ref}" if case_ref else "Audit history")
    dialog.resize(1000, 640)
    view = ChangeLogView(db, actor)
    view.show_audit_history(audit_uuid, case_ref)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
