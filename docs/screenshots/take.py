"""Render the screenshots in this folder from a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take.py

Every window is drawn with QWidget.grab(), so no screen is needed; the pictures are what a user
sees at the given window size. Look at them before committing them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp())
    os.environ["AUDIT_TOOL_HOME"] = str(tmp / "home")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QLineEdit

    from audit_tool.access.actors import Actor
    from audit_tool.services import demo, reference, seed
    from audit_tool.store import open_database
    from audit_tool.ui.case_editor import CaseEditorDialog
    from audit_tool.ui.import_dialog import CaseImportDialog
    from audit_tool.ui.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    seed.register()  # a new database gets the defaults, as the app's entry points give them
    db = open_database(tmp / "demo.sqlite")
    demo.generate(db, Actor.system(), audits=3000, seed=1, today=date(2026, 11, 20))
    people = reference.list_people(db, Actor.system())
    lead = reference.actor_for(db, next(p.key for p in people if "lead" in p.roles))

    def settle() -> None:
        from audit_tool.ui import operations as ops

        while ops.running():  # views that load in the pool (Learning, Actions, Programmes)
            app.processEvents()
            time.sleep(0.01)
        for _ in range(5):
            app.processEvents()

    window = MainWindow(db, lead)
    window.resize(1360, 780)
    window.show()
    settle()
    cases_view = window.view("cases")
    cases_view.table.selectRow(3)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "cases.png"))

    row = cases_view.selected_case()  # type: ignore[attr-defined]
    editor = CaseEditorDialog(db, lead, row, window)
    editor.show()
    settle()
    initials = editor.findChild(QLineEdit, "caseEditor_initials")
    initials.setText("Jane Smith")
    editor.save()
    settle()
    editor.grab().save(str(HERE / "case-editor.png"))
    editor.reject()

    extract = tmp / "extract.csv"
    extract.write_text(
        "Case reference,Initials,Case type,Team,Opened\n"
        "C9000001,AB,Child in need,Family Front Door,2026-01-05\n"
        "C9000002,Jane Smith,cin,Family Front Door,2026-01-06\n"
        "C9000003,CD,Adoption,Family Front Door,2026-01-07\n"
        "C9000004,EF,cin,Nowhere Team,2026-13-01\n",
        encoding="utf-8",
    )
    dialog = CaseImportDialog(db, lead, window, path=extract)
    dialog.show()
    while dialog.busy:
        app.processEvents()
    settle()
    dialog.grab().save(str(HERE / "case-import.png"))
    dialog.reject()

    audit_form_and_moderation(db, lead, settle)

    window.show_view("programmes")
    settle()
    window.grab().save(str(HERE / "programmes.png"))
    monthly_audits(db, lead, window, app)

    for key in ("feedback", "learning", "actions"):
        window.show_view(key)
        settle()
        window.grab().save(str(HERE / f"{key}.png"))
    briefing(db, lead, window, settle, tmp)

    window.show_view("dashboard")
    dashboard = window.view("dashboard")
    while dashboard.is_busy():  # type: ignore[attr-defined]
        app.processEvents()
    settle()
    window.grab().save(str(HERE / "dashboard.png"))
    charts = dashboard.charts_area  # type: ignore[attr-defined]
    top = dashboard.breakdowns.y()  # type: ignore[attr-defined]
    charts.verticalScrollBar().setValue(top)  # the breakdowns under the charts
    settle()
    window.grab().save(str(HERE / "dashboard-breakdowns.png"))
    charts.verticalScrollBar().setValue(0)
    report_breakdowns(db, lead, tmp)
    dashboard.tabs.setCurrentWidget(dashboard.story_panel)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "dashboard-learning.png"))
    dashboard.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]

    window.show_view("admin")
    admin = window.view("admin")
    admin.tabs.setCurrentWidget(admin.templates)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "templates.png"))
    admin.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
    admin.people.table.selectRow(4)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "admin.png"))
    admin.tabs.setCurrentWidget(admin.changelog_tab)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "changelog.png"))
    from audit_tool.services import retention

    retention.set_retention_years(db, lead, 1)  # the demo's audits are all recent
    tab = admin.retention  # type: ignore[attr-defined]
    tab.years.setValue(1)
    tab.refresh()
    admin.tabs.setCurrentWidget(tab)  # type: ignore[attr-defined]
    settle()
    window.grab().save(str(HERE / "retention.png"))
    window.idle_lock.lock()
    settle()
    window.grab().save(str(HERE / "lock.png"))
    window.close()
    db.close()
    print(f"screenshots written to {HERE}")


def monthly_audits(db, lead, window, app) -> None:  # type: ignore[no-untyped-def]
    """The standing monthly plan: two audits for each auditor and a moderation for each
    moderator, the demo's "today" month drawn, its compliance shown."""
    from audit_tool.services import monthly, monthly_draw

    today = date(2026, 11, 20)
    monthly.save_plan(db, lead, active=True, template_key="moderated_case_file", today=today)
    monthly.set_expectation(db, lead, role="auditor", audits=2, moderations=0)
    monthly.set_expectation(db, lead, role="moderator", audits=0, moderations=1)
    monthly_draw.draw_now(db, lead, today=today)
    window.show_view("monthly")
    view = window.view("monthly")
    view.today = today
    with_loaded = []
    view.loaded.connect(lambda: with_loaded.append(True))
    view.refresh()
    while not with_loaded:
        app.processEvents()
    for _ in range(5):  # the layout follows the text just shown
        app.processEvents()
    window.grab().save(str(HERE / "monthly-audits.png"))


