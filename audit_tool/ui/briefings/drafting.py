"""Drafting: New briefing... from moderated audits, New version of a published briefing (an
editable copy), and one section drafted again from the audits ("Redraft from audits")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog

from audit_tool.errors import AuditToolError, ConflictError
from audit_tool.services import briefings
from audit_tool.services.briefings import HEADINGS, BriefingView
from audit_tool.ui import operations as ops
from audit_tool.ui.briefings.common import canonical, plural
from audit_tool.ui.briefings.new_dialog import NewBriefingDialog
from audit_tool.ui.forms import confirm

if TYPE_CHECKING:
    from audit_tool.ui.briefings.view import BriefingsView


def new_briefing(view: BriefingsView) -> None:
    """New briefing...: the dialog drafts it; the list then shows it, open in the editor."""
    if not view.can_edit or not view.save():
        return
    db, actor = view.db, view.actor
    # The dialog reads the programmes and audits to draft from as it is built.
    dialog = ops.Operation(
        view, lambda task: NewBriefingDialog(db, actor, view), title="New briefing"
    ).run()
    if dialog is None:
        return
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.created is None:
        return
    created = dialog.created
    show_created(view, created)
    view.status_message.emit(
        f"Drafted '{created.row.title}' from {plural(created.row.audits, 'final audit')}"
    )


def show_created(view: BriefingsView, created: BriefingView) -> None:
    """A briefing just drafted, versioned or published: list it, open it at its text."""
    view.current = None
    db, actor = view.db, view.actor
    rows = ops.Operation(
        view, lambda task: briefings.list_briefings(db, actor), title="Briefings"
    ).run()
    if rows is None:
        return
    view.show_rows(rows, created.uuid)
    view.tabs.setCurrentWidget(view.text_tab)
    view.changed.emit()


def new_version(view: BriefingsView) -> None:
    current = view.current
    if current is None or not current.published or not view.can_edit:
        return
    db, actor = view.db, view.actor
    draft = ops.Operation(
        view,
        lambda task: briefings.new_version(db, actor, current.uuid),
        title="New version",
        changes={ops.BRIEFINGS},
    ).run()
    if draft is None:
        return
    show_created(view, draft)
    view.status_message.emit(
        f"Version {draft.row.version} of '{draft.row.title}' started: an editable copy"
    )


def edited_since_draft(view: BriefingsView, key: str) -> bool:
    drafted = view.current.drafted.get(key) if view.current is not None else None
    if drafted is None:
        return True  # drafted before the app kept the draft: ask, to be safe
    return canonical(view.boxes[key].edit.markdown()) != canonical(drafted)


def redraft(view: BriefingsView, key: str) -> None:
    """One section drafted again from the audits' current data, asking first if it was edited."""
    current = view.current
    if current is None or not view.editable:
        return
    heading = HEADINGS[key]
    if edited_since_draft(view, key) and not confirm(
        view,
        "Redraft from audits",
        f"Replace your text for '{heading}' with a fresh draft from the audits?",
    ):
        return
    if not view.save():
        return
    db, actor, revision = view.db, view.actor, view.revision

    def conflicted(exc: AuditToolError) -> bool:
        if isinstance(exc, ConflictError):
            view.saving.conflict(exc)
            return True
        return False

    fresh = (
        ops.Operation(
            view,
            lambda task: briefings.redraft_section(
                db, actor, current.uuid, key, expected_revision=revision
            ),
            title="Section not redrafted",
        )
        .failure(conflicted)
        .run()
    )
    if fresh is None:
        return
    box = view.boxes[key]
    view.loading = True
    try:
        box.edit.setMarkdown(fresh.sections[key])
        box.edit.document().setModified(False)
    finally:
        view.loading = False
    view.saving.saved(fresh)
    view.update_counts()
    view.status_message.emit(f"'{heading}' drafted again from the audits")
