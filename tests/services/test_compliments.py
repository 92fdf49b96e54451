"""Compliments: from a role, never a name; shareable only once the names check finds nobody;
seen by the agency's people and leads; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.services import changelog
from audit_tool.services import complaints as C
from audit_tool.services.complaints import ComplimentInput

GOOD = ComplimentInput(
    received_on=date(2026, 5, 12),
    agency_key="csc",
    team_key="assess_north",
    from_role="parent",
    summary="The worker listened and explained the plan clearly",
    themes=("communication", "Voice of the child"),
    shareable=True,
)


def test_a_shareable_summary_must_name_nobody(world):
    db, lead = world.db, world.lead
    named = replace(GOOD, summary="Sam Worker was brilliant with C1000")
    assert C.shareable_problems(db, lead, named.summary) == [
        "case reference 'C1000'",
        "name 'Sam Worker'",
    ]
    with pytest.raises(ValidationError) as refused:
        C.record_compliment(db, lead, named)
    assert set(refused.value.fields) == {"shareable"}
    assert "(found: case reference 'C1000', name 'Sam Worker')" in refused.value.fields["shareable"]
    # Kept, but not shared, it may stay as written.
    private = C.record_compliment(db, lead, replace(named, shareable=False))
    assert not private.shareable
    shared = C.record_compliment(db, lead, GOOD)
    assert shared.shareable and shared.themes == ("communication", "voice of the child")
    assert shared.from_label == "Parent"
    listed = C.list_compliments(db, lead, C.ComplimentFilter(shareable_only=True))
    assert [c.uuid for c in listed] == [shared.uuid]
    with pytest.raises(ValidationError):
        C.update_compliment(db, lead, private.uuid, named)
    assert changelog.entries(db, lead, entity="compliment", limit=1)[0].action == "create"


def test_every_problem_at_once(world):
    bad = ComplimentInput(
        received_on=date(2099, 1, 1),
        agency_key="csc",
        team_key="ppu",
        from_role="Mrs Smith",
        summary=" ",
    )
    with pytest.raises(ValidationError) as refused:
        C.record_compliment(world.db, world.lead, bad)
    assert set(refused.value.fields) == {"received_on", "team", "from_role", "summary"}


def test_seen_and_recorded_within_the_agency(world):
    db, lead = world.db, world.lead
    row = C.record_compliment(db, lead, GOOD)
    police = C.record_compliment(db, lead, replace(GOOD, agency_key="police", team_key="ppu"))
    assert {c.uuid for c in C.list_compliments(db, world.auditor)} == {row.uuid}
    assert {c.uuid for c in C.list_compliments(db, lead)} == {row.uuid, police.uuid}
    with pytest.raises(PermissionDenied):
        C.list_compliments(db, world.viewer)
    with pytest.raises(PermissionDenied):
        C.record_compliment(db, world.auditor, GOOD)
    with pytest.raises(NotFound):
        C.update_compliment(db, world.moderator, police.uuid, GOOD)
    changed = C.update_compliment(
        db, world.moderator, row.uuid, replace(GOOD, themes=("plans",)), expected_revision=1
    )
    assert changed.themes == ("plans",) and changed.revision == 2
    C.delete_compliment(db, world.moderator, row.uuid)
    assert C.list_compliments(db, world.moderator) == []
