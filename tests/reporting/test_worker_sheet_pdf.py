"""The worker's feedback sheet PDF, read back: one page, everything on it, text as typed."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from audit_tool.reporting.worker_sheet_pdf import SheetAction, WorkerSheet, render_pdf


def _sheet(**changes) -> WorkerSheet:
    base = dict(
        case_ref="C1000",
        case_initials="AB",
        team="Assessment North",
        worker="Wendy Worker",
        manager="Terry Manager",
        programme="Monthly audits, January",
        template="Moderated case file audit",
        audited_by=("Alex Auditor", "Bea Auditor"),
        moderated_by="Morgan Moderator",
        confirmed_on=date(2026, 11, 30),
        overall="Requires improvement to be good",
        grades=(("Voice of the child", "Good"), ("Plans", "Requires improvement to be good")),
        working_well=("The child's words <are> in the plan & the minutes",),
        to_improve=("Chronology stops in March",),
        actions=(
            SheetAction("Update the chronology", "Terry Manager", date(2026, 12, 14), "open"),
        ),
        rationale="B's reading of the plan is right",
    )
    base.update(changes)
    return WorkerSheet(**base)  # type: ignore[arg-type]


def _text(pdf: bytes) -> tuple[int, str, dict]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split()), dict(reader.metadata or {})


def test_the_sheet_reads_back_whole_on_one_page():
    pages, text, info = _text(render_pdf(_sheet()))
    assert pages == 1
    for expected in (
        "Feedback on the audit of case C1000",
        "Worker Wendy Worker",
        "Manager Terry Manager",
        "Final overall grade: Requires improvement to be good",
        "Voice of the child Good",
        "The child's words <are> in the plan & the minutes",
        "Chronology stops in March",
        "Update the chronology Terry Manager 14 Dec 2026 Open",
        "B's reading of the plan is right",
        "Moderated by Morgan Moderator",
    ):
        assert expected in text, expected
    assert info["/Title"] == "Feedback on the audit of case C1000"


def test_a_long_audit_still_fits_one_page_with_nothing_cut():
    points = tuple(f"Point {n}: " + "the plan needs the child's own words " * 6 for n in range(14))
    actions = tuple(
        SheetAction(f"Action {n} " + "with a long description " * 4, "Terry Manager", None, "done")
        for n in range(10)
    )
    pages, text, _info = _text(
        render_pdf(_sheet(working_well=points, to_improve=points, actions=actions))
    )
    assert pages == 1
    assert "Point 13:" in text and "Action 9" in text


def test_nothing_recorded_is_said_not_left_blank():
    pages, text, _info = _text(
        render_pdf(_sheet(working_well=(), to_improve=(), actions=(), rationale=""))
    )
    assert pages == 1
    assert "No actions were raised from this audit." in text
    assert "The moderator's rationale" not in text
