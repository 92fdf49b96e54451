"""Case field values travel in audit packs (optional "fields" on a case, "case_fields" at the
top): out and back exactly, checked on the way in, never the date of birth."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import case_fields, packs
from audit_tool.store import open_database
from tests.dbtemplates import world_recipe
from tests.factories import final_audit
from tests.services.test_case_fields import define_fields, set_fields

VALUES = {
    "pathway": "RED",
    "legal_status": "s.20",
    "mace": "yes",
    "school": "Northfield Primary",
    "referred_on": "2025-11-03",
    "score": "12.5",
    "dob": "2012-04-05",
}


def _build(world) -> str:
    """C1000 holds every field, and has a final audit."""
    define_fields(world)
    set_fields(world, "C1000", VALUES)
    return final_audit(world)


# Built once per process and backend; each test gets a copy.
valued = world_recipe(_build, name="valued")


def _world_with_values(world) -> dict:
    """The pack of the final audit of C1000, as the lead exports it."""
    return packs.export_pack(world.db, world.lead)


def test_case_field_values_go_out_and_come_back_exactly_but_not_the_date_of_birth(
    world, valued, tmp_path
):
    pack = _world_with_values(world)
    Draft202012Validator(packs.schema()).validate(pack)
    (case,) = pack["cases"]
    shared = {k: v for k, v in VALUES.items() if k != "dob"}
    assert case["fields"] == shared | {"score": 12.5}
    assert [f["key"] for f in pack["case_fields"]] == list(shared)
    assert pack["case_fields"][0] == {
        "key": "pathway",
        "label": "Pathway",
        "kind": "choice",
        "options": ["RED", "AMBER", "GREEN"],
    }
    assert "2012-04-05" not in str(pack)
    other = open_database(tmp_path / "other.sqlite")
    try:
        system = Actor.system()
        assert packs.import_pack(other, system, pack).created == [pack["audits"][0]["id"]]
        assert case_fields.case_values(other, system, "C1000") == shared
        kinds = {r.key: r.kind for r in case_fields.list_case_fields(other, system)}
        assert kinds == {f["key"]: f["kind"] for f in pack["case_fields"]}
        again = packs.export_pack(other, system)
        assert again["cases"] == pack["cases"] and again["case_fields"] == pack["case_fields"]
        # The same pack twice changes nothing.
        report = packs.import_pack(other, system, pack)
        assert (report.created, report.updated, report.reference_created) == ([], [], 0)
    finally:
        other.close()


def _refusal(other, pack: dict, actor: Actor | None = None) -> str:
    with pytest.raises((ValidationError, PermissionDenied)) as caught:
        packs.import_pack(other, actor or Actor.system(), pack)
    return str(caught.value)


def test_bad_case_field_values_and_definitions_refuse_the_pack_whole(world, valued, tmp_path):
    pack = _world_with_values(world)
    other = open_database(tmp_path / "other.sqlite")
    try:
        bad = copy.deepcopy(pack)
        bad["cases"][0]["fields"]["pathway"] = "PURPLE"
        assert _refusal(other, bad) == (
            "cases[0] fields pathway: 'PURPLE' is not one of: RED, AMBER, GREEN"
        )
        bad = copy.deepcopy(pack)
        bad["cases"][0]["fields"]["ghost"] = "x"
        assert "cases[0] fields ghost: no case field" in _refusal(other, bad)
        bad = copy.deepcopy(pack)
        bad["case_fields"][3]["label"] = "Surname"
        assert "case_fields[3] (school) label" in _refusal(other, bad)
        bad = copy.deepcopy(pack)
        bad["cases"][0]["fields"]["referred_on"] = "2999-01-01"
        assert "cannot be in the future" in _refusal(other, bad)
        assert case_fields.list_case_fields(other, Actor.system()) == []
        assert packs.export_pack(other, Actor.system())["audits"] == []
        # A date of birth is refused even where the field is one.
        case_fields.save_case_field(
            other, Actor.system(), key="dob", label="Born", kind="date", birth_date=True
        )
        bad = copy.deepcopy(pack)
        bad["cases"][0]["fields"]["dob"] = "2012-04-05"
        assert "cases[0] fields dob: a date of birth does not travel" in _refusal(other, bad)
    finally:
        other.close()


def test_a_new_case_field_needs_the_right_to_define_one(world, valued, tmp_path):
    pack = _world_with_values(world)
    other = open_database(tmp_path / "other.sqlite")
    try:
        bare = copy.deepcopy(pack)
        bare.pop("case_fields")
        bare["cases"][0].pop("fields")
        packs.import_pack(other, Actor.system(), bare)
        moderator = Actor(name="Morgan", roles=frozenset({"moderator"}))
        assert "case_fields[0] (pathway)" in _refusal(other, pack, moderator)
        assert case_fields.list_case_fields(other, Actor.system()) == []
    finally:
        other.close()
