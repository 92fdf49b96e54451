"""Moderation: who moderates an audit, the moderation of a final audit with its answers, and
why a moderated grade differs from the auditors'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from audit_tool.services.demo.base import MODERATION_ANSWER_T, MODERATION_T, _Rows
from audit_tool.services.demo.grades import GRADE_KEYS, _answer, _Template
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

    def _moderate(
        self,
        rows: _Rows,
        audit_id: int,
        tpl: _Template,
        truth: list[Any],
        kind: str,
        moderator: int,
        review_overalls: list[int],
        review_values: list[list[Any]],
        latest_submit: int,
    ) -> tuple[int, datetime]:
        """The moderation of a final audit, grading the file as it really is, with its
        answers; returns the final grade and when the moderation was completed."""
        rng = self.rng
        items = tpl.items
        final_overall = self._overall(tpl, truth, 0.0)
        done_at = self._at(latest_submit + rng.randint(1, 14), 300, 480)
        moderation_id = self._id(MODERATION_T)
        rationale = ""
        if any(o != final_overall for o in review_overalls) or len(set(review_overalls)) > 1:
            rationale = rng.choice(RATIONALES).format(item=self._widest(tpl, review_values))
        rows.add(
            MODERATION_T,
            {
                "id": moderation_id,
                "uuid": self._uuid(),
                "audit_id": audit_id,
                "moderator_id": self.people[moderator].id,
                "completed_at": done_at,
                "overall": GRADE_KEYS[final_overall],
                "rationale": rationale,
                "panel_summary": rng.choice(PANEL_SUMMARIES) if kind == "multi_agency" else "",
                "created_at": min(done_at, self._at(latest_submit, 300, 480)),
                "updated_at": done_at,
            },
        )
        first = self._ids(MODERATION_ANSWER_T, len(items))
        rows.raw(MODERATION_ANSWER_T).extend(
            (first + j, moderation_id, item.key, _answer(item, value), "")
            for j, (item, value) in enumerate(zip(items, truth, strict=True))
        )
        return final_overall, done_at
