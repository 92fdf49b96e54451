"""Malformed audit packs (issue #12, finding 6): every kind the adversarial review found, and
the application's own rules, refused by `import-pack` with exit 1 and ONE short line on stderr
that quotes no case text, the database unchanged. Before, 21 of 405 such packs ended in
"unexpected error" (exit 70) and others were taken in as they were."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit_tool import cli
from tests.services import pack_corpus
from tests.services.pack_corpus import Corpus

Pack = dict[str, Any]
BIG_REF = "C" * 10_000_000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return pack_corpus.module_corpus(tmp_path_factory)


def _final(pack: Pack) -> Pack:
    return next(a for a in pack["audits"] if a["status"] == "final")


def _bump(audit: Pack) -> Pack:
    audit["revision"] += 1
    return audit


def _set(path: str, value: Any) -> Callable[[Pack], None]:
    """Set a value by a dotted path from the final audit ('reviews.0.overall') or, starting
    with '/', from the pack ('/cases.0.ref')."""

    def apply(pack: Pack) -> None:
        node: Any = pack if path.startswith("/") else _final(pack)
        parts = path.lstrip("/").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _copy_of_final(keep: str) -> Callable[[Pack], None]:
    """In place of the final audit (held here), a new one (new id) that reuses its `keep` ids,
    which belong to the final audit here."""

    def apply(pack: Pack) -> None:
        audit = copy.deepcopy(_final(pack))
        audit["id"] = str(uuid.uuid4())
        for child in ("reviews", "learning_points", "actions", "feedback"):
            if child != keep:
                for record in audit[child]:
                    record["id"] = str(uuid.uuid4())
        pack["audits"] = [a for a in pack["audits"] if a["status"] != "final"] + [audit]

    return apply


def _twice(child: str) -> Callable[[Pack], None]:
    def apply(pack: Pack) -> None:
        records = _final(pack)[child]
        records.append(copy.deepcopy(records[0]))

    return apply


def _new_person(**values: Any) -> Callable[[Pack], None]:
    def apply(pack: Pack) -> None:
        person = {"key": "new1", "name": "New Person", "agency": "csc", "team": None, "roles": []}
        pack["people"].append(person | values)

    return apply


def _new_template(item_changes: Callable[[list[Pack]], None]) -> Callable[[Pack], None]:
    def apply(pack: Pack) -> None:
        template = copy.deepcopy(pack["templates"][0])
        template["version"] = 99
        item_changes(template["items"])
        pack["templates"].append(template)

    return apply


def _both(*changes: Callable[[Pack], None]) -> Callable[[Pack], None]:
    def apply(pack: Pack) -> None:
        for change in changes:
            change(pack)

    return apply


def _revision_text(text: str) -> Callable[[str], str]:
    """Raw JSON: the final audit's revision written as `text`."""

    def apply(raw: str) -> str:
        marker = '"revision": 424242'
        assert marker in raw
        return raw.replace(marker, f'"revision": {text}', 1)

    return apply


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


def _mark_revision(pack: Pack) -> None:
    _final(pack)["revision"] = 424242


