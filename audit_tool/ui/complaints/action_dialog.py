"""Raise an action from a complaint: the audit action dialog (ui.extras_dialogs.ActionDialog),
saved through an operation as an action of the complaint."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import complaints
from audit_tool.services.complaints import ComplaintRow
from audit_tool.services.learning_actions import ActionRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.extras_dialogs import ActionDialog, from_qdate
from audit_tool.ui.forms import select_data


class ComplaintActionDialog(ActionDialog):
    def __init__(
        self, db: Database, actor: Actor, complaint: ComplaintRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(db, actor, audit_uuid=None, parent=parent)
        self.complaint = complaint
        self.setObjectName("complaintActionDialog")
        self.setWindowTitle(f"Raise an action from complaint {complaint.reference}")
        select_data(self.scope, "service")

    def save(self) -> None:
        self.form.clear_errors()
        db, actor, uuid = self.db, self.actor, self.complaint.uuid
        owner_key = self.owner.key()
        args = {
            "text": self.text.toPlainText(),
            "owner_key": owner_key,
            "due_on": from_qdate(self.due.date()),
            "scope": self.scope.currentData(),
        }

        def failed(exc: AuditToolError) -> bool:
            if not isinstance(exc, ValidationError):
                return False
            fields = dict(exc.fields)
            if not owner_key:
                fields.setdefault("owner", "Choose an owner from the list")
            self.show_errors(ValidationError(str(exc), fields))
            return True

        def saved(row: ActionRow) -> None:
            self.result_row = row
            self.accept()

        (
            ops.Operation(
                self,
                lambda _t: complaints.add_complaint_action(db, actor, uuid, **args),
                title="Action not saved",
                changes={ops.ACTIONS, ops.COMPLAINTS},
            )
            .success(saved)
            .failure(failed)
            .run()
        )
