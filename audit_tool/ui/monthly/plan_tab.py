"""The standing plan (template, looped or dip sample, which cases) and what is expected of
each manager each month, by role or by person. QA leads change them; others read them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.services import monthly, monthly_draw
from audit_tool.services.monthly import ExpectationRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.audit_kind import CHOICES
from audit_tool.ui.forms import FieldForm, select_data
from audit_tool.ui.monthly.compliance_tab import list_table
from audit_tool.ui.monthly.loading import MonthlyScreen
from audit_tool.ui.table_model import Column, RecordTableModel

ROLE_WHO = {"auditor": "Every auditor", "moderator": "Every moderator", "lead": "Every QA lead"}
PLAN_NOTE = (
    "From the month after it is turned on, on each month's first working day (or when the "
    "app is next opened), the month's audits are drawn at random from these cases into the "
    "programme monthly-YYYY-MM, due at the month's end, and assigned so that each manager "
    "has what is expected of them. No one audits or moderates a case they work on or "
    "manage; a case from an auditor's own team is given only when no other will do."
)


def _filled(combo: QComboBox, items: tuple[tuple[Any, str], ...], first: str | None) -> None:
    chosen = combo.currentData()
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for key, label in items:
        combo.addItem(label, key)
    select_data(combo, chosen)


class PlanTab(QWidget):
    saved = Signal(str)  # what was saved, for the status line

    def __init__(
        self, db: Database, actor: Actor, today: date | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.today = db, actor, today
        self.can_edit = actor.can("programme.edit")
        layout = QVBoxLayout(self)
        layout.addWidget(self._plan_box())
        layout.addWidget(self._expectations_box(), 1)

    # -- building

    def _plan_box(self) -> QGroupBox:
        box = QGroupBox("Standing plan")
        self.plan_form = FieldForm("monthlyPlan_", "monthly plan", "monthlyPlan_message")
        self.active = QCheckBox("Draw each month's audits on its first working day")
        self.plan_form.add("active", "", self.active)
        self.template = self.plan_form.combo("template", "Template")
        self.audit_kind = self.plan_form.combo("audit_kind", "Audit as")
        for kind, label in CHOICES.items():
            self.audit_kind.addItem(label, kind)
        self.team = self.plan_form.combo("team", "Cases from")
        self.case_type = self.plan_form.combo("case_type", "Case type")
        _filled(self.case_type, tuple(CASE_TYPE_LABELS.items()), "Any case type")
        self.save_plan_button = QPushButton("&Save plan")
        self.save_plan_button.setObjectName("monthlyPlanSave")
        self.save_plan_button.clicked.connect(self.save_plan)
        self.draw_button = QPushButton("&Draw this month now")
        self.draw_button.setObjectName("monthlyDrawNow")
        self.draw_button.setToolTip(
            "Draw this month's audits now, or top them up to what is expected today"
        )
        self.draw_button.clicked.connect(self.draw_now)
        note = QLabel(PLAN_NOTE)
        note.setWordWrap(True)
        themes.styled(note, "color: $muted;")
        self.starts = QLabel()
        self.starts.setObjectName("monthlyPlanStarts")
        for widget in (*self.plan_form.fields.values(), self.save_plan_button, self.draw_button):
            widget.setEnabled(self.can_edit)
        inner = QVBoxLayout(box)
        inner.addWidget(self.plan_form.message)
        inner.addLayout(self.plan_form.layout)
        inner.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(self.starts)
        row.addStretch(1)
        row.addWidget(self.draw_button)
        row.addWidget(self.save_plan_button)
        inner.addLayout(row)
        return box

    def _expectations_box(self) -> QGroupBox:
        box = QGroupBox("Expected of each manager, each month")
        self.model = RecordTableModel(
            [
                Column("Who", lambda r: r.who),
                Column("Audits a month", lambda r: r.audits),
                Column("Moderations a month", lambda r: r.moderations),
            ],
            self,
        )
        self.table = list_table("monthlyExpectations", self.model, "Expectations")
        self.table.setSortingEnabled(False)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.form = FieldForm("expect_", "expectation", "expect_message")
        self.who = self.form.combo("who", "Who")
        self.audits = self._spin("audits", "Audits a month")
        self.moderations = self._spin("moderations", "Moderations a month")
        self.set_button = QPushButton("S&et")
        self.set_button.setObjectName("expectSet")
        self.set_button.clicked.connect(self.set_expectation)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setObjectName("expectRemove")
        self.remove_button.clicked.connect(self.remove_expectation)
        note = QLabel(
            "A role's numbers apply to everyone with it (the most of their roles' numbers); "
            "a person's own numbers replace them (0 and 0 exempts them). Only auditors are "
            "given audits and only moderators moderations."
        )
        note.setWordWrap(True)
        themes.styled(note, "color: $muted;")
        for widget in (*self.form.fields.values(), self.set_button, self.remove_button):
            widget.setEnabled(self.can_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.set_button)
        inner = QVBoxLayout(box)
        inner.addWidget(self.table, 1)
        inner.addWidget(self.form.message)
        inner.addLayout(self.form.layout)
        inner.addLayout(buttons)
        inner.addWidget(note)
        return box

    def _spin(self, key: str, label: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, monthly.MAX_A_MONTH)
        spin.setMaximumWidth(spin.fontMetrics().averageCharWidth() * 10)
        self.form.add(key, label, spin)
        return spin

    # -- showing

    def show_screen(self, screen: MonthlyScreen) -> None:
        plan = screen.plan
        _filled(self.template, screen.templates, "(choose)")
        _filled(self.team, screen.teams, "Any team")
        who = tuple((f"role:{r}", w) for r, w in ROLE_WHO.items()) + tuple(
            (f"person:{k}", name) for k, name in screen.people
        )
        _filled(self.who, who, None)
        self.active.setChecked(plan.active)
        select_data(self.template, plan.template_key or None)
        select_data(self.audit_kind, plan.audit_kind)
        select_data(self.team, plan.team_keys[0] if plan.team_keys else None)
        select_data(self.case_type, plan.case_types[0] if plan.case_types else None)
        first = plan.first_month
        self.starts.setText(
            f"Drawn automatically from {first:%B %Y}"
            if plan.active and first
            else "Off: no month is drawn automatically"
        )
        self.model.set_rows(list(screen.expectations))
        self.table.resizeColumnsToContents()
        if screen.expectations and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.remove_button.setEnabled(self.can_edit and bool(screen.expectations))

    def _row_chosen(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row: ExpectationRow = self.model.rows[current.row()]
        who = f"person:{row.person_key}" if row.person_key else f"role:{row.role}"
        select_data(self.who, who)
        self.audits.setValue(row.audits)
        self.moderations.setValue(row.moderations)

    # -- saving

    def _run(self, form: FieldForm, title: str, fn: Callable[[], object], said: str) -> None:
        def beside_fields(exc: AuditToolError) -> bool:
            if isinstance(exc, ValidationError):
                form.show_errors(exc)
                return True
            return False

        form.clear_errors()
        done = (
            ops.Operation(self, lambda _task: fn() or True, title=title, changes={ops.PROGRAMMES})
            .failure(beside_fields)
            .run()
        )
        if done:
            self.saved.emit(said)

    def save_plan(self) -> None:
        db, actor = self.db, self.actor
        team, case_type = self.team.currentData(), self.case_type.currentData()
        active, template = self.active.isChecked(), self.template.currentData() or ""
        kind, today = str(self.audit_kind.currentData()), self.today
        self._run(
            self.plan_form,
            "Monthly plan not saved",
            lambda: monthly.save_plan(
                db,
                actor,
                active=active,
                template_key=template,
                audit_kind=kind,
                team_keys=(team,) if team else (),
                case_types=(case_type,) if case_type else (),
                today=today,
            ),
            "Monthly plan saved" + (": on" if active else ": off"),
        )

    def draw_now(self) -> None:
        db, actor, today = self.db, self.actor, self.today

        def drawn(draw: monthly_draw.MonthDraw) -> None:
            from audit_tool.ui.monthly.draw import drawn_words

            self.saved.emit(
                "Drawn a moment before by another app on the server"
                if draw.drawn_elsewhere
                else drawn_words(draw)
            )

        self.plan_form.clear_errors()
        (
            ops.Operation(
                self,
                lambda _task: monthly_draw.draw_now(db, actor, today=today),
                title="Monthly audits not drawn",
                changes={ops.AUDITS, ops.PROGRAMMES, ops.NOTICES},
                key="draw",
            )
            .busy(self.draw_button)
            .success(drawn)
            .run_in_background()
        )

    def set_expectation(self) -> None:
        db, actor = self.db, self.actor
        kind, _, key = str(self.who.currentData() or "").partition(":")
        audits, moderations = self.audits.value(), self.moderations.value()
        self._run(
            self.form,
            "Expectation not saved",
            lambda: monthly.set_expectation(
                db,
                actor,
                audits=audits,
                moderations=moderations,
                role=key if kind == "role" else None,
                person_key=key if kind == "person" else None,
            ),
            f"Expected of {self.who.currentText()}: {audits} audit(s) and "
            f"{moderations} moderation(s) a month",
        )

    def remove_expectation(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        row: ExpectationRow = self.model.rows[index.row()]
        db, actor = self.db, self.actor
        self._run(
            self.form,
            "Expectation not removed",
            lambda: monthly.remove_expectation(db, actor, row.uuid),
            f"Expectation for {row.who} removed",
        )
