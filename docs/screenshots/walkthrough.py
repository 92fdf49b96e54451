"""A looped audit from start to finish, driven through the real window by four people.

    make walkthrough
    # or: xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/walkthrough.py

A QA lead plans a thematic programme, draws a one-case sample and assigns two auditors and a
moderator; auditor A grades the case and raises an urgent concern, which the lead answers;
auditor B grades it; the moderator returns B's review with a comment; B finds it in My work and
Notices, changes two answers and resubmits; the moderator sees the changes marked, confirms
the final grades and saves the one-page feedback sheet for the worker, which is read back.

Everything goes through the real login dialog, menus, buttons, drop-downs and fields (QTest
clicks and keys, counted per step), on a new synthetic demo database (never real data). Each
step leaves a screenshot in walkthrough/ (NN-role-step.png) and the script ends with the table
of clicks per step. It needs an X server (xvfb-run) for the screenshots: without one it still
runs (QT_QPA_PLATFORM=offscreen) and draws each window by itself. Look at the pictures before
committing them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "walkthrough"
sys.path[:0] = [str(HERE), str(HERE.parents[1])]  # the driver beside it; this checkout's code

LEAD, AUDITOR_A, AUDITOR_B, MODERATOR = "tgriffiths", "charrison", "ashaw", "hthompson"
TEAM = "assessment_north"  # the sample's team: none of the four works in it
SEED = 2026


@dataclass
class Walk:
    """What the steps share: the driver, the application, the audit being walked."""

    d: Any  # walkthrough_driver.Driver
    app: Any  # audit_tool.ui.app.Application
    db_path: Path
    password: str
    names: dict[str, str]
    audit_uuid: str = ""
    case_ref: str = ""

    @property
    def window(self) -> Any:
        return self.app.window


def build_database(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A new demo database (synthetic people, cases and audits); returns it and the names."""
    from audit_tool.access.actors import Actor
    from audit_tool.services import demo, reference, seed
    from audit_tool.store import open_database

    seed.register()  # a new database gets the defaults, as the app's entry points give them
    path = tmp / "walkthrough.sqlite"
    db = open_database(path)
    demo.generate(db, Actor.system(), audits=300, seed=1, today=date.today())
    people = {p.key: p for p in reference.list_people(db, Actor.system())}
    roles = {LEAD: "lead", AUDITOR_A: "auditor", AUDITOR_B: "auditor", MODERATOR: "moderator"}
    for key, role in roles.items():
        if key not in people or role not in people[key].roles:
            raise SystemExit(f"The demo data changed: {key} is no longer a {role}")
    db.close()
    return path, {key: people[key].name for key in roles}


# ---------------------------------------------------------------------------- logging in


def fill_login(w: Walk, dialog: Any, username: str, shot: bool = False) -> None:
    """Type the user name (replacing the one remembered) and the password; press Enter."""
    from PySide6.QtCore import Qt

    d = w.d
    if dialog.username.text() != username:
        if dialog.username.text():
            d.click(dialog.username)
        d.type(dialog.username, username, replace=bool(dialog.username.text()))
        d.key(dialog.username, Qt.Key.Key_Tab)
    d.type(dialog.password, w.password)
    if shot:
        d.shot()
    d.key(dialog.password, Qt.Key.Key_Return)


def first_login(w: Walk) -> None:
    from audit_tool.ui.login_dialog import LoginDialog

    opened: list[bool] = []
    w.d.dialog(
        lambda: opened.append(w.app.open(str(w.db_path))),
        lambda dialog: fill_login(w, dialog, LEAD, shot=True),
        LoginDialog,
    )
    if opened != [True] or w.window is None:
        raise SystemExit("The first login did not open the window")
    window_up(w)


def switch_user(w: Walk, username: str) -> None:
    """File > Switch user..., then the login dialog, as the app does it."""
    from audit_tool.ui.login_dialog import LoginDialog

    old = w.window
    w.d.dialog(
        lambda: w.d.menu(old, "File", "Switch user..."),
        lambda dialog: fill_login(w, dialog, username),
        LoginDialog,
    )
    w.d.wait_until(lambda: w.window is not old, f"{username}'s window")
    window_up(w)
    if w.names[username] not in w.window.windowTitle():
        raise SystemExit(f"Logged in as someone else: {w.window.windowTitle()}")


