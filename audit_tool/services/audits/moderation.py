"""Moderation by the audit's moderator: the proposal to start from, saving work in
progress, returning a review to its auditor (the loop), and confirming the final grades."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, PermissionDenied, ValidationError
from audit_tool.models import Audit, Moderation, ModerationAnswer
from audit_tool.reporting import aggregates
from audit_tool.services import changelog, claims, conflicts, notices
from audit_tool.services.audits import returns
from audit_tool.services.audits.answers import (
    answer_snapshot,
    rank_of,
    set_answers,
    validate_answers,
)
from audit_tool.services.audits.reading import (
    answers_of,
    audit_view,
    is_moderator,
    load_audit,
    load_review,
    review_view,
    template_of,
)
from audit_tool.services.audits.revisions import bump, touch
from audit_tool.services.audits.states import STATUS_LABELS, move
from audit_tool.services.audits.views import Answer, AuditView, ModerationView, ReviewView
from audit_tool.services.templates import TemplateRow

if TYPE_CHECKING:
    from audit_tool.store import Database


def _check_claim(session: Session, actor: Actor, audit: Audit, token: str | None) -> None:
    """Moderating is one person's work at a time: refuse a confirm or return from anyone but
    the holder of a live claim. Without a token (command line, pack import) only a claim held
    by another person refuses it."""
    held = claims.holder(session, "moderation", audit.uuid)
    if held is None or held.token == token:
        return
    if token is None and held.person_id == actor.person_id:
        return
    elsewhere = " in another window" if held.person_id == actor.person_id else ""
    raise ConflictError(
        f"The audit of case {audit.case.ref} is being moderated by {held.holder_name}"
        f"{elsewhere} since {held.since.astimezone():%H:%M}; nothing was changed",
        changed_by=held.holder_name,
        changed_at=held.since,
        entity="audit",
        entity_uuid=audit.uuid,
    )


def _moderation_snapshot(moderation: Moderation | None) -> dict[str, Any]:
    if moderation is None:
        return {"overall": None, "rationale": "", "answers": {}}
    return {
        "overall": moderation.overall,
        "rationale": moderation.rationale,
        "answers": answer_snapshot(moderation.answers),
    }


def _moderated_audit(
    session: Session, actor: Actor, audit_uuid: str, expected_revision: int | None = None
) -> Audit:
    require(actor, "audit.moderate")
    audit = load_audit(session, audit_uuid)
    if not is_moderator(actor, audit):
        raise PermissionDenied(f"{actor.name} is not the moderator of this audit")
    # Before the status: a moderator whose screen is out of date hears who changed the audit
    # (confirmed it in another window, returned it, reopened it), not just its new status.
    if expected_revision is not None and audit.revision != expected_revision:
        raise conflicts.conflict(session, actor, "audit", audit.uuid, "this audit")
    if audit.status != "in_moderation":
        raise ValidationError(
            f"The audit of case {audit.case.ref} is {STATUS_LABELS[audit.status].lower()}, "
            "not ready to moderate"
        )
    return audit


def proposal(db: Database, actor: Actor, audit_uuid: str) -> dict[str, Answer]:
    """The final answers to start moderation from: each item (and "overall") where every
    review agrees; the moderator's saved answers where there are some."""
    with db.session() as session:
        return proposal_for(session, _moderated_audit(session, actor, audit_uuid))


def proposal_for(session: Session, audit: Audit) -> dict[str, Answer]:
    """proposal inside a caller's session; the caller has checked the actor moderates it."""
    template = template_of(session, audit)
    result: dict[str, Answer] = {}
    for item in template.items:
        values = {a.value for r in audit.reviews for a in r.answers if a.item_key == item.key}
        complete = all(any(a.item_key == item.key for a in r.answers) for r in audit.reviews)
        if complete and len(values) == 1 and item.kind != "text":
            result[item.key] = Answer(values.pop())
    overalls = {r.overall for r in audit.reviews}
    if len(overalls) == 1:
        result["overall"] = Answer(overalls.pop())
    if audit.moderation is not None:
        result.update(answers_of(audit.moderation.answers))
        if audit.moderation.overall:
            result["overall"] = Answer(audit.moderation.overall)
    return result


