"""Admin > Templates: audit templates with their items, versions, preview and retirement.

Editing a template that audits already use saves a new version (the service decides); the
tab says so before saving, and every audit keeps the version it started with."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.models.templates import ITEM_KINDS, TEMPLATE_KINDS
from audit_tool.services import templates
from audit_tool.services.templates import ItemInput, TemplateRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_height
from audit_tool.ui.forms import FieldForm, confirm, select_data
from audit_tool.ui.in_place import beside_fields
from audit_tool.ui.table_model import Column, RecordTableModel, show_rows

KIND_LABELS = {"grade": "Grade", "yes_no": "Yes / no", "number": "Number", "text": "Text"}


class TemplatesTab(QWidget):
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.can_edit = actor.can("template.edit")
        self.items: list[ItemInput] = []
        self.current: TemplateRow | None = None
        self.model = RecordTableModel(
            [
                Column("Template", lambda r: r.name),
                Column("Kind", lambda r: r.kind),
                Column("Version", lambda r: r.version),
                Column("Items", lambda r: len(r.items)),
                Column("Key", lambda r: r.key),
            ],
            self,
        )
        self._build_table()
        self._build_form()
        item_box = self._build_item_box()
        buttons = self._build_buttons(item_box)
        self._lay_out(item_box, buttons)

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setObjectName("templatesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _build_form(self) -> None:
        """The template's name, key, kind, scale, description and items."""
        self.form = FieldForm("templates_", "template", "templatesMessage")
        self.name = self.form.line("name", "Name")
        self.key = self.form.line("key", "Key", "e.g. exploitation_audit")
        self.kind = self.form.combo("kind", "Kind")
        for kind in TEMPLATE_KINDS:
            self.kind.addItem(kind.replace("_", " ").capitalize(), kind)
        self.scale = QComboBox()
        self.scale.setObjectName("templates_scaleChoice")
        self.scale_button = QPushButton("New scale...")
        self.scale_button.setObjectName("templates_newScale")
        self.scale_button.clicked.connect(self.new_scale)
        scale_box = QWidget()
        scale_row = QHBoxLayout(scale_box)
        scale_row.setContentsMargins(0, 0, 0, 0)
        scale_row.addWidget(self.scale, 1)
        scale_row.addWidget(self.scale_button)
        self.form.add("scale", "Grading scale", scale_box)
        self.scale.setAccessibleName("Grading scale")
        self._fill_scales()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(text_height(self.description, 2.5))
        self.form.add("description", "Description", self.description)
        self.item_list = QListWidget()
        self.item_list.setObjectName("templates_itemList")
        self.item_list.currentRowChanged.connect(self._item_selected)
        self.form.add("items", "Items", self.item_list)

    def _build_item_box(self) -> QWidget:
        """The item selected, one at a time, with its buttons."""
        item_box = QWidget()
        item_form = QFormLayout(item_box)
        self.item_key = QLineEdit()
        self.item_key.setObjectName("templates_itemKey")
        self.item_label = QLineEdit()
        self.item_label.setObjectName("templates_itemLabel")
        self.item_kind = QComboBox()
        self.item_kind.setObjectName("templates_itemKind")
        for kind in ITEM_KINDS:
            self.item_kind.addItem(KIND_LABELS[kind], kind)
        self.item_limiting = QCheckBox("Limits the overall grade")
        self.item_limiting.setObjectName("templates_itemLimiting")
        self.item_section = QLineEdit()
        self.item_section.setObjectName("templates_itemSection")
        self.item_guidance = QPlainTextEdit()
        self.item_guidance.setObjectName("templates_itemGuidance")
        self.item_guidance.setTabChangesFocus(True)
        self.item_guidance.setFixedHeight(text_height(self.item_guidance, 2.5))
        for label, widget in (
            ("Item key", self.item_key),
            ("Label", self.item_label),
            ("Kind", self.item_kind),
            ("", self.item_limiting),
            ("Section", self.item_section),
            ("Guidance", self.item_guidance),
        ):
            widget.setAccessibleName(label or "Limiting")
            item_form.addRow(label, widget)
        item_buttons = QHBoxLayout()
        self.add_item_button = QPushButton("Add item")
        self.add_item_button.setObjectName("templates_addItem")
        self.add_item_button.clicked.connect(self.add_item)
        self.apply_item_button = QPushButton("Apply to item")
        self.apply_item_button.setObjectName("templates_applyItem")
        self.apply_item_button.clicked.connect(self.apply_item)
        self.remove_item_button = QPushButton("Remove")
        self.remove_item_button.clicked.connect(self.remove_item)
        self.up_button = QPushButton("Up")
        self.up_button.clicked.connect(lambda: self.move_item(-1))
        self.down_button = QPushButton("Down")
        self.down_button.clicked.connect(lambda: self.move_item(1))
        for button in (
            self.add_item_button,
            self.apply_item_button,
            self.remove_item_button,
            self.up_button,
            self.down_button,
        ):
            item_buttons.addWidget(button)
        item_form.addRow(item_buttons)
        return item_box

    def _build_buttons(self, item_box: QWidget) -> QHBoxLayout:
        """New, Preview, Retire and Save; a reader's form and buttons are disabled."""
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New template")
        self.new_button.setObjectName("templatesNew")
        self.new_button.clicked.connect(self.new_template)
        self.preview_button = QPushButton("Pre&view form...")
        self.preview_button.setObjectName("templatesPreview")
        self.preview_button.clicked.connect(self.preview)
        self.retire_button = QPushButton("&Retire...")
        self.retire_button.setObjectName("templatesRetire")
        self.retire_button.clicked.connect(self.retire)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("templatesSave")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.retire_button)
        buttons.addWidget(self.save_button)
        for widget in [
            *self.form.fields.values(),
            item_box,
            self.new_button,
            self.retire_button,
            self.save_button,
        ]:
            widget.setEnabled(self.can_edit)
        self.item_list.setEnabled(True)  # readers can still browse the items
        return buttons

    def _lay_out(self, item_box: QWidget, buttons: QHBoxLayout) -> None:
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.form.message)
        right_layout.addLayout(self.form.layout)
        right_layout.addWidget(item_box)
        right_layout.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)

    # -- templates

    def refresh(self, keep: str | None = None) -> None:
        keep = keep or (self.current.key if self.current else None)
        db, actor = self.db, self.actor
        (
            ops.Operation(self, lambda task: templates.list_templates(db, actor), title="Templates")
            .success(lambda rows: show_rows(self.table, self.model, rows, keep))
            .run()
        )

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        self.current = row
        self.form.clear_errors()
        self.name.setText(row.name)
        self.key.setText(row.key)
        self.key.setReadOnly(True)
        select_data(self.kind, row.kind)
        select_data(self.scale, row.scale_key)
        self.description.setPlainText(row.description)
        self.items = [
            ItemInput(i.key, i.label, i.kind, i.limiting, i.section, i.guidance) for i in row.items
        ]
        self._fill_items(0)

    def new_template(self) -> None:
        self.table.clearSelection()
        self.current = None
        self.form.clear_errors()
        for edit in (self.name, self.key):
            edit.clear()
        self.key.setReadOnly(False)
        self.description.clear()
        self.items = []
        self._fill_items(-1)
        self.name.setFocus()

    def save(self) -> None:
        if self.current is not None and not confirm(
            self,
            "Save template",
            "If audits already use this template, saving makes a new version; those audits "
            "keep the version they started with. Save?",
        ):
            return
        db, actor, items = self.db, self.actor, list(self.items)
        key, name, kind = self.key.text(), self.name.text(), self.kind.currentData()
        description = self.description.toPlainText()
        scale_key = self.scale.currentData() or "ofsted"
        row = (
            ops.Operation(
                self,
                lambda task: templates.save_template(
                    db,
                    actor,
                    key=key,
                    name=name,
                    kind=kind,
                    description=description,
                    items=items,
                    scale_key=scale_key,
                ),
                title="Template not saved",
            )
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
        if row is None:
            return
        self.current = row
        self.refresh(keep=row.key)
        self.status_message.emit(f"Template {row.name} saved as version {row.version}")
        self.changed.emit()

    def _fill_scales(self, select: str | None = None) -> None:
        current = select or self.scale.currentData() or "ofsted"
        self.scale.clear()
        for scale in templates.list_scales(self.db, self.actor):
            levels = ", ".join(lv.label for lv in scale.levels if lv.rank is not None)
            self.scale.addItem(f"{scale.name} ({levels})", scale.key)
        select_data(self.scale, current)

    def new_scale(self) -> None:
        dialog = ScaleDialog(self.db, self.actor, self)
        if dialog.exec() and dialog.saved is not None:
            self._fill_scales(dialog.saved)
            self.status_message.emit("Grading scale saved")

    def retire(self) -> None:
        if self.current is None:
            return
        if not confirm(
            self,
            "Retire template",
            f"Retire {self.current.name}? New programmes can no longer use it; audits that "
            "use it keep it.",
        ):
            return
        db, actor, key = self.db, self.actor, self.current.key

        def retired(_: None) -> None:
            self.current = None
            self.refresh()
            self.changed.emit()

        (
            ops.Operation(
                self, lambda task: templates.retire_template(db, actor, key), title="Not retired"
            )
            .success(retired)
            .run()
        )

    def preview(self) -> None:
        scale = next(
            (
                s
                for s in templates.list_scales(self.db, self.actor)
                if s.key == self.scale.currentData()
            ),
            None,
        )
        labels = [lv.label for lv in scale.levels] if scale else []
        PreviewDialog(self.name.text() or "New template", self.items, labels, self).exec()

    # -- items

    def _fill_items(self, select: int) -> None:
        self.item_list.blockSignals(True)
        self.item_list.clear()
        for item in self.items:
            flag = ", limiting" if item.limiting else ""
            section = f"{item.section}: " if item.section else ""
            self.item_list.addItem(f"{section}{item.label} ({KIND_LABELS[item.kind]}{flag})")
        self.item_list.blockSignals(False)
        if 0 <= select < len(self.items):
            self.item_list.setCurrentRow(select)
        else:
            self._item_selected(-1)

    def _item_selected(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else ItemInput("", "", "grade")
        self.item_key.setText(item.key)
        self.item_label.setText(item.label)
        select_data(self.item_kind, item.kind)
        self.item_limiting.setChecked(item.limiting)
        self.item_section.setText(item.section)
        self.item_guidance.setPlainText(item.guidance)

    def _item_input(self) -> ItemInput:
        return ItemInput(
            key=self.item_key.text().strip(),
            label=self.item_label.text().strip(),
            kind=self.item_kind.currentData(),
            limiting=self.item_limiting.isChecked(),
            section=self.item_section.text().strip(),
            guidance=self.item_guidance.toPlainText().strip(),
        )

    def add_item(self) -> None:
        self.items.append(self._item_input())
        self._fill_items(len(self.items) - 1)

    def apply_item(self) -> None:
        row = self.item_list.currentRow()
        if 0 <= row < len(self.items):
            self.items[row] = self._item_input()
            self._fill_items(row)

    def remove_item(self) -> None:
        row = self.item_list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self._fill_items(min(row, len(self.items) - 1))

    def move_item(self, step: int) -> None:
        row = self.item_list.currentRow()
        target = row + step
        if 0 <= row < len(self.items) and 0 <= target < len(self.items):
            self.items[row], self.items[target] = self.items[target], self.items[row]
            self._fill_items(target)


class ScaleDialog(QDialog):
    """A new grading scale: its levels, best first; Not applicable is added."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QDialogButtonBox

        super().__init__(parent)
        self.db, self.actor = db, actor
        self.saved: str | None = None
        self.setObjectName("scaleDialog")
        self.setWindowTitle("New grading scale")
        layout = QVBoxLayout(self)
        self.form = FieldForm("scale_", "scale", "scale_message")
        layout.addWidget(self.form.message)
        self.name = self.form.line("name", "Name", "e.g. Red amber green")
        self.key = self.form.line("key", "Key", "e.g. rag")
        self.levels = QPlainTextEdit()
        self.levels.setPlaceholderText("One level per line, best first")
        self.levels.setTabChangesFocus(True)
        self.form.add("levels", "Levels", self.levels)
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton("Save scale", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("scale_save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        db, actor = self.db, self.actor
        key, name = self.key.text(), self.name.text()
        levels = self.levels.toPlainText().splitlines()
        row = (
            ops.Operation(
                self,
                lambda task: templates.save_scale(db, actor, key=key, name=name, levels=levels),
                title="Scale not saved",
            )
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
        if row is None:
            return
        self.saved = row.key
        self.accept()


class PreviewDialog(QDialog):
    """What an auditor will see: each item with its control and guidance (not saved)."""

    def __init__(
        self,
        name: str,
        items: list[ItemInput],
        levels: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templatePreview")
        self.setWindowTitle(f"Preview: {name}")
        self.resize(820, 620)
        body = QWidget()
        grid = QGridLayout(body)
        section = None
        row = 0
        grades = ["(not graded)", *levels]
        for item in items:
            if item.section != section:
                section = item.section
                grid.addWidget(QLabel(f"<b>{section or 'Items'}</b>"), row, 0, 1, 3)
                row += 1
            text = QLabel(
                f"{item.label}{' (limiting)' if item.limiting else ''}"
                + (
                    f"<br><span style='color:{themes.current().muted}'>{item.guidance}</span>"
                    if item.guidance
                    else ""
                )
            )
            text.setWordWrap(True)
            control: QWidget
            if item.kind == "grade":
                control = QComboBox()
                control.addItems(grades)
            elif item.kind == "yes_no":
                control = QComboBox()
                control.addItems(["(not answered)", "Yes", "No", "Not applicable"])
            elif item.kind == "number":
                control = QLineEdit()
                control.setPlaceholderText("a number")
            else:
                control = QPlainTextEdit()
                control.setFixedHeight(text_height(control, 2.5))
            evidence = QPlainTextEdit()
            evidence.setPlaceholderText("Evidence or comment")
            evidence.setFixedHeight(text_height(evidence, 2.5))
            grid.addWidget(text, row, 0)
            grid.addWidget(control, row, 1)
            grid.addWidget(evidence, row, 2)
            row += 1
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
