"""Waiting for views that load in the pool (issue 15: Learning, Programmes, Actions): a user
action starts the load at once, and the rows are shown when it ends."""

from __future__ import annotations

from typing import Any

from audit_tool.ui import operations as ops


def settled(qtbot: Any, timeout: int = 5000) -> None:
    """Wait until no operation is running: every load started has shown its rows (or its
    error)."""
    qtbot.waitUntil(lambda: not ops.running(), timeout=timeout)


def loaded(qtbot: Any, view: Any, timeout: int = 5000) -> Any:
    """Wait until `view` has no load running (its rows are shown), and return it."""
    qtbot.waitUntil(lambda: not view.loading(), timeout=timeout)
    return view