# (what, change to the pack) -> refused; the message must hold `expect`.
CASES: list[tuple[str, Callable[[Pack], None] | None, Callable[[str], str] | None, str]] = [
    # -- dates and times that match the schema's pattern but are not real
    ("impossible date", _set("actions.0.due_on", "2026-02-30"), None, "not a real calendar"),
    ("impossible start", _set("/programmes.0.starts_on", "2025-13-01"), None, "not a real"),
    ("year zero", _set("feedback.0.collected_on", "0000-01-01"), None, "not a real"),
    ("impossible time", _set("updated_at", "2026-01-01T25:61:00+00:00"), None, "not a real time"),
    ("time past year 9999", _set("reviews.0.submitted_at", "9999-12-31T23:59:59-23:59"), None,
     "not a real time"),
    # -- numbers
    ("revision beyond 2^63", _set("revision", 2**64), None, "number beyond"),
    ("revision of 2^63-1", _set("revision", 2**63 - 1), None, "at most 1,000,000,000"),
    ("revision beyond a server integer", _set("revision", 2**31), None, "at most"),
    ("revision of 5000 digits", _mark_revision, _revision_text("1" * 5000), "number beyond"),
    ("revision 1e300", _mark_revision, _revision_text("1e300"), "at most"),
    ("revision 1e400", _mark_revision, _revision_text("1e400"), "too large"),
    ("NaN", _mark_revision, _revision_text("NaN"), "not a number"),
    ("revision as text", _set("revision", "7"), None, "must be a whole number"),
    ("template version 0", _set("template_version", 0), None, "at least 1"),
    # -- text no database stores, and nesting
    ("lone surrogate", _set("reviews.0.strengths", "ok \ud800 then"), None, "surrogate"),
    ("lone surrogate in a key", _set("reviews.0.answers", {"\udc00": "good"}), None, "surrogate"),
    ("NUL character", _set("reviews.0.worries", "a\x00b"), None, "NUL"),
    ("deep nesting", _set("/extra", _deep(60)), None, "nested"),
    ("very deep nesting", None, lambda raw: raw[:-1] + ', "x": ' + "[" * 200_000
     + "]" * 200_000 + "}", "nested"),
    # -- ids and keys that must be unique
    ("review ids twice in an audit", _twice("reviews"), None, "used twice"),
    ("learning ids twice", _twice("learning_points"), None, "used twice"),
    ("action ids twice", _twice("actions"), None, "used twice"),
    ("feedback ids twice", _twice("feedback"), None, "used twice"),
    ("an audit twice", lambda p: p["audits"].append(copy.deepcopy(p["audits"][0])), None,
     "same key"),
    ("review id of another audit", _copy_of_final("reviews"), None, "belongs to another"),
    ("learning id of another audit", _copy_of_final("learning_points"), None,
     "belongs to another"),
    ("action id of another audit", _copy_of_final("actions"), None, "belongs to another"),
    ("feedback id of another audit", _copy_of_final("feedback"), None, "belongs to another"),
    ("a role twice", _set("/people.0.roles", ["auditor", "auditor"]), None, "role is listed"),
    ("a person twice", lambda p: p["people"].append(copy.deepcopy(p["people"][0])), None,
     "same key"),
    ("template item key twice",
     _new_template(lambda items: items[1].update(key=items[0]["key"])), None, "comes twice"),
    # -- longer than the database's columns
    ("10 MB case reference", _set("/cases.0.ref", BIG_REF), None, "at most 40"),
    ("10 MB case reference in an audit", _set("case", BIG_REF), None, "no case"),
    ("agency key of 50", lambda p: p["agencies"].append({"key": "a" * 50, "name": "A"}), None,
     "longer than 40"),
    ("person name of 300", _new_person(name="N" * 300), None, "longer than 200"),
    ("item label of 400", _new_template(lambda items: items[0].update(label="L" * 400)), None,
     "longer than 300"),
    ("item section not text", _new_template(lambda items: items[0].update(section=5)), None,
     "must be a text"),
    ("worker feedback note of 300", _set("worker_feedback.how", "h" * 300), None,
     "longer than 200"),
    # -- the application's own rules
    ("case reference form", _set("/cases.0.ref", "C 1000!"), None, "not a case reference"),
    ("grade not on the scale", _set("reviews.0.overall", "brilliant"), None, "must be one of"),
    ("answer not on the scale", lambda p: _final(p)["reviews"][0]["answers"].update(
        {next(iter(_final(p)["reviews"][0]["answers"])): "brilliant"}), None,
     "not a grade on the Ofsted scale"),
    ("answer to no item", lambda p: _final(p)["reviews"][0]["answers"].update(nope="good"), None,
     "not an item"),
    ("moderator also an auditor", lambda p: _bump(_final(p)).update(
        moderator=_final(p)["reviews"][0]["reviewer"]), None, "cannot also be one of the auditors"),
    ("final audit without a grade", _set("moderation.overall", None), None,
     "final audit needs"),
    ("single audit moderated", _set("kind", "single"), None, "not moderated"),
    ("learning on no item", _set("learning_points.0.item", "nope"), None, "not a practice area"),
    ("person in another agency's team", _both(
        lambda p: p["agencies"].append({"key": "police", "name": "Police"}),
        _new_person(agency="police", team="assess_north")), None,
     "another agency"),
    ("unknown person", _set("actions.0.owner", "ghost"), None, "no person 'ghost'"),
    ("a name for a key", _set("actions.0.owner", "Rachel Baker"), None,
     "no person with the key given"),
    # -- not an audit pack at all
    ("JSON list", None, lambda raw: "[]", "a JSON object"),
    ("not JSON", None, lambda raw: raw[:100], "not a JSON audit pack"),
    ("wrong kind in anyOf", _set("/people.0.team", 5), None, "must be a text"),
    ("both bad", _both(_set("revision", 2**40), _set("/cases.0.ref", "")), None, "must"),
]  # fmt: skip


def _write(tmp_path: Path, corpus: Corpus, change: Any, raw_change: Any) -> Path:
    pack = copy.deepcopy(corpus.pack)
    if change is not None:
        change(pack)
    text = json.dumps(pack, indent=1)
    if raw_change is not None:
        text = raw_change(text)
    path = tmp_path / "pack.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("what", "change", "raw_change", "expect"), CASES, ids=[c[0] for c in CASES]
)
def test_a_malformed_pack_is_refused_in_one_line(
    corpus, tmp_path, capsys, what, change, raw_change, expect
):
    target = pack_corpus.copy_target(corpus, tmp_path)
    before = pack_corpus.fingerprint_of(target)
    pack_file = _write(tmp_path, corpus, change, raw_change)
    code = cli.run(["--database", str(target), "import-pack", str(pack_file)])
    out, err = capsys.readouterr()
    assert code == 1, (what, err)
    assert err.count("\n") == 1 and err.startswith("audit-tool: error: "), err[:500]
    assert len(err) < 600 and expect in err, err[:600]
    assert "CCCCCCCCCC" not in err and "Rachel" not in err  # pack text is never quoted
    assert pack_corpus.fingerprint_of(target) == before


