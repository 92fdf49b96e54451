"""Programmes: plan an audit programme, draw its sample of cases, assign auditors.

A QA lead creates a programme (monthly, thematic, multi-agency or SEND) with its template and
dates, draws a reproducible random sample of cases (filters and seed are kept with it), and
assigns each audit's auditors and moderator; the service refuses any assignment that breaks
the rules and says why. Monthly programmes show each auditor's audits due, done and overdue.

The programmes and a programme's audits load in the pool (operations keyed "programmes" and
"audits": a newer load drops an older one's result); saves run as operations on the GUI thread,
their errors beside the fields or in a dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.models.audits import PROGRAMME_KINDS, SEND_PARTS
from audit_tool.services import programmes, reference, templates
from audit_tool.services.audits import STATUS_LABELS
from audit_tool.services.programmes import AUDIT_KIND_LABELS, KIND_LABELS
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.audit_kind import chosen_kind, kind_choice
from audit_tool.ui.date_field import DateField
from audit_tool.ui.filters import text_width
from audit_tool.ui.forms import ERROR_STYLE, FieldForm, confirm, select_data
from audit_tool.ui.operations import AUDITS, PROGRAMMES
from audit_tool.ui.table_model import Column, PagedTableModel, RecordTableModel, show_rows

SAMPLE_ROWS = 30  # rows read to size the audits' columns (the visible ones first)

# A programme's audits as loaded in the pool: the programme, its audits, the monthly figures.
Audits = tuple[str, list[programmes.AssignmentRow], list[programmes.ComplianceRow]]


def in_form(form: FieldForm) -> Callable[[AuditToolError], bool]:
    """An operation's failure handler: a ValidationError beside the form's fields (True: shown);
    any other error goes on to the usual dialog."""

    def handler(exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError):
            form.show_errors(exc)
            return True
        return False

    return handler


def _table(name: str, model: RecordTableModel) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ProgrammesView(QWidget):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({PROGRAMMES, AUDITS})
    changed = Signal()
    status_message = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("programmesView")
        self.can_edit = actor.can("programme.edit")
        self.current: programmes.ProgrammeRow | None = None
        title = QLabel("Programmes")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self._build_table()
        form_box = self._build_form()
        self._build_audit_table()
        audits_box = self._build_audits_box()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(form_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(audits_box)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(main, 1)
        self.refresh()

    def _build_table(self) -> None:
        self.model = RecordTableModel(
            [
                Column("Programme", lambda r: r.name),
                Column("Kind", lambda r: KIND_LABELS[r.kind]),
                Column("Theme", lambda r: r.theme or ""),
                Column("Starts", lambda r: r.starts_on.isoformat()),
                Column("Due", lambda r: r.due_on.isoformat()),
                Column("Audits", lambda r: r.audits),
            ],
            self,
        )
        self.table = _table("programmesTable", self.model)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _build_form(self) -> QWidget:
        """The programme's form, with New and Save."""
        db, actor = self.db, self.actor
        self.form = FieldForm("programme_", "programme", "programme_message")
        self.name = self.form.line("name", "Name", "e.g. Monthly audits, March 2026")
        self.key = self.form.line("key", "Key", "e.g. monthly-2026-03")
        self.kind = self.form.combo("kind", "Kind")
        for kind in PROGRAMME_KINDS:
            self.kind.addItem(KIND_LABELS[kind], kind)
        self.theme = self.form.line("theme", "Theme", "for a thematic programme")
        self.template = self.form.combo("template", "Template")
        for tpl in templates.list_templates(db, actor) if actor.can("template.view") else []:
            dip = ", dip sample: one auditor" if tpl.kind == "single" else ""
            self.template.addItem(f"{tpl.name} (v{tpl.version}{dip})", tpl.key)
        # Typed as YYYY-MM-DD and kept as typed (QDateEdit would change a typed year).
        self.starts_on = DateField(date.today())
        self.form.add("starts_on", "Starts", self.starts_on)
        self.due_on = DateField(date.today())
        self.form.add("due_on", "Due", self.due_on)
        self.new_button = QPushButton("&New programme")
        self.new_button.setObjectName("programmeNew")
        self.new_button.clicked.connect(self.new_programme)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("programmeSave")
        self.save_button.clicked.connect(self.save)
        for widget in (*self.form.fields.values(), self.new_button, self.save_button):
            widget.setEnabled(self.can_edit)

        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.setContentsMargins(8, 0, 0, 0)
        form_layout.addWidget(self.form.message)
        form_layout.addLayout(self.form.layout)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form_layout.addLayout(buttons)
        form_layout.addStretch(1)
        return form_box

    def _build_audit_table(self) -> None:
        """The programme's audits, with Draw sample, Add cases and Assign."""
        actor = self.actor
        self.audit_model = PagedTableModel(  # a programme may hold thousands
            [
                Column("Case", lambda r: r.case_ref),
                Column("Kind", lambda r: AUDIT_KIND_LABELS.get(r.kind, r.kind)),
                Column("Status", lambda r: STATUS_LABELS[r.status]),
                Column("Auditors", lambda r: ", ".join(r.reviewer_names)),
                Column("Moderator", lambda r: r.moderator_name or ""),
            ],
            self,
        )
        self.audit_table = _table("programmeAudits", self.audit_model)
        self.audit_table.horizontalHeader().setResizeContentsPrecision(SAMPLE_ROWS)
        self.audit_table.activated.connect(lambda _i: self.assign_selected())
        self.sample_button = QPushButton("Draw &sample...")
        self.sample_button.setObjectName("programmeSample")
        self.sample_button.clicked.connect(self.draw_sample)
        self.pick_button = QPushButton("Add &cases by hand...")
        self.pick_button.setObjectName("programmePick")
        self.pick_button.clicked.connect(self.pick_cases)
        self.assign_button = QPushButton("&Assign auditors...")
        self.assign_button.setObjectName("programmeAssign")
        self.assign_button.clicked.connect(self.assign_selected)
        for button in (self.sample_button, self.pick_button, self.assign_button):
            button.setVisible(actor.can("audit.assign"))
        self.compliance = QLabel()
        self.compliance.setObjectName("programmeCompliance")
        self.compliance.setWordWrap(True)
        self.compliance.setTextFormat(Qt.TextFormat.RichText)

    def _build_audits_box(self) -> QWidget:
        audits_box = QWidget()
        audits_layout = QVBoxLayout(audits_box)
        audits_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.audits_title = QLabel("<b>Audits</b>")
        head.addWidget(self.audits_title)
        head.addStretch(1)
        head.addWidget(self.sample_button)
        head.addWidget(self.pick_button)
        head.addWidget(self.assign_button)
        audits_layout.addLayout(head)
        audits_layout.addWidget(self.audit_table, 1)
        audits_layout.addWidget(self.compliance)
        return audits_box

    # -- programmes

    def refresh(self, keep: str | None = None) -> None:
        """List the programmes (in the pool), then select `keep` or the current one."""
        keep = keep or (self.current.key if self.current else None)
        db, actor = self.db, self.actor

        def show(rows: list[programmes.ProgrammeRow]) -> None:
            if not show_rows(self.table, self.model, rows, keep):
                self.new_programme()

        (
            ops.Operation(
                self,
                lambda _task: programmes.list_programmes(db, actor),
                title="Programmes",
                key="programmes",
            )
            .success(show)
            .run_in_background()
        )

    def loading(self) -> bool:
        """Whether the programmes or a programme's audits are still loading."""
        return ops.is_running(self, "programmes") or ops.is_running(self, "audits")

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        if self.current is None or self.current.key != row.key:
            self._clear_audits("<b>Audits</b> (loading...)")
        self.current = row
        self.form.clear_errors()
        self.name.setText(row.name)
        self.key.setText(row.key)
        select_data(self.kind, row.kind)
        self.theme.setText(row.theme or "")
        select_data(self.template, row.template_key)
        self.starts_on.set_date(row.starts_on)
        self.due_on.set_date(row.due_on)
        self._load_audits()

    def new_programme(self) -> None:
        self.table.clearSelection()
        self.current = None
        self.form.clear_errors()
        for edit in (self.name, self.key, self.theme):
            edit.clear()
        # Not the dates of the programme selected before: from today, due when the lead says.
        self.starts_on.set_date(date.today())
        self.due_on.set_date(None)
        self._clear_audits("<b>Audits</b> (save the programme first)")
        self.name.setFocus()

    def _clear_audits(self, title: str) -> None:
        """No audits listed (a new programme, or another one's still loading)."""
        self.audit_model.set_rows([])
        self.audits_title.setText(title)
        self.compliance.clear()
        self.sample_button.setEnabled(False)
        self.pick_button.setEnabled(False)
        self.assign_button.setEnabled(False)

    def save(self) -> None:
        db, actor = self.db, self.actor
        starts_on, starts_problem = self.starts_on.value()
        due_on, due_problem = self.due_on.value()
        fields: dict[str, Any] = {
            "key": self.key.text(),
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "template_key": self.template.currentData() or "",
            "starts_on": starts_on,
            "due_on": due_on,
            "theme": self.theme.text(),
            "original_key": self.current.key if self.current else None,
        }
        beside_fields = in_form(self.form)

        def refused(exc: AuditToolError) -> bool:
            if isinstance(exc, ValidationError):
                # A date that cannot be read reaches the service as None: say why, beside it.
                for key, problem in (("starts_on", starts_problem), ("due_on", due_problem)):
                    if problem:
                        exc.fields[key] = problem
            return bool(beside_fields(exc))

        row = (
            ops.Operation(
                self,
                lambda _task: programmes.save_programme(db, actor, **fields),
                title="Programme not saved",
            )
            .failure(refused)
            .run()
        )
        if row is None:
            return
        self.form.clear_errors()  # saved: what was wrong is put right
        self.current = row
        self.refresh(keep=row.key)
        self.status_message.emit(f"Programme {row.name} saved")
        self.changed.emit()

    # -- audits

    def _load_audits(self) -> None:
        """Load the current programme's audits (and, for a monthly one, each auditor's figures
        for its month) in the pool; shown if that programme is still the one selected."""
        if self.current is None:
            return
        db, actor, programme = self.db, self.actor, self.current

        def load(_task: ops.Task) -> Audits:
            rows = programmes.list_assignments(db, actor, programme.key)
            monthly = (
                programmes.monthly_compliance(db, actor, programme.due_on)
                if programme.kind == "monthly"
                else []
            )
            return programme.key, rows, monthly

        (
            ops.Operation(self, load, title="Programme's audits", key="audits")
            .success(self._show_audits)
            .run_in_background()
        )

    def _show_audits(self, loaded: Audits) -> None:
        key, rows, monthly = loaded
        if self.current is None or self.current.key != key:
            return  # another programme was chosen meanwhile
        self.audit_model.set_rows(rows)
        self.audit_table.resizeColumnsToContents()  # the visible rows and a sample (SAMPLE_ROWS)
        sample = ""
        if self.current.sample_seed is not None:
            sample = f" &middot; sample drawn with seed {self.current.sample_seed}"
            kept = self.current.sample_filters
            if kept is not None and kept.cohort:
                sample += f" from the cohort <i>{escape(kept.cohort)}</i>"
        self.audits_title.setText(f"<b>Audits</b> ({len(rows)}){sample}")
        self.sample_button.setEnabled(True)
        self.pick_button.setEnabled(True)
        self.assign_button.setEnabled(bool(rows))
        if rows:
            self.audit_table.selectRow(0)
        self.compliance.clear()
        if self.current.kind == "monthly":
            month = self.current.due_on
            error = themes.current().error
            lines = [
                f"{r.name}: {r.due} due, {r.done} done"
                + (f", <span style='color:{error}'>{r.overdue} overdue</span>" if r.overdue else "")
                for r in monthly
            ]
            if lines:
                self.compliance.setText(
                    f"<b>{month:%B %Y}, per auditor:</b> " + " &middot; ".join(lines)
                )

    def draw_sample(self) -> None:
        if self.current is None:
            return
        from audit_tool.ui.sample_dialog import SampleDialog

        dialog = SampleDialog(self.db, self.actor, self.current, self)
        if not dialog.exec() or not dialog.sample:
            return
        if not confirm(
            self,
            "Add the sample",
            f"Add {len(dialog.sample)} audit(s) to {self.current.name}?\n\n"
            + ", ".join(dialog.sample[:30])
            + (" ..." if len(dialog.sample) > 30 else ""),
        ):
            return
        db, actor, key, sample, kind = (
            self.db,
            self.actor,
            self.current.key,
            dialog.sample,
            dialog.kind(),
        )
        added = ops.Operation(
            self,
            lambda _task: programmes.add_audits(db, actor, key, sample, kind=kind),
            title="Audits not added",
        ).run()
        if added is None:
            return
        self.refresh(keep=self.current.key)
        self.status_message.emit(f"{len(dialog.sample)} audit(s) added")
        self.changed.emit()

    def pick_cases(self) -> None:
        """Add cases chosen by hand: their references, separated by commas or new lines."""
        if self.current is None:
            return
        dialog = PickCasesDialog(self.db, self.actor, self.current, self)
        if not dialog.exec():
            return
        self.refresh(keep=self.current.key)
        self.status_message.emit(f"{len(dialog.added)} audit(s) added")
        self.changed.emit()

    def assign_selected(self) -> None:
        indexes = self.audit_table.selectionModel().selectedRows()
        if not indexes or not self.actor.can("audit.assign"):
            return
        row = self.audit_model.rows[indexes[0].row()]
        dialog = AssignDialog(self.db, self.actor, row, self)
        if dialog.exec():
            self._load_audits()
            self.status_message.emit(f"Auditors assigned to the audit of case {row.case_ref}")
            self.changed.emit()


