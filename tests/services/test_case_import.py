"""Case import from real CSV and XLSX files: every validation case, all-or-nothing, idempotence."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from audit_tool import cli
from audit_tool.errors import PermissionDenied, ValidationError
from audit_tool.services import case_import, cases, changelog
from audit_tool.services.cases import CaseQuery

HEADER = ["Case reference", "Initials", "Case type", "Level of need", "Team", "Worker", "Opened"]
GOOD = [
    ["C5000", "AB", "cin", "3", "Assessment Team North", "Sam Worker", "2026-01-05"],
    ["C5001", "CD", "Child protection", "4", "assess_north", "", "05/02/2026"],
    ["C5002", "EF", "cla", "", "Through Care Team", "sw2", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def state(world) -> tuple[int, int]:
    return cases.count_cases(world.db, world.lead, CaseQuery()), changelog.count(world.db)


def test_valid_csv_imports_every_row_with_a_log_entry_each(world, tmp_path):
    path = write_csv(tmp_path / "cases.csv", HEADER, GOOD)
    cases_before, log_before = state(world)
    report = case_import.import_cases(world.db, world.lead, path)
    assert report.ok and report.written
    assert (report.rows, report.valid_rows, report.new, report.updated) == (3, 3, 3, 0)
    assert state(world) == (cases_before + 3, log_before + 3)
    row = cases.get_case(world.db, world.lead, "C5001")
    assert (row.case_type, row.level_of_need, row.opened_on) == ("cp", 4, date(2026, 2, 5))
    assert cases.get_case(world.db, world.lead, "C5002").worker_name == "Jo Worker"
    entry = changelog.entries(world.db, world.lead, entity="case")[0]
    assert entry.action == "create" and "imported from cases.csv" in entry.summary


def test_valid_xlsx_with_real_date_cells_and_number_cells(world, tmp_path):
    rows = [
        ["C6000", "GH", "cin", 2, "Assessment Team North", None, datetime(2025, 11, 3)],
        ["C6001", "IJ", "early_help", 1.0, "PPU", "Sam Worker", date(2025, 12, 1)],
    ]
    path = write_xlsx(tmp_path / "cases.xlsx", HEADER, rows)
    report = case_import.import_cases(world.db, world.lead, path)
    assert report.ok, report.lines()
    first = cases.get_case(world.db, world.lead, "C6000")
    assert first.opened_on == date(2025, 11, 3) and first.level_of_need == 2
    second = cases.get_case(world.db, world.lead, "C6001")
    assert second.level_of_need == 1 and second.team_key == "ppu"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["C5010", "KL", "cin", "3", "Nowhere Team", "", ""], "Team", "No team called"),
        (["C5010", "KL", "adoption", "3", "PPU", "", ""], "Case type", "is not a case type"),
        (["", "KL", "cin", "3", "PPU", "", ""], "Case reference", "reference is required"),
        (["C5010", "", "cin", "3", "PPU", "", ""], "Initials", "Initials are required"),
        (["C5010", "KL", "cin", "3", "PPU", "", "2026-13-01"], "Opened", "not a date"),
        (["C5010", "KL", "cin", "7", "PPU", "", ""], "Level of need", "not a level of need"),
        (["C5010", "Kate Lowe", "cin", "3", "PPU", "", ""], "Initials", "looks like a full name"),
        (["C5010", "KL", "cin", "3", "PPU", "Nobody Known", ""], "Worker", "No person called"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_written(world, tmp_path, row, column, message):
    path = write_csv(tmp_path / "bad.csv", HEADER, [*GOOD, row])
    before = state(world)
    report = case_import.import_cases(world.db, world.lead, path)
    assert not report.written and state(world) == before
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.file, problem.row, problem.column) == ("bad.csv", 5, column)
    assert message in problem.message
    assert problem.line().startswith(f"bad.csv, row 5, column '{column}': ")


def test_duplicate_reference_within_the_file(world, tmp_path):
    rows = [*GOOD, ["C5000", "ZZ", "cin", "", "PPU", "", ""]]
    report = case_import.read_and_validate(
        world.db, world.lead, write_csv(tmp_path / "d.csv", HEADER, rows)
    )
    assert [(p.row, p.column) for p in report.problems] == [(5, "Case reference")]
    assert "already appears on row 2" in report.problems[0].message


def test_missing_required_column_blocks_the_whole_file(world, tmp_path):
    header = ["Reference", "Initials", "Team"]
    path = write_csv(tmp_path / "m.csv", header, [["C5000", "AB", "PPU"]])
    before = state(world)
    report = case_import.import_cases(world.db, world.lead, path, valid_only=True)
    assert report.blocked and not report.written and state(world) == before
    assert report.problems[0].row is None
    assert "no 'Case type' column" in report.problems[0].message
    assert "Reference, Initials, Team" in report.problems[0].message


@pytest.mark.parametrize("header", ["Child name", "Full Name", "DOB", "Postcode"])
def test_personal_data_column_by_header_blocks_even_valid_only(world, tmp_path, header):
    rows = [[*r, "x"] for r in GOOD]
    path = write_csv(tmp_path / "p.csv", [*HEADER, header], rows)
    before = state(world)
    report = case_import.import_cases(world.db, world.lead, path, valid_only=True)
    assert not report.written and state(world) == before
    assert report.problems[0].column == header
    assert "looks like personal data" in report.problems[0].message


def test_column_of_full_names_under_another_header_is_refused(world, tmp_path):
    names = ["Jane Smith", "Tom Brown", "Amy Clarke"]
    rows = [[*r, n] for r, n in zip(GOOD, names, strict=True)]
    path = write_csv(tmp_path / "n.csv", [*HEADER, "Notes"], rows)
    report = case_import.read_and_validate(world.db, world.lead, path)
    assert report.blocked and report.problems[0].column == "Notes"
    assert "full names" in report.problems[0].message
    # An unrelated column of codes is simply ignored.
    rows = [[*r, code] for r, code in zip(GOOD, ["X1", "X2", "X3"], strict=True)]
    path = write_csv(tmp_path / "ok.csv", [*HEADER, "Source"], rows)
    assert case_import.read_and_validate(world.db, world.lead, path).ok


def test_valid_only_writes_just_the_valid_rows(world, tmp_path):
    rows = [*GOOD, ["C5010", "KL", "cin", "3", "Nowhere Team", "", ""]]
    path = write_csv(tmp_path / "v.csv", HEADER, rows)
    cases_before, log_before = state(world)
    report = case_import.import_cases(world.db, world.lead, path, valid_only=True)
    assert report.written and report.new == 3 and len(report.problems) == 1
    assert state(world) == (cases_before + 3, log_before + 3)


def test_reimporting_the_same_file_changes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "cases.csv", HEADER, GOOD)
    case_import.import_cases(world.db, world.lead, path)
    before = state(world)
    again = case_import.import_cases(world.db, world.lead, path)
    assert (again.new, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    assert state(world) == before


def test_a_changed_row_updates_the_case_and_logs_the_change(world, tmp_path):
    case_import.import_cases(world.db, world.lead, write_csv(tmp_path / "a.csv", HEADER, GOOD))
    changed = [list(r) for r in GOOD]
    changed[0][4] = "Through Care Team"
    report = case_import.import_cases(
        world.db, world.lead, write_csv(tmp_path / "b.csv", HEADER, changed)
    )
    assert (report.new, report.updated, report.unchanged) == (0, 1, 2)
    row = cases.get_case(world.db, world.lead, "C5000")
    assert row.team_key == "through_care" and row.revision == 2
    entry = changelog.entries(world.db, world.lead, entity="case")[0]
    assert entry.action == "update" and entry.after == {"team_id": row_team_id(world, row)}


def row_team_id(world, row):
    from audit_tool.services import reference

    teams = {t.key: t for t in reference.list_teams(world.db, world.lead)}
    assert row.team_key in teams
    with world.db.session() as session:
        from sqlalchemy import select

        from audit_tool.models import Team

        return session.scalar(select(Team.id).where(Team.key == row.team_key))


def test_header_aliases_and_blank_lines(world, tmp_path):
    header = ["Case Ref", "child initials", "TYPE", "need_level", "team", "Social worker"]
    rows = [["C7000", "mn", "cp", "4", "PPU", ""], ["", "", "", "", "", ""]]
    report = case_import.import_cases(
        world.db, world.lead, write_csv(tmp_path / "al.csv", header, rows)
    )
    assert report.ok and report.rows == 1 and report.new == 1
    assert cases.get_case(world.db, world.lead, "C7000").initials == "MN"


def test_only_a_lead_may_import(world, tmp_path):
    path = write_csv(tmp_path / "cases.csv", HEADER, GOOD)
    for actor in (world.auditor, world.viewer):
        with pytest.raises(PermissionDenied):
            case_import.import_cases(world.db, actor, path)
        with pytest.raises(PermissionDenied):
            case_import.read_and_validate(world.db, actor, path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cases.txt", b"a,b\n", "import a .csv or .xlsx file"),
        ("empty.csv", b"", "empty"),
        ("headers.csv", b"Case reference,Initials,Case type,Team\n", "no rows of cases"),
        ("broken.xlsx", b"this is not a workbook", "cannot be read as an Excel workbook"),
    ],
)
def test_unreadable_files_give_one_clear_error(world, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        case_import.read_and_validate(world.db, world.lead, path)


def test_cli_bad_file_exits_1_with_one_line_on_stderr(sqlite_world, tmp_path, capsys):
    db_path = sqlite_world.db.path
    rows = [*GOOD, ["C5010", "KL", "cin", "3", "Nowhere Team", "", ""]]
    path = write_csv(tmp_path / "bad.csv", HEADER, rows)
    code = cli.run(["--database", str(db_path), "import-cases", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1 and "nothing imported" in err
    assert "bad.csv, row 5, column 'Team': No team called 'Nowhere Team'" in out


def test_cli_good_file_and_valid_only(sqlite_world, tmp_path, capsys):
    db_path = sqlite_world.db.path
    path = write_csv(tmp_path / "good.csv", HEADER, GOOD)
    assert cli.run(["--database", str(db_path), "import-cases", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "3 new" in out and err == ""
    rows = [
        ["C5020", "KL", "cin", "3", "Nowhere Team", "", ""],
        ["C5021", "OP", "cin", "", "PPU", "", ""],
    ]
    path = write_csv(tmp_path / "mixed.csv", HEADER, rows)
    assert cli.run(["--database", str(db_path), "import-cases", str(path), "--valid-only"]) == 0
    assert cases.get_case(sqlite_world.db, sqlite_world.lead, "C5021").initials == "OP"
