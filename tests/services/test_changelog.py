"""The change log: one entry per change through the services, in the same transaction, chained."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from audit_tool.errors import ValidationError
from audit_tool.services import cases, changelog, reference
from audit_tool.services.cases import CaseInput


def _last(world, entity):
    return changelog.entries(world.db, world.lead, entity=entity, limit=1)[0]


def test_every_create_update_and_delete_writes_one_entry(world):
    db, lead = world.db, world.lead
    steps = [
        ("agency", "create", lambda: reference.save_agency(db, lead, key="health", name="Health")),
        (
            "agency",
            "update",
            lambda: reference.save_agency(
                db, lead, key="health", name="Health Trust", original_key="health"
            ),
        ),
        (
            "team",
            "create",
            lambda: reference.save_team(
                db, lead, key="hv", name="Health Visiting", agency_key="health", service_area="0-5"
            ),
        ),
        (
            "team",
            "update",
            lambda: reference.save_team(
                db,
                lead,
                key="hv",
                name="Health Visiting",
                agency_key="health",
                service_area="Early years",
                original_key="hv",
            ),
        ),
        (
            "person",
            "create",
            lambda: reference.save_person(
                db, lead, key="nurse", name="Nia Nurse", agency_key="health", roles=["auditor"]
            ),
        ),
        (
            "person",
            "update",
            lambda: reference.save_person(
                db,
                lead,
                key="nurse",
                name="Nia Nurse",
                agency_key="health",
                roles=["auditor", "moderator"],
                original_key="nurse",
            ),
        ),
        (
            "case",
            "create",
            lambda: cases.create_case(
                db, lead, CaseInput(ref="L1", initials="AB", case_type="cin", team="hv")
            ),
        ),
        (
            "case",
            "update",
            lambda: cases.update_case(
                db, lead, "L1", CaseInput(ref="L1", initials="AC", case_type="cin", team="hv")
            ),
        ),
        ("case", "delete", lambda: cases.delete_case(db, lead, "L1")),
        ("person", "delete", lambda: reference.delete_person(db, lead, "nurse")),
        ("team", "delete", lambda: reference.delete_team(db, lead, "hv")),
        ("agency", "delete", lambda: reference.delete_agency(db, lead, "health")),
    ]
    for entity, action, step in steps:
        before = changelog.count(db)
        step()
        assert changelog.count(db) == before + 1, (entity, action)
        entry = _last(world, entity)
        assert (entry.action, entry.actor_name) == (action, "Priya Lead")
        if action == "create":
            assert entry.before is None and entry.after
        elif action == "update":
            assert entry.before and entry.after and set(entry.before) == set(entry.after)
        else:
            assert entry.before and entry.after is None
    assert _last(world, "team").before["service_area"] == "Early years"
    assert changelog.verify(db)[0]


def test_no_real_change_and_refused_changes_write_nothing(world):
    db, lead = world.db, world.lead
    before = changelog.count(db)
    row = cases.get_case(db, lead, "C1000")
    same = CaseInput(
        ref=row.ref,
        initials=row.initials,
        case_type=row.case_type,
        team=row.team_key,
        level_of_need=row.level_of_need,
        worker=row.worker_key,
        manager=row.manager_key,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
    )
    cases.update_case(db, lead, "C1000", same)
    with pytest.raises(ValidationError):
        cases.create_case(db, lead, CaseInput(ref="C9", initials="", case_type="cin", team="x"))
    with pytest.raises(ValidationError):
        reference.delete_team(db, lead, "assess_north")  # it has cases
    assert changelog.count(db) == before


def _tamper(db, sql):
    with db.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE change_log SET summary = 'nothing to see' WHERE id = 3",
        "UPDATE change_log SET actor_name = 'Someone Else' WHERE id = 2",
        "DELETE FROM change_log WHERE id = 2",
    ],
)
def test_verify_detects_tampering_and_names_the_entry(world, sql):
    assert changelog.verify(world.db) == (
        True,
        f"{changelog.count(world.db)} change log entries verified",
    )
    _tamper(world.db, sql)
    ok, message = changelog.verify(world.db)
    assert not ok
    assert message.startswith("change log entry ") and "does not match the chain" in message


def test_concurrent_writers_keep_one_valid_chain(world):
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(15):
                cases.create_case(
                    world.db,
                    world.lead,
                    CaseInput(ref=f"{prefix}{i}", initials="XY", case_type="cin", team="ppu"),
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("T", "U")]
    before = changelog.count(world.db)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert changelog.count(world.db) == before + 30
    assert changelog.verify(world.db)[0]
