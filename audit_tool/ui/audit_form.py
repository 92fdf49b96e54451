"""The audit form: one auditor's review of a case file, item by item, autosaved as typed.

Each template item gets the control its kind needs (grade on the template's scale with Not
applicable, yes/no/not applicable, number, text) with an evidence box beside it and its
guidance under its label; then the overall grade and the Signs of Safety summary. Every
change is saved a few seconds after typing stops and whenever the focus moves, so a crash
loses at most those seconds. The service decides what may be saved or submitted; the form
only shows its answers and messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QDoubleValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import audits
from audit_tool.services.audit_screen import AuditScreen, audit_screen
from audit_tool.services.audits import Answer, AuditView
from audit_tool.services.templates import TemplateItemRow, TemplateRow
from audit_tool.store import Database
from audit_tool.store.drafts import LocalDraft
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.audit_extras_panel import AuditExtrasPanel
from audit_tool.ui.errors import show_error
from audit_tool.ui.forms import (
    ERROR_STYLE,
    banner,
    confirm,
    show_checkout_note,
    show_concerns,
)
from audit_tool.ui.local_drafts import FormDrafts

AUTOSAVE_MS = 3000
YES_NO_LABELS = (
    ("", "(not answered)"),
    ("yes", "Yes"),
    ("no", "No"),
    ("not_applicable", "Not applicable"),
)
SUMMARY = (
    ("strengths", "What is working well?"),
    ("worries", "What are we worried about?"),
    ("next_steps", "What needs to happen?"),
)


class _Text(QPlainTextEdit):
    """A plain text box where Tab moves on (keyboard users must be able to leave it)."""

    def __init__(self, placeholder: str = "", height: int = 54) -> None:
        super().__init__()
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        self.setFixedHeight(height)


def grade_combo(template: TemplateRow, *, overall: bool = False) -> QComboBox:
    combo = QComboBox()
    combo.addItem("(not graded)", "")
    for level in template.levels:
        if overall and level.rank is None:
            continue
        combo.addItem(level.label, level.key)
    return combo


class AuditForm(QWidget):
    """The acting user's own review of one audit."""

    saved = Signal(str)  # a status line: "Saved at 10:41:07"
    submitted = Signal(str)  # the audit's new status
    concern_raised = Signal()

    def __init__(
        self,
        db: Database,
        actor: Actor,
        audit_uuid: str,
        parent: QWidget | None = None,
        *,
        screen: AuditScreen | None = None,
    ) -> None:
        """`screen`: the audit as read off the GUI thread by the window opening it
        (AuditsView.open_review); without it the form reads it itself."""
        super().__init__(parent)
        self.db, self.actor, self.audit_uuid = db, actor, audit_uuid
        self.setObjectName("auditForm")
        screen = screen or audit_screen(db, actor, audit_uuid, log_view=True)
        self.loaded = screen
        self.view: AuditView = screen.view
        if self.view.my_review is None:
            raise AuditToolError(f"{actor.name} has no review in this audit")
        self.review_uuid = self.view.my_review
        self.template = self.view.template
        self.values: dict[str, QWidget] = {}
        self.comments: dict[str, _Text] = {}
        self.item_errors: dict[str, QLabel] = {}
        self._dirty = False
        self._loading = True

        outer = QVBoxLayout(self)
        self._build_notes(outer)
        body, grid, row = self._build_items()
        row = self._add_overall(grid, row)
        self._add_summary(grid, row)
        self._build_tabs(outer, body)
        self._build_buttons(outer)
        self._build_keys()
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]
        self._fill()
        self._loading = False
        # Typing that cannot reach the database is kept on this computer (local_drafts.py).
        self.offline = FormDrafts(self)

    def _build_notes(self, outer: QVBoxLayout) -> None:
        """The header, the message line and the return, check-out and concern notes."""
        outer.addWidget(self._header())
        self.message = QLabel()
        self.message.setObjectName("auditForm_message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        self.return_note = banner("auditForm_returnComment")
        outer.addWidget(self.return_note)
        self.checkout_note = banner("auditForm_checkoutNote")
        outer.addWidget(self.checkout_note)
        show_checkout_note(self.checkout_note, self.view, self.actor)
        self.concern_note = banner("auditForm_concerns")
        outer.addWidget(self.concern_note)
        show_concerns(self.concern_note, self.loaded.concerns)

    def _build_items(self) -> tuple[QWidget, QGridLayout, int]:
        """The template's items under their section headings; returns the grid and its next row."""
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)
        row = 0
        section = None
        for item in self.template.items:
            if item.section != section:
                section = item.section
                heading = QLabel(section)
                font = heading.font()
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * 1.1)
                heading.setFont(font)
                grid.addWidget(heading, row, 0, 1, 3)
                row += 1
            row = self._add_item(grid, row, item)
        return body, grid, row

    def _add_overall(self, grid: QGridLayout, row: int) -> int:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, row, 0, 1, 3)
        row += 1
        overall_label = QLabel("<b>Overall grade</b>")
        self.overall = grade_combo(self.template, overall=True)
        self.overall.setObjectName("auditForm_overall")
        self.overall.setAccessibleName("Overall grade")
        overall_label.setBuddy(self.overall)
        self.overall_error = QLabel()
        themes.styled(self.overall_error, ERROR_STYLE)
        self.overall_error.setObjectName("auditForm_overallError")
        self.overall_error.hide()
        grid.addWidget(overall_label, row, 0)
        grid.addWidget(self.overall, row, 1)
        grid.addWidget(self.overall_error, row, 2)
        row += 1
        return row

    def _add_summary(self, grid: QGridLayout, row: int) -> None:
        self.summary: dict[str, _Text] = {}
        for key, label in SUMMARY:
            box = _Text(height=70)
            box.setObjectName(f"auditForm_{key}")
            box.setAccessibleName(label)
            text = QLabel(f"<b>{label}</b>")
            text.setBuddy(box)
            grid.addWidget(text, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(box, row, 1, 1, 2)
            self.summary[key] = box
            row += 1

    def _build_tabs(self, outer: QVBoxLayout, body: QWidget) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setObjectName("auditForm_scroll")
        # The review is the first tab; family feedback, learning, actions and feedback to the
        # worker follow in the same tab bar, so the buttons below stay in view on every tab.
        self.extras = AuditExtrasPanel(
            self.db, self.actor, self.audit_uuid, extras=self.loaded.extras
        )
        self.extras.insertTab(0, scroll, "Review")
        self.extras.setCurrentIndex(0)
        self.review_tab = scroll
        outer.addWidget(self.extras, 1)

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("auditForm_saveStatus")
        self.concern_button = QPushButton("Raise urgent &concern...")
        self.concern_button.setObjectName("auditForm_concern")
        themes.styled(self.concern_button, "color: $error;")
        self.concern_button.clicked.connect(self.raise_concern)
        self.save_button = QPushButton("&Save draft")
        self.save_button.setObjectName("auditForm_save")
        self.save_button.setToolTip("Save now (Ctrl+S); the form also saves as you type")
        self.save_button.clicked.connect(lambda: self.save(explicit=True))
        self.submit_button = QPushButton("S&ubmit review")
        self.submit_button.setObjectName("auditForm_submit")
        self.submit_button.setToolTip("Submit for moderation (Ctrl+Enter)")
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.concern_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        outer.addLayout(buttons)

    def _build_keys(self) -> None:
        """Autosave after a pause; Ctrl+S saves, Ctrl+Enter submits."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)
        for sequence, slot, name in (
            (QKeySequence.StandardKey.Save, lambda: self.save(explicit=True), "Save"),
            (QKeySequence("Ctrl+Return"), self.submit, "Submit the review"),
        ):
            shortcut = QShortcut(sequence, self)
            shortcut.setWhatsThis(name)  # its name in Help > Keyboard shortcuts
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- building

    def _header(self) -> QWidget:
        v = self.view
        title = QLabel(
            f"<h2>Audit of case {v.case_ref} ({v.case_initials})</h2>"
            f"{v.programme_name} &middot; {self.template.name} &middot; {v.team_name}"
            + (f" &middot; due {v.due_on:%d %b %Y}" if v.due_on else "")
        )
        title.setObjectName("auditForm_title")
        title.setWordWrap(True)
        return title

    def _add_item(self, grid: QGridLayout, row: int, item: TemplateItemRow) -> int:
        label = QLabel(
            item.label
            + (
                f" <span style='color:{themes.current().muted}'>(limiting)</span>"
                if item.limiting
                else ""
            )
        )
        label.setWordWrap(True)
        control: QWidget
        if item.kind == "grade":
            control = grade_combo(self.template)
            control.currentIndexChanged.connect(self._changed)
        elif item.kind == "yes_no":
            control = QComboBox()
            for key, text in YES_NO_LABELS:
                control.addItem(text, key)
            control.currentIndexChanged.connect(self._changed)
        elif item.kind == "number":
            control = QLineEdit()
            control.setValidator(QDoubleValidator())
            control.setPlaceholderText("a number")
            control.textEdited.connect(self._changed)
        else:
            control = _Text("Your answer", height=54)
            control.textChanged.connect(self._changed)
        control.setObjectName(f"auditForm_item_{item.key}")
        control.setAccessibleName(item.label)
        control.setToolTip(item.guidance)
        label.setBuddy(control)
        comment = _Text("Evidence or comment")
        comment.setObjectName(f"auditForm_comment_{item.key}")
        comment.setAccessibleName(f"Evidence for {item.label}")
        comment.textChanged.connect(self._changed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(label)
        if item.guidance:
            guidance = QLabel(item.guidance)
            guidance.setWordWrap(True)
            themes.styled(guidance, "color: $muted;")
            left_layout.addWidget(guidance)
        error = QLabel()
        error.setObjectName(f"auditForm_item_{item.key}Error")
        themes.styled(error, ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(control)
        middle_layout.addWidget(error)
        middle_layout.addStretch(1)
        grid.addWidget(left, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(middle, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(comment, row, 2, Qt.AlignmentFlag.AlignTop)
        self.values[item.key] = control
        self.comments[item.key] = comment
        self.item_errors[item.key] = error
        return row + 1

    # -- values

    def _fill(self) -> None:
        review = self.view.review(self.review_uuid)
        for key, control in self.values.items():
            answer = review.answers.get(key, Answer(None))
            _set_value(control, answer.value)
            self.comments[key].setPlainText(answer.comment)
        index = self.overall.findData(review.overall or "")
        self.overall.setCurrentIndex(max(index, 0))
        self.overall.currentIndexChanged.connect(self._changed)
        for key, box in self.summary.items():
            box.setPlainText(getattr(review, key))
            box.textChanged.connect(self._changed)
        self.revision = review.revision
        editable = review.status in ("draft", "returned") and self.view.status != "final"
        self._set_editable(editable)
        if review.status == "returned" and review.return_comment:
            self.return_note.setText(
                f"<b>Returned by the moderator:</b> {_escape(review.return_comment)}"
            )
            self.return_note.show()
        if not editable:
            self.status.setText(
                "Submitted: read only" if self.view.status != "final" else "Final: read only"
            )

    def _set_editable(self, editable: bool) -> None:
        for widget in [*self.values.values(), *self.comments.values(), *self.summary.values()]:
            if isinstance(widget, QPlainTextEdit):
                widget.setReadOnly(not editable)
            else:
                widget.setEnabled(editable)
        self.overall.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.submit_button.setEnabled(editable)
        self.editable = editable

    def answers(self) -> dict[str, Answer]:
        return {
            key: Answer(_value(control), self.comments[key].toPlainText())
            for key, control in self.values.items()
        }

    # -- saving

    def _changed(self, *_args: Any) -> None:
        if self._loading or not self.editable:
            return
        self._dirty = True
        self.status.setText("Unsaved changes")
        if not self._timer.isActive():  # at most AUTOSAVE_MS after the first unsaved change,
            self._timer.start()  # even while typing goes on

    def _focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        if self._dirty and old is not None and self.isAncestorOf(old):
            self.save()

    def save(self, *, explicit: bool = False) -> bool:
        """Save the draft if it changed (or when asked). Returns False if it could not."""
        self._timer.stop()
        if not self.editable or (not self._dirty and not explicit):
            return True
        if self.offline.keep_if_lost():  # known to be away: no waiting for it while typing
            return False
        try:
            review = audits.save_review(
                self.db,
                self.actor,
                self.review_uuid,
                answers=self.answers(),
                overall=self.overall.currentData() or "",
                strengths=self.summary["strengths"].toPlainText(),
                worries=self.summary["worries"].toPlainText(),
                next_steps=self.summary["next_steps"].toPlainText(),
                expected_revision=self.revision,
            )
        except ValidationError as exc:
            self._show_errors(exc)
            return False
        except ConflictError as exc:
            self.status.setText("Not saved")
            self.resolve_conflict(exc)
            return False
        except AuditToolError as exc:
            self.status.setText("Not saved")
            show_error(self, "Review not saved", exc)
            return False
        except SQLAlchemyError as exc:
            if not self.offline.keep_after(exc):  # not a lost connection: a real bug
                raise
            return False
        self.revision = review.revision
        self._dirty = False
        self.offline.saved()
        self._clear_errors()
        text = f"Saved at {datetime.now():%H:%M:%S}"
        self.status.setText(text)
        self.saved.emit(text)
        return True

    def unsaved_text(self) -> str:
        """What the user typed, as plain text they can keep (a save lost a race)."""
        parts = [f"Your review of case {self.view.case_ref} (not saved)"]
        labels = {i.key: i.label for i in self.template.items}
        for key, control in self.values.items():
            value, comment = _value(control), self.comments[key].toPlainText().strip()
            if value or comment:
                shown = control.currentText() if isinstance(control, QComboBox) else value
                parts.append(
                    f"{labels[key]}: {shown or '-'}" + (f"\n  {comment}" if comment else "")
                )
        if self.overall.currentData():
            parts.append(f"Overall grade: {self.overall.currentText()}")
        for key, label in SUMMARY:
            text = self.summary[key].toPlainText().strip()
            if text:
                parts.append(f"{label}\n{text}")
        return "\n\n".join(parts) if len(parts) > 1 else ""

    def resolve_conflict(self, exc: ConflictError) -> None:
        """Someone saved a newer version: say who and when, let the user copy their text
        aside, then show the newer version (nothing is saved over it)."""
        from audit_tool.ui.conflict_dialog import ConflictDialog, plain_file_ok

        # Nothing more is saved from this text: focus moving to the dialog must not retry.
        self._dirty = False
        self._timer.stop()
        dialog = ConflictDialog(
            exc,
            self.unsaved_text(),
            f"case {self.view.case_ref}",
            self,
            to_file=plain_file_ok(self.db),
        )
        self.conflict_dialog = dialog
        dialog.exec()
        self.reload_review()
        self.offline.saved()  # the user chose: their text is set aside or discarded
        self.status.setText(
            "Your text was copied aside; showing the newer version"
            if dialog.choice == "copy"
            else "Reloaded: showing the newer version"
        )

    def apply_draft(self, draft: LocalDraft) -> None:
        """Put a kept draft back into the form (as unsaved typing)."""
        self._loading = True
        try:
            for key, control in self.values.items():
                answer = draft.answers.get(key)
                if answer is not None:
                    _set_value(control, answer.get("value"))
                    self.comments[key].setPlainText(answer.get("comment") or "")
            self.overall.setCurrentIndex(max(self.overall.findData(draft.overall), 0))
            for key in ("strengths", "worries", "next_steps"):
                self.summary[key].setPlainText(getattr(draft, key))
        finally:
            self._loading = False
        if draft.revision is not None:
            self.revision = draft.revision  # the revision check decides if it still applies
        self._dirty = True

    def reload_review(self) -> None:
        """Show the review as it is saved now, dropping unsaved changes."""
        self._timer.stop()
        self.view = audits.get_audit(self.db, self.actor, self.audit_uuid)
        show_checkout_note(self.checkout_note, self.view, self.actor)
        review = self.view.review(self.review_uuid)
        self._loading = True
        try:
            for key, control in self.values.items():
                answer = review.answers.get(key, Answer(None))
                _set_value(control, answer.value)
                self.comments[key].setPlainText(answer.comment)
            self.overall.setCurrentIndex(max(self.overall.findData(review.overall or ""), 0))
            for key, box in self.summary.items():
                box.setPlainText(getattr(review, key))
        finally:
            self._loading = False
        self.revision = review.revision
        self._dirty = False
        self._clear_errors()
        self._set_editable(review.status in ("draft", "returned") and self.view.status != "final")
        if review.status == "returned" and review.return_comment:
            self.return_note.setText(
                f"<b>Returned by the moderator:</b> {_escape(review.return_comment)}"
            )
            self.return_note.show()
        else:
            self.return_note.hide()

    def _clear_errors(self) -> None:
        for label in [*self.item_errors.values(), self.overall_error]:
            label.clear()
            label.hide()
        self.message.hide()

    def _show_errors(self, exc: ValidationError) -> None:
        self._clear_errors()
        self.extras.setCurrentWidget(self.review_tab)
        for key, text in exc.fields.items():
            label = self.overall_error if key == "overall" else self.item_errors.get(key)
            if label is not None:
                label.setText(text)
                label.show()
        themes.styled(self.message, ERROR_STYLE)
        self.message.setText(str(exc))
        self.message.show()
        first = next((k for k in self.values if k in exc.fields), None)
        target = (
            self.values.get(first) if first else (self.overall if "overall" in exc.fields else None)
        )
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if not self.editable or not self.save(explicit=True):
            return
        warnings = audits.grade_warnings(
            self.template, self.answers(), self.overall.currentData() or None
        )
        missing = audits.missing_grades(self.template, self.answers())
        if warnings and not missing and self.overall.currentData():
            text = "\n\n".join(warnings)
            if not confirm(self, "Check the overall grade", f"{text}\n\nSubmit the review anyway?"):
                return
        db, actor, review_uuid, revision = self.db, self.actor, self.review_uuid, self.revision
        result = (
            ops.Operation(
                self,
                lambda _task: audits.submit_review(
                    db, actor, review_uuid, expected_revision=revision
                ),
                title="Review not submitted",
            )
            .failure(self._shown_in_form)
            .run()
        )
        if result is None:
            return
        self.view = audits.get_audit(self.db, self.actor, self.audit_uuid)
        self._set_editable(False)
        self.return_note.hide()
        themes.styled(self.message, "color: $success;")
        self.message.setText(
            "Review submitted. "
            + {
                "in_review": "The audit goes to moderation when the other review is in.",
                "in_moderation": "The audit is ready for moderation.",
                "final": "This single audit is now final.",
            }.get(result.audit_status, "")
        )
        self.message.show()
        self.status.setText("Submitted: read only")
        self.extras.refresh()  # with every review in, the other auditor's entries show
        self.submitted.emit(result.audit_status)

    def raise_concern(self) -> None:
        from audit_tool.ui.concern_dialog import ConcernDialog

        self.save()
        if ConcernDialog(self.db, self.actor, self.audit_uuid, self).exec():
            self.show_concerns()
            self.concern_raised.emit()

    def _shown_in_form(self, exc: AuditToolError) -> bool:
        """A refused submission the form shows itself: the fields at fault, or a newer save."""
        if isinstance(exc, ValidationError):
            self._show_errors(exc)
            return True
        if isinstance(exc, ConflictError):
            self.resolve_conflict(exc)
            return True
        return False

    def show_concerns(self) -> None:
        """The audit's urgent concerns in full above the form (who raised, why, who knows)."""
        db, actor, audit_uuid = self.db, self.actor, self.audit_uuid
        ops.Operation(
            self, lambda _task: audits.audit_concerns(db, actor, audit_uuid), title="Concerns"
        ).success(lambda concerns: show_concerns(self.concern_note, concerns)).run()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.save()
        super().closeEvent(event)


def _set_value(control: QWidget, value: str | None) -> None:
    if isinstance(control, QComboBox):
        control.setCurrentIndex(max(control.findData(value or ""), 0))
    elif isinstance(control, QLineEdit):
        control.setText(value or "")
    elif isinstance(control, QPlainTextEdit):
        control.setPlainText(value or "")


def _value(control: QWidget) -> str | None:
    if isinstance(control, QComboBox):
        return control.currentData() or None
    if isinstance(control, QLineEdit):
        return control.text().strip() or None
    if isinstance(control, QPlainTextEdit):
        return control.toPlainText() or None
    return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
