"""Team-server load test: simulated users on one PostgreSQL server, and proof of no lost update.

    .venv/bin/python bench/bench_load.py [--users 20] [--seconds 60] [--audits 2000]
                                         [--think-ms 1000] [--pg postgresql+psycopg://...]

Creates a fresh database `audit_tool_load_<random>` on the server (default: user postgres on
127.0.0.1:5432), fills it with the demo partnership (2,000 audits) and a load-test programme of
looped audits assigned to the simulated users, some already waiting for moderation. Then runs
the users as separate processes (spawned; each with its own engine, so its own connection),
each through the service layer as its own Actor, for the given time:

- auditors open their lists (audits assigned to them, all audits they may see, actions, family
  feedback), open audits, save review drafts (as the form autosaves, holding the revision they
  read), now and then save from an outdated copy (a second window: must be refused), and
  submit a review once it is complete;
- moderators open the list of audits waiting for them and the other lists, open an audit and
  claim it, save moderation in progress, then confirm the final grades or return a review.

Between operations a user pauses for a random time (exponential, mean `--think-ms`, 1 s by
default: a busy user, autosaving every couple of seconds; real users pause longer). With
`--think-ms 0` every user works flat out (a saturation test): on a small machine that runs the
server and all the users, it measures the users' own CPU more than the server.

Each user counts its own successful writes: for each write to a review (draft save, submit,
return) the revision it started from and the one it left, and for a draft save the distinct
marker it wrote into the review's strengths text and its answers; per audit the moderation
saves and confirms. At the end the parent reconciles every count with the database: each
review's writes form one unbroken chain of revisions from where it started to what the
database holds (two writes from the same revision would be a lost update), and the review
holds the text and answers of its last counted save; each audit's revision moved at least once
per write counted inside it, and each audit confirmed is final with the grade confirmed; the
change log holds exactly the submits, returns and confirms each user counted, and its chain
verifies. Any mismatch is a lost (or phantom) update, and the exit status is 1.

Prints the machine (cores), users, duration, operations and throughput, and per operation
kind the count, median, 95th percentile and worst latency, conflicts and errors.
Budget (issue 8): p95 of a draft save < 100 ms.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import queue
import random
import statistics
import sys
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOAD_PROGRAMME = "load-test"
TODAY = date(2026, 3, 15)
BUDGET_DRAFT_P95_MS = 100.0

# What a user does next, with weights (a realistic session: mostly editing, lists refreshed
# often, an audit opened now and then). Submitting and moderating follow from the work state.
AUDITOR_MIX = (
    ("save_draft", 50),
    ("list_assigned", 12),
    ("open_audit", 12),
    ("list_all", 4),
    ("list_actions", 5),
    ("list_feedback", 5),
    ("stale_save", 2),
)
MODERATOR_MIX = (
    ("moderate", 40),
    ("list_moderation", 25),
    ("list_all", 8),
    ("list_actions", 8),
    ("list_feedback", 8),
)
OP_LABELS = {
    "list_assigned": "list: audits assigned to me",
    "list_moderation": "list: audits waiting for my moderation",
    "list_all": "list: all audits I may see",
    "list_actions": "list: actions",
    "list_feedback": "list: family feedback",
    "open_audit": "open an audit",
    "save_draft": "save a review draft",
    "stale_save": "save from an outdated copy (must be refused)",
    "submit": "submit a review",
    "claim": "claim an audit to moderate",
    "save_moderation": "save moderation in progress",
    "confirm": "confirm final grades",
    "return": "return a review to its auditor",
}


# ---------------------------------------------------------------- the plan and the results


@dataclass(frozen=True)
class UserSpec:
    key: str
    role: str  # "auditor" or "moderator"
    seed: int


@dataclass(frozen=True)
class Link:
    """One successful write to a review: the revision it started from and the one it left.
    For a draft save, also the strengths text and the answers it wrote."""

    review_uuid: str
    kind: str  # "save", "submit" or "return"
    before: int
    after: int
    text: str | None = None
    answers: tuple[tuple[str, str | None], ...] | None = None


@dataclass
class UserResult:
    key: str
    role: str
    started: bool = False
    crashed: str = ""
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    conflicts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    # successful writes
    links: list[Link] = field(default_factory=list)
    audit_writes: Counter[str] = field(default_factory=Counter)  # audit uuid -> writes inside
    moderation_saves: int = 0
    confirmed: dict[str, str] = field(default_factory=dict)  # audit uuid -> final overall
    open_reviews_left: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for link in self.links if link.kind == kind)

    @property
    def writes(self) -> int:
        return len(self.links) + self.moderation_saves + len(self.confirmed)


@dataclass(frozen=True)
class Baseline:
    """What the database held when the users started (every audit: moderators also work on
    the demo audits waiting for them)."""

    review_revisions: dict[str, int]  # review uuid -> revision
    audit_revisions: dict[str, int]  # audit uuid -> revision
    finals: int  # audits that were final
    last_log_id: int


# ---------------------------------------------------------------- set-up


def create_database(admin_url: str) -> tuple[str, str]:
    """A new empty database on the server: (its name, its URL)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"audit_tool_load_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return name, url


def drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def choose_users(db: Any, n_users: int) -> list[UserSpec]:
    """About a third moderators (people with the moderator role), the rest auditors."""
    from audit_tool.access.actors import Actor
    from audit_tool.services import reference

    people = [p for p in reference.list_people(db, Actor.system()) if p.active]
    auditors = sorted(p.key for p in people if set(p.roles) == {"auditor"})
    moderators = sorted(p.key for p in people if set(p.roles) == {"auditor", "moderator"})
    n_mod = max(1, round(n_users * 0.3))
    n_aud = n_users - n_mod
    if n_aud < 2 or n_aud > len(auditors) or n_mod > len(moderators):
        raise SystemExit(
            f"{n_users} users need {n_aud} auditors (2 to {len(auditors)}) and {n_mod} "
            f"moderators (at most {len(moderators)}) from the demo partnership"
        )
    specs = [UserSpec(k, "auditor", i) for i, k in enumerate(auditors[:n_aud])]
    specs += [UserSpec(k, "moderator", 100 + i) for i, k in enumerate(moderators[:n_mod])]
    return specs


def _complete_answers(template: Any, rng: random.Random) -> tuple[dict[str, Any], str]:
    from audit_tool.services.audits import Answer

    grades = [lv.key for lv in template.levels if lv.rank is not None]
    answers = {item.key: Answer(rng.choice(grades)) for item in template.graded_items}
    return answers, rng.choice(grades)


