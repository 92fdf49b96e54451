"""Recording complaints: the complaint, its points and their themes, the agencies answering
jointly and its learning points, saved together in one transaction with one change-log entry.

Every free text of a complaint (its summary, its points, its learning) can reach a briefing or
a bulletin, so each goes through the names check the briefings use (services.privacy): no
case reference, none of the linked case's initials and no person's name held may be saved in
it. A complainant's name is never asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Case,
    Complaint,
    ComplaintAction,
    ComplaintAgency,
    ComplaintLearning,
    ComplaintLearningTheme,
    ComplaintPoint,
    ComplaintPointTheme,
    Person,
    Team,
)
from audit_tool.models.complaints import OUTCOMES, STAGES
from audit_tool.services import changelog, conflicts, privacy
from audit_tool.services.complaints.rules import (
    MAX_REFERENCE,
    OUTCOME_LABELS,
    STAGE_LABELS,
    TIMELINESS_LABELS,
    agency_and_team,
    check_may_record,
    due_date,
    timeliness,
    visible_complaint,
)
from audit_tool.services.learning import KIND_LABELS, KINDS, clean_themes

if TYPE_CHECKING:
    from audit_tool.store import Database

MAX_POINTS = 50


@dataclass(frozen=True)
class PointInput:
    text: str = ""
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearningInput:
    kind: str
    text: str
    themes: tuple[str, ...] = ()
    in_briefing: bool = True
    uuid: str | None = None  # an existing learning point of the complaint, to keep


@dataclass(frozen=True)
class ComplaintInput:
    reference: str
    received_on: date | None
    agency_key: str
    stage: str
    points: tuple[PointInput, ...]
    team_key: str | None = None
    outcome: str | None = None
    responded_on: date | None = None
    joint_agency_keys: tuple[str, ...] = ()
    case_ref: str | None = None
    summary: str = ""
    learning: tuple[LearningInput, ...] = ()


@dataclass(frozen=True)
class PointRow:
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ComplaintLearningRow:
    uuid: str
    kind: str
    text: str
    themes: tuple[str, ...]
    in_briefing: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class ComplaintRow:
    uuid: str
    reference: str
    received_on: date
    agency_key: str
    agency_name: str
    team_key: str | None
    team_name: str | None
    stage: str
    points: tuple[PointRow, ...]
    outcome: str | None
    due_on: date
    responded_on: date | None
    timeliness: str
    joint_agencies: tuple[tuple[str, str], ...]  # (key, name) of the other agencies
    case_ref: str | None
    summary: str
    learning: tuple[ComplaintLearningRow, ...] = ()
    actions: int = 0
    revision: int = 0  # pass back as expected_revision when saving an edit
    themes: tuple[str, ...] = field(default=())

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome] if self.outcome else ""

    @property
    def timeliness_label(self) -> str:
        return TIMELINESS_LABELS[self.timeliness]

    @property
    def within_timescale(self) -> bool | None:
        """True or False once answered (or overdue: False); None while still in time."""
        return {"within": True, "late": False, "overdue": False}.get(self.timeliness)

    @property
    def joint(self) -> bool:
        return bool(self.joint_agencies)


# ---------------------------------------------------------------- rows


def complaint_row(session: Session, c: Complaint, today: date | None = None) -> ComplaintRow:
    agency = session.get(Agency, c.agency_id)
    assert agency is not None
    team = session.get(Team, c.team_id) if c.team_id else None
    partners = [session.get(Agency, p.agency_id) for p in c.partners]
    case_ref = session.scalar(select(Case.ref).where(Case.id == c.case_id)) if c.case_id else None
    learning = session.scalars(
        select(ComplaintLearning)
        .where(ComplaintLearning.complaint_id == c.id)
        .order_by(ComplaintLearning.id)
    ).all()
    actions = session.scalars(
        select(ComplaintAction.id).where(ComplaintAction.complaint_id == c.id)
    ).all()
    points = tuple(PointRow(p.text, tuple(sorted(t.theme for t in p.themes))) for p in c.points)
    return ComplaintRow(
        uuid=c.uuid,
        reference=c.reference,
        received_on=c.received_on,
        agency_key=agency.key,
        agency_name=agency.name,
        team_key=team.key if team else None,
        team_name=team.name if team else None,
        stage=c.stage,
        points=points,
        outcome=c.outcome,
        due_on=c.due_on,
        responded_on=c.responded_on,
        timeliness=timeliness(c.due_on, c.responded_on, today or date.today()),
        joint_agencies=tuple(sorted((a.key, a.name) for a in partners if a is not None)),
        case_ref=case_ref,
        summary=c.summary,
        learning=tuple(learning_row(lp) for lp in learning),
        actions=len(actions),
        revision=c.revision,
        themes=tuple(sorted({t for p in points for t in p.themes})),
    )


def learning_row(lp: ComplaintLearning) -> ComplaintLearningRow:
    return ComplaintLearningRow(
        lp.uuid, lp.kind, lp.text, tuple(sorted(t.theme for t in lp.themes)), lp.in_briefing
    )


# ---------------------------------------------------------------- checking


@dataclass
class Checked:
    agency: Agency
    team: Any
    case: Case | None
    partners: list[Agency]


def _names(session: Session, text: str, case: Case | None) -> str | None:
    """The names check's message for `text`, or None when it names nobody."""
    hits = privacy.find_hits(session, text, case_ids=[case.id] if case else [])
    if not hits:
        return None
    return f"Take out what identifies someone (found: {privacy.describe(hits)})"