def window_up(w: Walk) -> None:
    from PySide6.QtTest import QTest

    window = w.window
    window.setGeometry(0, 0, 1280, 800)  # what a window manager does on this small screen
    QTest.qWaitForWindowExposed(window, 10_000)
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 10_000)
    w.d.wait_until(lambda: window.current_view_key() == "mywork", "My work")
    # The counts beside the views come a moment after the window (MainWindow.update_badges).
    notices = window.sidebar.item(window.view_keys().index("notices"))
    w.d.wait_until(lambda: notices.toolTip() != "", "the counts in the sidebar")


def my_work_item(w: Walk, group_start: str) -> Any:
    """My work's line for the walked audit, under a group whose title starts so."""
    from PySide6.QtWidgets import QTreeWidget

    from audit_tool.ui.my_work_view import ITEM_ROLE

    tree = w.window.view("mywork").findChild(QTreeWidget, "myWork_tree")

    def ours(row: Any) -> bool:
        item = row.data(0, ITEM_ROLE)
        return getattr(item, "uuid", "") == w.audit_uuid and row.parent().text(0).startswith(
            group_start
        )

    w.d.wait_until(lambda: w.d.tree_item(tree, ours) is not None, f"{group_start} in My work")
    return tree, w.d.tree_item(tree, ours)


def open_from_my_work(w: Walk, group_start: str) -> Any:
    """Double-click the audit in My work; returns its window once it shows."""
    tree, item = my_work_item(w, group_start)
    w.d.double_click_tree_item(tree, item)
    return audit_window(w)


def audit_window(w: Walk) -> Any:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialog

    def found() -> Any:
        return next(
            (
                x
                for x in QApplication.topLevelWidgets()
                if isinstance(x, QDialog)
                and x.objectName() == "auditWindow"
                and x.isVisible()
                and w.case_ref in x.windowTitle()
            ),
            None,
        )

    w.d.wait_until(lambda: found() is not None, f"the window of case {w.case_ref}")
    window = found()
    QTest.qWaitForWindowExposed(window, 10_000)
    window.activateWindow()  # as a window manager gives a new window the keyboard
    QTest.qWaitForWindowActive(window, 10_000)
    return window


def close_window(w: Walk, window: Any) -> None:
    """Escape closes an audit's window (it saves as it closes)."""
    from PySide6.QtCore import Qt

    w.d.key(window.focusWidget() or window, Qt.Key.Key_Escape)
    w.d.wait_until(lambda: not _alive_and_visible(window), "the window to close")


def button(parent: Any, name: str) -> Any:
    from PySide6.QtWidgets import QPushButton

    found = parent.findChild(QPushButton, name)
    if found is None:
        raise SystemExit(f"No button {name!r} in {parent.objectName()}")
    return found


def scroll_to_top(form: Any) -> None:
    """Back to the top of the review, for the picture (a user would use the scroll bar)."""
    form.review_tab.verticalScrollBar().setValue(0)


def _alive_and_visible(widget: Any) -> bool:
    import shiboken6

    return shiboken6.isValid(widget) and widget.isVisible()


# ---------------------------------------------------------------------------- the lead plans


def plan_programme(w: Walk) -> None:
    from PySide6.QtCore import Qt

    d, window = w.d, w.window
    d.sidebar(window, "Programmes")
    d.wait_until(lambda: window.current_view_key() == "programmes", "Programmes")
    view = window.view("programmes")
    d.click(view.new_button)
    today = date.today()
    d.click_and_type(view.name, f"Neglect: thematic audit, {today:%B %Y}")
    d.key(view.name, Qt.Key.Key_Tab)
    d.type(view.key, f"neglect-{today:%Y-%m}")
    d.choose(view.kind, data="thematic")
    d.click_and_type(view.theme, "Neglect")
    if view.template.currentData() != "moderated_case_file":
        d.choose(view.template, data="moderated_case_file")
    due = today + timedelta(days=28)
    d.click(view.due_on.line)
    d.type(view.due_on.line, due.isoformat(), replace=True)
    d.click(view.save_button)
    d.wait_until(lambda: view.sample_button.isEnabled(), "the programme to be saved")
    d.shot()


