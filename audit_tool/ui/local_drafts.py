"""The audit form's side of the drafts kept on this computer while the database cannot be
reached: keep the typing, save it when the connection is back, offer a copy an earlier run
left. The drafts' files (their format, place and protection) are store/drafts.py.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from audit_tool.store.drafts import LocalDraft, LocalDrafts


class FormDrafts(QObject):
    """Keeps an audit form's typing on this computer while the database cannot be reached,
    saves it through the form when the connection is back, and offers a copy left by an
    earlier run (the app closed or crashed while offline) when the review is opened."""

    def __init__(self, form: Any) -> None:
        super().__init__(form)
        from audit_tool.ui.connection_banner import watcher_for

        self.form = form
        self.watcher = watcher_for(form.db, form)
        self.kept = False
        self.watcher.restored.connect(self._restored)
        QTimer.singleShot(0, self, self.offer_restore)

    @property
    def store(self) -> LocalDrafts:
        return self.watcher.drafts

    def keep_if_lost(self) -> bool:
        """While the database is known to be away, keep the typing here without waiting for it."""
        if not self.watcher.is_lost:
            return False
        self._keep()
        return True

    def keep_after(self, exc: BaseException) -> bool:
        """A save failed: if the connection is lost, keep the typing here (True)."""
        if not self.watcher.report(exc):
            return False
        self._keep()
        return True

    def _keep(self) -> None:
        form = self.form
        draft = LocalDraft(
            review_uuid=form.review_uuid,
            audit_uuid=form.audit_uuid,
            case_ref=form.view.case_ref,
            person_key=form.actor.key or "",
            revision=form.revision,
            answers={
                key: {"value": answer.value, "comment": answer.comment}
                for key, answer in form.answers().items()
            },
            overall=form.overall.currentData() or "",
            strengths=form.summary["strengths"].toPlainText(),
            worries=form.summary["worries"].toPlainText(),
            next_steps=form.summary["next_steps"].toPlainText(),
        )
        self.store.save(draft)
        self.kept = True
        where = "in this window" if self.store.protection == "memory" else "on this computer"
        form.status.setText(
            f"Not saved: the database cannot be reached. Kept {where} at {draft.saved_at:%H:%M:%S}"
        )

    def saved(self) -> None:
        """The form saved through the services: the local copy has done its job."""
        if self.kept:
            self.store.delete(self.form.review_uuid)
            self.kept = False

    def _restored(self) -> None:
        if self.kept and self.form.editable:
            # A conflict (the review changed meanwhile) goes to the form's own handler; the
            # local copy stays until a save succeeds, so nothing is lost.
            self.form.save(explicit=True)

    def offer_restore(self) -> None:

        form = self.form
        if self.kept:  # kept by this form since it opened: not a copy left by an earlier run
            return
        draft = self.store.load(form.review_uuid)
        if draft is None or (draft.person_key and draft.person_key != (form.actor.key or "")):
            return
        if not form.editable:
            form.message.setText(
                f"Typing kept on this computer at {draft.saved_at:%d %b %H:%M} was not saved, "
                "and this review can no longer be edited; it stays on this computer."
            )
            form.message.show()
            return
        choice = _ask_restore(form, draft)
        if choice == "later":
            return
        if choice == "discard":
            self.store.delete(form.review_uuid)
            return
        self.kept = True
        form.apply_draft(draft)
        form.save(explicit=True)


def _ask_restore(parent: Any, draft: LocalDraft) -> str:
    """Restore (the default: Enter keeps the typing), discard, or decide later."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Restore typing kept on this computer?",
        f"Your typing in this review at {draft.saved_at:%d %b %Y %H:%M} could not be saved "
        "(the database could not be reached) and was kept on this computer.\n\n"
        "Restore it and save it now?",
        parent=parent,
    )
    box.setObjectName("restoreDraftDialog")
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard it", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore else "discard" if clicked is discard else "later"


def offer_pending(window: Any, opened_at: float) -> int:
    """At start: offer to open the reviews whose typing was kept on this computer (the app
    closed or crashed while the database could not be reached) before the window opened at
    `opened_at` (time.monotonic()); typing its own forms keep since is theirs to save. Returns
    how many opened."""
    from audit_tool.ui.connection_banner import watcher_for
    from audit_tool.ui.forms import confirm

    store = watcher_for(window.db, window).drafts
    mine = [
        d
        for d in store.pending()
        if (not d.person_key or d.person_key == window.actor.key)
        and not store.kept_since(d.review_uuid, opened_at)
    ]
    if not mine:
        return 0
    refs = ", ".join(d.case_ref or d.audit_uuid[:8] for d in mine[:10])
    if not confirm(
        window,
        "Unsaved typing on this computer",
        f"Typing in {len(mine)} review(s) could not be saved last time (the database could not "
        f"be reached) and was kept on this computer: {refs}.\n\nOpen them now to restore it?",
    ):
        return 0
    for draft in mine:
        window.open_audit(draft.audit_uuid)
    return len(mine)
