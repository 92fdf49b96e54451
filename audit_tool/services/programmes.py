"""Audit programmes: creating them, sampling their cases, and assigning auditors and moderators.

The assignment rules of PRODUCT.md section 2 live here: two different auditors for a looped
audit, neither of them the case's worker or manager, and a moderator who is neither auditor.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import Audit, AuditTemplate, Case, Person, Programme, Review, Team
from audit_tool.models.audits import AUDIT_KINDS, PROGRAMME_KINDS, SEND_PARTS
from audit_tool.services import changelog, cohorts, notices
from audit_tool.services.programme_compliance import ComplianceRow as ComplianceRow
from audit_tool.services.programme_compliance import monthly_compliance as monthly_compliance

if TYPE_CHECKING:
    from audit_tool.store import Database

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,59}$")
DEFAULT_AUDIT_KIND = {
    "monthly": "looped",
    "thematic": "looped",
    "multi_agency": "multi_agency",
    "send": "send",
}
# How each kind of audit reads in every list (programmes, audits, my work, the dashboard).
AUDIT_KIND_LABELS = {
    "looped": "Looped",
    "single": "Dip sample (single auditor)",
    "multi_agency": "Multi-agency",
    "send": "SEND",
}
KIND_LABELS = {
    "monthly": "Monthly",
    "thematic": "Thematic",
    "multi_agency": "Multi-agency",
    "send": "SEND",
}


@dataclass(frozen=True)
class SampleFilters:
    team_keys: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    opened_from: date | None = None
    opened_to: date | None = None
    # A cohort rule over the case fields and the age at audit (services/cohorts.py).
    cohort: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "team_keys": list(self.team_keys),
            "case_types": list(self.case_types),
            "levels": list(self.levels),
            "opened_from": self.opened_from.isoformat() if self.opened_from else None,
            "opened_to": self.opened_to.isoformat() if self.opened_to else None,
        } | ({"cohort": self.cohort} if self.cohort else {})

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SampleFilters:
        data = data or {}
        return cls(
            team_keys=tuple(data.get("team_keys") or ()),
            case_types=tuple(data.get("case_types") or ()),
            levels=tuple(int(x) for x in data.get("levels") or ()),
            opened_from=date.fromisoformat(data["opened_from"])
            if data.get("opened_from")
            else None,
            opened_to=date.fromisoformat(data["opened_to"]) if data.get("opened_to") else None,
            cohort=str(data.get("cohort") or ""),
        )


@dataclass(frozen=True)
class ProgrammeRow:
    uuid: str
    key: str
    name: str
    kind: str
    theme: str | None
    description: str
    template_key: str
    template_version: int
    template_name: str
    starts_on: date
    due_on: date
    sample_size: int | None
    sample_seed: int | None
    sample_filters: SampleFilters | None
    audits: int
    template_kind: str = "looped"

    @property
    def audit_kind(self) -> str:
        """The kind of audit that adding cases to it makes, unless told otherwise."""
        return audit_kind_for(self.kind, self.template_kind)


def audit_kind_for(programme_kind: str, template_kind: str) -> str:
    """The kind of a programme's new audits: the template's own kind where it is not the
    ordinary looped one (a dip-sample template makes single audits, whatever the programme),
    else the programme's usual kind."""
    if template_kind != "looped":
        return template_kind
    return DEFAULT_AUDIT_KIND[programme_kind]


@dataclass(frozen=True)
class AssignmentRow:
    audit_uuid: str
    case_ref: str
    status: str
    kind: str
    reviewers: tuple[tuple[str, str | None], ...]  # (person key, SEND part)
    moderator_key: str | None
    due_on: date | None
    reviewer_names: tuple[str, ...] = ()
    moderator_name: str | None = None


# ---------------------------------------------------------------- programmes


def _programme(session: Session, key: str) -> Programme:
    programme = session.scalar(select(Programme).where(Programme.key == key))
    if programme is None:
        raise NotFound(f"No programme with key '{key}'")
    return programme


def _programme_id(session: Session, key: str) -> int:
    """The programme's id, without loading it (and its template) as an object."""
    found = session.scalar(select(Programme.id).where(Programme.key == key))
    if found is None:
        raise NotFound(f"No programme with key '{key}'")
    return found


