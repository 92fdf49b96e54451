"""Saving a briefing's edits: a few seconds after typing stops, at the latest ten seconds after
the first unsaved change, before anything else is done with the briefing, and on Ctrl+S. A save
made elsewhere in the meantime stops the autosave and offers to reload."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from audit_tool.errors import AuditToolError, ConflictError, ValidationError
from audit_tool.services import briefings
from audit_tool.services.briefings import BriefingView
from audit_tool.ui import operations as ops
from audit_tool.ui.briefings.common import AUTOSAVE_IDLE_MS, AUTOSAVE_MAX_MS, when_text

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


class Saving:
    """Whether the open briefing has unsaved edits or met a conflict, and the autosave timers."""

    def __init__(self, view: BriefingsView) -> None:
        self.view = view
        self.dirty = False
        self.conflicted = False
        self.idle = QTimer(view)
        self.idle.setSingleShot(True)
        self.idle.setInterval(AUTOSAVE_IDLE_MS)
        self.idle.timeout.connect(self.save)
        self.cap = QTimer(view)
        self.cap.setSingleShot(True)
        self.cap.setInterval(AUTOSAVE_MAX_MS)
        self.cap.timeout.connect(self.save)

    def reset(self) -> None:
        """Another briefing (or none) is shown: nothing unsaved, no conflict, no save due."""
        self.idle.stop()
        self.cap.stop()
        self.dirty = False
        self.conflicted = False

    def changed(self) -> None:
        view = self.view
        if view.loading or not view.editable:
            return
        self.dirty = True
        view.save_status.setText("Unsaved changes")
        if not self.conflicted:
            self.idle.start()
            if not self.cap.isActive():
                self.cap.start()

    def save_now(self) -> None:
        if self.save(explicit=True) and self.view.editable:
            self.view.status_message.emit("Briefing saved")

    def save(self, *, explicit: bool = False) -> bool:
        """Save the edits if there are any (or when asked). False when they were not saved."""
        self.idle.stop()
        self.cap.stop()
        view = self.view
        current = view.current
        if current is None or not view.editable:
            return True
        if not self.dirty and not explicit:
            return True
        if self.conflicted and not explicit:
            return False
        sections = {
            key: box.edit.markdown()
            for key, box in view.boxes.items()
            if box.edit.document().isModified()
        }
        db, actor, uuid, revision = view.db, view.actor, current.uuid, view.revision
        title, audience = view.title.text(), view.audience.text()

        def refused(exc: AuditToolError) -> bool:
            if isinstance(exc, ValidationError):
                message = exc.fields.get("title", str(exc))
                view.title_error.setText(message)
                view.title_error.show()
                view.save_status.setText(f"Not saved: {message}")
                if explicit:
                    view.title.setFocus()
                return True
            if isinstance(exc, ConflictError):
                self.conflict(exc)
                return True
            view.save_status.setText("Not saved")
            return False  # and the dialog says why

        saved = (
            ops.Operation(
                view,
                lambda task: briefings.save_briefing(
                    db,
                    actor,
                    uuid,
                    title=title,
                    audience=audience,
                    sections=sections,
                    expected_revision=revision,
                ),
                title="Briefing not saved",
            )
            .failure(refused)
            .run()
        )
        if saved is None:
            return False
        self.saved(saved)
        return True

    def saved(self, saved: BriefingView) -> None:
        """The briefing as the service saved it becomes the open one."""
        view = self.view
        view.current = saved
        view.revision = saved.revision
        self.dirty = False
        self.conflicted = False
        for box in view.boxes.values():
            box.edit.document().setModified(False)
        view.title_error.hide()
        view.save_status.setText(f"Saved at {datetime.now():%H:%M:%S}")
        view.list_panel.replace_row(saved)
        view.editor.show_facts(saved, view.can_edit)

    def conflict(self, exc: ConflictError) -> None:
        """Someone else saved this briefing since it was opened: say who, offer to reload."""
        view = self.view
        self.conflicted = True
        self.idle.stop()
        self.cap.stop()
        view.save_status.setText("Not saved: the briefing was changed elsewhere")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Briefing changed elsewhere",
            f"{exc}{self._last_change()}\n\nReload it to see the saved version (your changes "
            "here since your last save are lost), or keep your text on screen to copy it first.",
            QMessageBox.StandardButton.NoButton,
            view,
        )
        box.setObjectName("briefings_conflict")
        reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
        reload.setObjectName("briefings_conflictReload")
        keep = box.addButton("&Keep my text", QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("briefings_conflictKeep")
        box.setDefaultButton(reload)
        box.exec()
        if box.clickedButton() is reload and view.current is not None:
            self.dirty = False
            view.refresh_current()
            view.status_message.emit("Briefing reloaded")

    def _last_change(self) -> str:
        """Who changed the briefing last and how, for those who may read the change log."""
        view = self.view
        if view.current is None or not view.actor.can("changelog.view"):
            return ""
        from audit_tool.services import changelog

        db, actor, uuid = view.db, view.actor, view.current.uuid
        entries = (
            ops.Operation(
                view,
                lambda task: changelog.entries(
                    db, actor, entity="briefing", entity_uuid=uuid, limit=1
                ),
                title="Change log",
            )
            .quietly()  # the conflict is told without who changed it last
            .run()
        )
        if not entries:
            return ""
        last = entries[0]
        return f"\n\nLast change: {last.summary}, by {last.actor_name} {when_text(last.at)}."
