"""Two imports of overlapping audit packs at once on a PostgreSQL server (issue #12, finding 7):
the one that commits second used to end in "unexpected error" (a unique key taken meanwhile).
Now it runs once more and finds the other's audits held; a clash left after that is refused in
one line with nothing written.

The race is made exact without threads or waiting: while the second import is between
deciding that an audit is new and writing it, the first import (another connection) writes
and commits that audit."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from audit_tool import cli
from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.services import packs
from audit_tool.store import open_database
from tests.factories import build_world, looped_audit


@pytest.fixture
def race(pg_url, tmp_path):  # type: ignore[no-untyped-def]
    """A pack of two new audits, and two connections to a server that holds everything else."""
    source = open_database(tmp_path / "source.sqlite")
    try:
        world = build_world(source, Actor.system("set-up"))
        looped_audit(world, ref="C1000")
        looped_audit(world, ref="C1001")
        pack = packs.export_pack(source, world.lead)
    finally:
        source.close()
    first, second = open_database(pg_url), open_database(pg_url)
    build_world(first, Actor.system("set-up"))
    packs.import_pack(first, Actor.system(), copy.deepcopy(pack) | {"audits": []})
    yield pack, first, second
    first.close()
    second.close()


def _only(pack: dict[str, Any], i: int) -> dict[str, Any]:
    return copy.deepcopy(pack) | {"audits": [copy.deepcopy(pack["audits"][i])]}


def _race_on(monkeypatch, other_db, packs_first: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    """Each time the import about to be raced writes a new audit that the next of
    `packs_first` holds, that pack is imported (and committed) first, by someone else."""
    real = packs._fill_audit

    def racing(session, audit, data):  # type: ignore[no-untyped-def]
        if audit.id is None and packs_first and packs_first[0]["audits"][0]["id"] == data["id"]:
            packs.import_pack(other_db, Actor.system("someone else"), packs_first.pop(0))
        return real(session, audit, data)

    monkeypatch.setattr(packs, "_fill_audit", racing)


def test_the_second_of_two_imports_at_once_finds_the_firsts_audits(race, monkeypatch):
    pack, first, second = race
    x, y = (a["id"] for a in pack["audits"])
    _race_on(monkeypatch, first, [_only(pack, 0)])
    report = packs.import_pack(second, Actor.system(), copy.deepcopy(pack))
    assert report.unchanged == [x] and report.created == [y] and not report.conflicts
    held = {a["id"] for a in packs.export_pack(first, Actor.system())["audits"]}
    assert held == {x, y}
    assert cli.run(["--database", str(first.url.render_as_string(False)), "log", "verify"]) == 0


def test_a_clash_that_remains_is_refused_in_one_line(race, monkeypatch, tmp_path, capsys):
    pack, first, second = race
    x, y = (a["id"] for a in pack["audits"])
    _race_on(monkeypatch, first, [_only(pack, 0), _only(pack, 1)])
    with pytest.raises(ValidationError, match="at the same moment"):
        packs.import_pack(second, Actor.system(), copy.deepcopy(pack))
    # Both audits are there once, as the other import wrote them.
    held = packs.export_pack(first, Actor.system())["audits"]
    assert sorted(a["id"] for a in held) == sorted([x, y])
    # On the command line: exit 1 and one line.
    newer = copy.deepcopy(pack)
    for i, audit in enumerate(newer["audits"]):
        audit["id"] = f"00000000-0000-0000-0000-00000000000{i}"
        for child in ("reviews", "learning_points", "actions", "feedback"):
            for j, record in enumerate(audit[child]):
                record["id"] = f"00000000-0000-0000-{i:04d}-{j:012d}"
    _race_on(monkeypatch, first, [_only(newer, 0), _only(newer, 1)])
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(newer), encoding="utf-8")
    url = second.url.render_as_string(hide_password=False)
    assert cli.run(["--database", url, "import-pack", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "at the same moment" in err


def test_the_second_of_two_imports_changing_one_audit_reports_a_conflict(race, monkeypatch):
    """Found by the attack run at the end of issue 12: two packs changing the same audit,
    imported at once, left the second in "unexpected error" (StaleDataError, exit 70)."""
    pack, first, second = race
    packs.import_pack(first, Actor.system(), _only(pack, 0))
    x = pack["audits"][0]["id"]
    ours, theirs = _only(pack, 0), _only(pack, 0)
    for copy_, text in ((ours, "ours"), (theirs, "theirs")):
        copy_["audits"][0]["revision"] += 1
        copy_["audits"][0]["reviews"][0]["worries"] = f"Written by {text}"
    real = packs._fill_audit
    pending = [theirs]

    def racing(session, audit, data):  # type: ignore[no-untyped-def]
        if audit.id is not None and pending:
            packs.import_pack(first, Actor.system("someone else"), pending.pop())
        return real(session, audit, data)

    monkeypatch.setattr(packs, "_fill_audit", racing)
    report = packs.import_pack(second, Actor.system(), ours)
    assert not report.updated and len(report.conflicts) == 1 and x in report.conflicts[0]
    held = packs.export_pack(first, Actor.system())["audits"]
    assert [a["reviews"][0]["worries"] for a in held] == ["Written by theirs"]
    assert cli.run(["--database", str(first.url.render_as_string(False)), "log", "verify"]) == 0
