"""Admin > Case fields: the partnership's own fields on a case (pathway, legal status, forum,
referral source, levels requested and decided, school, a date of birth), defined by a QA lead.

The case register's editor shows them, case extracts fill them (a column named by the key),
programmes sample on them (a cohort rule) and the report breaks grades down by the choices and
yes/no ones. Every service call goes through an Operation; the service's messages appear next
to the fields."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit, QWidget

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.models.case_fields import CASE_FIELD_KIND_LABELS
from audit_tool.services import case_fields, reference
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_height
from audit_tool.ui.forms import confirm
from audit_tool.ui.reference_tab import ReferenceTab
from audit_tool.ui.table_model import Column


class CaseFieldsTab(ReferenceTab):
    noun = "case field"
    prefix = "caseFields"
    empty_hint = (
        "No case fields yet. Add the partnership's own, for example a pathway (a choice of "
        "RED, AMBER, GREEN), the legal status, or whether a case was discussed at MACE."
    )

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(db, actor, parent)
        self.setObjectName("caseFieldsTab")
        self.new_button.setText("&New case field")

    def columns(self) -> list[Column]:
        return [
            Column("Field", lambda r: r.label),
            Column("Key", lambda r: r.key),
            Column("Kind", lambda r: r.kind_label + (" (date of birth)" if r.birth_date else "")),
            Column("Options", lambda r: ", ".join(r.options)),
            Column("Cases", lambda r: r.cases),
        ]

    def build_form(self) -> None:
        self.label = self.line("label", "Label", "e.g. Pathway")
        self.key = self.line("key", "Key", "the extract's column, e.g. pathway")
        self.kind = self.combo("kind", "Kind")
        for kind, text in CASE_FIELD_KIND_LABELS.items():
            self.kind.addItem(text, kind)
        self.options = QPlainTextEdit()
        self.options.setTabChangesFocus(True)
        self.options.setFixedHeight(text_height(self.options, 5))
        self.options.setPlaceholderText("One option per line, e.g.\nRED\nAMBER\nGREEN")
        self.add_field("options", "Options", self.options)
        self.not_future = QCheckBox("Refuse dates after today")
        self.add_field("not_future", "", self.not_future)
        self.birth_date = QCheckBox("The child's date of birth")
        self.birth_date.setToolTip(
            "The age at audit is worked out from it, for cohorts such as 'age 11-17'. It is "
            "never shown in a briefing, never written to an audit pack, and retention removes "
            "it with the case's reference."
        )
        self.add_field("birth_date", "", self.birth_date)
        self.note = QLabel()
        self.note.setObjectName("caseFieldsNote")
        self.note.setWordWrap(True)
        themes.styled(self.note, "color: $muted;")
        self.add_field("note", "", self.note)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.label.textEdited.connect(self._suggest_key)

    def _suggest_key(self, text: str) -> None:
        if self.current is None and (not self.key.text() or self.key.property("suggested")):
            self.key.setText(reference.make_key(text).replace("-", "_")[:40])
            self.key.setProperty("suggested", True)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.options.setVisible(kind == "choice")
        box = self.options.parentWidget()
        label = self.fieldform.layout.labelForField(box) if box is not None else None
        if label is not None:
            label.setVisible(kind == "choice")
        self.not_future.setVisible(kind == "date")
        self.birth_date.setVisible(kind == "date")

    def load(self) -> list[Any]:
        return case_fields.list_case_fields(self.db, self.actor)

    def describe(self, row: Any) -> str:
        return str(row.label)

    def fill(self, row: Any) -> None:
        self.label.setText(row.label)
        self.key.setText(row.key)
        self.key.setReadOnly(True)  # extracts and packs name it
        self.key.setToolTip("The key never changes: extracts and packs name the field by it")
        self.select_data(self.kind, row.kind)
        self.options.setPlainText("\n".join(row.options))
        self.not_future.setChecked(row.not_future)
        self.birth_date.setChecked(row.birth_date)
        self.note.setText(
            f"{row.cases:,} case(s) hold a value. Extract column: '{row.key}'."
            + (" Its kind cannot change while cases hold values." if row.cases else "")
        )
        self._kind_changed()

    def clear_form(self) -> None:
        self.label.clear()
        self.key.clear()
        self.key.setReadOnly(False)
        self.key.setToolTip("")
        self.key.setProperty("suggested", False)
        self.kind.setCurrentIndex(0)
        self.options.clear()
        self.not_future.setChecked(True)
        self.birth_date.setChecked(False)
        self.note.setText("A case extract fills it from a column named by its key.")
        self._kind_changed()

    def store(self, original_key: str | None) -> Any:
        return case_fields.save_case_field(
            self.db,
            self.actor,
            key=self.key.text(),
            label=self.label.text(),
            kind=self.kind.currentData(),
            options=self.options.toPlainText().splitlines(),
            not_future=self.not_future.isChecked(),
            birth_date=self.birth_date.isChecked(),
            original_key=original_key,
        )

    def remove(self, key: str) -> None:
        case_fields.delete_case_field(self.db, self.actor, key)

    # -- through operations (the other tabs' try/except, as the one operation pattern)

    def _in_form(self, exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError) and exc.fields:
            self._show_errors(exc)
            return True
        return False

    def refresh(self, keep: str | None = None) -> None:
        rows = ops.Operation(self, lambda _t: self.load(), title="Case fields").run()
        if rows is None:
            return
        key = keep or (self.current.key if self.current is not None else None)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        keys = [r.key for r in rows]
        if key in keys:
            self.table.selectRow(keys.index(key))
        elif rows:
            self.table.selectRow(0)
        else:
            self.new_record()

    def save(self) -> None:
        if not self.can_edit:
            return
        original = self.current.key if self.current is not None else None
        row = (
            ops.Operation(
                self,
                lambda _t: self.store(original),
                title="The case field was not saved",
                changes={ops.REFERENCE},
            )
            .failure(self._in_form)
            .run()
        )
        if row is None:
            return
        self.current = row
        self.refresh(keep=row.key)
        verb = "added" if original is None else "saved"
        self.status_message.emit(f"Case field {row.label} {verb}")
        self.changed.emit()

    def delete(self) -> None:
        row = self.current
        if not self.can_edit or row is None:
            return
        if not confirm(
            self,
            "Delete case field",
            f"Delete the case field {row.label}? The change log keeps a record of it.",
        ):
            return

        def removing(_task: ops.Task) -> bool:
            self.remove(row.key)
            return True

        done = ops.Operation(
            self,
            removing,
            title="The case field was not deleted",
            changes={ops.REFERENCE},
        ).run()
        if not done:
            return
        self.current = None
        self.refresh()
        self.status_message.emit(f"Case field {row.label} deleted")
        self.changed.emit()
