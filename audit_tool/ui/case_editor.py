"""Add or edit one case; the service's validation messages appear next to their fields.

Below the case's own fields come the partnership's case fields (Admin > Case fields), each
with an input of its kind; a date of birth shows the age it gives today."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.services import case_fields, cases, reference
from audit_tool.services.cases import CaseInput, CaseRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.case_field_inputs import CaseFieldInputs
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm


class CaseEditorDialog(QDialog):
    """Modal editor. `saved_row` holds the saved case after accept()."""

    def __init__(
        self, db: Database, actor: Actor, case: CaseRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.case = db, actor, case
        self.saved_row: CaseRow | None = None
        self.setObjectName("caseEditor")
        self.setWindowTitle(f"Edit case {case.ref}" if case else "Add case")
        self.setMinimumWidth(text_width(self, 80))
        layout = QVBoxLayout(self)
        self.form = FieldForm("caseEditor_", "case", "caseEditor_message")
        self.message = self.form.message
        self.fields, self.errors = self.form.fields, self.form.errors
        layout.addWidget(self.message)
        note = QLabel(
            "Cases hold the case-management reference and the child's initials only: "
            "never a full name."
        )
        note.setWordWrap(True)
        themes.styled(note, "color: $muted;")
        layout.addWidget(note)
        layout.addWidget(self._fields_area(), 1)

        self.ref = self.form.line("ref", "Case reference", "e.g. C0012345")
        self.initials = self.form.line("initials", "Initials", "e.g. JS")
        self.case_type = self.form.combo("case_type", "Case type")
        for key, label in CASE_TYPE_LABELS.items():
            self.case_type.addItem(label, key)
        self.level = self.form.combo("level_of_need", "Level of need")
        self.level.addItem("(not recorded)", None)
        for level in (1, 2, 3, 4):
            self.level.addItem(f"Level {level}", level)
        self.team = self.form.combo("team", "Team")
        for team in reference.list_teams(db, actor, include_inactive=False):
            self.team.addItem(f"{team.name} ({team.agency_name})", team.key)
        self.worker = self.form.combo("worker", "Worker")
        self.manager = self.form.combo("manager", "Manager")
        self._people = reference.list_people(db, actor, include_inactive=False)
        self.opened = self.form.line("opened_on", "Opened on", "YYYY-MM-DD")
        self.closed = self.form.line("closed_on", "Closed on", "YYYY-MM-DD (blank if open)")
        self.team.currentIndexChanged.connect(self._fill_people)
        self.case_fields = self._case_fields(case)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("caseEditor_save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        if case is not None:
            self.ref.setText(case.ref)
            self.initials.setText(case.initials)
            self._select(self.case_type, case.case_type)
            self._select(self.level, case.level_of_need)
            self._select(self.team, case.team_key)
            self._fill_people()
            self._select(self.worker, case.worker_key)
            self._select(self.manager, case.manager_key)
            self.opened.setText(case.opened_on.isoformat() if case.opened_on else "")
            self.closed.setText(case.closed_on.isoformat() if case.closed_on else "")
        else:
            self._fill_people()
        self.fit()

    # -- building

    def _fields_area(self) -> QScrollArea:
        """The fields scroll when the case fields make the form taller than the screen;
        messages appearing beside them grow the window up to that, never squash the inputs."""
        content = QWidget()
        content.setLayout(self.form.layout)
        self.fields_area = QScrollArea()
        self.fields_area.setObjectName("caseEditor_scroll")
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_area.setWidget(content)
        return self.fields_area

    def _case_fields(self, case: CaseRow | None) -> CaseFieldInputs:
        """The partnership's case fields, with the case's values, below its own fields."""
        db, actor = self.db, self.actor
        inputs = CaseFieldInputs(self.form)
        loaded = ops.Operation(
            self,
            lambda _t: (
                case_fields.list_case_fields(db, actor),
                case_fields.case_values(db, actor, case.ref) if case is not None else {},
            ),
            title="Case fields",
        ).run()
        if loaded is not None:
            inputs.build(*loaded)
        return inputs

    def fit(self) -> None:
        """As tall as the fields need, up to most of the screen (the rest scrolls)."""
        content = self.fields_area.widget()
        if content is None:
            return
        content.adjustSize()
        outside = self.sizeHint().height() - self.fields_area.sizeHint().height()
        wanted = content.sizeHint().height() + outside + 2
        screen = self.screen().availableGeometry().height() if self.screen() else 700
        self.resize(max(self.width(), self.sizeHint().width()), min(wanted, int(screen * 0.85)))

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def _fill_people(self) -> None:
        team_key = self.team.currentData()
        for combo in (self.worker, self.manager):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("(none)", None)
            same_team = [p for p in self._people if p.team_key == team_key]
            others = [p for p in self._people if p.team_key != team_key]
            for person in same_team + others:
                combo.addItem(
                    f"{person.name} ({person.team_name or person.agency_name})", person.key
                )
            self._select(combo, current)
            combo.blockSignals(False)

    # -- saving

    def data(self) -> CaseInput:
        return CaseInput(
            ref=self.ref.text(),
            initials=self.initials.text(),
            case_type=self.case_type.currentData() or "",
            team=self.team.currentData() or "",
            level_of_need=self.level.currentData(),
            worker=self.worker.currentData(),
            manager=self.manager.currentData(),
            opened_on=self.opened.text(),
            closed_on=self.closed.text(),
            fields=self.case_fields.values() if self.case_fields.inputs else None,
        )

    def show_errors(self, exc: ValidationError) -> None:
        self.form.show_errors(exc)
        self.fit()  # grow to fit the messages rather than squash the inputs

    def _shown_here(self, exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError) and exc.fields:
            self.show_errors(exc)
            return True
        return False

    def save(self) -> None:
        db, actor, case, data = self.db, self.actor, self.case, self.data()

        def saving(_task: ops.Task) -> CaseRow:
            if case is None:
                return cases.create_case(db, actor, data)
            return cases.update_case(db, actor, case.ref, data, expected_revision=case.revision)

        row = ops.Operation(self, saving, title="Case not saved").failure(self._shown_here).run()
        if row is None:
            return
        self.saved_row = row
        self.accept()