def _row(session: Session, p: Programme, count: int | None = None) -> ProgrammeRow:
    if count is None:
        count = session.scalar(select(func.count(Audit.id)).where(Audit.programme_id == p.id))
    return ProgrammeRow(
        uuid=p.uuid,
        key=p.key,
        name=p.name,
        kind=p.kind,
        theme=p.theme,
        description=p.description,
        template_key=p.template.key,
        template_version=p.template.version,
        template_name=p.template.name,
        starts_on=p.starts_on,
        due_on=p.due_on,
        sample_size=p.sample_size,
        sample_seed=p.sample_seed,
        sample_filters=SampleFilters.from_json(p.sample_filters) if p.sample_filters else None,
        audits=int(count or 0),
        template_kind=p.template.kind,
    )


def list_programmes(db: Database, actor: Actor, *, kind: str | None = None) -> list[ProgrammeRow]:
    require(actor, "programme.view")
    stmt = select(Programme).order_by(Programme.starts_on.desc(), Programme.name)
    if kind:
        stmt = stmt.where(Programme.kind == kind)
    counts = select(Audit.programme_id, func.count(Audit.id)).group_by(Audit.programme_id)
    with db.session() as session:
        audits = {programme_id: int(n) for programme_id, n in session.execute(counts)}
        return [_row(session, p, audits.get(p.id, 0)) for p in session.scalars(stmt)]


def get_programme(db: Database, actor: Actor, key: str) -> ProgrammeRow:
    require(actor, "programme.view")
    with db.session() as session:
        return _row(session, _programme(session, key))


def save_programme(
    db: Database,
    actor: Actor,
    *,
    key: str,
    name: str,
    kind: str,
    template_key: str,
    starts_on: date | None,
    due_on: date | None,
    theme: str | None = None,
    description: str = "",
    sample_size: int | None = None,
    original_key: str | None = None,
) -> ProgrammeRow:
    """Create (original_key None) or change a programme. A date left out (None: blank, or
    typed so that it cannot be read) is an error beside its field, like the others."""
    require(actor, "programme.edit")
    key, name = key.strip(), name.strip()
    theme = (theme or "").strip() or None
    errors = _programme_field_errors(key, name, kind, theme, starts_on, due_on, sample_size)
    with db.transaction() as session:
        template = session.scalar(
            select(AuditTemplate)
            .where(AuditTemplate.key == template_key, AuditTemplate.retired.is_(False))
            .order_by(AuditTemplate.version.desc())
            .limit(1)
        )
        if template is None:
            errors["template"] = f"No audit template '{template_key}'"
        clash = session.scalar(select(Programme).where(Programme.key == key))
        if clash is not None and (original_key is None or clash.key != original_key):
            errors["key"] = f"Key '{key}' is already used by {clash.name}"
        if errors:
            raise ValidationError(
                "The programme was not saved: " + "; ".join(errors.values()), errors
            )
        assert template is not None and starts_on is not None and due_on is not None
        programme, before = _programme_to_save(session, key, original_key, template)
        programme.key, programme.name, programme.kind = key, name, kind
        programme.theme, programme.description = theme, description.strip()
        programme.template_id = template.id
        programme.starts_on, programme.due_on = starts_on, due_on
        programme.sample_size = sample_size
        session.flush()
        _record_programme_saved(session, actor, programme, name, before)
        return _row(session, programme)


def _programme_field_errors(
    key: str,
    name: str,
    kind: str,
    theme: str | None,
    starts_on: date | None,
    due_on: date | None,
    sample_size: int | None,
) -> dict[str, str]:
    """What is wrong with a programme's fields on their own, by field."""
    errors: dict[str, str] = {}
    if not KEY_RE.match(key):
        errors["key"] = "Use 1-60 lower-case letters, digits, '-' or '_'"
    if not name:
        errors["name"] = "A name is required"
    if kind not in PROGRAMME_KINDS:
        errors["kind"] = f"Choose one of: {', '.join(PROGRAMME_KINDS)}"
    if kind == "thematic" and not theme:
        errors["theme"] = "A thematic programme needs its theme"
    if starts_on is None:
        errors["starts_on"] = "A start date is required"
    if due_on is None:
        errors["due_on"] = "A due date is required"
    elif starts_on is not None and due_on < starts_on:
        errors["due_on"] = "The due date cannot be before the start"
    if sample_size is not None and sample_size < 1:
        errors["sample_size"] = "The sample size must be 1 or more"
    return errors