def differences(view: AuditView) -> dict[str, int]:
    """For each grade item (and "overall"), the spread of the reviews' ranks: 0 agree, 2 or
    more stands out."""
    out: dict[str, int] = {}
    keys = [i.key for i in view.template.graded_items] + ["overall"]
    for key in keys:
        ranks = []
        for review in view.reviews:
            value = (
                review.overall if key == "overall" else review.answers.get(key, Answer(None)).value
            )
            rank = rank_of(view.template, value)
            if rank is not None:
                ranks.append(rank)
        out[key] = max(ranks) - min(ranks) if len(ranks) > 1 else 0
    return out


def save_moderation(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    answers: dict[str, Answer],
    overall: str | None,
    rationale: str = "",
) -> ModerationView:
    """Save the moderator's work in progress (not yet final)."""
    try:
        with db.transaction() as session:
            audit = _moderated_audit(session, actor, audit_uuid)
            existed = audit.moderation is not None
            before = _moderation_snapshot(audit.moderation)
            moderation = _store_moderation(session, actor, audit, answers, overall, rationale)
            bump(session, audit)
            _log_moderation_save(session, actor, audit, moderation, before, existed)
            return ModerationView(
                actor.key or "",
                actor.name,
                moderation.completed_at,
                moderation.overall,
                moderation.rationale,
                moderation.panel_summary,
                answers_of(moderation.answers),
            )
    except (StaleDataError, IntegrityError) as exc:
        # Two windows started the moderation at once, or one confirmed meanwhile.
        raise conflicts.conflict_after_rollback(
            db, actor, "audit", audit_uuid, "this audit"
        ) from exc


def _log_moderation_save(
    session: Session,
    actor: Actor,
    audit: Audit,
    moderation: Moderation,
    before: dict[str, Any],
    existed: bool,
) -> None:
    """Log a moderator's saved draft: only what changed, as for a review."""
    after = _moderation_snapshot(moderation)
    summary = f"Moderation of case {audit.case.ref} saved as a draft"
    if existed:
        changelog.record_changes(
            session, actor, "moderation", moderation.uuid, before, after, summary=summary
        )
        return
    _old, new = changelog.diff(before, after)
    changelog.record(
        session, actor, "create", "moderation", moderation.uuid, after=new, summary=summary
    )


def _store_moderation(
    session: Session,
    actor: Actor,
    audit: Audit,
    answers: dict[str, Answer],
    overall: str | None,
    rationale: str,
) -> Moderation:
    template = template_of(session, audit)
    errors = validate_answers(template, answers, overall)
    if errors:
        raise ValidationError(f"Not saved: {len(errors)} answer(s) not valid", errors)
    moderation = audit.moderation
    if moderation is None:
        assert actor.person_id is not None
        moderation = Moderation(audit=audit, moderator_id=actor.person_id)
        session.add(moderation)
    set_answers(moderation.answers, ModerationAnswer, answers)
    moderation.overall = overall or None
    moderation.rationale = rationale.strip()
    session.flush()
    return moderation


def return_review(
    db: Database,
    actor: Actor,
    review_uuid: str,
    comment: str,
    *,
    token: str | None = None,
    expected_revision: int | None = None,
) -> AuditView:
    """Send one review back to its auditor with a comment (the loop). `token`: the moderation
    screen's claim (see services.claims); `expected_revision`: the audit's revision the
    moderator saw."""
    comment = comment.strip()
    audit_uuid = ""
    try:
        with db.transaction() as session:
            review = load_review(session, review_uuid)
            audit = _moderated_audit(session, actor, review.audit.uuid, expected_revision)
            audit_uuid = audit.uuid
            _check_claim(session, actor, audit, token)
            if not comment:
                raise ValidationError(
                    "Say what the auditor should look at again",
                    {"comment": "A comment is required"},
                )
            touch(session, audit)
            touch(session, review)
            review.status = "returned"
            review.return_comment = comment
            review.at_return = returns.snapshot(review)
            move(audit, "returned")
            session.flush()
            changelog.record(
                session,
                actor,
                "return",
                "review",
                review.uuid,
                after={"status": "returned", "comment": comment},
                summary=f"Review of case {audit.case.ref} by {review.reviewer.name} returned",
            )
            notices.add(
                session,
                "returned",
                audit,
                [review.reviewer_id],
                f"Returned to you by {actor.name}: Case {audit.case.ref}",
                actor.name,
            )
            return audit_view(session, actor, audit)
    except StaleDataError as exc:
        raise conflicts.conflict_after_rollback(
            db, actor, "audit", audit_uuid, "this audit"
        ) from exc


