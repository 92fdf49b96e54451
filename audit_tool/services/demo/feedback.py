"""Service-user feedback: what families said about the help, in audits and outside them
(after an assessment or a conference, or an online form)."""

from __future__ import annotations

from datetime import date

from audit_tool.services.demo.base import FEEDBACK_ANSWER_T, FEEDBACK_T, _Rows
from audit_tool.services.demo.people import TEAMS
from audit_tool.services.demo.programmes import _Programmes

# Families' comments, (pleased, not pleased): the tone follows how the family found the help.
# None names a child, a case or a person, so any of them may be marked shareable (the tests
# check each with the privacy rules the app applies before quoting).
_Comments = tuple[tuple[str, ...], tuple[str, ...]]
FEEDBACK_COMMENTS: _Comments = (
    (
        "The social worker listened to us and explained what was happening.",
        "Things are better at home now; the support made a real difference.",
        "My son liked his worker and felt listened to.",
        "Meetings were at times we could make.",
        "The worker was honest with us even when it was hard to hear.",
        "School and the worker talked to each other, which helped.",
    ),
    (
        "I didn't always know who to call when our worker was away.",
        "We never got a copy of the plan.",
        "It took too long to get help at the start.",
        "Too many changes of worker; we had to tell our story again.",
    ),
)
# Feedback gathered outside audits: (where, channel weights phone/face to face/online,
# comments). Conference feedback comes from child protection cases only.
OUTSIDE_FEEDBACK: dict[str, tuple[tuple[int, int, int], _Comments]] = {
    "assessment": (
        (70, 25, 5),
        (
            (
                "The assessment was explained to us and we knew what would happen next.",
                "Our daughter was asked what she thought, and that mattered to her.",
            ),
            (
                "We were not sure what the assessment was for until the very end.",
                "It felt like the same questions were asked by everyone.",
            ),
        ),
    ),
    "conference": (
        (30, 70, 0),
        (
            (
                "The conference was hard, but everyone treated us with respect.",
                "The chair made sure we had our say before any decision was made.",
            ),
            (
                "We only saw the reports on the morning of the conference.",
                "Too many professionals in the room; it was hard to speak.",
            ),
        ),
    ),
    "online": (
        (0, 0, 100),
        (
            (
                "Quick to fill in. Our worker made a real difference this year.",
                "The young people's group helped me feel less alone.",
            ),
            (
                "Nobody called back after we left a message.",
                "Please write plans in plain words.",
            ),
        ),
    ),
}
# Comments that name the worker: kept, never shareable (the app refuses to quote them).
NAMED_COMMENTS = (
    "{name} always rang back when they said they would.",
    "We could not get hold of {name} for weeks.",
)
FEEDBACK_KEYS = (
    "child_views",
    "right_agencies",
    "family_views",
    "copy_of_plan",
    "contactable",
    "positive_difference",
)
# Chance of "yes" by the audit's final grade (outside audits: by how good the team's practice
# is then), how each question differs from that, each team's own lean (how reachable it is,
# how much it involves families), and a partnership-wide improvement from the start of the two
# years to now as asking families became routine.
_FEEDBACK_YES = {1: 0.95, 2: 0.88, 3: 0.74, 4: 0.58}
_FEEDBACK_SHIFT = {
    "child_views": 0.04,
    "right_agencies": 0.03,
    "family_views": 0.02,
    "copy_of_plan": -0.12,
    "contactable": -0.06,
    "positive_difference": 0.0,
}
_FEEDBACK_TEAM = {
    "early_help_north": 0.07,
    "school_nursing": 0.05,
    "through_care": 0.04,
    "children_with_disabilities": 0.03,
    "early_help_south": 0.03,
    "assessment_north": 0.02,
    "fst_north": 0.02,
    "fst_south": -0.03,
    "safeguarding_in_education": -0.02,
    "ehc_assessment": -0.04,
    "public_protection_unit": -0.06,
    "send_casework": -0.07,
    "assessment_south": -0.09,
    "child_exploitation_team": -0.1,
}
_FEEDBACK_TREND = (-0.1, 0.05)  # added to the chance of "yes" two years ago, and now
_OUTSIDE_SHARE = 0.06  # feedback outside audits, per audit generated


def _yes_for_quality(quality: float) -> float:
    """_FEEDBACK_YES between grades: the chance of "yes" where practice is `quality`."""
    low = min(max(int(quality), 1), 3)
    frac = min(max(quality - low, 0.0), 1.0)
    return _FEEDBACK_YES[low] + (_FEEDBACK_YES[low + 1] - _FEEDBACK_YES[low]) * frac


