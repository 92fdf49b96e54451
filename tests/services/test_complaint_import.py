"""Complaint import: a good extract (CSV or Excel) is imported whole and again changes
nothing; a bad one changes nothing and lists every bad row at once; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from audit_tool.errors import PermissionDenied
from audit_tool.services import changelog
from audit_tool.services import complaints as C

HEADER = (
    "Complaint reference,Received,Agency,Team,Stage,Points,Themes,Outcome,Responded,"
    "Joint agencies,Case reference,Summary\n"
)
GOOD = HEADER + (
    "CMP-10,19/12/2025,csc,Assessment Team North,1,2,communication; delay | plans,upheld,"
    "2026-01-06,,C1000,Calls not returned\n"
    "CMP-11,2026-02-02,Children's Social Care,,Stage 2,1,,,,police,,\n"
    "CMP-12,2026-03-02,police,ppu,Ombudsman,3,,Partly upheld,2026-03-20,,,\n"
)
BAD = HEADER + (
    "CMP-20,2026-02-30,csc,,1,2,a | b | c,,,,,\n"  # no such date; three groups for two points
    "CMP-21,2026-01-05,nowhere,,4,x,,maybe,,,,Sam Worker was rude\n"
    "CMP-10,2026-01-05,csc,ppu,1,1,,,,,C9999,\n"  # good but the team and case are wrong
    "CMP-21,2026-01-05,csc,,1,1,,,,,,\n"  # the same reference twice in the file
)


def _file(tmp_path, text: str, name: str = "complaints.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_imported_whole_and_again_changes_nothing(world, tmp_path):
    db, lead = world.db, world.lead
    path = _file(tmp_path, GOOD)
    checked = C.read_complaints(db, lead, path)
    assert (checked.rows, checked.new, checked.problems, checked.written) == (3, 3, [], False)
    assert C.list_complaints(db, lead) == []
    report = C.import_complaints(db, lead, path)
    assert report.written and report.new == 3
    rows = {r.reference: r for r in C.list_complaints(db, lead, today=date(2026, 6, 30))}
    first = rows["CMP-10"]
    assert first.due_on == date(2026, 1, 7) and first.timeliness == "within"
    assert [p.themes for p in first.points] == [("communication", "delay"), ("plans",)]
    assert first.case_ref == "C1000" and first.team_name == "Assessment Team North"
    assert rows["CMP-11"].joint_agencies == (("police", "Police"),)
    assert rows["CMP-11"].stage == "stage2" and rows["CMP-11"].outcome is None
    assert rows["CMP-12"].outcome == "partly_upheld" and len(rows["CMP-12"].points) == 3
    log = changelog.count(db)
    again = C.import_complaints(db, lead, path)
    assert (again.new, again.unchanged, again.written) == (0, 3, False)
    assert changelog.count(db) == log


def test_a_bad_file_changes_nothing_and_lists_every_bad_row(world, tmp_path):
    db, lead = world.db, world.lead
    log = changelog.count(db)
    report = C.import_complaints(db, lead, _file(tmp_path, BAD))
    assert not report.written and C.list_complaints(db, lead) == []
    assert changelog.count(db) == log
    by_row: dict[int | None, list[str]] = {}
    for p in report.problems:
        by_row.setdefault(p.row, []).append(f"{p.column}: {p.message}")
    assert sorted(by_row) == [2, 3, 4, 5]
    assert any(line.startswith("Received: ") for line in by_row[2])
    assert any("3 group(s) of themes for 2 point(s)" in line for line in by_row[2])
    row3 = " / ".join(by_row[3])
    for wanted in (
        "Agency: No agency 'nowhere'",
        "'4' is not a stage",
        "'x' is not a number",
        "'maybe' is not an outcome",
        "Summary: Take out what identifies someone",
    ):
        assert wanted in row3  # fmt: skip
    assert any("Team: " in line for line in by_row[4])
    assert any("No case with reference 'C9999'" in line for line in by_row[4])
    assert by_row[5] == ["Complaint reference: reference 'CMP-21' already appears on row 3"]
    assert report.lines()[0].startswith("complaints.csv, row 2, column 'Received':")


def test_an_excel_extract_and_a_personal_data_column(world, tmp_path):
    from openpyxl import Workbook

    db, lead = world.db, world.lead
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Complaint reference", "Received", "Agency", "Stage", "Points"])
    sheet.append(["CMP-30", date(2026, 4, 1), "csc", "1", 1])
    book.save(tmp_path / "extract.xlsx")
    assert C.import_complaints(db, lead, tmp_path / "extract.xlsx").new == 1
    named = _file(tmp_path, "Complaint reference,Received,Agency,Stage,Points,Complainant\n"
                  "CMP-31,2026-04-01,csc,1,1,Jane Doe\n")  # fmt: skip
    report = C.import_complaints(db, lead, named)
    assert report.blocked and "personal data" in report.problems[0].message
    with pytest.raises(PermissionDenied):
        C.read_complaints(db, world.moderator, named)
