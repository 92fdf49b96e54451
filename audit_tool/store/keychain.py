"""The operating system's keyring (via keyring), for secrets the user chose to keep on this
computer: database passphrases, team-server passwords, the key of local drafts. A missing or
broken keyring is an ordinary situation: reads give None, writes say False, nothing raises."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def _keyring() -> Any:
    import keyring  # loaded when a secret is first needed, not at start-up

    return keyring


def available() -> bool:
    try:
        return float(_keyring().get_keyring().priority) > 0
    except Exception:  # noqa: BLE001 - no usable keyring
        return False


def get(service: str, user: str) -> str | None:
    """The secret kept for (service, user), or None (none kept, or no keyring)."""
    try:
        value = _keyring().get_password(service, user)
    except Exception as exc:  # noqa: BLE001 - a broken keyring must not stop the app
        log.info("Nothing from the keyring for %s: %s", service, exc)
        return None
    return value if isinstance(value, str) and value else None


def put(service: str, user: str, secret: str) -> bool:
    try:
        _keyring().set_password(service, user, secret)
    except Exception as exc:  # noqa: BLE001
        log.warning("Could not keep a secret of %s in the keyring: %s", service, exc)
        return False
    return True


def forget(service: str, user: str) -> bool:
    try:
        _keyring().delete_password(service, user)
    except Exception:  # noqa: BLE001 - nothing stored is fine
        return False
    return True
