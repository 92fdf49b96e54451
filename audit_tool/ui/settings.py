"""QSettings in one place: window layout, last view, last user per database."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORG = "QA Partnership"
APP = "audit-tool"


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def last_user_key(database: str) -> str:
    return "lastUser/" + database.replace("/", "|").replace("\\", "|")