def audit_form_and_moderation(db, lead, settle) -> None:  # type: ignore[no-untyped-def]
    """A fresh looped audit: one review being written, then both in and moderation open."""
    from audit_tool.services import audits, cases, programmes, reference
    from audit_tool.services.audits import Answer
    from audit_tool.ui.audit_form import AuditForm
    from audit_tool.ui.moderation_view import ModerationForm

    people = reference.list_people(db, lead)
    auditors = [p for p in people if p.roles == ("auditor",) and p.agency_key == "csc"]
    moderator = next(p for p in people if "moderator" in p.roles and p.agency_key == "csc")
    a, b = auditors[0], auditors[1]
    case = next(
        c
        for c in cases.list_cases(db, lead, cases.CaseQuery(case_type="cin"), limit=500)
        if {c.worker_key, c.manager_key}.isdisjoint({a.key, b.key, moderator.key})
    )
    programmes.save_programme(
        db,
        lead,
        key="screens",
        name="November monthly audits",
        kind="monthly",
        template_key="moderated_case_file",
        starts_on=date(2026, 11, 1),
        due_on=date(2026, 11, 30),
    )
    (row,) = programmes.add_audits(db, lead, "screens", [case.ref])
    programmes.assign(db, lead, row.audit_uuid, reviewers=[a.key, b.key], moderator=moderator.key)
    tpl = audits.get_audit(db, lead, row.audit_uuid).template
    grades = ["good", "good", "requires_improvement", "good", "inadequate", "requires_improvement"]
    for person, shift in ((a, 0), (b, 1)):
        actor = reference.actor_for(db, person.key)
        view = audits.get_audit(db, actor, row.audit_uuid)
        answers = {
            item.key: Answer(grades[(i + shift) % len(grades)], "Seen on the file: see notes")
            for i, item in enumerate(tpl.graded_items)
        }
        audits.save_review(
            db,
            actor,
            view.my_review,
            answers=answers,
            overall="requires_improvement" if shift == 0 else "good",
            strengths="The child's views are recorded in their own words.",
            worries="The chronology has not been updated since the strategy discussion.",
            next_steps="Update the chronology; share the plan with the family.",
        )
        if shift == 0:
            form = AuditForm(db, actor, row.audit_uuid)
            form.resize(1150, 800)
            form.show()
            settle()
            form.grab().save(str(HERE / "audit-form.png"))
            form.close()
            family_feedback(db, actor, row.audit_uuid)
            form = AuditForm(db, actor, row.audit_uuid)
            form.resize(1150, 640)
            form.extras.setCurrentIndex(1)  # Family feedback
            form.show()
            settle()
            form.grab().save(str(HERE / "feedback-panel.png"))
            form.close()
        audits.submit_review(db, actor, view.my_review)
    mod_actor = reference.actor_for(db, moderator.key)
    moderation = ModerationForm(db, mod_actor, row.audit_uuid)
    moderation.resize(1250, 820)
    moderation.show()
    settle()
    moderation.grab().save(str(HERE / "moderation.png"))
    moderation.close()


