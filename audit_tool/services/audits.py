"""The audit workflow: reviews, blindness, moderation and its loop, final grades, concerns.

Every rule of PRODUCT.md section 2 lives here, for the GUI and the command line alike:

- An audit moves through explicit states (TRANSITIONS); anything else is refused.
- Only a review's own auditor edits or submits it, and only while it is a draft or returned.
- Blind: until every review of an audit is submitted, a reviewer sees no other review's grades,
  answers or text, whatever screen or export asks (`get_audit` is the one way to read them).
- Only the audit's moderator moderates: returns a review with a comment (the loop, as often as
  needed; every round stays in the change log), or confirms the final grades, with a rationale
  where the auditors differ or the final differs from them. Confirming locks the audit.
- Only a QA lead reopens a final audit, and only with a reason.
- An urgent safeguarding concern is raised from inside an audit and closed only with a
  recorded response from a QA lead or the case's manager.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from audit_tool.models import (
    Audit,
    Case,
    Moderation,
    ModerationAnswer,
    Person,
    Programme,
    Review,
    ReviewAnswer,
    Setting,
    UrgentConcern,
)
from audit_tool.models.coordination import OFFLINE_SOURCE_SETTING, Checkout
from audit_tool.models.templates import AuditTemplate
from audit_tool.services import changelog, claims, conflicts, notices
from audit_tool.services.templates import TemplateRow
from audit_tool.services.templates import _row as template_row

# ---------------------------------------------------------------- the state machine

STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "in_moderation": "Ready to moderate",
    "returned": "Returned to an auditor",
    "final": "Final",
}
# (from, to) -> what causes it. Nothing else may change an audit's status.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "in_review"): "auditors assigned",
    ("in_review", "in_moderation"): "every review submitted",
    ("in_review", "final"): "the single review submitted",
    ("in_moderation", "returned"): "moderator returned a review",
    ("returned", "in_moderation"): "returned review submitted again",
    ("in_moderation", "final"): "moderator confirmed the final grades",
    ("final", "in_moderation"): "QA lead reopened the audit",
}
MODERATED_KINDS = ("looped", "multi_agency", "send")
YES_NO = ("yes", "no", "not_applicable")
NOT_APPLICABLE = "not_applicable"


def _bump(session: Session, audit: Audit) -> None:
    """Count a change inside the audit (a review or the moderation) in the audit's revision,
    which packs compare. An atomic increment, so two auditors saving at once never collide."""
    session.execute(
        update(Audit)
        .where(Audit.id == audit.id)
        .values(revision=Audit.revision + 1, updated_at=datetime.now(UTC))
    )
    session.expire(audit, ["revision", "updated_at"])


def _move(audit: Audit, to: str) -> None:
    if (audit.status, to) not in TRANSITIONS:
        raise ValidationError(
            f"An audit that is {STATUS_LABELS[audit.status].lower()} cannot become "
            f"{STATUS_LABELS[to].lower()}"
        )
    audit.status = to


# ---------------------------------------------------------------- what callers get


@dataclass(frozen=True)
class Answer:
    value: str | None
    comment: str = ""


@dataclass(frozen=True)
class ReviewView:
    uuid: str
    reviewer_key: str
    reviewer_name: str
    agency_name: str
    part: str | None
    status: str
    hidden: bool  # True: blind, only who and the status are shown
    submitted_at: datetime | None = None
    overall: str | None = None
    strengths: str = ""
    worries: str = ""
    next_steps: str = ""
    return_comment: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    revision: int = 0


@dataclass(frozen=True)
class ModerationView:
    moderator_key: str
    moderator_name: str
    completed_at: datetime | None
    overall: str | None
    rationale: str
    panel_summary: str
    answers: dict[str, Answer]


@dataclass(frozen=True)
class CheckoutNote:
    """The audit is checked out to work on offline (services.checkout): on the server, by whom
    and to where; in the laptop file, from which server."""

    person_key: str
    person_name: str
    since: datetime
    label: str  # on the server: "file on laptop"; in the laptop file: the server
    offline_copy: bool  # this database is the laptop file

    def banner(self, actor: Actor) -> str:
        when = _local_time(self.since)
        if self.offline_copy:
            return (
                f"Offline copy, checked out from {self.label or 'the team server'} on {when}. "
                "Check it in when you are back online (File > Check in offline work...): what "
                "you change here goes back then, unless it was changed on the server meanwhile."
            )
        who = "You" if self.person_key == actor.key else self.person_name
        where = f" ({self.label})" if self.label else ""
        return (
            f"{who} checked this audit out on {when}{where} to work on it offline. A change "
            "made here is kept, and the offline changes are then not applied at check-in: "
            "they are reported as a conflict and stay in the offline file."
        )


def _local_time(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class AuditView:
    uuid: str
    case_ref: str
    case_initials: str
    case_type: str
    team_name: str
    programme_key: str
    programme_name: str
    kind: str
    status: str
    due_on: date | None
    moderator_key: str | None
    moderator_name: str | None
    final_overall: str | None
    finalised_at: datetime | None
    revision: int
    template: TemplateRow
    reviews: tuple[ReviewView, ...]
    moderation: ModerationView | None
    my_review: str | None  # uuid of the acting user's own review, if any
    checked_out: CheckoutNote | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def review(self, uuid: str) -> ReviewView:
        return next(r for r in self.reviews if r.uuid == uuid)


@dataclass(frozen=True)
class SubmitResult:
    review: ReviewView
    audit_status: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class AuditListRow:
    uuid: str
    case_ref: str
    programme_name: str
    kind: str
    status: str
    due_on: date | None
    reviewers: str
    moderator_name: str | None
    final_overall: str | None
    my_role: str  # "reviewer", "moderator", "lead" or ""
    my_review_status: str | None = None  # the acting user's own review: draft, submitted...
    returned_to: tuple[str, ...] = ()  # auditors whose reviews are back with them

    @property
    def status_text(self) -> str:
        """The status in words, saying whose turn a returned audit is."""
        if self.status == "returned" and self.returned_to:
            return "Returned to " + ", ".join(self.returned_to)
        return STATUS_LABELS[self.status]


# ---------------------------------------------------------------- loading and access


def _audit(session: Session, uuid: str) -> Audit:
    audit = session.scalar(select(Audit).where(Audit.uuid == uuid))
    if audit is None:
        raise NotFound(f"No audit {uuid}")
    return audit


def _review(session: Session, uuid: str) -> Review:
    review = session.scalar(select(Review).where(Review.uuid == uuid))
    if review is None:
        raise NotFound(f"No review {uuid}")
    return review


def _template(session: Session, audit: Audit) -> TemplateRow:
    template = session.get(AuditTemplate, audit.template_id)
    assert template is not None
    return template_row(template)


def _is_reviewer(actor: Actor, audit: Audit) -> bool:
    return any(r.reviewer_id == actor.person_id for r in audit.reviews)


def _is_moderator(actor: Actor, audit: Audit) -> bool:
    return actor.person_id is not None and audit.moderator_id == actor.person_id


def _check_can_view(actor: Actor, audit: Audit) -> None:
    """Refuse an audit outside the actor's agency scope as if it did not exist."""
    require(actor, "audit.view")
    if not scope.can_see_audit(actor, audit):
        raise NotFound(f"No audit {audit.uuid}")


