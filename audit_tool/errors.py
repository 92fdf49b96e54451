"""Domain errors: every failure a user can fix is an AuditToolError with a readable message."""

from __future__ import annotations

from datetime import datetime


class AuditToolError(Exception):
    """Base for errors whose message is shown to a user as it is."""


class NotFound(AuditToolError):
    pass


class PermissionDenied(AuditToolError):
    pass


class ValidationError(AuditToolError):
    """Bad input. `fields` maps a field name to the message for that field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, str] = dict(fields or {})


class ConflictError(AuditToolError):
    """A record changed since the caller read it. Where known, `changed_by` and `changed_at`
    say who saved the newer version and when (from the record and its change log), so the
    user can decide whether to reload or keep their own text aside."""

    def __init__(
        self,
        message: str,
        *,
        changed_by: str | None = None,
        changed_at: datetime | None = None,
        entity: str | None = None,
        entity_uuid: str | None = None,
    ) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.entity = entity
        self.entity_uuid = entity_uuid


class DatabaseError(AuditToolError):
    """The database cannot be opened or is not one of ours."""


class Cancelled(AuditToolError):
    """The user (or a progress callback) asked a long job to stop; nothing was written."""


class EncryptionKeyError(DatabaseError):
    """An encrypted database was opened without its passphrase, or with a wrong one."""
