"""Case register service: validation, CRUD, search, sort, paging, change log."""

from __future__ import annotations

import pytest

from audit_tool.errors import ConflictError, PermissionDenied, ValidationError
from audit_tool.services import cases, changelog
from audit_tool.services.cases import CaseInput, CaseQuery


def _input(**kw):
    data = dict(ref="C2000", initials="GH", case_type="cin", team="assess_north", level_of_need=3)
    data.update(kw)
    return CaseInput(**data)


def test_create_case_writes_case_and_change_log(world):
    before = changelog.count(world.db)
    row = cases.create_case(world.db, world.lead, _input(worker="Sam Worker"))
    assert row.ref == "C2000" and row.worker_name == "Sam Worker"
    assert row.team_name == "Assessment Team North"
    log = changelog.entries(world.db, world.lead, entity="case", entity_uuid=row.uuid)
    assert changelog.count(world.db) == before + 1
    assert log[0].action == "create" and log[0].after["ref"] == "C2000"
    assert log[0].actor_name == "Priya Lead"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ref", "", "reference is required"),
        ("ref", "bad ref!", "not a case reference"),
        ("initials", "Jane Smith", "full name"),
        ("initials", "ABCDEFG", "1 to 4 letters"),
        ("case_type", "foster", "not a case type"),
        ("level_of_need", "7", "not a level of need"),
        ("team", "Nowhere Team", "No team called"),
        ("worker", "Nobody Here", "No person called"),
        ("opened_on", "31/31/2024", "not a date"),
        ("opened_on", "2999-05-01", "The date cannot be in the future"),
        ("closed_on", "2999-05-01", "The date cannot be in the future"),
    ],
)
def test_invalid_case_is_refused_with_a_message_per_field(world, field, value, message):
    with pytest.raises(ValidationError) as info:
        cases.create_case(world.db, world.lead, _input(**{field: value}))
    assert message in info.value.fields[field]
    assert cases.count_cases(world.db, world.lead, CaseQuery()) == 3


def test_duplicate_reference_refused(world):
    with pytest.raises(ValidationError) as info:
        cases.create_case(world.db, world.lead, _input(ref="C1000"))
    assert "already exists" in info.value.fields["ref"]


def test_only_a_lead_may_edit_cases(world):
    with pytest.raises(PermissionDenied, match="may not add, change or delete cases"):
        cases.create_case(world.db, world.auditor, _input())
    with pytest.raises(PermissionDenied):
        cases.count_cases(world.db, world.viewer, CaseQuery())


def test_update_records_before_and_after_and_detects_conflicts(world):
    row = cases.get_case(world.db, world.lead, "C1000")
    updated = cases.update_case(
        world.db,
        world.lead,
        "C1000",
        _input(ref="C1000", initials="ZZ"),
        expected_revision=row.revision,
    )
    assert updated.initials == "ZZ" and updated.revision == row.revision + 1
    log = changelog.entries(world.db, world.lead, entity="case", entity_uuid=row.uuid)
    assert log[0].action == "update"
    assert log[0].before["initials"] == "AB" and log[0].after["initials"] == "ZZ"
    with pytest.raises(ConflictError, match="changed by someone else"):
        cases.update_case(
            world.db,
            world.lead,
            "C1000",
            _input(ref="C1000", initials="YY"),
            expected_revision=row.revision,
        )


def test_delete_is_logged(world):
    row = cases.get_case(world.db, world.lead, "C1002")
    cases.delete_case(world.db, world.lead, "C1002")
    log = changelog.entries(world.db, world.lead, entity="case", entity_uuid=row.uuid)
    assert log[0].action == "delete" and log[0].before["ref"] == "C1002"
    assert cases.count_cases(world.db, world.lead, CaseQuery()) == 2


def test_search_filters_sort_and_paging(world):
    db, lead = world.db, world.lead
    assert [r.ref for r in cases.list_cases(db, lead, CaseQuery(search="c100"))] == [
        "C1000",
        "C1001",
        "C1002",
    ]
    assert [r.ref for r in cases.list_cases(db, lead, CaseQuery(search="through"))] == ["C1002"]
    assert [r.ref for r in cases.list_cases(db, lead, CaseQuery(search="jo wor"))] == ["C1002"]
    assert [r.ref for r in cases.list_cases(db, lead, CaseQuery(search="cd"))] == ["C1001"]
    assert cases.count_cases(db, lead, CaseQuery(case_type="cp")) == 1
    assert cases.count_cases(db, lead, CaseQuery(level_of_need=4)) == 2
    assert cases.count_cases(db, lead, CaseQuery(team_key="through_care")) == 1
    desc = cases.list_cases(db, lead, CaseQuery(sort="ref", descending=True))
    assert [r.ref for r in desc] == ["C1002", "C1001", "C1000"]
    page = cases.list_cases(db, lead, CaseQuery(), offset=1, limit=1)
    assert [r.ref for r in page] == ["C1001"]


def test_change_log_chain_verifies(world):
    ok, message = changelog.verify(world.db)
    assert ok, message


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["Z00", "north"])  # few matches / a team's name
def test_search_pages_join_up_in_order(world, search, descending):
    """Both query plans (sparse search, team-wide search) page through the same order."""
    db, lead = world.db, world.lead
    for i in range(23):
        cases.create_case(db, lead, _input(ref=f"Z{(i * 7) % 23:04d}", initials="KL"))
    query = CaseQuery(search=search, descending=descending)
    total = cases.count_cases(db, lead, query)
    pages = [cases.list_cases(db, lead, query, offset=o, limit=5) for o in range(0, total, 5)]
    refs = [r.ref for page in pages for r in page]
    assert len(refs) == total == (23 if search == "Z00" else 25)
    assert refs == sorted(refs, reverse=descending)
    assert all(len(page) == 5 for page in pages[:-1])
