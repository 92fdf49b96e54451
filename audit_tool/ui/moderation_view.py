"""Moderation: the reviews of one audit side by side, item by item, and the final grades.

Where the reviews agree the final answer is filled in already; a difference of one grade is
marked, two or more stands out. The moderator takes a review's answer with its button or sets
another, gives a rationale where the reviews differ or the final differs from them, and then
returns a review to its auditor or confirms the final grades. Without the right to moderate
(or once final) the same screen is read only."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
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

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import audits, claims, worker_feedback
from audit_tool.services.audit_screen import AuditScreen, audit_screen
from audit_tool.services.audits import Answer, AuditView, ReviewView
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.audit_extras_panel import AuditExtrasPanel
from audit_tool.ui.audit_form import YES_NO_LABELS, _set_value, _Text, _value, grade_combo
from audit_tool.ui.forms import (
    ERROR_STYLE,
    banner,
    confirm,
    show_checkout_note,
    show_concerns,
)
from audit_tool.ui.moderation_marks import CHANGED_STYLE, changes_note, spread_style

CLAIM_RENEW_MS = 30_000  # well inside claims.DEFAULT_TTL, so a live screen never lapses

WORKER_FEEDBACK_QUESTION = (
    "Feedback to the worker or their manager is not recorded for this audit. "
    "Confirm the final grades anyway?"
)

T = TypeVar("T")


def _on_edit(control: QWidget, slot: Callable[[], None]) -> None:
    """Call `slot` when the user changes a final answer's control, whatever its kind."""
    if isinstance(control, QComboBox):
        control.currentIndexChanged.connect(lambda _i: slot())
    elif isinstance(control, QLineEdit):
        control.textEdited.connect(lambda _t: slot())
    elif isinstance(control, QPlainTextEdit):
        control.textChanged.connect(slot)


