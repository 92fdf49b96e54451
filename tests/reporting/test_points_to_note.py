"""The "points to note" of the accessible report never lead with a result from fewer than 10 cases
(issue #16: they led with results from 9 and 3 cases). The printed report's are tested in
test_report_pdf; here the tagged report's, from the same nine-case period."""

from __future__ import annotations

from audit_tool.reporting.tagged.report import render_tagged_report
from tests.reporting.sample_report import sample_report
from tests.reporting.test_report_pdf import pages_text, read, validate


def points(report) -> str:
    text = " ".join(pages_text(read(render_tagged_report(report, partnership="Northshire"))))
    start = text.index("Points to note")
    return text[start : text.index("2. Audits and grades", start)]


def test_the_accessible_reports_points_to_note_need_ten_cases():
    report = sample_report()
    last = report["periods"][-1]
    for item in last["items"].values():
        if item["kind"] == "grade":  # 9 graded cases in every practice area
            item["counts"] = {
                "outstanding": 1,
                "good": 4,
                "requires_improvement": 3,
                "inadequate": 1,
            }
    last["moderation"] = {"raised": 2, "lowered": 1, "unchanged": 6}  # 9 reviews
    validate(report)
    few = points(report)
    assert "Strongest practice area" not in few
    assert "Moderation changed" not in few
    whole = points(sample_report())  # with enough cases the same points are made
    assert "Strongest practice area" in whole and "Moderation changed" in whole
    assert whole.index("Strongest practice area") < whole.index("actions from audits")
