"""Dip samples (single-auditor audits) made through the programmes' add and assign services,
from creation to final, on SQLite and PostgreSQL; and from the command line, as an audit pack
written by hand (shared/INTERFACES.md: `import-pack`, an audit of kind "single")."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from audit_tool import cli
from audit_tool.errors import ValidationError
from audit_tool.services import audits, my_work, programmes, templates
from audit_tool.services.audits import Answer
from audit_tool.services.templates import ItemInput
from tests.factories import World, complete_review


def _programme(world: World, key: str = "dip", template: str = "moderated_case_file") -> None:
    programmes.save_programme(
        world.db,
        world.lead,
        key=key,
        name="Dip sample: Year 9 reviews",
        kind="thematic",
        theme="Year 9 reviews",
        template_key=template,
        starts_on=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
    )


def test_a_dip_sample_from_creation_to_final(world):
    db, lead = world.db, world.lead
    _programme(world)
    (row,) = programmes.add_audits(db, lead, "dip", ["C1002"], kind="single")
    assert (row.kind, row.status, row.reviewers) == ("single", "draft", ())
    with pytest.raises(ValidationError, match="not moderated"):
        programmes.assign(db, lead, row.audit_uuid, reviewers=["aud1"], moderator="mod1")
    with pytest.raises(ValidationError, match="one auditor"):
        programmes.assign(db, lead, row.audit_uuid, reviewers=["aud1", "aud2"])
    with pytest.raises(ValidationError, match="worker or manager"):
        programmes.assign(db, lead, row.audit_uuid, reviewers=["tm1"])
    assigned = programmes.assign(db, lead, row.audit_uuid, reviewers=["aud1"])
    assert (assigned.status, assigned.moderator_key) == ("in_review", None)

    (item,) = my_work.my_work(db, world.auditor).items
    assert item.title == "Case C1002 (Dip sample: Year 9 reviews): dip sample, single auditor"

    complete_review(world, world.auditor, row.audit_uuid, overall="requires_improvement")
    view = audits.get_audit(db, lead, row.audit_uuid)
    assert (view.kind, view.status, view.final_overall) == (
        "single",
        "final",
        "requires_improvement",
    )
    assert view.moderation is None
    assert my_work.my_work(db, world.auditor).items == ()
    (listed,) = programmes.list_assignments(db, lead, "dip")
    assert (listed.kind, listed.status, listed.reviewer_names) == (
        "single",
        "final",
        ("Alex Auditor",),
    )


def test_a_dip_sample_template_makes_single_audits_unless_told_otherwise(world):
    db, lead = world.db, world.lead
    base = templates.get_template(db, lead, "moderated_case_file")
    templates.save_template(
        db,
        lead,
        key="year9_dip",
        name="Year 9 review dip sample",
        kind="single",
        items=[ItemInput(i.key, i.label, i.kind, i.limiting) for i in base.items[:3]],
    )
    _programme(world, template="year9_dip")
    assert programmes.get_programme(db, lead, "dip").audit_kind == "single"
    first, second = programmes.add_audits(db, lead, "dip", ["C1000", "C1001"])
    assert (first.kind, second.kind) == ("single", "single")
    (looped,) = programmes.add_audits(db, lead, "dip", ["C1002"], kind="looped")
    assert looped.kind == "looped"
    # An ordinary template in a monthly or thematic programme still makes looped audits.
    _programme(world, key="plain")
    assert programmes.get_programme(db, lead, "plain").audit_kind == "looped"
    (plain,) = programmes.add_audits(db, lead, "plain", ["C1000"])
    assert plain.kind == "looped"


def _hand_written_pack(reviewer: str) -> dict:
    """A pack as a lead might write it to set up a dip sample from a script: the programme
    and one single audit, assigned to one auditor, naming records the database holds."""
    return {
        "format": "qa-audit-pack",
        "version": 1,
        "exported_at": "2026-03-02T09:00:00+00:00",
        "source": "dip sample script",
        "templates": [],
        "agencies": [],
        "teams": [],
        "people": [],
        "cases": [],
        "programmes": [
            {
                "key": "dip-y9",
                "name": "Dip sample: Year 9 reviews",
                "kind": "thematic",
                "theme": "Year 9 reviews",
                "template": "moderated_case_file",
                "starts_on": "2026-03-01",
                "due_on": "2026-03-31",
                "sample_size": None,
            }
        ],
        "audits": [
            {
                "id": str(uuid.uuid4()),
                "case": "C1002",
                "programme": "dip-y9",
                "template": "moderated_case_file",
                "template_version": 1,
                "kind": "single",
                "status": "in_review",
                "reviews": [
                    {
                        "id": str(uuid.uuid4()),
                        "reviewer": reviewer,
                        "agency": "csc",
                        "part": None,
                        "status": "draft",
                        "submitted_at": None,
                        "overall": None,
                        "answers": {},
                        "strengths": "",
                        "worries": "",
                        "next_steps": "",
                    }
                ],
                "moderation": None,
                "learning_points": [],
                "actions": [],
                "feedback": [],
                "worker_feedback": {
                    "given_to_worker": False,
                    "given_to_manager": False,
                    "given_on": None,
                },
                "revision": 1,
                "updated_at": "2026-03-02T09:00:00+00:00",
            }
        ],
    }


def test_a_dip_sample_made_from_the_command_line(sqlite_world, tmp_path, capsys):
    world = sqlite_world
    path = tmp_path / "dip.json"
    # The case's own manager cannot audit it, from a pack as in the window.
    path.write_text(json.dumps(_hand_written_pack("tm1")), encoding="utf-8")
    database = str(world.db.engine.url.database)
    assert cli.run(["--database", database, "import-pack", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the case's worker or manager cannot audit it" in err
    assert "dip-y9" not in {p.key for p in programmes.list_programmes(world.db, world.lead)}

    path.write_text(json.dumps(_hand_written_pack("aud1")), encoding="utf-8")
    assert cli.run(["--database", database, "import-pack", str(path)]) == 0
    assert "1 audit(s) new" in capsys.readouterr().out
    (row,) = programmes.list_assignments(world.db, world.lead, "dip-y9")
    assert (row.kind, row.status, row.reviewers, row.moderator_key) == (
        "single",
        "in_review",
        (("aud1", None),),
        None,
    )
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    review = audits.get_audit(world.db, world.auditor, row.audit_uuid).my_review
    assert review is not None
    audits.save_review(
        world.db,
        world.auditor,
        review,
        answers={i.key: Answer("good") for i in tpl.graded_items},
        overall="good",
    )
    assert audits.submit_review(world.db, world.auditor, review).audit_status == "final"