def _check_takes_part(actor: Actor, audit: Audit) -> None:
    """Changing what an audit holds is for its auditors, its moderator and QA leads."""
    _check_can_view(actor, audit)
    if "lead" in actor.roles or _is_reviewer(actor, audit) or _is_moderator(actor, audit):
        return
    raise PermissionDenied(
        f"{actor.name} is not an auditor or the moderator of this audit of case {audit.case.ref}"
    )


def _blind_for(actor: Actor, audit: Audit) -> bool:
    """Whether the acting user must not see other reviews yet: they review this audit and
    not every review is submitted."""
    return _is_reviewer(actor, audit) and any(r.status != "submitted" for r in audit.reviews)


def _answers(rows: list[Any]) -> dict[str, Answer]:
    return {a.item_key: Answer(a.value, a.comment) for a in rows}


def _review_view(review: Review, *, hidden: bool) -> ReviewView:
    person = review.reviewer
    agency_name = person.agency.name
    if hidden:
        return ReviewView(
            review.uuid, person.key, person.name, agency_name, review.part, review.status, True
        )
    return ReviewView(
        uuid=review.uuid,
        reviewer_key=person.key,
        reviewer_name=person.name,
        agency_name=agency_name,
        part=review.part,
        status=review.status,
        hidden=False,
        submitted_at=review.submitted_at,
        overall=review.overall,
        strengths=review.strengths,
        worries=review.worries,
        next_steps=review.next_steps,
        return_comment=review.return_comment,
        answers=_answers(review.answers),
        revision=review.revision,
    )


