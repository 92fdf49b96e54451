"""Reading audits into audit pack JSON (shared/INTERFACES.md, audit pack v1), in batches.

An export reads every kind of row once per batch of at most `CHUNK` audits, each in one query
with the batch's ids (`IN`, under SQLite's old limit of 999 parameters), not a few queries per
audit: the number of statements depends on the number of batches, not of audits (issue 15;
599 audits took 14 s with per-audit queries). `audits_json` builds the audits' JSON and
`build_pack` the pack with the reference data they name; packs.py exports and imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    Feedback,
    FeedbackQuestion,
    LearningPoint,
    Moderation,
    Person,
    Programme,
    Review,
    Team,
    WorkerFeedback,
)
from audit_tool.services import pack_reference
from audit_tool.services.seed import FEEDBACK_QUESTIONS

FORMAT, VERSION = "qa-audit-pack", 1
STANDARD_QUESTIONS = tuple(key for key, _ in FEEDBACK_QUESTIONS)
CHUNK = 500  # audits (or other ids) per query: at most 900, SQLite's old limit being 999
Progress = Callable[[int, int], bool]
T = TypeVar("T")


def iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")
    return value.isoformat()


def chunks(values: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """The values in lists of `size` (CHUNK unless given)."""
    size = size or CHUNK
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _by_audit(session: Session, model: Any, ids: list[int], *options: Any) -> dict[int, list]:
    """The rows of `model` that belong to these audits, in id order, grouped by audit id."""
    grouped: dict[int, list] = defaultdict(list)
    stmt = select(model).where(model.audit_id.in_(ids)).order_by(model.id)
    for row in session.scalars(stmt.options(*options)):
        grouped[row.audit_id].append(row)
    return grouped


def _keys(session: Session, model: Any, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for batch in chunks(sorted(ids)):
        found.update(session.execute(select(model.id, model.key).where(model.id.in_(batch))).all())
    return found


def audits_json(
    session: Session, audits: list[Audit], progress: Progress | None = None
) -> list[dict[str, Any]]:
    """The audits as pack JSON, in their order. `progress(done, total)` is called after each
    batch; returning False raises Cancelled (the caller's transaction then writes nothing)."""
    out: list[dict[str, Any]] = []
    for batch in chunks(audits):
        out.extend(_batch_json(session, batch))
        if progress is not None and not progress(len(out), len(audits)):
            raise Cancelled("Export cancelled: nothing was written")
    return out


def _batch_json(session: Session, audits: list[Audit]) -> list[dict[str, Any]]:
    ids = [a.id for a in audits]
    reviews = _by_audit(session, Review, ids, selectinload(Review.answers))
    moderations = {
        m.audit_id: m
        for m in session.scalars(
            select(Moderation)
            .where(Moderation.audit_id.in_(ids))
            .options(selectinload(Moderation.answers))
        )
    }
    points = _by_audit(session, LearningPoint, ids)
    actions = _by_audit(session, Action, ids)
    feedback = _by_audit(session, Feedback, ids)
    workers = {
        w.audit_id: w
        for w in session.scalars(select(WorkerFeedback).where(WorkerFeedback.audit_id.in_(ids)))
    }
    person_ids = {a.moderator_id for a in audits}
    person_ids |= {m.moderator_id for m in moderations.values()}
    for rows in reviews.values():
        person_ids |= {r.reviewer_id for r in rows}
    for rows in points.values():
        person_ids |= {p.author_id for p in rows}
    for rows in actions.values():
        person_ids |= {x for a in rows for x in (a.owner_id, a.completed_by_id, a.author_id)}
    for rows in feedback.values():
        person_ids |= {f.author_id for f in rows}
    people = _keys(session, Person, {i for i in person_ids if i is not None})
    agencies = _keys(session, Agency, {r.agency_id for rows in reviews.values() for r in rows})
    templates = {
        t.id: t
        for t in session.scalars(
            select(AuditTemplate).where(AuditTemplate.id.in_({a.template_id for a in audits}))
        )
    }
    tables = _Tables(people, agencies, templates, reviews, moderations, points, actions, feedback)
    return [_audit_json(a, tables, workers.get(a.id)) for a in audits]


class _Tables:
    """One batch's rows, by audit id (children) or by id (keys of people and agencies)."""

    def __init__(self, *tables: Any) -> None:
        (
            self.people,
            self.agencies,
            self.templates,
            self.reviews,
            self.moderations,
            self.points,
            self.actions,
            self.feedback,
        ) = tables

    def key(self, person_id: int | None) -> str | None:
        return None if person_id is None else self.people[person_id]


def _answers(rows: list[Any]) -> dict[str, Any]:
    return {a.item_key: a.value for a in rows}


def _comments(rows: list[Any]) -> dict[str, str]:
    return {a.item_key: a.comment for a in rows if a.comment}


def _review(r: Review, t: _Tables) -> dict[str, Any]:
    return {
        "id": r.uuid,
        "reviewer": t.people[r.reviewer_id],
        "agency": t.agencies[r.agency_id],
        "part": r.part,
        "status": r.status,
        "submitted_at": iso(r.submitted_at),
        "overall": r.overall,
        "answers": _answers(r.answers),
        "comments": _comments(r.answers),
        "strengths": r.strengths,
        "worries": r.worries,
        "next_steps": r.next_steps,
        "return_comment": r.return_comment,
    }


def _moderation(m: Moderation | None, t: _Tables) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "moderator": t.people[m.moderator_id],
        "completed_at": iso(m.completed_at),
        "overall": m.overall,
        "answers": _answers(m.answers),
        "comments": _comments(m.answers),
        "rationale": m.rationale,
        "panel_summary": m.panel_summary,
    }


