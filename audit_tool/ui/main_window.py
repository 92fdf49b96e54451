"""The main window: navigation sidebar, the views, menus, status bar, remembered layout."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontInfo, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from audit_tool import APP_NAME
from audit_tool.access.actors import Actor
from audit_tool.store import Database
from audit_tool.ui import operations as ops
from audit_tool.ui import theme as themes
from audit_tool.ui.settings import app_settings

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from audit_tool.ui.audits_view import AuditsView
    from audit_tool.ui.case_register import CaseRegisterView

SIDEBAR_FONT_SCALE = 1.1  # the navigation a little larger than the window's text
# Changes that move a count beside a view's name in the sidebar.
COMPLAINTS = "Complaints and compliments"
BADGE_KINDS = frozenset({ops.AUDITS, ops.CONCERNS, ops.ACTIONS, ops.LEARNING, ops.NOTICES})


class MainWindow(QMainWindow):
    """One window per open database and acting user."""

    open_database_requested = Signal(str)
    switch_user_requested = Signal()

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{APP_NAME} — {actor.name}")
        self.resize(1280, 800)
        self.setMinimumSize(QSize(900, 560))

        # Views are built when first shown, so start-up does only the first one.
        self._factories: dict[str, tuple[str, Callable[[], QWidget]]] = {}
        self._views: dict[str, QWidget] = {}
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("navSidebar")
        self.sidebar.setAccessibleName("Navigation")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Padding in units of the font (em), so that the items grow with it.
        self.sidebar.setStyleSheet(
            "QListWidget { border: none; } QListWidget::item { padding: 0.4em 0.6em; }"
        )
        self.stack = QStackedWidget()
        self.stack.setObjectName("viewStack")
        self.banner = QPushButton()
        self.banner.setObjectName("concernBanner")
        self.banner.setFlat(True)
        themes.styled(
            self.banner,
            "QPushButton { background: $alert_bg; color: $alert_fg; font-weight: bold; "
            "padding: 6px; text-align: left; border: none; }",
        )
        self.banner.clicked.connect(lambda: self.show_view("concerns"))
        self.banner.hide()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addWidget(self.banner)
        self._banners = right_layout  # the connection banner goes on top (_watch_connection)
        right_layout.addWidget(self.stack, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(right, 1)
        self.setCentralWidget(central)
        # Every operation announces what it changed; the views that show it follow.
        ops.changes_hub().changed.connect(self._changes_made)

        self._add_views()
        self.sidebar.currentRowChanged.connect(self._show_row)
        self._fit_sidebar()

        self._build_menus()
        self._build_status_bar()
        self._restore_layout()
        # Concerns must be seen at once: checked now, then every minute, and after changes;
        # the count of overdue actions with them.
        self._concern_timer = QTimer(self)
        self._concern_timer.setInterval(60_000)
        self._concern_timer.timeout.connect(self.update_badges)
        self._concern_timer.start()
        # A moment after the window is up, so that start-up does not wait for the counts (they
        # load the learning models, which the first view does not need).
        QTimer.singleShot(250, self.update_badges)
        self._setup_live()

    def _add_views(self) -> None:
        """The sidebar's views, each shown to those with its permission."""
        self._add_view("mywork", "My work", self._make_my_work, "audit.view")
        self._add_view("cases", "Cases", self._make_cases, "case.view")
        self._add_view("audits", "Audits", self._make_audits, "audit.view")
        self._add_view("programmes", "Programmes", self._make_programmes, "programme.view")
        self._add_view("feedback", "Family feedback", self._make_feedback, "feedback.view")
        self._add_view("learning", "Learning", self._make_learning, "learning.view")
        self._add_view("actions", "Actions", self._make_actions, "action.view")
        self._add_view("briefings", "Briefings", self._make_briefings, "briefing.view")
        self._add_view("dashboard", "Dashboard", self._make_dashboard, "report.view")
        self._add_view("concerns", "Urgent concerns", self._make_concerns, "concern.raise")
        # After the first nine, so that Ctrl+1 to Ctrl+9 keep their views.
        self._add_view("notices", "Notices", self._make_notices, "audit.view")
        self._add_view("complaints", COMPLAINTS, self._make_complaints, "compliment.view")
        self._add_view("monthly", "Monthly audits", self._make_monthly, "programme.view")
        # Viewers read reference data inside reports, but reports and briefings are all they get.
        self._add_view("admin", "Admin", self._make_admin, "template.view")

    def _setup_live(self) -> None:
        """A banner while the database cannot be reached; the visible list follows others'
        changes (connection_banner.py, live_refresh.py); typing kept offline is offered back;
        the month's standing audits are drawn when due (ui/monthly/draw.py)."""
        from audit_tool.ui.connection_banner import (
            ConnectionBanner,
            ConnectionWatcher,
            install_guard,
        )
        from audit_tool.ui.live_refresh import LiveRefresh
        from audit_tool.ui.local_drafts import offer_pending

        self.connection = ConnectionWatcher(self.db, self)
        self.connection_banner = ConnectionBanner(self.connection)
        self._banners.insertWidget(0, self.connection_banner)
        self.connection.restored.connect(
            lambda: self.statusBar().showMessage("Connected to the database again", 8000)
        )
        install_guard()
        self.live_refresh = LiveRefresh(self, self.connection)
        from audit_tool.ui.monthly import MonthlyDrawTimer

        # This month's standing audits, drawn on its first working day (services.monthly_draw).
        self.monthly_draw = MonthlyDrawTimer(
            self, self.db, self.actor, lambda text: self.statusBar().showMessage(text, 15000)
        )
        opened_at = time.monotonic()
        QTimer.singleShot(400, self, lambda: offer_pending(self, opened_at))

    # -- views

    def _add_view(
        self, key: str, label: str, factory: Callable[[], QWidget], permission: str
    ) -> None:
        if not self.actor.can(permission):
            return
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.sidebar.addItem(item)
        self._factories[key] = (label, factory)

    def _make_my_work(self) -> QWidget:
        from audit_tool.ui.my_work_view import MyWorkView

        view = MyWorkView(self.db, self.actor)
        view.counted.connect(self._show_work_count)
        view.open_item.connect(self.open_work_item)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._show_work_count(view.work.count)
        return view

    def _show_work_count(self, count: int) -> None:
        if "mywork" not in self._factories:
            return
        item = self.sidebar.item(self.view_keys().index("mywork"))
        item.setText(f"My work ({count})" if count else "My work")
        self._fit_sidebar()

    def update_my_work(self) -> None:
        """The count beside "My work" (refreshing the view if it was built)."""
        if "mywork" not in self._factories:
            return
        view = self._views.get("mywork")
        if isinstance(view, ops.View):
            view.refresh()
            return
        from audit_tool.services import my_work

        db, actor = self.db, self.actor
        self._count("mywork", lambda: my_work.my_work(db, actor).count, self._show_work_count)

    def _make_notices(self) -> QWidget:
        from audit_tool.ui.notices_view import NoticesView

        view = NoticesView(self.db, self.actor)
        view.counted.connect(self._show_notice_count)
        view.open_audit.connect(self.open_audit)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._show_notice_count(view.unread)
        return view

    def _show_notice_count(self, count: int) -> None:
        if "notices" not in self._factories:
            return
        item = self.sidebar.item(self.view_keys().index("notices"))
        item.setText(f"Notices ({count})" if count else "Notices")
        item.setToolTip(f"{count} unread" if count else "No unread notices")
        self._fit_sidebar()

    def update_notices(self) -> None:
        """The unread count beside "Notices" (refreshing the view if it was built)."""
        if "notices" not in self._factories:
            return
        view = self._views.get("notices")
        if isinstance(view, ops.View):
            view.refresh()
            return
        from audit_tool.services import notices

        db, actor = self.db, self.actor
        self._count("notices", lambda: notices.unread_count(db, actor), self._show_notice_count)

    def open_work_item(self, item: object) -> None:
        """Open what a My work item names: the review or moderation window, else its view."""
        kind, uuid = getattr(item, "kind", ""), getattr(item, "uuid", "")
        if kind in ("review", "moderation") and "audits" in self._factories:
            audits_view = self.audits_view()
            if kind == "review":
                audits_view.open_review(uuid)
            else:
                audits_view.open_moderation(uuid)
            return
        target = {
            "concern": "concerns",
            "action": "actions",
            "programme": "programmes",
            "briefing": "briefings",
        }.get(kind)
        if target is not None:
            self.show_view(target)

    def _fit_sidebar(self) -> None:
        """The sidebar's font a little larger than the window's, and its width that of its
        longest label in that font: it grows with the system font and never cuts a label."""
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * SIDEBAR_FONT_SCALE)
        else:
            font.setPixelSize(round(font.pixelSize() * SIDEBAR_FONT_SCALE))
        self.sidebar.setFont(font)
        metrics = QFontMetrics(font)
        texts = [self.sidebar.item(i).text() for i in range(self.sidebar.count())]
        longest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        em = QFontInfo(font).pixelSize()
        padding = round(2 * 0.6 * em) + 2 * metrics.averageCharWidth()  # the items' and some air
        scroll = self.sidebar.verticalScrollBar().sizeHint().width()
        self.sidebar.setFixedWidth(longest + padding + scroll + 2 * self.sidebar.frameWidth())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_sidebar()

    def _make_complaints(self) -> QWidget:
        from audit_tool.ui.complaints.view import ComplaintsView

        view = ComplaintsView(self.db, self.actor)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return view

    def _make_cases(self) -> QWidget:
        from audit_tool.ui.case_register import CaseRegisterView

        view = CaseRegisterView(self.db, self.actor)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.cases_menu.clear()
        for action in view.actions_for_menu():
            self.cases_menu.addAction(action)
        self.cases_menu.setEnabled(True)
        return view

    def _make_audits(self) -> QWidget:
        from audit_tool.ui.audits_view import AuditsView

        view = AuditsView(self.db, self.actor)
        view.changed.connect(self.update_badges)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return view

    def _make_monthly(self) -> QWidget:
        from audit_tool.ui.monthly import MonthlyView

        return self._wire(MonthlyView(self.db, self.actor))

    def _make_programmes(self) -> QWidget:
        from audit_tool.ui.programmes_view import ProgrammesView

        view = ProgrammesView(self.db, self.actor)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        view.changed.connect(lambda: ops.announce({ops.PROGRAMMES}, view))
        return view

    def _make_feedback(self) -> QWidget:
        from audit_tool.ui.feedback_view import FeedbackView

        return self._wire(FeedbackView(self.db, self.actor))

    def _make_learning(self) -> QWidget:
        from audit_tool.ui.learning_view import LearningView

        return self._wire(LearningView(self.db, self.actor))

    def _make_actions(self) -> QWidget:
        from audit_tool.ui.actions_view import ActionsView

        return self._wire(ActionsView(self.db, self.actor))

    def _make_briefings(self) -> QWidget:
        from audit_tool.ui.briefings import BriefingsView

        return self._wire(BriefingsView(self.db, self.actor))

    def _make_dashboard(self) -> QWidget:
        from audit_tool.ui.dashboard import DashboardView

        return self._wire(DashboardView(self.db, self.actor))

    def _wire(self, view: QWidget) -> QWidget:
        """Connect a view's common signals: status line, changes, opening an audit."""
        signals = cast("ops.ViewSignals", view)
        signals.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        signals.changed.connect(self.update_badges)
        signals.open_audit.connect(self.open_audit)
        return view

    def open_audit(self, audit_uuid: str) -> None:
        """Open an audit from another view, as the Audits view would."""
        if "audits" not in self._factories:
            return
        self.audits_view().open_audit(audit_uuid)

    def audits_view(self) -> AuditsView:
        return cast("AuditsView", self.view("audits"))

    def _changes_made(self, changes: frozenset[str], source: object) -> None:
        """An operation changed data: the view on screen follows if it shows it (the others
        are refreshed when shown), and so do the counts in the sidebar."""
        if not shiboken6.isValid(self):
            return
        current = self.stack.currentWidget()
        if current is not None:
            ops.refresh_views([current], changes, source)
        if changes & BADGE_KINDS:
            self.update_badges()

    def update_badges(self) -> None:
        if self.connection.is_lost:  # the banner says so; the counts wait for the server
            return
        self.update_concerns()
        self.update_actions()
        self.update_my_work()
        self.update_notices()

    def _count(self, key: str, count: Callable[[], Any], show: Callable[[Any], object]) -> None:
        """Read a count beside a view's name in the pool (a newer read drops an older one's
        result); a refusal leaves the count as it was."""
        (
            ops.Operation(self, lambda task: count(), title=APP_NAME, key=f"count:{key}")
            .quietly()
            .success(show)
            .run_in_background()
        )

    def update_actions(self) -> None:
        """The count of overdue actions beside "Actions"."""
        if "actions" not in self._factories:
            return
        from audit_tool.services import learning_actions

        db, actor = self.db, self.actor
        self._count(
            "actions", lambda: learning_actions.overdue_count(db, actor), self._show_overdue
        )

    def _show_overdue(self, count: int) -> None:
        item = self.sidebar.item(self.view_keys().index("actions"))
        item.setText(f"Actions ({count} overdue)" if count else "Actions")
        self._fit_sidebar()
        item.setToolTip(
            f"{count} open action{'s' if count != 1 else ''} past the due date"
            if count
            else "No overdue actions"
        )

    def _make_concerns(self) -> QWidget:
        from audit_tool.ui.concerns_view import ConcernsView

        view = ConcernsView(self.db, self.actor)
        view.changed.connect(self.update_concerns)
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return view

    def update_concerns(self) -> None:
        """The count beside "Urgent concerns" and the banner, for leads and case managers."""
        if "concerns" not in self._factories:
            return
        from audit_tool.services import audits

        db, actor = self.db, self.actor
        self._count("concerns", lambda: audits.open_concern_count(db, actor), self._show_concerns)

    def _show_concerns(self, count: int) -> None:
        keys = self.view_keys()
        item = self.sidebar.item(keys.index("concerns"))
        item.setText(f"Urgent concerns ({count})" if count else "Urgent concerns")
        self._fit_sidebar()
        self.banner.setText(
            f"  {count} urgent safeguarding concern{'s' if count != 1 else ''} "
            f"need{'s' if count == 1 else ''} a response. Open {'it' if count == 1 else 'them'}..."
        )
        self.banner.setVisible(count > 0)

    def _make_admin(self) -> QWidget:
        from audit_tool.ui.admin_view import AdminView

        view = AdminView(self.db, self.actor)
        view.changed.connect(lambda: ops.announce({ops.REFERENCE}, view))
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        return view

    def view_keys(self) -> list[str]:
        return [
            str(self.sidebar.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sidebar.count())
        ]

    def view(self, key: str) -> QWidget:
        if key not in self._views:
            widget = self._factories[key][1]()
            self._views[key] = widget
            self.stack.addWidget(widget)
        return self._views[key]

    def show_view(self, key: str) -> None:
        keys = self.view_keys()
        if key in keys:
            self.sidebar.setCurrentRow(keys.index(key))

    def current_view_key(self) -> str | None:
        item = self.sidebar.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.view_keys()[row]
        fresh = key not in self._views
        widget = self.view(key)
        if not fresh and isinstance(widget, ops.View):
            widget.refresh()
        self.stack.setCurrentWidget(widget)

    # -- menus and status bar

    def _action(
        self, text: str, slot: Callable[..., object], shortcut: object = None, name: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(slot)
        if name:
            action.setObjectName(name)
        self.addAction(action)  # shortcuts work wherever the focus is in the window
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        self.cases_menu = bar.addMenu("&Cases")
        self.cases_menu.setEnabled(False)
        view_menu = bar.addMenu("&View")
        for i, key in enumerate(self.view_keys()):
            label = self._factories[key][0]
            view_menu.addAction(
                self._action(
                    f"&{label}",
                    lambda _checked=False, k=key: self.show_view(k),
                    f"Ctrl+{i + 1}" if i < 9 else None,  # Ctrl+1 to Ctrl+9: the first nine
                    f"show_{key}",
                )
            )
        help_menu = bar.addMenu("&Help")
        self.guide_action = self._action(
            "&User guide", self.user_guide, QKeySequence.StandardKey.HelpContents, "userGuide"
        )
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", self.keyboard_shortcuts, None, "keyboardShortcuts"
        )
        self.licences_action = self._action(
            "Third-party &licences", self.licences, None, "thirdPartyLicences"
        )
        self.about_qt_action = self._action("About &Qt", self.about_qt, None, "aboutQt")
        self.about_action = self._action(f"&About {APP_NAME}", self.about, None, "about")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.licences_action)
        help_menu.addAction(self.about_qt_action)
        help_menu.addAction(self.about_action)

    def _build_file_menu(self, file_menu: QMenu) -> None:
        """Open, Connect, Switch user, the account's commands, the exchange of audits, Quit."""
        self.open_action = self._action(
            "&Open database...", self.choose_database, QKeySequence.StandardKey.Open, "openDatabase"
        )
        self.switch_user_action = self._action(
            "&Switch user...", self.switch_user_requested.emit, "Ctrl+Shift+U", "switchUser"
        )
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, "quit")
        file_menu.addAction(self.open_action)
        self.connect_server_action = self._action(
            "Connect to &team server...", self.connect_team_server, None, "connectServer"
        )
        file_menu.addAction(self.connect_server_action)
        file_menu.addAction(self.switch_user_action)
        # Accounts: the idle lock covers the window after some minutes without input.
        from audit_tool.ui.idle_lock import IdleLock

        self.idle_lock = IdleLock(self, self.db, self.actor)
        self.idle_lock.switch_user_requested.connect(self.switch_user_requested.emit)
        self.change_password_action = self._action(
            "C&hange password...", self.change_password, None, "changePassword"
        )
        self.lock_action = self._action("&Lock", self.idle_lock.lock, "Ctrl+L", "lock")
        for action in (self.change_password_action, self.lock_action):
            action.setEnabled(self.idle_lock.available)  # only for a user with a password
            file_menu.addAction(action)
        self._add_exchange_actions(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

    def _add_exchange_actions(self, file_menu: QMenu) -> None:
        """Audit packs, and checking audits out and in, for those who may."""
        if self.actor.can("pack.exchange"):
            file_menu.addSeparator()
            self.export_pack_action = self._action(
                "&Export audit pack...",
                lambda _checked=False: self.export_pack(),
                None,
                "exportPack",
            )
            self.import_pack_action = self._action(
                "&Import audit pack...",
                lambda _checked=False: self.import_pack(),
                None,
                "importPack",
            )
            file_menu.addAction(self.export_pack_action)
            file_menu.addAction(self.import_pack_action)
        if self.actor.can("audit.review") and self.actor.person_id is not None:
            file_menu.addSeparator()
            self.checkout_action = self._action(
                "Check &out audits for offline work...", self.check_out, None, "checkOut"
            )
            self.checkin_action = self._action(
                "Check &in offline work...", self.check_in, None, "checkIn"
            )
            file_menu.addAction(self.checkout_action)
            file_menu.addAction(self.checkin_action)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.database_label = QLabel(f"Database: {self.db.display_name}")
        self.database_label.setObjectName("statusDatabase")
        self.user_label = QLabel(f"Acting as: {self.actor.name} ({self.actor.role_text})")
        self.user_label.setObjectName("statusUser")
        status.addPermanentWidget(self.database_label)
        status.addPermanentWidget(self.user_label)
        problem = getattr(self.db, "log_problem", None)
        if problem:
            # The change log did not check out when the file was opened (store/checkpoint.py).
            self.log_warning = QLabel("Change log does not check out: Admin > Change log")
            self.log_warning.setObjectName("statusLogWarning")
            self.log_warning.setStyleSheet("color: #b00020; font-weight: bold;")
            self.log_warning.setToolTip(problem)
            self.log_warning.setAccessibleDescription(problem)
            status.addPermanentWidget(self.log_warning)

    def export_pack(self, path: str | None = None) -> ops.Operation[Any] | None:
        """Write every audit (with what it refers to) to an audit pack file, off the GUI
        thread with progress and cancel (ui.pack_jobs); returns the operation, or None."""
        from audit_tool.ui import pack_jobs

        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(
                self, "Export audit pack", "audit-pack.json", "Audit pack (*.json)"
            )
            if not path:
                return None
        return pack_jobs.export_pack(self, path)

    def import_pack(self, path: str | None = None) -> ops.Operation[Any] | None:
        """Read an audit pack (all or nothing; conflicts are reported and left untouched), off
        the GUI thread with progress and cancel (ui.pack_jobs); returns the operation, or None."""
        from audit_tool.ui import pack_jobs

        if path is None:
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getOpenFileName(
                self, "Import audit pack", "", "Audit pack (*.json)"
            )
            if not path:
                return None
        return pack_jobs.import_pack(self, path)

    def check_out(self) -> None:
        """Audits I review, to a new file to work on without the server (ui.checkout_dialog)."""
        from audit_tool.services import checkout
        from audit_tool.ui.checkout_dialog import CheckoutDialog

        db, actor = self.db, self.actor

        def choose(candidates: list[checkout.CheckoutCandidate]) -> None:
            dialog = CheckoutDialog(db, actor, candidates, self)
            if dialog.exec() and dialog.result_ is not None:
                self.statusBar().showMessage(dialog.result_.lines()[-1], 12000)

        (
            ops.Operation(
                self,
                lambda task: checkout.candidates(db, actor),
                title="Nothing checked out",
                key="checkout",
            )
            .success(choose)
            .run_in_background()
        )

    def check_in(self) -> None:
        from audit_tool.ui.checkout_dialog import CheckinDialog

        dialog = CheckinDialog(self.db, self.actor, self)
        dialog.exec()
        if dialog.report is not None:
            ops.announce(ops.PACK_CHANGES)

    def change_password(self) -> None:
        from audit_tool.ui.account_dialogs import ChangePasswordDialog

        if ChangePasswordDialog(self.db, self.actor, self).exec():
            self.statusBar().showMessage("Your password was changed", 8000)

    # -- help

    def user_guide(self) -> QDialog:
        from audit_tool.ui.help import UserGuideDialog

        dialog = UserGuideDialog(self)
        dialog.show()  # not modal: read beside the window
        return dialog

    def keyboard_shortcuts(self) -> None:
        from audit_tool.ui.help import ShortcutsDialog

        ShortcutsDialog(self, self._shortcut_place).exec()

    def _shortcut_place(self, action: QObject) -> str:
        """The menu an action is in, or the view whose own key it is."""
        from audit_tool.ui.help import menu_place, menus_of

        owner = action.parent()
        if isinstance(owner, QWidget) and not menus_of(action):
            for key, view in self._views.items():
                if owner is view or view.isAncestorOf(owner):
                    return f"{self._factories[key][0]} view"
        return menu_place(action)

    def licences(self) -> None:
        from audit_tool.ui.help import LicencesDialog

        LicencesDialog(self).exec()

    def about_qt(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.aboutQt(self, "About Qt")

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox  # dialogs load when first used

        from audit_tool.ui.help import about_html

        box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", "", parent=self)
        box.setObjectName("aboutBox")
        box.setText(about_html(self.db.display_name, self._schema_version(), self.actor.name))
        box.exec()

    def _schema_version(self) -> str:
        """The database's schema revision; one small query (nothing while the server is away)."""
        from sqlalchemy.exc import SQLAlchemyError

        if self.connection.is_lost:
            return "unknown: the database cannot be reached"
        try:
            return self.db.current_revision() or "none (empty database)"
        except SQLAlchemyError:
            return "unknown: the database cannot be reached"

    def connect_team_server(self) -> None:
        from audit_tool.ui.server_dialog import ServerDialog

        current = None if self.db.is_sqlite else self.db.url  # None: the last server used
        dialog = ServerDialog(current, parent=self)
        if dialog.exec() and dialog.url is not None:
            # Without the password: the dialog handed it over for this run (server_dialog).
            self.open_database_requested.emit(dialog.url.render_as_string(hide_password=False))

    def choose_database(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self,
            "Open database",
            str(self.db.path.parent if self.db.path else Path.home()),
            "Audit Tool database (*.sqlite *.db);;All files (*)",
        )
        if name:
            self.open_database_requested.emit(name)

    # -- layout memory

    def _restore_layout(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        state = settings.value("window/state")
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state))
        last = settings.value("window/lastView")
        keys = self.view_keys()
        if "mywork" in keys:  # the day starts with what is waiting
            last = "mywork"
        self.show_view(str(last) if last in keys else (keys[0] if keys else ""))

    def save_layout(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        key = self.current_view_key()
        if key:
            settings.setValue("window/lastView", key)
        if "cases" in self._views:
            cases_view = cast("CaseRegisterView", self._views["cases"])
            settings.setValue("cases/splitter", cases_view.splitter.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        from audit_tool.ui import pack_jobs

        if pack_jobs.busy(self):
            # The pack is being read or written with this window's database: not closed under it.
            self.statusBar().showMessage(
                "An audit pack is being exported or imported: wait for it, or cancel it", 12000
            )
            event.ignore()
            return
        self.save_layout()
        # Quitting does not close the audit windows (they are not primary windows): close them
        # first, so a form saves what was typed since its last autosave, and logs it.
        for window in self.findChildren(QDialog):
            if window.isVisible():
                window.close()
        super().closeEvent(event)
