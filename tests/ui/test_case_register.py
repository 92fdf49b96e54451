"""The case register driven as a user would: search, filters, sort, editor, import, export."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QMessageBox

from audit_tool.services import cases, changelog
from audit_tool.services.cases import CaseInput, CaseQuery
from audit_tool.ui.case_register import CaseRegisterView


def _more_cases(world, n=12):
    for i in range(n):
        cases.create_case(
            world.db,
            world.lead,
            CaseInput(
                ref=f"Z{i:04d}",
                initials="QR",
                case_type="cla" if i % 2 else "cin",
                team="through_care",
                level_of_need=2 + i % 3,
            ),
        )


def _view(qtbot, world, actor=None):
    from tests.ui.conftest import show_and_activate

    view = CaseRegisterView(world.db, actor or world.lead)
    view.resize(1200, 700)
    return show_and_activate(qtbot, view)


def test_search_box_filters_after_typing(qtbot, sqlite_world):
    _more_cases(sqlite_world)
    view = _view(qtbot, sqlite_world)
    assert view.model.rowCount() == 15
    assert view.count_label.text() == "15 cases"
    qtbot.keyClicks(view.search, "c100")
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    assert view.count_label.text() == "3 cases match"
    view.search.clear()
    qtbot.keyClicks(view.search, "jo wor")  # worker name
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.index(0, 0).data() == "C1002"
    assert view.detail.values["worker"].text() == "Jo Worker"
    view.search.clear()
    qtbot.keyClicks(view.search, "nothing like this")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert view.empty_label.isVisible()
    assert "No cases match" in view.empty_label.text()


def test_filters_narrow_the_list_and_clear_restores_it(qtbot, sqlite_world):
    _more_cases(sqlite_world)
    view = _view(qtbot, sqlite_world)
    view.type_filter.setCurrentIndex(view.type_filter.findData("cla"))
    assert view.model.rowCount() == 7  # C1002 + 6 of Z
    view.level_filter.setCurrentIndex(view.level_filter.findData(4))
    expected = cases.count_cases(
        sqlite_world.db, sqlite_world.lead, CaseQuery(case_type="cla", level_of_need=4)
    )
    assert view.model.rowCount() == expected
    view.team_filter.setCurrentIndex(view.team_filter.findData("assess_north"))
    assert view.model.rowCount() == 0
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 15


def test_clicking_a_header_sorts(qtbot, sqlite_world):
    _more_cases(sqlite_world)
    view = _view(qtbot, sqlite_world)
    assert view.model.index(0, 0).data() == "C1000"
    header = view.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.rect().center().__class__(header.sectionViewportPosition(0) + 10, 5),
    )
    assert view.model.index(0, 0).data() == "Z0011"
    view.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # level
    assert view.model.index(0, 3).data() == "2"


def test_saving_an_invalid_case_shows_the_message_next_to_the_field(qtbot, sqlite_world, on_modal):
    view = _view(qtbot, sqlite_world)
    seen = {}

    def fill_badly_then_fix(dialog):
        ref = dialog.findChild(QLineEdit, "caseEditor_ref")
        initials = dialog.findChild(QLineEdit, "caseEditor_initials")
        qtbot.keyClicks(ref, "C9999")
        qtbot.keyClicks(initials, "Jane Smith")
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        error = dialog.findChild(QLabel, "caseEditor_initialsError")
        seen["visible"] = error.isVisible()
        seen["text"] = error.text()
        seen["count"] = cases.count_cases(sqlite_world.db, sqlite_world.lead, CaseQuery())
        initials.clear()
        qtbot.keyClicks(initials, "JS")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    on_modal(fill_badly_then_fix)
    view.add_action.trigger()
    assert seen["visible"] and "full name" in seen["text"]
    assert seen["count"] == 3  # nothing was written by the invalid save
    assert cases.get_case(sqlite_world.db, sqlite_world.lead, "C9999").initials == "JS"
    assert view.model.rowCount() == 4
    assert view.selected_case().ref == "C9999"


def test_editing_a_case_through_the_dialog(qtbot, sqlite_world, on_modal):
    view = _view(qtbot, sqlite_world)
    view.table.selectRow(1)
    assert view.selected_case().ref == "C1001"

    def change_initials(dialog):
        initials = dialog.findChild(QLineEdit, "caseEditor_initials")
        assert initials.text() == "CD"
        initials.clear()
        qtbot.keyClicks(initials, "XY")
        qtbot.keyClick(initials, Qt.Key.Key_Return)

    on_modal(change_initials)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert cases.get_case(sqlite_world.db, sqlite_world.lead, "C1001").initials == "XY"
    assert view.detail.values["initials"].text() == "XY"
    log = changelog.entries(sqlite_world.db, sqlite_world.lead, entity="case")
    assert log[0].action == "update" and log[0].after == {"initials": "XY"}


def test_delete_asks_first(qtbot, sqlite_world, monkeypatch):
    view = _view(qtbot, sqlite_world)
    view.table.selectRow(2)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    view.delete_action.trigger()
    assert view.model.rowCount() == 3
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.delete_action.trigger()
    assert view.model.rowCount() == 2
    assert [view.model.index(i, 0).data() for i in range(2)] == ["C1000", "C1001"]


def test_auditor_sees_the_register_read_only(qtbot, sqlite_world):
    view = _view(qtbot, sqlite_world, sqlite_world.auditor)
    assert view.model.rowCount() == 3
    assert not view.add_action.isVisible() and not view.import_action.isVisible()
    assert view.export_action.isVisible()


def test_import_file_with_errors_shows_the_report(qtbot, sqlite_world, tmp_path, on_modal):
    path = tmp_path / "extract.csv"
    path.write_text(
        "Case reference,Initials,Case type,Team\n"
        "C5000,AB,cin,Assessment Team North\n"
        "C5001,CD,cin,Nowhere Team\n",
        encoding="utf-8",
    )
    view = _view(qtbot, sqlite_world)
    seen = {}

    def read_report(dialog):
        qtbot.waitUntil(lambda: not dialog.busy, timeout=30000)
        problems = dialog.findChild(object, "importProblems")
        model = problems.model()
        seen["rows"] = model.rowCount()
        seen["text"] = " ".join(str(model.index(0, c).data()) for c in range(model.columnCount()))
        seen["import_enabled"] = dialog.findChild(object, "importButton").isEnabled()
        dialog.reject()

    on_modal(read_report)
    view.import_cases(path)
    assert seen["rows"] == 1
    assert "3" in seen["text"] and "Nowhere Team" in seen["text"]
    assert seen["import_enabled"] is False
    assert view.model.rowCount() == 3


def test_export_writes_the_filtered_list(qtbot, sqlite_world, tmp_path):
    _more_cases(sqlite_world)
    view = _view(qtbot, sqlite_world)
    view.type_filter.setCurrentIndex(view.type_filter.findData("cin"))
    target = tmp_path / "cases.csv"
    with qtbot.waitSignal(view.exported, timeout=10000):
        view.export_cases(target)
    with open(target, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "Case reference"
    refs = sorted(r[0] for r in rows[1:])
    assert refs == sorted(["C1000"] + [f"Z{i:04d}" for i in range(12) if i % 2 == 0])
    assert all(r[2] == "Child in need" for r in rows[1:])


def test_a_large_register_shows_its_first_page_then_the_count(qtbot, sqlite_db, system):
    from audit_tool.services import demo, reference

    demo.generate(sqlite_db, system, audits=0, cases=450, seed=2)
    lead = next(p.key for p in reference.list_people(sqlite_db, system) if "lead" in p.roles)
    view = CaseRegisterView(sqlite_db, reference.actor_for(sqlite_db, lead))
    qtbot.addWidget(view)
    view.show()
    # The first page is there at once; the count follows and adds the rows beyond it.
    qtbot.waitUntil(lambda: view.model.rowCount() == 450)
    assert view.count_label.text() == "450 cases"
    view.table.scrollToBottom()
    last = view.model.index(449, 0).data()
    refs = [c.ref for c in cases.list_cases(sqlite_db, system, CaseQuery(), limit=1000)]
    assert last == refs[-1] and len(refs) == 450
    # A new search replaces a pending count rather than mixing the two.
    view.search.setText(refs[10])
    view.apply_filters()
    assert view.model.rowCount() == 1 and view.model.exact
    assert view.count_label.text() == "1 case match"


def test_a_pasted_100000_character_search_is_cut_to_the_limit_not_an_error(
    qtbot, sqlite_world, monkeypatch
):
    """Issue #12: a 100,000-character search errored. The box takes the services' limit, so a
    paste is cut there and the search runs (finding nothing) with no error dialog."""
    from PySide6.QtGui import QGuiApplication

    from audit_tool.services import text_search

    shown: list[str] = []
    monkeypatch.setattr("audit_tool.ui.errors.show_error", lambda *a: shown.append(a))
    view = _view(qtbot, sqlite_world)
    QGuiApplication.clipboard().setText("C" + "1" * 99_999)
    view.search.setFocus()
    view.search.paste()
    assert len(view.search.text()) == text_search.MAX_CHARS
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert view.count_label.text() == "0 cases match"
    assert shown == []
    view.search.clear()
    qtbot.keyClicks(view.search, "C_00")  # "_" is a character, not a wildcard
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    view.search.clear()
    qtbot.keyClicks(view.search, "C100")
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)


def test_a_refused_delete_is_one_dialog_and_a_delete_tells_the_other_views(
    qtbot, sqlite_world, monkeypatch
):
    from audit_tool.ui import operations as ops
    from tests.factories import looped_audit
    from tests.ui.error_capture import capture_errors

    looped_audit(sqlite_world, ref="C1000")  # a case with an audit is not deleted
    view = _view(qtbot, sqlite_world)
    announced: list[frozenset[str]] = []
    ops.changes_hub().changed.connect(lambda kinds, _source: announced.append(kinds))
    shown = capture_errors(monkeypatch)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.select_ref("C1000")
    view.delete_action.trigger()
    assert [title for title, _ in shown] == ["Case not deleted"]
    assert view.model.rowCount() == 3 and announced == []
    view.select_ref("C1002")
    view.delete_action.trigger()
    assert view.model.rowCount() == 2 and announced == [frozenset({ops.CASES})]
