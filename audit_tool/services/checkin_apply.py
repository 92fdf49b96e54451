"""Check-in's changes to the server: an audit changed only offline, applied from the file's copy.

The auditor's own reviews (then the audit's status, by the rule used online), and the feedback,
learning points, actions and worker feedback they could see: created, changed or deleted
offline. What was withheld from the file stays as it is on the server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.models import (
    Action,
    Audit,
    Feedback,
    FeedbackAnswer,
    FeedbackQuestion,
    LearningPoint,
    LearningTheme,
    Person,
    ReviewAnswer,
    WorkerFeedback,
)
from audit_tool.reporting import aggregates
from audit_tool.services import changelog, packs
from audit_tool.services.audits import TRANSITIONS, Answer
from audit_tool.services.audits.answers import validate_answers
from audit_tool.services.audits.reading import blind_for, template_of
from audit_tool.services.audits.reviews import review_snapshot
from audit_tool.services.audits.revisions import bump
from audit_tool.services.checkout import _EXTRAS

_EXTRA_LABELS = {"learning_point": "Learning point", "action": "Action", "feedback": "Feedback"}


def _apply(session: Session, actor: Actor, audit: Audit, data: dict[str, Any]) -> None:
    """Apply the file's copy of an audit unchanged on the server since it left."""
    blind = blind_for(actor, audit)
    server = packs.one_audit_json(audit, session)
    # The report's counts follow the audit if it becomes final here.
    with aggregates.kept(session, [audit.id]):
        submitted = _apply_reviews(session, actor, audit, data)
        _apply_extras(session, actor, audit, data, server, blind)
        _apply_worker_feedback(session, actor, audit, data, server)
        session.flush()
        if submitted:
            _settle_status(session, actor, audit)
    bump(session, audit)


def _apply_reviews(session: Session, actor: Actor, audit: Audit, data: dict[str, Any]) -> bool:
    """The actor's own reviews from the file; True if one of them was submitted offline."""
    template = template_of(session, audit)
    submitted = False
    for r in data["reviews"]:
        if r["reviewer"] != actor.key:
            continue
        review = next((x for x in audit.reviews if x.uuid == r["id"]), None)
        if review is None or review.reviewer_id != actor.person_id:
            raise ValidationError(
                f"The file's review {r['id']} of case {audit.case.ref} is not yours on the "
                "server: nothing was checked in"
            )
        if (review.status, r["status"]) not in (
            ("draft", "draft"),
            ("returned", "returned"),
            ("submitted", "submitted"),
            ("draft", "submitted"),
            ("returned", "submitted"),
        ):
            raise ValidationError(
                f"The file's review of case {audit.case.ref} is {r['status']} but "
                f"{review.status} on the server: nothing was checked in"
            )
        comments = r.get("comments", {})
        answers = {
            k: Answer(None if v is None else str(v), comments.get(k, ""))
            for k, v in r["answers"].items()
        }
        errors = validate_answers(template, answers, r["overall"])
        if errors:
            raise ValidationError(
                f"The file's review of case {audit.case.ref} has answers that are not valid "
                f"({'; '.join(errors.values())}): nothing was checked in",
                errors,
            )
        before = {**review_snapshot(review), "status": review.status}
        review.overall = r["overall"]
        review.strengths, review.worries = r["strengths"], r["worries"]
        review.next_steps = r["next_steps"]
        by_key = {a.item_key: a for a in review.answers}
        for key, answer in answers.items():
            row = by_key.get(key)
            if row is None:
                review.answers.append(
                    ReviewAnswer(item_key=key, value=answer.value, comment=answer.comment)
                )
            else:
                row.value, row.comment = answer.value, answer.comment
        for key, row in by_key.items():
            if key not in answers:
                review.answers.remove(row)
        if r["status"] == "submitted" and review.status != "submitted":
            review.status = "submitted"
            review.submitted_at = packs.parse_time(r["submitted_at"]) or datetime.now(UTC)
            submitted = True
        session.flush()
        changelog.record_changes(
            session,
            actor,
            "review",
            review.uuid,
            before,
            {**review_snapshot(review), "status": review.status},
            summary=f"Review of case {audit.case.ref} checked in from offline work",
        )
    return submitted


def _settle_status(session: Session, actor: Actor, audit: Audit) -> None:
    """The audit's state after a review submitted offline, by the same rule as online."""
    before = audit.status
    if audit.kind == "single" and audit.status == "in_review":
        review = audit.reviews[0]
        audit.status = "final"
        audit.final_overall = review.overall
        audit.finalised_at = review.submitted_at
    elif audit.status in ("in_review", "returned") and all(
        r.status == "submitted" for r in audit.reviews
    ):
        audit.status = "in_moderation"
    if audit.status == before:
        return
    session.flush()
    changelog.record(
        session,
        actor,
        "status",
        "audit",
        audit.uuid,
        before={"status": before},
        after={"status": audit.status},
        summary=f"Audit of case {audit.case.ref}: {TRANSITIONS[(before, audit.status)]}",
    )


def _person_id(session: Session, key: str | None, where: str) -> int | None:
    if not key:
        return None
    found = session.scalar(select(Person.id).where(Person.key == key))
    if found is None:
        raise ValidationError(f"{where}: no person '{key}' on the server: nothing was checked in")
    return int(found)


