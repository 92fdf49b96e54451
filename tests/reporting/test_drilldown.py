"""The audits behind a chart segment are exactly the ones the report counts in it.

The scenario (finalised at the times shown; report range 2026-01-01 to 2026-06-30):

  a1  C1000 Assessment Team North  p-test            good         15 February (2026 Q1)
  a2  C1001 Assessment Team North  p-test            good         10 May (Q2)
  a3  C1002 Through Care Team      p-test            outstanding  11 May (Q2)
  a4  C1000 Assessment Team North  p-neglect (Neglect) RI         12 May (Q2)
  a5  C1001 Assessment Team North  p-old             inadequate   20 December 2025 (outside)
  a6  C1002 Through Care Team      p-old             not final
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from audit_tool.access.actors import Actor
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.reporting import report as reports
from audit_tool.reporting.drilldown import AuditBehind, audits_behind
from audit_tool.reporting.report import GRADES, Filters
from audit_tool.services import audits, programmes, templates
from audit_tool.services.audits import Answer
from tests.dbtemplates import world_recipe
from tests.factories import backdate, complete_review, looped_audit

FROM, TO = date(2026, 1, 1), date(2026, 6, 30)


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, 0, tzinfo=UTC)


def finished_audit(world, ref, overall, when, programme="p-test"):
    """A looped audit of `ref` taken to final with `overall`, completed at `when`."""
    uuid = looped_audit(world, ref=ref, programme=programme)
    complete_review(world, world.auditor, uuid, overall=overall)
    complete_review(world, world.auditor2, uuid, overall=overall)
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in tpl.graded_items},
        overall=overall,
    )
    backdate(world.db, uuid, when)
    return uuid


def build_scenario(world) -> dict[str, str]:
    programmes.save_programme(
        world.db,
        world.lead,
        key="p-neglect",
        name="Neglect audits",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=date(2026, 4, 1),
        due_on=date(2026, 5, 31),
    )
    ids = {
        "a1": finished_audit(world, "C1000", "good", at(2026, 2, 15)),
        "a2": finished_audit(world, "C1001", "good", at(2026, 5, 10)),
        "a3": finished_audit(world, "C1002", "outstanding", at(2026, 5, 11)),
        "a4": finished_audit(
            world, "C1000", "requires_improvement", at(2026, 5, 12), programme="p-neglect"
        ),
        "a5": finished_audit(world, "C1001", "inadequate", at(2025, 12, 20), programme="p-old"),
        "a6": looped_audit(world, ref="C1002", programme="p-old"),
    }
    return ids


# (world, ids): built once per test process into a template database, copied for each test.
scenario = world_recipe(build_scenario, name="scenario")


def behind(world, **kw):
    kw.setdefault("date_from", FROM)
    kw.setdefault("date_to", TO)
    return audits_behind(world.db, world.lead, **kw)


def report(world, **kw):
    return reports.compute(
        world.db, world.lead, date_from=FROM, date_to=TO, today=date(2026, 7, 1), **kw
    )


def span(period):
    return date.fromisoformat(period["from"]), date.fromisoformat(period["to"])


def test_each_grade_in_each_period_lists_what_the_report_counts(scenario):
    world, ids = scenario
    out = report(world)
    assert [p["label"] for p in out["periods"]] == ["2025/26 Q4", "2026/27 Q1"]
    seen = 0
    for period in out["periods"]:
        start, end = span(period)
        for grade in GRADES:
            rows = behind(world, period_from=start, period_to=end, grade=grade)
            assert len(rows) == period["overall"][grade], (period["label"], grade)
            assert all(r.final_overall == grade for r in rows)
            seen += len(rows)
        assert len(behind(world, period_from=start, period_to=end)) == period["audits_final"]
    assert seen == out["total"]["audits_final"] == 4
    # The segments by hand: Good in Q2 is a2 alone; the whole range skips a5 and a6.
    (good_q2,) = behind(world, period_from=date(2026, 4, 1), period_to=TO, grade="good")
    assert good_q2.uuid == ids["a2"]
    everything = behind(world)
    assert [r.uuid for r in everything] == [ids["a1"], ids["a2"], ids["a3"], ids["a4"]]


def test_the_rows_say_what_the_list_shows(scenario):
    world, ids = scenario
    rows = behind(world, period_from=date(2026, 4, 1), grade="outstanding")
    assert rows == [
        AuditBehind(
            uuid=ids["a3"],
            case_ref="C1002",
            team_name="Through Care Team",
            programme_name="Test programme",
            kind="looped",
            finalised_on=date(2026, 5, 11),
            final_overall="outstanding",
        )
    ]
    with pytest.raises(AttributeError):
        rows[0].case_ref = "X"  # type: ignore[misc]


def test_groups_list_what_the_report_counts(scenario):
    world, _ids = scenario
    out = report(world)
    dimensions = {
        "by_team": "team",
        "by_agency": "agency",
        "by_service_area": "service_area",
        "by_theme": "theme",
    }
    for period in [*out["periods"], out["total"]]:
        start, end = span(period)
        for group, argument in dimensions.items():
            assert period[group], group
            for key, figures in period[group].items():
                for grade in GRADES:
                    rows = behind(
                        world, period_from=start, period_to=end, grade=grade, **{argument: key}
                    )
                    assert len(rows) == figures["overall"][grade], (period["label"], key, grade)
    assert set(out["total"]["by_theme"]) == {"Neglect", "(no theme)"}
    assert len(behind(world, theme="(no theme)")) == 3
    assert len(behind(world, service_area="Through Care")) == 1


@pytest.mark.parametrize(
    "filters",
    [
        Filters(team="assess_north"),
        Filters(agency="csc"),
        Filters(agency="police"),
        Filters(programme="p-neglect"),
        Filters(theme="  neglect "),
    ],
)
def test_the_report_filters_narrow_alike(scenario, filters):
    world, _ids = scenario
    out = report(world, filters=filters)
    for period in out["periods"]:
        start, end = span(period)
        for grade in GRADES:
            rows = behind(world, filters=filters, period_from=start, period_to=end, grade=grade)
            assert len(rows) == period["overall"][grade], (filters, period["label"], grade)
    assert len(behind(world, filters=filters)) == out["total"]["audits_final"]


def test_period_is_clipped_to_the_range_and_the_list_to_the_limit(scenario):
    world, ids = scenario
    # A period reaching outside the report's range still keeps to the range.
    rows = behind(world, period_from=date(2025, 10, 1), period_to=date(2026, 3, 31))
    assert [r.uuid for r in rows] == [ids["a1"]]
    assert behind(world, period_from=date(2026, 7, 1), period_to=date(2026, 9, 30)) == []
    assert [r.uuid for r in behind(world, limit=2)] == [ids["a1"], ids["a2"]]
    # A one-day period: that day's completions only.
    assert [
        r.uuid for r in behind(world, period_from=date(2026, 5, 11), period_to=date(2026, 5, 11))
    ] == [ids["a3"]]


def test_refused_without_the_report_permission_and_for_unknown_keys(scenario):
    world, _ids = scenario
    nobody = Actor(name="Nobody", roles=frozenset())
    with pytest.raises(PermissionDenied):
        audits_behind(world.db, nobody, date_from=FROM, date_to=TO)
    with pytest.raises(PermissionDenied):  # a viewer reads the figures, not the case list
        audits_behind(world.db, world.viewer, date_from=FROM, date_to=TO)
    with pytest.raises(ValidationError, match="No team"):
        behind(world, filters=Filters(team="nowhere"))
    with pytest.raises(ValidationError, match="end date"):
        behind(world, date_from=TO, date_to=FROM)


def test_only_the_audits_a_person_may_open_are_listed(world):
    from tests.factories import final_audit

    uuid = final_audit(world, ref="C1000")
    today = date.today()
    args = {"date_from": date(today.year - 1, 1, 1), "date_to": today, "filters": None}
    assert [r.uuid for r in audits_behind(world.db, world.lead, **args)] == [uuid]
    assert [r.uuid for r in audits_behind(world.db, world.auditor, **args)] == [uuid]  # reviewed
    from audit_tool.services import reference

    manager = reference.actor_for(world.db, "tm1")  # an auditor of the case's agency
    assert [r.uuid for r in audits_behind(world.db, manager, **args)] == [uuid]
    reference.save_person(
        world.db, world.lead, key="pol1", name="Pat Police", agency_key="police", roles=["auditor"]
    )
    police = reference.actor_for(world.db, "pol1")  # another agency's, not on this audit
    assert audits_behind(world.db, police, **args) == []
    with pytest.raises(PermissionDenied):  # case references are not for viewers
        audits_behind(world.db, world.viewer, **args)
