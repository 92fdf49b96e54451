"""Demo data generator: counts, determinism, the rules real users rely on, refusal and cancel."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    ChangeLogEntry,
    Feedback,
    FeedbackAnswer,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Person,
    PersonRole,
    Programme,
    Review,
    ReviewAnswer,
    ScaleLevel,
    Team,
    TemplateItem,
    WorkerFeedback,
)
from audit_tool.services import cases, changelog, demo, feedback, privacy, reference
from audit_tool.services.feedback import FeedbackFilter
from audit_tool.store import Database, open_database

# In parallel runs (xdist --dist loadgroup) the 3,000-audit demo is
# built once (big_demo), on one worker.
pytestmark = pytest.mark.xdist_group("big_demo")

TODAY = date(2026, 3, 15)
RANK = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _grades(db: Database) -> list[tuple[str, str, str | None]]:
    """(case ref, reviewer key, overall) for every review, in a stable order."""
    with db.session() as session:
        rows = session.execute(
            select(Case.ref, Person.key, Review.overall)
            .join(Audit, Audit.id == Review.audit_id)
            .join(Case, Case.id == Audit.case_id)
            .join(Person, Person.id == Review.reviewer_id)
            .order_by(Case.ref, Review.uuid)
        )
        return [(ref, key, overall) for ref, key, overall in rows]


def test_counts_match_the_request_and_one_change_log_entry(db: Database, system: Actor) -> None:
    before = changelog.count(db)
    summary = demo.generate(db, system, audits=300, seed=3, today=TODAY)
    assert (summary.agencies, summary.teams) == (6, 17)
    assert summary.cases == 330 and summary.audits == 300
    assert _count(db, Case) == 330
    assert _count(db, Audit) == 300
    assert _count(db, Programme) == summary.programmes >= 24 + 5 + 8
    assert _count(db, Agency) == 6 and _count(db, Team) == 17
    assert _count(db, Person) == summary.people > 100
    with db.session() as session:
        kinds = Counter(session.scalars(select(Audit.kind)))
        names = set(session.scalars(select(Programme.name)))
        log = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id)).all()
    assert kinds["looped"] >= 240 and kinds["single"] == 30
    assert kinds["multi_agency"] == 9 and kinds["send"] == 6
    assert {
        "Exploitation: RED pathway cases",
        "Referral to ICPC",
        "Voice of the SEN child",
    } <= names
    assert "Monthly audits March 2026" in names and "Monthly audits April 2024" in names
    # One entry for the whole run, not one per row; the chain still verifies.
    assert changelog.count(db) == before + 1
    assert log[-1].entity == "demo" and log[-1].after is not None
    assert log[-1].after["audits"] == 300 and log[-1].after["cases"] == 330
    assert changelog.verify(db)[0]
    # The id sequences were moved past the demo rows: a case added by hand gets a new id.
    row = cases.create_case(
        db, system, cases.CaseInput(ref="X0001", initials="AB", case_type="cin", team="fst_east")
    )
    assert row.id == 331


def test_the_rules_users_rely_on_hold(db: Database, system: Actor) -> None:
    demo.generate(db, system, audits=300, seed=5, today=TODAY)
    with db.session() as session:
        case_rows = session.execute(
            select(
                Case.id,
                Case.ref,
                Case.initials,
                Case.case_type,
                Case.level_of_need,
                Team.key,
                Case.worker_id,
                Case.manager_id,
                Case.opened_on,
                Case.closed_on,
            ).join(Team, Team.id == Case.team_id)
        ).all()
        audits = {a.id: a for a in session.scalars(select(Audit))}
        reviews = defaultdict(list)
        for r in session.scalars(select(Review).order_by(Review.id)):
            reviews[r.audit_id].append(r)
        moderations = {m.audit_id: m for m in session.scalars(select(Moderation))}
        worker_feedback = set(session.scalars(select(WorkerFeedback.audit_id)))
        grade_keys = set(session.scalars(select(ScaleLevel.key)))
        items: dict[int, dict[str, str]] = defaultdict(dict)
        for tid, key, kind in session.execute(
            select(TemplateItem.template_id, TemplateItem.key, TemplateItem.kind)
        ):
            items[tid][key] = kind
        review_answers = defaultdict(dict)
        for rid, key, value in session.execute(
            select(ReviewAnswer.review_id, ReviewAnswer.item_key, ReviewAnswer.value)
        ):
            review_answers[rid][key] = value
        moderation_answers = defaultdict(dict)
        for mid, key, value in session.execute(
            select(
                ModerationAnswer.moderation_id, ModerationAnswer.item_key, ModerationAnswer.value
            )
        ):
            moderation_answers[mid][key] = value
        people_roles = defaultdict(set)
        for pid, role in session.execute(select(PersonRole.person_id, PersonRole.role)):
            people_roles[pid].add(role)
        person_keys = list(session.scalars(select(Person.key)))

    assert all(KEY_RE.match(k) for k in person_keys) and len(set(person_keys)) == len(person_keys)
    by_case = {row[0]: row for row in case_rows}
    refs = [row[1] for row in case_rows]
    assert len(set(refs)) == len(refs) and all(re.fullmatch(r"C\d{7}", r) for r in refs)
    for _, _, initials, ctype, level, team, worker, manager, opened, closed in case_rows:
        assert re.fullmatch(r"[A-Z]{2,3}", initials)  # never a name, never over 4 letters
        assert TODAY - timedelta(days=3 * 366) <= opened <= TODAY
        assert closed is None or opened < closed <= TODAY
        assert worker is not None and manager is not None and worker != manager
        if team == "through_care":
            assert ctype in ("cla", "care_leaver")
        if team.startswith("early_help"):
            assert ctype == "early_help" and level in (2, 3)
        if team in ("send_casework", "ehc_assessment"):
            assert ctype == "send"
        if ctype == "cp":
            assert level == 4
        if ctype == "cin":
            assert level in (3, 4)

    finals = 0
    good = 0
    for audit in audits.values():
        case = by_case[audit.case_id]
        worker, manager = case[6], case[7]
        rs = reviews[audit.id]
        reviewers = [r.reviewer_id for r in rs]
        assert len(set(reviewers)) == len(reviewers)
        assert worker not in reviewers and manager not in reviewers
        assert all("auditor" in people_roles[p] for p in reviewers)
        if audit.kind == "looped":
            assert len(rs) == 2
        if audit.kind == "send":
            assert sorted(r.part for r in rs) == ["education", "health", "social_care"]
        if audit.kind == "multi_agency":
            agencies = [r.agency_id for r in rs]
            assert len(rs) >= 4 and len(set(agencies)) == len(agencies)
        if audit.kind != "single":
            assert audit.moderator_id is not None and audit.moderator_id not in reviewers
            assert "moderator" in people_roles[audit.moderator_id]
        if (TODAY - audit.created_at.date()).days > 42:
            assert audit.status == "final"
        for r in rs:
            assert r.overall is None or r.overall in RANK
            kinds = items[audit.template_id]
            answers = review_answers[r.id]
            if r.status != "draft":
                assert set(answers) == set(kinds) and r.overall is not None
                assert r.strengths and r.worries and r.next_steps
            for key, value in answers.items():
                if kinds[key] == "grade":
                    assert value in grade_keys
                elif kinds[key] == "yes_no":
                    assert value in ("yes", "no", "not_applicable")
                elif kinds[key] == "number":
                    assert value is not None and value.isdigit()
        if audit.status != "final":
            assert audit.final_overall is None and audit.id not in moderations
            continue
        finals += 1
        good += RANK[audit.final_overall] <= 2
        assert audit.final_overall in RANK and audit.finalised_at is not None
        assert audit.id in worker_feedback
        assert all(r.status == "submitted" for r in rs)
        if audit.kind == "single":
            assert audit.id not in moderations and audit.moderator_id is None
            assert audit.final_overall == rs[0].overall
            assert audit.finalised_at == rs[0].submitted_at
            continue
        moderation = moderations[audit.id]
        assert moderation.moderator_id == audit.moderator_id
        assert moderation.overall == audit.final_overall
        assert moderation.completed_at == audit.finalised_at
        assert all(moderation.completed_at >= r.submitted_at for r in rs)
        answers = moderation_answers[moderation.id]
        assert set(answers) == set(items[audit.template_id])
        kinds = items[audit.template_id]
        assert all(v in grade_keys for k, v in answers.items() if kinds[k] == "grade")
        overalls = {r.overall for r in rs}
        if len(overalls) > 1 or overalls != {audit.final_overall}:
            assert moderation.rationale  # the moderator explains any difference
    assert finals > 200
    assert 0.5 <= good / finals <= 0.75
    _check_learning(db, audits, items)


def _check_learning(db: Database, audits: dict, items: dict) -> None:
    """Learning points, actions and family feedback hang off final audits and read right;
    each has its author: an auditor of the audit (actions: an auditor or the moderator)."""
    with db.session() as session:
        reviewers = defaultdict(set)
        for audit_id, person_id in session.execute(select(Review.audit_id, Review.reviewer_id)):
            reviewers[audit_id].add(person_id)
        cases = {c.id: c for c in session.scalars(select(Case))}
        points = session.scalars(select(LearningPoint)).all()
        themes = defaultdict(set)
        for point_id, theme in session.execute(
            select(LearningTheme.learning_point_id, LearningTheme.theme)
        ):
            themes[point_id].add(theme)
        # The audits' actions (those raised from complaints: test_complaints_carry_...).
        actions = session.scalars(select(Action).where(Action.audit_id.is_not(None))).all()
        feedback = session.scalars(select(Feedback)).all()
        answers = defaultdict(dict)
        for fid, key, answer in session.execute(
            select(FeedbackAnswer.feedback_id, FeedbackAnswer.question_key, FeedbackAnswer.answer)
        ):
            answers[fid][key] = answer
    assert points and actions and feedback
    for point in points:
        audit = audits[point.audit_id]
        assert audit.status == "final" and point.kind in ("strength", "development")
        assert point.item_key in items[audit.template_id] and themes[point.id]
        assert point.author_id in reviewers[audit.id]
    for action in actions:
        audit = audits[action.audit_id]
        assert audit.status == "final"
        assert action.status in ("open", "done", "cancelled") and action.scope in (
            "case",
            "service",
        )
        assert action.author_id in reviewers[audit.id] | {audit.moderator_id}
        # As the service records them: done or cancelled on a date, by someone, with a note.
        closed = action.status != "open"
        assert (action.completed_on is not None) == closed
        assert (action.completed_by_id is not None) == closed
        assert bool(action.completion_note) == closed
        assert action.due_on > audit.finalised_at.date()
    outside = [f for f in feedback if f.audit_id is None]
    assert outside and len(outside) < 0.3 * len(feedback)
    for item in feedback:
        assert item.author_id is not None
        assert item.comment == "" or item.consent  # nothing kept without consent
        assert item.collected_on <= TODAY
        if item.audit_id is None:  # on a case open at the time
            case = cases[item.case_id]
            assert case.opened_on < item.collected_on
            assert case.closed_on is None or item.collected_on <= case.closed_on
        else:
            audit = audits[item.audit_id]
            assert audit.status == "final" and item.case_id == audit.case_id
            assert item.collected_on <= audit.finalised_at.date()
            assert item.author_id in reviewers[audit.id]
        assert set(answers[item.id]) == {
            "child_views",
            "right_agencies",
            "family_views",
            "copy_of_plan",
            "contactable",
            "positive_difference",
        }
        assert set(answers[item.id].values()) <= {"yes", "partly", "no", "not_asked"}
        assert item.comment or not item.shareable


def test_same_seed_and_day_give_the_same_data(tmp_path: Path, system: Actor) -> None:
    def build(name: str, seed: int) -> tuple[list, list, list]:
        db = open_database(tmp_path / name)
        try:
            demo.generate(db, system, audits=120, seed=seed, today=TODAY)
            with db.session() as session:
                refs = list(session.scalars(select(Case.ref).order_by(Case.id)))
                uuids = list(session.scalars(select(Audit.uuid).order_by(Audit.id)))
            return refs, _grades(db), uuids
        finally:
            db.close()

    first = build("a.sqlite", 7)
    again = build("b.sqlite", 7)
    other = build("c.sqlite", 8)
    assert first == again
    assert first[0] != other[0] and first[1] != other[1] and first[2] != other[2]


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """3,000 audits on SQLite, shared by the tests that only read the patterns in them."""
    database = open_database(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    demo.generate(database, Actor.system("test set-up"), audits=3000, seed=1, today=TODAY)
    yield database
    database.close()


def test_grades_carry_the_patterns_a_qa_lead_looks_for(big_demo: Database) -> None:
    sqlite_db = big_demo
    moderated = aliased(Moderation)
    with sqlite_db.session() as session:
        rows = session.execute(
            select(Audit.id, Person.key, Person.job_title, Review.overall, moderated.overall)
            .join(Review, Review.audit_id == Audit.id)
            .join(Person, Person.id == Review.reviewer_id)
            .join(moderated, moderated.audit_id == Audit.id)
            .where(Audit.kind == "looped", Audit.status == "final")
        ).all()
        east = session.execute(
            select(Audit.finalised_at, Audit.final_overall)
            .join(Case, Case.id == Audit.case_id)
            .join(Team, Team.id == Case.team_id)
            .where(Team.key == "fst_east", Audit.status == "final")
        ).all()
    differences: dict[str, list[int]] = defaultdict(list)
    pairs: dict[int, list[int]] = defaultdict(list)
    for audit_id, key, _, review_overall, final in rows:
        differences[key].append(RANK[final] - RANK[review_overall])
        pairs[audit_id].append(RANK[review_overall])
    means = {k: sum(v) / len(v) for k, v in differences.items() if len(v) >= 30}
    generous = [k for k, m in means.items() if m > 0.6]
    assert len(generous) == 1  # one auditor is consistently about a grade kinder
    assert all(abs(m) < 0.4 for k, m in means.items() if k not in generous)
    within_one = sum(abs(a - b) <= 1 for a, b in pairs.values()) / len(pairs)
    exact = sum(a == b for a, b in pairs.values()) / len(pairs)
    assert within_one > 0.85 and 0.45 < exact < 0.8

    def pct_good(rows: list) -> float:
        return sum(RANK[g] <= 2 for _, g in rows) / len(rows)

    cut_early = TODAY - timedelta(days=540)
    cut_late = TODAY - timedelta(days=180)
    early = [r for r in east if r[0].date() < cut_early]
    late = [r for r in east if r[0].date() >= cut_late]
    assert pct_good(late) - pct_good(early) > 0.35  # Family Safeguarding East improves clearly

    with sqlite_db.session() as session:
        statuses = Counter(
            "overdue" if a.status == "open" and a.due_on < TODAY else a.status
            for a in session.scalars(select(Action))
        )
        worker_feedback = session.scalars(select(WorkerFeedback)).all()
    assert 0 < statuses["overdue"] < 0.15 * sum(statuses.values())  # a few overdue actions
    assert statuses["done"] > statuses["open"]
    given = sum(w.given_to_worker for w in worker_feedback) / len(worker_feedback)
    assert 0.65 < given < 0.85


def _pct_yes(db: Database, **filters: Any) -> tuple[float, int]:
    """% yes over every question (yes / (yes + partly + no)) and how many answers, as the
    feedback service counts them."""
    rows = feedback.summary(db, Actor.system(), FeedbackFilter(**filters))
    yes, asked = sum(r.yes for r in rows), sum(r.asked for r in rows)
    return 100 * yes / asked, asked


def test_family_feedback_differs_by_team_and_improves(big_demo: Database) -> None:
    db = big_demo
    by_team = {}
    for team in reference.list_teams(db, Actor.system()):
        pct, asked = _pct_yes(db, team_key=team.key)
        if asked >= 100:
            by_team[team.key] = pct
    assert len(by_team) >= 12
    assert max(by_team.values()) - min(by_team.values()) > 12
    assert by_team["early_help_north"] > by_team["assessment_south"] + 8
    # Quarter on quarter the partnership gets better at it (the window starts 2024 Q2).
    first_year = _pct_yes(db, date_from=date(2024, 4, 1), date_to=date(2025, 3, 31))
    second_year = _pct_yes(db, date_from=date(2025, 4, 1), date_to=TODAY)
    first_quarter = _pct_yes(db, date_from=date(2024, 4, 1), date_to=date(2024, 6, 30))
    last_quarter = _pct_yes(db, date_from=date(2025, 10, 1), date_to=date(2025, 12, 31))
    assert second_year[0] > first_year[0] + 5
    assert last_quarter[0] > first_quarter[0] + 6
    assert min(first_quarter[1], last_quarter[1]) > 300  # enough answers to mean something
    # Some of it was gathered outside audits, on cases: a modest share.
    everything = feedback.list_feedback(db, Actor.system())
    outside = feedback.list_feedback(db, Actor.system(), FeedbackFilter(source="outside"))
    assert 0.08 < len(outside) / len(everything) < 0.25
    assert {r.channel for r in outside} == {"phone", "face_to_face", "online"}
    assert all(r.programme_name is None and r.author_name for r in outside)


def test_shareable_comments_name_nobody(big_demo: Database) -> None:
    """What the app would quote passes the app's own privacy check; what names someone is
    kept but not shareable."""
    with big_demo.session() as session:
        rows = session.execute(
            select(Feedback.case_id, Feedback.comment, Feedback.shareable).where(
                Feedback.comment != ""
            )
        ).all()
        shared = [(c, text) for c, text, shareable in rows if shareable]
        kept = [(c, text) for c, text, shareable in rows if not shareable]
        assert len(shared) > 100 and len({text for _, text in shared}) >= 10
        for case_id, text in shared:
            assert privacy.find_hits(session, text, case_ids=[case_id]) == [], text
        named = [t for c, t in kept if privacy.find_hits(session, t, case_ids=[c])]
    assert named and all(any(w in t for w in ("rang back", "get hold of")) for t in named)


def test_refuses_a_database_that_holds_cases(world, system: Actor) -> None:
    with pytest.raises(ValidationError, match="empty database"):
        demo.generate(world.db, system, audits=10, today=TODAY)
    assert _count(world.db, Case) == 3 and _count(world.db, Audit) == 0
    assert _count(world.db, Programme) == 0


def test_refuses_bad_numbers_and_non_leads(db: Database, system: Actor) -> None:
    with pytest.raises(ValidationError, match="cannot be negative") as info:
        demo.generate(db, system, audits=-1)
    assert "audits" in info.value.fields
    with pytest.raises(ValidationError, match="cannot be negative") as info:
        demo.generate(db, system, audits=5, cases=-5)
    assert "cases" in info.value.fields
    auditor = Actor(name="An Auditor", roles=frozenset({"auditor"}))
    with pytest.raises(PermissionDenied):
        demo.generate(db, auditor, audits=5)
    assert _count(db, Person) == 0 and _count(db, Case) == 0


def test_cancel_leaves_the_database_empty(db: Database, system: Actor) -> None:
    log_before = changelog.count(db)
    with pytest.raises(demo.Cancelled):
        demo.generate(db, system, audits=50, today=TODAY, progress=lambda done, total: False)
    calls: list[tuple[int, int]] = []

    def cancel_after_cases(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 100  # the cases are written by now; the audits are not

    with pytest.raises(demo.Cancelled):
        demo.generate(db, system, audits=50, cases=300, today=TODAY, progress=cancel_after_cases)
    assert calls[-1][0] >= 300 and all(total == calls[0][1] for _, total in calls)
    for model in (Agency, Team, Person, PersonRole, Case, Programme, Audit, Review):
        assert _count(db, model) == 0, model.__name__
    assert changelog.count(db) == log_before
    # Nothing half-done stands in the way of a real run afterwards.
    seen: list[tuple[int, int]] = []
    summary = demo.generate(
        db, system, audits=50, today=TODAY, progress=lambda d, t: seen.append((d, t)) is None
    )
    assert summary.audits == 50 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cases_only(db: Database, system: Actor) -> None:
    summary = demo.generate(db, system, audits=0, cases=500, today=TODAY)
    assert summary.cases == 500 and summary.audits == 0
    assert _count(db, Case) == 500 and _count(db, Audit) == 0 and _count(db, Review) == 0
    with db.session() as session:
        teams = set(session.scalars(select(Team.key).join(Case, Case.team_id == Team.id)))
    assert len(teams) >= 12  # the register spreads over the partnership's teams


def test_reuses_existing_agencies_and_avoids_person_key_clashes(
    db: Database, system: Actor
) -> None:
    reference.save_agency(db, system, key="csc", name="Children's Services")
    reference.save_person(
        db, system, key="jsmith", name="Jo Smith", agency_key="csc", team_key=None, roles=["lead"]
    )
    summary = demo.generate(db, system, audits=40, today=TODAY)
    assert summary.agencies == 5 and _count(db, Agency) == 6
    with db.session() as session:
        assert session.scalar(select(Agency.name).where(Agency.key == "csc")) == (
            "Children's Services"
        )
        templates = set(session.scalars(select(AuditTemplate.key)))
    assert {"moderated_case_file", "jtai_multi_agency", "send_ehc_plan"} <= templates
    assert _count(db, Person) == summary.people + 1


def test_complaints_carry_a_rising_theme_and_a_late_team(big_demo: Database) -> None:
    """Communication rises to the theme most complaints raise; Assessment Team South answers
    late far more often than the partnership; nothing in them names anyone."""
    from audit_tool.services import complaints

    lead = Actor.system("test lead")
    rows = complaints.list_complaints(big_demo, lead, today=TODAY)
    figures = complaints.figures(rows)
    assert figures.complaints == 250 and 3.0 <= figures.points / figures.complaints <= 3.8
    assert figures.pct_within is not None and figures.pct_within >= 65
    cut = TODAY - timedelta(days=365)
    share = {}
    for name, part in (
        ("last year", [r for r in rows if r.received_on >= cut]),
        ("year before", [r for r in rows if r.received_on < cut]),
    ):
        themes = Counter(t for r in part for p in r.points for t in p.themes)
        share[name] = themes["communication"] / sum(themes.values())
        if name == "last year":
            assert themes.most_common(1)[0][0] == "communication"
    assert share["last year"] > 2 * share["year before"]
    answered: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        if r.responded_on is not None and r.team_name:
            answered[r.team_name].append(r.timeliness == "within")
    pct = {team: 100 * sum(v) / len(v) for team, v in answered.items() if len(v) >= 5}
    assert min(pct, key=pct.__getitem__) == "Assessment Team South"
    assert pct["Assessment Team South"] < 40
    with big_demo.session() as session:
        texts = [p.text for r in rows for p in r.points] + [
            c.summary for c in complaints.list_compliments(big_demo, lead) if c.shareable
        ]
        assert texts and not any(privacy.find_hits(session, t) for t in set(texts))
    assert len(complaints.list_compliments(big_demo, lead)) == 400
