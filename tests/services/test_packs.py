"""Audit pack v1: export, import into an empty database, idempotence, bad records, conflicts."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from audit_tool import cli
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import audits, changelog, packs, reference
from audit_tool.services.actors import Actor
from audit_tool.store import open_database
from tests.factories import looped_audit
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
