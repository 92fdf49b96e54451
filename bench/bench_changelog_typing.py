"""Change-log size of a typing session: an auditor fills in a review while the form autosaves
100 times, and every save is logged with only what it changed.

    .venv/bin/python bench/bench_changelog_typing.py [--saves 100]

The session, in a new SQLite file: each autosave grades one practice area or adds a sentence
(about 60 characters) to one of the three free-text summaries or an item's comment, in turn,
so the texts grow as they would while typing. Reports the entries written, their stored size
(the before/after JSON, summary and the chain's fields, as the database keeps them) per entry,
the largest entry, and the before/after size of the same saves in the former format (every
top-level field that changed, so the whole answers map whenever one answer changed).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from audit_tool.access.actors import Actor
from audit_tool.models import ChangeLogEntry
from audit_tool.services import audits, cases, programmes, reference
from audit_tool.services.audits import Answer
from audit_tool.store import open_database

SENTENCE = "Mum said the plan was explained to her at the last home visit. "
GRADES = ("good", "requires_improvement", "outstanding", "inadequate")


def _setup(db: object) -> tuple[Actor, str]:
    system = Actor.system("bench set-up")
    reference.save_agency(db, system, key="csc", name="Children's Social Care")
    reference.save_team(
        db, system, key="t1", name="Assessment", agency_key="csc", service_area="Assessment"
    )
    for key, name, roles in (
        ("lead1", "Priya Lead", ["lead", "moderator", "auditor"]),
        ("aud1", "Alex Auditor", ["auditor"]),
        ("mod1", "Morgan Moderator", ["moderator", "auditor"]),
    ):
        reference.save_person(db, system, key=key, name=name, agency_key="csc", roles=roles)
    cases.create_case(
        db, system, cases.CaseInput(ref="C1000", initials="AB", case_type="cin", team="t1")
    )
    lead = reference.actor_for(db, "lead1")
    programmes.save_programme(
        db,
        lead,
        key="p1",
        name="Bench",
        kind="monthly",
        template_key="moderated_case_file",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
    )
    (row,) = programmes.add_audits(db, lead, "p1", ["C1000"], kind="looped")
    programmes.assign(db, lead, row.audit_uuid, reviewers=["aud1", "lead1"], moderator="mod1")
    auditor = reference.actor_for(db, "aud1")
    review = audits.get_audit(db, auditor, row.audit_uuid).my_review
    assert review is not None
    return auditor, review


def _entry_bytes(e: ChangeLogEntry) -> int:
    parts = [e.before, e.after]
    size = sum(len(json.dumps(p, ensure_ascii=False)) for p in parts if p is not None)
    text = (e.summary, e.actor_name, e.action, e.entity, e.entity_uuid, e.reason)
    size += sum(len(t or "") for t in text)
    return size + len(e.hash or "") + len(e.prev_hash or "") + len(e.digest or "")


def main() -> None:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.sqlite")
        auditor, review = _setup(db)
        items = [i.key for i in audits.get_audit(db, auditor, _audit_of(db, review)).template.items]
        graded = items[:12]
        answers = {k: Answer(None, "") for k in items}
        texts = {"strengths": "", "worries": "", "next_steps": ""}
        with db.session() as session:
            first = int(session.scalar(select(func.max(ChangeLogEntry.id))) or 0)
        whole = 0
        for n in range(args.saves):
            step = n % 4
            if step == 0:
                key = graded[(n // 4) % len(graded)]
                grade = GRADES[(n // 4 + n // 48) % len(GRADES)]  # a new grade each time
                answers[key] = Answer(grade, answers[key].comment)
            elif step == 3:
                key = graded[(n // 4) % len(graded)]
                answers[key] = Answer(answers[key].value, answers[key].comment + SENTENCE)
            else:
                field = ("strengths", "worries", "next_steps")[(n // 4 + step) % 3]
                texts[field] += SENTENCE
            before = _snapshot(db, review)
            audits.save_review(db, auditor, review, answers=dict(answers), **texts)
            after = _snapshot(db, review)
            # The former format: every top-level field that changed, the answers as one map.
            keys = [k for k in after if before[k] != after[k]]
            whole += len(json.dumps({k: before[k] for k in keys}, ensure_ascii=False))
            whole += len(json.dumps({k: after[k] for k in keys}, ensure_ascii=False))
        with db.session() as session:
            logged = list(
                session.scalars(
                    select(ChangeLogEntry)
                    .where(ChangeLogEntry.id > first, ChangeLogEntry.entity == "review")
                    .order_by(ChangeLogEntry.id)
                )
            )
        sizes = [_entry_bytes(e) for e in logged]
        db.close()
    print(f"{args.saves} autosaves -> {len(logged)} change-log entries")
    print(f"stored per entry: mean {sum(sizes) / len(sizes):,.0f} bytes, largest {max(sizes):,}")
    print(f"all entries: {sum(sizes):,} bytes")
    print(
        "the same saves in the former format (the whole answers map whenever one answer "
        f"changed), before/after only: {whole / args.saves:,.0f} bytes per entry"
    )


def _audit_of(db: object, review: str) -> str:
    from audit_tool.models import Audit, Review

    with db.session() as session:  # type: ignore[attr-defined]
        return str(session.scalar(select(Audit.uuid).join(Review).where(Review.uuid == review)))


def _snapshot(db: object, review: str) -> dict[str, object]:
    from audit_tool.models import Review
    from audit_tool.services.audits.reviews import review_snapshot

    with db.session() as session:  # type: ignore[attr-defined]
        row = session.scalar(select(Review).where(Review.uuid == review))
        assert row is not None
        return review_snapshot(row)


if __name__ == "__main__":
    main()
