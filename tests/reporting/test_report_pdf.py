"""The QA report PDF: read back with pypdf (pages, text, fonts, metadata, outline), the empty
report, hostile labels, a monthly report, a report without the optional keys; and the sample
reports themselves against the JSON Schema."""

from __future__ import annotations

import io
import json
import re
from copy import deepcopy
from functools import cache
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from audit_tool.reporting.report_pdf import SECTIONS, render_report_pdf
from audit_tool.resources import resource
from tests.reporting.sample_report import sample_report, sample_report_empty

# In parallel runs (xdist --dist loadgroup) the module's PDFs are
# rendered once, on one worker.
pytestmark = pytest.mark.xdist_group("report_pdf")

PARTNERSHIP = "Northshire Safeguarding Children Partnership"
BASE14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}
A4 = (595.28, 841.89)


@cache
def _schema() -> dict[str, Any]:
    with open(resource("schemas", "qa-report-v1.schema.json"), encoding="utf-8") as fh:
        return json.load(fh)


def validate(report: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(_schema()).validate(report)


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    return " ".join(text.split())


def pages_text(reader: PdfReader) -> list[str]:
    return [flat(page.extract_text()) for page in reader.pages]


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    return sample_report()


@pytest.fixture(scope="module")
def sample_pdf(sample: dict[str, Any]) -> PdfReader:
    return read(render_report_pdf(sample, partnership=PARTNERSHIP))


@pytest.fixture(scope="module")
def sample_pages(sample_pdf: PdfReader) -> list[str]:
    return pages_text(sample_pdf)


def page_with(pages: list[str], needle: str, start: int = 0) -> int:
    """The 1-based number of the first page from ``start`` holding the text."""
    for i, text in enumerate(pages[start:], start=start):
        if needle in text:
            return i + 1
    raise AssertionError(f"{needle!r} is on no page")


# ---------------------------------------------------------------- the sample reports


@pytest.mark.parametrize("make", [sample_report, sample_report_empty])
def test_sample_reports_validate_against_the_schema(make: Any) -> None:
    validate(make())


def test_sample_total_is_the_sum_of_its_periods(sample: dict[str, Any]) -> None:
    periods, total = sample["periods"], sample["total"]
    assert [p["label"] for p in periods] == ["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3"]
    for key in ("audits_final", "audits_single", "audits_planned"):
        assert total[key] == sum(p[key] for p in periods)
    for grade in total["overall"]:
        assert total["overall"][grade] == sum(p["overall"][grade] for p in periods)
    assert total["agreement"]["pairs"] == sum(p["agreement"]["pairs"] for p in periods)
    assert any(p["agreement"]["pairs"] < 10 for p in periods)
    for p in [*periods, total]:
        good = p["overall"]["outstanding"] + p["overall"]["good"]
        assert p["pct_good_or_better"] == round(100 * good / sum(p["overall"].values()) + 1e-9, 1)
        assert sum(g["audits_final"] for g in p["by_team"].values()) == p["audits_final"]
        assert sum(p["moderation"].values()) == 2 * p["agreement"]["pairs"]
        assert p["agreement"]["pairs"] <= p["audits_final"] - p["audits_single"]


# ---------------------------------------------------------------- the sample PDF


def test_pages_are_a4_portrait_and_numbered(sample_pdf: PdfReader, sample_pages: list[str]) -> None:
    n = len(sample_pdf.pages)
    assert 8 <= n <= 16
    for i, page in enumerate(sample_pdf.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 2), round(height, 2)) == A4
        text = sample_pages[i - 1]
        assert f"Page {i} of {n}" in text
        assert "Data as of 5 October 2026" in text
        assert "Filters: none" in text


def test_cover_says_what_the_report_covers(sample_pages: list[str]) -> None:
    cover = sample_pages[0]
    assert PARTNERSHIP in cover
    assert "Quarterly quality assurance report" in cover
    assert "1 October 2025 to 30 September 2026" in cover
    assert "By quarter: 4 quarters, 2025 Q4, 2026 Q1, 2026 Q2 and 2026 Q3" in cover
    assert "None: all teams, agencies, programmes and themes" in cover
    assert "148 final audits: 124 moderated (dual audit), 24 single" in cover


def test_every_section_is_in_the_contents_with_its_page(sample_pages: list[str]) -> None:
    contents = sample_pages[1]
    assert "Contents" in contents
    for n, (_key, heading) in enumerate(SECTIONS, start=1):
        match = re.search(rf"{n}\. {re.escape(heading)} (\d+)", contents)
        assert match, heading
        listed = int(match.group(1))
        assert f"{n}. {heading}" in sample_pages[listed - 1]
        assert listed == page_with(sample_pages, f"{n}. {heading}", start=2)


