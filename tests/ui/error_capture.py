"""Catch the error dialogs that operations raise (ui.operations routes every error through
ui.errors.show_error): the title and the message, instead of a modal box."""

from __future__ import annotations

from typing import Any


def capture_errors(monkeypatch: Any) -> list[tuple[str, str]]:
    """From now on each error dialog is recorded as (title, message) and not shown."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "audit_tool.ui.errors.show_error",
        lambda _parent, title, exc: shown.append((title, str(exc))),
    )
    return shown
