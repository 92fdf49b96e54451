"""Audit pack v1: export, import into an empty database, idempotence, bad records, conflicts,
and what an audit holds beside its reviews (feedback, learning, actions, worker feedback)."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import (
    audits,
    changelog,
    feedback,
    learning,
    learning_actions,
    packs,
    reference,
    worker_feedback,
)
from audit_tool.services.feedback import FeedbackInput
from audit_tool.store import open_database
from tests.factories import complete_review, looped_audit
from tests.services.test_audits import complete, grades


def _audits_in(db) -> dict[str, dict]:
    """The pack's view of every audit in a database, without export time stamps."""
    pack = packs.export_pack(db, Actor.system())
    out = {}
    for a in pack["audits"]:
        out[a["id"]] = {k: v for k, v in a.items() if k != "updated_at"}
    return out


def _filled(world):
    """A final looped audit, one in moderation and one with a draft review."""
    final = looped_audit(world)
    complete(world, world.auditor, final)
    complete(world, world.auditor2, final, overall="requires_improvement")
    audits.confirm(
        world.db, world.moderator, final, answers=grades(world), overall="good", rationale="ok"
    )
    waiting = looped_audit(world, ref="C1001")
    complete(world, world.auditor, waiting)
    complete(world, world.auditor2, waiting)
    drafting = looped_audit(world, ref="C1002")
    audits.save_review(
        world.db,
        world.auditor,
        audits.get_audit(world.db, world.auditor, drafting).my_review,
        strengths="Started",
    )
    return final, waiting, drafting


def test_export_validates_and_imports_into_an_empty_database(world, tmp_path):
    _filled(world)
    pack = packs.export_pack(world.db, world.lead, source="Test partnership")
    Draft202012Validator(packs.schema()).validate(pack)
    assert len(pack["audits"]) == 3 and pack["format"] == "qa-audit-pack"
    assert {c["ref"] for c in pack["cases"]} == {"C1000", "C1001", "C1002"}

    other = open_database(tmp_path / "other.sqlite")
    try:
        report = packs.import_pack(other, Actor.system(), json.loads(json.dumps(pack)))
        assert len(report.created) == 3 and not report.conflicts
        assert _audits_in(other) == _audits_in(world.db)
        (final,) = [a for a in audits.list_audits(other, Actor.system()) if a.status == "final"]
        assert final.final_overall == "good"
        # The same pack again changes nothing.
        before = changelog.count(other)
        again = packs.import_pack(other, Actor.system(), pack)
        assert len(again.unchanged) == 3 and not (again.created or again.updated)
        assert changelog.count(other) == before
    finally:
        other.close()


def test_a_pack_with_one_bad_record_is_refused_whole(world, tmp_path):
    _filled(world)
    pack = packs.export_pack(world.db, world.lead)
    bad = copy.deepcopy(pack)
    bad["audits"][1]["reviews"][0]["overall"] = "brilliant"
    other = open_database(tmp_path / "other.sqlite")
    log_before = changelog.count(other)
    try:
        with pytest.raises(ValidationError, match=rf"audits\[1\] \({bad['audits'][1]['id']}\)"):
            packs.import_pack(other, Actor.system(), bad)
        unknown = copy.deepcopy(pack)
        unknown["audits"][2]["reviews"][0]["reviewer"] = "ghost"
        with pytest.raises(ValidationError, match=r"audits\[2\].*no person 'ghost'"):
            packs.import_pack(other, Actor.system(), unknown)
        assert changelog.count(other) == log_before
        assert packs.export_pack(other, Actor.system())["audits"] == []
    finally:
        other.close()


def test_conflicts_are_reported_and_left_untouched(world, tmp_path):
    final, waiting, drafting = _filled(world)
    pack = packs.export_pack(world.db, world.lead)
    other = open_database(tmp_path / "other.sqlite")
    try:
        packs.import_pack(other, Actor.system(), pack)
        # The other side moderates the waiting audit and sends it back: an update here.
        moderator_there = reference.actor_for(other, "mod1")
        audits.confirm(other, moderator_there, waiting, answers=grades(world), overall="good")
        back = packs.export_pack(other, Actor.system())
        # Meanwhile the draft changed on both sides.
        review = audits.get_audit(world.db, world.auditor, drafting).my_review
        audits.save_review(world.db, world.auditor, review, strengths="Changed here")
        auditor_there = reference.actor_for(other, "aud1")
        audits.save_review(other, auditor_there, review, strengths="Changed there")
        audits.save_review(other, auditor_there, review, worries="And again")
        back = packs.export_pack(other, Actor.system())
        report = packs.import_pack(world.db, world.lead, back)
        assert report.updated == [waiting]
        assert any(drafting in c and "since the last exchange" in c for c in report.conflicts)
        assert audits.get_audit(world.db, world.lead, waiting).status == "final"
        here = audits.get_audit(world.db, world.auditor, drafting)
        assert here.review(here.my_review).strengths == "Changed here"  # left untouched
    finally:
        other.close()


def test_only_leads_and_moderators_exchange_packs(world):
    with pytest.raises(PermissionDenied):
        packs.export_pack(world.db, world.auditor)


