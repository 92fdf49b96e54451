"""Audit packs (shared/INTERFACES.md, audit pack v1): exchanging programmes and audits.

Export writes the audits with everything they refer to. Import is all-or-nothing and
idempotent, and acts with the importer's rights (pack_rights): the whole pack's values are
checked as the application checks them (pack_checks) and every reference resolved
(pack_reference) before anything is written; reference data already held is left as it is;
an audit is created,
updated (when only the pack's copy changed since the last exchange), left alone (same
revision), or reported as a conflict and left untouched (the local copy is as new or newer,
or both sides changed). Optional keys added to the v1 text, so that an exchange loses nothing:
reviews' and moderations' "comments" (evidence per item), "return_comment", "panel_summary";
audits' "moderator" and "due_on"; "author" (person key) on learning points, actions and
feedback; actions' "completed_by" and "completion_note"; worker feedback's "how"; and a
top-level "feedback_questions" ([{key, text}]) with the questions of the partnership's own
that the feedback answers (the six standard ones are known everywhere); cases' "fields" (the
partnership's case field values by key) with a top-level "case_fields" ([{key, label, kind,
options, not_future}]) defining the fields they use (services/case_fields.py; the date of
birth never travels). Feedback gathered outside audits is not part of a pack; a case or a case
field already held keeps its values and definition."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    ChangeLogEntry,
    Feedback,
    FeedbackAnswer,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Person,
    Programme,
    Review,
    ReviewAnswer,
    WorkerFeedback,
)
from audit_tool.reporting import aggregates
from audit_tool.services import (
    changelog,
    pack_checks,
    pack_export,
    pack_reference,
    pack_rights,
    untrusted,
)
from audit_tool.services.learning import clean_themes

if TYPE_CHECKING:
    from audit_tool.store import Database

FORMAT, VERSION = pack_export.FORMAT, pack_export.VERSION
STANDARD_QUESTIONS = pack_export.STANDARD_QUESTIONS


@dataclass
class PackReport:
    created: list[str] = field(default_factory=list)  # audit ids
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # "id (case ref): why"
    reference_created: int = 0

    def lines(self) -> list[str]:
        return [f"conflict: {c}" for c in self.conflicts]


# ---------------------------------------------------------------- helpers


_iso = pack_export.iso


def parse_date(value: str | None) -> date | None:
    """A pack's ISO date (None stays None); also read by check-in (services.checkout)."""
    return date.fromisoformat(value) if value else None


