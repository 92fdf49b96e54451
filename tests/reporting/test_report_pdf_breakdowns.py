"""The QA report PDF's breakdowns section (issue #16), read back with pypdf: computed from a
real database (test_report_v11's scenario, figures worked out by hand there) and written by the
export service, then a report without the v1.1 keys.

The scenario: 2025/26 Q4 A1 RI, A2 outstanding, M1 multi-agency inadequate (Alex of csc RI,
Pol of the police inadequate); 2026/27 Q1 G1 on the partnership's own scale (Good), S1 SEND
good (education Alex outstanding, health Pol good, social care Bea RI). Family feedback on
child's views: Assessment (C1000, C1001) yes, partly, yes; Through Care (C1002) no."""

from __future__ import annotations

from datetime import date

from audit_tool.reporting.report_pdf import SECTIONS, render_report_pdf
from audit_tool.services import report_export
from tests.reporting.sample_report import sample_report
from tests.reporting.test_report_pdf import page_with, pages_text, read
from tests.reporting.test_report_v11 import scenario  # noqa: F401 - the fixture

HEADING = f"{[k for k, _h in SECTIONS].index('breakdowns') + 1}. Breakdowns by team, area"


def section(pages: list[str]) -> str:
    start = page_with(pages, HEADING, start=3) - 1
    end = next(i for i in range(start + 1, len(pages)) if "Learning follow-up" in pages[i])
    return " ".join(pages[start : end + 1])


def test_the_breakdowns_section_by_hand(scenario, tmp_path):  # noqa: F811
    out = tmp_path / "report.pdf"
    report_export.write_report(
        scenario.db,
        scenario.lead,
        out,
        fmt="pdf",
        date_from=date(2026, 1, 1),
        date_to=date(2026, 6, 30),
        today=date(2026, 7, 1),
    )
    pages = pages_text(read(out.read_bytes()))
    assert "Breakdowns by team, area, agency and strand" in pages[1]  # the contents
    text = section(pages)
    # Good or better / requires improvement or better: Q4 1/3 and 2/3; Q1 1/1 and 1/1; the
    # whole period 2/4 and 3/4 (G1 is on its own scale). Conversations and families: Q4 3 and
    # 2, Q1 1 and 1, the whole period 4 and 2.
    assert "2025/26 Q4 3 33.3% (1/3) 66.7% (2/3) 3 2" in text
    assert "2026/27 Q1 2 100.0% (1/1) 100.0% (1/1) 1 1" in text
    assert "Whole period 5 50.0% (2/4) 75.0% (3/4) 4 2" in text
    # Family feedback on child's views by service area and by team, the whole period.
    assert "Family feedback by service area" in text and "Family feedback by team" in text
    assert "Assessment 66.7% 2/3" in text and "Through Care 0.0% 0/1" in text
    assert "Assessment Team North 66.7% 2/3" in text
    # Reviews by the agency that audited: Police M1 inadequate (Q4), S1 good (Q1).
    assert "By the agency that audited" in text
    assert "Police 0.0% 0/1 100.0% 1/1 50.0% 1/2" in text
    # SEND strands: none in Q4; Q1 and the whole period.
    assert "SEND audits by strand" in text
    assert "Education – 100.0% 1/1 100.0% 1/1" in text
    assert "Social care – 0.0% 0/1 0.0% 0/1" in text
    assert "3 reviews in the whole period" in text
    # The partnership's own scale, in its words.
    assert "Good adequate poor: Good" in text
    assert "requires_improvement" not in text and "social_care" not in text


def test_a_report_without_the_breakdowns_says_so():
    reader = read(render_report_pdf(sample_report(), partnership="Northshire"))
    text = section(pages_text(reader))
    assert "This report carries no breakdowns." in text


def test_the_accessible_report_names_own_scales_in_words():
    from audit_tool.reporting.tagged.report import render_tagged_report

    report = sample_report()
    report["labels"]["scales"] = {"rag": "Red amber green"}
    report["labels"]["levels"] = {"rag": {"green": "Green", "amber_plus": "Amber (improving)"}}
    report["total"]["other_scales"] = {"rag": {"green": 2, "amber_plus": 1}}
    text = " ".join(pages_text(read(render_tagged_report(report, partnership="Northshire"))))
    assert "Red amber green Green 2" in text
    assert "Red amber green Amber (improving) 1" in text
    assert "amber_plus" not in text and "rag" not in text.split()


def test_a_service_area_filter_is_named_on_every_page():
    report = sample_report()
    report["filters"]["service_area"] = "Early help"
    pages = pages_text(read(render_report_pdf(report, partnership="Northshire")))
    assert all("Filters: service area Early help" in page for page in pages)
