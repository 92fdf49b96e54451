"""Service-user feedback: conversations with families inside audits or on their own, and the
question set they answer.

A conversation (parent, carer, child, young person, other; by phone, face to face or online;
on a date; with consent recorded) answers each active question yes / partly / no / not asked,
and may carry a comment. A comment may be marked shareable (quoted in briefings and reports)
only when it names no case reference, no initials of the case and no person held in the
database: the user is asked to pseudonymise it first. Feedback gathered outside audits (end of
assessment, after a conference, online form returns) is recorded against a case and counted
separately. The six standard question keys never change; a QA lead may reword them and add
questions of the partnership's own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import Audit, Case, Feedback, FeedbackAnswer, FeedbackQuestion, Programme
from audit_tool.models.learning import CHANNELS, FEEDBACK_ANSWERS, RESPONDENTS
from audit_tool.services import changelog, conflicts, privacy
from audit_tool.services.audit_extras import (
    audit_for,
    blind_filter,
    changed,
    check_author,
    scope_filter,
    visible_to,
)
from audit_tool.services.seed import FEEDBACK_QUESTIONS

if TYPE_CHECKING:
    from audit_tool.store import Database

STANDARD_KEYS = tuple(key for key, _ in FEEDBACK_QUESTIONS)
RESPONDENT_LABELS = {
    "parent": "Parent",
    "carer": "Carer",
    "child": "Child",
    "young_person": "Young person",
    "other": "Other",
}
CHANNEL_LABELS = {"phone": "Phone", "face_to_face": "Face to face", "online": "Online"}
ANSWER_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "not_asked": "Not asked"}
QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


def pct(numerator: int, denominator: int) -> float | None:
    """0-100, rounded half-up to one decimal; None where the denominator is 0."""
    if not denominator:
        return None
    value = Decimal(100 * numerator) / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# ---------------------------------------------------------------- questions


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    position: int
    active: bool
    standard: bool


def list_questions(
    db: Database, actor: Actor, *, include_inactive: bool = False
) -> list[QuestionRow]:
    require(actor, "feedback.view")
    with db.session() as session:
        return _questions(session, include_inactive=include_inactive)


def _questions(session: Session, *, include_inactive: bool = False) -> list[QuestionRow]:
    stmt = select(FeedbackQuestion).order_by(FeedbackQuestion.position, FeedbackQuestion.key)
    if not include_inactive:
        stmt = stmt.where(FeedbackQuestion.active.is_(True))
    return [
        QuestionRow(q.key, q.text, q.position, q.active, q.key in STANDARD_KEYS)
        for q in session.scalars(stmt)
    ]


def save_question(
    db: Database, actor: Actor, *, key: str, text: str, active: bool = True, new: bool = False
) -> QuestionRow:
    """Add a question (new=True) or reword / (de)activate one. Standard questions stay active."""
    require(actor, "feedback.questions")
    key, text = key.strip(), " ".join(text.split())
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "Write the question"
    if new and not QUESTION_KEY_RE.match(key):
        errors["key"] = "Use 2-60 lower-case letters, digits or '_', starting with a letter"
    if key in STANDARD_KEYS and not active:
        errors["active"] = "The six standard questions are always asked"
    with db.transaction() as session:
        question = session.get(FeedbackQuestion, key)
        if new and question is not None:
            errors["key"] = f"There is already a question '{key}'"
        if not new and question is None:
            raise NotFound(f"No feedback question '{key}'")
        if errors:
            raise ValidationError("The question was not saved", errors)
        if question is None:
            last = session.scalar(select(func.max(FeedbackQuestion.position))) or 0
            question = FeedbackQuestion(key=key, text=text, position=last + 1, active=active)
            session.add(question)
            session.flush()
            changelog.record(
                session,
                actor,
                "create",
                "feedback_question",
                None,
                after={"key": key, "text": text, "active": active},
                summary=f"Feedback question '{key}' added",
            )
        else:
            before = {"text": question.text, "active": question.active}
            question.text, question.active = text, active
            changelog.record_changes(
                session,
                actor,
                "feedback_question",
                None,
                before,
                {"text": text, "active": active},
                summary=f"Feedback question '{key}' changed",
            )
        return QuestionRow(key, text, question.position, active, key in STANDARD_KEYS)


# ---------------------------------------------------------------- conversations


@dataclass(frozen=True)
class FeedbackInput:
    respondent: str
    channel: str
    collected_on: date | None
    consent: bool
    answers: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    shareable: bool = False


@dataclass(frozen=True)
class FeedbackRow:
    uuid: str
    audit_uuid: str | None  # None: gathered outside an audit
    case_ref: str
    team_name: str
    programme_name: str | None
    respondent: str
    channel: str
    collected_on: date
    consent: bool
    answers: dict[str, str]
    comment: str
    shareable: bool
    author_name: str | None
    revision: int = 0  # pass back as expected_revision when saving an edit

    @property
    def in_audit(self) -> bool:
        return self.audit_uuid is not None


def shareable_problems(db: Database, actor: Actor, comment: str, case_ref: str) -> list[str]:
    """What in a comment identifies someone: the case's reference or initials, any case
    reference held, any person's name held. Empty when the comment may be quoted."""
    require(actor, "feedback.record")
    with db.session() as session:
        case = session.scalar(select(Case).where(Case.ref == case_ref))
        if case is None:
            raise NotFound(f"No case with reference '{case_ref}'")
        return [str(h) for h in privacy.find_hits(session, comment, case_ids=[case.id])]


