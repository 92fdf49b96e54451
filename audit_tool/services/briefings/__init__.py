"""7-minute learning briefings: drafted from moderated audits, edited by a lead, checked for
identifying details, exported, published (frozen) and recorded where used.

A briefing covers a set of final audits: a programme's, those touching a theme, or a set picked
by hand. Each of its seven sections is drafted from those audits and then freely edited;
"redraft" refreshes one section from current data without touching the others. Before any
export or publication the whole text is checked for case references, the initials of its
cases and the names of people held in the database; a lead may allow a particular hit with a
reason (recorded). Publishing freezes the text and the PDF bytes with their hash; a new draft
version can be made from a published one. Teams' returned action-plan pages fill the register
of where the briefing was used.

The package keeps one module per job: records (the sections, what callers get, reading),
drafting (from the audits), with method (how each kind of audit was done, for the background),
themes (the theme's learning points, why it matters, the current actions on it) and budget
(each drafted section within the page-one word budget), editing (the text and the
identifying-details check) and publishing (export, publication, versions, where it was
used). The public API is imported here, so callers write `briefings.new_briefing(...)`.
"""

from __future__ import annotations

from audit_tool.services.briefings.drafting import (
    DEFAULT_AUDIENCE,
    REFLECTION_QUESTIONS,
    count_source_audits,
    new_briefing,
)
from audit_tool.services.briefings.editing import allow, check, redraft_section, save_briefing
from audit_tool.services.briefings.publishing import (
    ExportResult,
    deliveries,
    export_briefing,
    new_version,
    publish,
    record_delivery,
)
from audit_tool.services.briefings.records import (
    HEADINGS,
    SECTION_KEYS,
    SECTIONS,
    STATUS_LABELS,
    WORD_BUDGET,
    BriefingRow,
    BriefingView,
    DeliveryRow,
    Override,
    get_briefing,
    latest_for_programme,
    list_briefings,
)

__all__ = [
    "BriefingRow",
    "BriefingView",
    "DEFAULT_AUDIENCE",
    "DeliveryRow",
    "ExportResult",
    "HEADINGS",
    "Override",
    "REFLECTION_QUESTIONS",
    "SECTIONS",
    "SECTION_KEYS",
    "STATUS_LABELS",
    "WORD_BUDGET",
    "allow",
    "check",
    "count_source_audits",
    "deliveries",
    "export_briefing",
    "get_briefing",
    "latest_for_programme",
    "list_briefings",
    "new_briefing",
    "new_version",
    "publish",
    "record_delivery",
    "redraft_section",
    "save_briefing",
]
