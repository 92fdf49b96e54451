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


def _items(*extra):
    from audit_tool.services.templates import ItemInput

    return [
        ItemInput("voice", "Voice of the child", "grade", limiting=True, section="Practice"),
        ItemInput("plans", "Plans", "grade", section="Practice", guidance="Up to date?"),
        ItemInput("copy", "Family has a copy", "yes_no", section="Compliance"),
        *extra,
    ]


def test_create_edit_in_place_then_new_version_once_used(world):
    from datetime import date

    from audit_tool.services import programmes
    from audit_tool.services.templates import ItemInput
    from tests.factories import looped_audit

    db, lead = world.db, world.lead
    row = templates.save_template(
        db, lead, key="exploitation", name="Exploitation", kind="looped", items=_items()
    )
    assert (row.version, [i.key for i in row.items]) == (1, ["voice", "plans", "copy"])
    assert row.sections == ["Practice", "Compliance"]
    # Not used yet: changes stay in version 1.
    row = templates.save_template(
        db,
        lead,
        key="exploitation",
        name="Exploitation (RED pathway)",
        kind="looped",
        items=_items(ItemInput("days", "Days to strategy discussion", "number")),
    )
    assert row.version == 1 and row.items[-1].kind == "number"
    # Saving the same content again writes nothing.
    before = changelog_count(world)
    templates.save_template(
        db,
        lead,
        key="exploitation",
        name="Exploitation (RED pathway)",
        kind="looped",
        items=_items(ItemInput("days", "Days to strategy discussion", "number")),
    )
    assert changelog_count(world) == before
    # Once an audit uses it, an edit makes version 2 and the audit keeps version 1.
    programmes.save_programme(
        db,
        lead,
        key="red",
        name="RED",
        kind="thematic",
        theme="Exploitation",
        template_key="exploitation",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 2, 1),
    )
    uuid = looped_audit(world, programme="red")
    from audit_tool.services import audits

    row = templates.save_template(
        db, lead, key="exploitation", name="Exploitation", kind="looped", items=_items()
    )
    assert row.version == 2 and len(row.items) == 3
    assert audits.get_audit(db, lead, uuid).template.version == 1
    assert templates.get_template(db, lead, "exploitation").version == 2
    assert templates.get_template(db, lead, "exploitation", version=1).items[-1].key == "days"


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([], "at least one graded"),
        (None, "used twice"),
        ("limiting", "only a graded item"),
    ],
)
def test_template_validation(world, items, message):
    from audit_tool.errors import ValidationError
    from audit_tool.services.templates import ItemInput

    if items is None:
        items = _items(ItemInput("plans", "Plans again", "grade"))
    elif items == "limiting":
        items = _items(ItemInput("note", "Note", "text", limiting=True))
    with pytest.raises(ValidationError) as info:
        templates.save_template(
            world.db, world.lead, key="t1", name="T", kind="looped", items=items
        )
    assert message in info.value.fields["items"]
    with pytest.raises(PermissionDenied):
        templates.save_template(
            world.db, world.auditor, key="t1", name="T", kind="looped", items=_items()
        )


def test_retired_templates_leave_the_list_and_new_programmes(world):
    from datetime import date

    from audit_tool.errors import ValidationError
    from audit_tool.services import programmes

    templates.retire_template(world.db, world.lead, "send_ehc_plan")
    assert "send_ehc_plan" not in {t.key for t in templates.list_templates(world.db, world.lead)}
    with pytest.raises(ValidationError) as info:
        programmes.save_programme(
            world.db,
            world.lead,
            key="s",
            name="S",
            kind="send",
            template_key="send_ehc_plan",
            starts_on=date(2026, 1, 1),
            due_on=date(2026, 2, 1),
        )
    assert "template" in info.value.fields


def changelog_count(world):
    from audit_tool.services import changelog

    return changelog.count(world.db)


def test_a_template_on_another_grading_scale(world):
    from audit_tool.errors import ValidationError
    from audit_tool.services import audits
    from audit_tool.services.audits import Answer
    from audit_tool.services.templates import ItemInput
    from tests.factories import looped_audit

    db, lead = world.db, world.lead
    scale = templates.save_scale(
        db, lead, key="rag", name="Red amber green", levels=["Green", "Amber", "Red"]
    )
    assert [(lv.key, lv.rank) for lv in scale.levels] == [
        ("green", 1),
        ("amber", 2),
        ("red", 3),
        ("not_applicable", None),
    ]
    with pytest.raises(ValidationError) as info:
        templates.save_scale(db, lead, key="bad", name="Bad", levels=["Only"])
    assert "at least two" in info.value.fields["levels"]
    row = templates.save_template(
        db,
        lead,
        key="rag_audit",
        name="RAG audit",
        kind="looped",
        scale_key="rag",
        items=[ItemInput("safety", "Safety", "grade")],
    )
    assert row.scale_key == "rag" and [lv.label for lv in row.levels][:3] == [
        "Green",
        "Amber",
        "Red",
    ]
    # Audits on it are graded on its levels, not Ofsted's.

    _programme_on(world, "rag_audit", "rag-p")
    uuid = looped_audit(world, programme="rag-p")
    review = audits.get_audit(db, world.auditor, uuid).my_review
    audits.save_review(
        db, world.auditor, review, answers={"safety": Answer("amber")}, overall="amber"
    )
    with pytest.raises(ValidationError):
        audits.save_review(db, world.auditor, review, answers={"safety": Answer("good")})
    # A scale in use cannot change.
    with pytest.raises(ValidationError, match="used by templates"):
        templates.save_scale(db, lead, key="rag", name="RAG", levels=["G", "A", "R"])
    assert {s.key for s in templates.list_scales(db, lead)} == {"ofsted", "rag"}


def test_packs_refuse_templates_on_other_scales(world):

    from audit_tool.errors import ValidationError
    from audit_tool.services import packs
    from audit_tool.services.templates import ItemInput
    from tests.factories import looped_audit

    templates.save_scale(world.db, world.lead, key="rag", name="RAG", levels=["Green", "Red"])
    templates.save_template(
        world.db,
        world.lead,
        key="rag_audit",
        name="RAG audit",
        kind="looped",
        scale_key="rag",
        items=[ItemInput("safety", "Safety", "grade")],
    )
    _programme_on(world, "rag_audit", "rag-p")
    looped_audit(world, programme="rag-p")
    with pytest.raises(ValidationError, match="Ofsted scale only; RAG audit"):
        packs.export_pack(world.db, world.lead)


def _programme_on(world, template_key, programme_key):
    """A monthly programme on the given template (for audits to use it)."""
    from datetime import date

    from audit_tool.services import programmes

    programmes.save_programme(
        world.db,
        world.lead,
        key=programme_key,
        name=programme_key.upper(),
        kind="monthly",
        template_key=template_key,
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
    )