def draw_sample(w: Walk) -> None:
    from PySide6.QtWidgets import QMessageBox

    from audit_tool.ui.sample_dialog import SampleDialog

    d, view = w.d, w.window.view("programmes")

    def fill(dialog: Any) -> None:
        d.choose(dialog.team, data=TEAM)
        d.click_and_type(dialog.sample_size, "1", replace=True)
        d.click_and_type(dialog.seed, str(SEED), replace=True)
        d.shot()
        d.click(button(dialog, "sample_draw"))

    added = d.expect(QMessageBox, lambda box: d.answer(box, QMessageBox.StandardButton.Yes))
    d.dialog(lambda: d.click(view.sample_button), fill, SampleDialog)
    d.answered(added)
    d.wait_until(lambda: len(view.audit_model.rows) == 1, "the sampled audit")
    row = view.audit_model.rows[0]
    w.audit_uuid, w.case_ref = row.audit_uuid, row.case_ref


def assign(w: Walk) -> None:
    from audit_tool.ui.programmes_view import AssignDialog

    d, view = w.d, w.window.view("programmes")

    def fill(dialog: Any) -> None:
        d.choose(dialog.reviewer_combos["A"], data=AUDITOR_A)
        d.choose(dialog.reviewer_combos["B"], data=AUDITOR_B)
        d.choose(dialog.moderator, data=MODERATOR)
        d.shot()
        d.click(button(dialog, "assign_ok"))
        if dialog.isVisible():
            raise SystemExit(f"Not assigned: {dialog.form.message.text()}")

    d.click_row(view.audit_table, 0)
    d.dialog(lambda: d.click(view.assign_button), fill, AssignDialog)
    d.wait_until(
        lambda: view.audit_model.rows[0].moderator_name == w.names[MODERATOR],
        "the assignment in the list",
    )


# ---------------------------------------------------------------------------- the auditors


GRADE_LETTER = {"good": "G", "requires_improvement": "R", "outstanding": "O", "inadequate": "I"}


def grade_review(w: Walk, form: Any, grades: dict[str, str], evidence: dict[str, str]) -> None:
    """The first grade with two clicks, every other with the keyboard (Tab to the next
    grade, its first letter), evidence typed where there is some to say."""
    from PySide6.QtCore import Qt

    d = w.d
    items = form.template.graded_items
    for n, item in enumerate(items):
        combo = form.values[item.key]
        grade = grades.get(item.key, "good")
        if n == 0:
            d.choose(combo, data=grade)
        else:
            d.wait_until(lambda c=combo: c.hasFocus(), f"the focus on {item.label}", timeout=5)
            d.key(combo, getattr(Qt.Key, f"Key_{GRADE_LETTER[grade]}"))
        if combo.currentData() != grade:
            raise SystemExit(f"{item.label}: {combo.currentData()} chosen, not {grade}")
        comment = form.comments[item.key]
        d.key(combo, Qt.Key.Key_Tab)
        if item.key in evidence:
            d.type(comment, evidence[item.key])
        if n < len(items) - 1:
            d.key(comment, Qt.Key.Key_Tab)


def finish_review(w: Walk, form: Any, overall: str, summary: dict[str, str]) -> None:
    d = w.d
    d.choose(form.overall, data=overall)
    for key, text in summary.items():
        d.click_and_type(form.summary[key], text)


