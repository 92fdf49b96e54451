"""A two-agency partnership for the role and scoping tests, built through the services.

Agency A (csc) and agency B (police), a team each. One person per role with that role only
(the actors the tests act as), more auditors and moderators, audits in every state in both
agencies, and one agency-B audit that agency A's auditor is assigned to."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit_tool.access.actors import Actor
from audit_tool.services import (
    accounts,
    audits,
    briefings,
    case_fields,
    cases,
    feedback,
    learning,
    learning_actions,
    monthly,
    packs,
    programmes,
    reference,
    report_editions,
    templates,
)
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from audit_tool.services.templates import ItemInput
from audit_tool.store import Database, open_database
from tests.conftest import IN_CI, PG_ADMIN_URL

ROLES = ("auditor", "moderator", "lead", "viewer")
TEMPLATE = "moderated_case_file"
PROGRAMME = "p1"
GOOD = "good"
EDITION_NOW = report_editions.key_for("quarter", date.today())
EDITION_BEFORE = report_editions.key_for("quarter", date.today() - timedelta(days=400))


@dataclass
class RoleWorld:
    actors: dict[str, Actor]  # role -> a person with that one role
    others: dict[str, Actor]  # person key -> actor, for the set-up steps
    audits: dict[str, str]  # name -> uuid
    reviews: dict[str, str] = field(default_factory=dict)  # "audit/person" -> review uuid
    records: dict[str, str] = field(default_factory=dict)  # name -> uuid of feedback, etc.
    pack: dict[str, Any] = field(default_factory=dict)  # every audit, as a lead exports them

    def __getitem__(self, role: str) -> Actor:
        return self.actors[role]


def conversation(comment: str = "The worker listened.") -> FeedbackInput:
    return FeedbackInput(
        respondent="parent",
        channel="phone",
        collected_on=date.today() - timedelta(days=10),
        consent=True,
        answers={"child_views": "yes"},
        comment=comment,
    )


def grades(db: Database, actor: Actor, value: str = GOOD) -> dict[str, Answer]:
    tpl = templates.get_template(db, actor, TEMPLATE)
    return {i.key: Answer(value) for i in tpl.graded_items}


def _grade_and_submit(db: Database, actor: Actor, audit_uuid: str, *, submit: bool = True) -> str:
    review = audits.get_audit(db, actor, audit_uuid).my_review
    assert review is not None
    audits.save_review(db, actor, review, answers=grades(db, actor), overall=GOOD)
    if submit:
        audits.submit_review(db, actor, review)
    return review


def build(db: Database) -> RoleWorld:
    system = Actor.system("test set-up")
    for key, name in (("csc", "Children's Social Care"), ("police", "Police"), ("spare", "Spare")):
        reference.save_agency(db, system, key=key, name=name)
    for key, name, agency in (
        ("team_a", "Assessment Team A", "csc"),
        ("team_b", "Public Protection B", "police"),
        ("team_spare", "Spare Team", "csc"),
    ):
        reference.save_team(db, system, key=key, name=name, agency_key=agency, service_area=name)
    people = [
        ("lead1", "Lee Lead", "csc", ["lead"]),
        ("aud_a1", "Ann Auditor", "csc", ["auditor"]),
        ("aud_a2", "Abe Auditor", "csc", ["auditor"]),
        ("aud_a3", "Ada Auditor", "csc", ["auditor"]),  # on no audit
        ("mod_a", "Max Moderator", "csc", ["moderator"]),
        ("aud_b1", "Bo Auditor", "police", ["auditor"]),
        ("aud_b2", "Bea Auditor", "police", ["auditor"]),
        ("mod_b", "Mia Moderator", "police", ["moderator"]),
        ("view1", "Val Viewer", "police", ["viewer"]),
        ("worker_a", "Wyn Worker", "csc", []),
        ("mgr_a", "Mo Manager", "csc", []),
        ("worker_b", "Wes Worker", "police", []),
        ("spare1", "Sol Spare", "csc", []),
    ]
    for key, name, agency, roles in people:
        reference.save_person(db, system, key=key, name=name, agency_key=agency, roles=roles)
    refs = {
        "CA1": "team_a",
        "CA2": "team_a",
        "CA3": "team_a",
        "CA4": "team_a",
        "CA5": "team_a",
        "CA6": "team_a",
        "CB1": "team_b",
        "CB2": "team_b",
        "CB3": "team_b",
    }
    for i, (ref, team) in enumerate(refs.items()):
        cases.create_case(
            db,
            system,
            cases.CaseInput(
                ref=ref,
                initials=["AB", "CD", "EF", "GH", "IJ", "KL", "MN", "OP", "QR"][i],
                case_type="cin",
                team=team,
                level_of_need=3,
                worker="worker_a" if team == "team_a" else "worker_b",
                manager="mgr_a" if team == "team_a" else None,
                opened_on="2024-01-15",
            ),
        )
    others = {key: reference.actor_for(db, key) for key, _n, _a, roles in people if roles}
    lead = others["lead1"]
    programmes.save_programme(
        db,
        lead,
        key=PROGRAMME,
        name="Role programme",
        kind="monthly",
        template_key=TEMPLATE,
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
    )

    def audit(ref: str, reviewers: list[str], moderator: str | None, kind: str = "looped") -> str:
        (row,) = programmes.add_audits(db, lead, PROGRAMME, [ref], kind=kind)
        if reviewers:
            programmes.assign(db, lead, row.audit_uuid, reviewers=reviewers, moderator=moderator)
        return row.audit_uuid

    a = {
        "review": audit("CA1", ["aud_a1", "aud_a2"], "mod_a"),
        "moderation": audit("CA2", ["aud_a1", "aud_a2"], "mod_a"),
        "final": audit("CA3", ["aud_a1", "aud_a2"], "mod_a"),
        "panel": audit("CA4", ["aud_a2", "aud_b1"], "mod_a", kind="multi_agency"),
        "draft": audit("CA6", [], None),
        "other_agency": audit("CB1", ["aud_b1", "aud_b2"], "mod_b"),
        "assigned_b": audit("CB2", ["aud_a1", "aud_b2"], "mod_b"),
        "final_b": audit("CB3", ["aud_b1", "aud_b2"], "mod_b"),
    }
    # The standing monthly plan on, so that its draw (services.monthly_draw) has work to do.
    monthly.save_plan(db, lead, active=True, template_key=TEMPLATE, today=date(2026, 1, 1))
    monthly.set_expectation(db, lead, role="auditor", audits=1, moderations=0)
    world = RoleWorld(
        actors={
            "auditor": others["aud_a1"],
            "moderator": others["mod_a"],
            "lead": lead,
            "viewer": others["view1"],
        },
        others=others,
        audits=a,
    )
    aud1, aud2, mod = others["aud_a1"], others["aud_a2"], others["mod_a"]
    # In review: Ann's review graded but not submitted.
    world.reviews["review/aud_a1"] = _grade_and_submit(db, aud1, a["review"], submit=False)
    # Ready to moderate, and final.
    for name in ("moderation", "final"):
        world.reviews[f"{name}/aud_a1"] = _grade_and_submit(db, aud1, a[name])
        world.reviews[f"{name}/aud_a2"] = _grade_and_submit(db, aud2, a[name])
    audits.confirm(db, mod, a["final"], answers=grades(db, mod), overall=GOOD)
    _grade_and_submit(db, aud2, a["panel"])
    _grade_and_submit(db, others["aud_b1"], a["panel"])
    # Agency B: one final audit; Ann's assignment there has every review in (not blind).
    _grade_and_submit(db, others["aud_b1"], a["final_b"])
    _grade_and_submit(db, others["aud_b2"], a["final_b"])
    mod_b = others["mod_b"]
    audits.confirm(db, mod_b, a["final_b"], answers=grades(db, mod_b), overall=GOOD)
    world.reviews["assigned_b/aud_a1"] = _grade_and_submit(db, aud1, a["assigned_b"])
    _grade_and_submit(db, others["aud_b2"], a["assigned_b"])
    # What an audit holds, recorded by Ann in the audit under review.
    due = date.today() + timedelta(days=30)
    rec = world.records
    rec["feedback"] = feedback.add_feedback(db, aud1, conversation(), audit_uuid=a["review"]).uuid
    rec["feedback_b"] = feedback.add_feedback(
        db, others["aud_b1"], conversation(), audit_uuid=a["other_agency"]
    ).uuid
    rec["feedback_assigned_b"] = feedback.add_feedback(
        db, others["aud_b2"], conversation(), audit_uuid=a["assigned_b"]
    ).uuid
    rec["learning"] = learning.add_learning_point(
        db, aud1, a["review"], kind="strength", text="Clear plan", themes=["plans"]
    ).uuid
    rec["learning_b"] = learning.add_learning_point(
        db, others["aud_b1"], a["other_agency"], kind="strength", text="Good visits"
    ).uuid
    rec["learning_assigned_b"] = learning.add_learning_point(
        db, others["aud_b2"], a["assigned_b"], kind="development", text="Chronology gaps"
    ).uuid
    rec["action"] = learning_actions.add_action(
        db, aud1, a["review"], text="Update the plan", owner_key="aud_a1", due_on=due
    ).uuid
    rec["action_b"] = learning_actions.add_action(
        db, others["aud_b1"], a["other_agency"], text="Visit again", owner_key="aud_b1", due_on=due
    ).uuid
    rec["action_assigned_b"] = learning_actions.add_action(
        db, others["aud_b2"], a["assigned_b"], text="Fix chronology", owner_key="aud_b2", due_on=due
    ).uuid
    rec["concern"] = audits.raise_concern(db, aud1, a["review"], what="A child may be unsafe").uuid
    # Briefings: one published, one draft (both from the programme's final audit).
    published = briefings.new_briefing(db, lead, programme_key=PROGRAMME, title="Published one")
    briefings.publish(db, lead, published.uuid)
    rec["briefing_published"] = published.uuid
    draft = briefings.new_briefing(db, lead, programme_key=PROGRAMME, title="Draft one")
    rec["briefing_draft"] = draft.uuid
    named = briefings.new_briefing(db, lead, programme_key=PROGRAMME, title="Names a worker")
    briefings.save_briefing(
        db,
        lead,
        named.uuid,
        title="Names a worker",
        audience="Team managers",
        sections={"why": "Wyn Worker will present this briefing."},
    )
    rec["briefing_named"] = named.uuid
    # Report editions: this quarter's commentary a draft, last year's published.
    rec["edition_draft"] = report_editions.save_commentary(
        db, lead, EDITION_NOW, {"summary": "A draft commentary"}
    ).uuid
    published_edition = report_editions.save_commentary(
        db, lead, EDITION_BEFORE, {"summary": "A published commentary"}
    )
    report_editions.publish_edition(db, lead, published_edition.uuid)
    rec["edition_published"] = published_edition.uuid
    # A template nobody uses (to retire) and an account (to deactivate or reset).
    templates.save_template(
        db,
        lead,
        key="spare_template",
        name="Spare template",
        kind="looped",
        items=[ItemInput("voice", "Voice of the child", "grade")],
    )
    accounts.create_account(db, lead, person_key="aud_b2", username="bea")
    # A case field (to delete) and the date of birth (for a cohort rule with an age).
    case_fields.save_case_field(db, lead, key="spare_field", label="Spare", kind="text")
    case_fields.save_case_field(db, lead, key="dob", label="Born", kind="date", birth_date=True)
    from tests.services import role_ops_complaints

    role_ops_complaints.build(lead, db, rec)
    world.pack = packs.export_pack(db, lead)
    return world


# ---------------------------------------------------------------- the world, once per backend


@dataclass
class Matrix:
    """The world built once; `db` (a copy) serves reads and refusals, `fresh()` a new copy."""

    world: RoleWorld
    db: Database
    clone: Callable[[], Database]
    drop: Callable[[Database], None]

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        database = self.clone()
        try:
            yield database
        finally:
            self.drop(database)


def _sqlite_matrix(folder: Path) -> Iterator[Matrix]:
    template = folder / "template.sqlite"
    database = open_database(template)
    world = build(database)
    database.close()

    def clone() -> Database:
        path = folder / f"{uuid.uuid4().hex[:10]}.sqlite"
        shutil.copyfile(template, path)
        return open_database(path)

    def drop(database: Database) -> None:
        database.close()

    shared = clone()
    yield Matrix(world, shared, clone, drop)
    shared.close()


def _pg_matrix(reason: str | None) -> Iterator[Matrix]:
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def create(template: str | None = None) -> str:
        name = f"audit_roles_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        names.append(name)
        return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_named(name: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    try:
        template_url = create()
        template_name = make_url(template_url).database
        assert template_name is not None
        database = open_database(template_url)
        world = build(database)
        database.close()  # a template database may have no connections

        def clone() -> Database:
            return open_database(create(template_name))

        def drop(database: Database) -> None:
            name = database.url.database
            database.close()
            if name:
                drop_named(name)

        shared = clone()
        yield Matrix(world, shared, clone, drop)
        shared.close()
    finally:
        for name in names:
            drop_named(name)
        admin.dispose()


BACKENDS = ["sqlite", "postgresql"]


def worlds(
    backend: str, tmp_path_factory: pytest.TempPathFactory, pg_available: str | None
) -> Iterator[Matrix]:
    """For a module-scoped fixture: the world on `backend`, built once. PostgreSQL is skipped
    with the reason where it does not answer, and fails the run in CI."""
    home = tmp_path_factory.mktemp("matrix-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_TOOL_HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / "config"))
        if backend == "sqlite":
            yield from _sqlite_matrix(tmp_path_factory.mktemp("matrix"))
        else:
            yield from _pg_matrix(pg_available)
