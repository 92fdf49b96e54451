"""The case register: each case's team, type, level of need, worker and open dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from audit_tool.services.demo.base import CASE_T, _Rows
from audit_tool.services.demo.grades import _Grades
from audit_tool.services.demo.people import TEAMS

# Initials: letters weighted roughly as first letters of names are.
_INITIAL_LETTERS = "AAABBCCDDEEFGGHHIJJJKKLLMMMNNOPPRRSSSTTUVWYZ"


_CASE_CHUNK = 5000


class _Cases(_Grades):
    """The case register, planned first and written once audit dates are known."""

    def _plan_cases(self, n: int) -> None:
        rng = self.rng
        team_weights = [spec.weight for spec in TEAMS]
        self.case_team = rng.choices(range(len(TEAMS)), weights=team_weights, k=n)
        self.case_ref = [f"C{num}" for num in rng.sample(range(1_000_000, 10_000_000), n)]
        letters = _INITIAL_LETTERS
        self.case_initials = [
            "".join(rng.choices(letters, k=2 if rng.random() < 0.8 else 3)) for _ in range(n)
        ]
        self.case_type: list[str] = []
        self.case_level: list[int | None] = []
        self.case_worker: list[int] = []
        mixes = []
        for spec in TEAMS:
            mixes.append(([m[1:] for m in spec.mix], [m[0] for m in spec.mix]))
        for t in self.case_team:
            options, weights = mixes[t]
            case_type, levels = rng.choices(options, weights=weights)[0]
            self.case_type.append(case_type)
            self.case_level.append(rng.choice(levels))
            self.case_worker.append(rng.choice(self.workers_of[t]))
        self.case_first_audit: list[int] = [0] * n  # day ordinal of the first audit, 0 if none
        self.case_last_audit: list[int] = [0] * n

    def _fix_case_dates(self, plan: Sequence[tuple[int, str, int, int]]) -> None:
        for _, _, c, day in plan:
            first = self.case_first_audit[c]
            if first == 0 or day < first:
                self.case_first_audit[c] = day
            self.case_last_audit[c] = max(self.case_last_audit[c], day)

    def _insert_cases(self) -> None:
        rng, today = self.rng, self.today_ord
        earliest = today - 3 * 365
        rows = _Rows((CASE_T,))
        n = len(self.case_ref)
        self.case_opened: list[int] = [0] * n  # day ordinals; closed 0 while open
        self.case_closed: list[int] = [0] * n
        for c in range(n):
            t = self.case_team[c]
            first = self.case_first_audit[c]
            if first:
                opened = rng.randint(max(earliest, first - 700), max(earliest, first - 21))
            else:
                opened = rng.randint(earliest, today - 1)
            closed: int | None = None
            if rng.random() < 0.22:
                low = max(opened + 30, self.case_last_audit[c] + 14)
                if low < today:
                    closed = rng.randint(low, today)
            self.case_opened[c], self.case_closed[c] = opened, closed or 0
            created = self._at(opened, 0, 480)
            rows.add(
                CASE_T,
                {
                    "id": self._id(CASE_T),
                    "uuid": self._uuid(),
                    "ref": self.case_ref[c],
                    "initials": self.case_initials[c],
                    "case_type": self.case_type[c],
                    "level_of_need": self.case_level[c],
                    "team_id": self.team_id[t],
                    "worker_id": self.people[self.case_worker[c]].id,
                    "manager_id": self.people[self.manager_of[t]].id,
                    "opened_on": date.fromordinal(opened),
                    "closed_on": None if closed is None else date.fromordinal(closed),
                    "revision": 1,
                    "created_at": created,
                    "updated_at": created if closed is None else self._at(closed),
                },
            )
            if (c + 1) % _CASE_CHUNK == 0 or c == n - 1:
                rows.flush(self.session)
                self._tick(_CASE_CHUNK if (c + 1) % _CASE_CHUNK == 0 else (c + 1) % _CASE_CHUNK)
        self.case_first_id = self.next_id[CASE_T.name] - n