def test_outline_lists_the_sections(sample_pdf: PdfReader) -> None:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(sample_pdf.outline)
    for n, (_key, heading) in enumerate(SECTIONS, start=1):
        assert f"{n}. {heading}" in titles
    assert "Agreement of the two auditors" in titles


def test_summary_prints_last_quarter_and_its_change(
    sample: dict[str, Any], sample_pages: list[str]
) -> None:
    last, prev = sample["periods"][-1], sample["periods"][-2]
    summary = sample_pages[page_with(sample_pages, "1. Executive summary", start=2) - 1]
    assert f"{last['pct_good_or_better']:.1f}%" in summary  # 68.8%
    change = round(last["pct_good_or_better"] - prev["pct_good_or_better"], 1)
    assert f"\u25b2 +{change:.1f} points on 2026 Q2" in summary  # ▲ +7.9 points
    assert f"{last['agreement']['kappa_quadratic']:.3f}" in summary
    assert "48 final audits, against 52 planned (92.3%)" in flat(summary.replace("\n", " "))
    assert f"{last['worker_feedback_pct']:.1f}%" in summary
    assert "14 open" in summary and "1 overdue" in summary


def test_sections_print_known_figures(sample: dict[str, Any], sample_pages: list[str]) -> None:
    text = " ".join(sample_pages)
    total = sample["total"]
    assert f"{total['pct_good_or_better']:.1f}% (90/148)" in text
    # the heat map: a small count is printed as a count, not only a percentage
    small = sample["periods"][0]["items"]["levels_of_need"]["counts"]
    good, graded = small["outstanding"] + small["good"], sum(small.values())
    assert graded < 5
    assert f"{good}/{graded}" in text
    # the confusion matrix of the total, row by row
    grades = ("Outstanding", "Good", "Requires improvement", "Inadequate")
    for name, row in zip(grades, total["agreement"]["confusion"], strict=True):
        assert f"{name} {' '.join(str(c) for c in row)} {sum(row)}" in text
    # auditor names come from labels.people
    assert "Aisha Khan" in text and "a.khan" not in text
    # compliance per manager
    assert "Gita Patel" in text and "66/72 done" in text


def test_small_sample_kappa_carries_a_caution(
    sample: dict[str, Any], sample_pages: list[str]
) -> None:
    moderation = sample_pages[page_with(sample_pages, "4. Moderation statistics", start=2) - 1]
    small = [p for p in sample["periods"] if p["agreement"]["pairs"] < 10]
    assert small
    for period in small:
        pairs = period["agreement"]["pairs"]
        assert f"{period['label']}: kappa and AC2 based on {pairs} pairs: read with caution" in (
            moderation
        )
    big = [p for p in sample["periods"] if p["agreement"]["pairs"] >= 10]
    for period in big:
        assert f"{period['label']}: kappa and AC2 based on" not in moderation


def test_fonts_are_embedded_and_none_is_base14(sample_pdf: PdfReader) -> None:
    fonts = []
    for page in sample_pdf.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get_object().get("/Font") or {}).values():
            fonts.append(font.get_object())
        xobjects = resources.get_object().get("/XObject") or {}
        for xobject in xobjects.values():
            sub = xobject.get_object().get("/Resources") or {}
            for font in (sub.get_object().get("/Font") or {}).values():
                fonts.append(font.get_object())
    assert fonts
    for font in fonts:
        base = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
        assert base not in BASE14
        assert base.startswith("DejaVuSans")
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_metadata_and_language(sample_pdf: PdfReader) -> None:
    meta = sample_pdf.metadata
    assert meta is not None
    assert meta.title == "Quarterly quality assurance report"
    assert meta.author == PARTNERSHIP
    assert meta.subject == (
        "Quarterly quality assurance report, 1 October 2025 to 30 September 2026"
    )
    assert meta.creator == "Audit Tool"
    assert sample_pdf.trailer["/Root"]["/Lang"] == "en-GB"


# ---------------------------------------------------------------- other reports


def test_empty_report_renders_with_notes() -> None:
    report = sample_report_empty()
    reader = read(render_report_pdf(report, partnership=PARTNERSHIP, title="QA report"))
    pages = pages_text(reader)
    text = " ".join(pages)
    for n, (_key, heading) in enumerate(SECTIONS, start=1):
        assert f"{n}. {heading}" in text
    assert "No final audits in this period." in text
    assert "No final audits in 2026 Q3." in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert reader.metadata is not None and reader.metadata.title == "QA report"


