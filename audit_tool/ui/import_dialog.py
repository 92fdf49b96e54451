"""The case import dialog: choose a file, read the validation report, then import. The
complaint import (ui.complaints.import_dialog) is the same dialog with its own service calls
and words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.errors import show_error

HELP_TEXT = (
    "Import a CSV or Excel (.xlsx) extract with one case per row. Required columns: "
    "<b>Case reference</b>, <b>Initials</b>, <b>Case type</b>, <b>Team</b>. Optional: "
    "Level of need, Worker, Manager, Opened, Closed. Never include names, dates of birth or "
    "addresses: a file with such a column is refused. Nothing is written until every row is "
    "valid, unless you choose to import the valid rows only. Importing the same file again "
    "changes nothing."
)


class CaseImportDialog(QDialog):
    """Modal dialog. Emits `imported(written)` after a successful import."""

    imported = Signal(int)

    # What a subclass importing something else changes (with validate() and write()).
    TITLE = "Import cases"
    HELP = HELP_TEXT
    NOUN = "case"
    OBJECT_NAME = "caseImportDialog"
    FILE_FILTER = "Case extracts (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
    CHANGES = frozenset({ops.CASES, ops.REFERENCE})
    PARTIAL = True  # "Import the valid rows only" is offered

    def validate(self, path: Path, task: ops.Task) -> Any:
        from audit_tool.services import case_import

        return case_import.read_and_validate(self.db, self.actor, path)

    def write(self, path: Path, valid_only: bool, task: ops.Task) -> Any:
        from audit_tool.services import case_import

        return case_import.import_cases(self.db, self.actor, path, valid_only=valid_only)

    def __init__(
        self, db: Database, actor: Actor, parent: QWidget | None = None, *, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.path: Path | None = None
        self.report: Any = None
        self._operation: ops.Operation[Any] | None = None
        self.setObjectName(self.OBJECT_NAME)
        self.setWindowTitle(self.TITLE)
        self.resize(760, 480)

        layout = QVBoxLayout(self)
        help_label = QLabel(self.HELP)
        help_label.setWordWrap(True)
        help_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(help_label)

        row = QHBoxLayout()
        self.choose_button = QPushButton("&Choose file...")
        self.choose_button.setObjectName("importChooseButton")
        self.choose_button.clicked.connect(self.choose_file)
        self.path_label = QLabel("No file chosen")
        self.path_label.setObjectName("importPath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.choose_button)
        row.addWidget(self.path_label, 1)
        layout.addLayout(row)

        self.summary = QLabel("")
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)

        self._build_problems(layout)
        self._build_buttons(layout)

        if path is not None:
            self.load(Path(path))

    def _build_problems(self, layout: QVBoxLayout) -> None:
        """The rows' problems, and the progress bar while importing."""
        self.problem_model = QStandardItemModel(0, 3, self)
        self.problem_model.setHorizontalHeaderLabels(["Row", "Column", "Problem"])
        self.problems = QTableView()
        self.problems.setObjectName("importProblems")
        self.problems.setModel(self.problem_model)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setAlternatingRowColors(True)
        self.problems.setWordWrap(True)
        self.problems.verticalHeader().setVisible(False)
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.setVisible(False)
        layout.addWidget(self.problems, 1)

        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("importBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        layout.addWidget(self.busy_bar)

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """Copy report, Import valid rows only, Import and Close."""
        buttons = QHBoxLayout()
        self.copy_button = QPushButton("Copy &report")
        self.copy_button.setObjectName("importCopyButton")
        self.copy_button.setToolTip("Copy the list of problems to paste into an e-mail or file")
        self.copy_button.clicked.connect(self.copy_report)
        self.copy_button.setVisible(False)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        self.valid_only_button = QPushButton("Import &valid rows only")
        self.valid_only_button.setObjectName("importValidOnlyButton")
        self.valid_only_button.clicked.connect(lambda: self.run_import(valid_only=True))
        self.valid_only_button.setVisible(False)
        self.import_button = QPushButton("&Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.run_import(valid_only=False))
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("importCloseButton")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.valid_only_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    # ------------------------------------------------------------------ actions

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            f"Choose a {self.NOUN} extract",
            str(self.path.parent) if self.path else "",
            self.FILE_FILTER,
        )
        if name:
            self.load(Path(name))

    @property
    def busy(self) -> bool:
        return self._operation is not None and self._operation.is_running

    def load(self, path: Path) -> None:
        """Read and validate the file in the background; show the report. Writes nothing."""
        self.path = path
        self.path_label.setText(str(path))
        self.report = None
        self.problem_model.removeRows(0, self.problem_model.rowCount())
        self.problems.setVisible(False)
        self.copy_button.setVisible(False)
        self.valid_only_button.setVisible(False)
        self.import_button.setEnabled(False)
        self._start(
            f"Checking {_escape(path.name)}...",
            lambda task: self.validate(path, task),
            self._checked,
            self._show_unreadable,
        )

    def run_import(self, *, valid_only: bool) -> None:
        if self.path is None or self.busy:
            return
        path = self.path
        self._start(
            f"Importing {_escape(path.name)}...",
            lambda task: self.write(path, valid_only, task),
            self._imported,
            lambda message: show_error(self, "Import failed", message),
            changes=self.CHANGES,
        )

    def _start(
        self,
        text: str,
        job: Callable[[ops.Task], Any],
        done: Callable[[Any], None],
        failed: Callable[[str], None],
        changes: frozenset[str] = frozenset(),
    ) -> None:
        """Run job as an operation (ui.operations); a user's error goes to `failed`."""

        def in_place(exc: AuditToolError) -> bool:
            if isinstance(exc, ops.Unexpected):
                return False  # the dialog naming the crash report
            failed(str(exc))
            return True

        self.summary.setText(text)
        self.busy_bar.setVisible(True)
        self._operation = (
            ops.Operation(self, job, title="Import", changes=changes)
            .busy(self.choose_button, self.import_button, self.valid_only_button, self.close_button)
            .success(done)
            .failure(in_place)
            .finally_(self._stop)
            .run_in_background()
        )

    def _stop(self) -> None:
        self.busy_bar.setVisible(False)
        self.choose_button.setEnabled(True)
        self.valid_only_button.setEnabled(True)
        self.close_button.setEnabled(True)
        report = self.report
        self.import_button.setEnabled(
            report is not None and report.ok and report.new + report.updated > 0
        )

    def _checked(self, report: Any) -> None:
        self.report = report
        self._show_report(report)

    def _imported(self, report: Any) -> None:
        if not report.written and report.problems:
            # The file changed on disk since it was checked: show the new report.
            self.problem_model.removeRows(0, self.problem_model.rowCount())
            self._checked(report)
            return
        self.imported.emit(report.new + report.updated)
        self.accept()

    def reject(self) -> None:
        if self.busy:
            return  # an import is one transaction: let it finish rather than leave it behind
        super().reject()

    def copy_report(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText("\n".join(self.report.lines()))

    # ------------------------------------------------------------------ display

    def _show_unreadable(self, message: str) -> None:
        self.summary.setText(
            themes.span("error", "<b>Cannot read this file.</b>") + f" {_escape(message)}"
        )
        self.problems.setVisible(False)
        self.copy_button.setVisible(False)
        self.valid_only_button.setVisible(False)
        self.import_button.setEnabled(False)

    def _show_report(self, report: Any) -> None:
        for problem in report.problems:
            self.problem_model.appendRow(
                [
                    _item("" if problem.row is None else str(problem.row)),
                    _item(problem.column or ""),
                    _item(problem.message),
                ]
            )
        has_problems = bool(report.problems)
        file_level = any(p.row is None for p in report.problems)
        writes = report.new + report.updated
        counts = (
            f"{report.rows} row(s) read: {report.valid_rows} valid. "
            f"{report.new} new, {report.updated} changed, {report.unchanged} already up to date."
        )
        if not has_problems:
            if writes:
                text = f"<b>{_escape(report.file)} is valid.</b> {counts}"
            else:
                text = (
                    f"<b>{_escape(report.file)} is valid.</b> {counts} "
                    f"Every {self.NOUN} is already up to date; there is nothing to import."
                )
        else:
            text = (
                themes.span(
                    "error", f"<b>{len(report.problems)} problem(s) in {_escape(report.file)}.</b>"
                )
                + f" {counts} Nothing will be imported until "
                "they are fixed"
            )
            if file_level or not self.PARTIAL:
                text += "."
            else:
                text += ", unless you import the valid rows only."
        self.summary.setText(text)
        self.problems.setVisible(has_problems)
        self.copy_button.setVisible(has_problems)
        self.import_button.setEnabled(not has_problems and writes > 0)
        self.import_button.setText(
            f"&Import {writes} {self.NOUN}(s)" if writes and not has_problems else "&Import"
        )
        can_partial = self.PARTIAL and has_problems and not file_level and report.valid_rows > 0
        self.valid_only_button.setVisible(can_partial)
        self.valid_only_button.setText(f"Import the {report.valid_rows} &valid row(s) only")
        self.problems.resizeRowsToContents()


def _item(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setToolTip(text)
    return item


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
