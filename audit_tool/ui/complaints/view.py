"""The Complaints and compliments view: two lists (complaints only for those who may see them:
QA leads and the managers of the agency concerned), filtered by agency, stage and theme, with
the figures a lead reads first (points, share answered within timescale, overdue, the themes
most raised) and the commands to record, change, remove and import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.services import complaints
from audit_tool.services.complaints import ComplaintFilter, ComplaintRow, ComplimentFilter
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.complaints.choices import Choices, load_choices
from audit_tool.ui.filters import filter_combo, list_table, text_height, text_width, view_title
from audit_tool.ui.forms import confirm
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.table_model import Column, RecordTableModel

_Index = QModelIndex | QPersistentModelIndex
TIMESCALE_COLUMN = 5
THEMES_COLUMN = 9


class ComplaintTableModel(RecordTableModel):
    """Complaints; an overdue or late response in red, and said in words."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                Column("Reference", lambda r: r.reference),
                Column("Received", lambda r: r.received_on.isoformat()),
                Column("Agency", lambda r: r.agency_name),
                Column("Team", lambda r: r.team_name or ""),
                Column("Stage", lambda r: r.stage_label),
                Column("Timescale", lambda r: r.timeliness_label),
                Column("Due", lambda r: r.due_on.isoformat()),
                Column("Outcome", lambda r: r.outcome_label),
                Column("Points", lambda r: f"{len(r.points):>3}"),
                Column("Themes", lambda r: ", ".join(r.themes)),
                Column("Joint", lambda r: ", ".join(n for _k, n in r.joint_agencies)),
            ],
            parent,
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row: ComplaintRow = self.rows[index.row()]
            if index.column() == TIMESCALE_COLUMN and row.timeliness in ("late", "overdue"):
                return themes.qcolor("error")
            return None
        return super().data(index, role)


def compliment_model(parent: Any) -> RecordTableModel:
    return RecordTableModel(
        [
            Column("Received", lambda r: r.received_on.isoformat()),
            Column("Agency", lambda r: r.agency_name),
            Column("Team", lambda r: r.team_name or ""),
            Column("From", lambda r: r.from_label),
            Column("Summary", lambda r: " ".join(r.summary.split()), lambda r: r.summary),
            Column("Themes", lambda r: ", ".join(r.themes)),
            Column("Shareable", lambda r: r.shareable),
        ],
        parent,
    )


def figures_text(rows: list[ComplaintRow]) -> str:
    f = complaints.figures(rows)
    parts = [f"{f.complaints:,} complaint(s) covering {f.points:,} point(s)"]
    if f.pct_within is not None:
        parts.append(f"{f.pct_within:g}% answered within timescale ({f.within} of {f.answered})")
    if f.overdue:
        parts.append(f"{f.overdue} overdue")
    text = "; ".join(parts) + "."
    if f.themes:
        text += " Themes raised most: " + ", ".join(f"{t} ({n})" for t, n in f.themes[:5]) + "."
    return text