def _audit_json(audit: Audit, t: _Tables, worker: WorkerFeedback | None) -> dict[str, Any]:
    template = t.templates[audit.template_id]
    return {
        "id": audit.uuid,
        "case": audit.case.ref,
        "programme": audit.programme.key,
        "template": template.key,
        "template_version": template.version,
        "kind": audit.kind,
        "status": audit.status,
        "moderator": t.key(audit.moderator_id),
        "due_on": iso(audit.due_on),
        "reviews": [_review(r, t) for r in t.reviews.get(audit.id, [])],
        "moderation": _moderation(t.moderations.get(audit.id), t),
        "learning_points": [
            {
                "id": p.uuid,
                "kind": p.kind,
                "text": p.text,
                "item": p.item_key,
                "themes": sorted(x.theme for x in p.themes),
                "in_briefing": p.in_briefing,
                "author": t.key(p.author_id),
            }
            for p in t.points.get(audit.id, [])
        ],
        "actions": [
            {
                "id": a.uuid,
                "text": a.text,
                "owner": t.key(a.owner_id),
                "due_on": iso(a.due_on),
                "status": a.status,
                "completed_on": iso(a.completed_on),
                "scope": a.scope,
                "completed_by": t.key(a.completed_by_id),
                "completion_note": a.completion_note,
                "author": t.key(a.author_id),
            }
            for a in t.actions.get(audit.id, [])
        ],
        "feedback": [
            {
                "id": f.uuid,
                "respondent": f.respondent,
                "channel": f.channel,
                "collected_on": iso(f.collected_on),
                "consent": f.consent,
                "answers": {a.question_key: a.answer for a in f.answers},
                "comment": f.comment,
                "shareable": f.shareable,
                "author": t.key(f.author_id),
            }
            for f in t.feedback.get(audit.id, [])
        ],
        "worker_feedback": {
            "given_to_worker": bool(worker and worker.given_to_worker),
            "given_to_manager": bool(worker and worker.given_to_manager),
            "given_on": iso(worker.given_on) if worker else None,
            "how": worker.how if worker else "",
        },
        "revision": audit.revision,
        "updated_at": iso(audit.updated_at),
    }


def _named_people(session: Session, audits: list[Audit], audit_json: list[dict]) -> list[Person]:
    """Everyone the audits name (auditors, moderators, owners, authors, workers, managers)."""
    keys: set[str] = set()
    for a in audit_json:
        keys |= {r["reviewer"] for r in a["reviews"]}
        keys |= {x["owner"] for x in a["actions"]}
        keys |= pack_reference.authors(a)
        if a["moderator"]:
            keys.add(a["moderator"])
        if a["moderation"]:
            keys.add(a["moderation"]["moderator"])
    for audit in audits:
        keys |= {p.key for p in (audit.case.worker, audit.case.manager) if p is not None}
    people: list[Person] = []
    for batch in chunks(sorted(keys)):
        people.extend(session.scalars(select(Person).where(Person.key.in_(batch))))
    return sorted(people, key=lambda p: p.key)


def build_pack(
    session: Session,
    audits: list[Audit],
    audit_json: list[dict[str, Any]],
    source: str,
    scale_refusal: str,
) -> dict[str, Any]:
    """An audit pack (v1) of these audits (already as JSON) with the reference data they name:
    templates, agencies, teams, people, cases, programmes and any partnership questions.
    `scale_refusal` ({names}) says why templates on another scale than Ofsted's cannot go."""
    people = _named_people(session, audits, audit_json)
    cases = {a.case.ref: a.case for a in audits}
    teams = {c.team.key: c.team for c in cases.values()}
    teams.update({p.team.key: p.team for p in people if p.team is not None})
    agencies = _named_agencies(session, teams, people, audit_json)
    programmes = {a.programme.key: a.programme for a in audits}
    templates = _named_templates(session, audits, programmes, scale_refusal)
    pack = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(datetime.now(UTC)),
        "source": source,
        "templates": [_template_json(t) for t in templates],
        "agencies": [
            {"key": a.key, "name": a.name} for a in sorted(agencies.values(), key=lambda a: a.key)
        ],
        "teams": [_team_json(t) for t in sorted(teams.values(), key=lambda t: t.key)],
        "people": [_person_json(p) for p in people],
        "cases": [_case_json(c) for c in sorted(cases.values(), key=lambda c: c.ref)],
        "programmes": [
            _programme_json(p) for p in sorted(programmes.values(), key=lambda p: p.key)
        ],
        "audits": audit_json,
    }
    _add_feedback_questions(session, pack, audit_json)
    add_case_fields(session, pack, cases)
    return pack