def _programme_to_save(
    session: Session, key: str, original_key: str | None, template: AuditTemplate
) -> tuple[Programme, dict[str, Any] | None]:
    """The new programme (added to the session), or the stored one and its snapshot before
    the change; its template cannot change once it has audits."""
    if original_key is None:
        programme = Programme(key=key)
        session.add(programme)
        before: dict[str, Any] | None = None
    else:
        programme = _programme(session, original_key)
        if programme.template_id != template.id:
            used = session.scalar(
                select(func.count(Audit.id)).where(Audit.programme_id == programme.id)
            )
            if used:
                raise ValidationError(
                    "The template cannot change once the programme has audits",
                    {"template": "This programme already has audits"},
                )
        before = changelog.snapshot(programme)
    return programme, before


def _record_programme_saved(
    session: Session,
    actor: Actor,
    programme: Programme,
    name: str,
    before: dict[str, Any] | None,
) -> None:
    if before is None:
        changelog.record(
            session,
            actor,
            "create",
            "programme",
            programme.uuid,
            after=changelog.snapshot(programme),
            summary=f"Programme {name} created",
        )
    else:
        changelog.record_changes(
            session,
            actor,
            "programme",
            programme.uuid,
            before,
            changelog.snapshot(programme),
            summary=f"Programme {name} changed",
        )


# ---------------------------------------------------------------- sampling


def _candidates(
    session: Session,
    filters: SampleFilters,
    programme: Programme | None,
    actor: Actor | None = None,
) -> list[str]:
    stmt = select(Case.ref).join(Team, Case.team_id == Team.id)
    if actor is not None:
        stmt = stmt.where(scope.case_in_scope(actor, Case.id, Case.team_id))
    if filters.team_keys:
        stmt = stmt.where(Team.key.in_(filters.team_keys))
    if filters.case_types:
        stmt = stmt.where(Case.case_type.in_(filters.case_types))
    if filters.levels:
        stmt = stmt.where(Case.level_of_need.in_(filters.levels))
    if filters.opened_from:
        stmt = stmt.where(Case.opened_on >= filters.opened_from)
    if filters.opened_to:
        stmt = stmt.where(Case.opened_on <= filters.opened_to)
    if filters.cohort.strip():  # the age at audit: on the day the programme starts
        on = programme.starts_on if programme is not None else date.today()
        stmt = stmt.where(*cohorts.where(session, filters.cohort, on))
    if programme is not None:
        stmt = stmt.where(
            Case.id.not_in(select(Audit.case_id).where(Audit.programme_id == programme.id))
        )
    return list(session.scalars(stmt.order_by(Case.ref)))


def candidate_cases(
    db: Database, actor: Actor, filters: SampleFilters, *, programme_key: str | None = None
) -> list[str]:
    """References of the cases the filters select, not already in the programme."""
    require(actor, "programme.view")
    with db.session() as session:
        programme = _programme(session, programme_key) if programme_key else None
        return _candidates(session, filters, programme, actor)


def draw_sample(
    db: Database,
    actor: Actor,
    programme_key: str,
    filters: SampleFilters,
    n: int,
    *,
    seed: int | None = None,
) -> list[str]:
    """A random sample of n of the candidate cases, reproducible from the recorded seed."""
    require(actor, "programme.edit")
    if n < 1:
        raise ValidationError("The sample size must be 1 or more", {"sample_size": "1 or more"})
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    with db.transaction() as session:
        programme = _programme(session, programme_key)
        candidates = _candidates(session, filters, programme)
        sample = sorted(random.Random(seed).sample(candidates, min(n, len(candidates))))
        before = changelog.snapshot(programme)
        programme.sample_seed = seed
        programme.sample_filters = filters.to_json()
        programme.sample_size = n
        session.flush()
        changelog.record_changes(
            session,
            actor,
            "programme",
            programme.uuid,
            before,
            changelog.snapshot(programme),
            summary=f"Sample of {len(sample)} drawn for {programme.name} (seed {seed})",
        )
        return sample


# ---------------------------------------------------------------- audits and assignment


def _reviewer_name(name: str, part: str | None) -> str:
    return name + (f" ({part.replace('_', ' ')})" if part else "")


def _assignment(audit: Audit) -> AssignmentRow:
    return AssignmentRow(
        audit_uuid=audit.uuid,
        case_ref=audit.case.ref,
        status=audit.status,
        kind=audit.kind,
        reviewers=tuple((r.reviewer.key, r.part) for r in audit.reviews),
        moderator_key=audit.moderator.key if audit.moderator else None,
        due_on=audit.due_on,
        reviewer_names=tuple(_reviewer_name(r.reviewer.name, r.part) for r in audit.reviews),
        moderator_name=audit.moderator.name if audit.moderator else None,
    )