def test_hostile_labels_print_literally() -> None:
    report = sample_report()
    hostile = "<b>&</b>"
    report["labels"]["teams"]["cin_north"] = hostile
    report["labels"]["people"]["a.khan"] = "A <i>Khan</i> & co"
    report["labels"]["items"]["plans"] = "Plans &amp; <font size=40>big</font>"
    report["filters"]["team"] = "cin_north"
    report["filters"]["theme"] = "Neglect & <neglect>"
    for period in [*report["periods"], report["total"]]:
        period["label"] = period["label"] + " <br/>"
    validate(report)
    partnership = "Northshire & <Partners>"
    reader = read(render_report_pdf(report, partnership=partnership, title="QA <report> & more"))
    text = " ".join(pages_text(reader))
    assert hostile in text
    assert "A <i>Khan</i> & co" in text
    assert "Plans &amp; <font size=40>big</font>" in text
    assert "Filters: team <b>&</b>; theme Neglect & <neglect>" in text
    assert "2026 Q3 <br/>" in text
    assert partnership in text
    assert reader.metadata is not None and reader.metadata.title == "QA <report> & more"


def test_monthly_report_fits_its_columns() -> None:
    base = sample_report()
    months = []
    for i in range(12):
        period = deepcopy(base["periods"][i % 4])
        period["label"] = f"2025-{i + 1:02d}"
        months.append(period)
    report = {**base, "by": "month", "periods": months}
    validate(report)
    reader = read(render_report_pdf(report, partnership=PARTNERSHIP))
    text = " ".join(pages_text(reader))
    for i in range(12):
        assert f"2025-{i + 1:02d}" in text
    assert "By month: 12 months, 2025-01 to 2025-12" in text


def test_report_without_optional_keys_renders() -> None:
    report = sample_report()
    for key in ("labels", "filters", "generated_at"):
        del report[key]
    optional = (
        "audits_single",
        "audits_planned",
        "by_service_area",
        "by_agency",
        "by_theme",
        "feedback_outside",
        "compliance",
    )
    for period in [*report["periods"], report["total"]]:
        for key in optional:
            del period[key]
        del period["agreement"]["confusion"]
    validate(report)
    reader = read(render_report_pdf(report, partnership=PARTNERSHIP))
    text = " ".join(pages_text(reader))
    assert "Data as of date not recorded" in text
    assert "Voice of child" in text  # a key without a label, made readable
    assert "No confusion matrix in this report." in text


def _summary_text(report: dict[str, Any]) -> str:
    pages = pages_text(read(render_report_pdf(report, partnership=PARTNERSHIP)))
    start = page_with(pages, "1. Executive summary", start=2) - 1
    text = " ".join(pages[start : start + 2])
    return text[text.index("Points to note") :] if "Points to note" in text else text


def test_points_to_note_never_lead_with_fewer_than_ten_cases(sample: dict[str, Any]) -> None:
    """The issue's "points to note" led with results from 9 and 3 cases."""
    report = deepcopy(sample)
    last = report["periods"][-1]
    for item in last["items"].values():
        if item["kind"] == "grade":  # 9 graded cases in every practice area
            item["counts"] = {
                "outstanding": 1,
                "good": 4,
                "requires_improvement": 3,
                "inadequate": 1,
            }
    grades = {"outstanding": 0, "good": 1, "requires_improvement": 2, "inadequate": 0}
    last["by_team"] = {
        "cla": {"audits_final": 3, "overall": grades, "pct_good_or_better": 33.3},
        "cin_north": {
            "audits_final": 9,
            "overall": {"outstanding": 1, "good": 5, "requires_improvement": 3, "inadequate": 0},
            "pct_good_or_better": 66.7,
        },
    }
    last["moderation"] = {"raised": 2, "lowered": 1, "unchanged": 6}
    validate(report)
    points = _summary_text(report)
    assert "Strongest practice area" not in points
    assert "Lowest share good or better by team" not in points
    moderation = "Moderation changed the auditor's grade in 3 of 9 reviews"
    assert moderation in points and "fewer than 10 reviews, so read with caution" in points
    # With enough cases the same points lead, with no caution.
    whole = _summary_text(sample)
    assert whole.index("Strongest practice area") < whole.index("Moderation changed")
    assert "fewer than 10 reviews" not in whole


def test_a_partial_last_period_is_marked_and_not_compared(sample: dict[str, Any]) -> None:
    report = deepcopy(sample)
    report["periods"][-1]["partial"] = True
    report["periods"][-1]["to"] = "2026-08-20"
    validate(report)
    pages = pages_text(read(render_report_pdf(report, partnership=PARTNERSHIP)))
    summary = pages[page_with(pages, "1. Executive summary", start=2) - 1]
    assert "2026 Q3 (partial)" in summary
    assert "not compared (partial)" in summary
    assert "\u25b2 +7.9 points" not in summary and "\u25bc" not in summary
    assert "Part of a quarter is not compared with a whole one" in summary
