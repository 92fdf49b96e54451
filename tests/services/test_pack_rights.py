"""Importing an audit pack acts with the importer's rights (issue #12, finding 1): no audit of
another agency, no change to a final audit without the right to reopen it, no person with a
role the importer may not give, and never an account that can log in."""

from __future__ import annotations

import copy

import pytest

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied
from audit_tool.services import accounts, audits, changelog, packs, reference
from tests.factories import World, final_audit, looped_audit

PASSWORD = "a long sentence nobody guesses"


def _police_moderator(world: World) -> Actor:
    reference.save_person(
        world.db,
        Actor.system(),
        key="pmod",
        name="Pat Police",
        agency_key="police",
        team_key="ppu",
        roles=["moderator"],
    )
    return reference.actor_for(world.db, "pmod")


def _reopened(pack: dict) -> dict:
    """The pack's final audit turned back into a draft, its grade cleared: a newer revision."""
    bad = copy.deepcopy(pack)
    (audit,) = bad["audits"]
    audit["status"], audit["moderation"] = "draft", None
    audit["revision"] += 1
    for review in audit["reviews"]:
        review["status"], review["overall"], review["submitted_at"] = "draft", None, None
    return bad


def _state(world: World, uuid: str) -> tuple:
    view = audits.get_audit(world.db, world.lead, uuid)
    return view.status, view.final_overall, changelog.count(world.db)


def test_a_police_moderator_cannot_reopen_another_agencys_final_audit(world):
    uuid = final_audit(world)
    pack = _reopened(packs.export_pack(world.db, world.lead))
    police = _police_moderator(world)
    before = _state(world, uuid)
    with pytest.raises(PermissionDenied, match=r"audits\[0\] .*outside your agency scope"):
        packs.import_pack(world.db, police, pack)
    assert _state(world, uuid) == before == ("final", "good", before[2])


def test_the_audits_own_moderator_needs_the_right_to_reopen_it(world):
    uuid = final_audit(world)
    pack = _reopened(packs.export_pack(world.db, world.lead))
    before = _state(world, uuid)
    with pytest.raises(PermissionDenied, match=r"audits\[0\] .*may not reopen a final audit"):
        packs.import_pack(world.db, world.moderator, pack)
    assert _state(world, uuid) == before
    # A QA lead may: the same pack goes in.
    report = packs.import_pack(world.db, world.lead, pack)
    assert report.updated == [uuid]
    assert audits.get_audit(world.db, world.lead, uuid).status == "draft"


def test_a_moderator_may_still_import_changes_to_an_audit_they_moderate(world):
    """The rights check leaves the ordinary exchange alone: a moderated audit coming back."""
    uuid = looped_audit(world)
    from tests.factories import complete_review

    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    pack = packs.export_pack(world.db, world.moderator)
    newer = copy.deepcopy(pack)
    (audit,) = newer["audits"]
    audit["revision"] += 1
    audit["moderation"] = {
        "moderator": "mod1",
        "completed_at": None,
        "overall": "good",
        "answers": {},
        "rationale": "Agreed",
    }
    report = packs.import_pack(world.db, world.moderator, newer)
    assert report.updated == [uuid]


def _with_new_lead(pack: dict) -> dict:
    bad = copy.deepcopy(pack)
    bad["people"].append(
        {"key": "eve1", "name": "Eve New", "agency": "csc", "team": None, "roles": ["lead"]}
    )
    return bad


def test_a_pack_cannot_create_a_lead_for_someone_who_cannot_grant_the_role(world):
    final_audit(world)
    pack = _with_new_lead(packs.export_pack(world.db, world.lead))
    before = changelog.count(world.db)
    with pytest.raises(PermissionDenied, match=r"people\[\d+\] \(eve1\).*role"):
        packs.import_pack(world.db, world.moderator, pack)
    assert changelog.count(world.db) == before
    assert "eve1" not in {p.key for p in reference.list_people(world.db, world.lead)}


