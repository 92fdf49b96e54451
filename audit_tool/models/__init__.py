"""SQLAlchemy models, one module per aggregate.

Models load on first use (`from audit_tool.models import Case` imports only the modules that
Case needs), so that start-up does not pay for mapping every table. Relationships only point
from a model to the ones it depends on, never back, which is what makes this safe. Anything
that needs the whole schema (create_all, Alembic, metadata comparison) calls `load_all()`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from audit_tool.models.base import Base

if TYPE_CHECKING:
    from audit_tool.models.audits import (
        Audit,
        Moderation,
        ModerationAnswer,
        Programme,
        Review,
        ReviewAnswer,
        UrgentConcern,
    )
    from audit_tool.models.briefings import Briefing, BriefingDelivery
    from audit_tool.models.case_fields import CaseField, CaseFieldValue
    from audit_tool.models.cases import Case
    from audit_tool.models.changelog import ChangeLogEntry, ChangeLogHead
    from audit_tool.models.complaints import (
        Complaint,
        ComplaintAction,
        ComplaintAgency,
        ComplaintLearning,
        ComplaintLearningTheme,
        ComplaintPoint,
        ComplaintPointTheme,
        Compliment,
        ComplimentTheme,
    )
    from audit_tool.models.coordination import Checkout, Claim
    from audit_tool.models.editions import ReportEdition
    from audit_tool.models.learning import (
        Action,
        Feedback,
        FeedbackAnswer,
        FeedbackQuestion,
        LearningPoint,
        LearningTheme,
        WorkerFeedback,
    )
    from audit_tool.models.monthly import MonthlyExpectation, MonthlyRun
    from audit_tool.models.notices import Notice
    from audit_tool.models.reference import Agency, Person, PersonRole, Setting, Team
    from audit_tool.models.report_counts import ReportAnswerCount
    from audit_tool.models.templates import AuditTemplate, GradingScale, ScaleLevel, TemplateItem

_MODULES = (
    "reference",
    "cases",
    "case_fields",
    "templates",
    "audits",
    "learning",
    "briefings",
    "changelog",
    "coordination",
    "notices",
    "editions",
    "report_counts",
    "complaints",
    "monthly",
)

_WHERE = {
    **dict.fromkeys(
        (
            "Audit",
            "Moderation",
            "ModerationAnswer",
            "Programme",
            "Review",
            "ReviewAnswer",
            "UrgentConcern",
        ),
        "audits",
    ),
    "Briefing": "briefings",
    "BriefingDelivery": "briefings",
    "Case": "cases",
    "CaseField": "case_fields",
    "CaseFieldValue": "case_fields",
    "ChangeLogEntry": "changelog",
    "ChangeLogHead": "changelog",
    "Checkout": "coordination",
    "Claim": "coordination",
    "Notice": "notices",
    "ReportEdition": "editions",
    "ReportAnswerCount": "report_counts",
    **dict.fromkeys(
        (
            "Complaint",
            "ComplaintAction",
            "ComplaintAgency",
            "ComplaintLearning",
            "ComplaintLearningTheme",
            "ComplaintPoint",
            "ComplaintPointTheme",
            "Compliment",
            "ComplimentTheme",
        ),
        "complaints",
    ),
    "MonthlyExpectation": "monthly",
    "MonthlyRun": "monthly",
    **dict.fromkeys(
        (
            "Action",
            "Feedback",
            "FeedbackAnswer",
            "FeedbackQuestion",
            "LearningPoint",
            "LearningTheme",
            "WorkerFeedback",
        ),
        "learning",
    ),
    **dict.fromkeys(("Agency", "Person", "PersonRole", "Setting", "Team"), "reference"),
    **dict.fromkeys(("AuditTemplate", "GradingScale", "ScaleLevel", "TemplateItem"), "templates"),
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'audit_tool.models' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"audit_tool.models.{module}"), name)
    globals()[name] = value
    return value


def load_all() -> type[Base]:
    """Import every model module so that Base.metadata holds the whole schema."""
    for module in _MODULES:
        importlib.import_module(f"audit_tool.models.{module}")
    return Base


__all__ = [
    "Action",
    "Agency",
    "Audit",
    "AuditTemplate",
    "Base",
    "Briefing",
    "BriefingDelivery",
    "Case",
    "CaseField",
    "CaseFieldValue",
    "ChangeLogEntry",
    "ChangeLogHead",
    "Checkout",
    "Claim",
    "Complaint",
    "ComplaintAction",
    "ComplaintAgency",
    "ComplaintLearning",
    "ComplaintLearningTheme",
    "ComplaintPoint",
    "ComplaintPointTheme",
    "Compliment",
    "ComplimentTheme",
    "Feedback",
    "FeedbackAnswer",
    "FeedbackQuestion",
    "GradingScale",
    "LearningPoint",
    "LearningTheme",
    "Moderation",
    "ModerationAnswer",
    "MonthlyExpectation",
    "MonthlyRun",
    "Notice",
    "Person",
    "PersonRole",
    "Programme",
    "ReportEdition",
    "ReportAnswerCount",
    "Review",
    "ReviewAnswer",
    "ScaleLevel",
    "Setting",
    "Team",
    "TemplateItem",
    "UrgentConcern",
    "WorkerFeedback",
]
