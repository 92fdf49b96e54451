"""The report workbook in the partnership's words (issue #16): written from a real database
through the export service and read back with openpyxl, no cell holds a code (every cell is
checked against every key the data and the shared vocabulary use), the document's title,
author and subject are set, and the v1.1 breakdowns have sheets of their own with figures
worked out by hand.

The data is test_report_v11's scenario: 2025/26 Q4 A1 (RI), A2 (outstanding) and M1
(multi-agency, inadequate; Alex of csc RI, Pol of the police inadequate); 2026/27 Q1 G1 (on the
partnership's own scale Good / Adequate / Poor: good) and S1 (SEND, good; education Alex
outstanding, health Pol good, social care Bea RI). Conversations: A1 two (C1000, Assessment),
A2 one (C1002, Through Care), G1 one (C1000)."""

from __future__ import annotations

import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from audit_tool.models import (
    Agency,
    AuditTemplate,
    FeedbackQuestion,
    GradingScale,
    Person,
    Programme,
    ScaleLevel,
    Team,
    TemplateItem,
)
from audit_tool.services import report_export
from tests.reporting.test_report_v11 import scenario  # noqa: F401 - the fixture
from tests.reporting.test_report_xlsx import header_row, table

# The shared vocabulary (shared/INTERFACES.md) and the codes of the app's own records.
VOCABULARY = {
    "outstanding", "good", "requires_improvement", "inadequate", "not_applicable",
    "grade", "yes_no", "number", "text", "yes", "no", "partly", "not_asked",
    "looped", "single", "multi_agency", "send", "draft", "in_review", "in_moderation",
    "returned", "final", "submitted", "education", "health", "social_care",
    "early_help", "cin", "cp", "cla", "care_leaver", "other", "strength", "development",
    "open", "done", "cancelled", "monthly", "thematic", "ofsted",
}  # fmt: skip


def codes(db) -> set[str]:
    """Every key a workbook might show in place of a word."""
    found = set(VOCABULARY)
    with db.session() as session:
        for column in (
            Agency.key,
            Team.key,
            Person.key,
            Programme.key,
            AuditTemplate.key,
            TemplateItem.key,
            FeedbackQuestion.key,
            GradingScale.key,
            ScaleLevel.key,
        ):
            found |= set(session.scalars(select(column)))
    return found


def export(world, tmp_path):
    out = tmp_path / "report.xlsx"
    report_export.write_report(
        world.db,
        world.lead,
        out,
        fmt="xlsx",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 6, 30),
        today=date(2026, 7, 1),
    )
    return load_workbook(out)


def sheet_rows(book, name):
    return table(book[name])


def test_no_cell_holds_a_code_and_the_properties_are_set(scenario, tmp_path):  # noqa: F811
    book = export(scenario, tmp_path)
    keys = codes(scenario.db)
    assert {"gap", "adequate", "multi_agency", "requires_improvement", "aud1"} <= keys
    snake = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
    cells = 0
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                cells += 1
                where = (ws.title, cell.coordinate, cell.value)
                assert cell.value not in keys, where
                # nor a snake_case key inside a longer text
                assert not [w for w in snake.findall(cell.value) if w in keys], where
    assert cells > 300

    props = book.properties
    from audit_tool.services.settings import partnership

    name = partnership(scenario.db).name
    assert name and props.creator == name != "openpyxl"
    assert props.lastModifiedBy == "QA lead"  # the exporting person's role, not their name
    assert props.title == "Quarterly quality assurance report"
    assert (
        props.subject == "Quarterly quality assurance report, 2026-01-01 to 2026-06-30, by quarter"
    )
    assert props.language == "en-GB" and "safeguarding" in props.keywords
    for ws in book:  # a title row on every sheet
        assert ws["A1"].value == f"Quarterly quality assurance report: {name}", ws.title
        assert ws["A1"].font.b