def _check_reference(
    session: Session, data: ComplaintInput, own_id: int | None, errors: dict[str, str]
) -> None:
    ref = data.reference.strip()
    if not ref:
        errors["reference"] = "Give the complaint's reference"
    elif len(ref) > MAX_REFERENCE:
        errors["reference"] = f"Use at most {MAX_REFERENCE} characters"
    else:
        held = session.scalar(select(Complaint.id).where(Complaint.reference == ref))
        if held is not None and held != own_id:
            errors["reference"] = f"A complaint with reference '{ref}' is already recorded"


def _check_dates(data: ComplaintInput, today: date, errors: dict[str, str]) -> None:
    if data.received_on is None:
        errors["received_on"] = "Give the date the complaint was received"
    elif data.received_on > today:
        errors["received_on"] = "The date received cannot be in the future"
    if data.stage not in STAGES:
        errors["stage"] = "Choose stage 1, stage 2 or the Ombudsman"
    if data.outcome is not None and data.outcome not in OUTCOMES:
        errors["outcome"] = "Choose upheld, partly upheld or not upheld"
    if data.responded_on is not None:
        if data.responded_on > today:
            errors["responded_on"] = "The date of the response cannot be in the future"
        elif data.received_on is not None and data.responded_on < data.received_on:
            errors["responded_on"] = "The response cannot come before the complaint was received"
        elif data.outcome is None:
            errors["outcome"] = "Give the outcome of the response"
    elif data.outcome is not None:
        errors["responded_on"] = "Give the date of the response with its outcome"


def _check_case(
    session: Session, actor: Actor, ref: str | None, errors: dict[str, str]
) -> Case | None:
    if not ref or not ref.strip():
        return None
    case = session.scalar(select(Case).where(Case.ref == ref.strip()))
    if case is None or not scope.can_see_case(session, actor, case.id):
        errors["case"] = f"No case with reference '{ref.strip()}'"
        return None
    return case


def _check_texts(
    session: Session, data: ComplaintInput, case: Case | None, errors: dict[str, str]
) -> None:
    if not data.points:
        errors["points"] = "Add the points the complaint raises (at least one)"
    elif len(data.points) > MAX_POINTS:
        errors["points"] = f"A complaint holds at most {MAX_POINTS} points"
    for i, point in enumerate(data.points):
        message = _names(session, point.text, case)
        if message:
            errors[f"point:{i}"] = f"Point {i + 1}: {message}"
    message = _names(session, data.summary, case)
    if message:
        errors["summary"] = message
    for i, lp in enumerate(data.learning):
        if lp.kind not in KINDS:
            errors[f"learning:{i}"] = "Choose strength or area for development"
        elif not lp.text.strip():
            errors[f"learning:{i}"] = "Write the learning point"
        else:
            message = _names(session, lp.text, case)
            if message:
                errors[f"learning:{i}"] = f"Learning point {i + 1}: {message}"