def _validate(session: Session, data: FeedbackInput, case: Case) -> None:
    errors: dict[str, str] = {}
    if data.respondent not in RESPONDENTS:
        errors["respondent"] = "Choose who gave the feedback"
    if data.channel not in CHANNELS:
        errors["channel"] = "Choose how the feedback was gathered"
    if data.collected_on is None:
        errors["collected_on"] = "Give the date of the conversation"
    elif data.collected_on > date.today():
        errors["collected_on"] = "The date cannot be in the future"
    questions = {q.key for q in _questions(session, include_inactive=True)}
    for key, answer in data.answers.items():
        if key not in questions:
            errors[f"answer:{key}"] = f"'{key}' is not a feedback question"
        elif answer not in FEEDBACK_ANSWERS:
            errors[f"answer:{key}"] = "Answer yes, partly, no or not asked"
    if not data.consent and (data.comment.strip() or data.shareable):
        errors["consent"] = "Record consent before keeping the family's comments"
    if data.shareable:
        if not data.comment.strip():
            errors["shareable"] = "There is no comment to share"
        else:
            hits = privacy.find_hits(session, data.comment, case_ids=[case.id])
            if hits:
                errors["shareable"] = (
                    "Pseudonymise the comment before it can be shared: it names "
                    + privacy.describe(hits)
                )
    if errors:
        raise ValidationError(
            f"The feedback was not saved: {len(errors)} problem(s): " + "; ".join(errors.values()),
            errors,
        )


def _snapshot(fb: Feedback) -> dict[str, Any]:
    snap = changelog.snapshot(fb)
    snap["answers"] = {a.question_key: a.answer for a in fb.answers}
    return snap


def _apply(fb: Feedback, data: FeedbackInput) -> None:
    fb.respondent, fb.channel = data.respondent, data.channel
    assert data.collected_on is not None
    fb.collected_on, fb.consent = data.collected_on, data.consent
    fb.comment, fb.shareable = data.comment.strip(), data.shareable
    by_key = {a.question_key: a for a in fb.answers}
    for key, answer in data.answers.items():
        if key in by_key:
            by_key[key].answer = answer
        else:
            fb.answers.append(FeedbackAnswer(question_key=key, answer=answer))


def _row(session: Session, fb: Feedback) -> FeedbackRow:
    from audit_tool.models import Person

    case = session.get(Case, fb.case_id)
    assert case is not None
    audit = session.get(Audit, fb.audit_id) if fb.audit_id else None
    author = session.get(Person, fb.author_id) if fb.author_id else None
    return FeedbackRow(
        uuid=fb.uuid,
        audit_uuid=audit.uuid if audit else None,
        case_ref=case.ref,
        team_name=case.team.name,
        programme_name=audit.programme.name if audit else None,
        respondent=fb.respondent,
        channel=fb.channel,
        collected_on=fb.collected_on,
        consent=fb.consent,
        answers={a.question_key: a.answer for a in fb.answers},
        comment=fb.comment,
        shareable=fb.shareable,
        author_name=author.name if author else None,
        revision=fb.revision,
    )


