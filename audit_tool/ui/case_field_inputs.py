"""The partnership's case fields in a case's form: an input of each field's kind (a line for
text, dates and numbers, a list for a choice or yes/no) named `field_<key>` in the form, so the
service's message for a field appears beside it; a date of birth shows the age it gives."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from audit_tool.services.case_fields import CaseFieldRow, age_on, error_key
from audit_tool.ui import theme as themes
from audit_tool.ui.forms import FieldForm, select_data

NOT_RECORDED = "(not recorded)"


class CaseFieldInputs:
    """The inputs of the case fields, added to a FieldForm below what it already holds."""

    def __init__(self, form: FieldForm) -> None:
        self.form = form
        self.inputs: dict[str, QWidget] = {}
        self.age: QLabel | None = None

    def build(self, fields: list[CaseFieldRow], values: dict[str, str]) -> None:
        if fields:
            heading = QLabel("<b>The partnership's case fields</b>")
            heading.setObjectName("caseFields_heading")
            self.form.layout.addRow(heading)
        for field in fields:
            widget = self._input(field, values.get(field.key, ""))
            self.form.add(error_key(field.key), field.label, widget)
            self.inputs[field.key] = widget
            if field.birth_date and isinstance(widget, QLineEdit):
                self.age = QLabel()
                self.age.setObjectName("caseFields_age")
                themes.styled(self.age, "color: $muted;")
                self.form.layout.addRow("", self.age)
                widget.textChanged.connect(self._show_age)
                self._show_age(widget.text())

    @staticmethod
    def _input(field: CaseFieldRow, value: str) -> QWidget:
        if field.kind in ("choice", "yes_no"):
            combo = QComboBox()
            combo.addItem(NOT_RECORDED, "")
            options = field.options if field.kind == "choice" else ("yes", "no")
            for option in options:
                combo.addItem(option.capitalize() if field.kind == "yes_no" else option, option)
            select_data(combo, value)
            return combo
        edit = QLineEdit(value)
        edit.setPlaceholderText(
            {"date": "YYYY-MM-DD", "number": "a number"}.get(field.kind, "")
            + (" (the child's date of birth)" if field.birth_date else "")
        )
        return edit

    def _show_age(self, text: str) -> None:
        if self.age is None:
            return
        try:
            born = date.fromisoformat(text.strip())
        except ValueError:
            self.age.setText("")
            return
        today = date.today()
        self.age.setText(f"Age today: {age_on(born, today)}" if born <= today else "")

    def values(self) -> dict[str, str]:
        """Each field's value as typed or chosen ("" for none)."""
        found = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                found[key] = str(widget.currentData() or "")
            elif isinstance(widget, QLineEdit):
                found[key] = widget.text()
        return found
