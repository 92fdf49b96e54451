"""Programmes, sampling and the assignment rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.models import Review
from audit_tool.services import cases, changelog, programmes
from audit_tool.services.cases import CaseInput
from audit_tool.services.programmes import SampleFilters

JAN, FEB = date(2026, 1, 1), date(2026, 1, 31)


def _programme(world, key="p1", kind="monthly", **kw):
    args = dict(
        key=key,
        name=f"Programme {key}",
        kind=kind,
        template_key="moderated_case_file",
        starts_on=JAN,
        due_on=FEB,
    )
    args.update(kw)
    return programmes.save_programme(world.db, world.lead, **args)


def _more_cases(world, n=30):
    for i in range(n):
        cases.create_case(
            world.db,
            world.lead,
            CaseInput(
                ref=f"S{i:03d}",
                initials="GH",
                case_type="cp" if i % 3 == 0 else "cin",
                team="through_care" if i % 2 else "assess_north",
                level_of_need=4 if i % 2 else 3,
                opened_on=date(2025, 1 + i % 12, 1),
            ),
        )


def test_programme_create_update_and_validation(world):
    row = _programme(world, kind="thematic", theme="Domestic abuse")
    assert (row.template_key, row.template_version, row.audits) == ("moderated_case_file", 1, 0)
    changed = _programme(world, name="Renamed", kind="thematic", theme="DA", original_key="p1")
    assert changed.name == "Renamed"
    assert changelog.entries(world.db, world.lead, entity="programme")[0].action == "update"
    with pytest.raises(ValidationError) as info:
        _programme(world, key="Bad Key", kind="thematic", due_on=date(2025, 12, 1), sample_size=0)
    assert set(info.value.fields) >= {"key", "theme", "due_on", "sample_size"}
    with pytest.raises(ValidationError) as info:
        _programme(world, key="p2", template_key="nope")
    assert "template" in info.value.fields
    with pytest.raises(ValidationError) as info:  # a date left blank, or unreadable in the form
        _programme(world, key="p3", name="", starts_on=None, due_on=None)
    assert info.value.fields == {
        "name": "A name is required",
        "starts_on": "A start date is required",
        "due_on": "A due date is required",
    }
    with pytest.raises(PermissionDenied):
        programmes.save_programme(
            world.db,
            world.auditor,
            key="x",
            name="X",
            kind="monthly",
            template_key="moderated_case_file",
            starts_on=JAN,
            due_on=FEB,
        )


def test_sample_is_reproducible_from_its_seed_and_filters(world):
    _more_cases(world)
    _programme(world)
    filters = SampleFilters(team_keys=("through_care",), levels=(4,))
    candidates = programmes.candidate_cases(world.db, world.lead, filters, programme_key="p1")
    assert len(candidates) == 16 and all(r.startswith(("S", "C1002")) for r in candidates)
    first = programmes.draw_sample(world.db, world.lead, "p1", filters, 5, seed=42)
    again = programmes.draw_sample(world.db, world.lead, "p1", filters, 5, seed=42)
    assert first == again and len(first) == 5 and set(first) <= set(candidates)
    row = programmes.get_programme(world.db, world.lead, "p1")
    assert (row.sample_seed, row.sample_size, row.sample_filters) == (42, 5, filters)
    unseeded = programmes.draw_sample(world.db, world.lead, "p1", filters, 5)
    assert programmes.get_programme(world.db, world.lead, "p1").sample_seed is not None
    assert len(unseeded) == 5
    # Cases already in the programme are no longer candidates.
    programmes.add_audits(world.db, world.lead, "p1", first)
    left = programmes.candidate_cases(world.db, world.lead, filters, programme_key="p1")
    assert not set(first) & set(left) and len(left) == 11


def test_add_audits_is_all_or_nothing(world):
    _programme(world)
    with pytest.raises(ValidationError, match="NOPE"):
        programmes.add_audits(world.db, world.lead, "p1", ["C1000", "NOPE"])
    assert programmes.list_assignments(world.db, world.lead, "p1") == []
    rows = programmes.add_audits(world.db, world.lead, "p1", ["C1000", "C1001"])
    assert [(r.case_ref, r.status, r.kind) for r in rows] == [
        ("C1000", "draft", "looped"),
        ("C1001", "draft", "looped"),
    ]
    with pytest.raises(ValidationError, match="Already in"):
        programmes.add_audits(world.db, world.lead, "p1", ["C1001"])


def _audit(world, ref="C1000", kind=None):
    _programme(world)
    (row,) = programmes.add_audits(world.db, world.lead, "p1", [ref], kind=kind)
    return row.audit_uuid


@pytest.mark.parametrize(
    ("reviewers", "moderator", "field", "message"),
    [
        (["aud1", "aud1"], "mod1", "reviewers", "two different auditors"),
        (["aud1"], "mod1", "reviewers", "two different auditors"),
        (["aud1", "tm1"], "mod1", "reviewers", "case's worker or manager"),  # tm1 manages C1000
        (["aud1", "sw1"], "mod1", "reviewers", "auditor role"),  # sw1 is a practitioner
        (["aud1", "aud2"], "aud1", "moderator", "moderator role"),
        (["aud1", "mod1"], "mod1", "moderator", "cannot also be one of the auditors"),
        (["aud1", "aud2"], None, "moderator", "Choose the moderator"),
        (["aud1", "nobody"], "mod1", "reviewers", "No person"),
    ],
)
def test_assignment_conflict_rules(world, reviewers, moderator, field, message):
    uuid = _audit(world)
    with pytest.raises(ValidationError) as info:
        programmes.assign(world.db, world.lead, uuid, reviewers=reviewers, moderator=moderator)
    assert message in info.value.fields[field]


def test_assign_then_reassign_until_a_review_is_submitted(world):
    uuid = _audit(world)
    row = programmes.assign(
        world.db, world.lead, uuid, reviewers=["aud1", "aud2"], moderator="mod1"
    )
    assert (row.status, row.reviewers, row.moderator_key) == (
        "in_review",
        (("aud1", None), ("aud2", None)),
        "mod1",
    )
    row = programmes.assign(
        world.db, world.lead, uuid, reviewers=["aud1", "lead1"], moderator="mod1"
    )
    assert [k for k, _ in row.reviewers] == ["aud1", "lead1"]
    entry = changelog.entries(world.db, world.lead, entity_uuid=uuid)[0]
    assert entry.action == "assign" and entry.before["reviewers"][1][0] == "aud2"
    with world.db.transaction() as session:
        review = session.scalars(select(Review).order_by(Review.id)).first()
        review.status = "submitted"
    with pytest.raises(ValidationError, match="already under way"):
        programmes.assign(world.db, world.lead, uuid, reviewers=["aud1", "aud2"], moderator="mod1")
    with pytest.raises(PermissionDenied):
        programmes.assign(world.db, world.auditor, uuid, reviewers=["aud1"], moderator=None)


def test_single_send_and_multi_agency_rules(world):
    single = _audit(world, kind="single")
    with pytest.raises(ValidationError, match="not moderated"):
        programmes.assign(world.db, world.lead, single, reviewers=["aud1"], moderator="mod1")
    assert programmes.assign(world.db, world.lead, single, reviewers=["aud1"]).status == "in_review"
    (send,) = programmes.add_audits(world.db, world.lead, "p1", ["C1001"], kind="send")
    with pytest.raises(ValidationError, match="education, health and social care"):
        programmes.assign(
            world.db, world.lead, send.audit_uuid, reviewers={"education": "aud1"}, moderator="mod1"
        )
    row = programmes.assign(
        world.db,
        world.lead,
        send.audit_uuid,
        reviewers={"education": "aud1", "health": "aud2", "social_care": "lead1"},
        moderator="mod1",
    )
    assert {part for _, part in row.reviewers} == {"education", "health", "social_care"}
    (joint,) = programmes.add_audits(world.db, world.lead, "p1", ["C1002"], kind="multi_agency")
    with pytest.raises(ValidationError, match="Each agency has one auditor"):
        programmes.assign(
            world.db, world.lead, joint.audit_uuid, reviewers=["aud1", "aud2"], moderator="mod1"
        )


def test_monthly_compliance(world):
    uuid = _audit(world)
    programmes.assign(world.db, world.lead, uuid, reviewers=["aud1", "aud2"], moderator="mod1")
    with world.db.transaction() as session:
        review = session.scalars(select(Review).order_by(Review.id)).first()
        review.status = "submitted"
    rows = programmes.monthly_compliance(world.db, world.lead, JAN, today=date(2026, 2, 5))
    assert [(r.person_key, r.due, r.done, r.overdue) for r in rows] == [
        ("aud1", 1, 1, 0),
        ("aud2", 1, 0, 1),
    ]
    before_due = programmes.monthly_compliance(world.db, world.lead, JAN, today=date(2026, 1, 10))
    assert [r.overdue for r in before_due] == [0, 0]
    assert programmes.monthly_compliance(world.db, world.lead, date(2026, 3, 1)) == []


def _statements(db, fn):
    from sqlalchemy import event

    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_assignments_are_listed_in_the_same_few_queries_whatever_their_number(world):
    """The Programmes view lists a programme's audits on every visit: their auditors and
    moderator come with them (no query per audit), and the rows are the ones assigning gave."""
    db, lead = world.db, world.lead
    _programme(world)
    (looped,) = programmes.add_audits(db, lead, "p1", ["C1000"])
    looped = programmes.assign(
        db, lead, looped.audit_uuid, reviewers=["aud1", "aud2"], moderator="mod1"
    )
    one = _statements(db, lambda: programmes.list_assignments(db, lead, "p1"))

    (send,) = programmes.add_audits(db, lead, "p1", ["C1001"], kind="send")
    send = programmes.assign(
        db,
        lead,
        send.audit_uuid,
        reviewers={"education": "aud1", "health": "aud2", "social_care": "lead1"},
        moderator="mod1",
    )
    (single,) = programmes.add_audits(db, lead, "p1", ["C1002"], kind="single")  # unassigned
    rows = programmes.list_assignments(db, lead, "p1")
    assert rows == [looped, send, single]
    assert rows[0].reviewer_names == ("Alex Auditor", "Bea Auditor")
    assert rows[0].moderator_name == "Morgan Moderator"
    assert rows[1].reviewer_names[0] == "Alex Auditor (education)"
    assert rows[1].reviewer_names[2].endswith("(social care)")
    assert (rows[2].reviewers, rows[2].moderator_key, rows[2].moderator_name) == ((), None, None)
    assert _statements(db, lambda: programmes.list_assignments(db, lead, "p1")) == one <= 3

    # The programmes' audit counts come in one query too.
    _programme(world, key="p2")
    listed = {p.key: p.audits for p in programmes.list_programmes(db, lead)}
    assert listed == {"p1": 3, "p2": 0}
    assert _statements(db, lambda: programmes.list_programmes(db, lead)) <= 4
