"""Starting the application: QApplication, the database, the acting user, the window."""

from __future__ import annotations

import gc
import os
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from audit_tool import APP_NAME, __version__
from audit_tool.errors import AuditToolError
from audit_tool.resources import resource
from audit_tool.ui.settings import APP, ORG, app_settings

if TYPE_CHECKING:
    from audit_tool.access.actors import Actor
    from audit_tool.store import Database
    from audit_tool.ui.main_window import MainWindow

# Loaded lazily, only when a feature needs them; start-up must not import them.
HEAVY_MODULES = ("pandas", "numpy", "openpyxl", "reportlab", "alembic", "jsonschema")


class Application:
    """Owns the open database and the window; can switch database or user."""

    def __init__(self, qt_app: QApplication) -> None:
        self.qt_app = qt_app
        self.db: Database | None = None
        self.window: MainWindow | None = None

    def open(self, database: str, user: str | None = None) -> bool:
        from audit_tool.store import server
        from audit_tool.ui.passphrase_dialog import open_database_interactively

        try:
            if server.is_server_url(database):
                from audit_tool.ui.server_dialog import open_server_interactively

                # The password comes from this run's hand-off, the environment or the keyring;
                # the URL kept below never holds it.
                db = open_server_interactively(database, self.window)
                database = server.without_password(database)
            else:
                from audit_tool.ui.location_dialog import confirm_location

                if not confirm_location(database, self.window):
                    return False
                db = open_database_interactively(database, self.window)
        except AuditToolError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.window, APP_NAME, f"Cannot open the database.\n\n{exc}")
            return False
        if db is None:  # the passphrase was not given
            return False
        try:
            actor = self._log_in(db, user)
        except AuditToolError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.window, APP_NAME, str(exc))
            db.close()
            return False
        if actor is None:
            db.close()
            return False
        app_settings().setValue("lastDatabase", database)
        self._show(db, actor)
        return True

    def _log_in(self, db: Database, user: str | None) -> Actor | None:
        """The first start of a new database sets up its first QA lead; otherwise log in.

        `user` (--user KEY) only fills in the user name: the password is always asked."""
        from audit_tool.services import accounts

        if accounts.needs_first_setup(db):
            from audit_tool.ui.account_dialogs import FirstLeadSetupDialog

            setup = FirstLeadSetupDialog(db, self.window)
            return setup.actor if setup.exec() else None
        from audit_tool.ui.login_dialog import LoginDialog

        username = (accounts.username_for_key(db, user) or user) if user else None
        dialog = LoginDialog(db, username, self.window)
        return dialog.actor if dialog.exec() else None

    def _show(self, db: Database, actor: Actor) -> None:
        from audit_tool.ui.main_window import MainWindow

        old_window, old_db = self.window, self.db
        window = MainWindow(db, actor)
        window.open_database_requested.connect(lambda path: self.open(path))
        window.switch_user_requested.connect(self.switch_user)
        self.window, self.db = window, db
        window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_db is not None:
            old_db.close()

    def switch_user(self) -> None:
        if self.db is not None:
            self.open(str(self.db.path or self.db.url.render_as_string(hide_password=False)))


def _collect_after_start_up() -> None:
    gc.freeze()
    gc.enable()


def run_gui(database: str | None, user: str | None) -> int:
    started = time.perf_counter()
    from audit_tool.ui.errors import install_excepthook

    QApplication.setOrganizationName(ORG)
    QApplication.setApplicationName(APP)
    QApplication.setApplicationDisplayName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    from audit_tool.ui import theme

    theme.install()  # colours follow the palette (light or dark), also when it changes
    icon = resource("icons", "app.svg")
    if icon.exists():
        qt_app.setWindowIcon(QIcon(str(icon)))
    install_excepthook()
    if database is None:
        from audit_tool.config import default_database_path

        database = str(default_database_path())
    probing = bool(os.environ.get("AUDIT_TOOL_STARTUP_PROBE"))
    if probing:
        # Benchmarks: the first window a user sees is the login dialog (or the passphrase or
        # first set-up dialog); report when it has painted, then close it.
        def probe() -> None:
            qt_app.processEvents()
            first = QApplication.activeModalWidget()
            heavy = [m for m in HEAVY_MODULES if m in sys.modules]
            print(
                f"startup-seconds {time.perf_counter() - started:.4f} wall {time.time():.4f} "
                f"heavy={','.join(heavy) or 'none'} "
                f"window={first.objectName() if first is not None else 'none'}",
                flush=True,
            )
            if first is not None:
                first.close()

        QTimer.singleShot(0, probe)
    app = Application(qt_app)
    if not app.open(database, user):
        return 0 if probing else 1
    # Start-up objects live as long as the app: keep them out of every later collection,
    # then collect as usual (the entry point disabled collection while starting).
    QTimer.singleShot(0, _collect_after_start_up)
    code = int(qt_app.exec())
    from audit_tool.store.backup import backup_on_exit

    backup_on_exit(app.db)  # logs a failure, never raises
    return code
