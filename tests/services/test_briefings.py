"""Briefings at the service layer: drafting from audits, editing, the identifier check,
export, publication, versions and the register of use."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from audit_tool.errors import ConflictError, PermissionDenied, ValidationError
from audit_tool.services import (
    audits,
    briefings,
    changelog,
    feedback,
    learning,
    learning_actions,
    reference,
)
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from tests.dbtemplates import world_recipe
from tests.factories import complete_review, looped_audit

STRENGTH = "Direct work captured the child's wishes in their own words"
HIDDEN = "Chronology kept only in the worker's notebook"
DEVELOPMENT = "Plans were not shared with the family in a form they could use"
QUOTE = "They listened to my son and the plan made sense to us."
PRIVATE = "Jo was brilliant but the office never answered the phone."


def audited(world, ref, *, overall="good", extras=True):
    """A looped audit of `ref` with learning, feedback and actions, taken to final."""
    db = world.db
    uuid = looped_audit(world, ref=ref)
    if extras:
        learning.add_learning_point(
            db, world.auditor, uuid, kind="strength", text=STRENGTH, themes=["voice"]
        )
        learning.add_learning_point(
            db, world.auditor, uuid, kind="strength", text=HIDDEN, in_briefing=False
        )
        learning.add_learning_point(
            db, world.auditor2, uuid, kind="development", text=DEVELOPMENT, item_key="plans"
        )
        feedback.add_feedback(
            db,
            world.auditor,
            FeedbackInput(
                "parent",
                "phone",
                date(2026, 1, 10),
                True,
                {"child_views": "yes", "copy_of_plan": "no"},
                QUOTE,
                True,
            ),
            audit_uuid=uuid,
        )
        feedback.add_feedback(
            db,
            world.auditor,
            FeedbackInput(
                "carer", "phone", date(2026, 1, 11), True, {"child_views": "partly"}, PRIVATE
            ),
            audit_uuid=uuid,
        )
        learning_actions.add_action(
            db,
            world.auditor,
            uuid,
            text="Reissue the guidance on sharing plans with families",
            owner_key="tm1",
            due_on=date(2026, 3, 31),
            scope="service",
        )
        learning_actions.add_action(
            db,
            world.auditor,
            uuid,
            text="Update this chronology",
            owner_key="tm1",
            due_on=date(2026, 2, 1),
        )
    complete_review(world, world.auditor, uuid, overall=overall)
    complete_review(world, world.auditor2, uuid, overall=overall)
    tpl = audits.get_audit(db, world.moderator, uuid).template
    audits.confirm(
        db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    return uuid


def build_programme_world(world) -> None:
    reference.save_person(
        world.db,
        world.lead,
        key="tm1",
        original_key="tm1",
        name="Terry Manager",
        agency_key="csc",
        team_key="assess_north",
        job_title="Practice lead, assessment north",
        roles=["auditor"],
    )
    audited(world, "C1000", overall="good")
    audited(world, "C1001", overall="requires_improvement", extras=False)


# Built once per test process into a template database, copied for each test.
programme_built = world_recipe(build_programme_world, name="programme_built")


@pytest.fixture
def programme_world(programme_built):
    world, _nothing = programme_built
    return world


def test_a_briefing_is_drafted_from_the_programmes_final_audits(programme_world):
    world = programme_world
    # Drafted before the service action is due (31 March): only current actions are offered.
    view = briefings.new_briefing(
        world.db, world.lead, programme_key="p-test", today=date(2026, 2, 1)
    )
    s = view.sections
    assert view.row.audits == 2 and view.row.status == "draft"
    assert view.row.title == "7-minute briefing: Test programme"
    assert "2 cases" in s["background"] and "moderated" in s["background"]
    assert "Children's Social Care" in s["background"]
    assert "1 of 2 cases (50%) were graded Good or better" in s["found"]
    assert dict(view.chart) == {
        "Outstanding": 0,
        "Good": 1,
        "Requires improvement to be good": 1,
        "Inadequate": 0,
    }
    assert STRENGTH in s["worked_well"] and HIDDEN not in s["worked_well"]
    assert DEVELOPMENT in s["improve"]
    assert "100% yes" not in s["voice"] and "50% yes** (1 of 2)" in s["voice"]
    assert QUOTE in s["voice"] and PRIVATE not in s["voice"]  # only shareable quotes
    assert "Reissue the guidance" in s["todo"] and "Update this chronology" not in s["todo"]
    assert "Practice lead, assessment north" in s["todo"]  # a role, never a name
    assert "Terry" not in s["todo"]
    for question in briefings.REFLECTION_QUESTIONS:
        assert question in s["todo"]
    assert briefings.check(world.db, world.lead, view.uuid) == []
    assert view.word_counts["worked_well"] > 0


def test_redraft_refreshes_one_section_only(programme_world):
    world = programme_world
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    edited = briefings.save_briefing(
        world.db,
        world.lead,
        view.uuid,
        title="Voice of the child: what we learned",
        audience="Team managers",
        sections={"why": "Because children told us so.", "worked_well": "Edited by hand."},
        expected_revision=view.revision,
    )
    assert edited.sections["worked_well"] == "Edited by hand."
    again = briefings.redraft_section(world.db, world.lead, view.uuid, "worked_well")
    assert STRENGTH in again.sections["worked_well"]
    assert again.sections["why"] == "Because children told us so."
    assert again.row.title == "Voice of the child: what we learned"
    with pytest.raises(ConflictError):
        briefings.save_briefing(
            world.db,
            world.lead,
            view.uuid,
            title="x",
            audience="",
            sections={},
            expected_revision=view.revision,
        )
    with pytest.raises(ValidationError):
        briefings.redraft_section(world.db, world.lead, view.uuid, "appendix")
    log = changelog.entries(world.db, world.lead, entity="briefing", entity_uuid=view.uuid)
    assert [e.action for e in log] == ["update", "update", "create"]


def test_names_and_references_are_refused_until_removed_or_allowed(programme_world, tmp_path):
    world = programme_world
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    briefings.save_briefing(
        world.db,
        world.lead,
        view.uuid,
        title=view.row.title,
        audience=view.audience,
        sections={"why": "Case C1000 showed it: AB was seen alone, thanks to Sam Worker."},
    )
    hits = {str(h) for h in briefings.check(world.db, world.lead, view.uuid)}
    assert hits == {"case reference 'C1000'", "initials 'AB'", "name 'Sam Worker'"}
    out = tmp_path / "b.pdf"
    with pytest.raises(ValidationError, match="names a child or a person"):
        briefings.export_briefing(world.db, world.lead, view.uuid, out)
    assert not out.exists()
    with pytest.raises(ValidationError):
        briefings.publish(world.db, world.lead, view.uuid)
    with pytest.raises(ValidationError, match="why"):
        briefings.allow(world.db, world.lead, view.uuid, "name", "Sam Worker", "")
    with pytest.raises(PermissionDenied):
        briefings.allow(world.db, world.moderator, view.uuid, "name", "Sam Worker", "ok")
    briefings.allow(
        world.db, world.lead, view.uuid, "name", "Sam Worker", "Named with consent as presenter"
    )
    assert {str(h) for h in briefings.check(world.db, world.lead, view.uuid)} == {
        "case reference 'C1000'",
        "initials 'AB'",
    }
    briefings.save_briefing(
        world.db,
        world.lead,
        view.uuid,
        title=view.row.title,
        audience=view.audience,
        sections={"why": "One child was seen alone, thanks to Sam Worker."},
    )
    result = briefings.export_briefing(world.db, world.lead, view.uuid, out)
    assert result.pdf.exists()
    log = changelog.entries(world.db, world.lead, entity="briefing", entity_uuid=view.uuid)
    allowed = [e for e in log if e.action == "allow"]
    assert allowed[0].reason == "Named with consent as presenter"


def test_export_holds_every_chosen_learning_point_and_the_accessible_versions(
    programme_world, tmp_path
):
    world = programme_world
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    result = briefings.export_briefing(
        world.db,
        world.lead,
        view.uuid,
        tmp_path / "b.pdf",
        accessible_pdf_path=tmp_path / "b-text.pdf",
        text_path=tmp_path / "b.txt",
    )
    reader = PdfReader(result.pdf)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for expected in (STRENGTH, DEVELOPMENT, QUOTE):
        assert expected in text
    assert HIDDEN not in text and "C1000" not in text
    first = reader.pages[0].mediabox
    assert float(first.width) > float(first.height)  # A4 landscape
    plain = (tmp_path / "b.txt").read_text(encoding="utf-8")
    headings = [h for _k, h in briefings.SECTIONS]
    assert [plain.index(h) for h in headings] == sorted(plain.index(h) for h in headings)
    assert STRENGTH in plain
    accessible = PdfReader(tmp_path / "b-text.pdf")
    assert accessible.metadata is not None and accessible.metadata.title == view.row.title
    # The accessible version is the tagged PDF/UA-1 (reporting/tagged), with the same learning.
    root: Any = accessible.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert b"<pdfuaid:part>1</pdfuaid:part>" in root["/Metadata"].get_object().get_data()
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in accessible.pages)
    assert STRENGTH in words and HIDDEN not in words


def test_publishing_freezes_the_text_and_the_pdf(programme_world, tmp_path):
    world = programme_world
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    published = briefings.publish(world.db, world.lead, view.uuid)
    assert published.published and published.pdf_sha256
    with pytest.raises(ValidationError, match="frozen"):
        briefings.save_briefing(
            world.db, world.lead, view.uuid, title="x", audience="", sections={}
        )
    with pytest.raises(ValidationError):
        briefings.redraft_section(world.db, world.lead, view.uuid, "why")
    first = briefings.export_briefing(world.db, world.lead, view.uuid, tmp_path / "1.pdf")
    second = briefings.export_briefing(world.db, world.viewer, view.uuid, tmp_path / "2.pdf")
    assert first.sha256 == second.sha256 == published.pdf_sha256
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()
    draft = briefings.new_version(world.db, world.lead, view.uuid)
    assert (draft.row.version, draft.row.status) == (2, "draft")
    assert draft.sections == published.sections and draft.audit_uuids == published.audit_uuids
    with pytest.raises(ValidationError):
        briefings.new_version(world.db, world.lead, draft.uuid)
    latest = briefings.latest_for_programme(world.db, world.lead, "p-test")
    assert latest is not None and latest.uuid == draft.uuid


def test_the_register_of_use(programme_world):
    world = programme_world
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    with pytest.raises(ValidationError, match="Publish"):
        briefings.record_delivery(
            world.db, world.lead, view.uuid, team_key="assess_north", delivered_on=date(2026, 2, 1)
        )
    briefings.publish(world.db, world.lead, view.uuid)
    row = briefings.record_delivery(
        world.db,
        world.lead,
        view.uuid,
        team_key="assess_north",
        delivered_on=date(2026, 2, 1),
        presenter="Team manager",
        attendees=9,
        actions="Plans reviewed in supervision for a month",
    )
    assert row.team_name == "Assessment Team North" and row.attendees == 9
    with pytest.raises(ValidationError) as info:
        briefings.record_delivery(world.db, world.lead, view.uuid, delivered_on=None, attendees=-1)
    assert {"delivered_on", "attendees", "team"} <= set(info.value.fields)
    assert [d.uuid for d in briefings.deliveries(world.db, world.viewer, view.uuid)] == [row.uuid]


def test_who_may_do_what(programme_world):
    world = programme_world
    with pytest.raises(PermissionDenied):
        briefings.new_briefing(world.db, world.moderator, programme_key="p-test")
    view = briefings.new_briefing(world.db, world.lead, programme_key="p-test")
    assert briefings.list_briefings(world.db, world.viewer) == []  # drafts are not theirs
    with pytest.raises(PermissionDenied):
        briefings.get_briefing(world.db, world.viewer, view.uuid)
    briefings.publish(world.db, world.lead, view.uuid)
    assert [b.uuid for b in briefings.list_briefings(world.db, world.viewer)] == [view.uuid]
    with pytest.raises(PermissionDenied):
        briefings.publish(world.db, world.viewer, view.uuid)


def test_drafting_from_a_theme_or_chosen_audits(programme_world):
    world = programme_world
    themed = briefings.new_briefing(world.db, world.lead, theme="Voice")
    assert themed.row.audits == 1 and themed.row.theme == "voice"  # the tagged audit only
    finals = [r.uuid for r in audits.list_audits(world.db, world.lead, status="final")]
    chosen = briefings.new_briefing(world.db, world.lead, audit_uuids=finals[:1])
    assert chosen.row.audits == 1 and chosen.row.source == "Chosen audits"
    open_one = looped_audit(world, ref="C1002")
    with pytest.raises(ValidationError, match="not final"):
        briefings.new_briefing(world.db, world.lead, audit_uuids=[open_one])
    with pytest.raises(ValidationError, match="one programme"):
        briefings.new_briefing(world.db, world.lead, programme_key="p-test", theme="voice")
    empty = briefings.new_briefing(world.db, world.lead, theme="nothing tagged")
    assert empty.row.audits == 0 and "No audits are final yet" in empty.sections["background"]
