"""Briefing benchmark: draft and export a 7-minute briefing from a programme of 30 final audits
in a database of 200,000 audits.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_briefing.py [--runs 7] [--rebuild]

The first run builds the demo database (200,000 audits, seed 1, about 95 s) and keeps it in
bench/out/ (git-ignored); later runs reuse it. The briefing is drafted from a demo programme
with exactly 30 final audits (seed 1 has one: school_referrals_stepped_down). Should the demo
have none, a thematic programme of 30 is made when the database is built: audits cannot move
between programmes, so its audits are new ones taken to final through the services the way
users do, each re-auditing the case of a final demo audit, by the same auditors and moderator
where the rules still allow them, with that audit's grades, learning points, family feedback
and actions.

Then it reports, for a QA lead (a real person, so the change log is written as in use):
- (a) drafting: `briefings.new_briefing(programme_key=...)`, a fresh briefing each run;
- (b) exporting: `briefings.export_briefing(...)`: the identifier check, the PDF, the file;
- (c) their sum; (a) to (c) in one warm process (the process's first run is shown apart);
- (d) `audit-tool --database DB --user LEAD briefing --programme KEY --out FILE.pdf` as a
  user runs it, process start to exit, on a fresh copy of the database each run (the command
  drafts only when the programme has no briefing yet).
Median and worst of N runs each. Budget (issue 5): (c) under 1 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
AUDITS = 200_000
SIZE = 30
KEY = "bench-briefing-30"
TODAY = date(2026, 11, 20)


# ---------------------------------------------------------------- the database


def build_demo(path: Path, audits: int = AUDITS) -> None:
    from audit_tool.access.actors import Actor
    from audit_tool.services import demo, seed
    from audit_tool.store import open_database

    seed.register()  # the database starts with the defaults, as the app's do

    started = time.perf_counter()
    shown = [0.0]

    def progress(done: int, total: int) -> bool:
        now = time.perf_counter()
        if now - shown[0] >= 10 or done == total:
            shown[0] = now
            print(f"  demo data: {done:,} of {total:,} rows, {now - started:.0f} s", flush=True)
        return True

    print(f"building a demo database of {audits:,} audits (about 95 s) in {path}", flush=True)
    db = open_database(path)
    try:
        demo.generate(db, Actor.system(), audits=audits, seed=1, today=TODAY, progress=progress)
    finally:
        db.close()
    print(f"built in {time.perf_counter() - started:.1f} s", flush=True)


def lead_key(db: Any) -> str:
    from audit_tool.access.actors import Actor
    from audit_tool.services import reference

    leads = reference.list_people(db, Actor.system(), role="lead", include_inactive=False)
    return sorted(p.key for p in leads)[0]


def final_counts(db: Any) -> dict[str, int]:
    """Final audits per programme key (a read-only query; no service lists this)."""
    from sqlalchemy import func, select

    from audit_tool.models import Audit, Programme

    with db.session() as session:
        rows = session.execute(
            select(Programme.key, func.count(Audit.id))
            .join(Audit, Audit.programme_id == Programme.id)
            .where(Audit.status == "final")
            .group_by(Programme.key)
        )
        return {key: int(n) for key, n in rows}


def _assign(db: Any, lead: Any, uuid: str, source: Any, spares: list[str]) -> tuple[str, ...]:
    """The source audit's auditors and moderator, or others where the rules now refuse them
    (a person gone inactive, say). Returns the auditors' keys in the source's order."""
    from audit_tool.errors import ValidationError
    from audit_tool.services import programmes

    auditors = [r.reviewer_key for r in source.reviews]
    moderator = source.moderator_key
    tries = [(auditors, moderator)]
    rng = random.Random(uuid)
    for _ in range(20):
        picked = rng.sample(spares, 3)
        tries.append((picked[:2], picked[2]))
    for keys, mod in tries:
        try:
            programmes.assign(db, lead, uuid, reviewers=list(keys), moderator=mod)
            return tuple(keys)
        except ValidationError:
            continue
    raise RuntimeError(f"no auditors could be assigned to audit {uuid}")


def _reaudit(db: Any, lead: Any, source: Any, spares: list[str]) -> None:
    """A new audit of the source audit's case in the benchmark programme, taken to final."""
    from audit_tool.services import (
        audits,
        feedback,
        learning,
        learning_actions,
        programmes,
        reference,
    )
    from audit_tool.services.feedback import FeedbackInput

    (row,) = programmes.add_audits(db, lead, KEY, [source.case_ref], kind="looped")
    uuid = row.audit_uuid
    keys = _assign(db, lead, uuid, source, spares)
    auditors = [reference.actor_for(db, k) for k in keys]
    for lp in learning.audit_learning(db, lead, source.uuid):
        learning.add_learning_point(
            db,
            auditors[0],
            uuid,
            kind=lp.kind,
            text=lp.text,
            item_key=lp.item_key,
            themes=list(lp.themes),
            in_briefing=lp.in_briefing,
        )
    for fb in feedback.audit_feedback(db, lead, source.uuid):
        data = FeedbackInput(
            fb.respondent,
            fb.channel,
            fb.collected_on,
            fb.consent,
            dict(fb.answers),
            fb.comment,
            fb.shareable,
        )
        feedback.add_feedback(db, auditors[0], data, audit_uuid=uuid)
    for actor, review in zip(auditors, source.reviews, strict=True):
        mine = audits.get_audit(db, actor, uuid).my_review
        assert mine is not None
        audits.save_review(
            db,
            actor,
            mine,
            answers=dict(review.answers),
            overall=review.overall,
            strengths=review.strengths,
            worries=review.worries,
            next_steps=review.next_steps,
        )
        audits.submit_review(db, actor, mine)
    moderation = source.moderation
    assert moderation is not None
    moderator = reference.actor_for(db, audits.get_audit(db, lead, uuid).moderator_key or "")
    audits.confirm(
        db,
        moderator,
        uuid,
        answers=dict(moderation.answers),
        overall=moderation.overall or source.final_overall,
        rationale=moderation.rationale or "Grades agreed at moderation.",
    )
    for action in learning_actions.audit_actions(db, lead, source.uuid):
        made = learning_actions.add_action(
            db,
            lead,
            uuid,
            text=action.text,
            owner_key=action.owner_key,
            due_on=action.due_on,
            scope=action.scope,
        )
        if action.status != "open":
            learning_actions.set_action_status(
                db,
                lead,
                made.uuid,
                action.status,
                note=action.completion_note or "Closed at the QA meeting.",
                on=action.completed_on,
            )


