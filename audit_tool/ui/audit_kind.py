"""How a programme's new audits are done, chosen as cases are added: looped (two auditors,
then moderation) or a dip sample (one auditor, not moderated). Multi-agency and SEND audits
take their shape from their template, so they offer no choice."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from audit_tool.services.programmes import ProgrammeRow
from audit_tool.ui.forms import select_data

CHOICES = {
    "looped": "Looped: two auditors, then moderation",
    "single": "Dip sample: one auditor, not moderated",
}


def kind_choice(programme: ProgrammeRow, name: str) -> QComboBox | None:
    """A combo of CHOICES set to the programme's usual kind, or None where there is no
    choice to make. The caller puts it in its form (which names it `name`)."""
    if programme.audit_kind not in CHOICES:
        return None
    combo = QComboBox()
    combo.setObjectName(name)
    for kind, label in CHOICES.items():
        combo.addItem(label, kind)
    select_data(combo, programme.audit_kind)
    return combo


def chosen_kind(combo: QComboBox | None) -> str | None:
    """The kind chosen, or None (the programme's usual kind) where there was no choice."""
    return None if combo is None else str(combo.currentData())
