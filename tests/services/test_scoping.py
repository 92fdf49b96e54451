"""Agency scoping: an auditor or moderator sees their own agency's cases and audits plus the
audits they are assigned to, in every list; a record outside that is "not there"; a viewer
reads published briefings only; a QA lead sees everything."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from audit_tool.access.actors import Actor
from audit_tool.errors import NotFound, PermissionDenied, ValidationError
from audit_tool.reporting import drilldown
from audit_tool.reporting import report as reports
from audit_tool.services import (
    audits,
    briefings,
    cases,
    feedback,
    learning,
    learning_actions,
    packs,
    programmes,
    reference,
)
from audit_tool.services.cases import CaseQuery
from audit_tool.services.programmes import SampleFilters
from tests.services import role_world
from tests.services.role_world import PROGRAMME, Matrix, conversation

FROM, TO = date(2020, 1, 1), date.today() + timedelta(days=1)


@pytest.fixture(scope="module", params=role_world.BACKENDS)
def matrix(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_available: str | None,
) -> Iterator[Matrix]:
    yield from role_world.worlds(request.param, tmp_path_factory, pg_available)


def _refs(db, actor: Actor) -> set[str]:
    return {r.ref for r in cases.list_cases(db, actor, CaseQuery())}


def _audits(db, actor: Actor) -> set[str]:
    return {r.uuid for r in audits.list_audits(db, actor)}


def _lists(db, actor: Actor) -> dict[str, set[str]]:
    """The uuids of feedback, learning points and actions in each list the actor has."""
    return {
        "feedback": {r.uuid for r in feedback.list_feedback(db, actor)},
        "learning": {r.uuid for r in learning.list_learning(db, actor)},
        "actions": {r.uuid for r in learning_actions.list_actions(db, actor)},
    }


def test_an_auditor_sees_their_agency_and_their_assignments_in_every_list(matrix):
    db, w = matrix.db, matrix.world
    auditor = w["auditor"]  # agency A; also assigned to one agency-B audit (CB2)
    a, rec = w.audits, w.records
    assert _refs(db, auditor) == {"CA1", "CA2", "CA3", "CA4", "CA5", "CA6", "CB2"}
    assert cases.count_cases(db, auditor, CaseQuery()) == 7
    assert cases.count_cases(db, auditor, CaseQuery(search="CB")) == 1
    agency_a = {a[n] for n in ("review", "moderation", "final", "panel", "draft")}
    assert _audits(db, auditor) == agency_a | {a["assigned_b"]}
    lists = _lists(db, auditor)
    for kind, name in (("feedback", "feedback"), ("learning", "learning"), ("actions", "action")):
        assert rec[name] in lists[kind]  # own agency
        assert rec[f"{name}_assigned_b"] in lists[kind]  # assigned, other agency
        assert rec[f"{name}_b"] not in lists[kind]  # other agency, not assigned
    assert [r.uuid for r in drilldown.audits_behind(db, auditor, date_from=FROM, date_to=TO)] == [
        a["final"]
    ]
    assert [r["audit"] for r in reports.raw_rows(db, auditor, date_from=FROM, date_to=TO)] == [
        a["final"]
    ]
    assignments = programmes.list_assignments(db, auditor, PROGRAMME)
    assert {r.case_ref for r in assignments} == {"CA1", "CA2", "CA3", "CA4", "CA6", "CB2"}
    assert "CB1" not in programmes.candidate_cases(db, auditor, SampleFilters())
    # The audit itself opens; its other auditor's review shows once every review is in.
    view = audits.get_audit(db, auditor, a["assigned_b"])
    assert view.case_ref == "CB2" and not any(r.hidden for r in view.reviews)


def test_a_moderator_sees_their_agency_not_other_agencies_assignments(matrix):
    db, w = matrix.db, matrix.world
    moderator = w["moderator"]  # agency A, moderates agency-A audits only
    a, rec = w.audits, w.records
    assert _refs(db, moderator) == {"CA1", "CA2", "CA3", "CA4", "CA5", "CA6"}
    assert _audits(db, moderator) == {
        a[n] for n in ("review", "moderation", "final", "panel", "draft")
    }
    learning_points = _lists(db, moderator)["learning"]
    assert rec["learning"] in learning_points
    assert rec["learning_assigned_b"] not in learning_points
    pack_cases = {x["case"] for x in packs.export_pack(db, moderator)["audits"]}
    assert pack_cases and not {"CB1", "CB2", "CB3"} & pack_cases


def test_a_record_outside_the_scope_is_refused_as_if_it_did_not_exist(matrix):
    db, w = matrix.db, matrix.world
    auditor, moderator = w["auditor"], w["moderator"]
    other = w.audits["other_agency"]
    with pytest.raises(NotFound) as hidden:
        audits.get_audit(db, auditor, other)
    assert str(hidden.value) == f"No audit {other}"
    with pytest.raises(NotFound) as missing:
        audits.get_audit(db, auditor, "00000000-0000-0000-0000-000000000000")
    assert str(missing.value) == "No audit 00000000-0000-0000-0000-000000000000"
    with pytest.raises(NotFound, match="No audit"):
        audits.get_audit(db, moderator, w.audits["assigned_b"])
    for read in (feedback.audit_feedback, learning.audit_learning, learning_actions.audit_actions):
        with pytest.raises(NotFound, match="No audit"):
            read(db, auditor, other)
    with pytest.raises(NotFound, match="No case with reference 'CB1'"):
        cases.get_case(db, auditor, "CB1")
    assert cases.case_audit_count(db, auditor, "CB1") == 0
    # Writes too: no change reaches a record the auditor may not see.
    with pytest.raises(NotFound):
        feedback.update_feedback(db, auditor, w.records["feedback_b"], conversation("x"))
    with pytest.raises(NotFound):
        learning.delete_learning_point(db, auditor, w.records["learning_b"])
    with pytest.raises(ValidationError, match="No case with reference 'CB1'"):
        feedback.add_feedback(db, auditor, conversation(), case_ref="CB1")


def test_seeing_an_audit_of_ones_agency_is_not_taking_part_in_it(matrix):
    db, w = matrix.db, matrix.world
    bystander = reference.actor_for(db, "aud_a3")  # agency A, on no audit
    a = w.audits
    assert _audits(db, bystander) == {
        a[n] for n in ("review", "moderation", "final", "panel", "draft")
    }
    view = audits.get_audit(db, bystander, a["moderation"])
    assert view.my_review is None and all(r.hidden for r in view.reviews)
    final = audits.get_audit(db, bystander, a["final"])
    assert final.final_overall == "good" and final.moderation is not None
    with pytest.raises(PermissionDenied, match="not an auditor or the moderator"):
        learning.add_learning_point(db, bystander, a["review"], kind="strength", text="x")
    with pytest.raises(PermissionDenied, match="not an auditor or the moderator"):
        audits.raise_concern(db, bystander, a["review"], what="x")
    with pytest.raises(PermissionDenied):
        feedback.update_feedback(db, bystander, w.records["feedback"], conversation("x"))


def test_a_viewer_reads_published_briefings_and_reports_only(matrix):
    db, w = matrix.db, matrix.world
    viewer, lead = w["viewer"], w["lead"]
    published, draft = w.records["briefing_published"], w.records["briefing_draft"]
    assert [b.uuid for b in briefings.list_briefings(db, viewer)] == [published]
    assert briefings.get_briefing(db, viewer, published).row.status == "published"
    with pytest.raises(PermissionDenied, match="published briefings only"):
        briefings.get_briefing(db, viewer, draft)
    latest = briefings.latest_for_programme(db, viewer, PROGRAMME)
    assert latest is not None and latest.row.uuid == published
    assert {published, draft} <= {b.uuid for b in briefings.list_briefings(db, lead)}
    assert reports.compute(db, viewer, date_from=FROM, date_to=TO)  # the figures
    assert reports.raw_rows(db, viewer, date_from=FROM, date_to=TO) == []  # no case list
    for refused in (
        lambda: cases.list_cases(db, viewer, CaseQuery()),
        lambda: audits.list_audits(db, viewer),
        lambda: feedback.list_feedback(db, viewer),
        lambda: learning.list_learning(db, viewer),
        lambda: learning_actions.list_actions(db, viewer),
        lambda: drilldown.audits_behind(db, viewer, date_from=FROM, date_to=TO),
    ):
        with pytest.raises(PermissionDenied):
            refused()


def test_a_lead_sees_everything(matrix):
    db, w = matrix.db, matrix.world
    lead = w["lead"]
    assert _refs(db, lead) == {f"CA{i}" for i in range(1, 7)} | {"CB1", "CB2", "CB3"}
    assert _audits(db, lead) == set(w.audits.values())
    lists = _lists(db, lead)
    for kind, name in (("feedback", "feedback"), ("learning", "learning"), ("actions", "action")):
        assert {w.records[name], w.records[f"{name}_b"], w.records[f"{name}_assigned_b"]} <= (
            lists[kind]
        )
    behind = drilldown.audits_behind(db, lead, date_from=FROM, date_to=TO)
    assert {r.uuid for r in behind} == {w.audits["final"], w.audits["final_b"]}
    assert audits.get_audit(db, lead, w.audits["other_agency"]).case_ref == "CB1"
