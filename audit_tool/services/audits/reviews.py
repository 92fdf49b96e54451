"""An auditor's review: saving a draft and submitting it; only the review's own auditor,
and only while it is a draft or returned."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.models import Audit, Review, ReviewAnswer
from audit_tool.reporting import aggregates
from audit_tool.services import changelog, conflicts
from audit_tool.services.audits.answers import (
    answer_snapshot,
    grade_warnings,
    missing_grades,
    set_answers,
    validate_answers,
)
from audit_tool.services.audits.reading import answers_of, load_review, review_view, template_of
from audit_tool.services.audits.revisions import bump, touch
from audit_tool.services.audits.states import TRANSITIONS, move
from audit_tool.services.audits.views import Answer, ReviewView, SubmitResult

if TYPE_CHECKING:
    from audit_tool.store import Database


def _own_review(session: Session, actor: Actor, review_uuid: str) -> tuple[Review, Audit]:
    require(actor, "audit.review")
    review = load_review(session, review_uuid)
    audit = review.audit
    if review.reviewer_id != actor.person_id:
        raise PermissionDenied(
            f"{actor.name} is not the auditor of this review; only {review.reviewer.name} "
            "may change it"
        )
    if audit.status == "final":
        raise ValidationError(f"The audit of case {audit.case.ref} is final and locked")
    if review.status not in ("draft", "returned"):
        raise ValidationError(
            "This review is submitted; it can change only if the moderator returns it"
        )
    return review, audit


def save_review(
    db: Database,
    actor: Actor,
    review_uuid: str,
    *,
    answers: dict[str, Answer] | None = None,
    overall: str | None = None,
    strengths: str | None = None,
    worries: str | None = None,
    next_steps: str | None = None,
    expected_revision: int | None = None,
) -> ReviewView:
    """Save a draft (what the form autosaves). Incomplete is fine; wrong values are not."""
    try:
        with db.transaction() as session:
            review, audit = _own_review(session, actor, review_uuid)
            if expected_revision is not None and review.revision != expected_revision:
                raise conflicts.conflict(session, actor, "review", review.uuid, "this review")
            template = template_of(session, audit)
            errors = validate_answers(template, answers or {}, overall)
            if errors:
                raise ValidationError(
                    f"The review was not saved: {len(errors)} answer(s) not valid", errors
                )
            before = review_snapshot(review)
            set_answers(review.answers, ReviewAnswer, answers or {})
            if overall is not None:
                review.overall = overall or None
            for name, value in (
                ("strengths", strengths),
                ("worries", worries),
                ("next_steps", next_steps),
            ):
                if value is not None:
                    setattr(review, name, value)
            session.flush()
            after = review_snapshot(review)
            if after != before:
                # A change to the answers alone must count in the review's revision too.
                touch(session, review)
                bump(session, audit)
                # Every save that changes something, autosaves included: only the fields and
                # answers that changed ("answers.<item>": [grade, comment]), so a long typing
                # session logs what each save changed, not the whole review each time.
                changelog.record_changes(
                    session,
                    actor,
                    "review",
                    review.uuid,
                    before,
                    after,
                    summary=f"Review of case {audit.case.ref} saved as a draft",
                )
            return review_view(review, hidden=False)
    except StaleDataError as exc:
        raise conflicts.conflict_after_rollback(
            db, actor, "review", review_uuid, "this review"
        ) from exc


def review_snapshot(review: Review) -> dict[str, Any]:
    """A review's grades and text as the change log records them (before and after a save)."""
    return {
        "overall": review.overall,
        "strengths": review.strengths,
        "worries": review.worries,
        "next_steps": review.next_steps,
        "answers": answer_snapshot(review.answers),
    }


def submit_review(
    db: Database, actor: Actor, review_uuid: str, *, expected_revision: int | None = None
) -> SubmitResult:
    """Submit a review: every grade item answered (or Not applicable) and an overall grade.
    Returns warnings about the overall grade; they do not stop the submission."""
    try:
        with db.transaction() as session:
            review, audit = _own_review(session, actor, review_uuid)
            if expected_revision is not None and review.revision != expected_revision:
                raise conflicts.conflict(session, actor, "review", review.uuid, "this review")
            template = template_of(session, audit)
            answers = answers_of(review.answers)
            errors: dict[str, str] = {}
            for item in template.graded_items:
                if answers.get(item.key, Answer(None)).value in (None, ""):
                    errors[item.key] = "Give a grade, or mark it Not applicable"
            if not review.overall:
                errors["overall"] = "Give an overall grade"
            if errors:
                missing = missing_grades(template, answers)
                parts = []
                if missing:
                    parts.append(f"{len(missing)} practice area(s) not graded")
                if "overall" in errors:
                    parts.append("no overall grade")
                raise ValidationError(
                    "The review cannot be submitted: " + " and ".join(parts), errors
                )
            warnings = grade_warnings(template, answers, review.overall)
            returned = review.status == "returned"
            review.status = "submitted"
            review.submitted_at = datetime.now(UTC)
            before_status = audit.status
            if audit.kind == "single":
                move(audit, "final")
                audit.final_overall = review.overall
                audit.finalised_at = review.submitted_at
            elif all(r.status == "submitted" for r in audit.reviews):
                move(audit, "in_moderation")
            session.flush()
            if audit.status == "final":
                aggregates.add(session, [audit.id])  # the report's counts
            if audit.status == before_status:
                bump(session, audit)
            changelog.record(
                session,
                actor,
                "submit",
                "review",
                review.uuid,
                after={**review_snapshot(review), "status": "submitted"},
                summary=(
                    f"Review of case {audit.case.ref} "
                    f"{'submitted again' if returned else 'submitted'}"
                ),
            )
            if audit.status != before_status:
                changelog.record(
                    session,
                    actor,
                    "status",
                    "audit",
                    audit.uuid,
                    before={"status": before_status},
                    after={"status": audit.status},
                    summary=(
                        f"Audit of case {audit.case.ref}: "
                        f"{TRANSITIONS[(before_status, audit.status)]}"
                    ),
                )
            return SubmitResult(review_view(review, hidden=False), audit.status, tuple(warnings))
    except StaleDataError as exc:
        raise conflicts.conflict_after_rollback(
            db, actor, "review", review_uuid, "this review"
        ) from exc