def typed_refs(text: str) -> list[str]:
    return [r.strip() for r in text.replace(",", "\n").splitlines() if r.strip()]


class PickCasesDialog(QDialog):
    """Case references typed by hand. A reference that cannot be added is named, with every
    other fault, and the typed list stays as it was; the valid ones can be added alone."""

    def __init__(
        self, db: Database, actor: Actor, programme: programmes.ProgrammeRow, parent: QWidget
    ) -> None:
        from PySide6.QtWidgets import QPlainTextEdit

        super().__init__(parent)
        self.db, self.actor, self.programme = db, actor, programme
        self.added: list[str] = []
        self.setObjectName("pickCasesDialog")
        self.setWindowTitle(f"Add cases by hand to {programme.name}")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        layout = QVBoxLayout(self)
        intro = QLabel("Case references to audit, one per line or separated by commas:")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.refs = QPlainTextEdit()
        self.refs.setObjectName("pickCases_refs")
        self.refs.setAccessibleName("Case references")
        self.refs.setTabChangesFocus(True)
        intro.setBuddy(self.refs)
        layout.addWidget(self.refs)
        self.audit_kind = kind_choice(programme, "pickCases_kind")
        if self.audit_kind is not None:
            self.audit_kind.setAccessibleName("Audit as")
            layout.addWidget(QLabel("Audit as:"))
            layout.addWidget(self.audit_kind)
        self.message = QLabel()
        self.message.setObjectName("pickCases_message")
        self.message.setWordWrap(True)
        themes.styled(self.message, ERROR_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton("Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("pickCases_add")
        self.add_valid_button = buttons.addButton(
            "Add the valid ones", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.add_valid_button.setObjectName("pickCases_addValid")
        self.add_valid_button.hide()
        self.add_button.clicked.connect(self.add_all)
        self.add_valid_button.clicked.connect(self.add_valid)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refs.textChanged.connect(self._edited)
        self._valid: tuple[str, ...] = ()

    def _edited(self) -> None:
        self.message.hide()
        self.add_valid_button.hide()

    def add_all(self) -> None:
        refs = typed_refs(self.refs.toPlainText())
        if not refs:
            self._say("Type at least one case reference.")
            return
        db, actor, key = self.db, self.actor, self.programme.key
        check = (
            ops.Operation(
                self,
                lambda _task: programmes.check_refs(db, actor, key, refs),
                title="Cases not checked",
            )
            .failure(self._said)
            .run()
        )
        if check is None:
            return
        if check.unknown or check.duplicates:
            self._valid = check.valid
            self._say(check.message(self.programme.name) + ".")
            if check.valid:
                self.add_valid_button.setText(f"Add the {len(check.valid)} valid one(s)")
                self.add_valid_button.show()
            return
        self._add(refs)

    def add_valid(self) -> None:
        self._add(list(self._valid))

    def _add(self, refs: list[str]) -> None:
        db, actor, key = self.db, self.actor, self.programme.key
        kind = chosen_kind(self.audit_kind)
        added = (
            ops.Operation(
                self,
                lambda _task: programmes.add_audits(db, actor, key, refs, kind=kind),
                title="Audits not added",
            )
            .failure(self._said)
            .run()
        )
        if added is None:
            return
        self.added = refs
        self.accept()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _said(self, exc: AuditToolError) -> bool:
        """An operation's error, in the dialog's message line."""
        self._say(str(exc))
        return True


AUDIT_KIND_WORDS = {
    "looped": "a looped audit (two auditors, then moderation)",
    "single": "a dip sample (one auditor, not moderated)",
    "multi_agency": "a multi-agency audit (one auditor per agency)",
    "send": "a SEND audit (education, health and social care)",
}


class AssignDialog(QDialog):
    """Who audits and who moderates one audit; the service checks the rules."""

    def __init__(
        self, db: Database, actor: Actor, row: programmes.AssignmentRow, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.db, self.actor, self.row = db, actor, row
        self.setObjectName("assignDialog")
        self.setWindowTitle(f"Assign: audit of case {row.case_ref}")
        self.setMinimumWidth(text_width(self, 80))
        layout = QVBoxLayout(self)
        due = f", due {row.due_on:%d %b %Y}" if row.due_on else ""
        kind = escape(AUDIT_KIND_WORDS.get(row.kind, row.kind))
        heading = QLabel(
            f"<b>Case {escape(row.case_ref)}</b>: {kind}{due}. The case's own worker and "
            "their manager cannot audit it, and the moderator cannot be one of its auditors."
        )
        heading.setObjectName("assign_case")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.form = FieldForm("assign_", "assignment", "assign_message")
        layout.addWidget(self.form.message)
        people = reference.list_people(db, actor, include_inactive=False)
        auditors = [p for p in people if "auditor" in p.roles]
        moderators = [p for p in people if "moderator" in p.roles]
        current = dict(row.reviewers)
        current_keys = [k for k, _ in row.reviewers]
        self.reviewer_combos: dict[str, QComboBox] = {}
        self.agency_list: QListWidget | None = None
        if row.kind == "multi_agency":
            self.agency_list = QListWidget()
            self.agency_list.setObjectName("assign_reviewers")
            for person in auditors:
                item = QListWidgetItem(f"{person.name} ({person.agency_name})")
                item.setData(Qt.ItemDataRole.UserRole, person.key)
                item.setCheckState(
                    Qt.CheckState.Checked if person.key in current else Qt.CheckState.Unchecked
                )
                self.agency_list.addItem(item)
            self.form.add("reviewers", "One auditor per agency", self.agency_list)
        else:
            slots = (
                list(SEND_PARTS)
                if row.kind == "send"
                else (["A"] if row.kind == "single" else ["A", "B"])
            )
            for i, slot in enumerate(slots):
                combo = QComboBox()
                combo.addItem("(choose)", None)
                for person in auditors:
                    combo.addItem(f"{person.name} ({person.agency_name})", person.key)
                if row.kind == "send":
                    chosen = next((k for k, p in row.reviewers if p == slot), None)
                else:
                    chosen = current_keys[i] if i < len(current_keys) else None
                select_data(combo, chosen)
                label = (
                    f"{slot.replace('_', ' ').capitalize()} auditor"
                    if row.kind == "send"
                    else ("Auditor" if row.kind == "single" else f"Auditor {slot}")
                )
                key = "reviewers" if i == 0 else f"reviewer_{slot}"
                self.form.add(key, label, combo)
                self.reviewer_combos[slot] = combo
        self.moderator = QComboBox()
        self.moderator.addItem("(none)" if row.kind == "single" else "(choose)", None)
        for person in moderators:
            self.moderator.addItem(f"{person.name} ({person.agency_name})", person.key)
        select_data(self.moderator, row.moderator_key)
        self.moderator.setEnabled(row.kind != "single")
        self.form.add("moderator", "Moderator", self.moderator)
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.addButton("Assign", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("assign_ok")
        buttons.accepted.connect(self.assign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reviewers(self) -> list[str] | dict[str, str]:
        if self.agency_list is not None:
            return [
                str(self.agency_list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.agency_list.count())
                if self.agency_list.item(i).checkState() == Qt.CheckState.Checked
            ]
        chosen = {slot: combo.currentData() for slot, combo in self.reviewer_combos.items()}
        if self.row.kind == "send":
            return {slot: key for slot, key in chosen.items() if key}
        return [key for key in chosen.values() if key]

    def assign(self) -> None:
        db, actor, uuid = self.db, self.actor, self.row.audit_uuid
        reviewers, moderator = self.reviewers(), self.moderator.currentData()
        assigned = (
            ops.Operation(
                self,
                lambda _task: programmes.assign(
                    db, actor, uuid, reviewers=reviewers, moderator=moderator
                ),
                title="Not assigned",
            )
            .failure(in_form(self.form))
            .run()
        )
        if assigned is not None:
            self.accept()
