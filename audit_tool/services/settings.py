"""The partnership's own settings: its name and logo (on briefings and reports), the month its
year starts (the report's quarters and years) and the name of this installation (in audit
packs). The logo is kept in the database, not as a path, so that it travels with the database
and every laptop prints the same. Reading them needs no service: reporting/partnership.py holds
the read side; this module checks rights and saves."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import TYPE_CHECKING, Any

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Setting
from audit_tool.reporting.partnership import PartnershipSettings, current, read
from audit_tool.services import changelog

if TYPE_CHECKING:
    from audit_tool.store import Database

MAX_LOGO_BYTES = 1_000_000
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def store(session: Any, values: dict[str, str]) -> None:
    """Write key/value settings inside the caller's transaction (the caller logs the change)."""
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
    session.flush()


def partnership(db: Database, actor: Actor | None = None) -> PartnershipSettings:
    """The settings (anyone may read them: they are printed on every briefing)."""
    if actor is not None:
        require(actor, "reference.view")
    return current(db)


def logo_kind(data: bytes) -> str | None:
    return next((kind for sig, kind in _SIGNATURES.items() if data.startswith(sig)), None)


def save_partnership(
    db: Database,
    actor: Actor,
    *,
    name: str,
    installation_name: str,
    logo: bytes | None,
    year_start_month: int | None = None,
) -> PartnershipSettings:
    """Save the name, the installation's name, the logo (None removes it) and the month the
    partnership's year starts (None leaves it as it is)."""
    require(actor, "reference.edit")
    name, installation_name = " ".join(name.split()), " ".join(installation_name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the partnership's name, as it should appear on briefings"
    elif len(name) > 200:
        errors["name"] = "Use at most 200 characters"
    if len(installation_name) > 200:
        errors["installation_name"] = "Use at most 200 characters"
    if logo is not None:
        if len(logo) > MAX_LOGO_BYTES:
            errors["logo"] = f"The logo is {len(logo) // 1024:,} KB; use one under 1,000 KB"
        elif logo_kind(logo) is None:
            errors["logo"] = "The logo must be a PNG or JPEG picture"
        else:
            try:
                from reportlab.lib.utils import ImageReader

                ImageReader(BytesIO(logo)).getSize()
            except Exception:  # noqa: BLE001 - any failure means the file is unusable
                errors["logo"] = "The logo file is damaged and cannot be read"
    if year_start_month is not None and (
        isinstance(year_start_month, bool)
        or not isinstance(year_start_month, int)
        or not 1 <= year_start_month <= 12
    ):
        errors["year_start_month"] = "Choose the month the year starts, January to December"
    if errors:
        raise ValidationError("The settings were not saved: " + "; ".join(errors.values()), errors)
    with db.transaction() as session:
        before = read(session)
        values = {
            "partnership_name": name,
            "installation_name": installation_name,
            "logo_png": base64.b64encode(logo).decode("ascii") if logo else "",
            "year_start_month": str(
                year_start_month if year_start_month is not None else before.year_start_month
            ),
        }
        store(session, values)
        after = read(session)
        changelog.record_changes(
            session,
            actor,
            "settings",
            None,
            _summary(before),
            _summary(after),
            summary="Partnership settings changed",
        )
        return after


def _summary(s: PartnershipSettings) -> dict[str, Any]:
    return {
        "partnership_name": s.name,
        "installation_name": s.installation_name,
        "logo": f"<{len(s.logo)} bytes>" if s.logo else None,
        "year_start_month": s.year_start_month,
    }
