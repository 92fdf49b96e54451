"""What an audit pack may change for the person importing it (shared/INTERFACES.md).

Import acts with the importer's rights, record by record, as if they made each change in the
application: a record the pack would create needs the permission that creates it there (a
template, an agency, team or person, a case, a programme, a feedback question, a case field,
an audit); a
new person's roles must be ones the importer may give (reference.grantable_roles); an audit
the pack would change must be in the importer's agency scope (access.scope) before and
after, and one they take part in (its auditor or moderator, or a QA lead); changing a final
audit needs the right to reopen it, and changing who audits or moderates needs the right to
assign. A record the pack leaves as it is (the same, or already held) needs no right. A pack
never creates an account: people arrive without a user name or password.

Anything refused refuses the whole pack, naming the first records at fault; an audit outside
the scope is refused in the same words whether or not it exists here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import OPERATION_LABELS, PERMISSIONS, ROLE_LABELS, Actor
from audit_tool.errors import PermissionDenied
from audit_tool.models import (
    Agency,
    Audit,
    AuditTemplate,
    Case,
    CaseField,
    FeedbackQuestion,
    Person,
    Team,
)
from audit_tool.models import Programme as ProgrammeModel
from audit_tool.services import pack_checks

OUTSIDE = "outside your agency scope"


@dataclass(frozen=True)
class Planned:
    """What the import would do with one audit of the pack."""

    data: dict[str, Any]
    audit: Audit | None  # the copy held here, if any
    outcome: str  # created, updated, unchanged or conflict
    note: str = ""  # why, for a conflict
    held: dict[str, Any] | None = None  # the copy held here as a pack holds it, if updated


def _differs(held: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    if held is None or new is None:
        return held is not new
    return any(held.get(k) != v for k, v in new.items() if k in held)


def _not_theirs(actor: Actor, audit: Audit, item: Planned) -> str | None:
    """What of an audit's update only someone else could make in the app (a QA lead may make
    it all): another auditor's review, learning, actions or feedback in another's name, the
    moderation unless they are its moderator (and then only in their own name), the case it
    is about, or making it final before every review is submitted."""
    if "lead" in actor.roles or item.held is None:
        return None
    data, held = item.data, item.held
    if data["case"] != held["case"]:
        return "only a QA lead may move an audit to another case"
    held_reviews = {r["id"]: r for r in held["reviews"]}
    for review in data["reviews"]:
        old = held_reviews.get(review["id"])
        if old is not None and old["reviewer"] != actor.key and _differs(old, review):
            return "it changes a review of another auditor: only its auditor may change it"
    if data["status"] == "final" != held["status"] and any(
        r["status"] != "submitted" for r in data["reviews"]
    ):
        return "it makes the audit final before every review is submitted"
    for section in ("learning_points", "actions", "feedback"):
        held_records = {r["id"]: r for r in held[section]}
        for record in data[section]:
            if not _differs(held_records.get(record["id"]), record):
                continue
            old = held_records.get(record["id"], {})
            names = {record.get(k) for k in ("author", "completed_by")}
            if names - {None, actor.key, old.get("author"), old.get("completed_by")}:
                return f"it writes {section.replace('_', ' ')} in someone else's name"
    moderator = audit.moderator.key if audit.moderator else None
    if _differs(held["moderation"], data["moderation"]):
        named = (data["moderation"] or {}).get("moderator")
        if moderator != actor.key or named not in (None, actor.key):
            return "only the audit's moderator may change its moderation, in their own name"
    return None


def _refusal(actor: Actor, operation: str) -> str | None:
    if actor.can(operation):
        return None
    allowed = " or ".join(ROLE_LABELS[r] for r in sorted(PERMISSIONS[operation]))
    return (
        f"you ({actor.role_text}) may not {OPERATION_LABELS[operation]}; "
        f"that needs the role {allowed}"
    )


class _Faults:
    def __init__(self, pack: dict[str, Any]) -> None:
        self.pack = pack
        self.found: list[tuple[tuple[Any, ...], str]] = []

    def add(self, path: tuple[Any, ...], why: str | None) -> None:
        if why:
            self.found.append((path, why))

    def raise_first(self) -> None:
        if not self.found:
            return
        why = self.found[0][1]
        same = [p for p, w in self.found if w == why]
        named = ", ".join(pack_checks.where(self.pack, p) for p in same[:3])
        others = len(self.found) - min(len(same), 3)
        more = f" (and {others} more record(s) at fault)" if others else ""
        raise PermissionDenied(
            pack_checks.one_line(f"Not imported: {named}: {why}{more}; nothing was changed", 500)
        )


def _agency_of_teams(session: Session, pack: dict[str, Any]) -> dict[str, int | None]:
    """Team key -> agency id here (None for an agency the pack would create)."""
    agency_id = dict(session.execute(select(Agency.key, Agency.id)).all())
    teams: dict[str, int | None] = {t["key"]: agency_id.get(t["agency"]) for t in pack["teams"]}
    teams.update(session.execute(select(Team.key, Team.agency_id)).all())
    return teams


def _reference(
    session: Session, actor: Actor, pack: dict[str, Any], faults: _Faults, teams: dict[str, Any]
) -> None:
    from audit_tool.services.reference import grantable_roles

    mine = None if scope.sees_all(actor) else actor.agency_id

    def held(model: Any, column: Any, values: list[Any]) -> set[Any]:
        return {row[0] for row in pack_checks.in_chunks(session, (column,), column, values)}

    templates = set(session.execute(select(AuditTemplate.key, AuditTemplate.version)))
    for i, t in enumerate(pack["templates"]):
        if (t["key"], t["version"]) not in templates:
            faults.add(("templates", i), _refusal(actor, "template.edit"))
    agencies = held(Agency, Agency.key, [a["key"] for a in pack["agencies"]])
    for i, a in enumerate(pack["agencies"]):
        if a["key"] not in agencies:
            faults.add(("agencies", i), _refusal(actor, "reference.edit"))
    known = held(Team, Team.key, [t["key"] for t in pack["teams"]])
    for i, t in enumerate(pack["teams"]):
        if t["key"] not in known:
            faults.add(("teams", i), _refusal(actor, "reference.edit"))
            if mine is not None and teams.get(t["key"]) != mine:
                faults.add(("teams", i), OUTSIDE)
    agency_id = dict(session.execute(select(Agency.key, Agency.id)).all())
    known = held(Person, Person.key, [p["key"] for p in pack["people"]])
    may_give = grantable_roles(actor)
    for i, p in enumerate(pack["people"]):
        if p["key"] in known:
            continue
        faults.add(("people", i), _refusal(actor, "reference.edit"))
        refused = sorted(set(p["roles"]) - may_give)
        if refused:
            labels = ", ".join(ROLE_LABELS[r] for r in refused)
            faults.add(
                ("people", i, "roles"), f"a new person with a role you may not give ({labels})"
            )
        if mine is not None and agency_id.get(p["agency"]) != mine:
            faults.add(("people", i), OUTSIDE)
    known = held(Case, Case.ref, [c["ref"] for c in pack["cases"]])
    for i, c in enumerate(pack["cases"]):
        if c["ref"] not in known:
            faults.add(("cases", i), _refusal(actor, "case.edit"))
            if mine is not None and teams.get(c["team"]) != mine:
                faults.add(("cases", i), OUTSIDE)
    known = held(ProgrammeModel, ProgrammeModel.key, [p["key"] for p in pack["programmes"]])
    for i, p in enumerate(pack["programmes"]):
        if p["key"] not in known:
            faults.add(("programmes", i), _refusal(actor, "programme.edit"))
    questions = pack.get("feedback_questions", [])
    known = held(FeedbackQuestion, FeedbackQuestion.key, [q["key"] for q in questions])
    for i, q in enumerate(questions):
        if q["key"] not in known:
            faults.add(("feedback_questions", i), _refusal(actor, "feedback.questions"))
    fields = pack.get("case_fields", [])
    known = held(CaseField, CaseField.key, [f["key"] for f in fields])
    for i, f in enumerate(fields):
        if f["key"] not in known:
            faults.add(("case_fields", i), _refusal(actor, "reference.edit"))


def _people_in(data: dict[str, Any]) -> set[str]:
    """The keys of an audit's auditors and moderator, in the pack's copy."""
    found = {r["reviewer"] for r in data["reviews"]} | {data.get("moderator")}
    if data["moderation"]:
        found.add(data["moderation"]["moderator"])
    return {k for k in found if k}


def _team_of(audit: Audit) -> tuple[list[tuple[str, str | None]], str | None]:
    return sorted((r.reviewer.key, r.part or "") for r in audit.reviews), (
        audit.moderator.key if audit.moderator else None
    )


def _audits(
    session: Session,
    actor: Actor,
    plan: list[Planned],
    faults: _Faults,
    case_team: dict[str, str],
    teams: dict[str, Any],
) -> None:
    lead = scope.sees_all(actor) and actor.can("audit.view")
    for i, item in enumerate(plan):
        if item.outcome == "unchanged":
            continue
        data, audit, at = item.data, item.audit, ("audits", i)
        in_pack_scope = lead or (
            actor.can("audit.view")
            and (
                actor.key in _people_in(data)
                or (
                    actor.agency_id is not None
                    and teams.get(case_team.get(data["case"], "")) == actor.agency_id
                )
            )
        )
        if audit is None:
            faults.add(at, _refusal(actor, "audit.assign"))
            if not in_pack_scope:
                faults.add(at, OUTSIDE)
            continue
        if not (in_pack_scope and scope.can_see_audit(actor, audit)):
            faults.add(at, OUTSIDE)
            continue
        takes_part = "lead" in actor.roles or actor.key in {
            *(r.reviewer.key for r in audit.reviews),
            audit.moderator.key if audit.moderator else None,
        }
        if not takes_part:
            faults.add(at, "you are not one of this audit's auditors or its moderator")
            continue
        if item.outcome != "updated":
            continue
        if audit.status == "final":
            faults.add(at, _refusal(actor, "audit.reopen"))
        faults.add(at, _not_theirs(actor, audit, item))
        pack_team = (
            sorted((r["reviewer"], r["part"] or "") for r in data["reviews"]),
            data.get("moderator") or (data["moderation"] or {}).get("moderator"),
        )
        if pack_team != _team_of(audit):
            faults.add(at, _refusal(actor, "audit.assign"))


def check(session: Session, actor: Actor, pack: dict[str, Any], plan: list[Planned]) -> None:
    """Refuse (PermissionDenied) the whole pack if any record is beyond the importer's rights."""
    faults = _Faults(pack)
    teams = _agency_of_teams(session, pack)
    _reference(session, actor, pack, faults, teams)
    # A case held here keeps its team (and agency) whatever the pack says of it.
    case_team: dict[str, str] = {}
    refs = sorted({a["case"] for a in pack["audits"]})
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        stmt = select(Case.ref, Team.key).join(Team, Case.team_id == Team.id)
        case_team.update(session.execute(stmt.where(Case.ref.in_(chunk))).all())
    for c in pack["cases"]:
        case_team.setdefault(c["ref"], c["team"])
    _audits(session, actor, plan, faults, case_team, teams)
    faults.raise_first()