def parse_time(value: str | None) -> datetime | None:
    """A pack's ISO timestamp, "Z" for UTC accepted (None stays None)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


# The pack's values are checked in pack_checks; these names stay here for the callers.
schema = pack_checks.schema
check_schema = pack_checks.check_schema


# ---------------------------------------------------------------- export


def one_audit_json(audit: Audit, session: Session) -> dict[str, Any]:
    """One audit as pack JSON (import and check-out compare one audit at a time)."""
    return pack_export.audits_json(session, [audit])[0]


build_pack = pack_export.build_pack


def export_pack(
    db: Database,
    actor: Actor,
    *,
    programme_key: str | None = None,
    since: date | None = None,
    source: str = "",
    withheld: list[str] | None = None,
    progress: pack_export.Progress | None = None,
) -> dict[str, Any]:
    """The pack of all audits (or a programme's, or those changed since a date).

    Blind review holds in packs too: an audit the acting user is still auditing (not every
    review is in) is left out, since the pack would show them the other auditors' work; its
    case reference is added to `withheld` when a list is given. `progress(done, total)` is
    called as the audits are read (total: their number); returning False raises Cancelled and
    nothing is recorded."""
    from audit_tool.services.audits.reading import blind_for

    require(actor, "pack.exchange")
    with db.transaction() as session:
        stmt = (
            select(Audit)
            .join(Programme, Audit.programme_id == Programme.id)
            .where(scope.audit_in_scope(actor, Audit.id))
            .options(selectinload(Audit.reviews))
            .order_by(Audit.id)
        )
        if programme_key:
            stmt = stmt.where(Programme.key == programme_key)
        if since:
            stmt = stmt.where(
                Audit.updated_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
            )
        audits = []
        for audit in session.scalars(stmt):
            if blind_for(actor, audit):
                if withheld is not None:
                    withheld.append(audit.case.ref)
            else:
                audits.append(audit)
        if progress is not None and not progress(0, len(audits)):
            raise Cancelled("Export cancelled: nothing was written")
        audit_json = pack_export.audits_json(session, audits, progress)
        pack = build_pack(
            session,
            audits,
            audit_json,
            source or "Audit Tool",
            "Audit pack v1 carries templates on the Ofsted scale only; {names} use another "
            "scale: export those programmes another way",
        )
        changelog.record(
            session,
            actor,
            "export",
            "pack",
            None,
            after={"audits": {a["id"]: a["revision"] for a in audit_json}},
            summary=f"Audit pack exported with {len(audit_json)} audit(s)",
        )
        return pack


def write_pack(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    progress: pack_export.Progress | None = None,
    **kwargs: Any,
) -> int:
    """Export (export_pack) and write the pack to `out`, replacing it whole; a cancelled or
    failed export leaves `out` as it was. `progress(done, total)`: reading the audits is the
    first half, checking the pack against the schema and writing it the second."""

    def reading(done: int, total: int) -> bool:
        return progress is None or progress(done, 2 * total)

    pack = export_pack(db, actor, progress=reading, **kwargs)
    check_schema(pack)
    path = Path(out)
    from audit_tool import fileio

    fileio.write_atomic(path, json.dumps(pack, indent=1, ensure_ascii=False))
    if progress is not None:
        progress(2 * len(pack["audits"]), 2 * len(pack["audits"]))
    return len(pack["audits"])


def read_pack(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    untrusted.check_size(path, untrusted.PACK_LIMIT, "audit pack")
    name = pack_checks.clip(path.name, 80)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValidationError(f"{name}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name}: not a JSON audit pack (not UTF-8 text)") from exc
    pack = pack_checks.loads(text, name)
    check_schema(pack)
    return pack


# ---------------------------------------------------------------- import


def _last_exchange(session: Session, audit_uuid: str) -> int | None:
    """The revision this audit had when it last left or arrived in a pack here."""
    best = None
    for entry in session.scalars(
        select(ChangeLogEntry)
        .where(ChangeLogEntry.action.in_(("export", "import")))
        .order_by(ChangeLogEntry.id.desc())
    ):
        after = entry.after or {}
        if entry.entity == "audit" and entry.entity_uuid == audit_uuid:
            best = after.get("revision")
        elif entry.entity == "pack":
            best = (after.get("audits") or {}).get(audit_uuid)
        if best is not None:
            return int(best)
    return None


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("updated_at",)}


CLASH = (
    "Not imported: records of this pack were written here at the same moment by another "
    "import or change, or clash with records held here; nothing was changed. Import the "
    "pack again to see which"
)


def import_pack(
    db: Database,
    actor: Actor,
    pack: dict[str, Any],
    progress: pack_export.Progress | None = None,
) -> PackReport:
    """Import a pack, all or nothing, with the rights of `actor` (pack_rights).

    `progress(done, total)` is called as the audits are planned, then written (total: twice
    their number); returning False raises Cancelled before the commit, and nothing is written.

    Two imports of overlapping packs at once on a server: the second to commit finds rows the
    first just wrote, or an audit the first just changed, and is run once more from the start
    (it then sees them as held, or the audit as a conflict); a clash
    left after that is refused in one line, never half written."""
    require(actor, "pack.exchange")
    check_schema(pack)
    pack_checks.check_values(pack)
    for attempt in (1, 2):
        try:
            return _import(db, actor, pack, progress)
        except (IntegrityError, OperationalError, StaleDataError) as exc:
            if not _clash(exc):
                raise
            if attempt == 2:
                raise ValidationError(CLASH) from None
    raise AssertionError("unreachable")


def _clash(exc: Exception) -> bool:
    """A unique key taken meanwhile, an audit saved meanwhile (its revision guard), or a
    deadlock between two writers (PostgreSQL)."""
    if isinstance(exc, (IntegrityError, StaleDataError)):
        return True
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in ("40P01", "40001")


def _import(
    db: Database, actor: Actor, pack: dict[str, Any], progress: pack_export.Progress | None
) -> PackReport:
    report = PackReport()
    total = 2 * len(pack["audits"])

    def step(done: int) -> None:
        if progress is not None and not progress(done, total):
            raise Cancelled("Import cancelled: nothing was changed")

    with db.transaction() as session:
        step(0)
        keys = pack_reference.resolve(session, pack)
        pack_checks.check_ids(session, pack)
        pack_checks.check_cases(session, pack)
        pack_checks.check_case_fields(session, pack)
        held = _held(session, pack["audits"])
        plan = []
        for data in pack["audits"]:
            plan.append(_plan(session, data, *held.get(data["id"], (None, None))))
            step(len(plan))
        pack_rights.check(session, actor, pack, plan)
        report.reference_created = pack_reference.create(session, pack, keys)
        pack_checks.check_audits(session, pack)
        pack_checks.check_new_teams(
            session, pack, {i.data["id"] for i in plan if i.outcome == "created"}
        )
        for done, item in enumerate(plan, len(plan) + 1):
            _import_audit(session, actor, item, report)
            step(done)
        if report.created or report.updated or report.reference_created:
            changelog.record(
                session,
                actor,
                "import",
                "pack",
                None,
                after={
                    "created": len(report.created),
                    "updated": len(report.updated),
                    "conflicts": len(report.conflicts),
                },
                summary="Audit pack imported from "
                + pack_checks.clip(pack.get("source") or "another installation", 200),
            )
    return report


def _held(
    session: Session, audits: list[dict[str, Any]]
) -> dict[str, tuple[Audit, dict[str, Any]]]:
    """The pack's audits already held here, by id, each with its JSON (read in batches)."""
    found: list[Audit] = []
    for batch in pack_export.chunks(a["id"] for a in audits):
        found.extend(session.scalars(select(Audit).where(Audit.uuid.in_(batch))))
    found.sort(key=lambda a: a.id)
    return {
        a.uuid: (a, data)
        for a, data in zip(found, pack_export.audits_json(session, found), strict=True)
    }


def _plan(
    session: Session, data: dict[str, Any], audit: Audit | None, local: dict[str, Any] | None
) -> pack_rights.Planned:
    """What importing this audit would do: create, update, leave alone or report a conflict.
    `audit` is the copy held here (None if there is none) and `local` its JSON."""
    uuid = data["id"]
    if audit is None or local is None:
        return pack_rights.Planned(data, None, "created")
    if audit.revision == data["revision"] and all(
        local.get(k) == v for k, v in _comparable(data).items() if k in local
    ):
        return pack_rights.Planned(data, audit, "unchanged")
    label = f"{uuid} (case {data['case']})"
    base = _last_exchange(session, uuid)
    if data["revision"] <= audit.revision:
        return pack_rights.Planned(
            data,
            audit,
            "conflict",
            f"{label}: the copy here (revision {audit.revision}) is as new as the pack's "
            f"({data['revision']}) or newer; left as it is",
        )
    if base is not None and audit.revision != base:
        return pack_rights.Planned(
            data,
            audit,
            "conflict",
            f"{label}: changed here and in the pack since the last exchange; left as it is",
        )
    return pack_rights.Planned(data, audit, "updated", held=local)


def _import_audit(
    session: Session, actor: Actor, item: pack_rights.Planned, report: PackReport
) -> None:
    data, audit, uuid = item.data, item.audit, item.data["id"]
    if item.outcome == "unchanged":
        report.unchanged.append(uuid)
        return
    if item.outcome == "conflict":
        report.conflicts.append(item.note)
        return
    # The report's counts: this audit's taken away as they were, added back as imported.
    with aggregates.kept(session, [audit.id if audit is not None else None]) as ids:
        if audit is not None:
            before = {"revision": audit.revision, "status": audit.status}
            _fill_audit(session, audit, data)
            session.flush()
            session.execute(
                update(Audit).where(Audit.id == audit.id).values(revision=data["revision"])
            )
            session.expire(audit)
            report.updated.append(uuid)
            action_before: dict[str, Any] | None = before
        else:
            audit = Audit(uuid=uuid, status=data["status"], kind=data["kind"])
            _fill_audit(session, audit, data)
            session.add(audit)
            session.flush()
            session.execute(
                update(Audit).where(Audit.id == audit.id).values(revision=data["revision"])
            )
            ids.append(audit.id)
            session.expire(audit)
            report.created.append(uuid)
            action_before = None
    changelog.record(
        session,
        actor,
        "import",
        "audit",
        uuid,
        before=action_before,
        after={"revision": data["revision"], "status": data["status"]},
        summary=f"Audit of case {data['case']} imported from a pack",
    )


def _fill_audit(session: Session, audit: Audit, data: dict[str, Any]) -> None:
    moderation = data["moderation"]
    final = _fill_audit_fields(session, audit, data)
    # Children are replaced as a whole: the pack's copy is the newer one.
    audit.reviews = []
    if audit.id is not None:
        _delete_children(session, audit)
    for r in data["reviews"]:
        audit.reviews.append(_review(session, r))
    if moderation:
        audit.moderation = _moderation(session, moderation)
    if final:
        if moderation:
            audit.final_overall = moderation["overall"]
            audit.finalised_at = parse_time(moderation["completed_at"])
        elif data["reviews"]:
            audit.final_overall = data["reviews"][0]["overall"]
            audit.finalised_at = parse_time(data["reviews"][0]["submitted_at"])
    if audit.id is None:
        session.add(audit)
    session.flush()
    _add_learning_points(session, audit, data["learning_points"])
    _add_actions(session, audit, data["actions"])
    _add_feedback(session, audit, data["feedback"])
    _add_worker_feedback(session, audit, data["worker_feedback"])
    session.flush()


def _id_of(session: Session, model: Any, column: Any, key: Any) -> int:
    """The id of the one row of `model` whose `column` is `key` (the pack was checked), asked
    of the database once per import: a pack names the same people, cases and programmes over
    and over (an id never changes within the import's transaction)."""
    known: dict[tuple[str, str, Any], int] = session.info.setdefault("pack_import_ids", {})
    slot = (model.__name__, column.key, key)
    if slot not in known:
        value = session.scalar(select(model.id).where(column == key))
        assert value is not None
        known[slot] = int(value)
    return known[slot]


def _person_id(session: Session, key: str) -> int:
    return _id_of(session, Person, Person.key, key)


def _maybe_person_id(session: Session, key: str | None) -> int | None:
    return _person_id(session, key) if key else None


def _fill_audit_fields(session: Session, audit: Audit, data: dict[str, Any]) -> bool:
    """The audit's own columns from the pack; True if it is final."""
    audit.case_id = _id_of(session, Case, Case.ref, data["case"])
    audit.programme_id = _id_of(session, Programme, Programme.key, data["programme"])
    template_id = session.scalar(
        select(AuditTemplate.id).where(
            AuditTemplate.key == data["template"], AuditTemplate.version == data["template_version"]
        )
    )
    assert template_id is not None
    audit.template_id = template_id
    audit.kind, audit.status = data["kind"], data["status"]
    audit.due_on = parse_date(data.get("due_on"))
    audit.moderator_id = _person_id(session, data["moderator"]) if data.get("moderator") else None
    moderation = data["moderation"]
    if moderation and audit.moderator_id is None:
        audit.moderator_id = _person_id(session, moderation["moderator"])
    final = data["status"] == "final"
    audit.final_overall = None
    audit.finalised_at = None
    return final


def _delete_children(session: Session, audit: Audit) -> None:
    """Delete a stored audit's learning points, actions, feedback and moderation."""
    session.flush()
    for model in (LearningPoint, Action, Feedback):
        for row in session.scalars(select(model).where(model.audit_id == audit.id)):
            session.delete(row)
    existing_wf = session.get(WorkerFeedback, audit.id)
    if existing_wf is not None:
        session.delete(existing_wf)
    if audit.moderation is not None:
        session.delete(audit.moderation)
        audit.moderation = None
    session.flush()


def _review(session: Session, r: dict[str, Any]) -> Review:
    review = Review(
        uuid=r["id"],
        reviewer_id=_person_id(session, r["reviewer"]),
        agency_id=_id_of(session, Agency, Agency.key, r["agency"]),
        part=r["part"],
        status=r["status"],
        submitted_at=parse_time(r["submitted_at"]),
        overall=r["overall"],
        strengths=r["strengths"],
        worries=r["worries"],
        next_steps=r["next_steps"],
        return_comment=r.get("return_comment", ""),
    )
    comments = r.get("comments", {})
    review.answers = [
        ReviewAnswer(item_key=k, value=None if v is None else str(v), comment=comments.get(k, ""))
        for k, v in r["answers"].items()
    ]
    return review


def _moderation(session: Session, moderation: dict[str, Any]) -> Moderation:
    comments = moderation.get("comments", {})
    return Moderation(
        moderator_id=_person_id(session, moderation["moderator"]),
        completed_at=parse_time(moderation["completed_at"]),
        overall=moderation["overall"],
        rationale=moderation["rationale"],
        panel_summary=moderation.get("panel_summary", ""),
        answers=[
            ModerationAnswer(
                item_key=k, value=None if v is None else str(v), comment=comments.get(k, "")
            )
            for k, v in moderation["answers"].items()
        ],
    )


def _add_learning_points(session: Session, audit: Audit, points: list[dict[str, Any]]) -> None:
    for p in points:
        point = LearningPoint(
            uuid=p["id"],
            audit_id=audit.id,
            kind=p["kind"],
            text=p["text"],
            item_key=p["item"],
            in_briefing=p.get("in_briefing", True),
            author_id=_maybe_person_id(session, p.get("author")),
        )
        point.themes = [LearningTheme(theme=t) for t in clean_themes(p["themes"])]
        session.add(point)


def _add_actions(session: Session, audit: Audit, actions: list[dict[str, Any]]) -> None:
    for x in actions:
        session.add(
            Action(
                uuid=x["id"],
                audit_id=audit.id,
                text=x["text"],
                owner_id=_person_id(session, x["owner"]),
                due_on=parse_date(x["due_on"]),
                status=x["status"],
                completed_on=parse_date(x["completed_on"]),
                scope=x.get("scope", "case"),
                completed_by_id=_maybe_person_id(session, x.get("completed_by")),
                completion_note=x.get("completion_note", ""),
                author_id=_maybe_person_id(session, x.get("author")),
            )
        )


def _add_feedback(session: Session, audit: Audit, entries: list[dict[str, Any]]) -> None:
    for f in entries:
        feedback = Feedback(
            uuid=f["id"],
            audit_id=audit.id,
            case_id=audit.case_id,
            respondent=f["respondent"],
            channel=f["channel"],
            collected_on=parse_date(f["collected_on"]),
            consent=f["consent"],
            comment=f["comment"],
            shareable=f["shareable"],
            author_id=_maybe_person_id(session, f.get("author")),
        )
        feedback.answers = [
            FeedbackAnswer(question_key=k, answer=v) for k, v in f["answers"].items()
        ]
        session.add(feedback)


def _add_worker_feedback(session: Session, audit: Audit, wf: dict[str, Any]) -> None:
    if wf["given_to_worker"] or wf["given_to_manager"] or wf["given_on"] or wf.get("how"):
        session.add(
            WorkerFeedback(
                audit_id=audit.id,
                given_to_worker=wf["given_to_worker"],
                given_to_manager=wf["given_to_manager"],
                given_on=parse_date(wf["given_on"]),
                how=wf.get("how", ""),
            )
        )
