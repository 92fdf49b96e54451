"""Who is acting, and which roles may do what (the one table of permissions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from audit_tool.errors import PermissionDenied

ROLE_LABELS = {
    "auditor": "Auditor",
    "moderator": "Moderator",
    "lead": "QA lead",
    "viewer": "Viewer",
}

# operation -> roles allowed. Checked by the services; the GUI only hides what is refused.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.view": frozenset({"auditor", "moderator", "lead"}),
    "case.edit": frozenset({"lead"}),
    "case.import": frozenset({"lead"}),
    "case.export": frozenset({"auditor", "moderator", "lead"}),
    "reference.view": frozenset({"auditor", "moderator", "lead", "viewer"}),
    "reference.edit": frozenset({"lead"}),
    "template.view": frozenset({"auditor", "moderator", "lead"}),
    "template.edit": frozenset({"lead"}),
    "changelog.view": frozenset({"lead"}),
    "retention.run": frozenset({"lead"}),
    "demo.generate": frozenset({"lead"}),
    "programme.view": frozenset({"auditor", "moderator", "lead"}),
    "programme.edit": frozenset({"lead"}),
    "audit.view": frozenset({"auditor", "moderator", "lead"}),
    "audit.assign": frozenset({"lead"}),
    "audit.review": frozenset({"auditor"}),
    "audit.moderate": frozenset({"moderator"}),
    "audit.reopen": frozenset({"lead"}),
    "audit.panel": frozenset({"lead"}),
    "concern.raise": frozenset({"auditor", "moderator", "lead"}),
    "concern.respond": frozenset({"lead", "moderator", "auditor"}),
    "pack.exchange": frozenset({"lead", "moderator"}),
    "feedback.view": frozenset({"auditor", "moderator", "lead"}),
    "feedback.record": frozenset({"auditor", "moderator", "lead"}),
    "feedback.questions": frozenset({"lead"}),
    "learning.view": frozenset({"auditor", "moderator", "lead"}),
    "learning.record": frozenset({"auditor", "moderator", "lead"}),
    "learning.select": frozenset({"lead"}),
    "action.view": frozenset({"auditor", "moderator", "lead"}),
    "action.record": frozenset({"auditor", "moderator", "lead"}),
    "learning.export": frozenset({"moderator", "lead"}),
    "briefing.view": frozenset({"auditor", "moderator", "lead", "viewer"}),
    "briefing.edit": frozenset({"lead"}),
    "briefing.publish": frozenset({"lead"}),
    "briefing.override": frozenset({"lead"}),
    "report.view": frozenset({"auditor", "moderator", "lead", "viewer"}),
    "report.comment": frozenset({"lead"}),
    "report.publish": frozenset({"lead"}),
    # Complaints: QA leads, and the managers (moderators) of the agency concerned.
    "complaint.view": frozenset({"moderator", "lead"}),
    "complaint.record": frozenset({"moderator", "lead"}),
    "complaint.import": frozenset({"lead"}),
    "compliment.view": frozenset({"auditor", "moderator", "lead"}),
    "compliment.record": frozenset({"moderator", "lead"}),
    "account.manage": frozenset({"lead"}),
}

OPERATION_LABELS = {
    "case.view": "view cases",
    "case.edit": "add, change or delete cases",
    "case.import": "import cases",
    "case.export": "export cases",
    "reference.view": "view agencies, teams and people",
    "reference.edit": "change agencies, teams and people",
    "template.view": "view audit templates",
    "template.edit": "change audit templates",
    "changelog.view": "read the change log",
    "retention.run": "set the retention period or remove expired audits' text",
    "demo.generate": "generate demo data",
    "programme.view": "view audit programmes",
    "programme.edit": "create or change audit programmes",
    "audit.view": "view audits",
    "audit.assign": "assign auditors and moderators",
    "audit.review": "complete an audit review",
    "audit.moderate": "moderate audits",
    "audit.reopen": "reopen a final audit",
    "audit.panel": "record a multi-agency panel summary",
    "concern.raise": "raise an urgent safeguarding concern",
    "concern.respond": "respond to an urgent safeguarding concern",
    "pack.exchange": "export or import audit packs",
    "feedback.view": "view service-user feedback",
    "feedback.record": "record service-user feedback",
    "feedback.questions": "change the feedback questions",
    "learning.view": "view learning points",
    "learning.record": "record learning points",
    "learning.select": "choose learning points for briefings",
    "action.view": "view actions",
    "action.record": "raise or update actions",
    "learning.export": "export feedback, learning and actions",
    "briefing.view": "read briefings",
    "briefing.edit": "draft and edit briefings",
    "briefing.publish": "publish briefings",
    "briefing.override": "allow a name or reference in a briefing",
    "report.view": "read reports and the dashboard",
    "report.comment": "write the commentary of a report edition",
    "report.publish": "publish a report edition",
    "complaint.view": "view complaints",
    "complaint.record": "record or change complaints, their learning and actions",
    "complaint.import": "import complaints",
    "compliment.view": "view compliments",
    "compliment.record": "record or change compliments",
    "account.manage": "create, deactivate or reset accounts",
}


@dataclass(frozen=True)
class Actor:
    """The person on whose behalf a service call runs."""

    name: str
    roles: frozenset[str]
    person_id: int | None = None
    key: str | None = None
    agency_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The command line and set-up jobs, until accounts exist: acts as a QA lead."""
        return cls(name=name, roles=frozenset({"lead"}))

    def can(self, operation: str) -> bool:
        return bool(PERMISSIONS[operation] & self.roles)

    @property
    def role_text(self) -> str:
        return ", ".join(ROLE_LABELS[r] for r in sorted(self.roles)) or "no role"


def require(actor: Actor, operation: str) -> None:
    if not actor.can(operation):
        allowed = " or ".join(ROLE_LABELS[r] for r in sorted(PERMISSIONS[operation]))
        raise PermissionDenied(
            f"{actor.name} ({actor.role_text}) may not {OPERATION_LABELS[operation]}; "
            f"that needs the role {allowed}."
        )
