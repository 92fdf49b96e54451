"""Dialogs for what an audit holds beside its reviews: family feedback, learning points,
actions and an action's completion. Each calls one service and shows its messages beside the
fields."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.services import audits, feedback, learning, learning_actions, reference
from audit_tool.services.feedback import (
    ANSWER_LABELS,
    CHANNEL_LABELS,
    RESPONDENT_LABELS,
    FeedbackInput,
    FeedbackRow,
)
from audit_tool.services.learning import KIND_LABELS, LearningRow
from audit_tool.services.learning_actions import SCOPE_LABELS, STATUS_LABELS, ActionRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.date_field import DateField
from audit_tool.ui.filters import text_height, text_width
from audit_tool.ui.forms import FieldForm, field_with_error, select_data
from audit_tool.ui.in_place import beside_fields


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date | None = None) -> QDateEdit:
    """A date input with a calendar popup, showing an unambiguous ISO date."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value or date.today()))
    return edit


class _TextBox(QPlainTextEdit):
    """A plain text box where Tab moves on (as in the other inputs), sized for a few lines."""

    def __init__(self, lines: float) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self._height = text_height(self, lines)
        self.setMinimumHeight(self._height)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(text_width(self, 53), self._height)


def text_box(lines: float = 4.5) -> QPlainTextEdit:
    return _TextBox(lines)