def test_a_non_utf8_file_is_refused_in_one_line(corpus, tmp_path, capsys):
    target = pack_corpus.copy_target(corpus, tmp_path)
    before = pack_corpus.fingerprint_of(target)
    pack_file = tmp_path / "pack.json"
    pack_file.write_bytes(b'{"format": "\xff\xfe"}')
    assert cli.run(["--database", str(target), "import-pack", str(pack_file)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not UTF-8" in err
    assert pack_corpus.fingerprint_of(target) == before


def test_the_valid_pack_goes_in_and_integral_numbers_stay_integers(corpus, tmp_path, capsys):
    """The corpus's own pack is accepted; a revision written 7.0 is stored as the integer 7."""
    from audit_tool.access.actors import Actor
    from audit_tool.services import packs
    from audit_tool.store import open_database

    target = pack_corpus.copy_target(corpus, tmp_path)
    pack = copy.deepcopy(corpus.pack)
    _final(pack)["revision"] = 424242
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(pack).replace("424242", "4.2e5"), encoding="utf-8")
    assert cli.run(["--database", str(target), "import-pack", str(path)]) == 0
    assert "1 updated" in capsys.readouterr().out
    db = open_database(target)
    try:
        (final,) = [a for a in packs.export_pack(db, Actor.system())["audits"] if a["id"] ==
                    _final(pack)["id"]]  # fmt: skip
        assert final["revision"] == 420000 and isinstance(final["revision"], int)
    finally:
        db.close()
    assert cli.run(["--database", str(target), "log", "verify"]) == 0


# What a server refuses where SQLite does not (column lengths, NUL, integer range), and the
# unique keys: the same refusals on PostgreSQL.
ON_SERVER = [
    "agency key of 50",
    "person name of 300",
    "item label of 400",
    "worker feedback note of 300",
    "NUL character",
    "lone surrogate",
    "revision beyond a server integer",
    "review id of another audit",
    "template item key twice",
    "a role twice",
]
SERVER_CASES = [c for c in CASES if c[0] in ON_SERVER]


@pytest.mark.parametrize(
    ("what", "change", "raw_change", "expect"), SERVER_CASES, ids=[c[0] for c in SERVER_CASES]
)
def test_a_malformed_pack_is_refused_in_one_line_on_a_server(
    corpus, pg_url, tmp_path, capsys, what, change, raw_change, expect
):
    from audit_tool.access.actors import Actor
    from audit_tool.services import packs
    from audit_tool.store import open_database

    db = open_database(pg_url)
    try:
        packs.import_pack(db, Actor.system(), copy.deepcopy(corpus.pack))
        before = pack_corpus.fingerprint(db)
        pack_file = _write(tmp_path, corpus, change, raw_change)
        code = cli.run(["--database", pg_url, "import-pack", str(pack_file)])
        err = capsys.readouterr().err
        assert code == 1, (what, err)
        assert err.count("\n") == 1 and expect in err and len(err) < 600, err[:600]
        assert pack_corpus.fingerprint(db) == before
    finally:
        db.close()


# Found by the attack run at the end of issue 12: a refusal quoted up to 24 characters of an
# answer that was not on the template's scale, which can be case text.
@pytest.mark.parametrize(
    ("item", "value"),
    [("voice_of_child", "he said he is scared"), ("days_since_last_visit", "mum said x")],
)
def test_an_answer_is_not_quoted_in_a_refusal(tmp_path, capsys, item, value):
    from audit_tool.access.actors import Actor
    from audit_tool.services import packs
    from audit_tool.store import open_database
    from tests.factories import build_world, looped_audit

    db = open_database(tmp_path / "a.sqlite")
    try:
        world = build_world(db, Actor.system("set-up"))
        looped_audit(world)
        pack = packs.export_pack(db, world.lead)
    finally:
        db.close()
    (audit,) = pack["audits"]
    audit["revision"] += 1
    template = next(t for t in pack["templates"] if t["key"] == audit["template"])
    kinds = {i["key"]: i["kind"] for i in template["items"]}
    key = (
        item
        if item in kinds
        else next(
            k for k, kind in kinds.items() if kind == ("number" if "days" in item else "grade")
        )
    )
    audit["reviews"][0]["answers"][key] = value
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    assert cli.run(["--database", str(tmp_path / "a.sqlite"), "import-pack", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the value given" in err
    assert value[:5] not in err
