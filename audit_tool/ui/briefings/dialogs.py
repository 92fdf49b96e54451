"""The Briefings view's two small dialogs: allowing an identifying detail with a reason, and
recording where a published briefing was used."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingView, DeliveryRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.briefings.common import MUTED_STYLE, searchable
from audit_tool.ui.filters import text_height
from audit_tool.ui.forms import FieldForm, field_with_error
from audit_tool.ui.in_place import fields_then_line


class AllowDialog(QDialog):
    """A lead allows one identifying detail to stay, saying why (the reason is recorded)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        uuid: str,
        hit: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.uuid, self.hit = db, actor, uuid, hit
        self.result_view: BriefingView | None = None
        self.setObjectName("briefings_allowDialog")
        self.setWindowTitle("Allow in the briefing")
        self.resize(480, 0)
        intro = QLabel(
            f"Allow the {hit.kind} <b>'{_escape(hit.text)}'</b> to stay in this briefing? "
            "Do this only when it names no child or family, for example a team named after a "
            "place that is also a surname. Your reason is recorded with your name."
        )
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why it may stay")
        box, self.error = field_with_error(self.reason, "briefings_allowReason", "Reason")
        label = QLabel("&Reason (required)")
        label.setBuddy(self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Allow")
        ok.setObjectName("briefings_allowOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(label)
        layout.addWidget(box)
        layout.addWidget(buttons)

    def accept(self) -> None:
        db, actor, uuid, hit, reason = self.db, self.actor, self.uuid, self.hit, self.reason.text()
        allowed = (
            ops.Operation(
                self,
                lambda task: briefings.allow(db, actor, uuid, hit.kind, hit.text, reason),
                title="Not allowed",
            )
            .failure(self._refused)
            .run()
        )
        if allowed is None:
            return
        self.result_view = allowed
        super().accept()

    def _refused(self, exc: AuditToolError) -> bool:
        """Every refusal in the dialog's message line; a bad reason moves the focus there."""
        if isinstance(exc, ValidationError):
            self.error.setText(exc.fields.get("reason", str(exc)))
            self.reason.setFocus()
        else:
            self.error.setText(str(exc))
        self.error.show()
        return True


class RecordUseDialog(QDialog):
    """One team's use of a published briefing, from the action-plan page they returned."""

    def __init__(
        self, db: Database, actor: Actor, uuid: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        from audit_tool.services import reference

        self.db, self.actor, self.uuid = db, actor, uuid
        self.recorded: DeliveryRow | None = None
        self.setObjectName("briefings_useDialog")
        self.setWindowTitle("Record where the briefing was used")
        self.resize(520, 0)
        self.form = FieldForm("briefings_use_", "record", "briefings_use_message")
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        teams = (
            ops.Operation(
                self,
                lambda task: reference.list_teams(
                    db, actor, include_inactive=False, with_case_counts=False
                ),
                title="Teams",
            )
            .quietly()  # a team's name can still be typed
            .run()
        ) or []
        for team in teams:
            self.team.addItem(team.name, team.key)
        self.team.setCurrentIndex(-1)
        searchable(self.team, "Choose a team, or type its name")
        self.form.add("team", "Team", self.team)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(QDate.currentDate())
        self.form.add("delivered_on", "Date used", self.date)
        self.presenter = self.form.line("presenter", "Presented by", "e.g. Team manager")
        self.attendees = QSpinBox()
        self.attendees.setRange(0, 999)
        self.form.add("attendees", "Attendees", self.attendees)
        self.plan = QPlainTextEdit()
        self.plan.setTabChangesFocus(True)
        self.plan.setPlaceholderText("What the team will do, from their action plan")
        self.plan.setFixedHeight(text_height(self.plan, 5))
        self.form.add("actions", "What the team will do", self.plan)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Record")
        ok.setObjectName("briefings_use_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        intro = QLabel(
            "From the action-plan page the team returned: when they used the briefing, who "
            "presented it, how many attended and what they will do."
        )
        intro.setWordWrap(True)
        themes.styled(intro, MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form.message)
        layout.addLayout(self.form.layout)
        layout.addWidget(buttons)

    def accept(self) -> None:
        text = self.team.currentText().strip()
        index = self.team.findText(text, Qt.MatchFlag.MatchFixedString)
        team_key = self.team.itemData(index) if index >= 0 else None
        day = self.date.date()
        db, actor, uuid = self.db, self.actor, self.uuid
        presenter, attendees = self.presenter.text(), self.attendees.value()
        actions = self.plan.toPlainText()
        recorded = (
            ops.Operation(
                self,
                lambda task: briefings.record_delivery(
                    db,
                    actor,
                    uuid,
                    team_key=team_key,
                    team_name="" if team_key else text,
                    delivered_on=date(day.year(), day.month(), day.day()),
                    presenter=presenter,
                    attendees=attendees,
                    actions=actions,
                ),
                title="Use not recorded",
            )
            .failure(fields_then_line(self.form.show_errors, self.form.message))
            .run()
        )
        if recorded is None:
            return
        self.recorded = recorded
        super().accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
