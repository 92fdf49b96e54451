"""The cohort rule of a programme's sample (services/cohorts.py), as a line in the sample's
form: "pathway = RED and age 11-17". Below it, the case fields a rule may name (with a choice's
options) and whether the age can be used; the service's message for a rule it cannot use
appears beside the line, as for any other field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import case_fields
from audit_tool.services.case_fields import CaseFieldRow
from audit_tool.services.cohorts import ERROR_KEY
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm

EXAMPLE = "e.g. pathway = RED and age 11-17"


def fields_hint(fields: list[CaseFieldRow]) -> str:
    """The fields a rule may name, in words, for the line under the rule."""
    if not fields:
        return (
            "No case fields yet: a QA lead defines them in Admin > Case fields (a pathway, the "
            "legal status, a date of birth for the age)."
        )
    parts = []
    for f in fields:
        if f.birth_date:
            continue
        what = ", ".join(f.options) if f.kind == "choice" else f.kind_label.lower()
        parts.append(f"{f.key} ({what})")
    age = (
        "age A-B (on the day the programme starts)"
        if any(f.birth_date for f in fields)
        else "no age: no field is the date of birth"
    )
    return (
        "Fields: "
        + "; ".join(parts)
        + f"; {age}. Join conditions with 'and'; 'in A, B' for either; 'from X to Y' for "
        "dates and numbers; quotes round a value with spaces."
    )


def add_cohort_row(parent: QWidget, form: FieldForm, db: Database, actor: Actor) -> QLineEdit:
    """Add the rule's line (key ERROR_KEY) and its hint to the form; returns the line."""
    line = form.line(ERROR_KEY, "Cohort", EXAMPLE)
    line.setToolTip(
        "Which cases to sample, by the partnership's case fields and the age at audit, "
        "for example: pathway = RED and age 11-17"
    )
    hint = QLabel()
    hint.setObjectName("sample_cohortHint")
    hint.setWordWrap(True)
    hint.setTextFormat(Qt.TextFormat.PlainText)
    themes.styled(hint, "color: $muted;")
    form.layout.addRow("", hint)
    fields = ops.Operation(
        parent, lambda _t: case_fields.list_case_fields(db, actor), title="Case fields"
    ).run()
    hint.setText(fields_hint(fields or []))
    # A wrapped label in a form is given one line's height unless told what it needs: as wide
    # as the inputs of a dialog of the parent's least width.
    inputs = max(200, parent.minimumWidth() - text_width(parent, 18))
    hint.setMinimumHeight(hint.heightForWidth(inputs))
    return line


def show_rule_error(form: FieldForm, exc: AuditToolError) -> bool:
    """Show why the rule cannot be used beside it (True), if that is what `exc` says."""
    message = getattr(exc, "fields", {}).get(ERROR_KEY)
    label = form.errors.get(ERROR_KEY)
    if not message or label is None:
        return False
    label.setText(message)
    label.show()
    return True