def needs_rationale(
    template: TemplateRow,
    reviews: list[ReviewView],
    answers: dict[str, Answer],
    overall: str | None,
) -> bool:
    """A rationale is required where the auditors differ, or the final differs from either."""
    keys = [i.key for i in template.graded_items]
    for key in keys:
        values = {r.answers.get(key, Answer(None)).value for r in reviews}
        final = answers.get(key, Answer(None)).value
        if len(values) > 1 or (values and final not in values):
            return True
    overalls = {r.overall for r in reviews}
    return len(overalls) > 1 or (bool(overalls) and overall not in overalls)


def _confirm_errors(
    session: Session, audit: Audit, answers: dict[str, Answer], overall: str | None, rationale: str
) -> dict[str, str]:
    """What stops these final grades being confirmed, by field (empty: nothing)."""
    template = template_of(session, audit)
    reviews = [review_view(r, hidden=False) for r in audit.reviews]
    errors = validate_answers(template, answers, overall)
    for item in template.graded_items:
        if answers.get(item.key, Answer(None)).value in (None, ""):
            errors[item.key] = "Give the final grade, or mark it Not applicable"
    if not overall:
        errors["overall"] = "Give the final overall grade"
    if audit.kind == "multi_agency" and not (
        audit.moderation is not None and audit.moderation.panel_summary
    ):
        errors["panel_summary"] = (
            "The panel's summary is not recorded yet: a QA lead records it first"
        )
    if needs_rationale(template, reviews, answers, overall) and not rationale.strip():
        errors["rationale"] = (
            "The auditors' grades differ, or the final grade differs from theirs: say why"
        )
    return errors


def confirm_problems(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    answers: dict[str, Answer],
    overall: str | None,
    rationale: str = "",
) -> dict[str, str]:
    """What would stop `confirm` with these grades, by field, without confirming: the screen
    asks its questions (feedback to the worker) only once the grades themselves can go."""
    with db.session() as session:
        audit = _moderated_audit(session, actor, audit_uuid, None)
        return _confirm_errors(session, audit, answers, overall, rationale)


def confirm(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    answers: dict[str, Answer],
    overall: str | None,
    rationale: str = "",
    expected_revision: int | None = None,
    token: str | None = None,
) -> AuditView:
    """Confirm the final grades: the audit becomes final and locked. `token`: the moderation
    screen's claim (see services.claims); `expected_revision`: the audit's revision the
    moderator saw. Of two confirmations at once, exactly one goes through."""
    try:
        with db.transaction() as session:
            audit = _moderated_audit(session, actor, audit_uuid, expected_revision)
            _check_claim(session, actor, audit, token)
            errors = _confirm_errors(session, audit, answers, overall, rationale)
            if errors:
                raise ValidationError(
                    f"The audit cannot be confirmed: {len(errors)} thing(s) missing", errors
                )
            # Take the audit's row first (guarded by its revision), before the moderation row
            # is written, so a concurrent confirmation loses here and not on a duplicate.
            touch(session, audit)
            moderation = _store_moderation(session, actor, audit, answers, overall, rationale)
            moderation.completed_at = datetime.now(UTC)
            before = {"status": audit.status, "final_overall": audit.final_overall}
            move(audit, "final")
            audit.final_overall = overall
            audit.finalised_at = moderation.completed_at
            session.flush()
            aggregates.add(session, [audit.id])  # the report's counts, in this transaction
            changelog.record(
                session,
                actor,
                "confirm",
                "audit",
                audit.uuid,
                before=before,
                after={
                    "status": "final",
                    "final_overall": overall,
                    "answers": {a.item_key: a.value for a in moderation.answers},
                    "rationale": moderation.rationale,
                },
                summary=f"Audit of case {audit.case.ref} confirmed: {overall}",
            )
            notices.add(
                session,
                "confirmed",
                audit,
                [r.reviewer_id for r in audit.reviews],
                f"Confirmed by {actor.name}: Case {audit.case.ref}",
                actor.name,
            )
            return audit_view(session, actor, audit)
    except StaleDataError as exc:
        raise conflicts.conflict_after_rollback(
            db, actor, "audit", audit_uuid, "this audit"
        ) from exc