@dataclass(frozen=True)
class RefCheck:
    """Case references typed for a programme, sorted into those that can be added and why
    the others cannot (all found at once, not one kind at a time)."""

    valid: tuple[str, ...]
    unknown: tuple[str, ...]
    duplicates: tuple[str, ...]  # already in the programme, or listed twice

    def message(self, programme_name: str = "the programme") -> str:
        parts = []
        if self.unknown:
            parts.append(f"No case with reference {_names(self.unknown)}")
        if self.duplicates:
            parts.append(
                f"Already in {programme_name} (or listed twice): {_names(self.duplicates)}"
            )
        return ". ".join(parts)


def _names(refs: tuple[str, ...], most: int = 12) -> str:
    shown = [r if len(r) <= 30 else r[:30] + "..." for r in refs[:most]]
    more = f" and {len(refs) - most} more" if len(refs) > most else ""
    return ", ".join(shown) + more


def _check_refs(session: Session, programme: Programme, refs: list[str]) -> RefCheck:
    known = set(session.scalars(select(Case.ref).where(Case.ref.in_(refs))))
    already = set(
        session.scalars(
            select(Case.ref)
            .join(Audit, Audit.case_id == Case.id)
            .where(Audit.programme_id == programme.id, Case.ref.in_(refs))
        )
    )
    unknown = tuple(dict.fromkeys(r for r in refs if r not in known))
    duplicates = tuple(sorted(already | {r for r in refs if refs.count(r) > 1}))
    valid = tuple(dict.fromkeys(r for r in refs if r in known and r not in already))
    return RefCheck(valid=valid, unknown=unknown, duplicates=duplicates)


def check_refs(db: Database, actor: Actor, programme_key: str, refs: list[str]) -> RefCheck:
    """Which of the typed references can become audits in the programme, and which not."""
    require(actor, "audit.assign")
    with db.session() as session:
        return _check_refs(session, _programme(session, programme_key), refs)


def add_audits(
    db: Database, actor: Actor, programme_key: str, refs: list[str], *, kind: str | None = None
) -> list[AssignmentRow]:
    """One new audit per case, all or none; of `kind`, or else of the kind the programme's
    template and kind say (audit_kind_for)."""
    require(actor, "audit.assign")
    with db.transaction() as session:
        programme = _programme(session, programme_key)
        kind = kind or audit_kind_for(programme.kind, programme.template.kind)
        if kind not in AUDIT_KINDS:
            raise ValidationError(f"'{kind}' is not a kind of audit", {"kind": "Unknown kind"})
        cases = {c.ref: c for c in session.scalars(select(Case).where(Case.ref.in_(refs)))}
        check = _check_refs(session, programme, refs)
        if check.unknown or check.duplicates:
            raise ValidationError(check.message(programme.name), {"refs": check.message()})
        created = []
        for ref in refs:
            audit = Audit(
                case_id=cases[ref].id,
                programme_id=programme.id,
                template_id=programme.template_id,
                kind=kind,
                status="draft",
                due_on=programme.due_on,
            )
            session.add(audit)
            created.append(audit)
        session.flush()
        for audit in created:
            changelog.record(
                session,
                actor,
                "create",
                "audit",
                audit.uuid,
                after={"case": audit.case.ref, "programme": programme.key, "kind": kind},
                summary=f"{'Dip-sample audit' if kind == 'single' else 'Audit'} of case "
                f"{audit.case.ref} added to {programme.name}",
            )
        return [_assignment(a) for a in created]


def _person(session: Session, key: str, errors: dict[str, str], field: str) -> Person | None:
    person = session.scalar(select(Person).where(Person.key == key))
    if person is None:
        errors[field] = f"No person with key '{key}'"
    elif not person.active:
        errors[field] = f"{person.name} is inactive"
    return person


def moderator_problem(reviewer_keys: list[str], moderator_key: str | None) -> str | None:
    """Why this moderator cannot moderate an audit with these auditors (person keys), if so:
    moderating is a second pair of eyes (also checked on audits arriving in a pack)."""
    if moderator_key is not None and moderator_key in reviewer_keys:
        return "The moderator cannot also be one of the auditors"
    return None


