"""Every service call from a widget goes through ui/operations.py, whose operation routes its
errors to one place: no widget catches AuditToolError around a service call of its own. The
sites left are listed here, each with its reason; the count may fall, never rise."""

from __future__ import annotations

import ast
from pathlib import Path

import audit_tool.ui

UI = Path(audit_tool.ui.__file__).parent

# path under audit_tool/ui -> (how many `except AuditToolError` it may keep, why)
ALLOWED: dict[str, tuple[int, str]] = {
    "app.py": (
        2,
        "before any window (Application is no widget, and at the first start there is no "
        "window to own an operation): each wraps a whole flow of dialogs (location, "
        "passphrase or server, then first setup or login, whose own calls are operations) "
        "and says 'Cannot open the database' in the start-up's own box",
    ),
    "server_dialog.py": (
        3,
        "reading the typed server address (server.server_url / entered_url): parsing with "
        "no database, said in the dialog's line before any operation starts",
    ),
    "checkout_dialog.py": (
        1,
        "the new passphrase checked as typed (store.crypto.validate_new_passphrase: no "
        "database), said in the dialog's line before the check-out's operation",
    ),
    "audit_form.py": (
        1,
        "the autosave (AuditForm.save): a refusal goes beside the fields, a newer save to the "
        "conflict dialog, and a lost connection must reach the offline drafts "
        "(local_drafts.FormDrafts.keep_after) with the exception itself, which an operation "
        "would have turned into a crash report first",
    ),
}


def _catches_audit_tool_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(k, ast.Name) and k.id == "AuditToolError")
        or (isinstance(k, ast.Attribute) and k.attr == "AuditToolError")
        for k in kinds
    )


def direct_catches() -> dict[str, int]:
    """How many handlers catch AuditToolError in each module of audit_tool/ui."""
    found: dict[str, int] = {}
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        n = sum(
            1
            for node in ast.walk(tree)
            if isinstance(node, ast.ExceptHandler) and _catches_audit_tool_error(node)
        )
        if n:
            found[path.relative_to(UI).as_posix()] = n
    return found


def test_no_widget_catches_a_users_error_beyond_the_listed_sites():
    over = {
        name: (n, ALLOWED.get(name, (0, ""))[0])
        for name, n in direct_catches().items()
        if n > ALLOWED.get(name, (0, ""))[0]
    }
    assert not over, (
        "except AuditToolError around a service call in ui/ (found, allowed): "
        f"{over}. Run the call as an operation (ui/operations.py): .failure(handler) shows "
        "a refusal in place, .quietly() for an optional read."
    )


def test_the_count_sees_both_spellings_and_a_tuple():
    tree = ast.parse(
        "try:\n    f()\nexcept AuditToolError:\n    pass\n"
        "try:\n    f()\nexcept (KeyError, errors.AuditToolError):\n    pass\n"
        "try:\n    f()\nexcept ValueError:\n    pass\n"
    )
    handlers = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
    assert [_catches_audit_tool_error(h) for h in handlers] == [True, True, False]


def test_every_listed_site_has_a_reason():
    assert all(reason for _count, reason in ALLOWED.values())
