"""Report JSON v1.1 (shared/INTERFACES.md): the partnership's year, partial periods and the
v1.1 fields, against figures worked out by hand.

The scenario, built through the services (then each audit's completion time set). The
partnership's year starts in April, so 15 February 2026 is in 2025/26 Q4 and 10 May 2026 in
2026/27 Q1. Pol is an auditor of the police; everyone else is of children's social care (csc).

2025/26 Q4 (finalised 15 February)
  A1  looped, C1000 (Assessment)     Alex good, Bea RI            final RI
      conversations: parent (child_views yes, copy_of_plan no), child (child_views partly)
      learning: a strength on neglect; a development point on neglect and chronology
  A2  looped, C1002 (Through Care)   Alex outstanding, Bea outstanding  final outstanding
      conversation: carer (child_views no)
  M1  multi_agency, C1001 (Assessment)  Alex RI (csc), Pol inadequate (police)  final inadequate
      learning: a development point on chronology
2026/27 Q1 (finalised 10 May)
  G1  looped, C1000, on the partnership's own scale Good / Adequate / Poor: Alex good, Bea good,
      final good (its "good" is not Ofsted's); conversation: parent (child_views yes)
  S1  send, C1001: education Alex outstanding, health Pol good, social care Bea RI; final good
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from jsonschema import Draft202012Validator

from audit_tool.reporting import report as reports
from audit_tool.reporting.periods import Period, parse_month, periods
from audit_tool.resources import resource
from audit_tool.services import audits, feedback, learning, programmes, reference, templates
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from audit_tool.services.templates import ItemInput
from tests.factories import looped_audit
from tests.reporting.test_report import finished, review

Q4_DAY = datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
Q1_DAY = datetime(2026, 5, 10, 10, 0, tzinfo=UTC)
NO_GRADES = {"outstanding": 0, "good": 0, "requires_improvement": 0, "inadequate": 0}


def grades(**counts: int) -> dict[str, int]:
    return NO_GRADES | counts


def talk(world, uuid, who, answers):
    feedback.add_feedback(
        world.db,
        world.lead,
        FeedbackInput(who, "phone", date(2026, 2, 1), True, answers),
        audit_uuid=uuid,
    )


def confirm(world, uuid, final, when, tpl="moderated_case_file"):
    items = templates.get_template(world.db, world.lead, tpl).graded_items
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer(final) for i in items}
        | ({"family_has_copy": Answer("yes")} if tpl == "moderated_case_file" else {}),
        overall=final,
        rationale="Moderated on the evidence in the file",
    )
    finished(world, uuid, when)


def own_scale_review(world, actor, uuid, grade):
    mine = audits.get_audit(world.db, actor, uuid).my_review
    audits.save_review(
        world.db, actor, mine, answers={"voice_of_child": Answer(grade)}, overall=grade
    )
    audits.submit_review(world.db, actor, mine)


@pytest.fixture
def scenario(world):
    db, lead = world.db, world.lead
    reference.save_person(
        db, lead, key="pol1", name="Pol Auditor", agency_key="police", roles=["auditor"]
    )
    pol = reference.actor_for(db, "pol1")

    a1 = looped_audit(world, ref="C1000")
    review(world, world.auditor, a1, "good", "good")
    review(world, world.auditor2, a1, "requires_improvement", "requires_improvement")
    talk(world, a1, "parent", {"child_views": "yes", "copy_of_plan": "no"})
    talk(world, a1, "child", {"child_views": "partly"})
    learning.add_learning_point(
        db, lead, a1, kind="strength", text="Clear plan", themes=["Neglect"]
    )
    learning.add_learning_point(
        db, lead, a1, kind="development", text="No chronology", themes=["neglect", "chronology"]
    )
    confirm(world, a1, "requires_improvement", Q4_DAY)

    a2 = looped_audit(world, ref="C1002")
    review(world, world.auditor, a2, "outstanding", "outstanding")
    review(world, world.auditor2, a2, "outstanding", "outstanding")
    talk(world, a2, "carer", {"child_views": "no"})
    confirm(world, a2, "outstanding", Q4_DAY)

    m1 = looped_audit(world, ref="C1001", kind="multi_agency", reviewers=["aud1", "pol1"])
    review(world, world.auditor, m1, "requires_improvement", "requires_improvement")
    review(world, pol, m1, "inadequate", "inadequate")
    learning.add_learning_point(
        db, lead, m1, kind="development", text="Late strategy meeting", themes=["chronology"]
    )
    audits.record_panel_summary(db, lead, m1, "The panel met and agreed the grade")
    confirm(world, m1, "inadequate", Q4_DAY)

    templates.save_scale(
        db, lead, key="gap", name="Good adequate poor", levels=["Good", "Adequate", "Poor"]
    )
    templates.save_template(
        db,
        lead,
        key="own_scale",
        name="Our own scale",
        kind="looped",
        items=[ItemInput("voice_of_child", "Voice of the child", "grade")],
        scale_key="gap",
    )
    programmes.save_programme(
        db,
        lead,
        key="p-own",
        name="Own scale programme",
        kind="monthly",
        template_key="own_scale",
        starts_on=date(2026, 4, 1),
        due_on=date(2026, 5, 31),
    )
    g1 = looped_audit(world, ref="C1000", programme="p-own")
    own_scale_review(world, world.auditor, g1, "good")
    own_scale_review(world, world.auditor2, g1, "good")
    talk(world, g1, "parent", {"child_views": "yes"})
    confirm(world, g1, "good", Q1_DAY, tpl="own_scale")

    s1 = looped_audit(
        world,
        ref="C1001",
        kind="send",
        programme="p-send",
        reviewers={"education": "aud1", "health": "pol1", "social_care": "aud2"},
    )
    review(world, world.auditor, s1, "outstanding", "outstanding")
    review(world, pol, s1, "good", "good")
    review(world, world.auditor2, s1, "requires_improvement", "requires_improvement")
    confirm(world, s1, "good", Q1_DAY)
    return world


def compute(world, **kw):
    kw.setdefault("date_from", date(2026, 1, 1))
    kw.setdefault("date_to", date(2026, 6, 30))
    kw.setdefault("today", date(2026, 7, 1))
    return reports.compute(world.db, world.lead, **kw)


def valid(out):
    schema = json.loads(resource("schemas", "qa-report-v1.schema.json").read_text())
    Draft202012Validator(schema).validate(out)
    return out


def test_the_v11_fields_by_hand(scenario):
    out = valid(compute(scenario))
    assert out["year_start_month"] == 4
    q4, q1 = out["periods"]
    total = out["total"]
    assert [(p["label"], p["partial"]) for p in (q4, q1)] == [
        ("2025/26 Q4", False),
        ("2026/27 Q1", False),
    ]

    # Q4: A1 RI, A2 outstanding, M1 inadequate. Good or better 1/3 = 33.3; RI or better 2/3.
    assert q4["audits_final"] == 3
    assert q4["overall"] == grades(outstanding=1, requires_improvement=1, inadequate=1)
    assert (q4["pct_good_or_better"], q4["pct_ri_or_better"]) == (33.3, 66.7)
    # Q1: G1 is counted but its "good" is on its own scale; only S1's good is graded.
    assert q1["audits_final"] == 2
    assert q1["overall"] == grades(good=1)
    assert (q1["pct_good_or_better"], q1["pct_ri_or_better"]) == (100.0, 100.0)
    assert q1["other_scales"] == {"gap": {"good": 1}}
    assert q1["items"]["voice_of_child"]["counts"] == grades(good=1)  # S1's, not G1's
    # Total: O1 G1 RI1 I1 of 5 final: good or better 2/4 = 50.0, RI or better 3/4 = 75.0.
    assert total["audits_final"] == 5
    assert (total["pct_good_or_better"], total["pct_ri_or_better"]) == (50.0, 75.0)
    # Agreement: the looped Ofsted pairs only (A1, A2); G1's two "good"s are on another scale.
    assert (q4["agreement"]["pairs"], q1["agreement"]["pairs"]) == (2, 0)
    assert total["agreement"]["pairs"] == 2
    # Moderation, Q1: S1 final good (2): Alex outstanding (1) lowered, Pol good unchanged, Bea
    # RI (3) raised. G1 is left out.
    assert q1["moderation"] == {"raised": 1, "lowered": 1, "unchanged": 1}
    # Q4: Alex good -> RI lowered, Bea unchanged; A2 both unchanged; M1 Alex RI -> inadequate
    # lowered, Pol unchanged.
    assert q4["moderation"] == {"raised": 0, "lowered": 2, "unchanged": 4}

    # Reviews by the reviewer's agency: M1 (Q4), S1 (Q1); the looped audits are left out.
    assert q4["by_reviewer_agency"] == {
        "csc": {"reviews": 1, "overall": grades(requires_improvement=1), "pct_good_or_better": 0.0},
        "police": {"reviews": 1, "overall": grades(inadequate=1), "pct_good_or_better": 0.0},
    }
    assert q1["by_reviewer_agency"] == {
        "csc": {
            "reviews": 2,
            "overall": grades(outstanding=1, requires_improvement=1),
            "pct_good_or_better": 50.0,
        },
        "police": {"reviews": 1, "overall": grades(good=1), "pct_good_or_better": 100.0},
    }
    # Total: csc O1 RI2 -> 1/3 = 33.3; police G1 I1 -> 1/2 = 50.0.
    assert total["by_reviewer_agency"]["csc"]["pct_good_or_better"] == 33.3
    assert total["by_reviewer_agency"]["police"] == {
        "reviews": 2,
        "overall": grades(good=1, inadequate=1),
        "pct_good_or_better": 50.0,
    }

    # Conversations and families: Q4 three conversations with the families of C1000 and C1002;
    # Q1 one with C1000's. The whole range: four conversations, two families (not three).
    assert (q4["feedback_conversations"], q4["feedback_families"]) == (3, 2)
    assert (q1["feedback_conversations"], q1["feedback_families"]) == (1, 1)
    assert (total["feedback_conversations"], total["feedback_families"]) == (4, 2)
    # Feedback by the case's team. Q4 Assessment (A1): child_views yes + partly -> 1 of 2;
    # copy_of_plan no -> 0 of 1. Through Care (A2): child_views no -> 0 of 1.
    assert q4["feedback_by_team"]["assess_north"]["child_views"] == {
        "asked": 2,
        "yes": 1,
        "partly": 1,
        "no": 0,
        "pct_yes": 50.0,
    }
    assert q4["feedback_by_team"]["assess_north"]["copy_of_plan"]["pct_yes"] == 0.0
    assert q4["feedback_by_team"]["through_care"]["child_views"]["pct_yes"] == 0.0
    assert q4["feedback_by_team"]["through_care"]["contactable"]["asked"] == 0
    assert set(q1["feedback_by_team"]) == {"assess_north"}
    # Total Assessment: yes 2, partly 1 -> 2 of 3 = 66.7.
    assert total["feedback_by_team"]["assess_north"]["child_views"]["pct_yes"] == 66.7

    # Learning themes (themes are kept in lower case).
    assert q4["learning_themes"] == {
        "chronology": {"strength": 0, "development": 2},
        "neglect": {"strength": 1, "development": 1},
    }
    assert q1["learning_themes"] == {}
    assert total["learning_themes"] == q4["learning_themes"]


def test_the_service_area_filter(scenario):
    out = valid(compute(scenario, filters=reports.Filters(service_area="Through Care")))
    assert out["filters"]["service_area"] == "Through Care"
    assert out["total"]["audits_final"] == 1 and out["total"]["overall"] == grades(outstanding=1)
    assert out["total"]["feedback_conversations"] == 1
    from audit_tool.errors import ValidationError

    with pytest.raises(ValidationError, match="service area"):
        compute(scenario, filters=reports.Filters(service_area="Nowhere"))


def test_partial_periods_and_other_year_starts(scenario):
    # Today is 20 May 2026: 2026/27 Q1 runs past it, so it and the whole range are partial.
    today = valid(compute(scenario, today=date(2026, 5, 20)))
    assert [p["partial"] for p in today["periods"]] == [False, True]
    assert today["total"]["partial"] is True
    # A report from 1 February cuts 2025/26 Q4: partial, and its `from` is the report's.
    cut = valid(compute(scenario, date_from=date(2026, 2, 1)))
    assert [(p["label"], p["from"], p["partial"]) for p in cut["periods"]] == [
        ("2025/26 Q4", "2026-02-01", True),
        ("2026/27 Q1", "2026-04-01", False),
    ]
    # Calendar years: January to March is Q1 and April to June Q2.
    calendar = valid(compute(scenario, year_start_month=1))
    assert calendar["year_start_month"] == 1
    assert [(p["label"], p["audits_final"]) for p in calendar["periods"]] == [
        ("2026 Q1", 3),
        ("2026 Q2", 2),
    ]
    # A year from September: Q2 is December-February (cut by 1 January), Q3 March-May, Q4
    # June-August (cut by 30 June).
    september = valid(compute(scenario, year_start_month=9))
    assert [
        (p["label"], p["from"], p["to"], p["partial"], p["audits_final"])
        for p in september["periods"]
    ] == [
        ("2025/26 Q2", "2026-01-01", "2026-02-28", True, 3),
        ("2025/26 Q3", "2026-03-01", "2026-05-31", False, 2),
        ("2025/26 Q4", "2026-06-01", "2026-06-30", True, 0),
    ]
    # By year: the financial years 2025/26 (January-March only) and 2026/27 (April-June only).
    years = valid(compute(scenario, by="year"))
    assert years["by"] == "year"
    assert [(p["label"], p["partial"], p["audits_final"]) for p in years["periods"]] == [
        ("2025/26", True, 3),
        ("2026/27", True, 2),
    ]
    calendar_year = valid(compute(scenario, by="year", year_start_month=1))
    assert [(p["label"], p["partial"]) for p in calendar_year["periods"]] == [("2026", True)]
    assert calendar_year["periods"][0]["audits_final"] == 5


def test_the_partnerships_setting_gives_the_year(scenario):
    from audit_tool.services import settings

    current = settings.partnership(scenario.db)
    settings.save_partnership(
        scenario.db,
        scenario.lead,
        name=current.name,
        installation_name="",
        logo=None,
        year_start_month=1,
    )
    out = compute(scenario)
    assert out["year_start_month"] == 1
    assert [p["label"] for p in out["periods"]] == ["2026 Q1", "2026 Q2"]
    assert compute(scenario, year_start_month=4)["periods"][0]["label"] == "2025/26 Q4"


def test_period_arithmetic():
    def spans(start, end, by, ys, today=date(2030, 1, 1)):
        return periods(
            date.fromisoformat(start), date.fromisoformat(end), by, year_start=ys, today=today
        )

    april = spans("2022-04-01", "2023-03-31", "quarter", 4)
    assert april == [
        Period("2022/23 Q1", date(2022, 4, 1), date(2022, 6, 30), False),
        Period("2022/23 Q2", date(2022, 7, 1), date(2022, 9, 30), False),
        Period("2022/23 Q3", date(2022, 10, 1), date(2022, 12, 31), False),
        Period("2022/23 Q4", date(2023, 1, 1), date(2023, 3, 31), False),
    ]
    assert [p.label for p in spans("2022-01-01", "2022-12-31", "quarter", 1)] == [
        "2022 Q1",
        "2022 Q2",
        "2022 Q3",
        "2022 Q4",
    ]
    assert spans("2022-09-01", "2022-11-30", "quarter", 9) == [
        Period("2022/23 Q1", date(2022, 9, 1), date(2022, 11, 30), False)
    ]
    assert [p.label for p in spans("2022-01-01", "2022-03-31", "month", 4)] == [
        "2022-01",
        "2022-02",
        "2022-03",
    ]
    assert [(p.label, p.partial) for p in spans("2022-04-01", "2024-03-31", "year", 4)] == [
        ("2022/23", False),
        ("2023/24", False),
    ]
    assert spans("2099-04-01", "2100-03-31", "year", 4)[0].label == "2099/00"
    # The month running past today is partial; one that ended yesterday is whole.
    now = spans("2026-11-01", "2026-12-31", "month", 4, today=date(2026, 12, 7))
    assert [(p.label, p.partial) for p in now] == [("2026-11", False), ("2026-12", True)]
    assert (parse_month("9"), parse_month("April"), parse_month("sep")) == (9, 4, 9)
    from audit_tool.errors import ValidationError

    for bad in ("13", "0", "ju", "smarch"):
        with pytest.raises(ValidationError):
            parse_month(bad)
    with pytest.raises(ValidationError):
        spans("2022-01-01", "2022-12-31", "quarter", 13)


def test_send_strands_feedback_by_service_area_and_scale_words(scenario):
    """The optional breakdowns beside v1.1, by hand: S1's three strands (education Alex
    outstanding, health Pol good, social care Bea RI), feedback by the service area of the
    case's team (C1000 and C1001 are Assessment's, C1002 Through Care's), and the words of the
    partnership's own scale."""
    out = valid(compute(scenario))
    q4, q1 = out["periods"]
    total = out["total"]
    assert q4["by_send_part"] == {}  # M1 is multi-agency, not SEND
    assert q1["by_send_part"] == {
        "education": {"reviews": 1, "overall": grades(outstanding=1), "pct_good_or_better": 100.0},
        "health": {"reviews": 1, "overall": grades(good=1), "pct_good_or_better": 100.0},
        "social_care": {
            "reviews": 1,
            "overall": grades(requires_improvement=1),
            "pct_good_or_better": 0.0,
        },
    }
    assert total["by_send_part"] == q1["by_send_part"]
    # Q4 Assessment (A1): child_views yes + partly -> 1 of 2; copy_of_plan no -> 0 of 1.
    # Through Care (A2): child_views no. Q1 Assessment (G1): child_views yes.
    assert set(q4["feedback_by_service_area"]) == {"Assessment", "Through Care"}
    assessment = q4["feedback_by_service_area"]["Assessment"]
    assert assessment["child_views"] == {
        "asked": 2,
        "yes": 1,
        "partly": 1,
        "no": 0,
        "pct_yes": 50.0,
    }
    assert assessment["copy_of_plan"]["pct_yes"] == 0.0
    assert q4["feedback_by_service_area"]["Through Care"]["child_views"]["pct_yes"] == 0.0
    assert q1["feedback_by_service_area"]["Assessment"]["child_views"]["pct_yes"] == 100.0
    # The whole range, Assessment: yes 2, partly 1 of 3 = 66.7.
    assert total["feedback_by_service_area"]["Assessment"]["child_views"]["pct_yes"] == 66.7

    labels = out["labels"]
    assert labels["scales"]["gap"] == "Good adequate poor"
    assert labels["levels"]["gap"] == {
        "good": "Good",
        "adequate": "Adequate",
        "poor": "Poor",
        "not_applicable": "Not applicable",
    }
    assert labels["levels"]["ofsted"]["requires_improvement"] == "Requires improvement to be good"
    rows = reports.raw_rows(
        scenario.db, scenario.lead, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30)
    )
    assert sorted(r["scale"] for r in rows) == ["gap", "ofsted", "ofsted", "ofsted", "ofsted"]