def test_cli_export_and_import(sqlite_world, tmp_path, capsys):
    _filled(sqlite_world)
    out = tmp_path / "pack.json"
    db_path = sqlite_world.db.path
    assert cli.run(["--database", str(db_path), "export-pack", "--out", str(out)]) == 0
    assert "3 audit(s) written" in capsys.readouterr().out
    target = tmp_path / "target.sqlite"
    open_database(target).close()
    assert cli.run(["--database", str(target), "import-pack", str(out)]) == 0
    assert "3 audit(s) new" in capsys.readouterr().out
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert cli.run(["--database", str(target), "import-pack", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a JSON audit pack" in err


def _closing_the_loop(world) -> str:
    """A final audit with everything beside its reviews, built through the services: two
    family conversations, learning points with themes, actions (one done, one cancelled, one
    open) and feedback to the worker."""
    db, day = world.db, date.today() - timedelta(days=20)
    uuid = looped_audit(world)
    feedback.add_feedback(
        db,
        world.auditor,
        FeedbackInput(
            respondent="parent",
            channel="phone",
            collected_on=day,
            consent=True,
            answers={"child_views": "yes", "copy_of_plan": "no", "contactable": "partly"},
            comment="The worker listened to my son and the plan made sense to us.",
            shareable=True,
        ),
        audit_uuid=uuid,
    )
    feedback.add_feedback(
        db,
        world.auditor2,
        FeedbackInput(
            respondent="young_person",
            channel="face_to_face",
            collected_on=day + timedelta(days=2),
            consent=False,
            answers={"family_views": "not_asked", "positive_difference": "yes"},
        ),
        audit_uuid=uuid,
    )
    learning.add_learning_point(
        db,
        world.auditor,
        uuid,
        kind="strength",
        text="The child's wishes are recorded in their own words.",
        item_key="voice_of_child",
        themes=["Voice of the child", "Direct work"],
    )
    learning.add_learning_point(
        db,
        world.auditor2,
        uuid,
        kind="development",
        text="The chronology stops at the assessment.",
        themes=["Recording"],
        in_briefing=False,
    )
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid, overall="requires_improvement")
    done = learning_actions.add_action(
        db,
        world.moderator,
        uuid,
        text="Update the chronology",
        owner_key="tm1",
        due_on=day + timedelta(days=30),
    )
    learning_actions.set_action_status(
        db, world.lead, done.uuid, "done", note="Checked at supervision", on=day + timedelta(5)
    )
    dropped = learning_actions.add_action(
        db,
        world.auditor,
        uuid,
        text="Share the plan with the family",
        owner_key="tm1",
        due_on=day + timedelta(days=14),
    )
    learning_actions.set_action_status(
        db, world.auditor, dropped.uuid, "cancelled", note="Case closed"
    )
    learning_actions.add_action(
        db,
        world.lead,
        uuid,
        text="Remind teams of the chronology standard",
        owner_key="mod1",
        due_on=day + timedelta(days=60),
        scope="service",
    )
    worker_feedback.save_worker_feedback(
        db,
        world.auditor,
        uuid,
        given_to_worker=True,
        given_to_manager=False,
        given_on=day + timedelta(days=3),
        how="In supervision",
    )
    audits.confirm(db, world.moderator, uuid, answers=grades(world), overall="good", rationale="x")
    return uuid


def _everything(db, uuid: str) -> tuple:
    """What the services show of an audit's feedback, learning, actions and worker feedback.

    Without the rows' revision counters: they count saves in one database (for its conflict
    checks), not content, so a copy arriving in one save starts again at 1."""
    import dataclasses

    lead = Actor.system()

    def plain(rows: list) -> list:
        return [dataclasses.replace(r, revision=0) for r in rows]

    return (
        plain(feedback.audit_feedback(db, lead, uuid)),
        plain(learning.audit_learning(db, lead, uuid)),
        plain(learning_actions.audit_actions(db, lead, uuid, today=date.today())),
        worker_feedback.get_worker_feedback(db, lead, uuid),
    )


def test_feedback_learning_and_actions_go_out_and_come_back_exactly(world, tmp_path):
    uuid = _closing_the_loop(world)
    pack = packs.export_pack(world.db, world.lead)
    Draft202012Validator(packs.schema()).validate(pack)
    (audit,) = pack["audits"]
    assert len(audit["feedback"]) == 2 and len(audit["learning_points"]) == 2
    assert {a["status"] for a in audit["actions"]} == {"open", "done", "cancelled"}
    shared = next(f for f in audit["feedback"] if f["shareable"])
    assert shared["answers"] == {
        "child_views": "yes",
        "copy_of_plan": "no",
        "contactable": "partly",
    }
    assert shared["consent"] and shared["author"] == "aud1" and shared["channel"] == "phone"
    point = next(p for p in audit["learning_points"] if p["kind"] == "strength")
    assert point["themes"] == ["direct work", "voice of the child"]
    assert point["item"] == "voice_of_child" and point["in_briefing"] is True
    done = next(a for a in audit["actions"] if a["status"] == "done")
    assert done["completed_on"] == (date.today() - timedelta(days=15)).isoformat()
    assert done["owner"] == "tm1" and done["scope"] == "case" and done["author"] == "mod1"
    assert done["completion_note"] == "Checked at supervision" and done["completed_by"] == "lead1"
    assert audit["worker_feedback"]["how"] == "In supervision"
    source = _everything(world.db, uuid)

    other = open_database(tmp_path / "other.sqlite")
    try:
        report = packs.import_pack(other, Actor.system(), json.loads(json.dumps(pack)))
        assert report.created == [uuid] and not report.conflicts
        arrived = _everything(other, uuid)
        for mine, theirs in zip(source, arrived, strict=True):
            assert theirs == mine  # every field of every row
        assert _audits_in(other) == _audits_in(world.db)
        # The same pack again changes nothing.
        before = changelog.count(other)
        again = packs.import_pack(other, Actor.system(), pack)
        assert again.unchanged == [uuid] and not (again.created or again.updated)
        assert changelog.count(other) == before
        assert _everything(other, uuid) == arrived
    finally:
        other.close()


def test_feedback_outside_audits_stays_out_of_packs(world):
    uuid = _closing_the_loop(world)
    feedback.add_feedback(
        world.db,
        world.lead,
        FeedbackInput("parent", "online", date.today(), True, {"child_views": "yes"}),
        case_ref="C1000",
    )
    (audit,) = packs.export_pack(world.db, world.lead)["audits"]
    assert audit["id"] == uuid and len(audit["feedback"]) == 2


def test_a_custom_feedback_question_travels_with_the_pack(world, tmp_path):
    feedback.save_question(
        world.db, world.lead, key="felt_safe", text="The child felt safe.", new=True
    )
    uuid = looped_audit(world)
    feedback.add_feedback(
        world.db,
        world.auditor,
        FeedbackInput("parent", "phone", date.today(), True, {"felt_safe": "partly"}),
        audit_uuid=uuid,
    )
    pack = packs.export_pack(world.db, world.lead)
    assert pack["feedback_questions"] == [{"key": "felt_safe", "text": "The child felt safe."}]
    other = open_database(tmp_path / "other.sqlite")
    try:
        packs.import_pack(other, Actor.system(), pack)
        (row,) = feedback.audit_feedback(other, Actor.system(), uuid)
        assert row.answers == {"felt_safe": "partly"}
        # Added to the question set there, but not asked until their QA lead chooses to.
        (question,) = [
            q
            for q in feedback.list_questions(other, Actor.system(), include_inactive=True)
            if q.key == "felt_safe"
        ]
        assert question.text == "The child felt safe." and not question.active
        unknown = copy.deepcopy(pack)
        unknown["audits"][0]["feedback"][0]["answers"] = {"ghost_question": "yes"}
        unknown["audits"][0]["revision"] += 1
        with pytest.raises(ValidationError, match=r"audits\[0\].*no feedback question"):
            packs.import_pack(other, Actor.system(), unknown)
    finally:
        other.close()


def test_a_pack_without_the_optional_keys_still_imports(world, tmp_path):
    """A v1 pack from an installation that does not write the optional keys."""
    uuid = _closing_the_loop(world)
    pack = packs.export_pack(world.db, world.lead)
    (audit,) = pack["audits"]
    for record in audit["learning_points"] + audit["actions"] + audit["feedback"]:
        for optional in ("author", "completed_by", "completion_note", "in_briefing", "scope"):
            record.pop(optional, None)
    audit["worker_feedback"].pop("how")
    Draft202012Validator(packs.schema()).validate(pack)
    other = open_database(tmp_path / "other.sqlite")
    try:
        assert packs.import_pack(other, Actor.system(), pack).created == [uuid]
        found, points, actions, worker = _everything(other, uuid)
        assert len(found) == 2 and all(r.author_name is None for r in found)
        assert all(p.in_briefing for p in points)  # the v1 default
        assert {a.scope for a in actions} == {"case"} and worker.how == ""
    finally:
        other.close()


def test_a_pack_never_shows_an_auditor_the_other_review_before_both_are_in(world, tmp_path):
    """Morgan moderates elsewhere but audits this case: their pack must not carry Alex's
    draft, so the audit stays out of it until both reviews are submitted."""
    uuid = looped_audit(world, reviewers=["mod1", "aud1"], moderator="lead1")
    alex = audits.get_audit(world.db, world.auditor, uuid).my_review
    audits.save_review(world.db, world.auditor, alex, strengths="ALEX-ONLY draft text")
    withheld: list[str] = []
    pack = packs.export_pack(world.db, world.moderator, withheld=withheld)
    assert [a["id"] for a in pack["audits"]] == [] and withheld == ["C1000"]
    assert "ALEX-ONLY" not in json.dumps(pack)
    complete_review(world, world.moderator, uuid)
    complete_review(world, world.auditor, uuid)
    pack = packs.export_pack(world.db, world.moderator)
    assert [a["id"] for a in pack["audits"]] == [uuid]