class _ServiceDialog(QDialog):
    """A modal form: OK calls `_save`, which returns the saved row or raises; a
    ValidationError's messages go beside the fields and the dialog stays open."""

    title_on_error = "Not saved"
    width_hint = 540

    def __init__(self, prefix: str, noun: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(prefix.rstrip("_"))
        self.result_row: object | None = None
        self.prefix = prefix
        self.outer = QVBoxLayout(self)
        # Grow when messages appear beside the fields, rather than squash the inputs.
        self.outer.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.form = FieldForm(prefix, noun, f"{prefix}message")
        self.outer.addWidget(self.form.message)

    def add_row(
        self,
        key: str,
        label: str | QLabel,
        widget: QWidget,
        *,
        name: str = "",
        accessible: str = "",
    ) -> QWidget:
        """A row whose label may be a (wrapping) QLabel; `key` is the service's field name."""
        text = label if isinstance(label, str) else label.text()
        box, error = field_with_error(widget, f"{self.prefix}{name or key}", accessible or text)
        if isinstance(label, QLabel):
            label.setBuddy(widget)
        self.form.layout.addRow(label, box)
        self.form.fields[key] = widget
        self.form.errors[key] = error
        return widget

    def _finish(self) -> None:
        """Add the form and OK/Cancel; call once the fields are built."""
        self.outer.addLayout(self.form.layout)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName(f"{self.prefix}ok")
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            f"{self.prefix}cancel"
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.outer.addWidget(self.buttons)
        # The layout sets the minimum size; open at a comfortable width.
        self.resize(max(self.width_hint, self.sizeHint().width()), self.sizeHint().height())

    def _save(self) -> object:
        raise NotImplementedError

    def grow(self) -> None:
        """Make room for messages that appeared, never shrinking what the user sized."""
        hint = self.sizeHint()
        self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    def show_errors(self, exc: ValidationError) -> None:
        self.form.show_errors(exc)
        self.grow()

    def save(self) -> None:
        self.form.clear_errors()
        # On the GUI thread: _save reads the fields as it calls the service.
        row = (
            ops.Operation(self, lambda task: self._save(), title=self.title_on_error)
            .failure(beside_fields(self.show_errors))
            .run()
        )
        if row is None:
            return
        self.result_row = row
        self.accept()


# ---------------------------------------------------------------- actions


class OwnerCombo(QComboBox):
    """Active people by name (data: person key); type a name to find someone."""

    def __init__(self, db: Database, actor: Actor, current: tuple[str, str] | None) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        people = reference.list_people(db, actor, include_inactive=False)
        for person in people:
            where = person.team_name or person.agency_name
            self.addItem(f"{person.name} ({where})" if where else person.name, person.key)
        if current is not None and self.findData(current[0]) < 0:
            # An owner who has left stays visible; the service asks for an active one.
            self.addItem(f"{current[1]} (no longer active)", current[0])
        completer, line = self.completer(), self.lineEdit()
        assert completer is not None and line is not None  # editable combos have both
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        line.setPlaceholderText("Type a name")
        if current is not None:
            select_data(self, current[0])
        else:
            self.setCurrentIndex(-1)

    def key(self) -> str:
        """The chosen person's key, matching typed text to a name where needed."""
        text = self.currentText().strip()
        index = self.currentIndex()
        if index >= 0 and self.itemText(index) == text:
            return str(self.itemData(index))
        if not text:
            return ""
        lowered = text.lower()
        for i in range(self.count()):
            label = self.itemText(i)
            if label.lower() == lowered or label.lower().startswith(lowered + " ("):
                return str(self.itemData(i))
        matches = [i for i in range(self.count()) if lowered in self.itemText(i).lower()]
        return str(self.itemData(matches[0])) if len(matches) == 1 else ""


class ActionDialog(_ServiceDialog):
    """Raise an action from an audit, or change one. `result_row` is the saved ActionRow."""

    title_on_error = "Action not saved"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        audit_uuid: str | None,
        existing: ActionRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("actionDialog_", "action", parent)
        self.db, self.actor, self.audit_uuid, self.existing = db, actor, audit_uuid, existing
        self.result_row: ActionRow | None = None
        self.setWindowTitle("Change action" if existing else "Raise an action")
        self.text = text_box()
        self.text.setPlaceholderText("What needs to be done, e.g. update the chronology")
        self.form.add("text", "Action", self.text)
        self.owner = OwnerCombo(
            db, actor, (existing.owner_key, existing.owner_name) if existing else None
        )
        self.form.add("owner", "Owner", self.owner)
        self.due = date_edit(existing.due_on if existing else date.today() + timedelta(days=28))
        self.form.add("due_on", "Due by", self.due)
        self.scope = QComboBox()
        for key, label in SCOPE_LABELS.items():
            self.scope.addItem(label, key)
        self.form.add("scope", "Scope", self.scope)
        if existing is not None:
            self.text.setPlainText(existing.text)
            select_data(self.scope, existing.scope)
        self._finish()

    def _save(self) -> ActionRow:
        owner_key = self.owner.key()
        args = {
            "text": self.text.toPlainText(),
            "owner_key": owner_key,
            "due_on": from_qdate(self.due.date()),
            "scope": self.scope.currentData(),
        }
        try:
            if self.existing is not None:
                seen = self.existing.revision or None  # 0: a list row that did not read it
                return learning_actions.update_action(
                    self.db, self.actor, self.existing.uuid, **args, expected_revision=seen
                )
            if self.audit_uuid is None:
                raise ValidationError("An action is raised from an audit: open the audit first")
            return learning_actions.add_action(self.db, self.actor, self.audit_uuid, **args)
        except ValidationError as exc:
            if not owner_key and "owner" not in exc.fields:
                # The service checks the owner after the other fields: say it all at once.
                fields = dict(exc.fields, owner="Choose an owner from the list")
                raise ValidationError(str(exc), fields) from exc
            raise


class ActionStatusDialog(_ServiceDialog):
    """Complete, cancel or reopen an action, with a note (required to cancel)."""

    title_on_error = "Action not changed"
    VERBS = {"done": "Complete", "cancelled": "Cancel", "open": "Reopen"}

    def __init__(
        self,
        db: Database,
        actor: Actor,
        row: ActionRow,
        status: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("actionStatusDialog_", "action", parent)
        self.db, self.actor, self.row, self.status = db, actor, row, status
        self.result_row: ActionRow | None = None
        verb = self.VERBS.get(status, STATUS_LABELS.get(status, status))
        self.setWindowTitle(f"{verb} action")
        about = QLabel(f"{row.text}\nOwner: {row.owner_name}; due {row.due_on.isoformat()}")
        about.setObjectName("actionStatusDialog_action")
        about.setWordWrap(True)
        self.outer.addWidget(about)
        self.note = text_box(4)
        self.note.setPlaceholderText(
            "Why is it cancelled?" if status == "cancelled" else "What was done (optional)"
        )
        label = "Reason" if status == "cancelled" else "Completion note"
        self.form.add("note", label, self.note)
        self._finish()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"{verb} action")
        if status == "cancelled":  # not "Cancel" beside "Cancel action"
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Keep it open")

    def _save(self) -> ActionRow:
        return learning_actions.set_action_status(
            self.db, self.actor, self.row.uuid, self.status, note=self.note.toPlainText()
        )


def choice_combo(labels: dict[str, str], placeholder: str) -> QComboBox:
    """A combo of (label, key) that starts unchosen, showing `placeholder`."""
    combo = QComboBox()
    for key, label in labels.items():
        combo.addItem(label, key)
    combo.setPlaceholderText(placeholder)
    combo.setCurrentIndex(-1)
    return combo


# ---------------------------------------------------------------- family feedback


class FeedbackDialog(_ServiceDialog):
    """Record a conversation with a parent, carer or child, inside an audit (`audit_uuid`) or
    on its own against a case (`case_ref`), or change one (`existing`). `result_row` holds the
    saved FeedbackRow."""

    title_on_error = "Feedback not saved"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        *,
        audit_uuid: str | None,
        case_ref: str | None,
        existing: FeedbackRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("feedbackDialog_", "feedback", parent)
        self.db, self.actor, self.existing = db, actor, existing
        self.audit_uuid = existing.audit_uuid if existing is not None else audit_uuid
        if existing is not None:
            case_ref = existing.case_ref
        elif case_ref is None and audit_uuid is not None:
            case_ref = audits.get_audit(db, actor, audit_uuid).case_ref
        self.case_ref = case_ref
        self.result_row: FeedbackRow | None = None
        self.width_hint = 680
        where = f"case {case_ref}" if case_ref else "a case"
        self.setWindowTitle(
            f"Change feedback for {where}" if existing else f"Record feedback for {where}"
        )
        note = QLabel(
            "A conversation with a parent, carer, child or young person about the help they had."
            + ("" if self.audit_uuid else " Recorded outside an audit.")
        )
        note.setWordWrap(True)
        themes.styled(note, "color: $muted;")
        self.outer.addWidget(note)

        self.respondent = choice_combo(RESPONDENT_LABELS, "(who gave the feedback?)")
        self.add_row("respondent", "Respondent", self.respondent)
        self.channel = choice_combo(CHANNEL_LABELS, "(how was it gathered?)")
        self.add_row("channel", "How", self.channel)
        self.collected_on = DateField(date.today())
        self.add_row("collected_on", "Date", self.collected_on, accessible="Date of the feedback")
        self.consent = QCheckBox("Consent to record their views was given")
        self.add_row("consent", "Consent", self.consent)
        self._add_answers()
        self._add_comment()
        if existing is not None:
            self._show_existing(existing)
        self._finish()
        self.respondent.setFocus()

    def _add_answers(self) -> None:
        """A row for each feedback question."""
        self.answers: dict[str, QComboBox] = {}
        for question in feedback.list_questions(self.db, self.actor):
            combo = QComboBox()
            for key, label in ANSWER_LABELS.items():
                combo.addItem(label, key)
            select_data(combo, "not_asked")
            text = QLabel(question.text)
            text.setWordWrap(True)
            text.setMinimumWidth(text_width(text, 53))
            self.add_row(
                f"answer:{question.key}",
                text,
                combo,
                name=f"answer_{question.key}",
                accessible=question.text,
            )
            self.answers[question.key] = combo

    def _add_comment(self) -> None:
        """Their words, and whether they may be quoted."""
        self.comment = text_box(4.5)
        self.comment.setPlaceholderText("What they said, in their words")
        self.add_row("comment", "Comment", self.comment)
        self.shareable = QCheckBox("May be quoted (shareable)")
        self.shareable.setToolTip(
            "Quoted in briefings and reports; the comment must name no child, case or person"
        )
        self.add_row("shareable", "Sharing", self.shareable, accessible="May be quoted")
        self.shareable_error = self.form.errors["shareable"]
        self.shareable.toggled.connect(self._shareable_toggled)

    def _show_existing(self, existing: FeedbackRow) -> None:
        """The form filled from the feedback being changed."""
        select_data(self.respondent, existing.respondent)
        select_data(self.channel, existing.channel)
        self.collected_on.set_date(existing.collected_on)
        self.consent.setChecked(existing.consent)
        for key, combo in self.answers.items():
            select_data(combo, existing.answers.get(key, "not_asked"))
        self.comment.setPlainText(existing.comment)
        self.shareable.blockSignals(True)
        self.shareable.setChecked(existing.shareable)
        self.shareable.blockSignals(False)

    def _problems(self) -> list[str]:
        if not self.case_ref:
            return []
        return feedback.shareable_problems(
            self.db, self.actor, self.comment.toPlainText(), self.case_ref
        )

    def check_shareable(self) -> bool:
        """Whether the comment may be quoted; if not, say what identifies someone under the
        box and untick it."""
        if not self.shareable.isChecked():
            return True
        problems = ops.Operation(self, lambda task: self._problems(), title="Feedback").run()
        if problems is None:
            return False
        if not problems:
            self.shareable_error.hide()
            return True
        self.shareable.blockSignals(True)
        self.shareable.setChecked(False)
        self.shareable.blockSignals(False)
        self.shareable_error.setText("Pseudonymise before sharing: it names " + ", ".join(problems))
        self.shareable_error.show()
        self.grow()
        return False

    def _shareable_toggled(self, checked: bool) -> None:
        if checked:
            self.check_shareable()
        else:
            self.shareable_error.hide()

    def data(self) -> FeedbackInput:
        return FeedbackInput(
            respondent=self.respondent.currentData() or "",
            channel=self.channel.currentData() or "",
            collected_on=self.collected_on.value()[0],
            consent=self.consent.isChecked(),
            answers={key: combo.currentData() for key, combo in self.answers.items()},
            comment=self.comment.toPlainText(),
            shareable=self.shareable.isChecked(),
        )

    def save(self) -> None:
        self.form.clear_errors()
        if not self.check_shareable():
            self.form.message.setText(
                "The feedback was not saved: the comment cannot be shared yet."
            )
            self.form.message.show()
            self.shareable.setFocus()
            return
        super().save()

    def _save(self) -> FeedbackRow:
        try:
            return self._save_data()
        except ValidationError as exc:
            _typed, problem = self.collected_on.value()
            if problem:  # the service saw no date; say what is wrong with the typed one
                exc.fields["collected_on"] = problem
            raise

    def _save_data(self) -> FeedbackRow:
        if self.existing is not None:
            return feedback.update_feedback(
                self.db,
                self.actor,
                self.existing.uuid,
                self.data(),
                expected_revision=self.existing.revision or None,
            )
        if self.audit_uuid is not None:
            return feedback.add_feedback(
                self.db, self.actor, self.data(), audit_uuid=self.audit_uuid
            )
        return feedback.add_feedback(self.db, self.actor, self.data(), case_ref=self.case_ref)


# ---------------------------------------------------------------- learning points


class ThemeCompleter(QCompleter):
    """Completes the theme being typed after the last comma of a comma-separated list."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802
        chosen = str(index.data(Qt.ItemDataRole.DisplayRole))
        widget = self.widget()
        typed = widget.text() if isinstance(widget, QLineEdit) else ""
        head = [t.strip() for t in typed.split(",")[:-1] if t.strip()]
        return ", ".join([*head, chosen])


def split_themes(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class LearningPointDialog(_ServiceDialog):
    """Record a strength or an area for development in an audit, or change one."""

    title_on_error = "Learning point not saved"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        audit_uuid: str,
        *,
        item_choices: list[tuple[str, str]],
        existing: LearningRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("learningDialog_", "learning point", parent)
        self.db, self.actor, self.audit_uuid, self.existing = db, actor, audit_uuid, existing
        self.result_row: LearningRow | None = None
        self.setWindowTitle("Change learning point" if existing else "Add a learning point")
        self.kind = QComboBox()
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.add_row("kind", "Kind", self.kind)
        self.item = QComboBox()
        self.item.addItem("(none)", None)
        for key, label in item_choices:
            self.item.addItem(label, key)
        self.add_row("item", "Practice area", self.item)
        self.text = text_box(5)
        self.text.setPlaceholderText("What was found, e.g. the child's views shape the plan")
        self.add_row("text", "Learning point", self.text)
        self.themes = QLineEdit()
        self.themes.setPlaceholderText("Comma-separated, e.g. voice of the child, supervision")
        self.completer = ThemeCompleter(self.themes)
        self.completer.setModel(QStringListModel(learning.theme_tags(db, actor), self.completer))
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.themes.setCompleter(self.completer)
        self.add_row("themes", "Themes", self.themes)
        self.in_briefing = QCheckBox("May go into a briefing")
        self.in_briefing.setChecked(True)
        self.add_row(
            "in_briefing", "Briefings", self.in_briefing, accessible="May go into a briefing"
        )
        if existing is not None:
            select_data(self.kind, existing.kind)
            select_data(self.item, existing.item_key)
            if existing.item_key and self.item.findData(existing.item_key) < 0:
                self.item.addItem(existing.item_label or existing.item_key, existing.item_key)
                select_data(self.item, existing.item_key)
            self.text.setPlainText(existing.text)
            self.themes.setText(", ".join(existing.themes))
            self.in_briefing.setChecked(existing.in_briefing)
        self._finish()

    def _save(self) -> LearningRow:
        args = {
            "kind": self.kind.currentData(),
            "text": self.text.toPlainText(),
            "item_key": self.item.currentData(),
            "themes": split_themes(self.themes.text()),
            "in_briefing": self.in_briefing.isChecked(),
        }
        if self.existing is not None:
            return learning.update_learning_point(
                self.db,
                self.actor,
                self.existing.uuid,
                **args,
                expected_revision=self.existing.revision or None,
            )
        return learning.add_learning_point(self.db, self.actor, self.audit_uuid, **args)
