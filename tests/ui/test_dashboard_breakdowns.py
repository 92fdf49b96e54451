"""The Dashboard's breakdowns and its service-area filter (issue #16), driven as a user would:
the tables under the charts, the feedback table switched from team to service area, a
multi-agency audit's reviews by the agency that audited, and the filter narrowing both the
figures and the exported report.

The data is test_dashboard_view's world (figures by hand):

  2025/26 Q4 (15 February)  a1 C1000 Assessment Team North (Assessment)    good
                            a2 C1002 Through Care Team (Through Care)       outstanding
  2026/27 Q1 (10 May)       a3 C1001 Assessment Team North                  requires improvement
                            a4 C1000 Assessment Team North                  good, with a family's
                               answers: child's views yes, copy of plan no
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from audit_tool.services import audits, reference
from audit_tool.services.audits import Answer
from tests.factories import backdate, complete_review, looped_audit
from tests.ui.test_dashboard_view import open_view, settled, world  # noqa: F401 - the fixture


def test_the_breakdown_tables_by_hand(qtbot, world):  # noqa: F811
    view = open_view(qtbot, world)
    panel = view.findChild(QWidget, "dashboard_breakdowns")
    assert panel is view.breakdowns
    # Good or better: Q4 2 of 2, Q1 1 of 2 (a3 is RI), the whole range 3 of 4; requires
    # improvement or better: all four. One family gave feedback (C1000's, in Q1).
    assert view.breakdowns.ri.cells() == [
        ["2025/26 Q4", "100.0% (2/2)", "100.0% (2/2)", "0"],
        ["2026/27 Q1", "50.0% (1/2)", "100.0% (2/2)", "1"],
        ["Whole period", "75.0% (3/4)", "100.0% (4/4)", "1"],
    ]
    feedback = view.breakdowns.feedback
    headers = [feedback.horizontalHeaderItem(c).text() for c in range(feedback.columnCount())]
    assert headers == ["Team", "Child's\nviews gained", "Family has a\ncopy of plan"]
    assert feedback.horizontalHeaderItem(2).toolTip() == "Family has a copy of plan"
    assert feedback.cells() == [["Assessment Team North", "100.0% (1/1)", "0.0% (0/1)"]]
    by = view.findChild(QComboBox, "dashboard_feedback_by")
    by.setCurrentIndex(by.findData("service_area"))
    assert feedback.cells() == [["Assessment", "100.0% (1/1)", "0.0% (0/1)"]]
    assert feedback.horizontalHeaderItem(0).text() == "Service area"
    # No multi-agency or SEND audit, no audit on another scale.
    assert view.breakdowns.agencies.cells() == [["None in the range", "", "", ""]]
    assert view.breakdowns.strands.cells() == [["None in the range", "", "", ""]]
    assert view.breakdowns.scales.isHidden()
    assert "Assessment, 100.0% (1/1), 0.0% (0/1)" in feedback.accessibleDescription()


def test_a_multi_agency_audit_by_the_agency_that_audited(qtbot, world):  # noqa: F811
    """Alex (Children's Social Care) graded it good, Pol (Police) requires improvement."""
    db, lead = world.db, world.lead
    reference.save_person(
        db, lead, key="pol1", name="Pol Auditor", agency_key="police", roles=["auditor"]
    )
    pol = reference.actor_for(db, "pol1")
    uuid = looped_audit(
        world, ref="C1001", kind="multi_agency", reviewers=["aud1", "pol1"], programme="p-ma"
    )
    complete_review(world, world.auditor, uuid, overall="good")
    complete_review(world, pol, uuid, overall="requires_improvement")
    audits.record_panel_summary(db, lead, uuid, "The panel met")
    from audit_tool.services import templates

    items = templates.get_template(db, lead, "moderated_case_file").graded_items
    answers = {i.key: Answer("good") for i in items} | {"family_has_copy": Answer("yes")}
    audits.confirm(
        db, world.moderator, uuid, answers=answers, overall="good", rationale="On the evidence"
    )
    backdate(db, uuid, datetime(2026, 5, 12, 10, tzinfo=UTC))
    view = open_view(qtbot, world)
    assert view.breakdowns.agencies.cells() == [
        ["Children's Social Care", "1", "100.0% (1/1)", "100.0% (1/1)"],
        ["Police", "1", "0.0% (0/1)", "100.0% (1/1)"],
    ]


def test_the_service_area_filter_narrows_the_figures_and_the_export(
    qtbot,
    world,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    from PySide6.QtWidgets import QFileDialog

    view = open_view(qtbot, world)
    area = view.findChild(QComboBox, "dashboard_area")
    assert [area.itemText(i) for i in range(area.count())] == [
        "All service areas",
        "Assessment",
        "Police",
        "Through Care",
    ]
    assert area.accessibleName() == "Service area"
    area.setCurrentIndex(area.findData("Through Care"))
    qtbot.waitUntil(lambda: view.shown.filters.service_area == "Through Care", timeout=10_000)
    settled(qtbot, view)
    assert view.report["total"]["audits_final"] == 1  # a2 only
    assert view.breakdowns.ri.cells()[-1] == ["Whole period", "100.0% (1/1)", "100.0% (1/1)", "0"]

    out = tmp_path / "report.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_exporting(), timeout=30_000)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["filters"]["service_area"] == "Through Care"
    assert report["total"]["audits_final"] == 1

    qtbot.mouseClick(view.filter_bar.clear_button, Qt.MouseButton.LeftButton)
    assert area.currentData() is None
    qtbot.waitUntil(lambda: view.shown.filters.service_area is None, timeout=10_000)
    settled(qtbot, view)
    assert view.report["total"]["audits_final"] == 4