def test_the_breakdowns_by_hand(scenario, tmp_path):  # noqa: F811
    book = export(scenario, tmp_path)

    summary = {r["Period"]: r for r in sheet_rows(book, "Summary")}
    # Good or better 1/3, 1/1, 2/4; requires improvement or better 2/3, 1/1, 3/4.
    assert [summary[p]["% requires improvement or better"] for p in summary] == [66.7, 100, 75]
    # Families: Q4 C1000 and C1002; Q1 C1000; the whole range two families, four conversations.
    assert [summary[p]["Families who gave feedback"] for p in summary] == [2, 1, 2]
    assert [summary[p]["Feedback conversations"] for p in summary] == [3, 1, 4]

    reviews = sheet_rows(book, "Reviews by agency and strand")
    strands = {(r["Group"], r["Period"]): r for r in reviews if r["Breakdown"] == "SEND strand"}
    assert sorted({group for group, _p in strands}) == ["Education", "Health", "Social care"]
    education = strands[("Education", "2026/27 Q1")]
    assert (education["Reviews"], education["Outstanding"], education["% good or better"]) == (
        1,
        1,
        100,
    )
    care = strands[("Social care", "Total")]
    assert care["Requires improvement to be good"] == 1 and care["% good or better"] == 0
    assert care["% requires improvement or better"] == 100
    assert strands[("Health", "2025/26 Q4")]["Reviews"] == 0
    agencies = {
        (r["Group"], r["Period"]): r for r in reviews if r["Breakdown"] == "Agency that audited"
    }
    # Police: M1 inadequate (Q4), S1 good (Q1): 1 of 2 good or better, 1 of 2 RI or better.
    police = agencies[("Police", "Total")]
    assert (police["Reviews"], police["Good"], police["Inadequate"]) == (2, 1, 1)
    assert (police["% good or better"], police["% requires improvement or better"]) == (50, 50)
    # Children's Social Care: M1 Alex RI; S1 Alex outstanding and Bea RI: 1 of 3 = 33.3.
    assert agencies[("Children's Social Care", "Total")]["% good or better"] == 33.3

    scales = sheet_rows(book, "Own grading scales")
    assert [(r["Scale"], r["Grade"], r["Period"], r["Final audits"]) for r in scales] == [
        ("Good adequate poor", "Good", "2025/26 Q4", 0),
        ("Good adequate poor", "Good", "2026/27 Q1", 1),
        ("Good adequate poor", "Good", "Total", 1),
    ]

    feedback = sheet_rows(book, "Feedback by team and area")
    question = "child_views"
    with scenario.db.session() as session:
        words = session.scalar(
            select(FeedbackQuestion.text).where(FeedbackQuestion.key == question)
        )
    by = {(r["Breakdown"], r["Group"], r["Period"]): r for r in feedback if r["Question"] == words}
    # Assessment: A1 yes + partly, G1 yes -> 2 of 3 = 66.7; Through Care: A2 no -> 0 of 1.
    assessment = by[("Service area", "Assessment", "Total")]
    assert (assessment["Asked"], assessment["Yes"], assessment["Partly"]) == (3, 2, 1)
    assert assessment["% yes"] == 66.7
    assert by[("Team", "Through Care Team", "2025/26 Q4")]["% yes"] == 0
    assert by[("Team", "Assessment Team North", "2026/27 Q1")]["% yes"] == 100
    # A question nobody was asked has no rows.
    contactable = [r for r in feedback if r["Question"].startswith("The parent can get hold")]
    assert contactable == []

    raw = {r["Case"] + " " + r["Audit kind"]: r for r in sheet_rows(book, "Raw data")}
    assert raw["C1001 Multi-agency"]["Overall grade"] == "Inadequate"
    assert raw["C1001 SEND"]["Grading scale"] == "Ofsted"
    own = next(r for r in sheet_rows(book, "Raw data") if r["Grading scale"] != "Ofsted")
    assert (own["Grading scale"], own["Overall grade"]) == ("Good adequate poor", "Good")
    assert header_row(book["Raw data"]) == 5


def test_raw_answers_in_words_and_free_text_as_typed(tmp_path):
    """Not applicable (grade and yes/no), another scale's levels, every audit kind; a text
    answer that happens to read like a code stays exactly as typed."""
    from audit_tool.reporting.report_xlsx import write_report_xlsx
    from tests.reporting.sample_report import sample_report

    report = sample_report()
    report["labels"]["scales"] = {"ofsted": "Ofsted", "rag": "Red amber green"}
    report["labels"]["levels"] = {"rag": {"green": "Green", "amber_plus": "Amber (improving)"}}
    base = {"audit": "A", "case": "C1", "team": "cla", "programme": "P", "finalised": None}
    rows = [
        base | {"kind": "multi_agency", "overall": "not_applicable", "scale": "ofsted",
                "voice_of_child": "not_applicable", "family_has_copy": "not_applicable",
                "comment": "good"},
        base | {"kind": "send", "overall": "amber_plus", "scale": "rag",
                "voice_of_child": "green", "own_item": "amber_plus", "comment": "not_applicable"},
        base | {"kind": "single", "overall": "", "scale": "rag", "voice_of_child": None},
    ]  # fmt: skip
    target = tmp_path / "raw.xlsx"
    write_report_xlsx(
        report,
        rows,
        target,
        partnership="P",
        item_kinds={"voice_of_child": "grade", "own_item": "grade", "comment": "text"},
    )
    first, second, third = table(load_workbook(target)["Raw data"])
    assert (first["Audit kind"], first["Overall grade"], first["Grading scale"]) == (
        "Multi-agency",
        "Not applicable",
        "Ofsted",
    )
    assert first["Voice of the child"] == "Not applicable"
    assert first["Family has a copy of the assessment or plan"] == "Not applicable"
    assert first["comment"] == "good"  # typed text, not a grade
    assert (second["Audit kind"], second["Overall grade"]) == ("SEND", "Amber (improving)")
    assert (second["Voice of the child"], second["own_item"]) == ("Green", "Amber (improving)")
    assert second["Grading scale"] == "Red amber green" and second["comment"] == "not_applicable"
    assert (third["Audit kind"], third["Overall grade"]) == ("Dip sample (single auditor)", None)
