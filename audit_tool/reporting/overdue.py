"""When an action is overdue: open, and due before a day. The one definition, in Python and in
SQL, that the report (as of its `to`) and the learning services (as of today) share."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_

from audit_tool.models import Action


def is_overdue(status: str, due_on: date, as_of: date) -> bool:
    """An action is overdue on `as_of` when it is open and was due before that day."""
    return status == "open" and due_on < as_of


def overdue_condition(as_of: date) -> Any:
    """`is_overdue` in SQL, over the actions table."""
    return and_(Action.status == "open", Action.due_on < as_of)
