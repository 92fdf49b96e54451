"""Add or edit one case; the service's validation messages appear next to their fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.services import cases, reference
from audit_tool.services.actors import Actor
from audit_tool.services.cases import CaseInput, CaseRow
from audit_tool.store import Database
from audit_tool.ui.errors import show_error

ERROR_STYLE = "color: #b00020;"


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
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        # Grow when messages appear beside the fields, rather than squash the inputs.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.message = QLabel()
        self.message.setObjectName("caseEditor_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        note = QLabel(
            "Cases hold the case-management reference and the child's initials only: "
            "never a full name."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555555;")
        layout.addWidget(note)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        self.ref = self._line("ref", "Case reference", "e.g. C0012345")
        self.initials = self._line("initials", "Initials", "e.g. JS")
        self.case_type = self._combo("case_type", "Case type")
        for key, label in CASE_TYPE_LABELS.items():
            self.case_type.addItem(label, key)
        self.level = self._combo("level_of_need", "Level of need")
        self.level.addItem("(not recorded)", None)
        for level in (1, 2, 3, 4):
            self.level.addItem(f"Level {level}", level)
        self.team = self._combo("team", "Team")
        for team in reference.list_teams(db, actor, include_inactive=False):
            self.team.addItem(f"{team.name} ({team.agency_name})", team.key)
        self.worker = self._combo("worker", "Worker")
        self.manager = self._combo("manager", "Manager")
        self._people = reference.list_people(db, actor, include_inactive=False)
        self.opened = self._line("opened_on", "Opened on", "YYYY-MM-DD")
        self.closed = self._line("closed_on", "Closed on", "YYYY-MM-DD (blank if open)")
        self.team.currentIndexChanged.connect(self._fill_people)

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

    # -- building

    def _add(self, key: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(f"caseEditor_{key}")
        widget.setAccessibleName(label)
        error = QLabel()
        error.setObjectName(f"caseEditor_{key}Error")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box = QWidget()
        inner = QVBoxLayout(box)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(widget)
        inner.addWidget(error)
        self.form.addRow(label, box)
        self.fields[key] = widget
        self.errors[key] = error

    def _line(self, key: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self._add(key, label, edit)
        return edit

    def _combo(self, key: str, label: str) -> QComboBox:
        combo = QComboBox()
        self._add(key, label, combo)
        return combo

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
        )

    def show_errors(self, exc: ValidationError) -> None:
        for key, label in self.errors.items():
            message = exc.fields.get(key)
            label.setText(message or "")
            label.setVisible(bool(message))
        shown = [k for k in self.errors if k in exc.fields]
        if shown:
            count = len(shown)
            self.message.setText(
                f"The case was not saved: {count} problem{'s' if count > 1 else ''}, "
                "shown next to the fields."
            )
        else:
            self.message.setText(str(exc))
        self.message.show()
        self.adjustSize()
        first = next((k for k in self.errors if k in exc.fields), None)
        if first:
            self.fields[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        try:
            if self.case is None:
                self.saved_row = cases.create_case(self.db, self.actor, self.data())
            else:
                self.saved_row = cases.update_case(
                    self.db,
                    self.actor,
                    self.case.ref,
                    self.data(),
                    expected_revision=self.case.revision,
                )
        except ValidationError as exc:
            self.show_errors(exc)
            return
        except AuditToolError as exc:
            show_error(self, "Case not saved", exc)
            return
        self.accept()
