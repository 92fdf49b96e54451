"""Domain errors: every failure a user can fix is an AuditToolError with a readable message."""

from __future__ import annotations


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
    """A record changed since the caller read it."""


class DatabaseError(AuditToolError):
    """The database cannot be opened or is not one of ours."""


class Cancelled(AuditToolError):
    """The user (or a progress callback) asked a long job to stop; nothing was written."""


class EncryptionKeyError(DatabaseError):
    """An encrypted database was opened without its passphrase, or with a wrong one."""