def _view(session: Session, actor: Actor, audit: Audit) -> AuditView:
    blind = _blind_for(actor, audit)
    reviews = []
    for review in audit.reviews:
        own = review.reviewer_id == actor.person_id
        if own:
            hidden = False
        elif blind:
            hidden = True
        elif _is_moderator(actor, audit) or "lead" in actor.roles or _is_reviewer(actor, audit):
            # The moderator and leads read submitted reviews, not another person's draft.
            hidden = review.status == "draft"
        else:
            hidden = True
        reviews.append(_review_view(review, hidden=hidden))
    moderation = None
    # Someone who only sees the audit (same agency, not on it) sees no moderation in progress.
    takes_part = "lead" in actor.roles or _is_reviewer(actor, audit) or _is_moderator(actor, audit)
    if audit.moderation is not None and not blind and (takes_part or audit.status == "final"):
        m = audit.moderation
        moderator = session.get(Person, m.moderator_id)
        assert moderator is not None
        moderation = ModerationView(
            moderator.key,
            moderator.name,
            m.completed_at,
            m.overall,
            m.rationale,
            m.panel_summary,
            _answers(m.answers),
        )
    case = audit.case
    mine = next((r.uuid for r in audit.reviews if r.reviewer_id == actor.person_id), None)
    return AuditView(
        uuid=audit.uuid,
        case_ref=case.ref,
        case_initials=case.initials,
        case_type=case.case_type,
        team_name=case.team.name,
        programme_key=audit.programme.key,
        programme_name=audit.programme.name,
        kind=audit.kind,
        status=audit.status,
        due_on=audit.due_on,
        moderator_key=audit.moderator.key if audit.moderator else None,
        moderator_name=audit.moderator.name if audit.moderator else None,
        final_overall=audit.final_overall,
        finalised_at=audit.finalised_at,
        revision=audit.revision,
        template=_template(session, audit),
        reviews=tuple(reviews),
        moderation=moderation,
        my_review=mine,
        checked_out=_checkout_note(session, audit),
    )