def family_feedback(db, actor, audit_uuid) -> None:  # type: ignore[no-untyped-def]
    """Two conversations, two learning points and an action in the auditor's review."""
    from audit_tool.services import feedback, learning, learning_actions

    for respondent, channel, answers, comment, shareable in (
        (
            "parent",
            "phone",
            {"child_views": "yes", "copy_of_plan": "no", "contactable": "partly"},
            "They listened, but we never got a copy of the plan.",
            True,
        ),
        (
            "young_person",
            "face_to_face",
            {"child_views": "yes", "family_views": "yes", "positive_difference": "yes"},
            "My worker actually asked me what I wanted to happen.",
            True,
        ),
    ):
        feedback.add_feedback(
            db,
            actor,
            feedback.FeedbackInput(
                respondent, channel, date(2026, 11, 12), True, answers, comment, shareable
            ),
            audit_uuid=audit_uuid,
        )
    learning.add_learning_point(
        db,
        actor,
        audit_uuid,
        kind="strength",
        text="The child's wishes and feelings are recorded in their own words",
        item_key="voice_of_child",
        themes=["voice of the child"],
    )
    learning.add_learning_point(
        db,
        actor,
        audit_uuid,
        kind="development",
        text="The plan was not shared with the family in a form they could use",
        item_key="plans",
        themes=["plans", "family involvement"],
    )
    learning_actions.add_action(
        db,
        actor,
        audit_uuid,
        text="Share the updated plan with the family and record that it was shared",
        owner_key=actor.key,
        due_on=date(2026, 12, 11),
    )


def briefing(db, lead, window, settle, tmp) -> None:  # type: ignore[no-untyped-def]
    """The Briefings view on a draft, and page one of its PDF as a picture."""
    import shutil
    import subprocess

    from sqlalchemy import text

    from audit_tool.services import briefings

    with db.session() as session:
        key = session.execute(
            text(
                "SELECT p.key FROM programmes p JOIN audits a ON a.programme_id = p.id "
                "WHERE a.status = 'final' AND p.kind = 'thematic' GROUP BY p.key "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    view = briefings.new_briefing(db, lead, programme_key=key)
    if "briefings" in window.view_keys():
        window.show_view("briefings")
        settle()
        window.grab().save(str(HERE / "briefings.png"))
    pdf = tmp / "briefing.pdf"
    briefings.export_briefing(db, lead, view.uuid, pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(HERE / "briefing-page1")],
            check=True,
        )  # fmt: skip


def report_breakdowns(db, lead, tmp) -> None:  # type: ignore[no-untyped-def]
    """The QA report PDF's breakdowns page, for the last four quarters."""
    import shutil
    import subprocess

    from pypdf import PdfReader

    from audit_tool.services import report_export

    if not shutil.which("pdftoppm"):
        return
    pdf = tmp / "report.pdf"
    report_export.write_report(
        db, lead, pdf, fmt="pdf", date_from=date(2025, 10, 1), date_to=date(2026, 9, 30)
    )
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    page = next(i for i, text in enumerate(pages[2:], start=3) if "Breakdowns by team" in text)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(HERE / "report-breakdowns")],
        check=True,
    )  # fmt: skip


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising its objects
