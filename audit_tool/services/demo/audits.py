"""One audit: its status for its age, its auditors, their reviews and answers, the
moderation, feedback to the worker and what was learned."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from audit_tool.services.demo.base import (
    AUDIT_T,
    REVIEW_ANSWER_T,
    REVIEW_T,
    WORKER_FEEDBACK_T,
    _Rows,
)
from audit_tool.services.demo.grades import GRADE_KEYS, STRENGTHS, _answer, _Template
from audit_tool.services.demo.moderation import _Moderation
from audit_tool.services.demo.programmes import _Programme

_AGENCY_OFFSET = {
    "csc": 0.0,
    "police": 0.15,
    "health": 0.0,
    "education": 0.2,
    "early_help": -0.05,
    "send": 0.25,
}
_PART_AGENCY = {"education": "education", "health": "health", "social_care": "csc"}
_PART_OFFSET = {"education": 0.15, "health": -0.1, "social_care": 0.1}


RETURN_COMMENTS = (
    "Please add the evidence for the management oversight grade.",
    "The overall grade does not match the sub grades; please review.",
    "Please complete the Signs of Safety analysis before resubmitting.",
)
FEEDBACK_HOW = ("Face to face", "In supervision", "By email", "At a team meeting", "By phone")


class _Audits(_Moderation):
    """Each planned audit with everything recorded in it."""

    def _status(self, kind: str, age: int) -> str:
        rng = self.rng
        if age > 42:
            return "final"
        if kind == "single":
            return "draft" if age < 5 or rng.random() < 0.3 else "final"
        if age < 7:
            return rng.choice(("draft", "draft", "in_review", "in_review", "in_review"))
        if age < 21:
            return rng.choices(
                ("draft", "in_review", "in_moderation", "returned", "final"), (1, 4, 3, 1, 2)
            )[0]
        return rng.choices(("in_review", "in_moderation", "returned", "final"), (1, 3, 1, 6))[0]

    def _pick_auditors(self, team: int, k: int, exclude: set[int]) -> list[int]:
        people, weights = self.auditors_for[team]
        chosen: list[int] = []
        for _ in range(100):
            p = self.rng.choices(people, weights=weights)[0]
            if p not in chosen and p not in exclude:
                chosen.append(p)
                if len(chosen) == k:
                    return chosen
        spare = [p for p in people if p not in chosen and p not in exclude]
        return chosen + spare[: k - len(chosen)]

    def _audit(
        self, entry: tuple[int, str, int, int], programmes: list[_Programme], rows: _Rows
    ) -> None:
        rng = self.rng
        prog_index, kind, c, day = entry
        prog = programmes[prog_index]
        tpl = self.templates[prog.template]
        team = self.case_team[c]
        case_people = {self.case_worker[c], self.manager_of[team]}
        age = self.today_ord - day
        status = self._status(kind, age)
        mu = self._quality(team, day) + rng.gauss(0.0, 0.45)
        truth = self._truth(tpl, mu)
        audit_id = self._id(AUDIT_T)
        audit_uuid = self._uuid()
        slots, moderator = self._slots(kind, c, team, case_people)
        created = self._at(day, 0, 60)
        review_overalls, review_values, latest_submit, last = self._reviews(
            rows, audit_id, tpl, truth, kind, status, slots, day, created
        )
        final_overall: int | None = None
        finalised_at: datetime | None = None
        if status == "final":
            if kind == "single":
                final_overall = review_overalls[0] if review_overalls else None
                finalised_at = last
            else:
                assert moderator is not None
                final_overall, finalised_at = self._moderate(
                    rows,
                    audit_id,
                    tpl,
                    truth,
                    kind,
                    moderator,
                    review_overalls,
                    review_values,
                    latest_submit,
                )
                last = max(last, finalised_at)
            if finalised_at is not None:
                self._worker_feedback(rows, audit_id, finalised_at)
                final_values = review_values[0] if kind == "single" else truth
                self._learning(
                    rows,
                    audit_id,
                    c,
                    prog,
                    tpl,
                    final_values,
                    day,
                    finalised_at,
                    [slot[0] for slot in slots],
                    moderator,
                )
        rows.add(
            AUDIT_T,
            {
                "id": audit_id,
                "uuid": audit_uuid,
                "case_id": self.case_first_id + c,
                "programme_id": prog.id,
                "template_id": tpl.id,
                "kind": kind,
                "status": status,
                "moderator_id": self.people[moderator].id if moderator is not None else None,
                "due_on": max(prog.due_on, date.fromordinal(day + 28)),
                "final_overall": GRADE_KEYS[final_overall] if final_overall else None,
                "finalised_at": finalised_at,
                "revision": 1,
                "created_at": created,
                "updated_at": last,
            },
        )

    def _slots(
        self, kind: str, c: int, team: int, case_people: set[int]
    ) -> tuple[list[tuple[int, str, str | None, float]], int | None]:
        """Who reviews the audit, as (reviewer, agency key, part, kindness bias), and who
        moderates it: two auditors and a moderator for a looped audit, one auditor for a
        single one, an auditor per agency for a multi-agency or SEND audit."""
        rng = self.rng
        slots: list[tuple[int, str, str | None, float]] = []
        moderator: int | None = None
        if kind in ("looped", "single"):
            reviewers = self._pick_auditors(team, 2 if kind == "looped" else 1, case_people)
            for p in reviewers:
                bias = -0.8 if p == self.generous else 0.0
                slots.append((p, self.people[p].agency, None, bias))
            if kind == "looped":
                moderator = self._pick_moderator(team, set(reviewers) | case_people)
        elif kind == "multi_agency":
            moderator = rng.choice(self.qa_leads)
            agencies = ["csc", "police", "health", "education"]
            if rng.random() < 0.5:
                agencies.append("early_help")
            if self.case_type[c] == "send":
                agencies.append("send")
            for agency in agencies:
                options = [
                    p
                    for p in self.agency_auditors[agency]
                    if p not in case_people and p != moderator
                ]
                if options:
                    slots.append((rng.choice(options), agency, None, _AGENCY_OFFSET[agency]))
        else:  # send
            moderator = (
                self.group_manager["SEND"] if rng.random() < 0.7 else rng.choice(self.qa_leads)
            )
            for send_part, agency in _PART_AGENCY.items():
                options = [
                    p
                    for p in self.agency_auditors[agency]
                    if p not in case_people and p != moderator
                ]
                slots.append((rng.choice(options), agency, send_part, _PART_OFFSET[send_part]))
        return slots, moderator

    def _submitted(self, status: str, n: int) -> tuple[list[bool], int]:
        """Which of the `n` reviews are submitted, given the audit's status, and which one
        was returned (-1: none)."""
        rng = self.rng
        submitted = [True] * n
        returned = -1
        if status == "draft":
            submitted = [False] * n
        elif status == "in_review":
            cut = rng.randint(1, max(1, n - 1)) if n > 1 else 0
            submitted = [i < cut for i in range(n)]
        elif status == "returned":
            returned = rng.randrange(n)
        return submitted, returned

    def _reviews(
        self,
        rows: _Rows,
        audit_id: int,
        tpl: _Template,
        truth: list[Any],
        kind: str,
        status: str,
        slots: list[tuple[int, str, str | None, float]],
        day: int,
        created: datetime,
    ) -> tuple[list[int], list[list[Any]], int, datetime]:
        """Each slot's review and its answers. Returns the submitted reviews' overall grades
        and answers, the day of the last submission, and when the audit last changed."""
        rng = self.rng
        last = created
        submitted, returned = self._submitted(status, len(slots))
        review_answers = rows.raw(REVIEW_ANSWER_T)
        review_overalls: list[int] = []
        review_values: list[list[Any]] = []
        latest_submit = day
        items = tpl.items
        for i, (person, agency, part, bias) in enumerate(slots):
            values = self._reviewed(tpl, truth, bias)
            review_id = self._id(REVIEW_T)
            sub_day = min(self.today_ord, day + rng.randint(1, 12))
            is_done = submitted[i]
            answered = len(items) if is_done else rng.randint(0, len(items))
            overall: int | None = None
            texts = ("", "", "")
            submitted_at: datetime | None = None
            if is_done:
                overall = self._overall(tpl, values, rng.gauss(0.0, 0.15))
                if bias < 0 and kind in ("looped", "single") and overall > 1 and rng.random() < 0.3:
                    overall -= 1
                texts = self._sos(tpl, values, overall)
                submitted_at = self._at(sub_day, 0, 300)
                latest_submit = max(latest_submit, sub_day)
                review_overalls.append(overall)
                review_values.append(values)
            elif answered:
                texts = (rng.choice(STRENGTHS), "", "")
            updated = submitted_at or self._at(min(self.today_ord, day + rng.randint(0, 5)), 0, 300)
            last = max(last, updated)
            rows.add(
                REVIEW_T,
                {
                    "id": review_id,
                    "uuid": self._uuid(),
                    "audit_id": audit_id,
                    "reviewer_id": self.people[person].id,
                    "agency_id": self.agency_id[agency],
                    "part": part,
                    "status": "returned" if i == returned else "submitted" if is_done else "draft",
                    "submitted_at": submitted_at,
                    "overall": GRADE_KEYS[overall] if overall else None,
                    "strengths": texts[0],
                    "worries": texts[1],
                    "next_steps": texts[2],
                    "return_comment": rng.choice(RETURN_COMMENTS) if i == returned else "",
                    "revision": 1 if not is_done else 2,
                    "created_at": created,
                    "updated_at": updated,
                },
            )
            if answered:
                first = self._ids(REVIEW_ANSWER_T, answered)
                review_answers.extend(
                    (first + j, review_id, items[j].key, _answer(items[j], values[j]), "")
                    for j in range(answered)
                )
        return review_overalls, review_values, latest_submit, last

    def _worker_feedback(self, rows: _Rows, audit_id: int, finalised_at: datetime) -> None:
        """Whether the worker and their manager were told the findings, when and how."""
        rng = self.rng
        to_worker = rng.random() < 0.75
        to_manager = rng.random() < 0.85
        given = None
        if to_worker or to_manager:
            given = date.fromordinal(
                min(self.today_ord, finalised_at.date().toordinal() + rng.randint(0, 10))
            )
        rows.add(
            WORKER_FEEDBACK_T,
            {
                "audit_id": audit_id,
                "given_to_worker": to_worker,
                "given_to_manager": to_manager,
                "given_on": given,
                "how": rng.choice(FEEDBACK_HOW) if given else "",
            },
        )
