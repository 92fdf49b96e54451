"""Complaints and compliments, a learning source beside audits (issue #18): recording them
(records, compliments), lists and figures (listing), the actions raised from complaints
(actions), import from the complaints system's extracts (importing), the stages' timescales
and who sees what (rules), and what a retention run removes from them (retention)."""

from audit_tool.services.complaints.actions import add_complaint_action, complaint_action_rows
from audit_tool.services.complaints.compliments import (
    ComplimentFilter,
    ComplimentInput,
    ComplimentRow,
    check_compliment,
    delete_compliment,
    list_compliments,
    record_compliment,
    shareable_problems,
    update_compliment,
)
from audit_tool.services.complaints.importing import import_complaints, read_complaints
from audit_tool.services.complaints.listing import (
    ComplaintFigures,
    ComplaintFilter,
    complaint_themes,
    figures,
    list_complaints,
)
from audit_tool.services.complaints.records import (
    ComplaintInput,
    ComplaintLearningRow,
    ComplaintRow,
    LearningInput,
    PointInput,
    PointRow,
    check_complaint,
    delete_complaint,
    get_complaint,
    record_complaint,
    update_complaint,
)
from audit_tool.services.complaints.rules import (
    DEFAULT_DAYS,
    FROM_LABELS,
    OUTCOME_LABELS,
    STAGE_LABELS,
    TIMELINESS_LABELS,
    save_timescales,
    timescales,
)

__all__ = [
    "DEFAULT_DAYS",
    "FROM_LABELS",
    "OUTCOME_LABELS",
    "STAGE_LABELS",
    "TIMELINESS_LABELS",
    "ComplaintFigures",
    "ComplaintFilter",
    "ComplaintInput",
    "ComplaintLearningRow",
    "ComplaintRow",
    "ComplimentFilter",
    "ComplimentInput",
    "ComplimentRow",
    "LearningInput",
    "PointInput",
    "PointRow",
    "add_complaint_action",
    "check_complaint",
    "check_compliment",
    "complaint_action_rows",
    "complaint_themes",
    "delete_complaint",
    "delete_compliment",
    "figures",
    "get_complaint",
    "import_complaints",
    "list_complaints",
    "list_compliments",
    "read_complaints",
    "record_complaint",
    "record_compliment",
    "save_timescales",
    "shareable_problems",
    "timescales",
    "update_complaint",
    "update_compliment",
]
