"""Test data built through the services, so tests exercise the real rules."""

from __future__ import annotations

from dataclasses import dataclass

from audit_tool.access.actors import Actor
from audit_tool.services import cases, reference
from audit_tool.store import Database


@dataclass
class World:
    db: Database
    lead: Actor
    auditor: Actor
    auditor2: Actor
    moderator: Actor
    viewer: Actor


def build_world(db: Database, system: Actor) -> World:
    reference.save_agency(db, system, key="csc", name="Children's Social Care")
    reference.save_agency(db, system, key="police", name="Police")
    reference.save_team(
        db,
        system,
        key="assess_north",
        name="Assessment Team North",
        agency_key="csc",
        service_area="Assessment",
    )
    reference.save_team(
        db,
        system,
        key="through_care",
        name="Through Care Team",
        agency_key="csc",
        service_area="Through Care",
    )
    reference.save_team(
        db,
        system,
        key="ppu",
        name="Public Protection Unit",
        agency_key="police",
        service_area="Police",
    )
    people = [
        ("lead1", "Priya Lead", "csc", None, ["lead", "moderator", "auditor"]),
        ("aud1", "Alex Auditor", "csc", "assess_north", ["auditor"]),
        ("aud2", "Bea Auditor", "csc", "through_care", ["auditor"]),
        ("mod1", "Morgan Moderator", "csc", None, ["moderator", "auditor"]),
        ("view1", "Vic Viewer", "police", None, ["viewer"]),
        ("sw1", "Sam Worker", "csc", "assess_north", []),
        ("sw2", "Jo Worker", "csc", "through_care", []),
        ("tm1", "Terry Manager", "csc", "assess_north", ["auditor"]),
    ]
    for key, name, agency, team, roles in people:
        reference.save_person(
            db, system, key=key, name=name, agency_key=agency, team_key=team, roles=roles
        )
    for i, (team, ctype, level) in enumerate(
        [("assess_north", "cin", 3), ("assess_north", "cp", 4), ("through_care", "cla", 4)]
    ):
        cases.create_case(
            db,
            system,
            cases.CaseInput(
                ref=f"C{1000 + i}",
                initials=["AB", "CD", "EF"][i],
                case_type=ctype,
                team=team,
                level_of_need=level,
                worker="sw1" if i < 2 else "sw2",
                manager="tm1",
                opened_on="2024-01-15",
            ),
        )
    return world_of(db)


def world_of(db: Database) -> World:
    """The World of a database that holds build_world's data (a copy of a built one)."""
    return World(
        db=db,
        lead=reference.actor_for(db, "lead1"),
        auditor=reference.actor_for(db, "aud1"),
        auditor2=reference.actor_for(db, "aud2"),
        moderator=reference.actor_for(db, "mod1"),
        viewer=reference.actor_for(db, "view1"),
    )


def looped_audit(
    world: World,
    *,
    ref: str = "C1000",
    kind: str = "looped",
    reviewers: list[str] | dict[str, str] | None = None,
    moderator: str | None = "mod1",
    programme: str = "p-test",
) -> str:
    """A programme (made once) with an audit of `ref`, auditors assigned; returns its uuid."""
    from datetime import date

    from audit_tool.services import programmes

    db, lead = world.db, world.lead
    if programme not in {p.key for p in programmes.list_programmes(db, lead)}:
        programmes.save_programme(
            db,
            lead,
            key=programme,
            name="Test programme",
            kind="monthly",
            template_key="moderated_case_file",
            starts_on=date(2026, 1, 1),
            due_on=date(2026, 1, 31),
        )
    (row,) = programmes.add_audits(db, lead, programme, [ref], kind=kind)
    programmes.assign(
        db,
        lead,
        row.audit_uuid,
        reviewers=reviewers if reviewers is not None else ["aud1", "aud2"],
        moderator=moderator,
    )
    return row.audit_uuid


def complete_review(world: World, actor: Actor, audit_uuid: str, *, overall: str = "good") -> None:
    """The acting auditor grades every practice area `overall` and submits their review."""
    from audit_tool.services import audits, templates
    from audit_tool.services.audits import Answer

    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    review = audits.get_audit(world.db, actor, audit_uuid).my_review
    assert review is not None
    audits.save_review(
        world.db,
        actor,
        review,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    audits.submit_review(world.db, actor, review)


def final_audit(world: World, *, ref: str = "C1000", overall: str = "good") -> str:
    """A looped audit of `ref` taken through both reviews and moderation to final."""
    from audit_tool.services import audits, templates
    from audit_tool.services.audits import Answer

    uuid = looped_audit(world, ref=ref)
    complete_review(world, world.auditor, uuid, overall=overall)
    complete_review(world, world.auditor2, uuid, overall=overall)
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    return uuid


def backdate(db: Database, uuid: str, when: object) -> None:
    """Make a final audit's completion time `when`, as if it had become final then. Only a
    test changes finalised_at afterwards: the report's kept counts (reporting/aggregates.py)
    move with it, as they would have been kept had it been final then."""
    from sqlalchemy import select, update

    from audit_tool.models import Audit
    from audit_tool.reporting import aggregates

    with db.transaction() as session:
        audit_id = session.scalar(select(Audit.id).where(Audit.uuid == uuid))
        with aggregates.kept(session, [audit_id]):
            session.execute(update(Audit).where(Audit.uuid == uuid).values(finalised_at=when))
