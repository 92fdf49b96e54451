"""The report in words (its `story`) in the printed PDF, the accessible (tagged) PDF and the
workbook: read back (pypdf text, the tag tree, openpyxl) from a report whose story is written
out here, with the QA lead's commentary under each section's heading."""

from __future__ import annotations

import io
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from audit_tool.reporting.report_pdf import SECTIONS, render_report_pdf
from audit_tool.reporting.report_xlsx import write_report_xlsx
from audit_tool.reporting.tagged.report import render_tagged_report
from audit_tool.services.report_export import check_schema
from tests.reporting.sample_report import sample_report
from tests.reporting.test_tagged_pdf import (
    checker,
    elements,
    figures,
    headings,
    role,
)

NUMBER = {key: n for n, (key, _heading) in enumerate(SECTIONS, start=1)}
THEMES = f"{NUMBER['themes']}. Learning themes"
VOICES = f"{NUMBER['voices']}. Voices of children and families"
PROGRESS = f"{NUMBER['progress']}. Progress on areas for improvement"
HOSTILE = '<b>&amp; #panic("x") *not bold*'


def story() -> dict[str, Any]:
    """2026 Q3 against 2026 Q2, both whole."""
    return {
        "period": {"label": "2026 Q3", "from": "2026-07-01", "to": "2026-09-30", "partial": False},
        "previous": {
            "label": "2026 Q2",
            "from": "2026-04-01",
            "to": "2026-06-30",
            "partial": False,
        },
        "compared": True,
        "themes": [
            {
                "theme": "plans",
                "strength": 3,
                "development": 1,
                "before": {"strength": 0, "development": 4},
            },
            {
                "theme": "voice of the child",
                "strength": 2,
                "development": 0,
                "before": {"strength": 2, "development": 0},
            },
            {
                "theme": "neglect",
                "strength": 0,
                "development": 0,
                "before": {"strength": 0, "development": 2},
            },
        ],  # fmt: skip
        "strengths": [
            {"text": "Child seen alone", "cases": 2, "themes": ["voice of the child"]},
            {"text": HOSTILE, "cases": 1, "themes": ["plans"]},
        ],
        "developments": [{"text": "Plans not shared", "cases": 1, "themes": ["plans"]}],
        "voices": [
            {
                "text": "The worker really listened to us.",
                "respondent": "parent",
                "collected_on": "2026-08-02",
            }
        ],
        "improvement": [
            {
                "theme": "plans",
                "development_before": 4,
                "development_now": 1,
                "actions": {"raised": 5, "done": 2, "open": 3, "overdue": 1, "cancelled": 0},
                "quoted": [
                    {
                        "text": "Reissue the planning guidance",
                        "status": "done",
                        "overdue": False,
                        "due_on": "2026-07-31",
                        "completed_on": "2026-07-20",
                    },
                    {
                        "text": "Audit plans again",
                        "status": "open",
                        "overdue": True,
                        "due_on": "2026-09-01",
                        "completed_on": None,
                    },
                ],
            },
            {
                "theme": "neglect",
                "development_before": 2,
                "development_now": 0,
                "actions": {"raised": 0, "done": 0, "open": 0, "overdue": 0, "cancelled": 0},
                "quoted": [],
            },
        ],
        "passed_over": 2,
        "commentary": {
            "summary": "A **steadier** quarter.",
            "themes": "Plans are improving:\n\n- fewer points for development",
            "progress": "The planning guidance was reissued in July.",
        },
        "edition": {"uuid": "e1", "version": 2, "status": "draft", "published_at": None},
    }


def story_report(**changes: Any) -> dict[str, Any]:
    report = sample_report()
    report["story"] = story() | changes
    report["year_start_month"] = 1
    q2, q3 = report["periods"][-2], report["periods"][-1]
    q2["learning_themes"] = {"plans": {"strength": 0, "development": 4}}
    q3["learning_themes"] = {"plans": {"strength": 3, "development": 1}}
    report["total"]["learning_themes"] = {"plans": {"strength": 3, "development": 5}}
    q3["feedback_conversations"], q3["feedback_families"] = 7, 5
    return report


def flat(text: str | None) -> str:
    return " ".join((text or "").split())


def pdf_pages(report: dict[str, Any]) -> list[str]:
    reader = PdfReader(io.BytesIO(render_report_pdf(report, partnership="Northshire")))
    return [flat(page.extract_text()) for page in reader.pages]


def section(pages: list[str], heading: str) -> str:
    """The text from the page that starts with `heading` (after the contents) to the end of
    the next page."""
    for i, text in enumerate(pages[2:], start=2):
        if heading in text:
            return " ".join(pages[i : i + 2])
    raise AssertionError(f"{heading!r} is on no page")


@pytest.fixture(scope="module")
def pages() -> list[str]:
    return pdf_pages(story_report())


def test_the_story_matches_its_schema() -> None:
    check_schema(story_report())


def test_the_printed_report_has_the_three_sections_in_its_contents(pages: list[str]) -> None:
    contents = pages[1]
    for heading in (THEMES, VOICES, PROGRESS):
        assert heading in contents
    assert "Commentary Draft version 2, not yet published" in pages[0]


def test_printed_learning_themes_trends_and_quotes(pages: list[str]) -> None:
    text = section(pages, THEMES)
    assert "Commentary from the QA lead (draft, not yet published)" in text
    assert "Plans are improving: \u2022 fewer points for development" in text
    # Plans: 3 strengths (new), 1 for development (down 3 on 4); the voice of the child same.
    assert "Plans 3 new 1 \u25bc \u22123" in text
    assert "Voice of the child 2 no change 0 no change" in text
    assert "Found in 2026 Q2 but not in 2026 Q3: Neglect." in text
    assert "\u201cChild seen alone\u201d \u2014 2 audits \u00b7 voice of the child" in text
    assert f"\u201c{HOSTILE}\u201d" in text  # printed as typed, never as markup
    assert "\u201cPlans not shared\u201d \u2014 1 audit \u00b7 plans" in text
    assert "Texts passed over by that check: 2." in text