def assign(
    db: Database,
    actor: Actor,
    audit_uuid: str,
    *,
    reviewers: list[str] | dict[str, str],
    moderator: str | None = None,
) -> AssignmentRow:
    """Assign (or change, until a review is submitted) the auditors and the moderator."""
    require(actor, "audit.assign")
    with db.transaction() as session:
        audit = _assignable_audit(session, audit_uuid)
        return assign_audit(session, actor, audit, reviewers=reviewers, moderator=moderator)


def assign_audit(
    session: Session,
    actor: Actor,
    audit: Audit,
    *,
    reviewers: list[str] | dict[str, str],
    moderator: str | None = None,
) -> AssignmentRow:
    """`assign` inside the caller's transaction (the monthly draw uses it too, so automatic
    assignments meet exactly the rules of manual ones): checked, logged and notified."""
    errors: dict[str, str] = {}
    pairs: list[tuple[str, str | None]]
    if isinstance(reviewers, dict):
        pairs = [(key, part) for part, key in reviewers.items()]
    else:
        pairs = [(key, None) for key in reviewers]
    keys = [k for k, _ in pairs]
    kind = audit.kind
    _check_team_shape(kind, keys, reviewers, moderator, errors)
    case = audit.case
    conflicted = {case.worker_id, case.manager_id} - {None}
    people = _assigned_auditors(session, kind, pairs, conflicted, errors)
    mod_person = _assigned_moderator(session, moderator, keys, conflicted, errors)
    if errors:
        raise ValidationError("Not assigned: " + "; ".join(dict.fromkeys(errors.values())), errors)
    before: dict[str, Any] = {
        "reviewers": [[r.reviewer.key, r.part] for r in audit.reviews],
        "moderator": audit.moderator.key if audit.moderator else None,
    }
    _replace_reviews(session, audit, people, mod_person)
    changelog.record(
        session,
        actor,
        "assign",
        "audit",
        audit.uuid,
        before=before,
        after={"reviewers": [[p.key, part] for p, part in people], "moderator": moderator},
        summary=f"Auditors assigned to the audit of case {case.ref}",
    )
    _notify_assigned(session, actor, audit, before, people, mod_person)
    return _assignment(audit)


def _assignable_audit(session: Session, audit_uuid: str) -> Audit:
    """The audit, refused if it is missing or a review of it is already submitted."""
    audit = session.scalar(select(Audit).where(Audit.uuid == audit_uuid))
    if audit is None:
        raise NotFound(f"No audit {audit_uuid}")
    if any(r.status != "draft" for r in audit.reviews) or audit.status not in (
        "draft",
        "in_review",
    ):
        raise ValidationError(
            f"The audit of case {audit.case.ref} is already under way: a review is "
            "submitted, so its auditors can no longer change"
        )
    return audit


def _check_team_shape(
    kind: str,
    keys: list[str],
    reviewers: list[str] | dict[str, str],
    moderator: str | None,
    errors: dict[str, str],
) -> None:
    """How many auditors (and whether a moderator) this kind of audit needs."""
    if kind == "looped" and (len(keys) != 2 or len(set(keys)) != 2):
        errors["reviewers"] = "A looped audit needs two different auditors"
    elif kind == "single" and len(keys) != 1:
        errors["reviewers"] = "A single audit has one auditor"
    elif kind == "send" and (not isinstance(reviewers, dict) or set(reviewers) != set(SEND_PARTS)):
        errors["reviewers"] = (
            "A SEND audit needs an auditor for each of education, health and social care"
        )
    elif kind == "multi_agency" and (len(keys) < 2 or len(set(keys)) != len(keys)):
        errors["reviewers"] = (
            "A multi-agency audit needs an auditor from each of at least two agencies"
        )
    if kind == "single" and moderator:
        errors["moderator"] = "A single audit is not moderated"
    if kind != "single" and not moderator:
        errors["moderator"] = "Choose the moderator"


def _assigned_auditors(
    session: Session,
    kind: str,
    pairs: list[tuple[str, str | None]],
    conflicted: set[int | None],
    errors: dict[str, str],
) -> list[tuple[Person, str | None]]:
    """The auditors named (with their parts), noting in `errors` any who cannot audit."""
    people: list[tuple[Person, str | None]] = []
    for key, part in pairs:
        person = _person(session, key, errors, "reviewers")
        if person is None:
            continue
        if "auditor" not in person.roles:
            errors["reviewers"] = f"{person.name} does not have the auditor role"
        elif person.id in conflicted:
            errors["reviewers"] = (
                f"{person.name} is the case's worker or manager and cannot audit it"
            )
        people.append((person, part))
    if kind == "multi_agency" and len({p.agency_id for p, _ in people}) != len(people):
        errors["reviewers"] = "Each agency has one auditor in a multi-agency audit"
    return people