def make_programme(db: Any, lead: Any) -> None:
    """A thematic programme with 30 final audits, each re-auditing a final demo audit's case."""
    from audit_tool.services import audits, programmes, reference

    rows = {p.key: p for p in programmes.list_programmes(db, lead)}
    counts = final_counts(db)
    # The thematic demo programme with the most final audits lends its theme and its cases.
    thematic = [k for k, p in rows.items() if p.kind == "thematic" and counts.get(k, 0) >= SIZE]
    source = max(thematic or list(counts), key=lambda k: counts.get(k, 0))
    prog = rows[source]
    finals = [
        a
        for a in audits.list_audits(db, lead, status="final", programme_key=source, limit=100_000)
        if a.kind == "looped"
    ]
    chosen = random.Random(1).sample(finals, min(len(finals), 3 * SIZE))
    spares = sorted(
        p.key
        for p in reference.list_people(db, lead, role="auditor", include_inactive=False)
        if "moderator" in p.roles
    )
    programmes.save_programme(
        db,
        lead,
        key=KEY,
        name=f"{prog.name} (re-audit)",
        kind="thematic",
        template_key=prog.template_key,
        starts_on=date(2026, 11, 1),
        due_on=date(2026, 11, 30),
        theme=prog.theme or prog.name,
        description=prog.description,
        sample_size=SIZE,
    )
    print(f"programme {KEY}: re-auditing {SIZE} final audits of {source}", flush=True)
    done = 0
    for row in chosen:
        view = audits.get_audit(db, lead, row.uuid)
        if view.moderation is None or len(view.reviews) != 2:
            continue
        _reaudit(db, lead, view, spares)
        done += 1
        if done % 10 == 0:
            print(f"  {done} of {SIZE} audits final", flush=True)
        if done == SIZE:
            return
    raise RuntimeError(f"only {done} of the programme {source}'s audits could be re-audited")


def prepare(rebuild: bool) -> tuple[Path, str, str]:
    """The cached database (demo data and a programme of 30 final audits), its programme key
    and the QA lead's person key. Built under a temporary name, so a cached file is whole."""
    from audit_tool.services import reference
    from audit_tool.store import open_database

    OUT.mkdir(exist_ok=True)
    path = OUT / f"briefing-{AUDITS}.sqlite"
    if rebuild:
        for p in OUT.glob(path.name + "*"):
            p.unlink()
    if not path.exists():
        building = path.with_name(path.name + ".building")
        for p in OUT.glob(building.name + "*"):
            p.unlink()
        build_demo(building)
        db = open_database(building)
        try:
            exact = [k for k, n in final_counts(db).items() if n == SIZE]
            if not exact:
                started = time.perf_counter()
                make_programme(db, reference.actor_for(db, lead_key(db)))
                print(f"programme made in {time.perf_counter() - started:.1f} s", flush=True)
        finally:
            db.close()
        building.rename(path)
    db = open_database(path, create=False)
    try:
        counts = final_counts(db)
        exact = sorted(k for k, n in counts.items() if n == SIZE and k != KEY)
        key = exact[0] if exact else KEY
        lead = lead_key(db)
    finally:
        db.close()
    return path, key, lead


