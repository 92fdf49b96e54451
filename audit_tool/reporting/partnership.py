"""The partnership's settings as the reports and briefings print them, read-only: its name, logo
and installation name and the month its year starts (services/settings.py checks rights and
saves them). Below services, so that reporting reads them without importing a service."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from audit_tool.models import Setting
from audit_tool.reporting.periods import DEFAULT_YEAR_START

if TYPE_CHECKING:
    from audit_tool.store import Database

DEFAULT_PARTNERSHIP = "Safeguarding Children Partnership"


@dataclass(frozen=True)
class PartnershipSettings:
    name: str
    installation_name: str
    logo: bytes | None  # PNG or JPEG
    year_start_month: int = DEFAULT_YEAR_START  # 1-12: the report's quarters and years


def _month(text: str) -> int:
    """The stored year start, or April where unset or unreadable."""
    return int(text) if text.isdigit() and 1 <= int(text) <= 12 else DEFAULT_YEAR_START


def _value(session: Any, key: str) -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else ""


def read(session: Any) -> PartnershipSettings:
    """The settings, inside a caller's session."""
    encoded = _value(session, "logo_png")
    return PartnershipSettings(
        name=_value(session, "partnership_name") or DEFAULT_PARTNERSHIP,
        installation_name=_value(session, "installation_name"),
        logo=base64.b64decode(encoded) if encoded else None,
        year_start_month=_month(_value(session, "year_start_month")),
    )


def current(db: Database) -> PartnershipSettings:
    """The settings, in a session of their own (no rights needed: every report and briefing
    prints them)."""
    with db.session() as session:
        return read(session)