class ModerationForm(QWidget):
    confirmed = Signal()
    returned = Signal()

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
        (AuditsView.open_moderation); without it the form reads it itself."""
        super().__init__(parent)
        self.db, self.actor, self.audit_uuid = db, actor, audit_uuid
        self.setObjectName("moderationForm")
        screen = screen or audit_screen(db, actor, audit_uuid, log_view=True)
        self.loaded = screen
        self.view: AuditView = screen.view
        self.template = self.view.template
        self.editable = self.view.status == "in_moderation" and self.view.moderator_key == actor.key
        self.finals: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.take_buttons: dict[tuple[str, int], QPushButton] = {}
        self.letters = [chr(ord("A") + i) for i in range(len(self.view.reviews))]

        outer = QVBoxLayout(self)
        self._build_header(outer)
        self._build_notes(outer)
        body = QWidget()
        grid = QGridLayout(body)
        final_col = self._build_grid_head(grid)
        row = self._build_items(grid, final_col)
        self._build_writing(grid, row)
        page = self._build_tabs(outer, body)
        self._build_rationale(page)
        self._build_buttons(outer)
        if self.editable:
            self.renew_claim()
            self.claim_timer.start()
        else:
            self._show_holder()
        self._saved_state = self._state()

    def _build_header(self, outer: QVBoxLayout) -> None:
        """The title, who wrote each review, and the message line."""
        v = self.view
        self.title = QLabel()
        self.title.setObjectName("moderation_title")
        self.title.setWordWrap(True)
        self._show_title()
        outer.addWidget(self.title)
        who = QLabel(
            " &middot; ".join(
                f"<b>{letter}</b>: {r.reviewer_name} ({r.agency_name}"
                + (f", {r.part.replace('_', ' ')}" if r.part else "")
                + ")"
                + changes_note(r)
                for letter, r in zip(self.letters, v.reviews, strict=True)
            )
        )
        who.setObjectName("moderation_who")
        who.setWordWrap(True)
        outer.addWidget(who)
        self.message = QLabel()
        self.message.setObjectName("moderation_message")
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)

    def _show_title(self) -> None:
        """The case, programme, template and the audit's status as it is now."""
        v = self.view
        self.title.setText(
            f"<h2>Moderation: case {v.case_ref} ({v.case_initials})</h2>"
            f"{v.programme_name} &middot; {self.template.name} &middot; "
            f"{audits.STATUS_LABELS[v.status]}"
        )

    def _build_notes(self, outer: QVBoxLayout) -> None:
        """The claim, check-out and concern banners, and the timer that renews the claim."""
        v, actor = self.view, self.actor
        # One moderator at a time: this window claims the moderation while it is open;
        # anyone else opening it sees who has it and cannot confirm or return.
        self.claim_token = claims.new_token()
        self.claimed = False
        self.claim_banner = banner("moderation_claimBanner")
        outer.addWidget(self.claim_banner)
        self.checkout_note = banner("moderation_checkoutNote")
        outer.addWidget(self.checkout_note)
        show_checkout_note(self.checkout_note, v, actor)
        self.concern_note = banner("moderation_concerns")
        outer.addWidget(self.concern_note)
        show_concerns(self.concern_note, self.loaded.concerns)
        self.claim_timer = QTimer(self)
        self.claim_timer.setInterval(CLAIM_RENEW_MS)
        self.claim_timer.timeout.connect(self.renew_claim)

    def _build_grid_head(self, grid: QGridLayout) -> int:
        """The grid's first row: Item, a column per review (with Take all), Final; returns
        the final answers' column."""
        v, letters = self.view, self.letters
        grid.addWidget(QLabel("<b>Item</b>"), 0, 0)
        self.take_all_values: list[dict[str, str]] = [{} for _ in letters]
        self.take_all_buttons: list[QPushButton] = []
        for i, letter in enumerate(letters):
            head = QHBoxLayout()
            head.addWidget(QLabel(f"<b>{letter}</b>"), 1)
            if self.editable and not v.reviews[i].hidden:
                take_all = QPushButton(f"Take all of {letter}")
                take_all.setObjectName(f"moderation_takeAll_{i}")
                take_all.setAccessibleName(f"Take every answer of {letter}")
                take_all.setToolTip(f"Use {letter}'s answer for every item {letter} answered")
                take_all.clicked.connect(lambda _c=False, n=i: self._take_all(n))
                head.addWidget(take_all)
                self.take_all_buttons.append(take_all)
            grid.addLayout(head, 0, 1 + i)
        final_col = 1 + len(letters)
        grid.addWidget(QLabel("<b>Final</b>"), 0, final_col)
        grid.setColumnStretch(0, 3)
        for column in range(1, final_col + 1):
            grid.setColumnStretch(column, 2)
        return final_col

    def _build_items(self, grid: QGridLayout, final_col: int) -> int:
        """A row per item and the overall grade: each review's answer and the final answer;
        returns the next free row."""
        v = self.view
        spreads = audits.differences(v)
        proposal = dict(self.loaded.proposal) if self.editable else {}
        if not self.editable and v.moderation is not None:
            proposal = dict(v.moderation.answers)
            if v.moderation.overall:
                proposal["overall"] = Answer(v.moderation.overall)
        row = 1
        items = [(i.key, i.label, i.kind) for i in self.template.items]
        items.append(("overall", "Overall grade", "overall"))
        for key, label, kind in items:
            name = QLabel(label if key != "overall" else f"<b>{label}</b>")
            name.setWordWrap(True)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            style = spread_style(spreads.get(key, 0))
            for i, review in enumerate(v.reviews):
                cell = self._review_cell(key, label, kind, i, review, style)
                grid.addWidget(cell, row, 1 + i, Qt.AlignmentFlag.AlignTop)
            box = self._final_box(key, label, kind, proposal)
            grid.addWidget(box, row, final_col, Qt.AlignmentFlag.AlignTop)
            row += 1
        return row

    def _review_cell(
        self, key: str, label: str, kind: str, i: int, review: ReviewView, style: str
    ) -> QWidget:
        """One review's answer to an item: the value, its evidence, and Take."""
        value = review.overall if key == "overall" else review.answers.get(key, Answer(None)).value
        comment = "" if key == "overall" else review.answers.get(key, Answer(None)).comment
        cell = QWidget()
        cell_layout = QHBoxLayout(cell)
        cell_layout.setContentsMargins(0, 0, 0, 0)
        text = QLabel("(hidden)" if review.hidden else self._label(kind, value))
        text.setObjectName(f"moderation_{key}_{i}")
        text.setToolTip(comment)
        themes.styled(text, style)
        text.setWordWrap(True)
        value_box = QVBoxLayout()
        value_box.setSpacing(1)
        value_box.addWidget(text)
        if key in review.changed_since_return and not review.hidden:
            mark = self._changed_mark(f"moderation_changed_{key}_{i}", i, label)
            value_box.addWidget(mark, 0, Qt.AlignmentFlag.AlignLeft)
        if comment and not review.hidden:
            # The evidence, on screen beside the grade (not only on hover).
            evidence = QLabel(comment)
            evidence.setObjectName(f"moderation_evidence_{key}_{i}")
            evidence.setAccessibleName(f"{self.letters[i]}'s evidence for {label}")
            evidence.setWordWrap(True)
            evidence.setTextFormat(Qt.TextFormat.PlainText)
            evidence.setStyleSheet("font-style: italic;")
            value_box.addWidget(evidence)
        cell_layout.addLayout(value_box, 1)
        if self.editable and kind != "text" and value not in (None, ""):
            take = QPushButton(f"Take {self.letters[i]}")
            take.setObjectName(f"moderation_take_{key}_{i}")
            take.setAccessibleName(f"Take {self.letters[i]}'s answer for {label}")
            take.clicked.connect(lambda _c=False, k=key, val=value: self._take(k, val))
            cell_layout.addWidget(take, 0, Qt.AlignmentFlag.AlignTop)
            self.take_buttons[(key, i)] = take
            self.take_all_values[i][key] = value
        return cell

    def _final_box(self, key: str, label: str, kind: str, proposal: dict[str, Any]) -> QWidget:
        """The final answer's control for an item, with its error line."""
        control = self._control(kind)
        control.setObjectName(f"moderation_final_{key}")
        control.setAccessibleName(f"Final: {label}")
        _set_value(control, proposal.get(key, Answer(None)).value)
        control.setEnabled(self.editable)
        error = QLabel()
        error.setObjectName(f"moderation_final_{key}Error")
        themes.styled(error, ERROR_STYLE)
        error.hide()
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(control)
        box_layout.addWidget(error)
        self.finals[key] = control
        self.errors[key] = error
        _on_edit(control, error.hide)  # a message goes once its field is changed
        return box

    def _build_writing(self, grid: QGridLayout, row: int) -> None:
        """What each auditor wrote."""
        for heading, attr in (
            ("What is working well?", "strengths"),
            ("What are we worried about?", "worries"),
            ("What needs to happen?", "next_steps"),
        ):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), row, 0, Qt.AlignmentFlag.AlignTop)
            for i, review in enumerate(self.view.reviews):
                text = QLabel("(hidden)" if review.hidden else getattr(review, attr) or "-")
                text.setWordWrap(True)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                cell = QWidget()
                cell_layout = QVBoxLayout(cell)
                cell_layout.setContentsMargins(0, 0, 0, 0)
                cell_layout.setSpacing(1)
                if attr in review.changed_since_return and not review.hidden:
                    name = f"moderation_changed_{attr}_{i}"
                    mark = self._changed_mark(name, i, heading)
                    cell_layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignLeft)
                cell_layout.addWidget(text)
                grid.addWidget(cell, row, 1 + i, Qt.AlignmentFlag.AlignTop)
            row += 1

    def _changed_mark(self, name: str, i: int, label: str) -> QLabel:
        """A visible (and spoken) mark on an answer its auditor changed since it was
        returned."""
        mark = QLabel("Changed since returned")
        mark.setObjectName(name)
        mark.setAccessibleName(f"{self.letters[i]} changed {label} since it was returned")
        themes.styled(mark, CHANGED_STYLE)
        return mark

    def _build_tabs(self, outer: QVBoxLayout, body: QWidget) -> QVBoxLayout:
        """The grid in the first tab, before the audit's extras; returns the tab's layout."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        # The grades, rationale and panel summary are the first tab; family feedback,
        # learning, actions and feedback to the worker follow, with the buttons below in view.
        self.moderation_tab = QWidget()
        self.moderation_tab.setObjectName("moderation_tab")
        page = QVBoxLayout(self.moderation_tab)
        page.setContentsMargins(6, 6, 6, 6)
        page.addWidget(scroll, 1)
        self.extras = AuditExtrasPanel(
            self.db, self.actor, self.audit_uuid, extras=self.loaded.extras
        )
        self.extras.insertTab(0, self.moderation_tab, "Moderation")
        self.extras.setCurrentIndex(0)
        self.extras.changed.connect(self._adopt_revision)
        outer.addWidget(self.extras, 1)
        self._worker_feedback_accepted = False
        return page

    def _build_rationale(self, page: QVBoxLayout) -> None:
        """The rationale, and for a multi-agency audit the panel summary."""
        v, actor = self.view, self.actor
        self.rationale = _Text("Why the final grades are what they are", height=64)
        self.rationale.setObjectName("moderation_rationale")
        self.rationale.setAccessibleName("Rationale")
        self.rationale_error = QLabel()
        self.rationale_error.setObjectName("moderation_rationaleError")
        themes.styled(self.rationale_error, ERROR_STYLE)
        self.rationale_error.setWordWrap(True)
        self.rationale_error.hide()
        page.addWidget(QLabel("<b>Rationale</b> (required where the reviews differ)"))
        page.addWidget(self.rationale)
        page.addWidget(self.rationale_error)
        self.rationale.textChanged.connect(self.rationale_error.hide)
        self.panel = None
        if v.kind == "multi_agency":
            self.panel = _Text("Shared findings, learning and actions of the panel", height=64)
            self.panel.setObjectName("moderation_panel")
            self.panel.setAccessibleName("Panel summary")
            panel_row = QHBoxLayout()
            panel_row.addWidget(QLabel("<b>Panel summary</b> (recorded by a QA lead)"))
            panel_row.addStretch(1)
            self.panel_button = QPushButton("Save panel &summary")
            self.panel_button.setObjectName("moderation_panelSave")
            self.panel_button.clicked.connect(self.save_panel)
            can_record = actor.can("audit.panel") and v.status in ("in_moderation", "returned")
            self.panel_button.setVisible(can_record)
            self.panel.setReadOnly(not can_record)
            panel_row.addWidget(self.panel_button)
            page.addLayout(panel_row)
            page.addWidget(self.panel)
        if v.moderation is not None:
            self.rationale.setPlainText(v.moderation.rationale)
            if self.panel is not None:
                self.panel.setPlainText(v.moderation.panel_summary)
        self.rationale.setReadOnly(not self.editable)

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        v, actor = self.view, self.actor
        buttons = QHBoxLayout()
        self.return_button = QPushButton("&Return to auditor...")
        self.return_button.setObjectName("moderation_return")
        self.return_button.clicked.connect(self.return_review)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("moderation_save")
        self.save_button.clicked.connect(self.save)
        self.confirm_button = QPushButton("&Confirm final grades")
        self.confirm_button.setObjectName("moderation_confirm")
        self.confirm_button.clicked.connect(self.confirm)
        self.reopen_button = QPushButton("Re&open for moderation...")
        self.reopen_button.setObjectName("moderation_reopen")
        self.reopen_button.setToolTip("A QA lead can reopen a final audit, giving the reason")
        self.reopen_button.clicked.connect(self.reopen)
        self.reopen_button.setVisible(
            v.status == "final" and v.kind != "single" and actor.can("audit.reopen")
        )
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        for button in (self.return_button, self.save_button, self.confirm_button):
            button.setVisible(self.editable)
            buttons.addWidget(button)
        outer.addLayout(buttons)

    def _state(self) -> tuple[object, ...]:
        """What the moderator has chosen and typed, to tell whether it changed since saved."""
        answers, overall = self.final_answers()
        return (
            tuple(sorted((k, a.value) for k, a in answers.items())),
            overall,
            self.rationale.toPlainText(),
        )

    def save_if_changed(self) -> None:
        """On closing the window (or quitting): keep the grades and rationale chosen since the
        last save, as the review form does, unless someone else holds the moderation."""
        if self.editable and self.claimed and self._state() != self._saved_state:
            self.save()

    # -- helpers

    def _label(self, kind: str, value: str | None) -> str:
        if value in (None, ""):
            return "-"
        if kind in ("grade", "overall"):
            return next((lv.label for lv in self.template.levels if lv.key == value), str(value))
        if kind == "yes_no":
            return dict(YES_NO_LABELS).get(str(value), str(value))
        return str(value)

    def _control(self, kind: str) -> QWidget:
        if kind in ("grade", "overall"):
            return grade_combo(self.template, overall=kind == "overall")
        if kind == "yes_no":
            combo = QComboBox()
            for key, text in YES_NO_LABELS:
                combo.addItem(text, key)
            return combo
        if kind == "number":
            return QLineEdit()
        return _Text(height=48)

    def _take(self, key: str, value: str | None) -> None:
        _set_value(self.finals[key], value)

    def _take_all(self, index: int) -> None:
        for key, value in self.take_all_values[index].items():
            _set_value(self.finals[key], value)

    def final_answers(self) -> tuple[dict[str, Answer], str | None]:
        answers = {k: Answer(_value(c)) for k, c in self.finals.items() if k != "overall"}
        return answers, _value(self.finals["overall"])

    def _clear_errors(self) -> None:
        for label in [*self.errors.values(), self.rationale_error]:
            label.hide()

    def _show_errors(self, exc: ValidationError) -> None:
        self.extras.setCurrentWidget(self.moderation_tab)
        self._clear_errors()
        for key, text in exc.fields.items():
            label = self.rationale_error if key == "rationale" else self.errors.get(key)
            if label is not None:
                label.setText(text)
                label.show()
        unlabelled = [
            text
            for key, text in exc.fields.items()
            if key not in self.errors and key != "rationale"
        ]
        themes.styled(self.message, ERROR_STYLE)
        self.message.setText(" ".join([str(exc), *unlabelled]))
        self.message.show()

    # -- the claim

    def renew_claim(self) -> None:
        """Take or keep the moderation; if another window has it, say who and stand back."""
        db, actor, audit_uuid, token = self.db, self.actor, self.audit_uuid, self.claim_token
        result = self._read(lambda: claims.renew(db, actor, "moderation", audit_uuid, token))
        if result is None:  # refused (the audit moved on): stand back
            self._set_actions_enabled(False)
            return
        self.claimed = isinstance(result, claims.Claimed)
        if isinstance(result, claims.ClaimHeld):
            self.claim_banner.setText(result.banner)
            self.claim_banner.show()
        else:
            self.claim_banner.hide()
        self._set_actions_enabled(self.claimed)

    def _show_holder(self) -> None:
        """Read only here (a lead, another person): still show who is moderating it now."""
        holder = claims.current(self.db, "moderation", self.audit_uuid)
        if holder is not None:
            self.claim_banner.setText(
                f"Being moderated by {holder.holder_name} since {holder.since.astimezone():%H:%M}"
            )
            self.claim_banner.show()

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.return_button, self.save_button, self.confirm_button):
            button.setEnabled(enabled)

    def release_claim(self) -> None:
        self.claim_timer.stop()
        if self.claimed:
            # If the server is away, the claim lapses on its own within claims.DEFAULT_TTL.
            with contextlib.suppress(AuditToolError):
                claims.release(self.db, self.actor, "moderation", self.audit_uuid, self.claim_token)
            self.claimed = False

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.release_claim()
        super().closeEvent(event)

    def _lost_race(self, exc: ConflictError, extra: str = "") -> None:
        """Confirm or return refused: someone changed the audit, or holds it. Say who and
        when, let the moderator keep their rationale, and show the audit as it is now."""
        from audit_tool.ui.conflict_dialog import ConflictDialog, plain_file_ok

        mine = "\n\n".join(t for t in (self.rationale.toPlainText().strip(), extra.strip()) if t)
        dialog = ConflictDialog(
            exc,
            mine,
            f"moderation of case {self.view.case_ref}",
            self,
            to_file=plain_file_ok(self.db),
        )
        self.conflict_dialog = dialog
        dialog.exec()
        fresh = self._read(lambda: audits.get_audit(self.db, self.actor, self.audit_uuid))
        if fresh is None:
            return
        self.view = fresh
        show_checkout_note(self.checkout_note, self.view, self.actor)
        self._show_title()
        if self.view.status != "in_moderation":
            self.release_claim()
            self.editable = False
            for button in (self.return_button, self.save_button, self.confirm_button):
                button.setVisible(False)
        themes.styled(self.message, ERROR_STYLE)
        self.message.setText(
            f"Not done: {exc} The audit is now {audits.STATUS_LABELS[self.view.status].lower()}."
        )
        self.message.show()
        if self.editable:
            self.renew_claim()
        else:
            self._show_holder()

    # -- actions

    def _adopt_revision(self) -> None:
        """Our own saves (the moderation draft, feedback, learning, actions) count in the
        audit's revision, which confirming compares: take the new revision, unless the reviews
        or the status changed meanwhile, which must still stop the confirmation."""
        fresh = self._read(lambda: audits.get_audit(self.db, self.actor, self.audit_uuid))
        if fresh is None:
            return
        if fresh.status == self.view.status and fresh.reviews == self.view.reviews:
            self.view = fresh

    def _worker_feedback_checked(self) -> bool:
        """Before confirming, ask once if the worker or their manager had no feedback."""
        if self._worker_feedback_accepted:
            return True
        given = self._read(
            lambda: worker_feedback.get_worker_feedback(self.db, self.actor, self.audit_uuid)
        )
        if given is None:
            return True  # confirming will say what is wrong
        if given.missing:
            if not confirm(self, "Feedback to the worker", WORKER_FEEDBACK_QUESTION):
                self.extras.setCurrentWidget(self.extras.worker_tab)
                return False
            self._worker_feedback_accepted = True
        return True

    def _run(
        self,
        title: str,
        fn: Callable[[], T],
        *,
        in_form: bool = True,
        conflict_text: Callable[[], str] | None = None,
    ) -> tuple[T] | None:
        """A quick write as an Operation on the GUI thread (the form shows its result at once):
        (result,) on success, None once the error is shown: beside the fields (`in_form`), as
        a lost race (a ConflictError, when `conflict_text` gives the text to keep), else in the
        operation's dialog."""

        def shown_here(exc: AuditToolError) -> bool:
            if in_form and isinstance(exc, ValidationError):
                self._show_errors(exc)
                return True
            if conflict_text is not None and isinstance(exc, ConflictError):
                self._lost_race(exc, conflict_text())
                return True
            return False

        return ops.Operation(self, lambda _task: (fn(),), title=title).failure(shown_here).run()

    def _read(self, fn: Callable[[], T]) -> T | None:
        """A read or check the form can do without: None after a user's error (a lost
        connection still reaches the banner, anything unexpected its crash report)."""
        return ops.Operation(self, lambda _task: fn(), title="Moderation").quietly().run()

    def save(self) -> bool:
        answers, overall = self.final_answers()
        db, actor, audit_uuid, rationale = (
            self.db,
            self.actor,
            self.audit_uuid,
            self.rationale.toPlainText(),
        )
        saved = self._run(
            "Moderation not saved",
            lambda: audits.save_moderation(
                db, actor, audit_uuid, answers=answers, overall=overall, rationale=rationale
            ),
        )
        if saved is None:
            return False
        self._adopt_revision()
        self._saved_state = self._state()
        themes.styled(self.message, "color: $success;")
        self.message.setText("Saved.")
        self.message.show()
        return True

    def confirm(self) -> None:
        answers, overall = self.final_answers()
        # The grades first: ask about feedback to the worker only once they could be confirmed.
        rationale = self.rationale.toPlainText()
        problems = (
            self._read(
                lambda: audits.confirm_problems(
                    self.db,
                    self.actor,
                    self.audit_uuid,
                    answers=answers,
                    overall=overall,
                    rationale=rationale,
                )
            )
            or {}  # refused: confirming says what is wrong
        )
        if problems:
            self._show_errors(
                ValidationError(
                    f"The audit cannot be confirmed: {len(problems)} thing(s) missing", problems
                )
            )
            return
        if not self._worker_feedback_checked():
            return
        db, actor, audit_uuid, rationale = (
            self.db,
            self.actor,
            self.audit_uuid,
            self.rationale.toPlainText(),
        )
        revision, token = self.view.revision, self.claim_token
        confirmed = self._run(
            "Not confirmed",
            lambda: audits.confirm(
                db,
                actor,
                audit_uuid,
                answers=answers,
                overall=overall,
                rationale=rationale,
                expected_revision=revision,
                token=token,
            ),
            conflict_text=lambda: "",
        )
        if confirmed is None:
            return
        (self.view,) = confirmed
        self._show_title()
        self.release_claim()  # the work is done: nobody need be kept out any longer
        self.editable = False
        for widget in self.finals.values():
            widget.setEnabled(False)
        for button in [
            *self.take_buttons.values(),
            *self.take_all_buttons,
            self.return_button,
            self.save_button,
            self.confirm_button,
        ]:
            button.setVisible(False)
        self.rationale.setReadOnly(True)
        self._clear_errors()
        themes.styled(self.message, "color: $success;")
        self.message.setText("Final grades confirmed. The audit is final and locked.")
        self.message.show()
        self.extras.refresh()
        self.confirmed.emit()

    def return_review(self) -> None:
        from audit_tool.ui.return_dialog import ReturnDialog

        dialog = ReturnDialog(self.view, self)
        if not dialog.exec():
            return
        db, actor, review_uuid, comment = (
            self.db,
            self.actor,
            dialog.review_uuid(),
            dialog.comment.toPlainText(),
        )
        revision, token = self.view.revision, self.claim_token
        returned = self._run(
            "Not returned",
            lambda: audits.return_review(
                db, actor, review_uuid, comment, token=token, expected_revision=revision
            ),
            in_form=False,
            conflict_text=lambda: comment,
        )
        if returned is None:
            return
        (self.view,) = returned
        self._show_title()
        self.release_claim()  # back with the auditor: the next round claims it afresh
        self.editable = False
        for button in (self.return_button, self.save_button, self.confirm_button):
            button.setVisible(False)
        themes.styled(self.message, "color: $success;")
        self.message.setText(
            "Returned to the auditor. The audit comes back to your queue when they resubmit."
        )
        self.message.show()
        self.extras.refresh()
        self.returned.emit()

    def save_panel(self) -> None:
        if self.panel is None:
            return
        db, actor, audit_uuid, summary = (
            self.db,
            self.actor,
            self.audit_uuid,
            self.panel.toPlainText(),
        )
        recorded = self._run(
            "Panel summary not saved",
            lambda: audits.record_panel_summary(db, actor, audit_uuid, summary),
        )
        if recorded is None:
            return
        (self.view,) = recorded
        themes.styled(self.message, "color: $success;")
        self.message.setText("Panel summary recorded.")
        self.message.show()

    def reopen(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getMultiLineText(
            self, "Reopen the audit", "Why does this final audit need moderating again?"
        )
        if not ok:
            return
        db, actor, audit_uuid = self.db, self.actor, self.audit_uuid
        reopened = self._run(
            "Not reopened", lambda: audits.reopen(db, actor, audit_uuid, reason), in_form=False
        )
        if reopened is None:
            return
        (self.view,) = reopened
        self._show_title()
        self.reopen_button.setVisible(False)
        self.extras.refresh()
        themes.styled(self.message, "color: $success;")
        self.message.setText(
            "Reopened: the audit is back in its moderator's queue. The reason is in the change log."
        )
        self.message.show()
        self.returned.emit()