def test_printed_voices_and_progress(pages: list[str]) -> None:
    voices = section(pages, VOICES)
    assert "7 conversations with 5 families in 2026 Q3." in voices
    assert "\u201cThe worker really listened to us.\u201d \u2014 a parent, 2 August 2026" in voices
    progress = section(pages, PROGRESS)
    assert "The planning guidance was reissued in July." in progress
    assert "Plans 4 1 5 2 3 1 0" in progress
    assert "Neglect 2 0 0 0 0 0 0" in progress
    assert "Reissue the planning guidance \u2014 done 20 July 2026" in progress
    assert "Audit plans again \u2014 overdue: due 1 September 2026" in progress
    assert "No service action that may be quoted." in progress


def test_the_summary_carries_its_commentary_and_a_published_one_is_not_a_draft() -> None:
    summary = section(pdf_pages(story_report()), "1. Executive summary")
    assert "Commentary from the QA lead (draft, not yet published) A steadier quarter." in summary
    published = {"uuid": "e1", "version": 2, "status": "published", "published_at": None}
    pages = pdf_pages(story_report(edition=published))
    assert "Commentary from the QA lead A steadier quarter." in section(
        pages, "1. Executive summary"
    )
    assert "not yet published" not in " ".join(pages)


def test_a_partial_quarter_is_not_set_against_a_whole_one() -> None:
    partial = deepcopy(story()["period"]) | {"label": "2026 Q3", "partial": True}
    text = section(pdf_pages(story_report(period=partial, compared=False)), THEMES)
    assert "2026 Q3 (partial) is not a whole period, so the counts are not set against" in text
    assert "no change" not in text and "\u25bc" not in text


def test_a_report_without_a_story_says_so() -> None:
    text = " ".join(pdf_pages(sample_report()))
    assert text.count("The learning in words was not part of this report's data.") == 3


# ---------------------------------------------------------------- the accessible report


@pytest.fixture(scope="module")
def tagged() -> bytes:
    return render_tagged_report(story_report(), partnership="Northshire")


def test_the_accessible_report_tags_the_story(tagged: bytes) -> None:
    reader = PdfReader(io.BytesIO(tagged))
    assert headings(reader, 2)[-3:] == [
        "8. Learning themes",
        "9. Voices of children and families",
        "10. Progress on areas for improvement",
    ]
    level3 = headings(reader, 3)
    assert level3.count("Commentary from the QA lead (draft, not yet published)") == 3
    for heading in ("What worked well", "What needs to improve", "What was done"):
        assert heading in level3
    quotes = [e for e in elements(reader) if role(e) == "/BlockQuote"]
    assert len(quotes) == 4  # three learning points and one family's voice
    alts = [str(f["/Alt"]) for f in figures(reader)]
    themes = next(a for a in alts if a.startswith("Bar chart of the learning points"))
    assert "Plans: 3 strengths, 1 for development" in themes
    assert "Voice of the child: 2 strengths, 0 for development" in themes
    actions = next(a for a in alts if a.startswith("Bar chart of the share of the actions"))
    assert actions.endswith("Plans: 2 of 5 done (40.0%), 1 overdue.")  # neglect raised none
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages))
    assert f"\u201c{HOSTILE}\u201d" in text
    assert "Commentary: Draft version 2, not yet published" in text


def test_the_accessible_story_passes_the_checker(tagged: bytes, tmp_path: Path) -> None:
    pdfua = checker()
    path = tmp_path / "story.pdf"
    path.write_bytes(tagged)
    result = pdfua.validate(str(path))
    assert [(f.rule_id, f.severity.name, f.message) for f in result.findings] == []


# ---------------------------------------------------------------- the workbook


def test_the_learning_and_voices_sheet(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    counts = write_report_xlsx(story_report(), [], target, partnership="Northshire")
    ws = load_workbook(target)["Learning and voices"]
    rows = [[v for v in r if v is not None] for r in ws.iter_rows(values_only=True)]
    rows = [r for r in rows if r]
    assert ["The story of 2026 Q3, against 2026 Q2"] in rows
    assert ["Commentary: draft version 2, not yet published"] in rows
    # Themes period by period from the report, then in total.
    assert ["Plans", "2026 Q2", 0, 4] in rows and ["Plans", "2026 Q3", 3, 1] in rows
    assert ["Plans", "Total", 3, 5] in rows
    assert ["Strength", "Child seen alone", 2, "voice of the child"] in rows
    assert ["Strength", HOSTILE, 1, "plans"] in rows  # text, never a formula
    assert ["Plans", 4, 1, 5, 2, 3, 1, 0] in rows
    assert ["Executive summary", "A steadier quarter."] in rows
    quoted = next(r for r in rows if r[:2] == ["Plans", "Audit plans again"])
    assert quoted[2] == "Overdue" and quoted[3].date().isoformat() == "2026-09-01"
    # themes 3, points 3, voices 1, areas 2, actions 2, commentary 3
    assert counts["Learning and voices"] == 3 + 3 + 1 + 2 + 2 + 3


def test_the_lead_comments_on_every_section_of_the_printed_report() -> None:
    from audit_tool.reporting.story import COMMENTARY_SECTIONS

    assert list(COMMENTARY_SECTIONS) == list(SECTIONS)
