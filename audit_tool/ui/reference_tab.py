"""The Admin view's tabs of records: a table of records beside a form for the selected one,
with the service's validation messages shown next to the fields (the case register's pattern).
The service refuses what the acting user may not do; a tab only hides the controls."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm, confirm, select_data
from audit_tool.ui.in_place import beside_fields
from audit_tool.ui.table_model import Column, RecordTableModel


class ReferenceTab(QWidget):
    """Table of records and a form; subclasses say what the records and fields are."""

    changed = Signal()
    status_message = Signal(str)

    noun = "record"
    prefix = "records"
    empty_hint = ""
    edit_permission = "reference.edit"
    read_only_text = "Only a QA lead can change reference data."

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.can_edit = actor.can(self.edit_permission)
        self.current: Any = None  # the record in the form; None while adding a new one
        self.fieldform = FieldForm(f"{self.prefix}_", self.noun, f"{self.prefix}Message")
        self.fields, self.errors = self.fieldform.fields, self.fieldform.errors
        self.message = self.fieldform.message

        left = self._build_record_list()
        right, right_layout = self._build_record_form()
        self._build_record_buttons(right_layout)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

    def _build_record_list(self) -> QWidget:
        """The records listed, or a hint when there are none."""
        self.model = RecordTableModel(self.columns(), self)
        self.table = QTableView()
        self.table.setObjectName(f"{self.prefix}Table")
        self.table.setAccessibleName(f"{self.prefix.title()}")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.empty = QLabel(self.empty_hint)
        self.empty.setObjectName(f"{self.prefix}Empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty, 1)
        return left

    def _build_record_form(self) -> tuple[QWidget, QVBoxLayout]:
        """The record's form under its title (the subclass's fields)."""
        right = QWidget()
        right.setMinimumWidth(text_width(right, 53))
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName(f"{self.prefix}FormTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.message)
        right_layout.addLayout(self.fieldform.layout)
        self.build_form()
        right_layout.addStretch(1)
        return right, right_layout

    def _build_record_buttons(self, right_layout: QVBoxLayout) -> None:
        """New, Delete and Save, or a note saying the user can only read; Ctrl+S saves."""
        buttons = self.button_row = QHBoxLayout()
        self.new_button = QPushButton(f"&New {self.noun}")
        self.new_button.setObjectName(f"{self.prefix}New")
        self.new_button.clicked.connect(self.new_record)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName(f"{self.prefix}Save")
        self.save_button.setToolTip("Save the form (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("&Delete...")
        self.delete_button.setObjectName(f"{self.prefix}Delete")
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        right_layout.addLayout(buttons)
        self.read_only_note = QLabel(self.read_only_text)
        self.read_only_note.setObjectName(f"{self.prefix}ReadOnly")
        themes.styled(self.read_only_note, "color: $muted;")
        right_layout.addWidget(self.read_only_note)

        for button in (self.new_button, self.save_button, self.delete_button):
            button.setVisible(self.can_edit)
        self.read_only_note.setVisible(not self.can_edit)
        for widget in self.fields.values():
            widget.setEnabled(self.can_edit)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.setWhatsThis("Save")  # its name in Help > Keyboard shortcuts
        save_shortcut.activated.connect(self.save)

    # -- what subclasses provide

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def build_form(self) -> None:
        raise NotImplementedError

    def load(self) -> list[Any]:
        raise NotImplementedError

    def fill(self, row: Any) -> None:
        raise NotImplementedError

    def clear_form(self) -> None:
        raise NotImplementedError

    def store(self, original_key: str | None) -> Any:
        raise NotImplementedError

    def remove(self, key: str) -> None:
        raise NotImplementedError

    def describe(self, row: Any) -> str:
        return str(row.name)

    # -- form helpers

    def add_field(self, key: str, label: str, widget: QWidget) -> QWidget:
        return self.fieldform.add(key, label, widget)

    def line(self, key: str, label: str, placeholder: str = "") -> QLineEdit:
        return self.fieldform.line(key, label, placeholder)

    def combo(self, key: str, label: str) -> QComboBox:
        return self.fieldform.combo(key, label)

    select_data = staticmethod(select_data)

    # -- behaviour

    def refresh(self, keep: str | None = None) -> None:
        key = keep or (self.current.key if self.current is not None else None)
        # On the GUI thread: load() also fills the form's lists of agencies and teams.
        rows = ops.Operation(self, lambda task: self.load(), title="Admin").run()
        if rows is None:
            return
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        has_rows = bool(rows)
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        keys = [r.key for r in rows]
        if key in keys:
            self.table.selectRow(keys.index(key))
        elif rows:
            self.table.selectRow(0)
        else:
            self.new_record()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        self.current = row
        self._clear_errors()
        self.fill(row)
        self.title.setText(self.describe(row))
        self.delete_button.setEnabled(True)

    def new_record(self) -> None:
        self.table.clearSelection()
        self.current = None
        self._clear_errors()
        self.clear_form()
        self.title.setText(f"New {self.noun}")
        self.delete_button.setEnabled(False)
        first = next(iter(self.fields.values()), None)
        if first is not None and self.can_edit:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_errors(self) -> None:
        self.fieldform.clear_errors()

    def _show_errors(self, exc: ValidationError) -> None:
        self.fieldform.show_errors(exc)

    def save(self) -> None:
        if not self.can_edit:
            return
        original = self.current.key if self.current is not None else None
        row = (
            ops.Operation(
                self, lambda task: self.store(original), title=f"The {self.noun} was not saved"
            )
            .failure(beside_fields(self._show_errors))
            .run()
        )
        if row is None:
            return
        self.current = row
        self.refresh(keep=row.key)
        verb = "added" if original is None else "saved"
        self.status_message.emit(f"{self.noun.capitalize()} {self.describe(row)} {verb}")
        self.changed.emit()

    def delete(self) -> None:
        if not self.can_edit or self.current is None:
            return
        row = self.current
        if not confirm(
            self,
            f"Delete {self.noun}",
            f"Delete the {self.noun} {self.describe(row)}? The change log keeps a record of it.",
        ):
            return

        def deleted(_: None) -> None:
            self.current = None
            self.refresh()
            self.status_message.emit(f"{self.noun.capitalize()} {self.describe(row)} deleted")
            self.changed.emit()

        (
            ops.Operation(
                self, lambda task: self.remove(row.key), title=f"The {self.noun} was not deleted"
            )
            .success(deleted)
            .run()
        )