class ComplaintsView(ListPage):
    watches = frozenset({ops.COMPLAINTS, ops.REFERENCE, ops.ACTIONS})
    title = "Complaints and compliments"

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("complaintsView")
        self.sees_complaints = actor.can("complaint.view")
        self.choices = Choices([], [])
        self._build_commands()
        self._build_filters()
        self._build_lists()
        self._lay_out()
        self.refresh()

    # -- building

    def _command(self, text: str, name: str, slot: Callable[[], None], key: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(text.replace("&", "").rstrip("."))
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_commands(self) -> None:
        a = self.actor
        self.new_complaint = self._command("&New complaint...", "newComplaint", self.add_complaint)
        self.new_complaint.setVisible(a.can("complaint.record"))
        self.new_compliment = self._command(
            "New co&mpliment...", "newCompliment", self.add_compliment
        )
        self.new_compliment.setVisible(a.can("compliment.record"))
        self.edit_action = self._command("&Edit...", "editComplaint", self.edit, "F2")
        self.delete_action = self._command("&Remove...", "removeComplaint", self.remove)
        self.import_action = self._command(
            "&Import complaints...", "importComplaints", self.import_file
        )
        self.import_action.setVisible(a.can("complaint.import"))

    def _build_filters(self) -> None:
        self.agency_filter = filter_combo("complaintsAgency", "Agency")
        self.stage_filter = filter_combo("complaintsStage", "Stage")
        self.stage_filter.addItem("All stages", None)
        for key, label in complaints.STAGE_LABELS.items():
            self.stage_filter.addItem(label, key)
        self.theme_filter = filter_combo("complaintsTheme", "Theme")
        for combo in (self.agency_filter, self.stage_filter, self.theme_filter):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def _build_lists(self) -> None:
        self.complaint_model = ComplaintTableModel(self)
        self.complaint_table = list_table("complaintsTable", "Complaints", self.complaint_model)
        self.compliment_model = compliment_model(self)
        self.compliment_table = list_table("complimentsTable", "Compliments", self.compliment_model)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("complaintsTabs")
        # Kept (and hidden) for those who see no complaints, so its list stays empty.
        self.complaints_page = complaints_page = QWidget(self)
        complaints_page.hide()
        box = QVBoxLayout(complaints_page)
        self.figures = QLabel()
        self.figures.setObjectName("complaintsFigures")
        self.figures.setWordWrap(True)
        box.addWidget(self.figures)
        box.addWidget(self.complaint_table, 1)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("complaintsDetail")
        self.detail.setAccessibleName("The chosen complaint")
        self.detail.setReadOnly(True)
        self.detail.setFixedHeight(text_height(self.detail, 7))
        box.addWidget(self.detail)
        if self.sees_complaints:
            self.tabs.addTab(complaints_page, "Complaints")
        self.tabs.addTab(self.compliment_table, "Compliments")
        for table in (self.complaint_table, self.compliment_table):
            table.activated.connect(lambda _i: self.edit())
            table.setSortingEnabled(True)
            # Newest received first (the Received column).
            column = 1 if table is self.complaint_table else 0
            table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.DescendingOrder)
        self.complaint_table.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._show_detail()
        )
        self.tabs.currentChanged.connect(lambda _i: self._enable())

    def _lay_out(self) -> None:
        toolbar = QToolBar()
        toolbar.setObjectName("complaintsToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_complaint, self.new_compliment, self.edit_action):
            toolbar.addAction(action)
        toolbar.addAction(self.delete_action)
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        self.toolbar = toolbar
        top = QHBoxLayout()
        top.addWidget(view_title(self.title))
        top.addStretch(1)
        top.addWidget(toolbar)
        filters = QHBoxLayout()
        for combo in (self.agency_filter, self.stage_filter, self.theme_filter):
            filters.addWidget(combo)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)

    # -- loading

    def _query(self) -> tuple[Any, Any, Any]:
        return (
            self.agency_filter.currentData(),
            self.stage_filter.currentData(),
            self.theme_filter.currentData(),
        )

    def live_loader(self) -> Callable[[], Any]:
        db, actor, query, sees = self.db, self.actor, self._query(), self.sees_complaints

        def load() -> Any:
            agency, stage, theme = query
            rows = (
                complaints.list_complaints(
                    db, actor, ComplaintFilter(agency_key=agency, stage=stage, theme=theme)
                )
                if sees
                else []
            )
            praise = complaints.list_compliments(
                db, actor, ComplimentFilter(agency_key=agency, theme=theme)
            )
            return query, rows, praise, load_choices(db, actor)

        return load

    def show_loaded(self, loaded: Any) -> None:
        query, rows, praise, choices = loaded
        if query != self._query():
            return
        self.choices = choices
        self._fill_filters(choices)
        self.complaint_model.set_rows(rows)
        self.compliment_model.set_rows(praise)
        for table, wide in ((self.complaint_table, THEMES_COLUMN), (self.compliment_table, 4)):
            header = table.horizontalHeader()
            table.model().sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            table.resizeColumnsToContents()
            # Themes and summaries can be long: capped, the whole text in the tooltip.
            header.resizeSection(wide, min(header.sectionSize(wide), text_width(table, 40)))
            if table.model().rowCount():
                table.selectRow(0)
        self.figures.setText(figures_text(rows) if rows else "No complaints match.")
        self._show_detail()
        self._enable()

    def _fill_filters(self, choices: Choices) -> None:
        for combo, everything, items in (
            (self.agency_filter, "All agencies", choices.agencies),
            (self.theme_filter, "All themes", [(t, t) for t in choices.themes]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for key, name in items:
                combo.addItem(name, key)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    # -- selection

    def on_complaints(self) -> bool:
        return self.sees_complaints and self.tabs.currentIndex() == 0

    def _current(self, table: QTableView, model: RecordTableModel) -> Any:
        index = table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= len(model.rows):
            return None
        return model.rows[index.row()]

    def selected_complaint(self) -> ComplaintRow | None:
        row: ComplaintRow | None = self._current(self.complaint_table, self.complaint_model)
        return row

    def selected_compliment(self) -> Any:
        return self._current(self.compliment_table, self.compliment_model)

    def _enable(self) -> None:
        on_complaints = self.on_complaints()
        row = self.selected_complaint() if on_complaints else self.selected_compliment()
        right = "complaint.record" if on_complaints else "compliment.record"
        can = self.actor.can(right)
        for action in (self.edit_action, self.delete_action):
            action.setVisible(can)
            action.setEnabled(row is not None)

    def _show_detail(self) -> None:
        row = self.selected_complaint()
        if row is None:
            self.detail.setPlainText("")
            return
        lines = [
            f"{row.reference}: {row.stage_label}, received {row.received_on:%d %b %Y}, "
            f"response due {row.due_on:%d %b %Y} ({row.timeliness_label.lower()})."
        ]
        if row.summary:
            lines.append(row.summary)
        for i, point in enumerate(row.points, 1):
            about = point.text or "(no description)"
            lines.append(
                f"Point {i}: {about}" + (f" [{', '.join(point.themes)}]" if point.themes else "")
            )
        for lp in row.learning:
            lines.append(f"{lp.kind_label}: {lp.text}")
        if row.actions:
            lines.append(f"{row.actions} action(s) raised; see Actions.")
        self.detail.setPlainText("\n".join(lines))
        self._enable()

    # -- commands

    def add_complaint(self) -> None:
        from audit_tool.ui.complaints.complaint_dialog import ComplaintDialog

        dialog = ComplaintDialog(self.db, self.actor, self.choices, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_row is not None:
            self.refresh()
            self.status_message.emit(f"Complaint {dialog.result_row.reference} recorded")

    def add_compliment(self) -> None:
        from audit_tool.ui.complaints.compliment_dialog import ComplimentDialog

        dialog = ComplimentDialog(self.db, self.actor, self.choices, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()
            self.tabs.setCurrentIndex(self.tabs.count() - 1)
            self.status_message.emit("Compliment recorded")

    def edit(self) -> None:
        if self.on_complaints():
            from audit_tool.ui.complaints.complaint_dialog import ComplaintDialog

            row = self.selected_complaint()
            if row is None or not self.actor.can("complaint.record"):
                return
            dialog = ComplaintDialog(self.db, self.actor, self.choices, existing=row, parent=self)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.refresh()
            return
        from audit_tool.ui.complaints.compliment_dialog import ComplimentDialog

        praise = self.selected_compliment()
        if praise is not None and self.actor.can("compliment.record"):
            edit = ComplimentDialog(self.db, self.actor, self.choices, existing=praise, parent=self)
            if edit.exec() == QDialog.DialogCode.Accepted:
                self.refresh()

    def remove(self) -> None:
        db, actor = self.db, self.actor
        if self.on_complaints():
            row = self.selected_complaint()
            if row is None or not confirm(
                self,
                "Remove complaint",
                f"Remove complaint {row.reference}, its learning and its actions? "
                "Only for a complaint recorded in error.",
            ):
                return
            uuid, done = row.uuid, f"Complaint {row.reference} removed"

            def job(_t: ops.Task) -> None:
                complaints.delete_complaint(db, actor, uuid)
        else:
            praise = self.selected_compliment()
            if praise is None or not confirm(self, "Remove compliment", "Remove this compliment?"):
                return
            uuid, done = praise.uuid, "Compliment removed"

            def job(_t: ops.Task) -> None:
                complaints.delete_compliment(db, actor, uuid)

        (
            ops.Operation(self, job, title="Not removed", changes={ops.COMPLAINTS, ops.ACTIONS})
            .success(lambda _r: self._changed(done))
            .run()
        )

    def _changed(self, message: str) -> None:
        self.refresh()
        self.status_message.emit(message)

    def import_file(self) -> None:
        from audit_tool.ui.complaints.import_dialog import ComplaintImportDialog

        dialog = ComplaintImportDialog(self.db, self.actor, self)
        dialog.imported.connect(lambda n: self._changed(f"{n} complaint(s) imported"))
        dialog.exec()
