"""The default audit templates every database starts with, read through the service."""

from __future__ import annotations

import pytest

from audit_tool.errors import NotFound, PermissionDenied
from audit_tool.services import templates

# The practice areas of the default template, as PRODUCT.md lists them (from the seeds).
PRACTICE_AREAS = [
    "Voice of the child",
    "Assessment quality and timeliness",
    "Plans",
    "Visits",
    "Chronology and genogram",
    "Case summary",
    "Management oversight",
    "Supervision",
    "Multi-agency working and information sharing",
    "Application of the levels of need",
    "Service-user involvement",
    "Outcomes and impact for the child",
]


def test_the_three_default_templates_are_installed(world):
    rows = templates.list_templates(world.db, world.auditor)
    assert {(t.key, t.kind) for t in rows} == {
        ("moderated_case_file", "looped"),
        ("jtai_multi_agency", "multi_agency"),
        ("send_ehc_plan", "send"),
    }
    assert [t.name for t in rows] == sorted(t.name for t in rows)


def test_moderated_case_file_template_grades_every_practice_area(world):
    tpl = templates.get_template(world.db, world.lead, "moderated_case_file")
    assert tpl.name == "Moderated case file audit" and tpl.version == 1
    assert [i.label for i in tpl.graded_items] == PRACTICE_AREAS
    assert all(i.guidance for i in tpl.graded_items)
    assert {i.kind for i in tpl.items} == {"grade", "yes_no", "number"}
    assert any(i.limiting for i in tpl.items)
    assert [(lv.label, lv.rank) for lv in tpl.levels] == [
        ("Outstanding", 1),
        ("Good", 2),
        ("Requires improvement to be good", 3),
        ("Inadequate", 4),
        ("Not applicable", None),
    ]


def test_multi_agency_and_send_templates(world):
    jtai = templates.get_template(world.db, world.lead, "jtai_multi_agency")
    assert jtai.sections[:2] == ["Initial response", "From referral to ICPC"]
    assert {i.kind for i in jtai.items} == {"grade", "yes_no", "number", "text"}
    send = templates.get_template(world.db, world.lead, "send_ehc_plan")
    assert "education, health and social care" in send.description
    assert send.graded_items and send.scale_key == "ofsted"


def test_unknown_template_or_version_and_viewer_refused(world):
    with pytest.raises(NotFound, match="version 7 of 'moderated_case_file'"):
        templates.get_template(world.db, world.lead, "moderated_case_file", version=7)
    with pytest.raises(NotFound, match="'nope'"):
        templates.get_template(world.db, world.lead, "nope")
    with pytest.raises(PermissionDenied):
        templates.list_templates(world.db, world.viewer)