def test_a_person_from_a_pack_can_never_log_in(world, tmp_path, capsys):
    final_audit(world)
    accounts.create_first_lead(world.db, username="priya", password=PASSWORD, person_key="lead1")
    pack = _with_new_lead(packs.export_pack(world.db, world.lead))
    packs.import_pack(world.db, world.lead, pack)  # a QA lead may give the role
    assert "eve1" in {p.key for p in reference.list_people(world.db, world.lead)}
    assert accounts.username_for_key(world.db, "eve1") is None
    for name in ("eve1", "Eve New", ""):
        with pytest.raises(accounts.LoginFailed):
            accounts.authenticate(world.db, name, "")
    # Nor on the command line, once the database has accounts.
    url = world.db.url.render_as_string(hide_password=False)
    out = tmp_path / "out.json"
    assert cli.run(["--database", url, "--user", "eve1", "export-pack", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "account with a password" in err
    assert not out.exists()


def test_import_pack_on_the_command_line_acts_as_the_user(world, tmp_path, capsys, monkeypatch):
    """`import-pack --user KEY` with the password: the police moderator's reopening pack is
    refused in one line and the audit stays final."""
    import json

    uuid = final_audit(world)
    accounts.create_first_lead(world.db, username="priya", password=PASSWORD, person_key="lead1")
    police = _police_moderator(world)
    _row, temporary = accounts.create_account(
        world.db, reference.actor_for(world.db, "lead1"), person_key="pmod", username="pat"
    )
    accounts.change_own_password(world.db, police, temporary, PASSWORD)
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(_reopened(packs.export_pack(world.db, world.lead))), "utf-8")
    before = _state(world, uuid)
    monkeypatch.setenv("AUDIT_TOOL_PASSWORD", PASSWORD)
    url = world.db.url.render_as_string(hide_password=False)
    assert cli.run(["--database", url, "--user", "pmod", "import-pack", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside your agency scope" in err
    assert "C1000" not in err  # names the audit by its id, not the case
    assert _state(world, uuid)[:2] == before[:2]


def _moderated_in_progress(world: World) -> tuple[str, dict]:
    """An audit with one review submitted and one in draft, as its moderator exports it."""
    from tests.factories import complete_review

    uuid = looped_audit(world)
    complete_review(world, world.auditor, uuid)
    return uuid, copy.deepcopy(packs.export_pack(world.db, world.lead))


def _newer(pack: dict) -> tuple[dict, dict]:
    (audit,) = pack["audits"]
    audit["revision"] += 1
    return pack, audit


# Found by the attack run at the end of issue 12: a moderator's pack could change what only
# someone else may change in the app, in an audit they take part in.
def test_a_moderator_cannot_change_an_auditors_review_by_pack(world):
    uuid, pack = _moderated_in_progress(world)
    pack, audit = _newer(pack)
    audit["reviews"][0]["strengths"] = "Rewritten by the moderator"
    before = changelog.count(world.db)
    with pytest.raises(PermissionDenied, match="a review of another auditor"):
        packs.import_pack(world.db, world.moderator, pack)
    assert changelog.count(world.db) == before


def test_a_moderator_cannot_finalise_before_every_review_is_in(world):
    uuid, pack = _moderated_in_progress(world)
    pack, audit = _newer(pack)
    audit["status"] = "final"
    audit["moderation"] = {
        "moderator": "mod1",
        "completed_at": "2026-01-05T10:00:00+00:00",
        "overall": "good",
        "answers": {},
        "rationale": "Agreed",
    }
    with pytest.raises(PermissionDenied, match="before every review is submitted"):
        packs.import_pack(world.db, world.moderator, pack)
    assert audits.get_audit(world.db, world.lead, uuid).status != "final"


def test_a_moderator_cannot_name_someone_else_as_moderator_or_move_the_case(world):
    uuid, pack = _moderated_in_progress(world)
    other = copy.deepcopy(pack)
    pack, audit = _newer(pack)
    audit["moderation"] = {
        "moderator": world.lead.key,
        "completed_at": None,
        "overall": "good",
        "answers": {},
        "rationale": "Agreed",
    }
    with pytest.raises(PermissionDenied, match="in their own name"):
        packs.import_pack(world.db, world.moderator, pack)
    other, audit = _newer(other)
    audit["case"] = "C1001"
    with pytest.raises(PermissionDenied, match="move an audit to another case"):
        packs.import_pack(world.db, world.moderator, other)


def test_a_moderator_cannot_add_learning_in_someone_elses_name(world):
    uuid, pack = _moderated_in_progress(world)
    pack, audit = _newer(pack)
    audit["learning_points"].append(
        {
            "id": "31111111-2222-4333-8444-555555555555",
            "kind": "strength",
            "text": "Said to be the lead's",
            "item": None,
            "themes": [],
            "author": world.lead.key,
        }
    )
    with pytest.raises(PermissionDenied, match="learning points in someone else's name"):
        packs.import_pack(world.db, world.moderator, pack)
    # In their own name it goes in.
    audit["learning_points"][-1]["author"] = world.moderator.key
    assert packs.import_pack(world.db, world.moderator, pack).updated == [uuid]
