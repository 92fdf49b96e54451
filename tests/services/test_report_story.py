"""The report's story (services/report_story.py) against the figures of tests/services/
story_scenario.py, worked out by hand there, on SQLite and PostgreSQL: themes and their trend,
quotes filtered by sharing and by the names check, last period's areas for improvement with
the actions raised on them, and the story in the exported JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from audit_tool.errors import ValidationError
from audit_tool.reporting import report as reports
from audit_tool.services import report_editions, report_export, report_story
from tests.dbtemplates import world_recipe
from tests.services.story_scenario import FROM, TO, TODAY, build_story

story_world = world_recipe(build_story, name="story_world")


def _report(world: Any, date_from: date = FROM, date_to: date = TO, **filters: str) -> Any:
    return reports.compute(
        world.db,
        world.lead,
        date_from=date_from,
        date_to=date_to,
        by="quarter",
        filters=reports.Filters(**filters),
        today=TODAY,
    )


def _tell(world: Any, actor: Any = None, **kwargs: Any) -> dict[str, Any]:
    report = _report(world, **kwargs)
    return report_story.tell(world.db, actor or world.lead, report, today=TODAY)


THEMES = [
    # theme, strengths and development points in Q4, then in Q3
    ("plans", 2, 0, 0, 1),
    ("voice of the child", 2, 0, 1, 0),
    ("chronology", 0, 1, 0, 2),
    ("assessment", 1, 0, 0, 0),
    ("neglect", 0, 0, 0, 1),
]


def _themes(story: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            t["theme"],
            t["strength"],
            t["development"],
            t["before"]["strength"],
            t["before"]["development"],
        )
        for t in story["themes"]
    ]


def test_themes_of_the_last_quarter_against_the_one_before(story_world) -> None:
    world, _audits = story_world
    story = _tell(world)
    assert story["period"] == {
        "label": "2025/26 Q4",
        "from": "2026-01-01",
        "to": "2026-03-31",
        "partial": False,
    }
    assert story["previous"]["label"] == "2025/26 Q3"
    assert story["compared"] is True
    assert _themes(story) == THEMES


def test_the_quarter_before_a_one_quarter_report_is_counted_all_the_same(story_world) -> None:
    world, _audits = story_world
    story = _tell(world, date_from=date(2026, 1, 1))
    assert story["previous"] == {
        "label": "2025/26 Q3",
        "from": "2025-10-01",
        "to": "2025-12-31",
        "partial": False,
    }
    assert _themes(story) == THEMES
    assert [a["theme"] for a in story["improvement"]] == ["chronology", "neglect", "plans"]


def test_a_partial_quarter_is_not_compared(story_world) -> None:
    world, _audits = story_world
    story = _tell(world, date_to=date(2026, 3, 15))
    assert story["period"]["partial"] is True
    assert story["compared"] is False
    # The counts are given; the renderers do not set them side by side.
    assert _themes(story) == THEMES


def test_the_strongest_points_shared_and_naming_no_one_are_quoted(story_world) -> None:
    world, _audits = story_world
    story = _tell(world)
    # "Child seen alone" in two audits; "Priya Lead praised the plan" names a person;
    # "Thorough assessment" is not for sharing.
    assert story["strengths"] == [
        {"text": "Child seen alone", "cases": 2, "themes": ["voice of the child"]},
        {"text": "Clear plan written with the family", "cases": 1, "themes": ["plans"]},
    ]
    assert story["developments"] == [
        {"text": "Chronology gaps", "cases": 1, "themes": ["chronology"]}
    ]


def test_family_voices_with_consent_shareable_naming_no_one_each_once(story_world) -> None:
    world, _audits = story_world
    story = _tell(world)
    # The carer's comment names a worker (Dana), the child's is not shareable, and the
    # parents' two comments are the same words: the newer is quoted.
    assert story["voices"] == [
        {
            "text": "The worker really listened to us.",
            "respondent": "parent",
            "collected_on": "2026-02-02",
        }
    ]


def test_last_quarters_areas_for_improvement_and_what_was_done(story_world) -> None:
    world, _audits = story_world
    story = _tell(world)
    chronology, neglect, plans = story["improvement"]
    assert chronology == {
        "theme": "chronology",
        "development_before": 2,
        "development_now": 1,
        # A1: the guidance (done), AB's chronology (a case action, overdue on 31 March);
        # A2: the workshop (open, due in June); A3: the plans audit (open, due in May).
        "actions": {"raised": 4, "done": 1, "open": 3, "overdue": 1, "cancelled": 0},
        # Service actions only, by due date; the workshop names a worker.
        "quoted": [
            {
                "text": "Reissue the chronology guidance",
                "status": "done",
                "overdue": False,
                "due_on": "2026-01-31",
                "completed_on": "2026-01-20",
            },
            {
                "text": "Plans audit in three months",
                "status": "open",
                "overdue": False,
                "due_on": "2026-05-31",
                "completed_on": None,
            },
        ],
    }
    for area, theme in ((neglect, "neglect"), (plans, "plans")):  # both found in A1 only
        assert (area["theme"], area["development_before"], area["development_now"]) == (
            theme,
            1,
            0,
        )
        assert area["actions"] == {"raised": 2, "done": 1, "open": 1, "overdue": 1, "cancelled": 0}
        assert [q["text"] for q in area["quoted"]] == ["Reissue the chronology guidance"]
    # Priya Lead's strength, the carer's "Dana", the workshop for Sam Worker's team.
    assert story["passed_over"] == 3


def test_the_filters_narrow_the_story(story_world) -> None:
    world, _audits = story_world
    story = _tell(world, team="through_care")  # A3 only
    # The most mentioned first, then the most development points, then by name.
    assert [(t["theme"], t["strength"], t["development"]) for t in story["themes"]] == [
        ("plans", 2, 0),
        ("chronology", 0, 1),
        ("assessment", 1, 0),
        ("voice of the child", 1, 0),
    ]
    assert [p["cases"] for p in story["strengths"]] == [1, 1]
    assert story["improvement"] == []  # nothing of Through Care's in Q3


def test_a_viewer_reads_the_same_story(story_world) -> None:
    world, _audits = story_world
    assert _tell(world, world.viewer) == _tell(world)


def test_the_exported_json_carries_the_story_and_the_commentary(story_world, tmp_path) -> None:
    world, _audits = story_world
    key = report_editions.key_of(_report(world))
    report_editions.save_commentary(
        world.db, world.lead, key, {"themes": "Plans are improving.", "summary": "A good quarter."}
    )
    path = report_export.write_report(
        world.db, world.lead, tmp_path / "r.json", fmt="json", date_from=FROM, date_to=TO
    )
    story = json.loads(path.read_text("utf-8"))["story"]  # and valid against the schema
    assert story["commentary"] == {"summary": "A good quarter.", "themes": "Plans are improving."}
    assert story["edition"]["status"] == "draft" and story["edition"]["version"] == 1
    assert story["strengths"][0]["text"] == "Child seen alone"
    # A viewer's export has no draft commentary.
    path = report_export.write_report(
        world.db,
        world.viewer,
        tmp_path / "v.json",
        fmt="json",
        date_from=FROM,
        date_to=TO,
        today=TODAY,
    )
    story = json.loads(path.read_text("utf-8"))["story"]
    assert story["commentary"] == {} and story["edition"] is None


def test_an_export_with_a_draft_commentary_naming_someone_is_refused(story_world, tmp_path) -> None:
    world, _audits = story_world
    key = report_editions.key_of(_report(world))
    report_editions.save_commentary(world.db, world.lead, key, {"voices": "Thanks to Sam Worker."})
    with pytest.raises(ValidationError, match="Sam Worker"):
        report_export.write_report(
            world.db, world.lead, tmp_path / "r.pdf", fmt="pdf", date_from=FROM, date_to=TO
        )
    assert not (tmp_path / "r.pdf").exists()
