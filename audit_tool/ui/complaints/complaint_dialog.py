"""Record or change a complaint: its details on the left, the points raised and the learning
on the right, the actions raised from it below (once saved). Saving checks everything at once
and shows each problem beside its field, the points' and learning's under their tables."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.reporting.working_days import add_working_days
from audit_tool.services import complaints
from audit_tool.services.complaints import ComplaintInput, ComplaintRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.complaints.choices import Choices
from audit_tool.ui.complaints.editors import LearningEditor, PointsEditor
from audit_tool.ui.date_field import DateField
from audit_tool.ui.extras_dialogs import text_box
from audit_tool.ui.forms import MUTED_STYLE, FieldForm, select_data

FIELDS = (
    "reference",
    "received_on",
    "agency",
    "team",
    "stage",
    "case",
    "summary",
    "outcome",
    "responded_on",
    "joint",
)


class ComplaintDialog(QDialog):
    """Modal. `result_row` is the saved ComplaintRow once accepted."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: Choices,
        *,
        existing: ComplaintRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.choices, self.existing = db, actor, choices, existing
        self.result_row: ComplaintRow | None = None
        self.setObjectName("complaintDialog")
        self.setWindowTitle(f"Complaint {existing.reference}" if existing else "Record a complaint")
        self.form = FieldForm("complaint_", "complaint", "complaint_message")
        self._build_details()
        self.points = PointsEditor()
        self.learning = LearningEditor()
        self._lay_out()
        if existing is not None:
            self._show(existing)
        else:
            self.points.add_row()
        self._update_due()
        self.resize(1100, 680)

    # -- building

    def _build_details(self) -> None:
        f = self.form
        self.reference = f.line("reference", "Complaint reference", "As in the complaints system")
        self.received = DateField(date.today())
        f.add("received_on", "Received", self.received)
        self.agency = f.combo("agency", "Agency")
        for key, name in self.choices.agencies:
            self.agency.addItem(name, key)
        self.team = f.combo("team", "Team")
        self.stage = f.combo("stage", "Stage")
        for key, label in complaints.STAGE_LABELS.items():
            self.stage.addItem(label, key)
        self.due = QLabel()
        self.due.setObjectName("complaint_due")
        themes.styled(self.due, MUTED_STYLE)
        f.layout.addRow("Response due", self.due)
        self.case = f.line("case", "Case reference", "Optional")
        self.summary = text_box(3)
        self.summary.setPlaceholderText("What the complaint is about; never the complainant's name")
        f.add("summary", "Summary", self.summary)
        self.outcome = f.combo("outcome", "Outcome")
        self.outcome.addItem("(not yet answered)", None)
        for key, label in complaints.OUTCOME_LABELS.items():
            self.outcome.addItem(label, key)
        self.responded = DateField(None)
        f.add("responded_on", "Responded", self.responded)
        self.joint = QListWidget()
        self.joint.setMaximumHeight(self.joint.fontMetrics().lineSpacing() * 5)
        f.add("joint", "Joint response with", self.joint)
        self.agency.currentIndexChanged.connect(lambda _i: self._agency_changed())
        self._agency_changed()
        self.received.changed.connect(self._update_due)
        self.stage.currentIndexChanged.connect(lambda _i: self._update_due())

    def _lay_out(self) -> None:
        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.form.layout)
        column.addStretch(1)
        points = QGroupBox("Points raised")
        QVBoxLayout(points).addWidget(self.points)
        learning = QGroupBox("Learning")
        QVBoxLayout(learning).addWidget(self.learning)
        right = QVBoxLayout()
        right.addWidget(points, 3)
        right.addWidget(learning, 2)
        right.addWidget(self._actions_box())
        body = QHBoxLayout()
        body.addWidget(details, 1)
        body.addLayout(right, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName("complaint_save")
        save.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form.message)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Actions")
        self.actions_label = QLabel()
        self.actions_label.setObjectName("complaint_actions")
        self.actions_label.setWordWrap(True)
        self.raise_button = QPushButton("&Raise an action...")
        self.raise_button.setObjectName("complaint_raiseAction")
        self.raise_button.clicked.connect(self.raise_action)
        row = QHBoxLayout(box)
        row.addWidget(self.actions_label, 1)
        row.addWidget(self.raise_button)
        saved = self.existing is not None
        self.raise_button.setEnabled(saved)
        self.actions_label.setText(
            f"{self.existing.actions} action(s) raised; follow them up in Actions."
            if self.existing is not None
            else "Save the complaint first, then raise its actions."
        )
        return box

    def _agency_changed(self) -> None:
        agency = self.agency.currentData()
        current = self.team.currentData()
        self.team.clear()
        self.team.addItem("(no team)", None)
        for key, name in self.choices.teams_of(agency):
            self.team.addItem(name, key)
        select_data(self.team, current)
        checked = set(self._joint_keys())
        self.joint.clear()
        for key, name in self.choices.agencies:
            if key != agency:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked
                )
                self.joint.addItem(item)

    def _joint_keys(self) -> list[str]:
        return [
            str(self.joint.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.joint.count())
            if self.joint.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update_due(self) -> None:
        """The due date as the service will work it out (the stage's working days)."""
        if self.existing is not None and (
            self.received.value()[0],
            self.stage.currentData(),
        ) == (self.existing.received_on, self.existing.stage):
            self.due.setText(f"{self.existing.due_on:%a %d %b %Y} (as recorded)")
            return
        received, _error = self.received.value()
        stage = self.stage.currentData()
        if received is None or stage is None:
            self.due.setText("Give the date received")
            return
        days = self.choices.timescales[stage]
        due = add_working_days(received, days)
        self.due.setText(f"{due:%a %d %b %Y} ({days} working days)")

    def _show(self, row: ComplaintRow) -> None:
        self.reference.setText(row.reference)
        self.received.set_date(row.received_on)
        select_data(self.agency, row.agency_key)
        self._agency_changed()
        select_data(self.team, row.team_key)
        select_data(self.stage, row.stage)
        self.case.setText(row.case_ref or "")
        self.summary.setPlainText(row.summary)
        select_data(self.outcome, row.outcome)
        self.responded.set_date(row.responded_on)
        wanted = {key for key, _n in row.joint_agencies}
        for i in range(self.joint.count()):
            item = self.joint.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in wanted:
                item.setCheckState(Qt.CheckState.Checked)
        for point in row.points:
            self.points.add_row(complaints.PointInput(point.text, point.themes))
        for lp in row.learning:
            self.learning.add_row(lp)

    # -- saving

    def data(self) -> tuple[ComplaintInput, dict[str, str]]:
        """The typed complaint, and the problems found before asking the service."""
        local: dict[str, str] = {}
        received, bad = self.received.value()
        if bad:
            local["received_on"] = bad
        responded, bad = self.responded.value()
        if bad:
            local["responded_on"] = bad
        data = ComplaintInput(
            reference=self.reference.text(),
            received_on=received,
            agency_key=self.agency.currentData() or "",
            team_key=self.team.currentData(),
            stage=self.stage.currentData(),
            points=self.points.points(),
            outcome=self.outcome.currentData(),
            responded_on=responded,
            joint_agency_keys=tuple(self._joint_keys()),
            case_ref=self.case.text().strip() or None,
            summary=self.summary.toPlainText(),
            learning=self.learning.learning(),
        )
        return data, local

    def save(self) -> None:
        data, local = self.data()
        db, actor, existing = self.db, self.actor, self.existing
        if local:
            # A date that cannot be read: show it with every problem the service finds.
            uuid = existing.uuid if existing else None
            check = ops.Operation(
                self,
                lambda _t: complaints.check_complaint(db, actor, data, uuid=uuid),
                title="Complaint not saved",
            )
            check.success(lambda _r: self.show_errors(ValidationError("", {}), local))
            check.failure(lambda exc: self._failed(exc, local)).run()
            return

        def job(_task: ops.Task) -> ComplaintRow:
            if existing is not None:
                return complaints.update_complaint(
                    db, actor, existing.uuid, data, expected_revision=existing.revision or None
                )
            return complaints.record_complaint(db, actor, data)

        (
            ops.Operation(self, job, title="Complaint not saved", changes={ops.COMPLAINTS})
            .success(self._saved)
            .failure(lambda exc: self._failed(exc, {}))
            .run()
        )

    def _failed(self, exc: AuditToolError, local: dict[str, str]) -> bool:
        if not isinstance(exc, ValidationError):
            return False  # the operation's dialog says it
        self.show_errors(exc, local)
        return True

    def _saved(self, row: ComplaintRow) -> None:
        self.result_row = row
        self.accept()

    def show_errors(self, exc: ValidationError, local: dict[str, str]) -> None:
        fields = {**exc.fields, **local}
        self.form.show_errors(
            ValidationError(str(exc), {k: fields[k] for k in FIELDS if k in fields})
        )
        point_problems = [v for k, v in fields.items() if k.startswith("point")]
        learning_problems = [v for k, v in fields.items() if k.startswith("learning")]
        self.points.show_problems(point_problems)
        self.learning.show_problems(learning_problems)
        count = len(fields)
        self.form.message.setText(
            f"The complaint was not saved: {count} problem{'s' if count != 1 else ''}, "
            "shown next to the fields."
        )
        self.form.message.show()

    # -- actions

    def raise_action(self) -> None:
        from audit_tool.ui.complaints.action_dialog import ComplaintActionDialog

        if self.existing is None:
            return
        dialog = ComplaintActionDialog(self.db, self.actor, self.existing, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            count = self.existing.actions + 1
            self.existing = _with_actions(self.existing, count)
            self.actions_label.setText(f"{count} action(s) raised; follow them up in Actions.")


def _with_actions(row: ComplaintRow, count: int) -> Any:
    from dataclasses import replace

    return replace(row, actions=count)
