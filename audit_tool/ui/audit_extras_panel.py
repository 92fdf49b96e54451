"""What an audit holds beside its reviews, as tabs: family feedback, learning points, actions
and feedback given to the worker. Shown under the audit form and the moderation screen.

Buttons are disabled where the service would refuse (a final audit keeps its feedback and
learning; actions and worker feedback still move on), but the service decides: its refusal is
shown as it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ValidationError
from audit_tool.services import audit_screen, feedback, learning, worker_feedback
from audit_tool.services.audit_screen import AuditExtras
from audit_tool.services.feedback import CHANNEL_LABELS, RESPONDENT_LABELS, FeedbackRow
from audit_tool.services.learning import LearningRow
from audit_tool.services.learning_actions import SCOPE_LABELS, ActionRow
from audit_tool.services.worker_feedback import WorkerFeedbackRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.date_field import DateField
from audit_tool.ui.extras_dialogs import (
    ActionDialog,
    ActionStatusDialog,
    FeedbackDialog,
    LearningPointDialog,
)
from audit_tool.ui.filters import list_table, text_width
from audit_tool.ui.forms import confirm, field_with_error
from audit_tool.ui.table_model import Column, RecordTableModel

HOW_CHOICES = ("Face to face", "In supervision", "By phone", "By email", "At a team meeting")
MAX_COLUMN_CHARS = 53  # in average characters of the table font
MUTED = "color: $muted;"

_Index = QModelIndex | QPersistentModelIndex


def answers_summary(answers: dict[str, str]) -> str:
    """ "4 yes, 1 partly" over the questions asked; "none asked" when none were."""
    counts = [(sum(1 for a in answers.values() if a == key), key) for key in ("yes", "partly")]
    counts.append((sum(1 for a in answers.values() if a == "no"), "no"))
    parts = [f"{n} {key}" for n, key in counts if n]
    return ", ".join(parts) or "none asked"


def action_status(row: ActionRow) -> str:
    if row.status == "open" or row.completed_on is None:
        return row.status_label
    who = f"{row.completed_by}, " if row.completed_by else ""
    return f"{row.status_label} ({who}{row.completed_on.isoformat()})"


class _ActionModel(RecordTableModel):
    """Actions, with the overdue ones in red."""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return themes.qcolor("error") if self.rows[index.row()].overdue else None
        return super().data(index, role)


FEEDBACK_COLUMNS = [
    Column("Date", lambda r: r.collected_on.isoformat()),
    Column("Respondent", lambda r: RESPONDENT_LABELS.get(r.respondent, r.respondent)),
    Column("How", lambda r: CHANNEL_LABELS.get(r.channel, r.channel)),
    Column("Consent", lambda r: r.consent),
    Column("Answers", lambda r: answers_summary(r.answers)),
    Column("Comment", lambda r: r.comment),
    Column("Shareable", lambda r: r.shareable),
    Column("Recorded by", lambda r: r.author_name),
]
LEARNING_COLUMNS = [
    Column("Kind", lambda r: r.kind_label),
    Column("Practice area", lambda r: r.item_label or ""),
    Column("Learning point", lambda r: r.text),
    Column("Themes", lambda r: ", ".join(r.themes)),
    Column("In briefings", lambda r: r.in_briefing),
    Column("Recorded by", lambda r: r.author_name),
]
ACTION_COLUMNS = [
    Column("Action", lambda r: r.text),
    Column("Owner", lambda r: r.owner_name),
    Column("Due", lambda r: r.due_on.isoformat()),
    Column("Status", action_status),
    Column("Scope", lambda r: SCOPE_LABELS.get(r.scope, r.scope)),
    Column("Overdue", lambda r: "Overdue" if r.overdue else ""),
]


class _ListTab(QWidget):
    """A list of records with its buttons and an empty-state message."""

    def __init__(
        self,
        name: str,
        columns: list[Column],
        empty_text: str,
        model: RecordTableModel,
        stretch: str,
    ) -> None:
        super().__init__()
        self.setObjectName(f"extras_{name}")
        self.model = model
        # The free-text column takes the spare width; the others fit their contents.
        self.stretch = [c.title for c in columns].index(stretch)
        self.table = list_table(f"extras_{name}Table", name.capitalize(), self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(empty_text)
        self.empty.setObjectName(f"extras_{name}Empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        themes.styled(self.empty, MUTED + " padding: 16px;")
        self.buttons = QHBoxLayout()
        self.note = QLabel()
        self.note.setObjectName(f"extras_{name}Note")
        themes.styled(self.note, MUTED)
        self.note.setWordWrap(True)
        self.buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(self.buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed())
        self.on_selection: Callable[[], None] = lambda: None

    def button(self, name: str, text: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"{self.objectName()}{name}")
        button.setToolTip(tip)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def show_rows(self, rows: list[Any], keep: str | None = None) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        cap = text_width(self.table, MAX_COLUMN_CHARS)
        for column in range(self.model.columnCount()):
            if column != self.stretch and header.sectionSize(column) > cap:
                header.resizeSection(column, cap)
        uuids = [r.uuid for r in rows]
        if keep in uuids:
            self.table.selectRow(uuids.index(keep))
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.selection_changed()

    def selected(self) -> Any:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def selection_changed(self) -> None:
        self.on_selection()


class AuditExtrasPanel(QTabWidget):
    """Family feedback, learning, actions and feedback to the worker of one audit."""

    changed = Signal()  # after any saved change

    def __init__(
        self,
        db: Database,
        actor: Actor,
        audit_uuid: str,
        parent: QWidget | None = None,
        *,
        extras: AuditExtras | None = None,
    ) -> None:
        """`extras`: what the window read when it opened (services/audit_screen.py); without
        them the panel reads them itself."""
        super().__init__(parent)
        self.db, self.actor, self.audit_uuid = db, actor, audit_uuid
        self.setObjectName("auditExtras")
        extras = extras or audit_screen.audit_extras(db, actor, audit_uuid)
        self.view = extras.view
        self.item_choices = [(i.key, i.label) for i in self.view.template.graded_items]
        self._built = False

        self.feedback_tab = _ListTab(
            "feedback",
            FEEDBACK_COLUMNS,
            "No feedback recorded yet: add a conversation with a parent, carer or child.",
            RecordTableModel(FEEDBACK_COLUMNS),
            stretch="Comment",
        )
        tab = self.feedback_tab
        self.feedback_add = tab.button("Add", "&Add feedback...", self.add_feedback)
        self.feedback_edit = tab.button("Edit", "Edit...", self.edit_feedback)
        self.feedback_delete = tab.button("Delete", "Delete", self.delete_feedback)
        tab.table.doubleClicked.connect(lambda _i: self.edit_feedback())
        tab.on_selection = self._enable
        self.addTab(tab, "Family feedback")

        self.learning_tab = _ListTab(
            "learning",
            LEARNING_COLUMNS,
            "No learning points yet: add what this audit shows is working well, and what to "
            "develop.",
            RecordTableModel(LEARNING_COLUMNS),
            stretch="Learning point",
        )
        tab = self.learning_tab
        self.learning_add = tab.button("Add", "&Add learning point...", self.add_learning)
        self.learning_edit = tab.button("Edit", "Edit...", self.edit_learning)
        self.learning_delete = tab.button("Delete", "Delete", self.delete_learning)
        tab.table.doubleClicked.connect(lambda _i: self.edit_learning())
        tab.on_selection = self._enable
        self.addTab(tab, "Learning")

        self.actions_tab = _ListTab(
            "actions",
            ACTION_COLUMNS,
            "No actions yet: raise one for the case or for the service, with an owner and a "
            "due date.",
            _ActionModel(ACTION_COLUMNS),
            stretch="Action",
        )
        tab = self.actions_tab
        self.action_add = tab.button("Add", "Raise ac&tion...", self.add_action)
        self.action_edit = tab.button("Edit", "Edit...", self.edit_action)
        self.action_complete = tab.button("Complete", "Co&mplete...", self.complete_action)
        self.action_cancel = tab.button("Cancel", "Cancel action...", self.cancel_action)
        tab.table.doubleClicked.connect(lambda _i: self.edit_action())
        tab.on_selection = self._enable
        self.addTab(tab, "Actions")

        self.worker_tab = self._worker_tab()
        self.addTab(self.worker_tab, "Feedback to worker")
        self._built = True
        self.show_extras(extras)

    # -- building

    def _worker_tab(self) -> QWidget:
        page = QWidget()
        page.setObjectName("extras_worker")
        page_layout = QHBoxLayout(page)
        page_layout.setContentsMargins(10, 10, 10, 10)
        column = QWidget()  # a readable column, not inputs stretched across the window
        column.setMaximumWidth(text_width(column, 105))
        page_layout.addWidget(column, 1, Qt.AlignmentFlag.AlignTop)
        page_layout.addStretch(0)
        outer = QVBoxLayout(column)
        outer.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            "Was the worker whose case was audited, and their manager, told what the audit "
            "found? The partnership reports the share of workers given direct feedback."
        )
        intro.setWordWrap(True)
        themes.styled(intro, MUTED)
        outer.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.to_worker = QCheckBox("Feedback given to the worker")
        self.to_worker.setObjectName("extras_toWorker")
        self.to_worker.setAccessibleName("Feedback given to the worker")
        self.to_manager = QCheckBox("Feedback given to their manager")
        self.to_manager.setObjectName("extras_toManager")
        self.to_manager.setAccessibleName("Feedback given to their manager")
        self.given_on = DateField(date.today())
        given_box, self.given_on_error = field_with_error(
            self.given_on, "extras_givenOn", "Date feedback was given"
        )
        self.how = QComboBox()
        self.how.setEditable(True)
        self.how.addItems(HOW_CHOICES)
        self.how.setCurrentIndex(-1)
        how_line = self.how.lineEdit()
        assert how_line is not None  # editable
        how_line.setPlaceholderText("Choose or type how")
        self.how.setMinimumWidth(text_width(self.how, 43))
        self.given_on.setMinimumWidth(text_width(self.given_on, 27))
        how_box, self.how_error = field_with_error(self.how, "extras_how", "How it was given")
        form.addRow("", self.to_worker)
        form.addRow("", self.to_manager)
        form.addRow("Date", given_box)
        form.addRow("How", how_box)
        for checkbox in (self.to_worker, self.to_manager):
            checkbox.toggled.connect(self._worker_inputs)
        self.worker_save = QPushButton("Sa&ve feedback to worker")
        self.worker_save.setObjectName("extras_workerSave")
        self.worker_save.clicked.connect(self.save_worker_feedback)
        form.addRow("", self.worker_save)
        outer.addLayout(form)
        self.worker_status = QLabel()
        self.worker_status.setObjectName("extras_workerStatus")
        self.worker_status.setWordWrap(True)
        outer.addWidget(self.worker_status)
        sheet_note = QLabel(
            "Once the audit is confirmed: its findings on one page for the worker and their "
            "manager (final grades, what works, what to improve, actions, the rationale). "
            "Saving it records the feedback as given today."
        )
        sheet_note.setWordWrap(True)
        outer.addWidget(sheet_note)
        self.worker_sheet_button = QPushButton("Feedback &sheet for the worker (PDF)...")
        self.worker_sheet_button.setObjectName("extras_workerSheet")
        self.worker_sheet_button.clicked.connect(self.export_worker_sheet)
        outer.addWidget(self.worker_sheet_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._sheet_operation: ops.Operation[Path] | None = None
        return page

    # -- state

    def _title(self, page: QWidget, text: str) -> None:
        self.setTabText(self.indexOf(page), text)

    def refresh(self) -> None:
        """Read the audit's feedback, learning, actions and worker feedback again (one
        session, one audit: quick, so on the GUI thread, and the tabs show it at once)."""
        db, actor, audit_uuid = self.db, self.actor, self.audit_uuid
        ops.Operation(
            self, lambda _task: audit_screen.audit_extras(db, actor, audit_uuid), title="Audit"
        ).success(self.show_extras).run()

    def show_extras(self, extras: AuditExtras) -> None:
        self.view = extras.view
        fb_rows, lp_rows, action_rows = extras.feedback, extras.learning, extras.actions
        worker = extras.worker
        self._show(self.feedback_tab, fb_rows)
        self._show(self.learning_tab, lp_rows)
        self._show(self.actions_tab, action_rows)
        self._title(self.feedback_tab, f"Family feedback ({len(fb_rows)})")
        self._title(self.learning_tab, f"Learning ({len(lp_rows)})")
        overdue = sum(1 for r in action_rows if r.overdue)
        self._title(
            self.actions_tab,
            f"Actions ({len(action_rows)}" + (f", {overdue} overdue" if overdue else "") + ")",
        )
        self._fill_worker(worker)
        blind = self.view.my_review is not None and any(
            r.status != "submitted" for r in self.view.reviews
        )
        blind_note = "Until every review is in you see only what you recorded." if blind else ""
        locked_note = (
            "The audit is final: its feedback and learning are locked." if self.final else ""
        )
        for tab in (self.feedback_tab, self.learning_tab):
            tab.note.setText(locked_note or blind_note)
        self.actions_tab.note.setText(blind_note)
        self._enable()

    @staticmethod
    def _show(tab: _ListTab, rows: list[Any]) -> None:
        current = tab.selected()
        tab.show_rows(rows, current.uuid if current is not None else None)

    @property
    def final(self) -> bool:
        return self.view.status == "final"

    @property
    def takes_part(self) -> bool:
        """Whether the acting user is one of this audit's auditors, its moderator or a lead:
        others who may see the audit (their agency's) may not change it (the services refuse;
        this only hides what they would refuse)."""
        return (
            "lead" in self.actor.roles
            or self.view.my_review is not None
            or (self.actor.key is not None and self.view.moderator_key == self.actor.key)
        )

    def _enable(self) -> None:
        if not self._built:
            return
        part = self.takes_part
        may_feedback = part and self.actor.can("feedback.record") and not self.final
        may_learning = part and self.actor.can("learning.record") and not self.final
        may_act = part and self.actor.can("action.record")
        fb, lp, action = (
            self.feedback_tab.selected(),
            self.learning_tab.selected(),
            self.actions_tab.selected(),
        )
        self.feedback_add.setEnabled(may_feedback)
        for button in (self.feedback_edit, self.feedback_delete):
            button.setEnabled(may_feedback and fb is not None)
        self.learning_add.setEnabled(may_learning)
        for button in (self.learning_edit, self.learning_delete):
            button.setEnabled(may_learning and lp is not None)
        self.action_add.setEnabled(may_act)
        self.action_edit.setEnabled(may_act and action is not None)
        is_open = action is not None and action.status == "open"
        self.action_complete.setEnabled(may_act and is_open)
        self.action_cancel.setEnabled(may_act and is_open)
        self.worker_save.setEnabled(part and self.actor.can("learning.record"))
        self.worker_sheet_button.setEnabled(
            part
            and self.actor.can("learning.record")
            and self.final
            and not (self._sheet_operation and self._sheet_operation.is_running)
        )
        self._worker_inputs()

    # -- family feedback

    def _run(self, dialog: QDialog) -> bool:
        if not dialog.exec():
            return False
        self.refresh()
        self.changed.emit()
        return True

    def add_feedback(self) -> None:
        dialog = FeedbackDialog(
            self.db,
            self.actor,
            audit_uuid=self.audit_uuid,
            case_ref=self.view.case_ref,
            parent=self,
        )
        if self._run(dialog) and dialog.result_row is not None:
            self._select(self.feedback_tab, dialog.result_row.uuid)

    def edit_feedback(self) -> None:
        row: FeedbackRow | None = self.feedback_tab.selected()
        if row is None or not self.feedback_edit.isEnabled():
            return
        self._run(
            FeedbackDialog(
                self.db,
                self.actor,
                audit_uuid=self.audit_uuid,
                case_ref=row.case_ref,
                existing=row,
                parent=self,
            )
        )

    def delete_feedback(self) -> None:
        row: FeedbackRow | None = self.feedback_tab.selected()
        if row is None:
            return
        who = RESPONDENT_LABELS.get(row.respondent, row.respondent).lower()
        if not confirm(
            self,
            "Delete feedback",
            f"Delete the feedback from the {who} of {row.collected_on:%d %b %Y}?",
        ):
            return
        self._call("Feedback not deleted", feedback.delete_feedback, row.uuid)

    # -- learning

    def add_learning(self) -> None:
        dialog = LearningPointDialog(
            self.db, self.actor, self.audit_uuid, item_choices=self.item_choices, parent=self
        )
        if self._run(dialog) and dialog.result_row is not None:
            self._select(self.learning_tab, dialog.result_row.uuid)

    def edit_learning(self) -> None:
        row: LearningRow | None = self.learning_tab.selected()
        if row is None or not self.learning_edit.isEnabled():
            return
        self._run(
            LearningPointDialog(
                self.db,
                self.actor,
                self.audit_uuid,
                item_choices=self.item_choices,
                existing=row,
                parent=self,
            )
        )

    def delete_learning(self) -> None:
        row: LearningRow | None = self.learning_tab.selected()
        if row is None:
            return
        if not confirm(self, "Delete learning point", f"Delete this learning point?\n\n{row.text}"):
            return
        self._call("Learning point not deleted", learning.delete_learning_point, row.uuid)

    # -- actions

    def add_action(self) -> None:
        dialog = ActionDialog(self.db, self.actor, audit_uuid=self.audit_uuid, parent=self)
        if self._run(dialog) and dialog.result_row is not None:
            self._select(self.actions_tab, dialog.result_row.uuid)

    def edit_action(self) -> None:
        row: ActionRow | None = self.actions_tab.selected()
        if row is None or not self.action_edit.isEnabled():
            return
        self._run(
            ActionDialog(self.db, self.actor, audit_uuid=row.audit_uuid, existing=row, parent=self)
        )

    def _set_status(self, status: str) -> None:
        row: ActionRow | None = self.actions_tab.selected()
        if row is None:
            return
        self._run(ActionStatusDialog(self.db, self.actor, row, status, parent=self))

    def complete_action(self) -> None:
        self._set_status("done")

    def cancel_action(self) -> None:
        self._set_status("cancelled")

    # -- feedback to the worker

    def _fill_worker(self, row: WorkerFeedbackRow) -> None:
        for checkbox, value in (
            (self.to_worker, row.given_to_worker),
            (self.to_manager, row.given_to_manager),
        ):
            checkbox.blockSignals(True)
            checkbox.setChecked(value)
            checkbox.blockSignals(False)
        self.given_on.set_date(row.given_on or date.today())
        self.how.setCurrentIndex(-1)
        self.how.setEditText(row.how)
        for label in (self.given_on_error, self.how_error):
            label.hide()
        themes.styled(self.worker_status, MUTED if row.missing else "color: $success;")
        self.worker_status.setText(self._worker_text(row))
        self._worker_inputs()

    @staticmethod
    def _worker_text(row: WorkerFeedbackRow) -> str:
        who = [
            name
            for name, given in (
                ("the worker", row.given_to_worker),
                ("their manager", row.given_to_manager),
            )
            if given
        ]
        if not who:
            return "Not recorded: no feedback given to the worker or their manager yet."
        when = f" on {row.given_on:%d %b %Y}" if row.given_on else ""
        how = f" ({row.how})" if row.how else ""
        text = f"Recorded: feedback given to {' and '.join(who)}{when}{how}."
        if row.missing:
            text += " Not yet given to " + (
                "their manager." if row.given_to_worker else "the worker."
            )
        return text

    def _worker_inputs(self) -> None:
        given = self.to_worker.isChecked() or self.to_manager.isChecked()
        may = self.takes_part and self.actor.can("learning.record")
        self.to_worker.setEnabled(may)
        self.to_manager.setEnabled(may)
        self.given_on.setEnabled(may and given)
        self.how.setEnabled(may and given)

    def export_worker_sheet(self) -> None:
        """Save the one-page sheet (off the GUI thread), then record the feedback as given."""
        from PySide6.QtWidgets import QFileDialog

        from audit_tool.services import worker_sheet

        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Save the feedback sheet",
            str(Path.home() / f"feedback-{self.view.case_ref}.pdf"),
            "PDF files (*.pdf)",
        )
        if not path:
            return
        db, actor, uuid = self.db, self.actor, self.audit_uuid

        def save(task: ops.Task) -> Path:
            try:
                return worker_sheet.export_sheet(db, actor, uuid, path)
            except OSError as exc:  # the folder or the file: something the user can change
                raise AuditToolError(f"Could not write the file: {exc.strerror or exc}") from exc

        self.worker_status.setText("Making the feedback sheet...")
        self._sheet_operation = (
            ops.Operation(self, save, title="Feedback sheet not saved")
            .success(self._sheet_saved)
            .finally_(self._enable)
            .run_in_background()
        )
        self._enable()

    def _sheet_saved(self, path: object) -> None:
        from audit_tool.services import worker_sheet

        db, actor, audit_uuid = self.db, self.actor, self.audit_uuid
        row = ops.Operation(
            self,
            lambda _task: worker_sheet.record_sheet_given(db, actor, audit_uuid),
            title="Feedback to the worker not recorded",
        ).run()
        if row is None:
            return
        self._fill_worker(row)
        name = Path(str(path)).name
        self.worker_status.setText(f"Saved {name}. " + self.worker_status.text())
        self.changed.emit()

    def save_worker_feedback(self) -> None:
        for label in (self.given_on_error, self.how_error):
            label.hide()
        given = self.to_worker.isChecked() or self.to_manager.isChecked()
        given_on, date_problem = self.given_on.value()
        db, actor, audit_uuid = self.db, self.actor, self.audit_uuid
        to_worker, to_manager = self.to_worker.isChecked(), self.to_manager.isChecked()
        how = self.how.currentText() if given else ""

        def shown_beside_fields(exc: AuditToolError) -> bool:
            if not isinstance(exc, ValidationError):
                return False
            if date_problem and given:
                exc.fields["given_on"] = date_problem
            for key, label in (("given_on", self.given_on_error), ("how", self.how_error)):
                if key in exc.fields:
                    label.setText(exc.fields[key])
                    label.show()
            return bool(set(exc.fields) & {"given_on", "how"})

        row = (
            ops.Operation(
                self,
                lambda _task: worker_feedback.save_worker_feedback(
                    db,
                    actor,
                    audit_uuid,
                    given_to_worker=to_worker,
                    given_to_manager=to_manager,
                    given_on=given_on if given else None,
                    how=how,
                ),
                title="Feedback to the worker not saved",
            )
            .failure(shown_beside_fields)
            .run()
        )
        if row is None:
            return
        self._fill_worker(row)
        self.worker_status.setText("Saved. " + self.worker_status.text())
        self.changed.emit()

    # -- helpers

    def _select(self, tab: _ListTab, uuid: str) -> None:
        uuids = [r.uuid for r in tab.model.rows]
        if uuid in uuids:
            tab.table.selectRow(uuids.index(uuid))

    def _call(self, title: str, fn: Callable[..., object], *args: Any) -> None:
        db, actor = self.db, self.actor
        if ops.Operation(self, lambda _task: fn(db, actor, *args) or True, title=title).run():
            self.refresh()
            self.changed.emit()
