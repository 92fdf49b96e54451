"""The audit workflow: reviews, blindness, moderation and its loop, final grades, concerns.

Every rule of PRODUCT.md section 2 lives here, for the GUI and the command line alike:

- An audit moves through explicit states (TRANSITIONS); anything else is refused.
- Only a review's own auditor edits or submits it, and only while it is a draft or returned.
- Blind: until every review of an audit is submitted, a reviewer sees no other review's grades,
  answers or text, whatever screen or export asks (`get_audit` is the one way to read them).
- Only the audit's moderator moderates: returns a review with a comment (the loop, as often as
  needed; every round stays in the change log), or confirms the final grades, with a rationale
  where the auditors differ or the final differs from them. Confirming locks the audit.
- Only a QA lead reopens a final audit, and only with a reason.
- An urgent safeguarding concern is raised from inside an audit and closed only with a
  recorded response from a QA lead or the case's manager.

The package keeps one module per part of the workflow: states (the transition table),
revisions, views (what callers get), reading (one audit, blind), lists, answers (grading
rules), reviews, moderation, leads (panel summary, reopening) and concerns. The public API is
imported here, so callers write `audits.get_audit(...)`.
"""

from __future__ import annotations

from audit_tool.services.audits.answers import grade_warnings, missing_grades
from audit_tool.services.audits.concerns import (
    ConcernRow,
    audit_concerns,
    list_concerns,
    open_concern_count,
    raise_concern,
    respond_to_concern,
)
from audit_tool.services.audits.leads import record_panel_summary, reopen
from audit_tool.services.audits.lists import OPEN_STATUSES, list_audits
from audit_tool.services.audits.moderation import (
    confirm,
    confirm_problems,
    differences,
    needs_rationale,
    proposal,
    return_review,
    save_moderation,
)
from audit_tool.services.audits.reading import get_audit
from audit_tool.services.audits.reviews import save_review, submit_review
from audit_tool.services.audits.states import STATUS_LABELS, TRANSITIONS
from audit_tool.services.audits.views import (
    Answer,
    AuditListRow,
    AuditView,
    ModerationView,
    ReviewView,
    SubmitResult,
)

__all__ = [
    "Answer",
    "AuditListRow",
    "AuditView",
    "ConcernRow",
    "ModerationView",
    "OPEN_STATUSES",
    "ReviewView",
    "STATUS_LABELS",
    "SubmitResult",
    "TRANSITIONS",
    "audit_concerns",
    "confirm",
    "confirm_problems",
    "differences",
    "get_audit",
    "grade_warnings",
    "list_audits",
    "list_concerns",
    "missing_grades",
    "needs_rationale",
    "open_concern_count",
    "proposal",
    "raise_concern",
    "record_panel_summary",
    "reopen",
    "respond_to_concern",
    "return_review",
    "save_moderation",
    "save_review",
    "submit_review",
]