class _Feedback(_Programmes):
    """Families' feedback, in audits and outside them."""

    def _p_yes(self, base: float, team: int, day: int) -> float:
        """The chance of "yes" before each question's own shift (see _FEEDBACK_TEAM)."""
        low, high = _FEEDBACK_TREND
        frac = (day - self.window_ord) / max(1, self.today_ord - self.window_ord)
        return base + _FEEDBACK_TEAM.get(TEAMS[team].key, 0.0) + low + (high - low) * frac

    def _comment(self, c: int, options: _Comments, p_yes: float) -> tuple[str, bool]:
        """A family's comment, if any, and whether it is marked shareable; pleased about as
        often as they answer yes. A few name the worker: kept, but never shareable."""
        rng = self.rng
        if rng.random() >= 0.6:
            return "", False
        pleased = rng.random() < p_yes
        if rng.random() < 0.08:
            first = self.people[self.case_worker[c]].name.split()[0]
            return NAMED_COMMENTS[0 if pleased else 1].format(name=first), False
        return rng.choice(options[0 if pleased else 1]), rng.random() < 0.5

    def _feedback(
        self,
        rows: _Rows,
        audit_id: int,
        c: int,
        overall: int,
        day: int,
        final_ord: int,
        author: int,
    ) -> None:
        rng = self.rng
        case_type = self.case_type[c]
        young = case_type in ("cla", "care_leaver")
        respondent = rng.choices(
            ("parent", "carer", "child", "young_person", "other"),
            (20, 40, 10, 25, 5) if young else (60, 12, 12, 10, 6),
        )[0]
        collected = rng.randint(min(day + 1, final_ord), final_ord)
        feedback_id = self._id(FEEDBACK_T)
        consent = rng.random() < 0.96
        p_base = self._p_yes(_FEEDBACK_YES.get(overall, 0.8), self.case_team[c], collected)
        # Without consent nothing they said is kept (the service refuses it too).
        comment, shareable = self._comment(c, FEEDBACK_COMMENTS, p_base) if consent else ("", False)
        at = self._at(collected)
        rows.add(
            FEEDBACK_T,
            {
                "id": feedback_id,
                "uuid": self._uuid(),
                "audit_id": audit_id,
                "case_id": self.case_first_id + c,
                "respondent": respondent,
                "channel": rng.choices(("phone", "face_to_face", "online"), (60, 30, 10))[0],
                "collected_on": date.fromordinal(collected),
                "consent": consent,
                "comment": comment,
                "shareable": shareable,
                "author_id": self.people[author].id,
                "created_at": at,
                "updated_at": at,
            },
        )
        self._answers(rows, feedback_id, respondent, p_base)

    def _answers(self, rows: _Rows, feedback_id: int, respondent: str, p_base: float) -> None:
        rnd = self.rng.random
        answers = rows.raw(FEEDBACK_ANSWER_T)
        for key in FEEDBACK_KEYS:
            u = rnd()
            if u < 0.08 or (key == "copy_of_plan" and respondent == "child" and u < 0.6):
                answer = "not_asked"
            else:
                p_yes = p_base + _FEEDBACK_SHIFT[key]
                v = rnd()
                answer = "yes" if v < p_yes else "partly" if v < p_yes + (1 - p_yes) / 2 else "no"
            answers.append((self._id(FEEDBACK_ANSWER_T), feedback_id, key, answer))

    def _outside_feedback(self, rows: _Rows, count: int, first_day: int, last_day: int) -> None:
        """Feedback gathered outside audits (no audit, against a case open at the time): at
        the end of an assessment, after a child protection conference, or an online form a
        family sent back. Dated between `first_day` and `last_day`."""
        rng = self.rng
        n_cases = len(self.case_ref)
        for _ in range(count):
            for _attempt in range(20):
                c = rng.randrange(n_cases)
                closed = self.case_closed[c] or self.today_ord
                low = max(first_day, self.case_opened[c] + 14, self.window_ord)
                high = min(last_day, closed, self.today_ord)
                if low <= high:
                    break
            else:
                continue
            collected = rng.randint(low, high)
            team = self.case_team[c]
            case_type = self.case_type[c]
            young = case_type in ("cla", "care_leaver")
            u = rng.random()
            respondents: tuple[str, ...]
            weights: tuple[int, ...]
            if case_type == "cp" and u < 0.5:
                where = "conference"
                respondents, weights = ("parent", "carer", "young_person"), (80, 10, 10)
            elif u < 0.75:
                where = "assessment"
                respondents = ("parent", "carer", "child", "young_person", "other")
                weights = (25, 35, 10, 25, 5) if young else (60, 15, 12, 5, 8)
            else:
                where = "online"
                respondents = ("parent", "young_person")
                weights = (40, 60) if young else (90, 10)
            channel_weights, comments = OUTSIDE_FEEDBACK[where]
            respondent = rng.choices(respondents, weights)[0]
            channel = rng.choices(("phone", "face_to_face", "online"), channel_weights)[0]
            # Online forms are typed up by the business unit; the rest by the team manager.
            author = self.business_unit if where == "online" else self.manager_of[team]
            consent = where == "online" or rng.random() < 0.95
            quality = self._quality(team, collected)
            p_base = self._p_yes(_yes_for_quality(quality), team, collected)
            comment, shareable = self._comment(c, comments, p_base) if consent else ("", False)
            feedback_id = self._id(FEEDBACK_T)
            at = self._at(collected)
            rows.add(
                FEEDBACK_T,
                {
                    "id": feedback_id,
                    "uuid": self._uuid(),
                    "audit_id": None,
                    "case_id": self.case_first_id + c,
                    "respondent": respondent,
                    "channel": channel,
                    "collected_on": date.fromordinal(collected),
                    "consent": consent,
                    "comment": comment,
                    "shareable": shareable,
                    "author_id": self.people[author].id,
                    "created_at": at,
                    "updated_at": at,
                },
            )
            self._answers(rows, feedback_id, respondent, p_base)
