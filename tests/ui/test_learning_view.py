"""The Learning view driven as a user would: filters, briefing choices, export, opening audits."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QProgressBar,
    QWidget,
)

from audit_tool.services import learning, learning_actions, programmes
from audit_tool.services.learning import LearningFilter
from audit_tool.ui.filters import period_range, quarter_label
from audit_tool.ui.learning_view import LearningTableModel, LearningView
from tests.factories import looped_audit
from tests.ui.conftest import show_and_activate
from tests.ui.loading import loaded, settled


def build(world):
    """C1000 (Assessment Team North, "Test programme"): a strength and a development point;
    C1002 (Through Care, a thematic programme): one development point."""
    db, lead = world.db, world.lead
    programmes.save_programme(
        db,
        lead,
        key="neglect",
        name="Neglect thematic",
        kind="thematic",
        theme="Neglect",
        template_key="moderated_case_file",
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 3, 31),
    )
    north = looped_audit(world, ref="C1000")
    care = looped_audit(world, ref="C1002", programme="neglect")
    learning.add_learning_point(
        db,
        world.auditor,
        north,
        kind="strength",
        text="The child's own words shape the plan.\nThe plan is reviewed with her.",
        themes=["voice of the child"],
    )
    learning.add_learning_point(
        db,
        world.auditor2,
        north,
        kind="development",
        text="Chronology not updated.",
        themes=["records"],
    )
    learning.add_learning_point(
        db,
        world.auditor,
        care,
        kind="development",
        text="Supervision not recorded.",
        themes=["records", "supervision"],
    )
    return north, care


def texts(view):
    return sorted(r.text.splitlines()[0] for r in view.model.rows)


def pick(qtbot, combo: QComboBox, data) -> None:
    """Choose in a filter, then wait for the points it loads (the view loads in the pool)."""
    combo.setCurrentIndex(combo.findData(data))
    settled(qtbot)


def open_view(qtbot, db, actor):
    return loaded(qtbot, show_and_activate(qtbot, LearningView(db, actor)))


def test_filters_change_the_rows(qtbot, sqlite_world):
    build(sqlite_world)
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    assert len(view.model.rows) == 3
    assert view.count.text() == "3 learning points: 1 strength, 2 for development"

    pick(qtbot, view.kind_filter, "strength")
    assert texts(view) == ["The child's own words shape the plan."]
    assert view.count.text() == "1 learning point: 1 strength, 0 for development"
    pick(qtbot, view.kind_filter, None)

    theme = view.theme_filter
    assert [theme.itemText(i) for i in range(theme.count())][0] == "records"  # most used first
    theme.lineEdit().setFocus()
    qtbot.keyClicks(theme.lineEdit(), "Records")
    qtbot.keyClick(theme.lineEdit(), Qt.Key.Key_Return)
    settled(qtbot)
    assert texts(view) == ["Chronology not updated.", "Supervision not recorded."]

    pick(qtbot, view.programme_filter, "neglect")
    assert texts(view) == ["Supervision not recorded."]
    assert view.model.index(0, 6).data() == "Neglect thematic"

    theme.lineEdit().clear()  # the clear button: any theme again
    settled(qtbot)
    assert texts(view) == ["Supervision not recorded."]
    pick(qtbot, view.programme_filter, None)
    assert len(view.model.rows) == 3

    pick(qtbot, view.team_filter, "assess_north")
    assert {r.case_ref for r in view.model.rows} == {"C1000"}

    qtbot.keyClicks(view.search, "chronology")
    qtbot.waitUntil(lambda: texts(view) == ["Chronology not updated."])

    qtbot.keyClicks(view.search, " zzz")
    qtbot.waitUntil(lambda: not view.model.rows)
    assert view.empty.isVisible() and not view.table.isVisible()
    assert "No learning points match" in view.empty.text()
    assert view.count.text() == "0 learning points: 0 strengths, 0 for development"

    view.clear_button.click()
    settled(qtbot)
    assert len(view.model.rows) == 3 and view.table.isVisible() and not view.empty.isVisible()
    assert view.search.text() == "" and view.team_filter.currentIndex() == 0


def test_period_between_dates_and_presets(qtbot, sqlite_world):
    build(sqlite_world)
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    assert not view.date_from.isVisible()
    pick(qtbot, view.period, "between")
    assert view.date_from.isVisible() and view.date_to.isVisible()
    today = date.today()
    view.date_from.setDate(QDate(today.year + 1, 1, 1))
    settled(qtbot)
    view.date_to.setDate(QDate(today.year + 1, 12, 31))
    settled(qtbot)
    assert view.model.rows == [] and view.empty.isVisible()
    view.date_from.setDate(QDate(today.year - 1, 1, 1))
    settled(qtbot)
    assert len(view.model.rows) == 3  # recorded today, audits not final
    pick(qtbot, view.period, "any")
    assert not view.date_from.isVisible() and len(view.model.rows) == 3

    day = date(2026, 5, 20)
    assert period_range("this_quarter", day) == (date(2026, 4, 1), date(2026, 6, 30))
    assert period_range("last_quarter", day) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_range("last_quarter", date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_range("this_quarter", date(2026, 11, 25)) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert period_range("last_12_months", day) == (date(2025, 5, 21), day)
    assert period_range("any", day) == (None, None)
    # The partnership's year: April by default; a September (academic) year's quarters are
    # September-November, December-February, ...; "This year" is the partnership's.
    assert period_range("this_year", day) == (date(2026, 4, 1), date(2027, 3, 31))
    assert period_range("this_year", day, 1) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_range("this_quarter", day, 9) == (date(2026, 3, 1), date(2026, 5, 31))
    assert period_range("last_quarter", day, 9) == (date(2025, 12, 1), date(2026, 2, 28))
    assert quarter_label(date(2026, 1, 1)) == "2025/26 Q4"
    assert quarter_label(date(2026, 3, 1), 9) == "2025/26 Q3"
    assert quarter_label(date(2026, 1, 1), 1) == "2026 Q1"


def test_a_lead_chooses_what_goes_into_briefings(qtbot, sqlite_world):
    build(sqlite_world)
    db, lead = sqlite_world.db, sqlite_world.lead
    view = open_view(qtbot, db, lead)
    pick(qtbot, view.kind_filter, "strength")
    (row,) = view.model.rows
    assert row.in_briefing
    assert view.briefing_button.isVisible() and view.briefing_button.text() == (
        "Leave out of briefings"
    )
    assert "The plan is reviewed with her." in view.detail.toPlainText()  # the full text

    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(view.briefing_button, Qt.MouseButton.LeftButton)
    assert view.briefing_button.text() == "Include in briefings"
    assert not view.model.rows[0].in_briefing
    assert not learning.list_learning(
        db, lead, LearningFilter(in_briefing_only=True, kind="strength")
    )

    # The check box in the list does the same.
    index = view.model.index(0, LearningTableModel.BRIEFING_COLUMN)
    assert index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    rect = view.table.visualRect(index)
    box = QPoint(rect.left() + rect.height() // 2, rect.center().y())
    with qtbot.waitSignal(view.status_message) as message:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=box)
    assert "may go into briefings" in message.args[0]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert learning.list_learning(db, lead, LearningFilter(in_briefing_only=True, kind="strength"))
    assert view.briefing_button.text() == "Leave out of briefings"


def test_an_auditor_sees_briefing_choices_read_only_and_no_export(qtbot, sqlite_world):
    build(sqlite_world)
    view = open_view(qtbot, sqlite_world.db, sqlite_world.auditor)
    # While the audits are blind, Alex sees only what Alex recorded.
    assert texts(view) == ["Supervision not recorded.", "The child's own words shape the plan."]
    index = view.model.index(0, LearningTableModel.BRIEFING_COLUMN)
    assert not index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data() == "Yes" and index.data(Qt.ItemDataRole.CheckStateRole) is None
    assert not view.briefing_button.isVisible()
    assert not view.export_action.isVisible()


def test_double_click_opens_the_audit(qtbot, sqlite_world):
    north, _care = build(sqlite_world)
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    pick(qtbot, view.kind_filter, "strength")
    rect = view.table.visualRect(view.model.index(0, 1))
    with qtbot.waitSignal(view.open_audit) as opened:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [north]


def test_export_writes_the_workbook_for_the_filters(qtbot, sqlite_world, tmp_path):
    north, _care = build(sqlite_world)
    learning_actions.add_action(
        sqlite_world.db,
        sqlite_world.auditor,
        north,
        text="Update the chronology",
        owner_key="aud1",
        due_on=date(2026, 2, 1),
    )
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    pick(qtbot, view.team_filter, "assess_north")
    messages: list[str] = []
    view.status_message.connect(messages.append)
    target = tmp_path / "out" / "learning"  # the .xlsx is added
    target.parent.mkdir()
    with qtbot.waitSignal(view.exported, timeout=20000) as done:
        view.export_to_excel(target)
        assert view.busy.isVisible() and not view.export_action.isEnabled()
    assert done.args == [str(tmp_path / "out" / "learning.xlsx")]
    assert not view.busy.isVisible() and view.export_action.isEnabled()
    assert messages[-1] == (
        "Exported to learning.xlsx: 0 feedback conversations, 2 learning points, 1 action"
    )
    book = load_workbook(done.args[0])
    assert book.sheetnames == ["Feedback", "Learning points", "Actions"]
    sheet = book["Learning points"]
    assert sheet["A2"].value == "Team: Assessment Team North"
    assert book["Actions"]["A3"].value == "Team: Assessment Team North"
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Chronology not updated." in values and "Supervision not recorded." not in values


def test_inputs_are_named_for_assistive_technology(qtbot, sqlite_world):
    view = open_view(qtbot, sqlite_world.db, sqlite_world.lead)
    kinds = (QComboBox, QLineEdit, QDateEdit, QCheckBox, QAbstractItemView, QProgressBar)
    inputs = [
        w
        for w in view.findChildren(QWidget)
        if isinstance(w, kinds) and w.objectName().startswith("learning")
    ]
    assert len(inputs) >= 13
    assert [w.objectName() for w in inputs if not w.accessibleName()] == []
    assert view.empty.isVisible() and "No learning points yet" in view.empty.text()


def test_theme_tags_match_whatever_their_case(qtbot, sqlite_db, system):
    """Tags written in another case (an older database, a pack from elsewhere: "Recording")
    are found when chosen."""
    from sqlalchemy import text

    from audit_tool.services import demo

    demo.generate(sqlite_db, system, audits=40, seed=1)
    with sqlite_db.transaction() as session:
        session.execute(
            text(
                "UPDATE learning_themes SET theme = upper(substr(theme, 1, 1)) || substr(theme, 2)"
            )
        )
    view = open_view(qtbot, sqlite_db, system)
    tag = view.theme_filter.itemText(0)
    assert tag and tag != tag.lower()
    view.theme_filter.setCurrentIndex(0)
    view.theme_filter.textActivated.emit(tag)  # as choosing it from the list does
    settled(qtbot)
    assert view.model.rows and all(
        tag.lower() in [t.lower() for t in r.themes] for r in view.model.rows
    )