def _apply_extras(
    session: Session,
    actor: Actor,
    audit: Audit,
    data: dict[str, Any],
    server: dict[str, Any],
    blind: bool,
) -> None:
    """Feedback, learning and actions: created, changed or deleted offline among those the
    auditor could see; what was withheld from the file stays as it is."""
    for key, entity in _EXTRAS:
        theirs = {x["id"]: x for x in server[key]}
        seen = {u: x for u, x in theirs.items() if not blind or x.get("author") == actor.key}
        ours = {x["id"]: x for x in data[key]}
        label = _EXTRA_LABELS[entity]
        for uuid, item in ours.items():
            if theirs.get(uuid) == item:
                continue
            if uuid not in theirs and _exists_elsewhere(session, entity, uuid):
                raise ValidationError(
                    f"The file's {label.lower()} {uuid} belongs to another audit on the server: "
                    "nothing was checked in"
                )
            _upsert(session, audit, entity, item)
            changelog.record(
                session,
                actor,
                "update" if uuid in theirs else "create",
                entity,
                uuid,
                before=theirs.get(uuid),
                after=item,
                summary=f"{label} for the audit of case {audit.case.ref} checked in from "
                "offline work",
            )
        for uuid, item in seen.items():
            if uuid in ours:
                continue
            model = _MODELS[entity]
            row = session.scalar(select(model).where(model.uuid == uuid))
            if row is not None:
                session.delete(row)
                changelog.record(
                    session,
                    actor,
                    "delete",
                    entity,
                    uuid,
                    before=item,
                    summary=f"{label} of the audit of case {audit.case.ref} deleted offline",
                )
        session.flush()


_MODELS: dict[str, Any] = {
    "learning_point": LearningPoint,
    "action": Action,
    "feedback": Feedback,
}


def _exists_elsewhere(session: Session, entity: str, uuid: str) -> bool:
    model = _MODELS[entity]
    return session.scalar(select(model.id).where(model.uuid == uuid)) is not None


def _upsert(session: Session, audit: Audit, entity: str, x: dict[str, Any]) -> None:
    where = f"{entity} {x['id']}"
    model = _MODELS[entity]
    row = session.scalar(select(model).where(model.uuid == x["id"]))
    if entity == "learning_point":
        point = row or LearningPoint(uuid=x["id"], audit_id=audit.id)
        point.kind, point.text, point.item_key = x["kind"], x["text"], x["item"]
        point.in_briefing = x.get("in_briefing", True)
        point.author_id = _person_id(session, x.get("author"), where)
        point.themes = [LearningTheme(theme=t) for t in dict.fromkeys(x["themes"])]
        session.add(point)
    elif entity == "action":
        owner = _person_id(session, x["owner"], where)
        assert owner is not None
        action = row or Action(uuid=x["id"], audit_id=audit.id)
        action.text, action.owner_id = x["text"], owner
        action.due_on = packs.parse_date(x["due_on"])
        action.status, action.scope = x["status"], x.get("scope", "case")
        action.completed_on = packs.parse_date(x["completed_on"])
        action.completed_by_id = _person_id(session, x.get("completed_by"), where)
        action.completion_note = x.get("completion_note", "")
        action.author_id = _person_id(session, x.get("author"), where)
        session.add(action)
    else:
        known = set(session.scalars(select(FeedbackQuestion.key)))
        missing = sorted(set(x["answers"]) - known)
        if missing:
            raise ValidationError(
                f"{where}: no feedback question {', '.join(missing)} on the server: "
                "nothing was checked in"
            )
        fb = row or Feedback(uuid=x["id"], audit_id=audit.id, case_id=audit.case_id)
        fb.respondent, fb.channel = x["respondent"], x["channel"]
        fb.collected_on = packs.parse_date(x["collected_on"])
        fb.consent, fb.comment, fb.shareable = x["consent"], x["comment"], x["shareable"]
        fb.author_id = _person_id(session, x.get("author"), where)
        fb.answers = [FeedbackAnswer(question_key=k, answer=v) for k, v in x["answers"].items()]
        session.add(fb)
    session.flush()


def _apply_worker_feedback(
    session: Session, actor: Actor, audit: Audit, data: dict[str, Any], server: dict[str, Any]
) -> None:
    ours, theirs = data["worker_feedback"], server["worker_feedback"]
    if ours == theirs:
        return
    wf = session.get(WorkerFeedback, audit.id)
    before = changelog.snapshot(wf) if wf else None
    if wf is None:
        wf = WorkerFeedback(audit_id=audit.id)
        session.add(wf)
    wf.given_to_worker, wf.given_to_manager = ours["given_to_worker"], ours["given_to_manager"]
    wf.given_on = packs.parse_date(ours["given_on"])
    wf.how = ours.get("how", "")
    session.flush()
    changelog.record(
        session,
        actor,
        "update" if before else "create",
        "worker_feedback",
        audit.uuid,
        before=before,
        after=changelog.snapshot(wf),
        summary=f"Feedback to the worker for the audit of case {audit.case.ref} checked in "
        "from offline work",
    )
