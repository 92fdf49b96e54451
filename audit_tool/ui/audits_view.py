"""The Audits view: the audits the acting user reviews, moderates or (as a lead) oversees.

Enter or double-click opens the acting user's own review in the audit form. No grade of an
unfinished audit appears here: the list is as blind as the service makes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from audit_tool.access.actors import Actor
from audit_tool.errors import AuditToolError
from audit_tool.services import audits
from audit_tool.services.audit_screen import AuditScreen, audit_screen
from audit_tool.services.audits import STATUS_LABELS, AuditListRow
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui.filters import ColumnFitter
from audit_tool.ui.list_page import ListPage
from audit_tool.ui.operations import AUDITS, CASES, PROGRAMMES, REFERENCE
from audit_tool.ui.table_model import Column, RecordTableModel

KIND_LABELS = {
    "looped": "Looped",
    "single": "Dip sample (single auditor)",
    "multi_agency": "Multi-agency",
    "send": "SEND",
}
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
ROLE_LABELS = {"reviewer": "My review", "moderator": "I moderate", "lead": "", "": ""}
MY_REVIEW_LABELS = {
    "draft": "My review (not submitted)",
    "submitted": "My review (submitted)",
    "returned": "My review (returned to me)",
}


def due_text(row: AuditListRow) -> str:
    """The due date, marked when an audit not yet final is past it."""
    if row.due_on is None:
        return ""
    late = row.status != "final" and row.due_on < date.today()
    return row.due_on.isoformat() + (" (overdue)" if late else "")


def me_text(row: AuditListRow) -> str:
    if row.my_role == "reviewer" and row.my_review_status in MY_REVIEW_LABELS:
        return MY_REVIEW_LABELS[row.my_review_status]
    return ROLE_LABELS.get(row.my_role, "")


class AuditsView(ListPage):
    # The kinds of change that refresh it (ui.operations).
    watches = frozenset({AUDITS, PROGRAMMES, CASES, REFERENCE})
    window_opened = Signal(QDialog)  # a review or moderation window, once read and shown

    title = "Audits"

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("auditsView")
        self._windows: list[QDialog] = []
        title = QLabel("Audits")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self._build_filters()
        self._build_table()
        filters = self._build_filter_row()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.count)
        self.refresh()

    def _build_filters(self) -> None:
        """Which audits, their status and programme, as last chosen."""
        db, actor = self.db, self.actor
        self.scope = QComboBox()
        self.scope.setObjectName("auditsScope")
        self.scope.setAccessibleName("Which audits")
        if actor.can("audit.review"):
            self.scope.addItem("Assigned to me", "assigned")
        if actor.can("audit.moderate"):
            self.scope.addItem("Waiting for my moderation", "moderation")
        self.scope.addItem("All audits" if "lead" in actor.roles else "All my audits", None)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("auditsStatus")
        self.status_filter.setAccessibleName("Status")
        self.status_filter.addItem("Not final yet", audits.OPEN_STATUSES)
        self.status_filter.addItem("Any status", None)
        for key, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, key)
        self.programme_filter = QComboBox()
        self.programme_filter.setObjectName("auditsProgramme")
        self.programme_filter.setAccessibleName("Programme")
        self.programme_filter.addItem("Any programme", None)
        if actor.can("programme.view"):
            from audit_tool.services import programmes

            for programme in programmes.list_programmes(db, actor):
                self.programme_filter.addItem(programme.name, programme.key)
        self._restore_filters()
        for combo in (self.scope, self.status_filter, self.programme_filter):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())

    def _build_table(self) -> None:
        self.model = RecordTableModel(
            [
                Column("Case", lambda r: r.case_ref),
                Column("Programme", lambda r: r.programme_name),
                Column("Kind", lambda r: KIND_LABELS.get(r.kind, r.kind)),
                Column("Status", lambda r: r.status_text),
                Column("Due", due_text),
                Column("Auditors", lambda r: r.reviewers),
                Column("Moderator", lambda r: r.moderator_name or ""),
                Column("Final grade", lambda r: GRADE_LABELS.get(r.final_overall or "", "")),
                Column("Me", me_text),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("auditsTable")
        self.table.setAccessibleName("Audits")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        # A refresh keeps the user's sort; before they choose one, the service's order stands.
        self._user_sorted = False
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sorted_by_user)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Columns to their contents, the programme name taking what is left; in a narrow
        # window (or with a large font) the widest give way, eliding, so that none is pushed
        # out of sight.
        self.columns = ColumnFitter(self.table, 1, cap=32, share=0.2, fixed=(0, 3, 4, 8))
        self.table.activated.connect(lambda _index: self.open_selected())
        self.empty = QLabel()
        self.empty.setObjectName("auditsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.count = QLabel()
        self.count.setObjectName("auditsCount")

    def _build_filter_row(self) -> QHBoxLayout:
        """The filters, and History for whoever may read the change log."""
        filters = QHBoxLayout()
        filters.addWidget(self.scope)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.programme_filter)
        filters.addStretch(1)
        self.history_action: QAction | None = None
        if self.actor.can("changelog.view"):
            # A lead reads one audit's history: every change and who opened it, when.
            self.history_action = QAction("&History...", self)
            self.history_action.setShortcut(QKeySequence("Ctrl+H"))
            self.history_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.history_action.triggered.connect(self.show_history)
            self.addAction(self.history_action)
            self.table.addAction(self.history_action)
            self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            history = QToolButton()
            history.setObjectName("auditHistoryButton")
            history.setDefaultAction(self.history_action)
            history.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            filters.addWidget(history)
        return filters

    def _settings_key(self) -> str:
        return f"audits/filters/{self.actor.key or 'system'}"

    def _restore_filters(self) -> None:
        """Each person's last choice of filters comes back at the next login."""
        from audit_tool.ui.settings import app_settings

        saved = app_settings().value(self._settings_key())
        if not isinstance(saved, dict):
            return
        for name, combo in self._filter_combos().items():
            index = combo.findData(saved.get(name))
            if index >= 0:
                combo.setCurrentIndex(index)

    def _filter_combos(self) -> dict[str, QComboBox]:
        return {
            "scope": self.scope,
            "status": self.status_filter,
            "programme": self.programme_filter,
        }

    def _filters_changed(self) -> None:
        from audit_tool.ui.settings import app_settings

        app_settings().setValue(
            self._settings_key(),
            {name: combo.currentData() for name, combo in self._filter_combos().items()},
        )
        self.refresh()

    def _sorted_by_user(self, *_args: object) -> None:
        self._user_sorted = True

    def _query(self) -> dict[str, object]:
        return {
            "mine": self.scope.currentData(),
            "status": self.status_filter.currentData(),
            "programme_key": self.programme_filter.currentData(),
        }

    def live_loader(self) -> Callable[[], tuple[dict[str, object], list[AuditListRow]]]:
        """Read the filters now; the returned function only calls the service (any thread)."""
        db, actor, query = self.db, self.actor, self._query()
        return lambda: (query, audits.list_audits(db, actor, **query))  # type: ignore[arg-type]

    def show_loaded(self, loaded: tuple[dict[str, object], list[AuditListRow]]) -> None:
        """Show rows loaded for these filters (rows for filters since changed are dropped),
        keeping the selected audit and the user's sort."""
        query, rows = loaded
        if query != self._query():
            return
        keep = self.selected()
        self.model.set_rows(rows)
        if self._user_sorted:
            header = self.table.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            rows = self.model.rows
        if query != getattr(self, "_sized_for", None):
            # Sizing the columns is most of the redraw (about 80 ms for 3,000 rows): once per
            # choice of filters, not on every live refresh.
            self.columns.measure()
            self._sized_for = query
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.empty.setText(
            {
                "assigned": "No audits are assigned to you.",
                "moderation": "No audits are waiting for your moderation.",
            }.get(self.scope.currentData() or "", "No audits match.")
        )
        self.count.setText(f"{len(rows):,} audit{'s' if len(rows) != 1 else ''}")
        uuids = [r.uuid for r in rows]
        if keep is not None and keep.uuid in uuids:
            self.table.selectRow(uuids.index(keep.uuid))
        elif rows:
            self.table.selectRow(0)

    def selected(self) -> AuditListRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def show_history(self) -> QDialog | None:
        """The selected audit's change history, in a window of its own (leads)."""
        row = self.selected()
        if row is None:
            return None
        from audit_tool.ui.changelog_view import show_audit_history

        return show_audit_history(self, self.db, self.actor, row.uuid, row.case_ref)

    def open_selected(self) -> None:
        """Open what the acting user does with this audit: their review, the moderation, or
        (for a lead, or once final) the audit read only."""
        row = self.selected()
        if row is None:
            return
        if row.my_role == "reviewer":
            self.open_review(row.uuid)
        else:
            self.open_moderation(row.uuid)

    def open_audit(self, audit_uuid: str) -> ops.Operation[AuditScreen]:
        """Open an audit named elsewhere (a learning point, an action, a family's feedback):
        the acting user's own review if they have one, else the moderation screen."""
        return self._open(audit_uuid, None)

    def open_review(self, audit_uuid: str) -> ops.Operation[AuditScreen]:
        return self._open(audit_uuid, "review")

    def open_moderation(self, audit_uuid: str) -> ops.Operation[AuditScreen]:
        return self._open(audit_uuid, "moderation")

    def _open(self, audit_uuid: str, kind: str | None) -> ops.Operation[AuditScreen]:
        """Read the audit's screen in the pool (one session: the audit, its concerns, feedback,
        learning, actions), then build its window; `window_opened` says when it is shown."""
        db, actor = self.db, self.actor
        return (
            ops.Operation(
                self,
                lambda _task: audit_screen(db, actor, audit_uuid, log_view=True),
                title="Audit",
                key=f"open:{audit_uuid}",  # a second click on the same audit waits for one
            )
            .success(lambda screen: self._show_screen(audit_uuid, screen, kind))
            .run_in_background()
        )

    def _show_screen(self, audit_uuid: str, screen: AuditScreen, kind: str | None) -> None:
        if kind is None:
            kind = "review" if screen.view.my_review is not None else "moderation"
        if kind == "review" and screen.view.my_review is None:
            problem = AuditToolError(f"{self.actor.name} has no review in this audit")
            ops.route_error(self, "Audit", problem)
            return
        if kind == "review":
            self._review_window(audit_uuid, screen)
        else:
            self._moderation_window(audit_uuid, screen)

    def _review_window(self, audit_uuid: str, screen: AuditScreen) -> None:
        from audit_tool.ui.audit_form import AuditForm

        form = AuditForm(self.db, self.actor, audit_uuid, screen=screen)
        form.saved.connect(self.status_message)
        form.submitted.connect(lambda _status: self._changed())
        form.concern_raised.connect(self.changed)
        window = self._window(form, f"Audit of case {form.view.case_ref}")
        window.finished.connect(lambda _r: form.save())

    def _moderation_window(self, audit_uuid: str, screen: AuditScreen) -> None:
        from audit_tool.ui.moderation_view import ModerationForm

        form = ModerationForm(self.db, self.actor, audit_uuid, screen=screen)
        form.confirmed.connect(self._changed)
        form.returned.connect(self._changed)
        window = self._window(form, f"Moderation: case {form.view.case_ref}")
        window.finished.connect(lambda _r: form.save_if_changed())

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _window(self, form: QWidget, title: str) -> QDialog:
        window = QDialog(self)
        window.setWindowTitle(title)
        window.setObjectName("auditWindow")
        window.resize(1150, 780)
        layout = QVBoxLayout(window)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(form)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        # A closed window is deleted by Qt (WA_DeleteOnClose): forget it when that happens, so
        # the list never holds a wrapper whose C++ object is gone.
        self._windows.append(window)
        window.destroyed.connect(lambda _obj=None, w=window: self._forget(w))
        self.window_opened.emit(window)
        return window

    def _forget(self, window: QDialog) -> None:
        self._windows = [w for w in self._windows if w is not window]
