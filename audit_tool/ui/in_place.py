"""Failure handlers for an operation (ui.operations, ``Operation.failure``) whose widget shows
a refusal in place: bad input beside the fields it is about, or any error in a message line.

A handler returns True when it showed the error; otherwise the operation's dialog follows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel

from audit_tool.errors import AuditToolError, ValidationError

Failure = Callable[[AuditToolError], bool]


def beside_fields(show: Callable[[ValidationError], object]) -> Failure:
    """Bad input (a ValidationError) goes to ``show`` (a form's show_errors); any other error
    to the operation's dialog."""

    def handler(exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError):
            show(exc)
            return True
        return False

    return handler


def in_line(label: QLabel, then: Callable[[], object] | None = None) -> Failure:
    """Every error in ``label`` (a dialog's message line), shown; ``then`` runs after (to
    move the focus, say)."""

    def handler(exc: AuditToolError) -> bool:
        label.setText(str(exc))
        label.show()
        if then is not None:
            then()
        return True

    return handler


def fields_then_line(show: Callable[[ValidationError], object], label: QLabel) -> Failure:
    """Bad input beside its fields, any other error in ``label``."""
    line = in_line(label)

    def handler(exc: AuditToolError) -> bool:
        if isinstance(exc, ValidationError):
            show(exc)
            return True
        return line(exc)

    return handler
