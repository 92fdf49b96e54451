"""audit_tool: multi-agency case-file audits, moderation, learning and briefings."""

__version__ = "0.1.0"
APP_NAME = "Audit Tool"