def submit(w: Walk, form: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    d = w.d
    d.dialog(
        lambda: d.click(form.submit_button),
        lambda box: d.answer(box, QMessageBox.StandardButton.Yes),
        QMessageBox,
        optional=True,  # asked only when the overall grade does not fit the practice areas
    )
    d.wait_until(lambda: "Review submitted" in form.message.text(), "the review to be submitted")


def review_a(w: Walk) -> Any:
    """Auditor A grades the case (Plans: requires improvement) and writes the summary."""
    from audit_tool.ui.audit_form import AuditForm

    window = open_from_my_work(w, "To start")
    form = window.findChild(AuditForm)
    grade_review(
        w,
        form,
        {"plans": "requires_improvement", "chronology_genogram": "requires_improvement"},
        {
            "voice_of_child": "Seen alone on 3 visits; her words are in the assessment.",
            "plans": "The plan has no dates or named owners for 4 of its 6 actions.",
        },
    )
    finish_review(
        w,
        form,
        "requires_improvement",
        {
            "strengths": "The worker knows the child well and sees her alone.",
            "worries": "The plan is vague; the chronology stops in August.",
            "next_steps": "Date and name every action; bring the chronology up to date.",
        },
    )
    return window, form


def raise_concern(w: Walk, form: Any) -> None:
    from audit_tool.ui.concern_dialog import ConcernDialog

    d = w.d

    def fill(dialog: Any) -> None:
        d.click_and_type(
            dialog.what,
            "The last case note records bruising on the younger sibling, not followed up.",
        )
        d.click_and_type(
            dialog.why,
            "The sibling is at home with the same carer and nobody has seen him since.",
        )
        d.shot()
        d.click(button(dialog, "concern_raise"))

    d.dialog(lambda: d.click(form.concern_button), fill, ConcernDialog)
    d.wait_until(form.concern_note.isVisible, "the concern above the form")


def review_b(w: Walk) -> tuple[Any, Any]:
    """Auditor B grades the same case: Chronology inadequate, Good overall."""
    from audit_tool.ui.audit_form import AuditForm

    window = open_from_my_work(w, "To start")
    form = window.findChild(AuditForm)
    grade_review(
        w,
        form,
        {"chronology_genogram": "inadequate"},
        {
            "plans": "A plan is in place and was reviewed at the last core group.",
            "chronology_genogram": "No chronology on the file.",
        },
    )
    finish_review(
        w,
        form,
        "good",
        {
            "strengths": "Visits are on time and the family trusts the worker.",
            "worries": "No chronology.",
            "next_steps": "Start a chronology.",
        },
    )
    return window, form


def resubmit_b(w: Walk) -> tuple[Any, Any]:
    """B opens the returned review from Notices, changes two answers and resubmits."""
    from PySide6.QtWidgets import QListWidget

    from audit_tool.ui.audit_form import AuditForm

    d, window = w.d, w.window
    view = window.view("notices")
    notices = view.findChild(QListWidget, "notices_list")
    row = next(
        i for i, r in enumerate(view.rows) if r.kind == "returned" and r.audit_uuid == w.audit_uuid
    )
    item = notices.item(row)
    d.click(notices.viewport(), notices.visualItemRect(item).center())
    audit = audit_window(w)
    form = audit.findChild(AuditForm)
    d.wait_until(form.return_note.isVisible, "the moderator's comment above the form")
    d.choose(form.values["chronology_genogram"], data="requires_improvement")
    d.click_and_type(
        form.comments["chronology_genogram"],
        "Found it: a chronology up to August, not updated since.",
        replace=True,
    )
    d.choose(form.overall, data="requires_improvement")
    submit(w, form)
    return audit, form


# ---------------------------------------------------------------------------- the lead's answer


def open_concern(w: Walk) -> Any:
    """The red banner, then the concern's line in Urgent concerns."""
    d, window = w.d, w.window
    d.wait_until(window.banner.isVisible, "the urgent concern banner")
    d.click(window.banner)
    d.wait_until(lambda: window.current_view_key() == "concerns", "Urgent concerns")
    view = window.view("concerns")

    def ours() -> int:
        rows = view.model.rows
        return next((i for i, r in enumerate(rows) if r.case_ref == w.case_ref), -1)

    d.wait_until(lambda: ours() >= 0, "the concern in the list")
    d.click_row(view.table, ours())
    return view


def respond(w: Walk, view: Any) -> None:
    from audit_tool.ui.concerns_view import RespondDialog

    d = w.d

    def fill(dialog: Any) -> None:
        d.click_and_type(
            dialog.response,
            "Rang the team manager: the sibling was seen at home today and a strategy "
            "discussion is booked for tomorrow.",
        )
        d.shot()
        d.click(button(dialog, "respond_ok"))

    d.dialog(lambda: d.click(view.respond_button), fill, RespondDialog)
    d.wait_until(
        lambda: all(r.case_ref != w.case_ref for r in view.model.rows), "the concern closed"
    )


# ---------------------------------------------------------------------------- the moderator


def moderation_form(window: Any) -> Any:
    from audit_tool.ui.moderation_view import ModerationForm

    return window.findChild(ModerationForm)


def return_to_b(w: Walk, form: Any) -> None:
    from audit_tool.ui.return_dialog import ReturnDialog

    d = w.d

    def fill(dialog: Any) -> None:
        d.choose(dialog.which, data=form.view.reviews[1].uuid)
        d.click_and_type(
            dialog.comment,
            "Chronology: there is one on the file, up to August. "
            "Please look again at it and at your overall grade.",
        )
        d.shot()
        d.click(button(dialog, "return_ok"))

    d.dialog(lambda: d.click(form.return_button), fill, ReturnDialog)
    d.wait_until(lambda: "Returned to the auditor" in form.message.text(), "the return")


def confirm_final(w: Walk, form: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    d = w.d
    d.click(button(form, "moderation_take_plans_0"))
    d.click_and_type(
        form.rationale,
        "Plans: A's grade stands, the plan has no dates or owners. B's resubmitted "
        "chronology and overall grades now agree with A's.",
    )
    asked = d.expect(QMessageBox, lambda box: d.answer(box, QMessageBox.StandardButton.Yes))
    d.click(form.confirm_button)
    d.answered(asked)  # feedback to the worker is not recorded yet: confirm anyway
    d.wait_until(lambda: "Final grades confirmed" in form.message.text(), "the confirmation")


def worker_sheet(w: Walk, form: Any, pdf: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    d = w.d
    d.tab(form.extras, "Feedback to worker")

    def save_as(dialog: Any) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        d.type(name, str(pdf), replace=True)
        d.key(name, Qt.Key.Key_Return)

    d.dialog(lambda: d.click(form.extras.worker_sheet_button), save_as, QFileDialog)
    d.wait_until(lambda: form.extras.worker_status.text().startswith("Saved "), "the sheet")


def check_sheet(pdf: Path, case_ref: str) -> list[str]:
    """The PDF read back: one page, the case, its final grades."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    text = " ".join((page.extract_text() or "") for page in reader.pages).replace("\n", " ")
    wanted = [case_ref, "Requires improvement", "Plans", "Chronology", "Good"]
    missing = [word for word in wanted if word not in text]
    if len(reader.pages) != 1 or missing:
        raise SystemExit(f"The sheet has {len(reader.pages)} page(s); missing: {missing}")
    return wanted


# ---------------------------------------------------------------------------- the walk


def walk(w: Walk, pdf: Path) -> None:
    d = w.d
    with d.begin("01", "lead", "login", "Log in"):
        first_login(w)
    with d.begin("02", "lead", "programme", "New programme: name, key, kind, theme, due date"):
        plan_programme(w)
    with d.begin("03", "lead", "sample", "Draw a sample of one case"):
        draw_sample(w)
    with d.begin("04", "lead", "assign", "Assign two auditors and a moderator"):
        assign(w)
    with d.begin("05", "auditor1", "my-work", "Switch user; My work shows the audit to start"):
        switch_user(w, AUDITOR_A)
        my_work_item(w, "To start")
        d.shot()
    with d.begin("06", "auditor1", "review", "Open it; grade 12 areas, evidence, summary"):
        window_a, form_a = review_a(w)
        scroll_to_top(form_a)
        d.shot()
    with d.begin("07", "auditor1", "concern", "Raise an urgent concern"):
        raise_concern(w, form_a)
    with d.begin("08", "auditor1", "submitted", "Submit the review"):
        submit(w, form_a)
        d.shot()
        close_window(w, window_a)
    with d.begin("09", "lead", "concern", "Switch user; the banner opens the concern"):
        switch_user(w, LEAD)
        view = open_concern(w)
        d.shot()
    with d.begin("10", "lead", "respond", "Record what was done"):
        respond(w, view)
    with d.begin("11", "auditor2", "my-work", "Switch user; My work shows the audit to start"):
        switch_user(w, AUDITOR_B)
        my_work_item(w, "To start")
        d.shot()
    with d.begin("12", "auditor2", "submitted", "Open it; grade, summary, submit"):
        window_b, form_b = review_b(w)
        submit(w, form_b)
        scroll_to_top(form_b)
        d.shot()
        close_window(w, window_b)
    with d.begin("13", "moderator", "my-work", "Switch user; My work shows the audit waiting"):
        switch_user(w, MODERATOR)
        my_work_item(w, "Waiting")
        d.shot()
    with d.begin("14", "moderator", "moderation", "Open it: the reviews side by side"):
        window_m = open_from_my_work(w, "Waiting")
        form_m = moderation_form(window_m)
        d.shot()
    with d.begin("15", "moderator", "return", "Return B's review with a comment"):
        return_to_b(w, form_m)
        close_window(w, window_m)
    with d.begin("16", "auditor2", "returned", "Switch user; My work: returned to me"):
        switch_user(w, AUDITOR_B)
        my_work_item(w, "Returned")
        d.shot()
    with d.begin("17", "auditor2", "notices", "Notices: the return, the concern"):
        d.sidebar(w.window, "Notices")
        d.wait_until(lambda: w.window.current_view_key() == "notices", "Notices")
        d.wait_until(lambda: w.window.view("notices").rows, "the notices")
        d.shot()
    with d.begin("18", "auditor2", "resubmitted", "Open the notice; change two grades; submit"):
        window_b, form_b = resubmit_b(w)
        scroll_to_top(form_b)
        d.shot()
        close_window(w, window_b)
    with d.begin("19", "moderator", "changes", "Switch user; open it: the changes marked"):
        switch_user(w, MODERATOR)
        window_m = open_from_my_work(w, "Waiting")
        form_m = moderation_form(window_m)
        d.shot()
    with d.begin("20", "moderator", "confirmed", "Take A's Plans, rationale, confirm"):
        confirm_final(w, form_m)
        d.shot()
    with d.begin("21", "moderator", "worker-sheet", "Feedback sheet for the worker (PDF)"):
        worker_sheet(w, form_m, pdf)
        d.shot()
        close_window(w, window_m)


def main() -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        print("No X server: run under xvfb-run for screenshots of the screen", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="walkthrough-"))
    os.environ["AUDIT_TOOL_HOME"] = str(tmp / "home")

    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtWidgets import QApplication
    from walkthrough_driver import Driver

    from audit_tool import APP_NAME
    from audit_tool.services.demo import DEMO_PASSWORD
    from audit_tool.ui import theme
    from audit_tool.ui.app import Application
    from audit_tool.ui.settings import APP, ORG

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    QApplication.setOrganizationName(ORG)
    QApplication.setApplicationName(APP)
    QApplication.setApplicationDisplayName(APP_NAME)
    qt_app = QApplication(sys.argv[:1])
    theme.install()
    started = time.perf_counter()
    db_path, names = build_database(tmp)
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    driver = Driver(qt_app, OUT)
    w = Walk(driver, Application(qt_app), db_path, DEMO_PASSWORD, names)
    pdf = tmp / f"feedback-{date.today():%Y%m%d}.pdf"
    walk(w, pdf)
    found = check_sheet(pdf, w.case_ref)
    print()
    print(driver.table())
    print()
    print(f"Case {w.case_ref}; the feedback sheet holds {', '.join(found)} (one page).")
    print(f"{len(list(OUT.glob('*.png')))} screenshots in {OUT}")
    print(f"{time.perf_counter() - started:.1f} s")
    if w.window is not None:
        w.window.close()


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising its objects
