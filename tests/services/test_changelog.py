"""The change log: one entry per change through the services, in the same transaction, chained."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from audit_tool.errors import ValidationError
from audit_tool.models import ChangeLogEntry
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


def _tamper(db, sql, **params):
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def _chain_ok(db) -> None:
    assert changelog.verify(db) == (True, f"{changelog.count(db)} change log entries verified")


# (SQL run on entry 3, or on entry 2 where the next entry is the one that no longer fits)
TAMPERING = {
    "summary": ("UPDATE change_log SET summary = 'nothing to see' WHERE id = 3", 3),
    "before": ("""UPDATE change_log SET before = '{"name": "Other"}' WHERE id = 3""", 3),
    "after": ("""UPDATE change_log SET after = '{"name": "Other"}' WHERE id = 3""", 3),
    "reason": ("UPDATE change_log SET reason = 'because' WHERE id = 3", 3),
    "actor": ("UPDATE change_log SET actor_name = 'Someone Else' WHERE id = 3", 3),
    "actor id": ("UPDATE change_log SET actor_id = (SELECT min(id) FROM people) WHERE id = 3", 3),
    "time": ("UPDATE change_log SET at = :at WHERE id = 3", 3),
    "action": ("UPDATE change_log SET action = 'view' WHERE id = 3", 3),
    "record": ("UPDATE change_log SET entity_uuid = NULL WHERE id = 3", 3),
    "nonce": ("UPDATE change_log SET nonce = :nonce WHERE id = 3", 3),
    "digest": ("UPDATE change_log SET digest = :digest WHERE id = 3", 3),
    "deleted row": ("DELETE FROM change_log WHERE id = 2", 3),
    "redacted by hand": ("UPDATE change_log SET redacted_at = :at WHERE id = 3", 3),
    "placeholder by hand": (
        "UPDATE change_log SET redacted_at = :at, summary = '[removed by retention run 99]', "
        "before = NULL, after = NULL, reason = '', nonce = NULL WHERE id = 3",
        3,
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_verify_detects_tampering_and_names_the_entry(world, what):
    """Editing any part of a row in SQL, deleting one, or marking one as removed by retention
    when no retention run did so, fails the check and names the entry."""
    _chain_ok(world.db)
    sql, target = TAMPERING[what]
    _tamper(
        world.db,
        sql,
        at=datetime(2020, 1, 1, 12, 0, tzinfo=UTC),
        nonce="0" * 32,
        digest="0" * 64,
    )
    result = changelog.check_chain(world.db)
    assert not result.ok and result.broken_id == target
    assert result.message.startswith(f"change log entry {target} (")
    assert "does not match the chain" in result.message
    if what.endswith("by hand"):
        assert "no retention run lists it" in result.message
    assert changelog.verify(world.db) == (False, result.message)


def _redacted_pair(db, lead):
    """Two entries with text, then a retention-run entry that redacts the first of them."""
    with db.transaction() as session:
        gone = changelog.record(
            session, lead, "note", "case", None, summary="Case Z77 discussed", after={"x": "words"}
        )
        kept = changelog.record(session, lead, "note", "case", None, summary="Kept words")
        run = changelog.record(
            session,
            lead,
            changelog.RETENTION_ACTION,
            changelog.RETENTION_ACTION,
            None,
            after={changelog.REDACTED_KEY: changelog.id_ranges([gone.id])},
            summary="Retention run",
        )
        assert changelog.redact(session, run, [gone.id], datetime.now(UTC)) == 1
        return gone.id, kept.id, run.id


def test_redacting_entries_keeps_the_chain_and_leaves_only_the_placeholder(world):
    db, lead = world.db, world.lead
    gone, kept, run = _redacted_pair(db, lead)
    _chain_ok(db)
    with db.session() as session:
        entry = session.get(ChangeLogEntry, gone)
        assert entry is not None and entry.redacted_at is not None
        assert (entry.summary, entry.before, entry.after, entry.reason, entry.nonce) == (
            f"[removed by retention run {run}]",
            None,
            None,
            "",
            None,
        )
        assert entry.digest is not None  # the chain still links through it
        other = session.get(ChangeLogEntry, kept)
        assert other is not None and other.summary == "Kept words" and other.redacted_at is None
    assert changelog.id_ranges([9, 1, 2, 3, 7, 8, 3]) == [[1, 3], [7, 9]]


@pytest.mark.parametrize(
    "sql, named",
    [
        # Text written back into a redacted entry (content can only be destroyed, not forged).
        ("UPDATE change_log SET summary = 'Case Z77 discussed again' WHERE id = :gone", "gone"),
        ("""UPDATE change_log SET after = '{"x": "forged"}' WHERE id = :gone""", "gone"),
        # A redacted entry's mark removed: its content no longer matches its digest.
        ("UPDATE change_log SET redacted_at = NULL WHERE id = :gone", "gone"),
        # The run's list edited to drop the entry: the entry is no longer accounted for.
        ("UPDATE change_log SET after = '{}' WHERE id = :run", "gone"),
        # Another entry redacted by hand with the run's placeholder, but not in its list.
        (
            "UPDATE change_log SET redacted_at = :at, summary = :placeholder, before = NULL, "
            "after = NULL, reason = '', nonce = NULL WHERE id = :kept",
            "kept",
        ),
    ],
)
def test_tampering_with_a_redaction_is_detected(world, sql, named):
    gone, kept, run = _redacted_pair(world.db, world.lead)
    _chain_ok(world.db)
    _tamper(
        world.db,
        sql,
        gone=gone,
        kept=kept,
        run=run,
        at=datetime.now(UTC),
        placeholder=f"[removed by retention run {run}]",
    )
    result = changelog.check_chain(world.db)
    target = {"gone": gone, "kept": kept}[named]
    assert not result.ok and result.broken_id == target, result.message
    assert result.message.startswith(f"change log entry {target} (")


def test_a_run_can_only_redact_older_entries(world):
    with world.db.transaction() as session:
        run = changelog.record(session, world.lead, "retention", "retention", None)
        with pytest.raises(ValueError, match="older than its own"):
            changelog.redact(session, run, [run.id], datetime.now(UTC))


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
