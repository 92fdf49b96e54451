"""The Admin view: agencies, teams (with service areas), people (with roles), audit templates
and the questions families are asked.

Each tab is the case register's pattern: a table of records beside a form for the selected one,
with the service's validation messages shown next to the fields. The service refuses what the
acting user may not do; this view only hides the controls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import ROLE_LABELS, Actor
from audit_tool.services import feedback, reference
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.filters import text_height
from audit_tool.ui.in_place import beside_fields
from audit_tool.ui.operations import ACCOUNTS, REFERENCE
from audit_tool.ui.reference_tab import ReferenceTab
from audit_tool.ui.table_model import Column

_Index = QModelIndex | QPersistentModelIndex

if TYPE_CHECKING:
    from audit_tool.ui.case_fields_tab import CaseFieldsTab


class AgenciesTab(ReferenceTab):
    noun = "agency"
    prefix = "agencies"
    empty_hint = "No agencies yet. Add the partnership's agencies with New agency."

    def columns(self) -> list[Column]:
        return [
            Column("Agency", lambda r: r.name),
            Column("Key", lambda r: r.key),
            Column("Teams", lambda r: r.teams),
            Column("People", lambda r: r.people),
            Column("Active", lambda r: r.active),
        ]

    def build_form(self) -> None:
        self.name = self.line("name", "Name", "e.g. Children's Social Care")
        self.key = self.line("key", "Key", "short code, e.g. csc")
        self.active = QCheckBox("Active")
        self.add_field("active", "", self.active)
        self.name.textEdited.connect(lambda text: _suggest_key(self, text))

    def load(self) -> list[Any]:
        return reference.list_agencies(self.db, self.actor)

    def fill(self, row: Any) -> None:
        self.name.setText(row.name)
        self.key.setText(row.key)
        self.active.setChecked(row.active)

    def clear_form(self) -> None:
        self.name.clear()
        self.key.clear()
        self.active.setChecked(True)

    def store(self, original_key: str | None) -> Any:
        return reference.save_agency(
            self.db,
            self.actor,
            key=self.key.text(),
            name=self.name.text(),
            active=self.active.isChecked(),
            original_key=original_key,
        )

    def remove(self, key: str) -> None:
        reference.delete_agency(self.db, self.actor, key)


class TeamsTab(ReferenceTab):
    noun = "team"
    prefix = "teams"
    empty_hint = "No teams yet. Add an agency first, then its teams with New team."

    def columns(self) -> list[Column]:
        return [
            Column("Team", lambda r: r.name),
            Column("Agency", lambda r: r.agency_name),
            Column("Service area", lambda r: r.service_area),
            Column("Cases", lambda r: r.cases),
            Column("Key", lambda r: r.key),
            Column("Active", lambda r: r.active),
        ]

    def build_form(self) -> None:
        self.name = self.line("name", "Name", "e.g. Assessment Team North")
        self.key = self.line("key", "Key", "short code, e.g. assess_north")
        self.agency = self.combo("agency", "Agency")
        self.service_area = QComboBox()
        self.service_area.setEditable(True)
        self.service_area.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.service_area.lineEdit()
        if line is not None:  # editable: it has one
            line.setPlaceholderText("e.g. Family Safeguarding")
        self.add_field("service_area", "Service area", self.service_area)
        self.active = QCheckBox("Active")
        self.add_field("active", "", self.active)
        self.name.textEdited.connect(lambda text: _suggest_key(self, text))

    def load(self) -> list[Any]:
        agencies = reference.list_agencies(self.db, self.actor)
        current = self.agency.currentData()
        self.agency.clear()
        self.agency.addItem("(choose the agency)", None)
        for agency in agencies:
            self.agency.addItem(agency.name, agency.key)
        self.select_data(self.agency, current)
        area = self.service_area.currentText()
        self.service_area.clear()
        self.service_area.addItems(reference.service_areas(self.db))
        self.service_area.setCurrentText(area)
        return reference.list_teams(self.db, self.actor)

    def fill(self, row: Any) -> None:
        self.name.setText(row.name)
        self.key.setText(row.key)
        self.select_data(self.agency, row.agency_key)
        self.service_area.setCurrentText(row.service_area)
        self.active.setChecked(row.active)

    def clear_form(self) -> None:
        self.name.clear()
        self.key.clear()
        self.agency.setCurrentIndex(0)
        self.service_area.setCurrentText("")
        self.active.setChecked(True)

    def store(self, original_key: str | None) -> Any:
        return reference.save_team(
            self.db,
            self.actor,
            key=self.key.text(),
            name=self.name.text(),
            agency_key=self.agency.currentData() or "",
            service_area=self.service_area.currentText(),
            active=self.active.isChecked(),
            original_key=original_key,
        )

    def remove(self, key: str) -> None:
        reference.delete_team(self.db, self.actor, key)


class PeopleTab(ReferenceTab):
    noun = "person"
    prefix = "people"
    empty_hint = "No people yet. Add auditors, moderators, QA leads and practitioners."

    def columns(self) -> list[Column]:
        return [
            Column("Name", lambda r: r.name),
            Column("Roles", lambda r: ", ".join(ROLE_LABELS[x] for x in r.roles) or "-"),
            Column("Agency", lambda r: r.agency_name),
            Column("Team", lambda r: r.team_name),
            Column("Job title", lambda r: r.job_title),
            Column("Key", lambda r: r.key),
            Column("Active", lambda r: r.active),
        ]

    def build_form(self) -> None:
        self.name = self.line("name", "Name", "e.g. Sam Taylor")
        self.key = self.line("key", "Key", "short code, e.g. staylor")
        self.job_title = self.line("job_title", "Job title", "e.g. Team manager")
        self.email = self.line("email", "E-mail", "for notice e-mails, e.g. sam@example.org")
        self.agency = self.combo("agency", "Agency")
        self.team = self.combo("team", "Team")
        roles = QWidget()
        roles_layout = QVBoxLayout(roles)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.setSpacing(2)
        self.role_boxes: dict[str, QCheckBox] = {}
        for role, label in ROLE_LABELS.items():
            box = QCheckBox(label)
            box.setObjectName(f"people_role_{role}")
            box.setAccessibleName(f"Role: {label}")
            roles_layout.addWidget(box)
            self.role_boxes[role] = box
        hint = QLabel("People without a role are practitioners (case workers and managers).")
        hint.setWordWrap(True)
        themes.styled(hint, "color: $muted;")
        roles_layout.addWidget(hint)
        self.add_field("roles", "Roles", roles)
        self.active = QCheckBox("Active")
        self.add_field("active", "", self.active)
        self.agency.currentIndexChanged.connect(lambda _i: self._fill_teams())
        self.name.textEdited.connect(lambda text: _suggest_key(self, text))
        self._teams: list[Any] = []

    def _fill_teams(self) -> None:
        agency = self.agency.currentData()
        current = self.team.currentData()
        self.team.clear()
        self.team.addItem("(no team)", None)
        for team in self._teams:
            if team.agency_key == agency:
                self.team.addItem(team.name, team.key)
        self.select_data(self.team, current)

    def load(self) -> list[Any]:
        agencies = reference.list_agencies(self.db, self.actor)
        self._teams = reference.list_teams(self.db, self.actor, with_case_counts=False)
        current = self.agency.currentData()
        self.agency.blockSignals(True)
        self.agency.clear()
        self.agency.addItem("(choose the agency)", None)
        for agency in agencies:
            self.agency.addItem(agency.name, agency.key)
        self.select_data(self.agency, current)
        self.agency.blockSignals(False)
        self._fill_teams()
        return reference.list_people(self.db, self.actor)

    def fill(self, row: Any) -> None:
        self.name.setText(row.name)
        self.key.setText(row.key)
        self.job_title.setText(row.job_title)
        self.email.setText(row.email or "")
        self.select_data(self.agency, row.agency_key)
        self._fill_teams()
        self.select_data(self.team, row.team_key)
        for role, box in self.role_boxes.items():
            box.setChecked(role in row.roles)
        self.active.setChecked(row.active)

    def clear_form(self) -> None:
        for edit in (self.name, self.key, self.job_title, self.email):
            edit.clear()
        self.agency.setCurrentIndex(0)
        self._fill_teams()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.active.setChecked(True)

    def store(self, original_key: str | None) -> Any:
        return reference.save_person(
            self.db,
            self.actor,
            key=self.key.text(),
            name=self.name.text(),
            agency_key=self.agency.currentData() or "",
            team_key=self.team.currentData(),
            job_title=self.job_title.text(),
            roles=[r for r, box in self.role_boxes.items() if box.isChecked()],
            active=self.active.isChecked(),
            original_key=original_key,
            email=self.email.text(),
        )

    def remove(self, key: str) -> None:
        reference.delete_person(self.db, self.actor, key)


class FeedbackQuestionsTab(ReferenceTab):
    """The questions families are asked. A QA lead adds questions of the partnership's own,
    rewords any, and deactivates or reactivates their own ones; the six standard questions
    are always asked (the service refuses otherwise; here the control is disabled)."""

    noun = "question"
    prefix = "questions"
    empty_hint = "No feedback questions."
    edit_permission = "feedback.questions"
    read_only_text = "Only a QA lead can change the feedback questions."

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(db, actor, parent)
        self.new_button.setText("&New question")
        # In the order families are asked them, standard ones first.
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Questions are never deleted (their answers stay in the figures): a custom one is
        # deactivated instead.
        self.delete_button.hide()
        self.delete_button.setEnabled(False)
        self.toggle_button = QPushButton("Deactivate")
        self.toggle_button.setObjectName("questionsToggleActive")
        self.toggle_button.setAccessibleName("Deactivate or reactivate the question")
        self.toggle_button.clicked.connect(self.toggle_active)
        self.toggle_button.setVisible(self.can_edit)
        self.button_row.insertWidget(self.button_row.indexOf(self.save_button), self.toggle_button)

    def columns(self) -> list[Column]:
        return [
            Column("Key", lambda r: r.key),
            Column("Standard", lambda r: r.standard),
            Column("Active", lambda r: r.active),
            Column("Question", lambda r: r.text),
        ]

    def build_form(self) -> None:
        self.key = self.line("key", "Key", "e.g. felt_safe")
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(text_height(self.text, 4))
        self.text.setPlaceholderText("e.g. The child felt safe with the worker.")
        self.add_field("text", "Question", self.text)
        self.state = QLabel()
        self.state.setObjectName("questionsState")
        self.state.setWordWrap(True)
        themes.styled(self.state, "color: $muted;")
        self.add_field("active", "", self.state)

    def load(self) -> list[Any]:
        return feedback.list_questions(self.db, self.actor, include_inactive=True)

    def describe(self, row: Any) -> str:
        return str(row.key)

    def fill(self, row: Any) -> None:
        self.key.setText(row.key)
        self.key.setReadOnly(True)  # answers are stored under it
        self.key.setToolTip("The key never changes: answers are kept under it")
        self.text.setPlainText(row.text)
        if row.standard:
            self.state.setText(
                "A standard question: always asked, reported quarter on quarter. You can "
                "reword it, but not deactivate it."
            )
        elif row.active:
            self.state.setText("The partnership's own question, asked in every conversation.")
        else:
            self.state.setText(
                "Not asked at present. Its earlier answers stay in the records; reactivate it "
                "to ask it again."
            )
        self.toggle_button.setText("Reactivate" if not row.active else "Deactivate")
        self.toggle_button.setEnabled(self.can_edit and not row.standard)
        self.toggle_button.setToolTip(
            "The six standard questions are always asked"
            if row.standard
            else ("Stop asking this question" if row.active else "Ask this question again")
        )

    def clear_form(self) -> None:
        self.key.clear()
        self.key.setReadOnly(False)
        self.key.setToolTip("")
        self.text.clear()
        self.state.setText("A new question is asked from now on.")
        self.toggle_button.setText("Deactivate")
        self.toggle_button.setEnabled(False)

    def store(self, original_key: str | None) -> Any:
        current = self.current
        return feedback.save_question(
            self.db,
            self.actor,
            key=self.key.text(),
            text=self.text.toPlainText(),
            active=current.active if current is not None else True,
            new=original_key is None,
        )

    def remove(self, key: str) -> None:
        raise NotImplementedError("feedback questions are deactivated, not deleted")

    def toggle_active(self) -> None:
        row = self.current
        if not self.can_edit or row is None or row.standard:
            return
        db, actor = self.db, self.actor
        saved = (
            ops.Operation(
                self,
                lambda task: feedback.save_question(
                    db, actor, key=row.key, text=row.text, active=not row.active
                ),
                title="The question was not changed",
            )
            .failure(beside_fields(self._show_errors))
            .run()
        )
        if saved is None:
            return
        self.current = saved
        self.refresh(keep=saved.key)
        state = "asked again" if saved.active else "no longer asked"
        self.status_message.emit(f"Question {self.describe(saved)} {state}")
        self.changed.emit()


def _suggest_key(tab: Any, text: str) -> None:
    """While adding, propose a key from the name until the user types one of their own."""
    if tab.current is None and (not tab.key.text() or tab.key.property("suggested")):
        tab.key.setText(reference.make_key(text))
        tab.key.setProperty("suggested", True)


class AdminView(QWidget):
    """Reference data in three tabs. `changed` tells other views to reload their lists."""

    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({REFERENCE, ACCOUNTS})

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminView")
        title = QLabel("Admin")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "The partnership's agencies, their teams and service areas, the people who "
            "audit, moderate, lead or work on cases, the audit templates, the questions "
            "families are asked, the partnership's own case fields, and its name and logo."
        )
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminTabs")
        self.agencies = AgenciesTab(db, actor)
        self.teams = TeamsTab(db, actor)
        self.people = PeopleTab(db, actor)
        for tab, label in (
            (self.agencies, "&Agencies"),
            (self.teams, "&Teams"),
            (self.people, "&People"),
        ):
            self.tabs.addTab(tab, label)
            tab.changed.connect(self._tab_changed)
            tab.status_message.connect(self.status_message)
        self.templates = None
        if actor.can("template.view"):
            from audit_tool.ui.templates_tab import TemplatesTab

            self.templates = TemplatesTab(db, actor)
            self.tabs.addTab(self.templates, "Te&mplates")
            self.templates.changed.connect(self.changed)
            self.templates.status_message.connect(self.status_message)
        self.questions: FeedbackQuestionsTab | None = None
        if actor.can("feedback.questions"):
            self.questions = FeedbackQuestionsTab(db, actor)
            self.tabs.addTab(self.questions, "&Feedback questions")
            self.questions.changed.connect(self.changed)
            self.questions.status_message.connect(self.status_message)
        self.case_fields = self._add_case_fields_tab(db, actor)
        from audit_tool.ui.partnership_tab import PartnershipTab

        self.partnership = PartnershipTab(db, actor)
        self.tabs.addTab(self.partnership, "Pa&rtnership")
        self.partnership.changed.connect(self.changed)
        self.partnership.status_message.connect(self.status_message)
        self.changelog_tab: QWidget | None = None
        if actor.can("changelog.view"):
            from audit_tool.ui.changelog_view import ChangeLogView

            self.changelog_tab = ChangeLogView(db, actor)
            self.tabs.addTab(self.changelog_tab, "Change &log")
        self.retention: QWidget | None = None
        if actor.can("retention.run"):
            from audit_tool.ui.retention_tab import RetentionTab

            retention_tab = RetentionTab(db, actor)
            retention_tab.status_message.connect(self.status_message)
            self.retention = retention_tab
            self.tabs.addTab(retention_tab, "R&etention")
        self.accounts = None
        if actor.can("account.manage"):
            from audit_tool.ui.accounts_tab import AccountsTab

            self.accounts = AccountsTab(db, actor)
            self.tabs.addTab(self.accounts, "Acc&ounts")
            self.accounts.status_message.connect(self.status_message)
            # People get their roles in the People tab: list them when this tab is opened.
            self.tabs.currentChanged.connect(self._accounts_shown)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _add_case_fields_tab(self, db: Database, actor: Actor) -> CaseFieldsTab:
        from audit_tool.ui.case_fields_tab import CaseFieldsTab

        tab = CaseFieldsTab(db, actor)
        self.tabs.addTab(tab, "&Case fields")
        tab.changed.connect(self.changed)
        tab.status_message.connect(self.status_message)
        return tab

    def _accounts_shown(self) -> None:
        if self.accounts is not None and self.tabs.currentWidget() is self.accounts:
            self.accounts.refresh()

    def _tab_changed(self) -> None:
        # Agencies feed the team and people forms; teams feed the people form.
        for tab in (self.agencies, self.teams, self.people):
            if tab is not self.tabs.currentWidget():
                tab.refresh()
        self.changed.emit()

    def refresh(self) -> None:
        for tab in (self.agencies, self.teams, self.people):
            tab.refresh()
        if self.templates is not None:
            self.templates.refresh()
        if self.questions is not None:
            self.questions.refresh()
        self.case_fields.refresh()
        self.partnership.refresh()
