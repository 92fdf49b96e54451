"""Render the main views under a dark palette and at 175% text, from a fresh demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_themes.py dark
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/take_themes.py large-text

Writes dark-*.png or large-text-*.png here (cases, audits, moderation, dashboard, briefings,
and Help > User guide).
The dark palette is the one the tests use (ui.theme.sample_dark_palette: Windows 11's dark
mode), in a window of the usual size (1360 x 780); large text is the application font at 175%
(Windows' "Make text bigger" at 175%), in a window maximised on a 1920 x 1080 screen. Look at
them before committing them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("dark", "large-text")


def main(mode: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp())
    os.environ["AUDIT_TOOL_HOME"] = str(tmp / "home")

    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from audit_tool.access.actors import Actor
    from audit_tool.services import audits, briefings, demo, reference
    from audit_tool.store import open_database
    from audit_tool.ui import theme
    from audit_tool.ui.main_window import MainWindow
    from audit_tool.ui.moderation_view import ModerationForm

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    theme.install()
    if mode == "dark":
        app.setPalette(theme.sample_dark_palette())
    else:
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * 1.75)
        app.setFont(font)
    db = open_database(tmp / "demo.sqlite")
    demo.generate(db, Actor.system(), audits=300, seed=1, today=date(2026, 11, 20))
    people = reference.list_people(db, Actor.system())
    lead = reference.actor_for(db, next(p.key for p in people if "lead" in p.roles))

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def save(widget: object, name: str) -> None:
        settle()
        widget.grab().save(str(HERE / f"{mode}-{name}.png"))  # type: ignore[attr-defined]

    size = (1360, 780) if mode == "dark" else (1920, 1040)
    window = MainWindow(db, lead)
    window.resize(*size)
    window.show()
    settle()
    window.view("cases").table.selectRow(3)  # type: ignore[attr-defined]
    save(window, "cases")
    window.show_view("audits")
    save(window, "audits")

    (waiting,) = audits.list_audits(db, lead, status="in_moderation", limit=1)
    moderation = ModerationForm(db, lead, waiting.uuid)
    moderation.resize(*size)
    moderation.show()
    save(moderation, "moderation")
    moderation.close()

    window.show_view("dashboard")
    dashboard = window.view("dashboard")
    while dashboard.is_busy():  # type: ignore[attr-defined]
        app.processEvents()
    save(window, "dashboard")

    from sqlalchemy import text

    with db.session() as session:  # the thematic programme with the most final audits
        programme = session.execute(
            text(
                "SELECT p.key FROM programmes p JOIN audits a ON a.programme_id = p.id "
                "WHERE a.status = 'final' AND p.kind = 'thematic' GROUP BY p.key "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    briefings.new_briefing(db, lead, programme_key=programme)
    window.show_view("briefings")
    save(window, "briefings")

    guide = window.user_guide()  # Help > User guide (F1)
    guide.browser.scrollToAnchor("logging-in")
    save(guide, "user-guide")
    guide.close()
    window.close()
    db.close()
    print(f"{mode} screenshots written to {HERE}")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit(f"usage: take_themes.py {'|'.join(MODES)}")
    main(sys.argv[1])
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: PySide6 can crash while finalising its objects