def add_case_fields(session: Session, pack: dict[str, Any], cases: dict[str, Case]) -> None:
    """The cases' values of the partnership's case fields (each case's optional "fields", by
    key: a number as a number, anything else as text) and, top-level, the definitions of the
    fields they use. The date of birth never leaves: a pack carries no personal data beyond
    the initials."""
    from audit_tool.services import case_fields

    defs = {k: d for k, d in case_fields.field_defs(session).items() if not d.birth_date}
    if not defs or not cases:
        return
    held = case_fields.held_values(session, [c.id for c in cases.values()])
    used: set[str] = set()
    for record in pack["cases"]:
        values = held.get(cases[record["ref"]].id, {})
        shared = {
            k: _number(v) if defs[k].kind == "number" else v for k, v in values.items() if k in defs
        }
        if shared:
            record["fields"] = shared
            used |= set(shared)
    if used:
        pack["case_fields"] = [
            {"key": d.key, "label": d.label, "kind": d.kind}
            | ({"options": list(d.options)} if d.kind == "choice" else {})
            | ({"not_future": d.not_future} if d.kind == "date" else {})
            for d in defs.values()
            if d.key in used
        ]


def _named_agencies(
    session: Session,
    teams: dict[str, Team],
    people: list[Person],
    audit_json: list[dict[str, Any]],
) -> dict[str, Agency]:
    """The agencies of these teams and people, and those the reviews name."""
    agencies = {t.agency.key: t.agency for t in teams.values()}
    agencies.update({p.agency.key: p.agency for p in people})
    missing = {r["agency"] for a in audit_json for r in a["reviews"]} - set(agencies)
    for batch in chunks(sorted(missing)):
        agencies.update(
            {x.key: x for x in session.scalars(select(Agency).where(Agency.key.in_(batch)))}
        )
    return agencies


def _named_templates(
    session: Session,
    audits: list[Audit],
    programmes: dict[str, Programme],
    scale_refusal: str,
) -> list[AuditTemplate]:
    """The templates of these audits and programmes; refused if any is on another scale."""
    template_ids = {a.template_id for a in audits} | {p.template_id for p in programmes.values()}
    templates: list[AuditTemplate] = []
    for batch in chunks(sorted(template_ids)):
        templates.extend(session.scalars(select(AuditTemplate).where(AuditTemplate.id.in_(batch))))
    templates.sort(key=lambda t: t.id)
    other_scales = sorted({t.name for t in templates if t.scale.key != "ofsted"})
    if other_scales:
        raise ValidationError(scale_refusal.format(names=", ".join(other_scales)))
    return templates


def _template_json(t: AuditTemplate) -> dict[str, Any]:
    return {
        "key": t.key,
        "version": t.version,
        "name": t.name,
        "scale": "ofsted",
        "items": [
            {"key": i.key, "label": i.label, "kind": i.kind}
            | ({"limiting": i.limiting} if i.kind == "grade" else {})
            for i in t.items
        ],
    }


def _team_json(t: Team) -> dict[str, Any]:
    return {
        "key": t.key,
        "name": t.name,
        "agency": t.agency.key,
        "service_area": t.service_area,
    }


def _person_json(p: Person) -> dict[str, Any]:
    return {
        "key": p.key,
        "name": p.name,
        "agency": p.agency.key,
        "team": p.team.key if p.team else None,
        "roles": sorted(p.roles),
    }


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() else number


def _case_json(c: Case) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "initials": c.initials,
        "case_type": c.case_type,
        "level_of_need": c.level_of_need,
        "team": c.team.key,
        "worker": c.worker.key if c.worker else None,
        "manager": c.manager.key if c.manager else None,
    }


def _programme_json(p: Programme) -> dict[str, Any]:
    return {
        "key": p.key,
        "name": p.name,
        "kind": p.kind,
        "theme": p.theme,
        "template": p.template.key,
        "starts_on": iso(p.starts_on),
        "due_on": iso(p.due_on),
        "sample_size": p.sample_size,
    }


def _add_feedback_questions(
    session: Session, pack: dict[str, Any], audit_json: list[dict[str, Any]]
) -> None:
    """The partnership's own feedback questions the audits answer, if any."""
    own = sorted({q for a in audit_json for f in a["feedback"] for q in f["answers"]})
    own = [q for q in own if q not in STANDARD_QUESTIONS]
    if own:
        pack["feedback_questions"] = [
            {"key": q.key, "text": q.text}
            for q in session.scalars(
                select(FeedbackQuestion)
                .where(FeedbackQuestion.key.in_(own))
                .order_by(FeedbackQuestion.key)
            )
        ]