def fresh_copy(source: Path, name: str) -> Path:
    """A copy of the cached database, without the briefings earlier runs drafted."""
    target = OUT / name
    for p in OUT.glob(name + "*"):
        p.unlink()
    shutil.copyfile(source, target)
    # Write the copy out now: SQLite's checkpoint when the last connection closes calls
    # fsync, which would otherwise charge the writing of the whole copy to the run.
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())
    return target


# ---------------------------------------------------------------- timing


def in_process(path: Path, key: str, lead: str, runs: int) -> dict[str, list[float]]:
    """Seconds per run for drafting and exporting, the process's first run apart."""
    from audit_tool.services import briefings, reference
    from audit_tool.store import open_database

    db = open_database(path, create=False)
    times: dict[str, list[float]] = {"draft": [], "export": [], "total": []}
    try:
        actor = reference.actor_for(db, lead)
        for run in range(runs + 1):
            started = time.perf_counter()
            view = briefings.new_briefing(db, actor, programme_key=key)
            drafted = time.perf_counter()
            briefings.export_briefing(db, actor, view.uuid, OUT / f"briefing-{run}.pdf")
            exported = time.perf_counter()
            assert view.row.audits == SIZE, view.row.audits
            times["draft"].append(drafted - started)
            times["export"].append(exported - drafted)
            times["total"].append(exported - started)
    finally:
        db.close()
    return times


def command_line(source: Path, key: str, lead: str, runs: int) -> list[float]:
    from audit_tool.services.demo import DEMO_PASSWORD

    exe = Path(sys.executable).with_name("audit-tool")
    seconds = []
    for run in range(runs):
        path = fresh_copy(source, "cli.sqlite")
        pdf = OUT / f"cli-{run}.pdf"
        argv = [str(exe), "--database", str(path), "--user", lead, "briefing"]
        argv += ["--programme", key, "--out", str(pdf)]
        # --user needs that person's password (the demo's): from the environment, as a script.
        env = dict(os.environ, AUDIT_TOOL_PASSWORD=DEMO_PASSWORD)
        started = time.perf_counter()
        out = subprocess.run(
            argv, capture_output=True, text=True, timeout=120, check=False, env=env
        )
        seconds.append(time.perf_counter() - started)
        if out.returncode != 0 or "drafted from the audits" not in out.stdout:
            raise RuntimeError(f"audit-tool failed: {out.stdout!r} {out.stderr!r}")
    return seconds


def line(label: str, values: list[float], budget: str = "") -> str:
    median, worst = statistics.median(values), max(values)
    tail = f"  [budget {budget}]" if budget else ""
    return f"  {label:<52} {median * 1000:7.0f} ms, worst {worst * 1000:6.0f} ms{tail}"


def main() -> None:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    args = parser.parse_args()
    cached, key, lead = prepare(args.rebuild)
    print(f"database {cached.name}; programme {key}; QA lead {lead}")
    work = fresh_copy(cached, "work.sqlite")
    times = in_process(work, key, lead, args.runs)
    first = {k: v.pop(0) for k, v in times.items()}
    print(f"briefing from {SIZE} final audits in {AUDITS:,}, median and worst of {args.runs} runs")
    print(
        f"  first run in the process (imports, cold caches): draft {first['draft'] * 1000:.0f} "
        f"ms, export {first['export'] * 1000:.0f} ms, sum {first['total'] * 1000:.0f} ms"
    )
    print(line("(a) draft: new_briefing", times["draft"]))
    print(line("(b) export: check, render, write the PDF", times["export"]))
    print(line("(c) draft + export, one warm process", times["total"], "< 1000 ms"))
    pdf = OUT / f"briefing-{args.runs}.pdf"
    print(f"  PDF: {pdf.stat().st_size / 1000:.0f} kB")
    if not args.no_cli:
        seconds = command_line(cached, key, lead, args.runs)
        print(line("(d) audit-tool briefing, process start to exit", seconds))
    for name in ("work.sqlite", "cli.sqlite"):
        for p in OUT.glob(name + "*"):
            p.unlink()


if __name__ == "__main__":
    main()
