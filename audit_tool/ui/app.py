"""Starting the application: QApplication, the database, the acting user, the window."""

from __future__ import annotations

import gc
import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from audit_tool import APP_NAME, __version__
from audit_tool.errors import AuditToolError
from audit_tool.resources import resource
from audit_tool.ui.settings import APP, ORG, app_settings, last_user_key

# Loaded lazily, only when a feature needs them; start-up must not import them.
HEAVY_MODULES = ("pandas", "numpy", "openpyxl", "reportlab", "alembic", "jsonschema")


class Application:
    """Owns the open database and the window; can switch database or user."""

    def __init__(self, qt_app: QApplication) -> None:
        self.qt_app = qt_app
        self.db = None
        self.window = None

    def open(self, database: str, user: str | None = None) -> bool:
        from audit_tool.services import reference
        from audit_tool.store import open_database

        try:
            db = open_database(database)
        except AuditToolError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.window, APP_NAME, f"Cannot open the database.\n\n{exc}")
            return False
        settings = app_settings()
        key = last_user_key(db.display_name)
        try:
            if user is None:
                user = self._pick_user(db, settings.value(key))
                if user is None:
                    db.close()
                    return False
            actor = reference.actor_for(db, user)
        except AuditToolError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self.window, APP_NAME, str(exc))
            db.close()
            return False
        settings.setValue(key, user)
        settings.setValue("lastDatabase", database)
        self._show(db, actor)
        return True

    def _pick_user(self, db, last: object) -> str | None:  # type: ignore[no-untyped-def]
        from audit_tool.ui.user_picker import UserPickerDialog

        dialog = UserPickerDialog(db, str(last) if last else None, self.window)
        return dialog.selected_key() if dialog.exec() else None

    def _show(self, db, actor) -> None:  # type: ignore[no-untyped-def]
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
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    icon = resource("icons", "app.svg")
    if icon.exists():
        qt_app.setWindowIcon(QIcon(str(icon)))
    install_excepthook()
    if database is None:
        from audit_tool.config import default_database_path

        database = str(default_database_path())
    app = Application(qt_app)  # type: ignore[arg-type]
    if not app.open(database, user):
        return 1
    # Start-up objects live as long as the app: keep them out of every later collection,
    # then collect as usual (the entry point disabled collection while starting).
    QTimer.singleShot(0, _collect_after_start_up)
    if os.environ.get("AUDIT_TOOL_STARTUP_PROBE"):
        # Benchmarks: report when the first window has painted its data, then quit.
        def probe() -> None:
            qt_app.processEvents()
            heavy = [m for m in HEAVY_MODULES if m in sys.modules]
            print(
                f"startup-seconds {time.perf_counter() - started:.4f} wall {time.time():.4f} "
                f"heavy={','.join(heavy) or 'none'}",
                flush=True,
            )
            qt_app.quit()

        QTimer.singleShot(0, probe)
    return int(qt_app.exec())
