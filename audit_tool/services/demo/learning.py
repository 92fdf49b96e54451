"""Learning from a final audit: learning points with their themes, and actions with their
owner, due date and outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from audit_tool.services.demo.base import ACTION_T, LEARNING_POINT_T, LEARNING_THEME_T, _Rows
from audit_tool.services.demo.feedback import _Feedback
from audit_tool.services.demo.grades import LEARNING, NEXT_STEPS, _Template
from audit_tool.services.demo.people import TEAMS
from audit_tool.services.demo.programmes import _Programme

ACTION_DONE_NOTES = (
    "Done and checked at supervision.",
    "Updated on the child's record.",
    "Discussed with the family; copy of the plan sent.",
    "Completed at the core group.",
)
ACTION_CANCEL_NOTES = (
    "No longer needed: the case has closed.",
    "Covered by the service-wide action on the same finding.",
    "The child has moved out of the area; learning passed to the new authority.",
)
SERVICE_ACTIONS = (
    "Remind all teams of the 12-weekly case summary standard at the service meeting.",
    "Add chronology and genogram checks to the team manager's supervision template.",
    "Share this learning in the next 7-minute briefing.",
    "Review how copies of plans are sent to families.",
)


class _Learning(_Feedback):
    """Learning points and actions of final audits."""

    def _learning(
        self,
        rows: _Rows,
        audit_id: int,
        c: int,
        prog: _Programme,
        tpl: _Template,
        values: list[Any],
        day: int,
        finalised_at: datetime,
        auditors: list[int],
        moderator: int | None,
    ) -> None:
        """Learning points, actions and service-user feedback for a final audit, each with
        its author: an auditor of the audit (actions: an auditor or the moderator)."""
        rng = self.rng
        final_ord = finalised_at.date().toordinal()
        stamp = finalised_at
        graded = [
            (value, item)
            for item, value in zip(tpl.items, values, strict=True)
            if item.kind == "grade" and value
        ]
        if graded:
            overall = round(sum(v for v, _ in graded) / len(graded))
            ordered = sorted(graded, key=lambda g: (g[0], rng.random()))
            strengths = ordered[: 2 if overall <= 2 else 1]
            developments = [g for g in ordered[::-1][: 1 if overall <= 2 else 2] if g[0] >= 3]
        else:
            overall, strengths, developments = 2, [], []
        team = self.case_team[c]
        people = self.people
        for kind, picks in (("strength", strengths), ("development", developments)):
            for _, item in picks:
                strength, development, themes = LEARNING.get(
                    item.key,
                    (
                        f"Good practice in {item.label.lower()}.",
                        f"{item.label} needs to improve.",
                        (item.label,),
                    ),
                )
                point_id = self._id(LEARNING_POINT_T)
                rows.add(
                    LEARNING_POINT_T,
                    {
                        "id": point_id,
                        "uuid": self._uuid(),
                        "audit_id": audit_id,
                        "kind": kind,
                        "text": strength if kind == "strength" else development,
                        "item_key": item.key,
                        "in_briefing": rng.random() < 0.9,
                        "author_id": people[rng.choice(auditors)].id,
                        "created_at": stamp,
                        "updated_at": stamp,
                    },
                )
                # Tags as the service keeps them: lower case, each once.
                tags = list(dict.fromkeys(t.lower() for t in (*themes, prog.theme or "") if t))
                rows.raw(LEARNING_THEME_T).extend(
                    (self._id(LEARNING_THEME_T), point_id, tag) for tag in tags
                )
                if kind == "development" and rng.random() < 0.6:
                    self._follow_up(rows, audit_id, team, auditors, moderator, final_ord, stamp)
        if rng.random() < 0.35:
            self._feedback(rows, audit_id, c, overall, day, final_ord, rng.choice(auditors))

    def _follow_up(
        self,
        rows: _Rows,
        audit_id: int,
        team: int,
        auditors: list[int],
        moderator: int | None,
        start: int,
        stamp: datetime,
    ) -> None:
        """The action following up an area for development: for the case, owned by the
        team's manager, or now and then for the service, owned by its group manager; raised
        by the moderator or an auditor."""
        rng = self.rng
        service = rng.random() < 0.15
        owner = self.group_manager[TEAMS[team].service_area] if service else self.manager_of[team]
        text_value = rng.choice(SERVICE_ACTIONS) if service else rng.choice(NEXT_STEPS)
        author = moderator if moderator is not None and rng.random() < 0.4 else rng.choice(auditors)
        self._action(rows, audit_id, owner, author, text_value, service, start, stamp)

    def _action(
        self,
        rows: _Rows,
        audit_id: int,
        owner: int,
        author: int,
        text_value: str,
        service: bool,
        start: int,
        stamp: datetime,
    ) -> None:
        rng = self.rng
        due = start + rng.randint(14, 56)
        if due < self.today_ord - 60:
            status = rng.choices(("done", "open", "cancelled"), (93, 2, 5))[0]
        elif due < self.today_ord:  # recently due: some are overdue
            status = rng.choices(("done", "open", "cancelled"), (62, 35, 3))[0]
        else:
            status = "done" if rng.random() < 0.25 else "open"
        # As the service records them: done and cancelled carry a date, who and a note.
        closed: int | None = None
        note = ""
        if status == "done":
            closed = min(self.today_ord, start + rng.randint(3, due - start + 10))
            note = rng.choice(ACTION_DONE_NOTES)
        elif status == "cancelled":
            closed = min(self.today_ord, start + rng.randint(3, due - start))
            note = rng.choice(ACTION_CANCEL_NOTES)
        closer = owner if status == "done" else author
        rows.add(
            ACTION_T,
            {
                "id": self._id(ACTION_T),
                "uuid": self._uuid(),
                "audit_id": audit_id,
                "text": text_value,
                "owner_id": self.people[owner].id,
                "due_on": date.fromordinal(due),
                "status": status,
                "scope": "service" if service else "case",
                "completed_on": None if closed is None else date.fromordinal(closed),
                "completed_by_id": None if closed is None else self.people[closer].id,
                "completion_note": note,
                "author_id": self.people[author].id,
                "created_at": stamp,
                "updated_at": stamp if closed is None else self._at(closed),
            },
        )
