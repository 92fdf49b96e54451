"""The report JSON (shared/INTERFACES.md, report JSON v1) against figures worked out by hand.

The scenario, built through the services (then each audit's completion time set):

2026 Q1 (finalised 15 February)
  A1  looped, C1000 (Assessment Team North)  Alex: good, Bea: RI       final good
  A2  looped, C1002 (Through Care Team)      Alex: outstanding, Bea: outstanding  final outstanding
  S1  single, C1001 (Assessment Team North)  Alex: RI                  final RI (programme p-dip)
2026 Q2 (finalised 10 May)
  A3  looped, C1001 (Assessment Team North)  Alex: inadequate, Bea: RI final RI

Every practice area is given the audit's final grade. family_has_copy (yes/no) and
days_since_last_visit (number): A1 yes/10, A2 no/20, S1 yes/30, A3 yes/5.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from jsonschema import Draft202012Validator

from audit_tool.reporting import report as reports
from audit_tool.resources import resource
from audit_tool.services import audits, feedback, learning_actions, templates, worker_feedback
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from tests.dbtemplates import world_recipe
from tests.factories import backdate, looped_audit

Q1_DAY = datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
Q2_DAY = datetime(2026, 5, 10, 10, 0, tzinfo=UTC)


def answers(world, grade, has_copy, days):
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    out = {i.key: Answer(grade) for i in tpl.graded_items}
    out["family_has_copy"] = Answer(has_copy)
    out["days_since_last_visit"] = Answer(str(days))
    return out


def review(world, actor, uuid, overall, grade, has_copy="yes", days=1):
    mine = audits.get_audit(world.db, actor, uuid).my_review
    audits.save_review(
        world.db, actor, mine, answers=answers(world, grade, has_copy, days), overall=overall
    )
    audits.submit_review(world.db, actor, mine)


def looped(world, ref, a_grade, b_grade, final, has_copy, days, when, family=None):
    uuid = looped_audit(world, ref=ref)
    review(world, world.auditor, uuid, a_grade, a_grade)
    review(world, world.auditor2, uuid, b_grade, b_grade)
    if family is not None:  # a conversation with the family, recorded before confirming
        feedback.add_feedback(
            world.db,
            world.lead,
            FeedbackInput(family[0], "phone", date(2026, 2, 1), True, family[1]),
            audit_uuid=uuid,
        )
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers=answers(world, final, has_copy, days),
        overall=final,
        rationale="Moderated on the evidence in the file",
    )
    finished(world, uuid, when)
    return uuid


def finished(world, uuid, when):
    backdate(world.db, uuid, when)


def build_scenario(world) -> None:
    a1 = looped(
        world, "C1000", "good", "requires_improvement", "good", "yes", 10, Q1_DAY,
        family=("parent", {"child_views": "yes", "copy_of_plan": "no"}),
    )  # fmt: skip
    a2 = looped(
        world, "C1002", "outstanding", "outstanding", "outstanding", "no", 20, Q1_DAY,
        family=("carer", {"child_views": "partly", "copy_of_plan": "not_asked"}),
    )  # fmt: skip
    s1 = looped_audit(
        world, ref="C1001", kind="single", reviewers=["aud1"], moderator=None, programme="p-dip"
    )
    review(world, world.auditor, s1, "requires_improvement", "requires_improvement", "yes", 30)
    finished(world, s1, Q1_DAY)
    looped(
        world, "C1001", "inadequate", "requires_improvement", "requires_improvement", "yes", 5,
        Q2_DAY,
    )  # fmt: skip
    # One conversation outside audits, in Q2.
    feedback.add_feedback(
        world.db,
        world.lead,
        FeedbackInput("parent", "online", date(2026, 4, 20), True, {"child_views": "yes"}),
        case_ref="C1002",
    )
    # Worker feedback on A1 only; an open action (due before the report's end) and a done one.
    worker_feedback.save_worker_feedback(
        world.db,
        world.lead,
        a1,
        given_to_worker=True,
        given_to_manager=True,
        given_on=date(2026, 2, 16),
    )
    learning_actions.add_action(
        world.db, world.lead, a1, text="Chronology", owner_key="tm1", due_on=date(2026, 2, 1)
    )
    done = learning_actions.add_action(
        world.db, world.lead, a2, text="Share plan", owner_key="tm1", due_on=date(2026, 3, 1)
    )
    learning_actions.set_action_status(world.db, world.lead, done.uuid, "done", note="Shared")


# Built once per test process into a template database, copied for each test.
report_world = world_recipe(build_scenario, name="report_world")


@pytest.fixture
def scenario(report_world):
    world, _nothing = report_world
    return world


def compute(world, **kw):
    kw.setdefault("date_from", date(2026, 1, 1))
    kw.setdefault("date_to", date(2026, 6, 30))
    kw.setdefault("today", date(2026, 7, 1))
    return reports.compute(world.db, world.lead, **kw)


def test_every_figure_of_the_report_by_hand(scenario):
    out = compute(scenario)
    schema = json.loads(resource("schemas", "qa-report-v1.schema.json").read_text())
    Draft202012Validator(schema).validate(out)
    assert (out["format"], out["version"], out["by"]) == ("qa-report", 1, "quarter")
    q1, q2 = out["periods"]
    total = out["total"]
    # The partnership's year starts in April (the default): January-March is the year's Q4.
    assert out["year_start_month"] == 4
    assert (q1["label"], q1["from"], q1["to"]) == ("2025/26 Q4", "2026-01-01", "2026-03-31")
    assert (q2["label"], q2["from"], q2["to"]) == ("2026/27 Q1", "2026-04-01", "2026-06-30")
    assert not q1["partial"] and not q2["partial"] and not total["partial"]

    # Final grades: Q1 one each of outstanding, good, RI; 2 of 3 good or better.
    assert q1["audits_final"] == 3 and q1["audits_single"] == 1
    assert q1["overall"] == {
        "outstanding": 1,
        "good": 1,
        "requires_improvement": 1,
        "inadequate": 0,
    }
    assert q1["pct_good_or_better"] == 66.7
    assert q2["audits_final"] == 1 and q2["pct_good_or_better"] == 0.0
    assert total["audits_final"] == 4 and total["pct_good_or_better"] == 50.0
    assert q1["by_team"] == {
        "assess_north": {
            "audits_final": 2,
            "overall": {"outstanding": 0, "good": 1, "requires_improvement": 1, "inadequate": 0},
            "pct_good_or_better": 50.0,
        },
        "through_care": {
            "audits_final": 1,
            "overall": {"outstanding": 1, "good": 0, "requires_improvement": 0, "inadequate": 0},
            "pct_good_or_better": 100.0,
        },
    }
    assert total["by_agency"]["csc"]["audits_final"] == 4

    # Items: the final answers (moderation, or the single review).
    assert q1["items"]["voice_of_child"] == {
        "kind": "grade",
        "counts": {"outstanding": 1, "good": 1, "requires_improvement": 1, "inadequate": 0},
    }
    # yes/no: Q1 A1 yes, A2 no, S1 yes -> 2 of 3 = 66.7; total 3 of 4 = 75.0
    assert q1["items"]["family_has_copy"] == {"kind": "yes_no", "yes": 2, "no": 1, "pct_yes": 66.7}
    assert total["items"]["family_has_copy"]["pct_yes"] == 75.0
    # number: Q1 10, 20, 30; total adds 5: mean 65 / 4 = 16.25
    assert q1["items"]["days_since_last_visit"] == {
        "kind": "number",
        "n": 3,
        "min": 10.0,
        "mean": 20.0,
        "max": 30.0,
    }
    assert total["items"]["days_since_last_visit"]["mean"] == 16.25
    assert "summary" not in total["items"]  # text items are not counted

    # Agreement, Q1: pairs (good, RI) = ranks (2, 3) and (1, 1).
    #   exact 1 of 2 = 50.0; within one 2 of 2 = 100.0
    #   quadratic weights w = 1 - d^2/9: p_o = 1/2 * 1 + 1/2 * 8/9 = 17/18
    #   p_e = 1/4 (w11 + w13 + w21 + w23) = 1/4 (1 + 5/9 + 8/9 + 8/9) = 5/6
    #   kappa = (17/18 - 15/18) / (1 - 15/18) = 2/3 -> 0.667
    #   AC2: pi = (1/2, 1/4, 1/4, 0), sum pi(1 - pi) = 5/8, T_w = 104/9,
    #   p_e = (104/9) / 12 * 5/8 = 65/108; AC2 = (17/18 - 65/108) / (43/108) = 37/43 -> 0.860
    a = q1["agreement"]
    assert (a["pairs"], a["exact_pct"], a["within_one_pct"]) == (2, 50.0, 100.0)
    assert (a["kappa_quadratic"], a["gwet_ac2"]) == (0.667, 0.86)
    assert a["confusion"] == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    # Q2: one pair (inadequate, RI): within one, not exact; too few pairs for kappa.
    b = q2["agreement"]
    assert (b["pairs"], b["exact_pct"], b["within_one_pct"]) == (1, 0.0, 100.0)
    assert (b["kappa_quadratic"], b["gwet_ac2"]) == (None, None)
    assert total["agreement"]["pairs"] == 3 and total["agreement"]["exact_pct"] == 33.3

    # Moderation: Q1 Bea's RI raised to good; the other three unchanged. Q2 Alex's inadequate
    # raised to RI, Bea's RI unchanged. The single audit is left out.
    assert q1["moderation"] == {"raised": 1, "lowered": 0, "unchanged": 3}
    assert total["moderation"] == {"raised": 2, "lowered": 0, "unchanged": 4}
    # Auditors: mean of (final rank - review rank). Alex Q1: 0, 0; Bea Q1: 2 - 3 = -1, 0.
    assert q1["auditors"] == {
        "aud1": {"reviews": 2, "mean_difference": 0.0},
        "aud2": {"reviews": 2, "mean_difference": -0.5},
    }
    # Total: Alex 0, 0, 3 - 4 = -1 -> -1/3 = -0.33; Bea -1, 0, 0 -> -0.33
    assert total["auditors"]["aud1"] == {"reviews": 3, "mean_difference": -0.33}
    assert total["auditors"]["aud2"] == {"reviews": 3, "mean_difference": -0.33}

    # Feedback in the audits: child_views yes + partly -> 1 of 2; copy_of_plan no (not asked
    # left out) -> 0 of 1; nobody asked about contact -> null.
    assert q1["feedback"]["child_views"] == {
        "asked": 2,
        "yes": 1,
        "partly": 1,
        "no": 0,
        "pct_yes": 50.0,
    }
    assert q1["feedback"]["copy_of_plan"]["pct_yes"] == 0.0
    assert q1["feedback"]["contactable"]["pct_yes"] is None
    assert q2["feedback"]["child_views"]["asked"] == 0
    assert q2["feedback_outside"]["child_views"] == {
        "asked": 1,
        "yes": 1,
        "partly": 0,
        "no": 0,
        "pct_yes": 100.0,
    }
    # Worker feedback: A1 of Q1's three audits.
    assert q1["worker_feedback_pct"] == 33.3 and q2["worker_feedback_pct"] == 0.0
    assert total["worker_feedback_pct"] == 25.0
    # Actions: A1's open action due 1 Feb (before 30 June) is overdue; A2's is done.
    assert q1["actions"] == {"open": 1, "overdue": 1, "done": 1}
    assert q2["actions"] == {"open": 0, "overdue": 0, "done": 0}

    # Planned and monthly compliance: every audit of the monthly test programme is due on
    # 31 January; Alex reviews four, Bea three, all submitted.
    assert q1["audits_planned"] == 4 and q2["audits_planned"] == 0
    assert q1["compliance"] == {
        "aud1": {"due": 4, "done": 4, "overdue": 0},
        "aud2": {"due": 3, "done": 3, "overdue": 0},
    }
    assert out["labels"]["people"]["aud2"] == "Bea Auditor"
    assert out["labels"]["items"]["voice_of_child"] == "Voice of the child"


def test_filters_and_months(scenario):
    out = compute(scenario, filters=reports.Filters(team="through_care"))
    assert out["total"]["audits_final"] == 1 and out["total"]["overall"]["outstanding"] == 1
    assert out["filters"]["team"] == "through_care"
    assert out["total"]["feedback_outside"]["child_views"]["asked"] == 1  # C1002's team
    agency = compute(scenario, filters=reports.Filters(agency="police"))
    assert agency["total"]["audits_final"] == 0 and agency["total"]["pct_good_or_better"] is None
    programme = compute(scenario, filters=reports.Filters(programme="p-test"))
    assert programme["total"]["audits_final"] == 3  # the single audit is in another
    assert programme["total"]["feedback_outside"]["child_views"]["asked"] == 0
    months = compute(scenario, by="month")
    assert [p["label"] for p in months["periods"]] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert [p["audits_final"] for p in months["periods"]] == [0, 3, 0, 0, 1, 0]
    assert months["total"]["audits_final"] == 4
    clipped = compute(scenario, date_from=date(2026, 2, 15), date_to=date(2026, 5, 9))
    assert [(p["from"], p["to"]) for p in clipped["periods"]] == [
        ("2026-02-15", "2026-03-31"),
        ("2026-04-01", "2026-05-09"),
    ]
    assert clipped["total"]["audits_final"] == 3  # A3 was finalised on 10 May


def test_bad_requests_are_refused(world):
    from audit_tool.errors import ValidationError

    with pytest.raises(ValidationError, match="before"):
        compute(world, date_from=date(2026, 6, 1), date_to=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="quarter, month or year"):
        compute(world, by="week")
    with pytest.raises(ValidationError, match="No team"):
        compute(world, filters=reports.Filters(team="nope"))
    empty = compute(world)
    assert empty["total"]["audits_final"] == 0
    assert empty["total"]["agreement"]["kappa_quadratic"] is None
