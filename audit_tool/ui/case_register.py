"""The case register view: search, filters, sortable paged table, detail pane, editor,
import and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.services import cases, reference, text_search
from audit_tool.services.cases import CaseQuery, CaseRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.case_model import COLUMNS, CaseTableModel
from audit_tool.ui.filters import ColumnFitter, text_width
from audit_tool.ui.forms import confirm
from audit_tool.ui.operations import CASES, REFERENCE

SEARCH_DELAY_MS = 250

COLUMN_CHARS = (15, 9, 19, 7, 33, 20, 20, 14)  # in average characters of the table font


class CaseDetail(QWidget):
    """Read-only summary of the selected case."""

    FIELDS = (
        ("ref", "Reference"),
        ("initials", "Initials"),
        ("case_type", "Case type"),
        ("level", "Level of need"),
        ("team", "Team"),
        ("service_area", "Service area"),
        ("agency", "Agency"),
        ("worker", "Worker"),
        ("manager", "Manager"),
        ("opened", "Opened"),
        ("closed", "Closed"),
        ("audits", "Audits"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDetail")
        layout = QVBoxLayout(self)
        self.title = QLabel("No case selected")
        self.title.setObjectName("caseDetailTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for key, label in self.FIELDS:
            value = QLabel("")
            value.setObjectName(f"caseDetail_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            form.addRow(label + ":", value)
            self.values[key] = value
        layout.addLayout(form)
        layout.addStretch(1)

    def show_case(self, row: CaseRow | None, audits: int = 0) -> None:
        if row is None:
            self.title.setText("No case selected")
            for value in self.values.values():
                value.setText("")
            return
        self.title.setText(f"Case {row.ref}")
        texts = {
            "ref": row.ref,
            "initials": row.initials,
            "case_type": row.case_type_label,
            "level": "Not recorded" if row.level_of_need is None else f"Level {row.level_of_need}",
            "team": row.team_name,
            "service_area": row.service_area or "—",
            "agency": row.agency_name,
            "worker": row.worker_name or "—",
            "manager": row.manager_name or "—",
            "opened": row.opened_on.strftime("%d %b %Y") if row.opened_on else "—",
            "closed": row.closed_on.strftime("%d %b %Y") if row.closed_on else "Open",
            "audits": str(audits),
        }
        for key, text in texts.items():
            self.values[key].setText(text)


class CaseRegisterView(QWidget):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({CASES, REFERENCE})
    changed = Signal()
    status_message = Signal(str)
    exported = Signal(str)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("caseRegister")
        self.model = CaseTableModel(db, actor, self)
        self._export_worker = None

        self._build_actions()
        self._build_filters()
        self._build_table()
        self._lay_out()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.counted.connect(self._show_count)
        self.apply_filters()

    def _build_actions(self) -> None:
        """Add, Edit, Delete, Import, Export and Find."""
        actor = self.actor
        can_edit = actor.can("case.edit")
        self.add_action = self._action(
            "&Add case...", "Add a case", QKeySequence.StandardKey.New, self.add_case, "caseAdd"
        )
        self.edit_action = self._action(
            "&Edit case...", "Edit the selected case", "F2", self.edit_case, "caseEdit"
        )
        self.delete_action = self._action(
            "&Delete case",
            "Delete the selected case",
            QKeySequence.StandardKey.Delete,
            self.delete_case,
            "caseDelete",
        )
        self.import_action = self._action(
            "&Import cases...",
            "Import cases from CSV or Excel",
            "Ctrl+I",
            self.import_cases,
            "caseImport",
        )
        self.export_action = self._action(
            "E&xport list...", "Export the filtered list", "Ctrl+E", self.export_cases, "caseExport"
        )
        self.find_action = self._action(
            "&Find",
            "Search the register",
            QKeySequence.StandardKey.Find,
            self._focus_search,
            "caseFind",
        )
        for action in (self.add_action, self.edit_action, self.delete_action, self.import_action):
            action.setVisible(can_edit)
        self.import_action.setEnabled(actor.can("case.import"))

    def _build_filters(self) -> None:
        """The search and the team, type and level filters; a change lists again."""
        self.search = QLineEdit()
        self.search.setMaxLength(text_search.MAX_CHARS)  # the services' limit
        self.search.setObjectName("caseSearch")
        self.search.setPlaceholderText("Search reference, initials, team or worker (Ctrl+F)")
        self.search.setAccessibleName("Search cases")
        self.search.setClearButtonEnabled(True)
        self.team_filter = QComboBox()
        self.team_filter.setObjectName("caseTeamFilter")
        self.team_filter.setAccessibleName("Filter by team")
        self.type_filter = QComboBox()
        self.type_filter.setObjectName("caseTypeFilter")
        self.type_filter.setAccessibleName("Filter by case type")
        self.type_filter.addItem("All case types", None)
        for key, label in CASE_TYPE_LABELS.items():
            self.type_filter.addItem(label, key)
        self.level_filter = QComboBox()
        self.level_filter.setObjectName("caseLevelFilter")
        self.level_filter.setAccessibleName("Filter by level of need")
        self.level_filter.addItem("All levels", None)
        for level in (1, 2, 3, 4):
            self.level_filter.addItem(f"Level {level}", level)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName("caseClearFilters")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self._fill_team_filter()

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        for combo in (self.team_filter, self.type_filter, self.level_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())

    def _build_table(self) -> None:
        """The cases listed, in columns sized in characters."""
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setAccessibleName("Cases")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        # Team names are long and differ at the end ("Assessment Team North"/"... South").
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Widths in characters of the table's font, so that they grow with a larger font; too
        # wide for the window, the widest give way down to their heading (ColumnFitter).
        self.columns = ColumnFitter(self.table, 4, cap=0, share=0.2)
        self.columns.use({i: text_width(self.table, chars) for i, chars in enumerate(COLUMN_CHARS)})
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Enter or double-click opens the editor.
        self.table.activated.connect(lambda _i: self.edit_case())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.edit_action, self.delete_action):
            self.table.addAction(action)

    def _lay_out(self) -> None:
        """The toolbar and filters over the list, the selected case beside it."""
        self.empty_label = QLabel()
        self.empty_label.setObjectName("caseEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        self.detail = CaseDetail()
        self.count_label = QLabel()
        self.count_label.setObjectName("caseCount")

        # layout
        toolbar = QToolBar()
        toolbar.setObjectName("caseToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.add_action, self.edit_action, self.delete_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.export_action)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.team_filter, 2)
        filters.addWidget(self.type_filter, 1)
        filters.addWidget(self.level_filter, 1)
        filters.addWidget(self.clear_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label, 1)
        left_layout.addWidget(self.count_label)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("caseSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([960, 260])

        layout = QVBoxLayout(self)
        title = QLabel("Cases")
        title.setObjectName("viewTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(toolbar)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

    # -- helpers

    def _action(
        self,
        text: str,
        tip: str,
        shortcut: str | QKeySequence.StandardKey | None,
        slot: Callable[..., object],
        name: str,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setShortcut(QKeySequence(shortcut) if shortcut is not None else QKeySequence())
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def actions_for_menu(self) -> list[QAction]:
        return [
            self.add_action,
            self.edit_action,
            self.delete_action,
            self.import_action,
            self.export_action,
            self.find_action,
        ]

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _fill_team_filter(self) -> None:
        current = self.team_filter.currentData()
        self.team_filter.blockSignals(True)
        self.team_filter.clear()
        self.team_filter.addItem("All teams", None)
        for team in reference.list_teams(self.db, self.actor, with_case_counts=False):
            self.team_filter.addItem(team.name, team.key)
        index = self.team_filter.findData(current)
        self.team_filter.setCurrentIndex(max(index, 0))
        self.team_filter.blockSignals(False)

    def current_query(self) -> CaseQuery:
        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        return CaseQuery(
            search=self.search.text().strip(),
            team_key=self.team_filter.currentData(),
            case_type=self.type_filter.currentData(),
            level_of_need=self.level_filter.currentData(),
            sort=COLUMNS[section][0] if 0 <= section < len(COLUMNS) else "ref",
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    # -- slots

    def apply_filters(self) -> None:
        self._search_timer.stop()
        query = self.current_query()
        # On the GUI thread: the model shows its first page at once and counts the rest later.
        ops.Operation(self, lambda task: self.model.set_query(query), title="Cases").run()

    def clear_filters(self) -> None:
        for combo in (self.team_filter, self.type_filter, self.level_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def refresh(self) -> None:
        self._fill_team_filter()
        self.model.reload()

    def _filtered(self) -> bool:
        return any(
            (
                self.search.text().strip(),
                self.team_filter.currentIndex(),
                self.type_filter.currentIndex(),
                self.level_filter.currentIndex(),
            )
        )

    def _show_count(self, total: int) -> None:
        self.count_label.setText(
            f"{total:,} case{'s' if total != 1 else ''}" + (" match" if self._filtered() else "")
        )
        self._update_actions()

    def _after_reset(self) -> None:
        total = self.model.total
        filtered = self._filtered()
        if not self.model.exact:
            self.count_label.setText("Counting...")
        if total == 0:
            if filtered:
                self.empty_label.setText(
                    "No cases match the search and filters. Clear them to see every case."
                )
            elif self.actor.can("case.edit"):
                self.empty_label.setText(
                    "No cases yet. Add a case (Ctrl+N) or import an "
                    "extract from the case-management system (Ctrl+I)."
                )
            else:
                self.empty_label.setText("No cases yet. A QA lead adds or imports them.")
        self.empty_label.setVisible(total == 0)
        self.table.setVisible(total > 0)
        if total:
            self.table.selectRow(0)
        else:
            self.detail.show_case(None)
        self._update_actions()

    def selected_case(self) -> CaseRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.row_at(indexes[0].row()) if indexes else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = self.selected_case()
        audits = cases.case_audit_count(self.db, self.actor, row.ref) if row else 0
        self.detail.show_case(row, audits)
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.selected_case() is not None
        self.edit_action.setEnabled(has)
        self.delete_action.setEnabled(has)
        self.export_action.setEnabled(self.model.total > 0)

    def select_ref(self, ref: str) -> None:
        row = self.model.row_of_ref(ref)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def add_case(self) -> None:
        from audit_tool.ui.case_editor import CaseEditorDialog

        dialog = CaseEditorDialog(self.db, self.actor, None, self)
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, f"Case {dialog.saved_row.ref} added")

    def edit_case(self) -> None:
        row = self.selected_case()
        if row is None or not self.actor.can("case.edit"):
            return
        from audit_tool.ui.case_editor import CaseEditorDialog

        dialog = CaseEditorDialog(self.db, self.actor, row, self)
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, f"Case {dialog.saved_row.ref} saved")

    def _after_save(self, row: CaseRow, message: str) -> None:
        self.model.reload()
        self.select_ref(row.ref)
        self.status_message.emit(message)
        ops.announce({CASES}, self)  # the editor's dialog saved it; the other views follow

    def delete_case(self) -> None:
        row = self.selected_case()
        if row is None:
            return
        if not confirm(
            self,
            "Delete case",
            f"Delete case {row.ref} ({row.initials})? This is recorded in the change log.",
        ):
            return
        db, actor = self.db, self.actor

        def deleted(_: None) -> None:
            self.model.reload()
            self.status_message.emit(f"Case {row.ref} deleted")

        (
            ops.Operation(
                self,
                lambda task: cases.delete_case(db, actor, row.ref),
                title="Case not deleted",
                changes={CASES},
            )
            .success(deleted)
            .run()
        )

    def import_cases(self, path: Path | None = None) -> None:
        from audit_tool.ui.import_dialog import CaseImportDialog

        dialog = CaseImportDialog(self.db, self.actor, self, path=path)
        dialog.imported.connect(lambda n: self._after_import(n))
        dialog.exec()

    def _after_import(self, written: int) -> None:
        self._fill_team_filter()
        self.model.reload()
        self.status_message.emit(f"{written} case(s) imported")
        self.changed.emit()

    def export_cases(self, path: Path | None = None) -> None:
        if path is None:
            from PySide6.QtWidgets import QFileDialog

            name, _ = QFileDialog.getSaveFileName(
                self, "Export cases", "cases.xlsx", "Excel workbook (*.xlsx);;CSV file (*.csv)"
            )
            if not name:
                return
            path = Path(name)
        from audit_tool.services.case_export import export_cases

        query = self.current_query()
        db, actor = self.db, self.actor

        def exported(count: int) -> None:
            self.status_message.emit(f"{count:,} case(s) exported to {path}")
            self.exported.emit(str(path))

        (
            ops.Operation(
                self,
                lambda task: export_cases(db, actor, query, path, progress=task),
                title="Export failed",
                key="export",
            )
            .with_progress("Exporting cases...", cancellable=True, name="exportProgress")
            .success(exported)
            .run_in_background()
        )
