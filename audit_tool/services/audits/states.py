"""An audit's status: the labels, the table of allowed transitions, and the one move
through it (anything outside TRANSITIONS is refused)."""

from __future__ import annotations

from audit_tool.errors import ValidationError
from audit_tool.models import Audit

STATUS_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "in_moderation": "Ready to moderate",
    "returned": "Returned to an auditor",
    "final": "Final",
}
# (from, to) -> what causes it. Nothing else may change an audit's status.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "in_review"): "auditors assigned",
    ("in_review", "in_moderation"): "every review submitted",
    ("in_review", "final"): "the single review submitted",
    ("in_moderation", "returned"): "moderator returned a review",
    ("returned", "in_moderation"): "returned review submitted again",
    ("in_moderation", "final"): "moderator confirmed the final grades",
    ("final", "in_moderation"): "QA lead reopened the audit",
}
MODERATED_KINDS = ("looped", "multi_agency", "send")
YES_NO = ("yes", "no", "not_applicable")
NOT_APPLICABLE = "not_applicable"


def move(audit: Audit, to: str) -> None:
    """Change the audit's status, refusing any change not in TRANSITIONS."""
    if (audit.status, to) not in TRANSITIONS:
        raise ValidationError(
            f"An audit that is {STATUS_LABELS[audit.status].lower()} cannot become "
            f"{STATUS_LABELS[to].lower()}"
        )
    audit.status = to
