"""Engine and session factory, schema versions and upgrades, backups, encryption, local drafts."""

from audit_tool.store.database import Database, open_database
from audit_tool.store.urls import to_url

__all__ = ["Database", "open_database", "to_url"]