def check(
    session: Session,
    actor: Actor,
    data: ComplaintInput,
    *,
    own_id: int | None = None,
    today: date | None = None,
) -> Checked:
    """Every problem with `data` at once, as a ValidationError whose fields name the inputs
    (point:N and learning:N for the Nth point and learning point)."""
    errors: dict[str, str] = {}
    today = today or date.today()
    _check_reference(session, data, own_id, errors)
    _check_dates(data, today, errors)
    agency, team = agency_and_team(session, data.agency_key, data.team_key, errors)
    partners: list[Agency] = []
    for key in dict.fromkeys(k.strip() for k in data.joint_agency_keys if k.strip()):
        other = session.scalar(select(Agency).where(Agency.key == key))
        if other is None:
            errors["joint"] = f"No agency '{key}'"
        elif agency is not None and other.id == agency.id:
            errors["joint"] = "The agency that received it is not a joint partner of itself"
        else:
            partners.append(other)
    case = _check_case(session, actor, data.case_ref, errors)
    _check_texts(session, data, case, errors)
    if errors:
        count = len(errors)
        raise ValidationError(
            f"The complaint was not saved: {count} problem{'s' if count > 1 else ''}: "
            + "; ".join(errors.values()),
            errors,
        )
    assert agency is not None
    return Checked(agency, team, case, partners)


# ---------------------------------------------------------------- saving


def snapshot(c: Complaint, session: Session) -> dict[str, Any]:
    snap = changelog.snapshot(c)
    snap["points"] = [
        {"text": p.text, "themes": sorted(t.theme for t in p.themes)} for p in c.points
    ]
    snap["joint_agencies"] = sorted(p.agency_id for p in c.partners)
    snap["learning"] = [
        {
            "uuid": lp.uuid,
            "kind": lp.kind,
            "text": lp.text,
            "themes": sorted(t.theme for t in lp.themes),
            "in_briefing": lp.in_briefing,
        }
        for lp in session.scalars(
            select(ComplaintLearning)
            .where(ComplaintLearning.complaint_id == c.id)
            .order_by(ComplaintLearning.id)
        )
    ]
    return snap


def apply(session: Session, c: Complaint, data: ComplaintInput, ok: Checked) -> None:
    """Set a complaint from checked input (its learning is _sync_learning's)."""
    assert data.received_on is not None
    if c.id is None or (c.received_on, c.stage) != (data.received_on, data.stage):
        c.due_on = due_date(session, data.received_on, data.stage)
    c.reference = data.reference.strip()
    c.received_on, c.stage = data.received_on, data.stage
    c.agency_id = ok.agency.id
    c.team_id = ok.team.id if ok.team is not None else None
    c.case_id = ok.case.id if ok.case is not None else None
    c.summary = data.summary.strip()
    c.outcome, c.responded_on = data.outcome, data.responded_on
    c.points[:] = [
        ComplaintPoint(
            position=i,
            text=p.text.strip(),
            themes=[ComplaintPointTheme(theme=t) for t in clean_themes(list(p.themes))],
        )
        for i, p in enumerate(data.points)
    ]
    wanted = {a.id for a in ok.partners}
    c.partners[:] = [p for p in c.partners if p.agency_id in wanted]
    have = {p.agency_id for p in c.partners}
    c.partners.extend(ComplaintAgency(agency_id=i) for i in sorted(wanted - have))


def _sync_learning(session: Session, actor: Actor, c: Complaint, data: ComplaintInput) -> None:
    held = {
        lp.uuid: lp
        for lp in session.scalars(
            select(ComplaintLearning).where(ComplaintLearning.complaint_id == c.id)
        )
    }
    kept = {lp.uuid for lp in data.learning if lp.uuid}
    for uuid, gone in held.items():
        if uuid not in kept:
            session.delete(gone)
    for item in data.learning:
        found = held.get(item.uuid) if item.uuid else None
        lp = found if found is not None else ComplaintLearning()
        if found is None:
            lp.complaint_id, lp.author_id = c.id, actor.person_id
            session.add(lp)
        lp.kind, lp.text, lp.in_briefing = item.kind, item.text.strip(), item.in_briefing
        wanted = clean_themes(list(item.themes))
        lp.themes[:] = [t for t in lp.themes if t.theme in wanted]
        have = {t.theme for t in lp.themes}
        lp.themes.extend(ComplaintLearningTheme(theme=t) for t in wanted if t not in have)
    session.flush()


