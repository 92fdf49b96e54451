"""Admin > Partnership > Complaint timescales: the working days allowed for a response at
each stage (services.complaints.save_timescales). A complaint's due date counts that many
working days after it was received, weekends and England and Wales bank holidays left out."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import complaints
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.forms import field_with_error


class TimescalesBox(QGroupBox):
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__("Complaint timescales", parent)
        self.db, self.actor = db, actor
        self.setObjectName("complaintTimescales")
        intro = QLabel(
            "Working days allowed for a response at each stage of the complaints procedure. "
            "Weekends and bank holidays (England and Wales) are not counted. A change applies "
            "to complaints recorded from now on."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.days: dict[str, QSpinBox] = {}
        self.errors = {}
        for stage, label in complaints.STAGE_LABELS.items():
            spin = QSpinBox()
            spin.setRange(1, 130)
            spin.setSuffix(" working days")
            box, error = field_with_error(spin, f"timescale_{stage}", f"{label} timescale")
            self.days[stage], self.errors[stage] = spin, error
            form.addRow(f"{label}:", box)
        self.save_button = QPushButton("Save &timescales")
        self.save_button.setObjectName("timescales_save")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        db_, actor_ = db, actor
        current = ops.Operation(
            self, lambda _t: complaints.timescales(db_, actor_), title="Timescales"
        ).run()
        for stage, days in (current or complaints.DEFAULT_DAYS).items():
            self.days[stage].setValue(days)

    def save(self) -> None:
        values = {stage: spin.value() for stage, spin in self.days.items()}
        db, actor = self.db, self.actor
        for error in self.errors.values():
            error.hide()

        def failed(exc: AuditToolError) -> bool:
            if not isinstance(exc, ValidationError):
                return False
            for stage, message in exc.fields.items():
                if stage in self.errors:
                    self.errors[stage].setText(message)
                    self.errors[stage].show()
            return True

        (
            ops.Operation(
                self,
                lambda _t: complaints.save_timescales(db, actor, values),
                title="Timescales not saved",
                changes={ops.REFERENCE},
            )
            .success(lambda _r: self.status_message.emit("Complaint timescales saved"))
            .failure(failed)
            .run()
        )
