"""Complaints and compliments over the two years, with the patterns a QA lead looks for:
"communication" rising quarter on quarter until it is the theme most complaints raise, and
one team (Assessment Team South) answering late far more often than the rest. Each complaint
has one to six points (about 3.4 on average, as in the partnership's "13 complaints covering 44
points"), mostly at stage 1; some are answered jointly with health; about half carry a
learning point and some an action. Compliments come from parents, young people and
professionals, most of them shareable, and name nobody."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Table, func, select

from audit_tool.models import (
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
from audit_tool.reporting.working_days import add_working_days
from audit_tool.services.demo.audits import _Audits
from audit_tool.services.demo.base import ACTION_T, _Rows, _t
from audit_tool.services.demo.people import TEAMS

COMPLAINT_T, PARTNER_T, POINT_T = _t(Complaint), _t(ComplaintAgency), _t(ComplaintPoint)
POINT_THEME_T, C_LEARNING_T = _t(ComplaintPointTheme), _t(ComplaintLearning)
C_LEARNING_THEME_T, C_ACTION_T = _t(ComplaintLearningTheme), _t(ComplaintAction)
COMPLIMENT_T, COMPLIMENT_THEME_T = _t(Compliment), _t(ComplimentTheme)
COMPLAINT_TABLES: tuple[Table, ...] = (
    COMPLAINT_T,
    PARTNER_T,
    POINT_T,
    POINT_THEME_T,
    C_LEARNING_T,
    C_LEARNING_THEME_T,
    C_ACTION_T,
    COMPLIMENT_T,
    COMPLIMENT_THEME_T,
)
LATE_TEAM = "assessment_south"
RISING = "communication"
DAYS = {"stage1": 10, "stage2": 25, "ombudsman": 20}  # services.complaints.rules.DEFAULT_DAYS
# theme -> (what a point about it says, a learning point, an action)
THEMES = {
    "communication": (
        "Calls and e-mails were not returned",
        "Agree with parents how and when they will hear back, and keep to it",
        "Remind teams of the 48-hour call-back standard",
    ),
    "delay": (
        "The assessment took longer than the family was told",
        "Tell families early when a timescale will slip, and why",
        "Review allocation waiting times at the monthly performance meeting",
    ),
    "plans": (
        "The plan was not shared with the family",
        "Give every family a copy of the plan in plain language",
        "Add a family copy check to the supervision template",
    ),
    "staff conduct": (
        "The family felt they were not listened to at a visit",
        "Reflect on the family's experience in supervision",
        "Offer a reflective session on respectful challenge",
    ),
    "contact arrangements": (
        "Family time was cancelled at short notice",
        "Explain changes to family time in person, not by text",
        "Audit cancelled family time for the quarter",
    ),
    "information sharing": (
        "Information was shared without the parent being told",
        "Explain to parents what will be shared and with whom",
        "Refresh the information-sharing guidance for front-line staff",
    ),
    "ehcp timeliness": (
        "The EHC plan was issued after the 20-week deadline",
        "Track advice requests weekly so delays are seen early",
        "Escalate late health advice through the DCO",
    ),
}
COMPLIMENTS = (
    ("parent", "The worker listened and explained every step of the plan", "communication"),
    ("parent", "Visits were always on time and the worker kept in touch", "communication"),
    ("young_person", "My worker helped me say what I wanted at my meeting", "voice of the child"),
    ("carer", "The team sorted out family time quickly and kindly", "contact arrangements"),
    (
        "professional",
        "Clear and timely information sharing before the conference",
        "information sharing",
    ),
    ("parent", "The EHC plan really describes my child and what helps them", "plans"),
    ("professional", "Excellent joint working on a complex case", "multi-agency working"),
)
ROLES = ("parent", "carer", "young_person", "professional", "child")


class _Complaints(_Audits):
    """The complaints and compliments stage, run after the audits."""

    def _complaints(self, n: int) -> dict[str, int]:
        for table in COMPLAINT_TABLES:
            top = self.session.scalar(select(func.max(table.c.id)))
            self.next_id[table.name] = int(top or 0) + 1
        rows = _Rows((*COMPLAINT_TABLES[:6], ACTION_T, C_ACTION_T, *COMPLAINT_TABLES[7:]))
        for _ in range(n):
            self._complaint(rows)
        compliments = round(n * 1.6)
        for _ in range(compliments):
            self._compliment(rows)
        rows.flush(self.session)
        return {"complaints": n, "compliments": compliments}

    def _theme(self, day: int) -> str:
        """Communication's share grows from a tenth to over half across the two years."""
        progress = (day - self.window_ord) / max(1, self.today_ord - self.window_ord)
        if self.rng.random() < 0.1 + 0.45 * progress**2:
            return RISING
        return self.rng.choice([t for t in THEMES if t != RISING])

    def _complaint(self, rows: _Rows) -> None:
        rng = self.rng
        day = rng.randint(self.window_ord, self.today_ord - 1)
        team = rng.randrange(len(TEAMS))
        spec = TEAMS[team]
        stage = rng.choices(("stage1", "stage2", "ombudsman"), (85, 12, 3))[0]
        received = date.fromordinal(day)
        due = add_working_days(received, DAYS[stage])
        late = spec.key == LATE_TEAM
        answer_days = rng.randint(3, 11) if not late else rng.randint(9, 26)
        answered = add_working_days(received, answer_days if rng.random() < 0.9 else 40)
        responded = answered if answered.toordinal() < self.today_ord else None
        complaint_id = self._id(COMPLAINT_T)
        stamp = self._at(day)
        case = self._case_of(team) if rng.random() < 0.35 else None
        rows.add(
            COMPLAINT_T,
            {
                "id": complaint_id,
                "uuid": self._uuid(),
                "reference": f"CMP-{received.year}-{complaint_id:04d}",
                "received_on": received,
                "agency_id": self.agency_id[spec.agency],
                "team_id": self.team_id[team],
                "stage": stage,
                "case_id": case,
                "summary": "",
                "outcome": rng.choices(("upheld", "partly_upheld", "not_upheld"), (30, 35, 35))[0]
                if responded
                else None,
                "due_on": due,
                "responded_on": responded,
                "author_id": self.people[self.business_unit].id,
                "redacted_at": None,
                "revision": 1,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        if spec.agency != "health" and rng.random() < 0.1:
            rows.add(
                PARTNER_T,
                {
                    "id": self._id(PARTNER_T),
                    "complaint_id": complaint_id,
                    "agency_id": self.agency_id["health"],
                },
            )
        themes = self._points(rows, complaint_id, day)
        if rng.random() < 0.5:
            self._complaint_learning(rows, complaint_id, themes[0], stamp)
            if rng.random() < 0.4:
                self._complaint_action(rows, complaint_id, team, themes[0], day, stamp)

    def _case_of(self, team: int) -> int | None:
        candidates = [i for i, t in enumerate(self.case_team) if t == team]
        if not candidates:
            return None
        return self.case_first_id + self.rng.choice(candidates)

    def _points(self, rows: _Rows, complaint_id: int, day: int) -> list[str]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5, 6), (14, 18, 22, 20, 16, 10))[0]
        first = self._theme(day)
        themes = [first]
        for position in range(count):
            theme = first if position == 0 else self._theme(day)
            themes.append(theme)
            point_id = self._id(POINT_T)
            rows.add(
                POINT_T,
                {
                    "id": point_id,
                    "complaint_id": complaint_id,
                    "position": position,
                    "text": THEMES[theme][0],
                },
            )
            rows.add(
                POINT_THEME_T,
                {"id": self._id(POINT_THEME_T), "point_id": point_id, "theme": theme},
            )
        return themes

    def _complaint_learning(self, rows: _Rows, complaint_id: int, theme: str, stamp: Any) -> None:
        learning_id = self._id(C_LEARNING_T)
        rows.add(
            C_LEARNING_T,
            {
                "id": learning_id,
                "uuid": self._uuid(),
                "complaint_id": complaint_id,
                "kind": "development",
                "text": THEMES[theme][1],
                "in_briefing": True,
                "author_id": self.people[self.business_unit].id,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        rows.add(
            C_LEARNING_THEME_T,
            {"id": self._id(C_LEARNING_THEME_T), "learning_id": learning_id, "theme": theme},
        )

    def _complaint_action(
        self, rows: _Rows, complaint_id: int, team: int, theme: str, day: int, stamp: Any
    ) -> None:
        rng = self.rng
        due = day + rng.randint(20, 60)
        done = due < self.today_ord and rng.random() < 0.8
        owner = self.manager_of[team]
        action_id = self._id(ACTION_T)
        closed = min(self.today_ord, due - rng.randint(0, 10))
        rows.add(
            ACTION_T,
            {
                "id": action_id,
                "uuid": self._uuid(),
                "audit_id": None,
                "text": THEMES[theme][2],
                "owner_id": self.people[owner].id,
                "due_on": date.fromordinal(due),
                "status": "done" if done else "open",
                "scope": "service",
                "completed_on": date.fromordinal(closed) if done else None,
                "completed_by_id": self.people[owner].id if done else None,
                "completion_note": "Done and shared at the team meeting" if done else "",
                "author_id": self.people[self.business_unit].id,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        rows.add(
            C_ACTION_T,
            {"id": self._id(C_ACTION_T), "complaint_id": complaint_id, "action_id": action_id},
        )

    def _compliment(self, rows: _Rows) -> None:
        rng = self.rng
        day = rng.randint(self.window_ord, self.today_ord - 1)
        team = rng.randrange(len(TEAMS))
        role, summary, theme = rng.choice(COMPLIMENTS)
        compliment_id = self._id(COMPLIMENT_T)
        stamp = self._at(day)
        rows.add(
            COMPLIMENT_T,
            {
                "id": compliment_id,
                "uuid": self._uuid(),
                "received_on": date.fromordinal(day),
                "agency_id": self.agency_id[TEAMS[team].agency],
                "team_id": self.team_id[team],
                "from_role": role if rng.random() < 0.8 else rng.choice(ROLES),
                "summary": summary,
                "shareable": rng.random() < 0.7,
                "author_id": self.people[self.business_unit].id,
                "redacted_at": None,
                "revision": 1,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        rows.add(
            COMPLIMENT_THEME_T,
            {"id": self._id(COMPLIMENT_THEME_T), "compliment_id": compliment_id, "theme": theme},
        )