def _describe(c: Complaint, agency: Agency) -> str:
    return f"Complaint {c.reference} ({STAGE_LABELS[c.stage]}, {agency.name})"


def record_complaint(
    db: Database, actor: Actor, data: ComplaintInput, *, today: date | None = None
) -> ComplaintRow:
    """Record a complaint with its points, joint agencies and learning points. Its response
    is due the stage's timescale in working days after it was received."""
    with db.transaction() as session:
        check_may_record(actor, _agency(session, data.agency_key), "complaint.record", "complaints")
        ok = check(session, actor, data, today=today)
        c = Complaint(author_id=actor.person_id)
        apply(session, c, data, ok)
        session.add(c)
        session.flush()
        _sync_learning(session, actor, c, data)
        changelog.record(
            session,
            actor,
            "create",
            "complaint",
            c.uuid,
            after=snapshot(c, session),
            summary=f"{_describe(c, ok.agency)} recorded",
        )
        return complaint_row(session, c, today)


def _agency(session: Session, key: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.key == (key or "").strip()))


def update_complaint(
    db: Database,
    actor: Actor,
    uuid: str,
    data: ComplaintInput,
    *,
    expected_revision: int | None = None,
    today: date | None = None,
) -> ComplaintRow:
    """Change a complaint (its response and outcome, its points, its learning...). The due
    date is worked out again only if the date received or the stage changed."""
    what = "this complaint"
    with conflicts.guard(db, actor, "complaint", uuid, what), db.transaction() as session:
        c = visible_complaint(session, actor, uuid, "complaint.record")
        conflicts.check_revision(session, actor, c, expected_revision, "complaint", what)
        new_agency = _agency(session, data.agency_key)
        if new_agency is not None and new_agency.id != c.agency_id:
            check_may_record(actor, new_agency, "complaint.record", "complaints")
        ok = check(session, actor, data, own_id=c.id, today=today)
        before = snapshot(c, session)
        apply(session, c, data, ok)
        session.flush()
        _sync_learning(session, actor, c, data)
        after = snapshot(c, session)
        if after != before:
            conflicts.touch(session, c)
            changelog.record_changes(
                session,
                actor,
                "complaint",
                c.uuid,
                before,
                after,
                summary=f"{_describe(c, ok.agency)} changed",
            )
        return complaint_row(session, c, today)


def delete_complaint(db: Database, actor: Actor, uuid: str) -> None:
    """Remove a complaint recorded in error, with its learning and the actions raised from it."""
    with db.transaction() as session:
        c = visible_complaint(session, actor, uuid, "complaint.record")
        agency = session.get(Agency, c.agency_id)
        assert agency is not None
        before = snapshot(c, session)
        action_ids = list(
            session.scalars(
                select(ComplaintAction.action_id).where(ComplaintAction.complaint_id == c.id)
            )
        )
        for action in session.scalars(select(Action).where(Action.id.in_(action_ids))):
            session.delete(action)
        session.delete(c)
        session.flush()
        changelog.record(
            session,
            actor,
            "delete",
            "complaint",
            uuid,
            before=before,
            summary=f"{_describe(c, agency)} removed",
        )


def check_complaint(
    db: Database,
    actor: Actor,
    data: ComplaintInput,
    *,
    uuid: str | None = None,
    today: date | None = None,
) -> None:
    """Check a complaint as saving it would (every problem at once, as a ValidationError),
    writing nothing: for a form that has problems of its own to show beside these."""
    with db.session() as session:
        own_id = None
        if uuid is not None:
            own_id = visible_complaint(session, actor, uuid, "complaint.record").id
        else:
            check_may_record(
                actor, _agency(session, data.agency_key), "complaint.record", "complaints"
            )
        check(session, actor, data, own_id=own_id, today=today)


def get_complaint(
    db: Database, actor: Actor, uuid: str, *, today: date | None = None
) -> ComplaintRow:
    with db.session() as session:
        return complaint_row(
            session, visible_complaint(session, actor, uuid, "complaint.view"), today
        )


def author_name(session: Session, c: Complaint) -> str | None:
    person = session.get(Person, c.author_id) if c.author_id else None
    return person.name if person else None
