"""Moderation: who moderates an audit, and why a moderated grade differs from the
auditors'."""

from __future__ import annotations

from typing import Any

from audit_tool.services.demo.grades import _Template
from audit_tool.services.demo.learning import _Learning
from audit_tool.services.demo.people import TEAMS

RATIONALES = (
    "The auditors differed on {item}. Having read the file, the evidence supports the "
    "moderated grade.",
    "Moderated grade reflects the limited evidence of impact for the child; {item} was "
    "graded more generously by one auditor than the recording supports.",
    "Agreed with the auditors on most areas; {item} moderated after discussion with both auditors.",
    "The overall grade is limited by {item}; strengths elsewhere on the file are noted.",
)
PANEL_SUMMARIES = (
    "Agencies agreed that risk was identified promptly; information sharing before the "
    "strategy discussion was inconsistent.",
    "The child's voice was heard by school and health but not carried into the child "
    "protection conference.",
    "Good attendance at the strategy discussion; police and health checks were not always "
    "recorded by children's social care.",
    "Panel agreed the multi-agency response was proportionate; timeliness of notifications "
    "from police needs to improve.",
)


class _Moderation(_Learning):
    """Moderators and the moderation's rationale."""

    def _pick_moderator(self, team: int, exclude: set[int]) -> int:
        rng = self.rng
        gm = self.group_manager[TEAMS[team].service_area]
        if gm not in exclude and rng.random() < 0.8:
            return gm
        options = [p for p in self.qa_leads if p not in exclude]
        if not options:
            options = [p for p in self.group_manager.values() if p not in exclude]
        return rng.choice(options)

    @staticmethod
    def _widest(tpl: _Template, review_values: list[list[Any]]) -> str:
        """The label of the grade item the reviewers disagreed on most."""
        best, label = -1, tpl.items[0].label
        if len(review_values) < 2:
            return label.lower()
        for j, item in enumerate(tpl.items):
            if item.kind != "grade":
                continue
            graded = [v[j] for v in review_values if v[j]]
            if len(graded) > 1 and max(graded) - min(graded) > best:
                best, label = max(graded) - min(graded), item.label
        return label.lower()