def build_load_programme(
    db: Any, users: list[UserSpec], reviews_per_auditor: int, ready_per_moderator: int
) -> int:
    """Looped audits for the simulated users: each auditor reviews `reviews_per_auditor`
    (paired with another auditor), and the first audits of each moderator are already
    submitted by both auditors, waiting for moderation. Returns the number of audits."""
    from audit_tool.access.actors import Actor
    from audit_tool.errors import ValidationError
    from audit_tool.services import audits, programmes, reference

    system = Actor.system("load test set-up")
    auditors = [u.key for u in users if u.role == "auditor"]
    moderators = [u.key for u in users if u.role == "moderator"]
    template_key = programmes.list_programmes(db, system, kind="monthly")[0].template_key
    programmes.save_programme(
        db,
        system,
        key=LOAD_PROGRAMME,
        name="Load test programme",
        kind="monthly",
        template_key=template_key,
        starts_on=TODAY,
        due_on=date(2026, 6, 30),
    )
    n_audits = len(auditors) * reviews_per_auditor // 2
    refs = programmes.candidate_cases(
        db, system, programmes.SampleFilters(), programme_key=LOAD_PROGRAMME
    )
    rng = random.Random(8)
    rng.shuffle(refs)
    # Extra cases: an assignment is refused where an auditor is the case's worker or manager.
    added = programmes.add_audits(db, system, LOAD_PROGRAMME, sorted(refs[: n_audits * 2]))
    n = len(auditors)
    assigned: list[tuple[str, list[str], str]] = []
    pending = [a.audit_uuid for a in added]
    for i in range(n_audits):
        first = auditors[i % n]
        second = auditors[(i + 1 + (i // n) % (n - 1)) % n]
        moderator = moderators[i % len(moderators)]
        while pending:
            audit_uuid = pending.pop()
            try:
                programmes.assign(
                    db, system, audit_uuid, reviewers=[first, second], moderator=moderator
                )
            except ValidationError:
                continue  # a conflicted case: try the next one
            assigned.append((audit_uuid, [first, second], moderator))
            break
    actors = {k: reference.actor_for(db, k) for k in auditors}
    ready: Counter[str] = Counter()
    for audit_uuid, reviewers, moderator in assigned:
        if ready[moderator] >= ready_per_moderator:
            continue
        ready[moderator] += 1
        for key in reviewers:
            view = audits.get_audit(db, actors[key], audit_uuid)
            answers, overall = _complete_answers(view.template, rng)
            review_uuid = view.my_review
            assert review_uuid is not None
            audits.save_review(
                db,
                actors[key],
                review_uuid,
                answers=answers,
                overall=overall,
                strengths="Written before the run",
            )
            audits.submit_review(db, actors[key], review_uuid)
    return len(assigned)


def prepare(
    db: Any, users: int, demo_audits: int, reviews_per_auditor: int, ready_per_moderator: int
) -> tuple[list[UserSpec], int]:
    """Fill an empty database: the demo partnership, then the users' programme."""
    from audit_tool.access.actors import Actor
    from audit_tool.services import demo

    demo.generate(db, Actor.system("load test"), audits=demo_audits, seed=1, today=TODAY)
    specs = choose_users(db, users)
    return specs, build_load_programme(db, specs, reviews_per_auditor, ready_per_moderator)


def baseline(db: Any) -> Baseline:
    from sqlalchemy import func, select

    from audit_tool.models import Audit, ChangeLogEntry, Review

    with db.session() as session:
        audit_rows = session.execute(select(Audit.uuid, Audit.revision, Audit.status)).all()
        review_rows = session.execute(select(Review.uuid, Review.revision)).all()
        last = session.scalar(select(func.max(ChangeLogEntry.id))) or 0
    return Baseline(
        review_revisions={r[0]: r[1] for r in review_rows},
        audit_revisions={a[0]: a[1] for a in audit_rows},
        finals=sum(1 for a in audit_rows if a[2] == "final"),
        last_log_id=int(last),
    )


# ---------------------------------------------------------------- a simulated user


class _Timer:
    """Runs one operation, timing it and sorting its outcome into the user's counts."""

    def __init__(self, result: UserResult) -> None:
        self.result = result

    def __call__(self, kind: str, fn: Callable[[], Any]) -> tuple[str, Any]:
        from audit_tool.errors import ConflictError

        started = time.perf_counter()
        try:
            value = fn()
            outcome = "ok"
        except ConflictError as exc:
            value, outcome = exc, "conflict"
            self.result.conflicts[kind] += 1
        except Exception as exc:  # counted and shown; the user carries on
            value, outcome = exc, "error"
            self.result.errors[kind] += 1
            if len(self.result.error_samples) < 5:
                self.result.error_samples.append(f"{kind}: {type(exc).__name__}: {exc}")
        self.result.latencies[kind].append(time.perf_counter() - started)
        return outcome, value


@dataclass
class _Review:
    uuid: str
    audit_uuid: str
    revision: int
    status: str
    saves_to_submit: int
    answers: dict[str, Any] = field(default_factory=dict)


class Auditor:
    def __init__(self, db: Any, spec: UserSpec, result: UserResult) -> None:
        from audit_tool.services import audits, reference

        self.db, self.spec, self.result = db, spec, result
        self.actor = reference.actor_for(db, spec.key)
        self.rng = random.Random(spec.seed)
        self.time = _Timer(result)
        self.saves = 0
        self.reviews: dict[str, _Review] = {}
        self.template: Any = None
        for row in audits.list_audits(
            db, self.actor, mine="assigned", programme_key=LOAD_PROGRAMME
        ):
            self._learn(audits.get_audit(db, self.actor, row.uuid))
        self.recheck: list[str] = []
        self.current: str | None = None

    def _learn(self, view: Any) -> None:
        """Take in what an opened audit says about my review (a return, a new revision)."""
        self.template = view.template
        mine = view.review(view.my_review)
        known = self.reviews.get(mine.uuid)
        if known is None:
            known = _Review(mine.uuid, view.uuid, mine.revision, mine.status, self._target())
            self.reviews[mine.uuid] = known
        if mine.status != known.status and mine.status == "returned":
            known.saves_to_submit = self._target() // 3 + 1  # a few changes, then again
        known.revision, known.status = mine.revision, mine.status
        known.answers = dict(mine.answers)

    def _target(self) -> int:
        return self.rng.randint(4, 12)

    def _editable(self) -> list[_Review]:
        return [r for r in self.reviews.values() if r.status in ("draft", "returned")]

    def _working(self) -> _Review | None:
        """The review being written: an auditor finishes one (autosaving as they go) before
        starting the next, and takes a returned one first."""
        current = self.reviews.get(self.current or "")
        if current is not None and current.status in ("draft", "returned"):
            return current
        editable = self._editable()
        if not editable:
            return None
        returned = [r for r in editable if r.status == "returned"]
        chosen = returned[0] if returned else self.rng.choice(editable)
        self.current = chosen.uuid
        return chosen

    def step(self, op: str) -> None:
        from audit_tool.services import audits, feedback, learning_actions

        db, actor = self.db, self.actor
        if op == "list_assigned":
            outcome, rows = self.time(op, lambda: audits.list_audits(db, actor, mine="assigned"))
            if outcome == "ok":
                held = {r.audit_uuid: r for r in self.reviews.values()}
                self.recheck = [
                    row.uuid
                    for row in rows
                    if row.uuid in held
                    and row.status == "returned"
                    and held[row.uuid].status == "submitted"
                ]
        elif op == "list_all":
            self.time(op, lambda: audits.list_audits(db, actor))
        elif op == "list_actions":
            self.time(op, lambda: learning_actions.list_actions(db, actor, "all", today=TODAY))
        elif op == "list_feedback":
            self.time(op, lambda: feedback.list_feedback(db, actor, limit=1000))
        elif op == "open_audit":
            if not self.reviews:
                return
            audit_uuid = (
                self.recheck.pop()
                if self.recheck
                else self.rng.choice(list(self.reviews.values())).audit_uuid
            )
            outcome, view = self.time(op, lambda: audits.get_audit(db, actor, audit_uuid))
            if outcome == "ok":
                self._learn(view)
        elif op in ("save_draft", "stale_save"):
            review = self._working()
            if review is None:
                return
            if op == "save_draft" and review.saves_to_submit <= 0:
                self._submit(review)
            else:
                self._save(review, stale=op == "stale_save")

    def _save(self, review: _Review, *, stale: bool) -> None:
        from audit_tool.services import audits

        assert self.template is not None
        grades = [lv.key for lv in self.template.levels if lv.rank is not None]
        answers = dict(review.answers)
        last = review.saves_to_submit <= 1
        for item in self.template.graded_items:
            if last or (item.key not in answers and self.rng.random() < 0.4):
                answers[item.key] = audits.Answer(self.rng.choice(grades))
        self.saves += 1
        text = f"Strengths seen by {self.spec.key}, save {self.saves}"
        overall = self.rng.choice(grades) if last else None
        expected = review.revision - 1 if stale else review.revision
        kind = "stale_save" if stale else "save_draft"
        outcome, value = self.time(
            kind,
            lambda: audits.save_review(
                self.db,
                self.actor,
                review.uuid,
                answers=answers,
                overall=overall,
                strengths=text,
                expected_revision=expected,
            ),
        )
        if outcome == "ok":
            if stale:  # an outdated copy must never overwrite: count it as a failure
                self.result.errors[kind] += 1
                self.result.error_samples.append("stale_save: an outdated copy was saved")
            self.result.links.append(
                Link(
                    review.uuid,
                    "save",
                    expected,
                    value.revision,
                    text,
                    tuple(sorted((k, a.value) for k, a in value.answers.items())),
                )
            )
            self.result.audit_writes[review.audit_uuid] += 1
            review.revision = value.revision
            review.answers = dict(value.answers)
            review.saves_to_submit -= 1
        elif outcome == "conflict" and not stale:
            self._reload(review)

    def _submit(self, review: _Review) -> None:
        from audit_tool.services import audits

        outcome, value = self.time(
            "submit",
            lambda: audits.submit_review(
                self.db, self.actor, review.uuid, expected_revision=review.revision
            ),
        )
        if outcome == "ok":
            self.result.links.append(
                Link(review.uuid, "submit", review.revision, value.review.revision)
            )
            self.result.audit_writes[review.audit_uuid] += 1
            review.revision, review.status = value.review.revision, "submitted"
        elif outcome == "conflict":
            self._reload(review)
        else:
            review.saves_to_submit = 1  # incomplete: one complete save, then submit again

    def _reload(self, review: _Review) -> None:
        from audit_tool.services import audits

        outcome, view = self.time(
            "open_audit", lambda: audits.get_audit(self.db, self.actor, review.audit_uuid)
        )
        if outcome == "ok":
            self._learn(view)

    def finish(self) -> None:
        self.result.open_reviews_left = len(self._editable())


class Moderator:
    def __init__(self, db: Any, spec: UserSpec, result: UserResult) -> None:
        from audit_tool.services import claims, reference

        self.db, self.spec, self.result = db, spec, result
        self.actor = reference.actor_for(db, spec.key)
        self.rng = random.Random(spec.seed)
        self.time = _Timer(result)
        self.token = claims.new_token()
        self.waiting: list[str] = []
        self.current: Any = None  # the AuditView being moderated
        self.stage = 0

    def step(self, op: str) -> None:
        from audit_tool.services import audits, feedback, learning_actions

        db, actor = self.db, self.actor
        if op == "list_moderation":
            outcome, rows = self.time(op, lambda: audits.list_audits(db, actor, mine="moderation"))
            if outcome == "ok":
                # Looped audits (the demo's waiting ones too); a multi-agency audit waits for
                # its panel, which is not part of this mix.
                self.waiting = [r.uuid for r in rows if r.kind == "looped"]
        elif op == "list_all":
            self.time(op, lambda: audits.list_audits(db, actor))
        elif op == "list_actions":
            self.time(op, lambda: learning_actions.list_actions(db, actor, "all", today=TODAY))
        elif op == "list_feedback":
            self.time(op, lambda: feedback.list_feedback(db, actor, limit=1000))
        elif op == "moderate":
            self._moderate()

    def _open(self, audit_uuid: str) -> bool:
        from audit_tool.services import audits

        outcome, view = self.time(
            "open_audit", lambda: audits.get_audit(self.db, self.actor, audit_uuid)
        )
        self.current = view if outcome == "ok" and view.status == "in_moderation" else None
        return self.current is not None

    def _moderate(self) -> None:
        """One step of moderating: open and claim, save in progress, reopen, then decide."""
        from audit_tool.services import audits, claims

        if self.current is None:
            if not self.waiting:
                self.step("list_moderation")
                return
            audit_uuid = self.waiting.pop(0)
            if not self._open(audit_uuid):
                return
            outcome, claimed = self.time(
                "claim",
                lambda: claims.claim(self.db, self.actor, "moderation", audit_uuid, self.token),
            )
            if outcome != "ok" or not claimed.ok:
                self.current = None
            self.stage = 0
            return
        view = self.current
        first = view.reviews[0]
        fallback = next(lv.key for lv in view.template.levels if lv.rank is not None)
        answers = {
            item.key: first.answers.get(item.key) or audits.Answer(fallback)
            for item in view.template.graded_items
        }
        overall = first.overall or fallback
        if self.stage == 0:
            self.stage = 1
            outcome, _ = self.time(
                "save_moderation",
                lambda: audits.save_moderation(
                    self.db, self.actor, view.uuid, answers=answers, overall=overall
                ),
            )
            if outcome == "ok":
                self.result.moderation_saves += 1
                self.result.audit_writes[view.uuid] += 1
                self._open(view.uuid)  # the screen shows the saved state and its revision
            return
        if self.rng.random() < 0.25:
            review = self.rng.choice(view.reviews)
            outcome, after = self.time(
                "return",
                lambda: audits.return_review(
                    self.db, self.actor, review.uuid, "Please check the evidence again"
                ),
            )
            if outcome == "ok":
                self.result.links.append(
                    Link(review.uuid, "return", review.revision, after.review(review.uuid).revision)
                )
                self.result.audit_writes[view.uuid] += 1
        else:
            outcome, _ = self.time(
                "confirm",
                lambda: audits.confirm(
                    self.db,
                    self.actor,
                    view.uuid,
                    answers=answers,
                    overall=overall,
                    rationale="Moderated in the load test",
                    expected_revision=view.revision,
                ),
            )
            if outcome == "ok":
                self.result.confirmed[view.uuid] = overall
                self.result.audit_writes[view.uuid] += 1
        claims.release(self.db, self.actor, "moderation", view.uuid, self.token)
        self.current = None

    def finish(self) -> None:
        pass


def _pick(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


def run_user(
    spec: UserSpec,
    url: str,
    ready: Any,
    start: Any,
    seconds: float,
    think_ms: float,
    results: Any,
) -> None:
    """One simulated user in its own process: set up, wait for the start, work, report."""
    result = UserResult(spec.key, spec.role)
    db = None
    try:
        from audit_tool.store import open_database

        db = open_database(url, create=False)
        user: Auditor | Moderator = (
            Auditor(db, spec, result) if spec.role == "auditor" else Moderator(db, spec, result)
        )
        result.latencies.clear()  # the set-up reads are not part of the run
        ready.put(spec.key)
        start.wait()
        result.started = True
        rng = random.Random(spec.seed + 7)
        mix = AUDITOR_MIX if spec.role == "auditor" else MODERATOR_MIX
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            user.step(_pick(rng, mix))
            if think_ms > 0:
                time.sleep(rng.expovariate(1000.0 / think_ms))
        user.finish()
    except BaseException:
        result.crashed = traceback.format_exc()
        ready.put(spec.key)  # never leave the parent waiting for a user that failed
    finally:
        if db is not None:
            db.close()
    results.put(result)


# ---------------------------------------------------------------- running and reconciling


@dataclass(frozen=True)
class RunReport:
    users: list[UserResult]
    seconds: float
    reconciled: bool
    writes: int
    problems: list[str]
    text: str
    database: str


def run_users(
    url: str, specs: list[UserSpec], seconds: float, think_ms: float
) -> tuple[list[UserResult], float]:
    ctx = mp.get_context("spawn")
    ready, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [
        ctx.Process(
            target=run_user,
            args=(spec, url, ready, start, seconds, think_ms, results),
            name=f"user-{spec.key}",
        )
        for spec in specs
    ]
    for p in procs:
        p.start()
    waiting = len(specs)
    while waiting:
        try:
            ready.get(timeout=1)
            waiting -= 1
        except queue.Empty:
            dead = [p.name for p in procs if p.exitcode not in (None, 0)]
            if dead:
                for p in procs:
                    p.kill()
                raise RuntimeError(f"user processes failed to start: {', '.join(dead)}") from None
    started = time.perf_counter()
    start.set()
    collected: list[UserResult] = []
    give_up = started + seconds + 300
    while len(collected) < len(specs) and time.perf_counter() < give_up:
        try:
            collected.append(results.get(timeout=1))
        except queue.Empty:
            if all(p.exitcode is not None for p in procs) and results.empty():
                break  # a process died without reporting: reconcile says so
    wall = time.perf_counter() - started
    for p in procs:
        p.join(timeout=30)
        if p.is_alive():
            p.kill()
    return collected, wall


def _check_chain(uuid_: str, start: int, final: int, links: list[Link]) -> str | None:
    """Whether the writes counted on one review form one unbroken chain of revisions from
    the start to what the database holds: each write began from the revision the previous one
    left. Two writes from the same revision, a gap, or a final revision no counted write left
    means a write was lost (overwritten unseen, or counted but not kept)."""
    at = start
    for link in sorted(links, key=lambda k: (k.before, k.after)):
        if link.before != at:
            return (
                f"review {uuid_}: a {link.kind} started from revision {link.before}, "
                f"but the revision was then {at}"
            )
        at = link.after
    if at != final:
        return f"review {uuid_}: the counted writes end at revision {at}, the database has {final}"
    return None


def reconcile(db: Any, base: Baseline, users: list[UserResult]) -> tuple[int, list[str]]:
    """Check every counted write against the database; returns (writes, problems)."""
    from sqlalchemy import func, select

    from audit_tool.models import Audit, ChangeLogEntry, Person, Review, ReviewAnswer
    from audit_tool.services import changelog

    problems: list[str] = []
    links: dict[str, list[Link]] = defaultdict(list)
    audit_writes: Counter[str] = Counter()
    confirmed: dict[str, str] = {}
    for u in users:
        for link in u.links:
            links[link.review_uuid].append(link)
        audit_writes.update(u.audit_writes)
        confirmed.update(u.confirmed)
        if u.crashed:
            problems.append(f"{u.key} stopped: {u.crashed.strip().splitlines()[-1]}")
    unknown = set(links) - set(base.review_revisions)
    if unknown:
        problems.append(f"writes counted on {len(unknown)} review(s) that did not exist")
    with db.session() as session:
        reviews = {r.uuid: r for r in session.scalars(select(Review))}
        answers: dict[str, dict[str, str | None]] = defaultdict(dict)
        for review_uuid, key, value in session.execute(
            select(Review.uuid, ReviewAnswer.item_key, ReviewAnswer.value)
            .join(Review, ReviewAnswer.review_id == Review.id)
            .where(Review.uuid.in_(list(links)))
        ):
            answers[review_uuid][key] = value
        for uuid_, start in base.review_revisions.items():
            review = reviews[uuid_]
            problem = _check_chain(uuid_, start, review.revision, links[uuid_])
            if problem:
                problems.append(problem)
            saves = [k for k in links[uuid_] if k.kind == "save"]
            if saves:
                last = max(saves, key=lambda k: k.after)
                if review.strengths != last.text:
                    problems.append(
                        f"review {uuid_}: holds {review.strengths!r}, its last counted save "
                        f"wrote {last.text!r}"
                    )
                if tuple(sorted(answers[uuid_].items())) != last.answers:
                    problems.append(f"review {uuid_}: answers differ from its last counted save")
        audits_now = {a.uuid: a for a in session.scalars(select(Audit))}
        for uuid_, before in base.audit_revisions.items():
            audit = audits_now[uuid_]
            # Every write inside an audit bumps its revision at least once (some twice: the
            # version counter also moves when a part of it is added).
            if audit.revision - before < audit_writes[uuid_]:
                problems.append(
                    f"audit {uuid_}: revision moved by {audit.revision - before}, users "
                    f"counted {audit_writes[uuid_]} writes inside it"
                )
            if uuid_ in confirmed and (
                audit.status != "final" or audit.final_overall != confirmed[uuid_]
            ):
                problems.append(
                    f"audit {uuid_}: confirmed as {confirmed[uuid_]} but is {audit.status} "
                    f"({audit.final_overall})"
                )
        finals = sum(1 for a in audits_now.values() if a.status == "final") - base.finals
        if finals != len(confirmed):
            problems.append(f"{finals} audits became final, users confirmed {len(confirmed)}")
        logged = Counter(
            (key, action)
            for key, action in session.execute(
                select(Person.key, ChangeLogEntry.action)
                .join(Person, ChangeLogEntry.actor_id == Person.id)
                .where(ChangeLogEntry.id > base.last_log_id)
            )
        )
        n_logged = session.scalar(
            select(func.count(ChangeLogEntry.id)).where(ChangeLogEntry.id > base.last_log_id)
        )
    for u in users:
        for action, counted in (
            ("submit", u.count("submit")),
            ("return", u.count("return")),
            ("confirm", len(u.confirmed)),
        ):
            if logged[(u.key, action)] != counted:
                problems.append(
                    f"{u.key}: counted {counted} {action}(s), the change log holds "
                    f"{logged[(u.key, action)]}"
                )
    chain = changelog.check_chain(db)
    if not chain.ok:
        problems.append(f"change log chain broken: {chain.message}")
    elif not n_logged and any(u.writes for u in users):
        problems.append("users wrote but the change log holds no new entry")
    return sum(u.writes for u in users), problems


def _pct(values: list[float], q: float) -> float:
    """The nearest-rank percentile: the smallest value with at least q of them at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def format_report(
    users: list[UserResult],
    wall: float,
    writes: int,
    problems: list[str],
    *,
    think_ms: float,
    setup: str,
) -> str:
    lat: dict[str, list[float]] = defaultdict(list)
    conflicts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for u in users:
        for kind, values in u.latencies.items():
            lat[kind].extend(values)
        conflicts.update(u.conflicts)
        errors.update(u.errors)
    total = sum(len(v) for v in lat.values())
    roles = Counter(u.role for u in users)
    lines = [
        f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}",
        setup,
        f"users: {len(users)} processes ({roles['auditor']} auditors, {roles['moderator']} "
        f"moderators), each with its own connection; think time "
        + (f"{think_ms:.0f} ms mean" if think_ms else "none (closed loop)"),
        f"duration: {wall:.1f} s",
        f"operations: {total} ({total / wall:.1f} ops/s), writes: {writes} ({writes / wall:.1f}/s)",
        "",
        f"{'operation':<46} {'count':>7} {'median':>8} {'p95':>8} {'max':>8} "
        f"{'confl.':>6} {'errors':>6}",
    ]
    for kind in OP_LABELS:
        if kind not in lat:
            continue
        ms = [v * 1000 for v in lat[kind]]
        lines.append(
            f"{OP_LABELS[kind]:<46} {len(ms):>7} {statistics.median(ms):>8.1f} "
            f"{_pct(ms, 0.95):>8.1f} {max(ms):>8.1f} {conflicts[kind]:>6} {errors[kind]:>6}"
        )
    lines.append("(latencies in ms)")
    samples = [s for u in users for s in u.error_samples]
    for sample in samples[:5]:
        lines.append(f"error: {sample}")
    left = [u.open_reviews_left for u in users if u.role == "auditor"]
    if left:
        lines.append(f"open reviews left per auditor at the end: min {min(left)}, max {max(left)}")
    lines.append("")
    if problems:
        lines.append(f"LOST OR PHANTOM UPDATES: {len(problems)} mismatch(es)")
        lines += [f"  {p}" for p in problems[:20]]
    else:
        lines.append(f"no lost update: {writes} writes by {len(users)} users reconciled")
    drafts = [v * 1000 for v in lat.get("save_draft", [])]
    p95 = _pct(drafts, 0.95) if drafts else float("nan")
    verdict = "met" if drafts and p95 < BUDGET_DRAFT_P95_MS else "NOT MET"
    lines.append(f"[budget: p95 draft save < {BUDGET_DRAFT_P95_MS:.0f} ms] {p95:.1f} ms: {verdict}")
    return "\n".join(lines)


def run_load_test(
    *,
    admin_url: str = DEFAULT_ADMIN_URL,
    users: int = 20,
    seconds: float = 60.0,
    demo_audits: int = 2000,
    reviews_per_auditor: int = 24,
    ready_per_moderator: int = 6,
    think_ms: float = 0.0,
    keep: bool = False,
    database_url: str | None = None,
    log: Callable[[str], None] = print,
) -> RunReport:
    """Set up a fresh database (or fill the empty one at `database_url`, which is left to
    its owner), run the users, reconcile, drop the database."""
    from sqlalchemy.engine import make_url

    from audit_tool.store import open_database

    if database_url is None:
        name, url = create_database(admin_url)
    else:
        name, url, keep = str(make_url(database_url).database), database_url, True
    try:
        t0 = time.perf_counter()
        db = open_database(url)
        try:
            specs, n_load = prepare(
                db, users, demo_audits, reviews_per_auditor, ready_per_moderator
            )
            base = baseline(db)
        finally:
            db.close()
        server = make_url(url).render_as_string(hide_password=True).split("@")[-1]
        setup = (
            f"database: {server}, "
            f"{demo_audits} demo audits + {n_load} load-test audits for the users, "
            f"set up in {time.perf_counter() - t0:.1f} s"
        )
        log(setup)
        log(f"running {len(specs)} users for {seconds:g} s ...")
        results, wall = run_users(url, specs, seconds, think_ms)
        missing = {s.key for s in specs} - {r.key for r in results}
        db = open_database(url, create=False)
        try:
            writes, problems = reconcile(db, base, results)
        finally:
            db.close()
        problems += [f"{k} never reported back" for k in sorted(missing)]
        text = format_report(results, wall, writes, problems, think_ms=think_ms, setup=setup)
        return RunReport(results, wall, not problems, writes, problems, text, name)
    finally:
        if database_url is None and keep:
            log(f"kept database {name}")
        elif not keep:
            drop_database(admin_url, name)


def main(argv: list[str] | None = None) -> int:
    from audit_tool.services import seed

    seed.register()  # the databases made here start with the defaults, as the app's do
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--audits", type=int, default=2000, help="demo audits (default 2000)")
    parser.add_argument("--reviews-per-auditor", type=int, default=24)
    parser.add_argument("--ready-per-moderator", type=int, default=6)
    parser.add_argument(
        "--think-ms",
        type=float,
        default=1000.0,
        help="mean pause between a user's operations (default 1000; 0: closed loop)",
    )
    parser.add_argument("--pg", default=os.environ.get("AUDIT_TOOL_TEST_PG", DEFAULT_ADMIN_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    try:
        report = run_load_test(
            admin_url=args.pg,
            users=args.users,
            seconds=args.seconds,
            demo_audits=args.audits,
            reviews_per_auditor=args.reviews_per_auditor,
            ready_per_moderator=args.ready_per_moderator,
            think_ms=args.think_ms,
            keep=args.keep,
        )
    except Exception as exc:
        first = (str(exc).splitlines() or [""])[0]
        print(f"bench_load: {type(exc).__name__}: {first}", file=sys.stderr)
        return 2
    print(report.text)
    return 0 if report.reconciled else 1


if __name__ == "__main__":
    sys.exit(main())
