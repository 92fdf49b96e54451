"""Draw a sample for a programme: filters, a cohort rule on the partnership's case fields, how
many cases and the seed; the count of matching cases follows the filters."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.services import programmes, reference
from audit_tool.services.programmes import SampleFilters
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.audit_kind import chosen_kind, kind_choice
from audit_tool.ui.cohort_field import add_cohort_row, show_rule_error
from audit_tool.ui.date_field import DateField
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import FieldForm
from audit_tool.ui.in_place import beside_fields


class SampleDialog(QDialog):
    """Filters and size of a random sample; the seed makes it reproducible."""

    def __init__(
        self, db: Database, actor: Actor, programme: programmes.ProgrammeRow, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.programme = db, actor, programme
        self.sample: list[str] = []
        self.setObjectName("sampleDialog")
        self.setWindowTitle(f"Draw a sample for {programme.name}")
        self.setMinimumWidth(text_width(self, 77))
        layout = QVBoxLayout(self)
        self.form = FieldForm("sample_", "sample", "sample_message")
        layout.addWidget(self.form.message)
        self.team = self.form.combo("team", "Team")
        self.team.addItem("Any team", None)
        for team in reference.list_teams(db, actor, with_case_counts=False):
            self.team.addItem(team.name, team.key)
        self.case_type = self.form.combo("case_type", "Case type")
        self.case_type.addItem("Any case type", None)
        for key, label in CASE_TYPE_LABELS.items():
            self.case_type.addItem(label, key)
        self.level = self.form.combo("level", "Level of need")
        self.level.addItem("Any level", None)
        for level in (1, 2, 3, 4):
            self.level.addItem(f"Level {level}", level)
        # Typed as YYYY-MM-DD and kept as typed; blank: no limit (cases with no opened date
        # included).
        self.opened_from = DateField(None)
        self.opened_from.setAccessibleName("Opened from")
        self.form.add("opened_from", "Opened from", self.opened_from)
        self.opened_to = DateField(None)
        self.opened_to.setAccessibleName("Opened to")
        self.form.add("opened_to", "Opened to", self.opened_to)
        for field in (self.opened_from, self.opened_to):
            field.line.editingFinished.connect(self._count)
        self.cohort = add_cohort_row(self, self.form, db, actor)
        self.cohort.editingFinished.connect(self._count)
        self.sample_size = QSpinBox()
        self.sample_size.setRange(1, 10000)
        self.sample_size.setValue(programme.sample_size or 10)
        self.form.add("sample_size", "How many cases", self.sample_size)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setSpecialValueText("(choose one for me)")
        self.form.add("seed", "Seed", self.seed)
        self.audit_kind = kind_choice(programme, "kind")
        if self.audit_kind is not None:
            self.form.add("kind", "Audit as", self.audit_kind)
        layout.addLayout(self.form.layout)
        self.found = QLabel()
        self.found.setObjectName("sample_found")
        layout.addWidget(self.found)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        draw = buttons.addButton("Draw sample", QDialogButtonBox.ButtonRole.AcceptRole)
        draw.setObjectName("sample_draw")
        buttons.accepted.connect(self.draw)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for combo in (self.team, self.case_type, self.level):
            combo.currentIndexChanged.connect(lambda _i: self._count())
        self._count()

    def filters(self) -> SampleFilters:
        team, case_type, level = (
            self.team.currentData(),
            self.case_type.currentData(),
            self.level.currentData(),
        )
        return SampleFilters(
            team_keys=(team,) if team else (),
            case_types=(case_type,) if case_type else (),
            levels=(level,) if level else (),
            opened_from=self.opened_from.value()[0],
            opened_to=self.opened_to.value()[0],
            cohort=self.cohort.text(),
        )

    def kind(self) -> str | None:
        """The kind of audit chosen for the sample (None: the programme's usual kind)."""
        return chosen_kind(self.audit_kind)

    def _dates_unreadable(self) -> bool:
        """Say beside each date that cannot be read why not; True if one cannot."""
        problems = {
            key: problem
            for key, field in (("opened_from", self.opened_from), ("opened_to", self.opened_to))
            if (problem := field.value()[1])
        }
        if problems:
            self.form.show_errors(ValidationError("A date cannot be read", problems))
        return bool(problems)

    def _count(self) -> None:
        db, actor, filters, key = self.db, self.actor, self.filters(), self.programme.key
        self.form.clear_errors()
        if self._dates_unreadable():
            self.found.setText("No cases match until the dates can be read.")
            return
        refs = (
            ops.Operation(
                self,
                lambda _t: programmes.candidate_cases(db, actor, filters, programme_key=key),
                title="No sample",
            )
            .failure(lambda exc: show_rule_error(self.form, exc))
            .run()
        )
        if refs is None:
            self.found.setText("No cases match until the cohort rule can be used.")
            return
        self.found.setText(f"{len(refs):,} case(s) match and are not yet in the programme.")

    def draw(self) -> None:
        self.form.clear_errors()
        if self._dates_unreadable():
            return
        db, actor, key, filters = self.db, self.actor, self.programme.key, self.filters()
        size, seed = self.sample_size.value(), self.seed.value() or None
        sample = (
            ops.Operation(
                self,
                lambda _task: programmes.draw_sample(db, actor, key, filters, size, seed=seed),
                title="No sample",
            )
            .failure(beside_fields(self.form.show_errors))
            .run()
        )
        if sample is None:
            return
        self.sample = sample
        self.accept()
