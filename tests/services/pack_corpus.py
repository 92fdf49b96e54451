"""A small world exported as an audit pack, a database holding it, and what a test compares
to say "nothing changed": shared by the malformed-pack corpus and the fuzz test."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from audit_tool.access.actors import Actor
from audit_tool.models import Base
from audit_tool.services import audits, feedback, learning, learning_actions, packs, templates
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from audit_tool.store import Database, open_database
from tests.factories import build_world, complete_review, looped_audit


@dataclass(frozen=True)
class Corpus:
    pack: dict[str, Any]  # a valid pack: a final audit with learning, actions and feedback,
    # and an audit in review
    target: Path  # an SQLite file that holds the pack already (closed)


def _world_pack(db: Database) -> dict[str, Any]:
    world = build_world(db, Actor.system("test set-up"))
    day = date(2026, 1, 10)
    uuid = looped_audit(world)
    feedback.add_feedback(
        db,
        world.auditor,
        FeedbackInput("parent", "phone", day, True, {"child_views": "yes"}, comment="Heard"),
        audit_uuid=uuid,
    )
    learning.add_learning_point(
        db, world.auditor, uuid, kind="strength", text="Voice recorded", themes=["Voice"]
    )
    learning_actions.add_action(
        db, world.moderator, uuid, text="Update the plan", owner_key="tm1", due_on=day
    )
    complete_review(world, world.auditor, uuid)
    complete_review(world, world.auditor2, uuid)
    tpl = templates.get_template(db, world.lead, "moderated_case_file")
    audits.confirm(
        db,
        world.moderator,
        uuid,
        answers={i.key: Answer("good") for i in tpl.graded_items},
        overall="good",
    )
    waiting = looped_audit(world, ref="C1001")
    complete_review(world, world.auditor, waiting)
    learning_actions.add_action(
        db, world.auditor, waiting, text="Chase", owner_key="tm1", due_on=day + timedelta(9)
    )
    return packs.export_pack(db, world.lead, source="Corpus partnership")


def build(folder: Path) -> Corpus:
    """Made once per test module (the caller keeps the home folder isolated)."""
    source = open_database(folder / "source.sqlite")
    try:
        pack = _world_pack(source)
    finally:
        source.close()
    target = open_database(folder / "target.sqlite")
    try:
        packs.import_pack(target, Actor.system(), pack)
    finally:
        target.close()
    return Corpus(pack, folder / "target.sqlite")


def module_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("corpus-home")
        mp.setenv("AUDIT_TOOL_HOME", str(home))
        mp.setenv("XDG_CONFIG_HOME", str(home / "config"))
        return build(tmp_path_factory.mktemp("corpus"))


def copy_target(corpus: Corpus, folder: Path) -> Path:
    path = folder / "target.sqlite"
    shutil.copyfile(corpus.target, path)
    return path


def fingerprint(db: Database) -> str:
    """Every row of every table, hashed: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in session.execute(select(table)))
            digest.update(f"{table.name}:{len(rows)}:{''.join(rows)}".encode("utf-8", "replace"))
    return digest.hexdigest()


def fingerprint_of(path_or_url: str | Path) -> str:
    db = open_database(path_or_url)
    try:
        return fingerprint(db)
    finally:
        db.close()
