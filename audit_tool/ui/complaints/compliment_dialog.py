"""Record or change a compliment. Ticking "May be shared" runs the names check on the summary
at once (services.privacy, through the service); the save checks again."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import complaints
from audit_tool.services.complaints import ComplimentInput, ComplimentRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.complaints.choices import Choices
from audit_tool.ui.complaints.editors import split_themes
from audit_tool.ui.date_field import DateField
from audit_tool.ui.extras_dialogs import ThemeCompleter, text_box
from audit_tool.ui.forms import FieldForm, select_data


class ComplimentDialog(QDialog):
    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: Choices,
        *,
        existing: ComplimentRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.choices, self.existing = db, actor, choices, existing
        self.result_row: ComplimentRow | None = None
        self.setObjectName("complimentDialog")
        self.setWindowTitle("Change compliment" if existing else "Record a compliment")
        f = self.form = FieldForm("compliment_", "compliment", "compliment_message")
        self.received = DateField(date.today())
        f.add("received_on", "Received", self.received)
        self.agency = f.combo("agency", "Agency")
        for key, name in choices.agencies:
            self.agency.addItem(name, key)
        self.team = f.combo("team", "Team")
        self.agency.currentIndexChanged.connect(lambda _i: self._teams())
        self._teams()
        self.from_role = f.combo("from_role", "From (a role, not a name)")
        for key, label in complaints.FROM_LABELS.items():
            self.from_role.addItem(label, key)
        self.summary = text_box(4)
        self.summary.setPlaceholderText("What they said, in a sentence or two; no names")
        f.add("summary", "Summary", self.summary)
        self.themes = QLineEdit()
        self.themes.setPlaceholderText("Comma-separated, e.g. communication, voice of the child")
        completer = ThemeCompleter(self.themes)
        completer.setModel(QStringListModel(choices.themes, completer))
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.themes.setCompleter(completer)
        f.add("themes", "Themes", self.themes)
        self.shareable = QCheckBox("May be shared (quoted in briefings and reports)")
        f.add("shareable", "Sharing", self.shareable)
        self.shareable.toggled.connect(self._shareable_toggled)
        if existing is not None:
            self._show(existing)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("compliment_save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(f.message)
        layout.addLayout(f.layout)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _teams(self) -> None:
        current = self.team.currentData()
        self.team.clear()
        self.team.addItem("(no team)", None)
        for key, name in self.choices.teams_of(self.agency.currentData()):
            self.team.addItem(name, key)
        select_data(self.team, current)

    def _show(self, row: ComplimentRow) -> None:
        self.received.set_date(row.received_on)
        select_data(self.agency, row.agency_key)
        select_data(self.team, row.team_key)
        select_data(self.from_role, row.from_role)
        self.summary.setPlainText(row.summary)
        self.themes.setText(", ".join(row.themes))
        self.shareable.blockSignals(True)
        self.shareable.setChecked(row.shareable)
        self.shareable.blockSignals(False)

    def _shareable_toggled(self, checked: bool) -> None:
        """Check the summary for names before it is marked shareable."""
        error = self.form.errors["shareable"]
        error.hide()
        if not checked:
            return
        db, actor, text = self.db, self.actor, self.summary.toPlainText()
        hits = ops.Operation(
            self,
            lambda _t: complaints.shareable_problems(db, actor, text),
            title="Names check",
        ).run()
        if hits:
            self.shareable.setChecked(False)
            error.setText(
                "Take out what identifies someone before it can be shared (found: "
                + ", ".join(hits)
                + ")"
            )
            error.show()

    def data(self) -> tuple[ComplimentInput, dict[str, str]]:
        received, bad = self.received.value()
        return (
            ComplimentInput(
                received_on=received,
                agency_key=self.agency.currentData() or "",
                team_key=self.team.currentData(),
                from_role=self.from_role.currentData(),
                summary=self.summary.toPlainText(),
                themes=split_themes(self.themes.text()),
                shareable=self.shareable.isChecked(),
            ),
            {"received_on": bad} if bad else {},
        )

    def save(self) -> None:
        data, local = self.data()
        db, actor, existing = self.db, self.actor, self.existing

        def job(_task: ops.Task) -> ComplimentRow:
            if local:  # a date that cannot be read: no save, but every other problem too
                try:
                    complaints.check_compliment(db, actor, data)
                except ValidationError as exc:
                    raise ValidationError(str(exc), {**exc.fields, **local}) from exc
                raise ValidationError("The compliment was not saved", local)
            if existing is not None:
                return complaints.update_compliment(
                    db, actor, existing.uuid, data, expected_revision=existing.revision or None
                )
            return complaints.record_compliment(db, actor, data)

        def failed(exc: AuditToolError) -> bool:
            if not isinstance(exc, ValidationError):
                return False
            self.form.show_errors(ValidationError(str(exc), {**exc.fields, **local}))
            return True

        def saved(row: ComplimentRow) -> None:
            self.result_row = row
            self.accept()

        self.form.clear_errors()
        (
            ops.Operation(self, job, title="Compliment not saved", changes={ops.COMPLAINTS})
            .success(saved)
            .failure(failed)
            .run()
        )