def add_feedback(
    db: Database,
    actor: Actor,
    data: FeedbackInput,
    *,
    audit_uuid: str | None = None,
    case_ref: str | None = None,
) -> FeedbackRow:
    """Record a conversation inside an audit, or (case_ref, no audit) on its own."""
    with db.transaction() as session:
        audit = None
        if audit_uuid is not None:
            audit = audit_for(session, actor, audit_uuid, "feedback.record", write=True)
            case = audit.case
        else:
            require(actor, "feedback.record")
            found = session.scalar(select(Case).where(Case.ref == (case_ref or "").strip()))
            if found is None or not scope.can_see_case(session, actor, found.id):
                raise ValidationError(
                    f"No case with reference '{case_ref}'", {"case": "Unknown case reference"}
                )
            case = found
        _validate(session, data, case)
        fb = Feedback(case_id=case.id, audit_id=audit.id if audit else None)
        fb.author_id = actor.person_id
        _apply(fb, data)
        session.add(fb)
        session.flush()
        if audit is not None:
            changed(session, audit)
        where = f"audit of case {case.ref}" if audit else f"case {case.ref} (outside an audit)"
        changelog.record(
            session,
            actor,
            "create",
            "feedback",
            fb.uuid,
            after=_snapshot(fb),
            summary=f"Feedback from a {RESPONDENT_LABELS[fb.respondent].lower()} for {where}",
        )
        return _row(session, fb)


def _feedback(session: Session, uuid: str) -> Feedback:
    fb = session.scalar(select(Feedback).where(Feedback.uuid == uuid))
    if fb is None:
        raise NotFound(f"No feedback {uuid}")
    return fb


def _writable(session: Session, actor: Actor, fb: Feedback) -> Audit | None:
    if fb.audit_id is None:
        require(actor, "feedback.record")
        if "lead" not in actor.roles and fb.author_id != actor.person_id:
            from audit_tool.errors import PermissionDenied

            raise PermissionDenied(
                f"{actor.name} did not record this feedback; a QA lead can change it"
            )
        return None
    audit = session.get(Audit, fb.audit_id)
    assert audit is not None
    audit_for(session, actor, audit.uuid, "feedback.record", write=True)
    check_author(actor, audit, fb.author_id, "feedback")
    return audit


def update_feedback(
    db: Database,
    actor: Actor,
    uuid: str,
    data: FeedbackInput,
    *,
    expected_revision: int | None = None,
) -> FeedbackRow:
    what = "this feedback"
    with conflicts.guard(db, actor, "feedback", uuid, what), db.transaction() as session:
        fb = _feedback(session, uuid)
        audit = _writable(session, actor, fb)
        conflicts.check_revision(session, actor, fb, expected_revision, "feedback", what)
        case = session.get(Case, fb.case_id)
        assert case is not None
        _validate(session, data, case)
        before = _snapshot(fb)
        _apply(fb, data)
        session.flush()
        after = _snapshot(fb)
        if after != before:
            conflicts.touch(session, fb)
            if audit is not None:
                changed(session, audit)
            changelog.record_changes(
                session, actor, "feedback", fb.uuid, before, after, summary="Feedback changed"
            )
        return _row(session, fb)


def delete_feedback(db: Database, actor: Actor, uuid: str) -> None:
    what = "this feedback"
    with conflicts.guard(db, actor, "feedback", uuid, what), db.transaction() as session:
        fb = _feedback(session, uuid)
        audit = _writable(session, actor, fb)
        before = _snapshot(fb)
        session.delete(fb)
        session.flush()
        if audit is not None:
            changed(session, audit)
        changelog.record(
            session, actor, "delete", "feedback", uuid, before=before, summary="Feedback deleted"
        )


def audit_feedback(db: Database, actor: Actor, audit_uuid: str) -> list[FeedbackRow]:
    """The conversations recorded in one audit that the acting user may see."""
    with db.session() as session:
        return feedback_rows(session, actor, audit_for(session, actor, audit_uuid, "feedback.view"))


def feedback_rows(session: Session, actor: Actor, audit: Audit) -> list[FeedbackRow]:
    """audit_feedback inside a caller's session (the audit screen's one read); the caller has
    checked that the actor may view the audit's feedback."""
    rows = session.scalars(
        select(Feedback)
        .where(Feedback.audit_id == audit.id)
        .order_by(Feedback.collected_on, Feedback.id)
    )
    return [_row(session, fb) for fb in rows if visible_to(actor, audit, fb.author_id)]


@dataclass(frozen=True)
class FeedbackFilter:
    programme_key: str | None = None
    team_key: str | None = None
    case_ref: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None  # "audit", "outside" or None for both
    shareable_only: bool = False