def _checkout_note(session: Session, audit: Audit) -> CheckoutNote | None:
    row = session.scalars(
        select(Checkout)
        .where(Checkout.audit_id == audit.id, Checkout.checked_in_at.is_(None))
        .order_by(Checkout.checked_out_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    return CheckoutNote(
        person_key=person.key if person is not None else "",
        person_name=person.name if person is not None else "someone",
        since=row.checked_out_at,
        label=row.label,
        offline_copy=session.get(Setting, OFFLINE_SOURCE_SETTING) is not None,
    )


def get_audit(db: Any, actor: Actor, audit_uuid: str, *, log_view: bool = False) -> AuditView:
    """An audit as the acting user may see it (blind where the rules say so).

    `log_view`: a screen is opening the audit's full text for a person to read, so the change
    log records who viewed which case's audit (once per opening, not on reloads or autosave)."""
    if log_view:
        with db.transaction() as session:
            audit = _audit(session, audit_uuid)
            _check_can_view(actor, audit)
            view = _view(session, actor, audit)
            changelog.record(
                session,
                actor,
                "view",
                "audit",
                audit.uuid,
                summary=f"Viewed the audit of case {audit.case.ref}",
            )
            return view
    with db.session() as session:
        audit = _audit(session, audit_uuid)
        _check_can_view(actor, audit)
        return _view(session, actor, audit)


OPEN_STATUSES = "open"  # list_audits(status=...): every audit not yet final


def list_audits(
    db: Any,
    actor: Actor,
    *,
    status: str | None = None,
    programme_key: str | None = None,
    mine: str | None = None,
    limit: int = 5000,
) -> list[AuditListRow]:
    """Audits the acting user may see. `mine`: "assigned" (my reviews), "moderation" (audits
    waiting for my moderation). Non-leads see the audits of their agency's cases and those they
    review or moderate (access.scope). No grade of an unfinished audit is listed, so the list
    cannot break blindness."""
    require(actor, "audit.view")
    # Plain columns in two queries (the audits, then their reviewers): loading each audit's
    # reviews as objects made one query per audit (about 700 ms for 1,700 audits; now 27 ms),
    # and live refresh runs this list on every focus change.
    moderator = aliased(Person)
    stmt = (
        select(
            Audit.id,
            Audit.uuid,
            Case.ref,
            Programme.name,
            Audit.kind,
            Audit.status,
            Audit.due_on,
            moderator.name,
            Audit.final_overall,
            Audit.moderator_id,
        )
        .join(Programme, Audit.programme_id == Programme.id)
        .join(Case, Audit.case_id == Case.id)
        .outerjoin(moderator, Audit.moderator_id == moderator.id)
    )
    mine_reviews = select(Review.audit_id).where(Review.reviewer_id == actor.person_id)
    if mine == "assigned":
        stmt = stmt.where(Audit.id.in_(mine_reviews))
    elif mine == "moderation":
        stmt = stmt.where(Audit.moderator_id == actor.person_id, Audit.status == "in_moderation")
    else:
        stmt = stmt.where(scope.audit_in_scope(actor, Audit.id))
    if status == OPEN_STATUSES:
        stmt = stmt.where(Audit.status != "final")
    elif status:
        stmt = stmt.where(Audit.status == status)
    if programme_key:
        stmt = stmt.where(Programme.key == programme_key)
    stmt = stmt.order_by(Audit.due_on, Audit.id).limit(limit)
    with db.session() as session:
        found = session.execute(stmt).all()
        ids = [r[0] for r in found]
        reviewers: dict[int, list[tuple[str, int, str]]] = {}
        for i in range(0, len(ids), 900):  # within every driver's limit on parameters
            for audit_id, name, person_id, review_status in session.execute(
                select(Review.audit_id, Person.name, Review.reviewer_id, Review.status)
                .join(Person, Review.reviewer_id == Person.id)
                .where(Review.audit_id.in_(ids[i : i + 900]))
                .order_by(Review.audit_id, Review.id)
            ):
                reviewers.setdefault(audit_id, []).append((name, person_id, review_status))
    me = actor.person_id
    rows = []
    for audit_id, uuid, ref, programme, kind, state, due, moderator_name, final, mod_id in found:
        revs = reviewers.get(audit_id, [])
        mine_status = next((st for _, p, st in revs if me is not None and p == me), None)
        if mine_status is not None:
            role = "reviewer"
        elif me is not None and mod_id == me:
            role = "moderator"
        else:
            role = "lead" if "lead" in actor.roles else ""
        rows.append(
            AuditListRow(
                uuid=uuid,
                case_ref=ref,
                programme_name=programme,
                kind=kind,
                status=state,
                due_on=due,
                reviewers=", ".join(n for n, _, _ in revs),
                moderator_name=moderator_name,
                final_overall=final,
                my_role=role,
                my_review_status=mine_status,
                returned_to=tuple(n for n, _, st in revs if st == "returned"),
            )
        )
    return rows


# ---------------------------------------------------------------- answers


def _check_value(template: TemplateRow, key: str, value: str | None) -> str | None:
    """The error for one answer, or None if it is acceptable (blank is acceptable here)."""
    item = next((i for i in template.items if i.key == key), None)
    if item is None:
        return f"'{key}' is not an item of the template {template.name}"
    if value in (None, ""):
        return None
    if item.kind == "grade":
        if value not in {lv.key for lv in template.levels}:
            return f"'{value}' is not a grade on the {template.scale_name} scale"
    elif item.kind == "yes_no":
        if value not in YES_NO:
            return "Answer yes, no or not applicable"
    elif item.kind == "number":
        return _check_number(str(value))
    return None


# Number items count things (days, visits, weeks): never negative, never absurdly large.
NUMBER_MIN, NUMBER_MAX = 0, 100_000


def _check_number(value: str) -> str | None:
    shown = value if len(value) <= 20 else value[:20] + "..."
    try:
        number = float(value)
    except ValueError:
        return f"'{shown}' is not a number"
    if not math.isfinite(number):
        return f"'{shown}' is not a number"
    if number < NUMBER_MIN:
        return f"The number cannot be below {NUMBER_MIN}"
    if number > NUMBER_MAX:
        return f"The number cannot be above {NUMBER_MAX:,}"
    return None


def _check_overall(template: TemplateRow, overall: str | None) -> str | None:
    if overall in (None, ""):
        return None
    graded = {lv.key for lv in template.levels if lv.rank is not None}
    if overall not in graded:
        return f"'{overall}' is not an overall grade on the {template.scale_name} scale"
    return None


def _validate_answers(
    template: TemplateRow, answers: dict[str, Answer], overall: str | None
) -> dict[str, str]:
    errors = {}
    for key, answer in answers.items():
        message = _check_value(template, key, answer.value)
        if message:
            errors[key] = message
    message = _check_overall(template, overall)
    if message:
        errors["overall"] = message
    return errors


def _set_answers(rows: list[Any], make: Any, answers: dict[str, Answer]) -> None:
    by_key = {a.item_key: a for a in rows}
    for key, answer in answers.items():
        value = None if answer.value in (None, "") else str(answer.value)
        row = by_key.get(key)
        if row is None:
            rows.append(make(item_key=key, value=value, comment=answer.comment or ""))
        else:
            row.value, row.comment = value, answer.comment or ""


def _rank(template: TemplateRow, key: str | None) -> int | None:
    return next((lv.rank for lv in template.levels if lv.key == key), None)


def grade_warnings(
    template: TemplateRow, answers: dict[str, Answer], overall: str | None
) -> list[str]:
    """Warnings (not errors) about an overall grade: a limiting item caps it, or it is out of
    line with the sub grades."""
    overall_rank = _rank(template, overall)
    if overall_rank is None:
        return []
    warnings = []
    labels = {lv.rank: lv.label for lv in template.levels if lv.rank is not None}
    ranks = []
    for item in template.graded_items:
        rank = _rank(template, answers.get(item.key, Answer(None)).value)
        if rank is None:
            continue
        ranks.append(rank)
        if item.limiting and rank > overall_rank:
            warnings.append(
                f"{item.label} is graded {labels[rank]} and limits the overall grade: "
                f"the overall cannot be better than {labels[rank]}"
            )
    if ranks:
        best, worst = min(ranks), max(ranks)
        if overall_rank < best:
            warnings.append(
                f"The overall grade ({labels[overall_rank]}) is better than every practice "
                f"area (best {labels[best]})"
            )
        elif overall_rank > worst:
            warnings.append(
                f"The overall grade ({labels[overall_rank]}) is worse than every practice "
                f"area (worst {labels[worst]})"
            )
    return warnings


def missing_grades(template: TemplateRow, answers: dict[str, Answer]) -> list[str]:
    """Labels of grade items with neither a grade nor Not applicable."""
    return [
        item.label
        for item in template.graded_items
        if answers.get(item.key, Answer(None)).value in (None, "")
    ]


# ---------------------------------------------------------------- reviews


def _own_review(session: Session, actor: Actor, review_uuid: str) -> tuple[Review, Audit]:
    require(actor, "audit.review")
    review = _review(session, review_uuid)
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


def _conflict(db: Any, actor: Actor, entity: str, uuid: str, what: str) -> ConflictError:
    """A save lost a race (a stale flush, rolled back): say who changed `what` and when."""
    return conflicts.conflict_after_rollback(db, actor, entity, uuid, what)


def _touch(session: Session, record: Audit | Review) -> None:
    """Write the record now, guarded by its revision: a concurrent save of the same record
    makes this raise StaleDataError (on PostgreSQL it waits for the other transaction and
    then finds the newer revision), so at most one of two racing saves goes through."""
    record.updated_at = datetime.now(UTC)
    session.flush()


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


def save_review(
    db: Any,
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
            template = _template(session, audit)
            errors = _validate_answers(template, answers or {}, overall)
            if errors:
                raise ValidationError(
                    f"The review was not saved: {len(errors)} answer(s) not valid", errors
                )
            before = _review_snapshot(review)
            _set_answers(review.answers, ReviewAnswer, answers or {})
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
            after = _review_snapshot(review)
            if after != before:
                # A change to the answers alone must count in the review's revision too.
                _touch(session, review)
                _bump(session, audit)
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
            return _review_view(review, hidden=False)
    except StaleDataError as exc:
        raise _conflict(db, actor, "review", review_uuid, "this review") from exc


def _review_snapshot(review: Review) -> dict[str, Any]:
    return {
        "overall": review.overall,
        "strengths": review.strengths,
        "worries": review.worries,
        "next_steps": review.next_steps,
        "answers": _answer_snapshot(review.answers),
    }


def _answer_snapshot(rows: list[Any]) -> dict[str, list[str | None]]:
    """Answers as item key -> [value, comment]; an empty answer is left out, as if absent (the
    form saves every item, answered or not)."""
    return {a.item_key: [a.value, a.comment] for a in rows if a.value is not None or a.comment}


def _moderation_snapshot(moderation: Moderation | None) -> dict[str, Any]:
    if moderation is None:
        return {"overall": None, "rationale": "", "answers": {}}
    return {
        "overall": moderation.overall,
        "rationale": moderation.rationale,
        "answers": _answer_snapshot(moderation.answers),
    }


def submit_review(
    db: Any, actor: Actor, review_uuid: str, *, expected_revision: int | None = None
) -> SubmitResult:
    """Submit a review: every grade item answered (or Not applicable) and an overall grade.
    Returns warnings about the overall grade; they do not stop the submission."""
    try:
        with db.transaction() as session:
            review, audit = _own_review(session, actor, review_uuid)
            if expected_revision is not None and review.revision != expected_revision:
                raise conflicts.conflict(session, actor, "review", review.uuid, "this review")
            template = _template(session, audit)
            answers = _answers(review.answers)
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
                _move(audit, "final")
                audit.final_overall = review.overall
                audit.finalised_at = review.submitted_at
            elif all(r.status == "submitted" for r in audit.reviews):
                _move(audit, "in_moderation")
            session.flush()
            if audit.status == before_status:
                _bump(session, audit)
            changelog.record(
                session,
                actor,
                "submit",
                "review",
                review.uuid,
                after={**_review_snapshot(review), "status": "submitted"},
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
            return SubmitResult(_review_view(review, hidden=False), audit.status, tuple(warnings))
    except StaleDataError as exc:
        raise _conflict(db, actor, "review", review_uuid, "this review") from exc


# ---------------------------------------------------------------- moderation


def _moderated_audit(
    session: Session, actor: Actor, audit_uuid: str, expected_revision: int | None = None
) -> Audit:
    require(actor, "audit.moderate")
    audit = _audit(session, audit_uuid)
    if not _is_moderator(actor, audit):
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


def proposal(db: Any, actor: Actor, audit_uuid: str) -> dict[str, Answer]:
    """The final answers to start moderation from: each item (and "overall") where every
    review agrees; the moderator's saved answers where there are some."""
    with db.session() as session:
        audit = _moderated_audit(session, actor, audit_uuid)
        template = _template(session, audit)
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
            result.update(_answers(audit.moderation.answers))
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
            rank = _rank(view.template, value)
            if rank is not None:
                ranks.append(rank)
        out[key] = max(ranks) - min(ranks) if len(ranks) > 1 else 0
    return out


def save_moderation(
    db: Any,
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
            _bump(session, audit)
            _log_moderation_save(session, actor, audit, moderation, before, existed)
            return ModerationView(
                actor.key or "",
                actor.name,
                moderation.completed_at,
                moderation.overall,
                moderation.rationale,
                moderation.panel_summary,
                _answers(moderation.answers),
            )
    except (StaleDataError, IntegrityError) as exc:
        # Two windows started the moderation at once, or one confirmed meanwhile.
        raise _conflict(db, actor, "audit", audit_uuid, "this audit") from exc


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
    template = _template(session, audit)
    errors = _validate_answers(template, answers, overall)
    if errors:
        raise ValidationError(f"Not saved: {len(errors)} answer(s) not valid", errors)
    moderation = audit.moderation
    if moderation is None:
        assert actor.person_id is not None
        moderation = Moderation(audit=audit, moderator_id=actor.person_id)
        session.add(moderation)
    _set_answers(moderation.answers, ModerationAnswer, answers)
    moderation.overall = overall or None
    moderation.rationale = rationale.strip()
    session.flush()
    return moderation


def return_review(
    db: Any,
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
            review = _review(session, review_uuid)
            audit = _moderated_audit(session, actor, review.audit.uuid, expected_revision)
            audit_uuid = audit.uuid
            _check_claim(session, actor, audit, token)
            if not comment:
                raise ValidationError(
                    "Say what the auditor should look at again",
                    {"comment": "A comment is required"},
                )
            _touch(session, audit)
            _touch(session, review)
            review.status = "returned"
            review.return_comment = comment
            _move(audit, "returned")
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
            return _view(session, actor, audit)
    except StaleDataError as exc:
        raise _conflict(db, actor, "audit", audit_uuid, "this audit") from exc


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
    template = _template(session, audit)
    reviews = [_review_view(r, hidden=False) for r in audit.reviews]
    errors = _validate_answers(template, answers, overall)
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
    db: Any,
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
    db: Any,
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
            _touch(session, audit)
            moderation = _store_moderation(session, actor, audit, answers, overall, rationale)
            moderation.completed_at = datetime.now(UTC)
            before = {"status": audit.status, "final_overall": audit.final_overall}
            _move(audit, "final")
            audit.final_overall = overall
            audit.finalised_at = moderation.completed_at
            session.flush()
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
            return _view(session, actor, audit)
    except StaleDataError as exc:
        raise _conflict(db, actor, "audit", audit_uuid, "this audit") from exc


def record_panel_summary(db: Any, actor: Actor, audit_uuid: str, text: str) -> AuditView:
    """A QA lead records the multi-agency panel's shared findings, learning and actions;
    the moderator then confirms the panel's overall judgement."""
    require(actor, "audit.panel")
    text = text.strip()
    with db.transaction() as session:
        audit = _audit(session, audit_uuid)
        if audit.kind != "multi_agency":
            raise ValidationError("Only a multi-agency audit has a panel summary")
        if audit.status not in ("in_moderation", "returned"):
            raise ValidationError(
                "The panel meets once every agency's review is in, before the final grades"
            )
        if not text:
            raise ValidationError(
                "Record the panel's findings", {"panel_summary": "The summary is empty"}
            )
        moderation = audit.moderation
        if moderation is None:
            assert audit.moderator_id is not None
            moderation = Moderation(audit=audit, moderator_id=audit.moderator_id)
            session.add(moderation)
        before = moderation.panel_summary or ""
        moderation.panel_summary = text
        session.flush()
        _bump(session, audit)
        changelog.record(
            session,
            actor,
            "panel",
            "audit",
            audit.uuid,
            before={"panel_summary": before},
            after={"panel_summary": text},
            summary=f"Panel summary recorded for the audit of case {audit.case.ref}",
        )
        return _view(session, actor, audit)


def reopen(
    db: Any, actor: Actor, audit_uuid: str, reason: str, *, expected_revision: int | None = None
) -> AuditView:
    """A QA lead reopens a final audit for moderation; the reason is kept in the change log."""
    require(actor, "audit.reopen")
    reason = reason.strip()
    try:
        return _reopen(db, actor, audit_uuid, reason, expected_revision)
    except StaleDataError as exc:
        raise _conflict(db, actor, "audit", audit_uuid, "this audit") from exc


def _reopen(
    db: Any, actor: Actor, audit_uuid: str, reason: str, expected_revision: int | None
) -> AuditView:
    with db.transaction() as session:
        audit = _audit(session, audit_uuid)
        if expected_revision is not None and audit.revision != expected_revision:
            raise conflicts.conflict(session, actor, "audit", audit.uuid, "this audit")
        if audit.status != "final":
            raise ValidationError(f"The audit of case {audit.case.ref} is not final")
        if audit.kind == "single":
            raise ValidationError("A single audit has no moderation to reopen")
        if not reason:
            raise ValidationError(
                "Give the reason for reopening", {"reason": "A reason is required"}
            )
        _touch(session, audit)
        before = {"status": audit.status, "final_overall": audit.final_overall}
        _move(audit, "in_moderation")
        audit.final_overall = None
        audit.finalised_at = None
        if audit.moderation is not None:
            audit.moderation.completed_at = None
        session.flush()
        changelog.record(
            session,
            actor,
            "reopen",
            "audit",
            audit.uuid,
            before=before,
            after={"status": audit.status, "final_overall": None},
            reason=reason,
            summary=f"Audit of case {audit.case.ref} reopened",
        )
        return _view(session, actor, audit)


# ---------------------------------------------------------------- urgent concerns


@dataclass(frozen=True)
class ConcernRow:
    uuid: str
    case_ref: str
    audit_uuid: str | None
    raised_by: str
    raised_at: datetime
    what: str
    why_urgent: str
    status: str
    response: str
    responded_by: str | None
    responded_at: datetime | None
    # Who sees it at once, with why: "Priya Lead (QA lead)", "Tom Manager (the case's
    # manager)", "Morgan Moderator (moderator of the audit)", "Bea Auditor (auditor)".
    informed: tuple[str, ...] = ()


def raise_concern(
    db: Any, actor: Actor, audit_uuid: str, *, what: str, why_urgent: str = ""
) -> ConcernRow:
    require(actor, "concern.raise")
    what = what.strip()
    with db.transaction() as session:
        audit = _audit(session, audit_uuid)
        _check_takes_part(actor, audit)
        if not what:
            raise ValidationError("Say what the concern is", {"what": "Describe the concern"})
        assert actor.person_id is not None
        concern = UrgentConcern(
            audit_id=audit.id,
            case_id=audit.case_id,
            raised_by_id=actor.person_id,
            raised_at=datetime.now(UTC),
            what=what,
            why_urgent=why_urgent.strip(),
            status="open",
        )
        session.add(concern)
        session.flush()
        changelog.record(
            session,
            actor,
            "create",
            "urgent_concern",
            concern.uuid,
            after={"case": audit.case.ref, "what": what, "why_urgent": concern.why_urgent},
            summary=f"Urgent safeguarding concern raised on case {audit.case.ref}",
        )
        _notify_concern(session, actor.name, audit, concern)
        return _concern_row(session, concern)


def _notify_concern(session: Session, by: str, audit: Audit, concern: UrgentConcern) -> None:
    """A notice (and e-mail) of a new concern to those it informs who use the app (have a
    role in it: a case's manager may not); `by`: who raised it."""
    users = session.scalars(
        select(Person.id)
        .where(Person.id.in_(_told(session, concern, audit.case)), Person.active.is_(True))
        .where(Person.role_rows.any())
        .order_by(Person.id)
    )
    notices.add(
        session,
        "concern",
        audit,
        list(users),
        f"Urgent concern raised by {by}: Case {audit.case.ref}",
        by,
    )


def _informed(session: Session, concern: UrgentConcern, case: Case) -> tuple[str, ...]:
    """Everyone who sees the concern at once (the raiser aside), each with their part."""
    return tuple(_told(session, concern, case).values())


def _told(session: Session, concern: UrgentConcern, case: Case) -> dict[int, str]:
    """_informed by person id."""
    from audit_tool.models import PersonRole

    told: dict[int, str] = {}
    leads = session.scalars(
        select(Person)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "lead", Person.active.is_(True))
        .order_by(Person.name)
    )
    for person in leads:
        told.setdefault(person.id, f"{person.name} (QA lead)")
    if case.manager_id is not None:
        manager = session.get(Person, case.manager_id)
        if manager is not None:
            told.setdefault(manager.id, f"{manager.name} (the case's manager)")
    audit = session.get(Audit, concern.audit_id) if concern.audit_id else None
    if audit is not None:
        if audit.moderator is not None:
            told.setdefault(audit.moderator.id, f"{audit.moderator.name} (moderator of the audit)")
        for review in audit.reviews:
            reviewer = session.get(Person, review.reviewer_id)
            if reviewer is not None:
                told.setdefault(reviewer.id, f"{reviewer.name} (auditor)")
    told.pop(concern.raised_by_id, None)
    return told


def _concern_row(session: Session, concern: UrgentConcern) -> ConcernRow:
    case = session.get(Case, concern.case_id)
    raised = session.get(Person, concern.raised_by_id)
    responder = session.get(Person, concern.responded_by_id) if concern.responded_by_id else None
    audit_uuid = session.scalar(select(Audit.uuid).where(Audit.id == concern.audit_id))
    assert case is not None and raised is not None
    return ConcernRow(
        concern.uuid,
        case.ref,
        audit_uuid,
        raised.name,
        concern.raised_at,
        concern.what,
        concern.why_urgent,
        concern.status,
        concern.response,
        responder.name if responder else None,
        concern.responded_at,
        _informed(session, concern, case),
    )


def _concern_filter(actor: Actor) -> Any:
    """Who sees a concern: leads all; a case's manager theirs; the audit's auditors and
    moderator those raised on it; anyone the ones they raised."""
    if "lead" in actor.roles:
        return True
    managed = select(Case.id).where(Case.manager_id == actor.person_id)
    reviewing = select(Review.audit_id).where(Review.reviewer_id == actor.person_id)
    moderating = select(Audit.id).where(Audit.moderator_id == actor.person_id)
    return or_(
        UrgentConcern.case_id.in_(managed),
        UrgentConcern.raised_by_id == actor.person_id,
        UrgentConcern.audit_id.in_(reviewing),
        UrgentConcern.audit_id.in_(moderating),
    )


def audit_concerns(db: Any, actor: Actor, audit_uuid: str) -> list[ConcernRow]:
    """The urgent concerns raised on one audit, newest first, for the audit's screens."""
    require(actor, "concern.raise")
    with db.session() as session:
        audit = _audit(session, audit_uuid)
        _check_can_view(actor, audit)
        stmt = (
            select(UrgentConcern)
            .where(UrgentConcern.audit_id == audit.id, _concern_filter(actor))
            .order_by(UrgentConcern.raised_at.desc())
        )
        return [_concern_row(session, c) for c in session.scalars(stmt)]


def list_concerns(db: Any, actor: Actor, *, open_only: bool = True) -> list[ConcernRow]:
    require(actor, "concern.raise")
    stmt = (
        select(UrgentConcern).where(_concern_filter(actor)).order_by(UrgentConcern.raised_at.desc())
    )
    if open_only:
        stmt = stmt.where(UrgentConcern.status == "open")
    with db.session() as session:
        return [_concern_row(session, c) for c in session.scalars(stmt)]


def open_concern_count(db: Any, actor: Actor) -> int:
    """Open concerns this person must act on: all for a lead, their cases' for a manager."""
    require(actor, "concern.raise")
    if "lead" in actor.roles:
        where: Any = True
    else:
        where = UrgentConcern.case_id.in_(select(Case.id).where(Case.manager_id == actor.person_id))
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count(UrgentConcern.id)).where(UrgentConcern.status == "open", where)
            )
            or 0
        )


def respond_to_concern(db: Any, actor: Actor, concern_uuid: str, response: str) -> ConcernRow:
    """Close a concern with the response made; only a QA lead or the case's manager."""
    require(actor, "concern.respond")
    response = response.strip()
    with db.transaction() as session:
        concern = session.scalar(select(UrgentConcern).where(UrgentConcern.uuid == concern_uuid))
        if concern is None:
            raise NotFound(f"No urgent concern {concern_uuid}")
        case = session.get(Case, concern.case_id)
        assert case is not None
        if "lead" not in actor.roles and case.manager_id != actor.person_id:
            raise PermissionDenied(
                "Only a QA lead or the case's manager can respond to an urgent concern"
            )
        if concern.status != "open":
            raise ValidationError("This concern already has a response")
        if not response:
            raise ValidationError(
                "Record what was done in response", {"response": "A response is required"}
            )
        concern.status = "closed"
        concern.response = response
        concern.responded_by_id = actor.person_id
        concern.responded_at = datetime.now(UTC)
        session.flush()
        changelog.record(
            session,
            actor,
            "respond",
            "urgent_concern",
            concern.uuid,
            before={"status": "open"},
            after={"status": "closed", "response": response},
            summary=f"Urgent concern on case {case.ref} closed with a response",
        )
        return _concern_row(session, concern)


__all__ = [
    "Answer",
    "AuditListRow",
    "AuditView",
    "ConcernRow",
    "ModerationView",
    "ReviewView",
    "STATUS_LABELS",
    "SubmitResult",
    "TRANSITIONS",
    "confirm",
    "differences",
    "get_audit",
    "grade_warnings",
    "list_audits",
    "list_concerns",
    "missing_grades",
    "needs_rationale",
    "open_concern_count",
    "proposal",
    "raise_concern",
    "record_panel_summary",
    "reopen",
    "respond_to_concern",
    "return_review",
    "save_moderation",
    "save_review",
    "submit_review",
]
