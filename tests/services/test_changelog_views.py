"""Who viewed which audit, and the change log's filters (person, record, action, dates, text)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit_tool.errors import NotFound, PermissionDenied
from audit_tool.services import audits, cases, changelog
from audit_tool.services.cases import CaseInput
from audit_tool.services.changelog import LogFilter
from tests.factories import final_audit, looped_audit


def _views(world) -> list[changelog.LogRow]:
    return changelog.entries(world.db, world.lead, flt=LogFilter(action="view"))


def test_opening_an_audit_for_reading_is_logged_once_per_opening(world):
    uuid = looped_audit(world)
    before = changelog.count(world.db)
    audits.get_audit(world.db, world.auditor, uuid)  # reloads and autosave reads: not logged
    assert changelog.count(world.db) == before

    view = audits.get_audit(world.db, world.auditor, uuid, log_view=True)
    assert view.uuid == uuid
    (entry,) = _views(world)
    assert (entry.actor_name, entry.entity, entry.entity_uuid) == ("Alex Auditor", "audit", uuid)
    assert entry.summary == "Viewed the audit of case C1000"
    assert entry.before is None and entry.after is None
    audits.get_audit(world.db, world.lead, uuid, log_view=True)
    assert [e.actor_name for e in _views(world)] == ["Priya Lead", "Alex Auditor"]
    assert changelog.verify(world.db)[0]


def test_a_refused_view_is_not_logged_as_a_view(world):
    uuid = looped_audit(world)
    before = changelog.count(world.db)
    with pytest.raises(PermissionDenied):
        audits.get_audit(world.db, world.viewer, uuid, log_view=True)
    with pytest.raises(NotFound):
        audits.get_audit(world.db, world.lead, "no-such-audit", log_view=True)
    assert changelog.count(world.db) == before


def test_filters_and_counts(world):
    db, lead = world.db, world.lead
    today = date.today()  # before the writes: a run across midnight keeps its day
    cases.create_case(db, lead, CaseInput(ref="F1", initials="AB", case_type="cin", team="ppu"))
    cases.update_case(
        db, lead, "F1", CaseInput(ref="F1", initials="AD", case_type="cin", team="ppu")
    )
    total = changelog.count(db)
    assert changelog.count_matching(db, lead) == total

    by_lead = changelog.entries(db, lead, flt=LogFilter(person="Priya Lead"))
    assert [e.action for e in by_lead] == ["update", "create"]
    assert changelog.entries(db, lead, flt=LogFilter(person=lead.person_id)) == by_lead
    assert changelog.count_matching(db, lead, LogFilter(entity="case")) == 5
    assert changelog.count_matching(db, lead, LogFilter(entity="case", action="update")) == 1
    assert changelog.count_matching(db, lead, LogFilter(text="f1")) == 2  # any case
    assert changelog.count_matching(db, lead, LogFilter(text="100%")) == 0  # not a wildcard
    assert changelog.count_matching(db, lead, LogFilter(date_from=today, date_to=today)) == total
    assert changelog.count_matching(db, lead, LogFilter(date_to=today - timedelta(days=1))) == 0
    assert changelog.count_matching(db, lead, LogFilter(date_from=today + timedelta(days=1))) == 0
    assert len(changelog.entries(db, lead, limit=3)) == 3
    choices = changelog.choices(db, lead)
    assert "case" in choices.entities and "Priya Lead" in choices.people
    with pytest.raises(PermissionDenied):
        changelog.count_matching(db, world.moderator, LogFilter())


def test_an_audits_history_holds_its_reviews_and_nothing_of_other_audits(world):
    uuid = final_audit(world, ref="C1000")
    other = final_audit(world, ref="C1001")
    audits.get_audit(world.db, world.moderator, uuid, log_view=True)
    history = changelog.audit_history(world.db, world.lead, uuid)
    assert {e.entity for e in history} == {"audit", "review"}
    assert [e.action for e in history].count("submit") == 2
    assert history[0].action == "view"
    other_uuids = changelog.audit_record_uuids(world.db, world.lead, other)
    assert not {e.entity_uuid for e in history} & set(other_uuids)
