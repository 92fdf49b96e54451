"""Reference data services: agencies, teams with service areas, people with roles."""

from __future__ import annotations

import pytest

from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.services import reference


def test_team_with_service_area_and_lists(world):
    db, lead = world.db, world.lead
    reference.save_team(
        db,
        lead,
        key="fs_south",
        name="Family Safeguarding South",
        agency_key="csc",
        service_area="Family Safeguarding",
    )
    teams = {t.key: t for t in reference.list_teams(db, lead)}
    assert teams["fs_south"].service_area == "Family Safeguarding"
    assert teams["assess_north"].cases == 2
    assert "Family Safeguarding" in reference.service_areas(db)
    police = reference.list_teams(db, lead, agency_key="police")
    assert [t.key for t in police] == ["ppu"]
    uncounted = reference.list_teams(db, lead, with_case_counts=False)
    assert {t.cases for t in uncounted} == {0}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"key": "x1", "name": " "}, "name", "A name is required"),
        ({"key": "Bad Key!", "name": "Team"}, "key", "lower-case letters"),
        ({"key": "ppu", "name": "Team"}, "key", "already used by Public Protection Unit"),
        ({"key": "t2", "name": "Team", "agency_key": "nope"}, "agency", "agency"),
    ],
)
def test_team_validation(world, kwargs, field, message):
    args = {"agency_key": "csc", **kwargs}
    with pytest.raises(ValidationError) as info:
        reference.save_team(world.db, world.lead, **args)
    assert message in info.value.fields[field]


def test_person_roles_and_validation(world):
    db, lead = world.db, world.lead
    row = reference.save_person(
        db,
        lead,
        key="gm1",
        name="Gill Manager",
        agency_key="csc",
        team_key="assess_north",
        job_title="Group manager",
        roles=["moderator", "auditor"],
    )
    assert set(row.roles) == {"auditor", "moderator"} and row.team_name == "Assessment Team North"
    actor = reference.actor_for(db, "gm1")
    assert actor.roles == frozenset({"auditor", "moderator"}) and actor.name == "Gill Manager"
    with pytest.raises(ValidationError) as info:
        reference.save_person(db, lead, key="p9", name="P", agency_key="csc", roles=["admin"])
    assert "admin" in info.value.fields["roles"]
    with pytest.raises(ValidationError) as info:
        reference.save_person(
            db, lead, key="p9", name="P", agency_key="police", team_key="assess_north"
        )
    assert "another agency" in info.value.fields["team"]
    moderators = {p.key for p in reference.list_people(db, lead, role="moderator")}
    assert moderators == {"gm1", "mod1", "lead1"}


def test_deletes_refused_while_in_use(world):
    db, lead = world.db, world.lead
    with pytest.raises(ValidationError, match="case"):
        reference.delete_team(db, lead, "assess_north")
    with pytest.raises(ValidationError, match="inactive instead"):
        reference.delete_person(db, lead, "sw1")  # a case worker
    with pytest.raises(ValidationError, match="team"):
        reference.delete_agency(db, lead, "csc")
    with pytest.raises(NotFound):
        reference.delete_team(db, lead, "nope")


def test_practitioners_and_inactive_people_cannot_act(world):
    with pytest.raises(ValidationError, match="no role"):
        reference.actor_for(world.db, "sw1")
    reference.save_person(
        world.db,
        world.lead,
        key="aud1",
        name="Alex Auditor",
        agency_key="csc",
        team_key="assess_north",
        roles=["auditor"],
        active=False,
        original_key="aud1",
    )
    with pytest.raises(ValidationError, match="inactive"):
        reference.actor_for(world.db, "aud1")


def test_only_leads_change_reference_data(world):
    for actor in (world.auditor, world.viewer):
        with pytest.raises(PermissionDenied, match="QA lead"):
            reference.save_agency(world.db, actor, key="x", name="X")
        with pytest.raises(PermissionDenied):
            reference.delete_team(world.db, actor, "ppu")
    assert reference.list_agencies(world.db, world.viewer)  # everyone may read