def _filtered(actor: Actor, flt: FeedbackFilter) -> Any:
    from audit_tool.models import Team

    stmt = (
        select(Feedback)
        .join(Case, Feedback.case_id == Case.id)
        .outerjoin(Audit, Feedback.audit_id == Audit.id)
        .where(scope_filter(actor, Feedback.audit_id))
        .where(scope.case_in_scope(actor, Feedback.case_id, Case.team_id))
        .where(blind_filter(actor, Feedback.audit_id, Feedback.author_id))
    )
    if flt.programme_key:
        stmt = stmt.join(Programme, Audit.programme_id == Programme.id).where(
            Programme.key == flt.programme_key
        )
    if flt.team_key:
        stmt = stmt.where(Case.team_id.in_(select(Team.id).where(Team.key == flt.team_key)))
    if flt.case_ref:
        stmt = stmt.where(Case.ref == flt.case_ref.strip())
    if flt.date_from:
        stmt = stmt.where(Feedback.collected_on >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Feedback.collected_on <= flt.date_to)
    if flt.source == "audit":
        stmt = stmt.where(Feedback.audit_id.is_not(None))
    elif flt.source == "outside":
        stmt = stmt.where(Feedback.audit_id.is_(None))
    if flt.shareable_only:
        stmt = stmt.where(Feedback.shareable.is_(True))
    return stmt


def list_feedback(
    db: Database, actor: Actor, flt: FeedbackFilter | None = None, *, limit: int = 20_000
) -> list[FeedbackRow]:
    """Feedback across audits and cases, newest first (plain columns in one query, the
    answers in another: 1,000 rows in a few hundredths of a second)."""
    from audit_tool.models import Person, Team

    require(actor, "feedback.view")
    author = aliased(Person)
    ids = (
        _filtered(actor, flt or FeedbackFilter())
        .with_only_columns(Feedback.id)
        .order_by(Feedback.collected_on.desc(), Feedback.id.desc())
        .limit(limit)
        .subquery()
    )
    stmt = (
        select(
            Feedback.id,
            Feedback.uuid,
            Audit.uuid,
            Case.ref,
            Team.name,
            Programme.name,
            Feedback.respondent,
            Feedback.channel,
            Feedback.collected_on,
            Feedback.consent,
            Feedback.comment,
            Feedback.shareable,
            author.name,
        )
        .where(Feedback.id.in_(select(ids.c.id)))
        .join(Case, Feedback.case_id == Case.id)
        .join(Team, Case.team_id == Team.id)
        .outerjoin(Audit, Feedback.audit_id == Audit.id)
        .outerjoin(Programme, Audit.programme_id == Programme.id)
        .outerjoin(author, Feedback.author_id == author.id)
        .order_by(Feedback.collected_on.desc(), Feedback.id.desc())
    )
    with db.session() as session:
        found = session.execute(stmt).all()
        answers: dict[int, dict[str, str]] = {}
        keys = [r[0] for r in found]
        for i in range(0, len(keys), 900):
            for feedback_id, question, answer in session.execute(
                select(
                    FeedbackAnswer.feedback_id, FeedbackAnswer.question_key, FeedbackAnswer.answer
                ).where(FeedbackAnswer.feedback_id.in_(keys[i : i + 900]))
            ):
                answers.setdefault(feedback_id, {})[question] = answer
        return [
            FeedbackRow(
                uuid=r[1],
                audit_uuid=r[2],
                case_ref=r[3],
                team_name=r[4],
                programme_name=r[5],
                respondent=r[6],
                channel=r[7],
                collected_on=r[8],
                consent=r[9],
                answers=answers.get(r[0], {}),
                comment=r[10],
                shareable=r[11],
                author_name=r[12],
            )
            for r in found
        ]


@dataclass(frozen=True)
class QuestionSummary:
    key: str
    text: str
    asked: int
    yes: int
    partly: int
    no: int
    pct_yes: float | None  # yes / (yes + partly + no); not asked left out


def summary(db: Database, actor: Actor, flt: FeedbackFilter | None = None) -> list[QuestionSummary]:
    """Per active question, the answers counted over the filtered feedback."""
    require(actor, "feedback.view")
    ids = _filtered(actor, flt or FeedbackFilter()).with_only_columns(Feedback.id)
    stmt = (
        select(FeedbackAnswer.question_key, FeedbackAnswer.answer, func.count())
        .where(FeedbackAnswer.feedback_id.in_(ids))
        .group_by(FeedbackAnswer.question_key, FeedbackAnswer.answer)
    )
    with db.session() as session:
        counts: dict[str, dict[str, int]] = {}
        for key, answer, n in session.execute(stmt):
            counts.setdefault(key, {})[answer] = int(n)
        out = []
        for q in _questions(session):
            c = counts.get(q.key, {})
            yes, partly, no = c.get("yes", 0), c.get("partly", 0), c.get("no", 0)
            out.append(
                QuestionSummary(
                    q.key, q.text, yes + partly + no, yes, partly, no, pct(yes, yes + partly + no)
                )
            )
        return out