def _assigned_moderator(
    session: Session,
    moderator: str | None,
    keys: list[str],
    conflicted: set[int | None],
    errors: dict[str, str],
) -> Person | None:
    """The moderator named, noting in `errors` why they cannot moderate, if so."""
    mod_person = None
    if moderator and "moderator" not in errors:
        mod_person = _person(session, moderator, errors, "moderator")
        if mod_person is not None:
            if "moderator" not in mod_person.roles:
                errors["moderator"] = f"{mod_person.name} does not have the moderator role"
            elif moderator_problem(keys, moderator):
                errors["moderator"] = moderator_problem(keys, moderator) or ""
            elif mod_person.id in conflicted:
                errors["moderator"] = (
                    f"{mod_person.name} is the case's worker or manager and cannot moderate it"
                )
    return mod_person


def _replace_reviews(
    session: Session,
    audit: Audit,
    people: list[tuple[Person, str | None]],
    mod_person: Person | None,
) -> None:
    """New draft reviews for these auditors, the moderator set, the audit in review."""
    for review in list(audit.reviews):
        audit.reviews.remove(review)
    session.flush()
    for person, part in people:
        audit.reviews.append(
            Review(reviewer_id=person.id, agency_id=person.agency_id, part=part, status="draft")
        )
    audit.moderator_id = mod_person.id if mod_person else None
    if audit.status == "draft":
        audit.status = "in_review"
    session.flush()
    session.refresh(audit)


def _notify_assigned(
    session: Session,
    actor: Actor,
    audit: Audit,
    before: dict[str, Any],
    people: list[tuple[Person, str | None]],
    mod_person: Person | None,
) -> None:
    """A notice to each auditor newly on the audit, and to its moderator if new."""
    ref = audit.case.ref
    had = {key for key, _ in before["reviewers"]}
    new_auditors = [p.id for p, _ in people if p.key not in had]
    notices.add(
        session,
        "assigned",
        audit,
        new_auditors,
        f"Assigned to you by {actor.name}: Case {ref}, as auditor",
        actor.name,
    )
    if mod_person is not None and mod_person.key != before["moderator"]:
        notices.add(
            session,
            "assigned",
            audit,
            [mod_person.id],
            f"Assigned to you by {actor.name}: Case {ref}, as moderator",
            actor.name,
        )


def list_assignments(db: Database, actor: Actor, programme_key: str) -> list[AssignmentRow]:
    """The programme's audits by case reference, with their auditors and moderator: two
    queries of plain columns (the audits, then all their reviews), whatever their number."""
    require(actor, "programme.view")
    moderator = aliased(Person)
    reviewer = aliased(Person)
    with db.session() as session:
        programme_id = _programme_id(session, programme_key)
        in_programme = (Audit.programme_id == programme_id, scope.audit_in_scope(actor, Audit.id))
        audits = session.execute(
            select(
                Audit.id,
                Audit.uuid,
                Case.ref,
                Audit.status,
                Audit.kind,
                moderator.key,
                moderator.name,
                Audit.due_on,
            )
            .join(Case, Audit.case_id == Case.id)
            .outerjoin(moderator, Audit.moderator_id == moderator.id)
            .where(*in_programme)
            .order_by(Case.ref, Audit.id)
        ).all()
        reviews: dict[int, list[tuple[str, str, str | None]]] = {}
        for audit_id, key, name, part in session.execute(
            select(Review.audit_id, reviewer.key, reviewer.name, Review.part)
            .join(reviewer, Review.reviewer_id == reviewer.id)
            .join(Audit, Review.audit_id == Audit.id)
            .where(*in_programme)
            .order_by(Review.audit_id, Review.id)
        ):
            reviews.setdefault(audit_id, []).append((key, name, part))
    rows = []
    for audit_id, uuid, ref, status, kind, mod_key, mod_name, due_on in audits:
        its = reviews.get(audit_id, [])
        rows.append(
            AssignmentRow(
                audit_uuid=uuid,
                case_ref=ref,
                status=status,
                kind=kind,
                reviewers=tuple((key, part) for key, _name, part in its),
                moderator_key=mod_key,
                due_on=due_on,
                reviewer_names=tuple(_reviewer_name(name, part) for _key, name, part in its),
                moderator_name=mod_name,
            )
        )
    return rows
