"""Feedback to the worker at the time of audit: one confirmed audit's findings on one page.

The partnerships give "case audit feedback to the individual social worker and manager at the
time of audit". The sheet gathers what they need from a final audit (the final grades, what is
working well, what needs to improve, the actions with owners and dates, the moderator's
rationale); reporting.worker_sheet_pdf prints it, and giving it is recorded as feedback to the
worker and their manager (services.worker_feedback.save_worker_feedback)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.reporting.worker_sheet_pdf import SheetAction, WorkerSheet
from audit_tool.services import audits, changelog, learning, learning_actions, worker_feedback
from audit_tool.services.audit_extras import audit_for

if TYPE_CHECKING:
    from audit_tool.store import Database

HOW_GIVEN = "Feedback sheet (PDF)"


def _people_and_log(db: Database, actor: Actor, audit_uuid: str) -> tuple[str, str]:
    """The case's worker and their manager by name ('' where the case names none); the
    making of the sheet (the audit's text leaving the app) goes in the change log."""
    with db.transaction() as session:
        audit = audit_for(session, actor, audit_uuid, "learning.record", write=True, locked_ok=True)
        case = audit.case
        changelog.record(
            session,
            actor,
            "export",
            "audit",
            audit.uuid,
            summary=f"Feedback sheet for the worker made from the audit of case {case.ref}",
        )
        return (
            case.worker.name if case.worker else "",
            case.manager.name if case.manager else "",
        )


def worker_sheet(db: Database, actor: Actor, audit_uuid: str) -> WorkerSheet:
    """The sheet for a final audit, for those who may record feedback to the worker (its
    auditors, its moderator, a QA lead)."""
    view = audits.get_audit(db, actor, audit_uuid)
    if view.status != "final":
        raise ValidationError(
            f"The audit of case {view.case_ref} is not confirmed yet: the feedback sheet shows "
            "the final grades"
        )
    worker, manager = _people_and_log(db, actor, audit_uuid)
    labels = {level.key: level.label for level in view.template.levels}
    final = view.moderation.answers if view.moderation else {}
    if view.kind == "single" and view.reviews:  # no moderation: the review is the final word
        final = view.reviews[0].answers
    grades = tuple(
        (item.label, labels.get(final[item.key].value or "", "Not graded"))
        for item in view.template.graded_items
        if item.key in final
    )
    points = learning.audit_learning(db, actor, audit_uuid)
    working_well = tuple(p.text for p in points if p.kind == "strength")
    to_improve = tuple(p.text for p in points if p.kind == "development")
    if not working_well:
        working_well = tuple(r.strengths for r in view.reviews if r.strengths.strip())
    if not to_improve:
        to_improve = tuple(
            text for r in view.reviews for text in (r.worries, r.next_steps) if text.strip()
        )
    actions = tuple(
        SheetAction(a.text, a.owner_name, a.due_on, a.status)
        for a in learning_actions.audit_actions(db, actor, audit_uuid)
        if a.status != "cancelled"
    )
    return WorkerSheet(
        case_ref=view.case_ref,
        case_initials=view.case_initials,
        team=view.team_name,
        worker=worker,
        manager=manager,
        programme=view.programme_name,
        template=view.template.name,
        audited_by=tuple(r.reviewer_name for r in view.reviews),
        moderated_by=view.moderator_name or "",
        confirmed_on=view.finalised_at.date() if view.finalised_at else None,
        overall=labels.get(view.final_overall or "", "Not graded"),
        grades=grades,
        working_well=working_well,
        to_improve=to_improve,
        actions=actions,
        rationale=view.moderation.rationale if view.moderation else "",
    )


def record_sheet_given(
    db: Database, actor: Actor, audit_uuid: str
) -> worker_feedback.WorkerFeedbackRow:
    """The sheet was saved or printed for the worker and their manager: record it as given
    today (kept as it was where both had already had feedback)."""
    current = worker_feedback.get_worker_feedback(db, actor, audit_uuid)
    if not current.missing:
        return current
    return worker_feedback.save_worker_feedback(
        db,
        actor,
        audit_uuid,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date.today(),
        how=HOW_GIVEN,
    )


def export_sheet(db: Database, actor: Actor, audit_uuid: str, path: str | Path) -> Path:
    """Write the sheet as a one-page PDF at `path` (whole or not at all)."""
    from audit_tool.fileio import write_atomic
    from audit_tool.reporting.worker_sheet_pdf import render_pdf

    return write_atomic(path, render_pdf(worker_sheet(db, actor, audit_uuid)))
