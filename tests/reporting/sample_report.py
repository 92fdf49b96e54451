"""Realistic QA report dicts (report JSON v1 with our optional keys) for renderer and export tests.

`sample_report()` is four calendar quarters, 2025 Q4 to 2026 Q3, built from small hand-chosen
counts with every percentage, kappa and mean worked out from those counts the way INTERFACES.md
defines them, so `total` is exactly the sum of the periods. 2025 Q4 has fewer than 10 agreement
pairs on purpose (the "read with caution" note). `sample_report_empty()` is the same range with no
final audits at all. Both validate against audit_tool/resources/schemas/qa-report-v1.schema.json.
"""

from __future__ import annotations

import random
from copy import deepcopy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
GRADE_ITEMS = {
    "voice_of_child": "Voice of the child",
    "assessment": "Assessment quality and timeliness",
    "plans": "Plans",
    "visits": "Visits",
    "chronology_genogram": "Chronology and genogram",
    "case_summary": "Case summary",
    "management_oversight": "Management oversight",
    "supervision": "Supervision",
    "multi_agency": "Multi-agency working and information sharing",
    "levels_of_need": "Application of the levels of need",
    "service_user_involvement": "Service-user involvement",
    "outcomes": "Outcomes and impact for the child",
}
YES_NO_ITEM = ("family_has_copy", "Family has a copy of the assessment or plan")
NUMBER_ITEM = ("days_since_last_visit", "Days since the last recorded visit")
# team key: (name, agency key, service area)
TEAMS = {
    "front_door": ("Front Door and Assessment", "csc", "Assessment and intervention"),
    "cin_north": ("Children in Need North", "csc", "Children in need and protection"),
    "cp_south": ("Child Protection South", "csc", "Children in need and protection"),
    "cla": ("Children in Care", "csc", "Children in care and care leavers"),
    "eh_east": ("Early Help East", "early_help", "Early help"),
}
AGENCIES = {
    "csc": "Children's Social Care",
    "early_help": "Early Help Service",
    "health": "Integrated Care Board (health)",
    "police": "County Police",
}
THEMES = ("Neglect", "Domestic abuse", "Exploitation")
AUDITORS = {
    "a.khan": "Aisha Khan",
    "b.osei": "Ben Osei",
    "c.murphy": "Claire Murphy",
    "d.wright": "Daniel Wright",
    "e.novak": "Eva Novak",
    "f.jones": "Fiona Jones",
}
MANAGERS = {
    "g.patel": "Gita Patel",
    "h.evans": "Huw Evans",
    "i.clarke": "Imogen Clarke",
    "j.bell": "James Bell",
    "k.ahmed": "Kamal Ahmed",
    "l.fraser": "Laura Fraser",
}
QUESTIONS = {
    "child_views": "The practitioner spoke with the child and gained their wishes, feelings and "
    "views.",
    "right_agencies": "The practitioner spoke to the right agencies as part of the assessment.",
    "family_views": "The family was given opportunities to share their views and opinions.",
    "copy_of_plan": "The family received a copy of the child's assessment or plan.",
    "contactable": "The parent can get hold of the worker when they need to.",
    "positive_difference": "The service made a positive difference to the child and family.",
}
QUARTERS = (
    ("2025 Q4", "2025-10-01", "2025-12-31"),
    ("2026 Q1", "2026-01-01", "2026-03-31"),
    ("2026 Q2", "2026-04-01", "2026-06-30"),
    ("2026 Q3", "2026-07-01", "2026-09-30"),
)
# Per quarter: overall grades (O, G, RI, I), single audits, planned audits.
OVERALL = ((1, 6, 5, 2), (3, 19, 14, 4), (4, 24, 15, 3), (5, 28, 13, 2))
SINGLE = (5, 6, 7, 6)
PLANNED = (18, 44, 50, 52)
# Actions from the quarter's audits: open, overdue (open past the report's end), done.
ACTIONS = ((2, 2, 12), (5, 4, 16), (8, 3, 14), (14, 1, 7))
# Agreement confusion matrices (rows: first review's rank, columns: the second's).
CONFUSION = (
    ((0, 1, 0, 0), (0, 3, 1, 0), (0, 1, 2, 0), (0, 0, 0, 0)),  # 8 pairs: read with caution
    ((2, 1, 1, 0), (1, 12, 2, 0), (0, 4, 7, 2), (0, 0, 1, 1)),
    ((2, 1, 0, 0), (1, 15, 4, 0), (0, 3, 8, 1), (0, 0, 1, 2)),
    ((3, 1, 0, 0), (1, 20, 1, 1), (0, 3, 7, 1), (0, 0, 0, 1)),
)


def pct(part: int, whole: int) -> float | None:
    """100 * part / whole, half-up to one decimal; None where whole is 0 (INTERFACES.md)."""
    if whole == 0:
        return None
    value = Decimal(100 * part) / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _round(value: float, places: int) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _grades(values: tuple[int, ...] | list[int]) -> dict[str, int]:
    return dict(zip(GRADES, values, strict=True))


def _good_or_better(grades: dict[str, int]) -> float | None:
    return pct(grades["outstanding"] + grades["good"], sum(grades.values()))


def _group(grades: dict[str, int]) -> dict[str, Any]:
    return {
        "audits_final": sum(grades.values()),
        "overall": grades,
        "pct_good_or_better": _good_or_better(grades),
    }


def _split(counts: list[int], shares: list[float], rng: random.Random) -> list[list[int]]:
    """Deal each grade's count out to len(shares) groups, so the groups sum back exactly."""
    parts = [[0] * len(counts) for _ in shares]
    for g, n in enumerate(counts):
        for _ in range(n):
            parts[rng.choices(range(len(shares)), weights=shares)[0]][g] += 1
    return parts


def _agreement(confusion: list[list[int]]) -> dict[str, Any]:
    pairs = sum(map(sum, confusion))
    exact = sum(confusion[i][i] for i in range(4))
    within = sum(confusion[i][j] for i in range(4) for j in range(4) if abs(i - j) <= 1)
    kappa: float | None = None
    ac2: float | None = None
    if pairs >= 2:
        w = [[1 - (i - j) ** 2 / 9 for j in range(4)] for i in range(4)]
        p = [[confusion[i][j] / pairs for j in range(4)] for i in range(4)]
        rows = [sum(p[i]) for i in range(4)]
        cols = [sum(p[i][j] for i in range(4)) for j in range(4)]
        po = sum(w[i][j] * p[i][j] for i in range(4) for j in range(4))
        pe = sum(w[i][j] * rows[i] * cols[j] for i in range(4) for j in range(4))
        if pe < 1:
            kappa = _round((po - pe) / (1 - pe), 3)
        pi = [(rows[k] + cols[k]) / 2 for k in range(4)]
        tw = sum(map(sum, w))
        pe_g = tw / (4 * 3) * sum(x * (1 - x) for x in pi)
        if pe_g < 1:
            ac2 = _round((po - pe_g) / (1 - pe_g), 3)
    return {
        "pairs": pairs,
        "exact_pct": pct(exact, pairs),
        "within_one_pct": pct(within, pairs),
        "kappa_quadratic": kappa,
        "gwet_ac2": ac2,
        "confusion": [list(row) for row in confusion],
    }


def _feedback(answers: dict[str, tuple[int, int, int]]) -> dict[str, Any]:
    return {
        q: {"asked": y + p + n, "yes": y, "partly": p, "no": n, "pct_yes": pct(y, y + p + n)}
        for q, (y, p, n) in answers.items()
    }


def _auditors(moves: dict[str, list[int]]) -> dict[str, Any]:
    """moves: person -> [raised, lowered, unchanged]; a raise is final rank - review rank = -1."""
    out = {}
    for person, (raised, lowered, unchanged) in moves.items():
        reviews = raised + lowered + unchanged
        if reviews:
            out[person] = {
                "reviews": reviews,
                "mean_difference": _round((lowered - raised) / reviews, 2),
            }
    return out


class _Period:
    """The raw counts of one period, from which its PERIOD dict is derived."""

    def __init__(self, label: str, start: str, end: str) -> None:
        self.label, self.start, self.end = label, start, end
        self.overall = [0, 0, 0, 0]
        self.single = 0
        self.planned = 0
        self.items: dict[str, list[int]] = {k: [0, 0, 0, 0] for k in GRADE_ITEMS}
        self.yes_no = [0, 0]
        self.numbers: list[float] = []  # n, sum, min, max
        self.teams: dict[str, list[int]] = {}
        self.themes: dict[str, list[int]] = {}
        self.confusion = [[0] * 4 for _ in range(4)]
        self.moves: dict[str, list[int]] = {}
        self.feedback: dict[str, list[int]] = {q: [0, 0, 0] for q in QUESTIONS}
        self.outside: dict[str, list[int]] = {q: [0, 0, 0] for q in QUESTIONS}
        self.worker_feedback = 0
        self.actions = [0, 0, 0]
        self.compliance: dict[str, list[int]] = {}

    def add(self, other: _Period) -> None:
        def add_into(mine: list[int], theirs: list[int]) -> None:
            for i, v in enumerate(theirs):
                mine[i] += v

        add_into(self.overall, other.overall)
        self.single += other.single
        self.planned += other.planned
        for k, v in other.items.items():
            add_into(self.items[k], v)
        add_into(self.yes_no, other.yes_no)
        if other.numbers:
            if self.numbers:
                n, s, lo, hi = self.numbers
                on, os_, olo, ohi = other.numbers
                self.numbers = [n + on, s + os_, min(lo, olo), max(hi, ohi)]
            else:
                self.numbers = list(other.numbers)
        for attr in ("teams", "themes", "moves", "compliance"):
            mine_d: dict[str, list[int]] = getattr(self, attr)
            for k, v in getattr(other, attr).items():
                add_into(mine_d.setdefault(k, [0] * len(v)), v)
        for i in range(4):
            add_into(self.confusion[i], other.confusion[i])
        for k, v in other.feedback.items():
            add_into(self.feedback[k], v)
        for k, v in other.outside.items():
            add_into(self.outside[k], v)
        self.worker_feedback += other.worker_feedback
        add_into(self.actions, other.actions)

    def as_dict(self) -> dict[str, Any]:
        audits = sum(self.overall)
        overall = _grades(self.overall)
        areas: dict[str, list[int]] = {}
        agencies: dict[str, list[int]] = {}
        for team, counts in self.teams.items():
            _, agency, area = TEAMS[team]
            for target, key in ((areas, area), (agencies, agency)):
                row = target.setdefault(key, [0, 0, 0, 0])
                for i, v in enumerate(counts):
                    row[i] += v
        items: dict[str, Any] = {
            k: {"kind": "grade", "counts": _grades(v)} for k, v in self.items.items()
        }
        yes, no = self.yes_no
        items[YES_NO_ITEM[0]] = {
            "kind": "yes_no",
            "yes": yes,
            "no": no,
            "pct_yes": pct(yes, yes + no),
        }
        if self.numbers:
            n, total, lo, hi = self.numbers
            number: dict[str, Any] = {
                "kind": "number",
                "n": int(n),
                "min": lo,
                "mean": _round(total / n, 1),
                "max": hi,
            }
        else:
            number = {"kind": "number", "n": 0, "min": None, "mean": None, "max": None}
        items[NUMBER_ITEM[0]] = number
        raised = sum(m[0] for m in self.moves.values())
        lowered = sum(m[1] for m in self.moves.values())
        unchanged = sum(m[2] for m in self.moves.values())
        return {
            "label": self.label,
            "from": self.start,
            "to": self.end,
            "audits_final": audits,
            "audits_single": self.single,
            "audits_planned": self.planned,
            "overall": overall,
            "pct_good_or_better": _good_or_better(overall),
            "items": items,
            "by_team": {k: _group(_grades(v)) for k, v in self.teams.items()},
            "by_service_area": {k: _group(_grades(v)) for k, v in sorted(areas.items())},
            "by_agency": {k: _group(_grades(v)) for k, v in agencies.items()},
            "by_theme": {k: _group(_grades(v)) for k, v in self.themes.items()},
            "agreement": _agreement(self.confusion),
            "moderation": {"raised": raised, "lowered": lowered, "unchanged": unchanged},
            "auditors": _auditors(self.moves),
            "feedback": _feedback({k: (v[0], v[1], v[2]) for k, v in self.feedback.items()}),
            "feedback_outside": _feedback({k: (v[0], v[1], v[2]) for k, v in self.outside.items()}),
            "worker_feedback_pct": pct(self.worker_feedback, audits),
            "actions": {
                "open": self.actions[0],
                "overdue": self.actions[1],
                "done": self.actions[2],
            },
            "compliance": {
                k: {"due": v[0], "done": v[1], "overdue": v[2]} for k, v in self.compliance.items()
            },
        }


def _quarter(index: int, rng: random.Random) -> _Period:
    label, start, end = QUARTERS[index]
    q = _Period(label, start, end)
    q.overall = list(OVERALL[index])
    q.single = SINGLE[index]
    q.planned = PLANNED[index]
    audits = sum(q.overall)
    # Practice areas: each lags or leads the overall picture a little; some are not applicable.
    lean = {
        "voice_of_child": 0.1,
        "assessment": 0.05,
        "plans": -0.1,
        "visits": 0.15,
        "chronology_genogram": -0.25,
        "case_summary": -0.2,
        "management_oversight": -0.05,
        "supervision": -0.15,
        "multi_agency": 0.05,
        "levels_of_need": 0.1,
        "service_user_involvement": -0.05,
        "outcomes": 0.0,
    }
    base = [max(v, 0.3) for v in q.overall]
    for key, shift in lean.items():
        weights = [
            base[0] * (1 + shift),
            base[1] * (1 + shift),
            base[2] * (1 - shift),
            base[3] * (1 - shift),
        ]
        applicable = audits - rng.randint(0, max(1, audits // 8))
        if key == "levels_of_need" and index == 0:
            applicable = 3  # a small count, printed as "n/N"
        counts = [0, 0, 0, 0]
        for _ in range(applicable):
            counts[rng.choices(range(4), weights=weights)[0]] += 1
        q.items[key] = counts
    yes = round(audits * (0.55 + 0.07 * index))
    q.yes_no = [yes, audits - yes - rng.randint(0, 2)]
    days = [rng.randint(2, 40) for _ in range(audits - 1)]
    q.numbers = [len(days), sum(days), min(days), max(days)]
    # Teams, then themes (about half the audits belong to themed programmes).
    team_parts = _split(q.overall, [0.22, 0.2, 0.2, 0.22, 0.16], rng)
    q.teams = dict(zip(TEAMS, team_parts, strict=True))
    themed = _split(q.overall, [0.2, 0.15, 0.15, 0.5], rng)
    q.themes = dict(zip(THEMES, themed[:3], strict=True))
    q.confusion = [list(row) for row in CONFUSION[index]]
    # Moderation moves per auditor: two reviews per pair.
    pairs = sum(map(sum, q.confusion))
    people = list(AUDITORS)
    for r in range(2 * pairs):
        person = people[(r + index) % len(people)]
        move = rng.choices((0, 1, 2), weights=(0.12, 0.2 - 0.02 * index, 0.68 + 0.02 * index))[0]
        q.moves.setdefault(person, [0, 0, 0])[move] += 1
    for n_q, question in enumerate(QUESTIONS):
        asked = max(2, audits // 2 - n_q)
        yes_q = round(asked * (0.5 + 0.05 * index + 0.04 * (n_q % 3)))
        partly = (asked - yes_q) // 2 + (n_q % 2)
        partly = min(partly, asked - yes_q)
        q.feedback[question] = [yes_q, partly, asked - yes_q - partly]
        asked_out = 3 + index + (n_q % 3)
        yes_out = round(asked_out * 0.6)
        q.outside[question] = [yes_out, asked_out - yes_out - 1, 1]
    q.worker_feedback = round(audits * (0.7 + 0.05 * index))
    q.actions = list(ACTIONS[index])
    for m, manager in enumerate(MANAGERS):
        due = 3
        done = 3 if (m + index) % 4 else 2
        overdue = due - done if index < 3 else 0
        q.compliance[manager] = [due, done, overdue]
    return q


def _labels() -> dict[str, dict[str, str]]:
    return {
        "grades": dict(GRADE_LABELS),
        "items": {**GRADE_ITEMS, YES_NO_ITEM[0]: YES_NO_ITEM[1], NUMBER_ITEM[0]: NUMBER_ITEM[1]},
        "teams": {k: v[0] for k, v in TEAMS.items()},
        "agencies": dict(AGENCIES),
        "people": {**AUDITORS, **MANAGERS},
        "questions": dict(QUESTIONS),
    }


def _report(periods: list[_Period]) -> dict[str, Any]:
    total = _Period(f"{QUARTERS[0][1]} to {QUARTERS[-1][2]}", QUARTERS[0][1], QUARTERS[-1][2])
    for p in periods:
        total.add(p)
    return {
        "format": "qa-report",
        "version": 1,
        "from": QUARTERS[0][1],
        "to": QUARTERS[-1][2],
        "by": "quarter",
        "generated_at": "2026-10-05T09:30:00+01:00",
        "filters": {"team": None, "agency": None, "programme": None, "theme": None},
        "labels": _labels(),
        "periods": [p.as_dict() for p in periods],
        "total": total.as_dict(),
    }


def sample_report() -> dict[str, Any]:
    """Four quarters of plausible, internally consistent figures (a fresh copy every call)."""
    rng = random.Random(20261005)
    return deepcopy(_report([_quarter(i, rng) for i in range(len(QUARTERS))]))


def sample_report_empty() -> dict[str, Any]:
    """The same four quarters with no final audits: zero counts, null percentages and kappas."""
    periods = [_Period(*q) for q in QUARTERS]
    report = _report(periods)
    for period in [*report["periods"], report["total"]]:
        period["by_team"] = {}
        period["by_service_area"] = {}
        period["by_agency"] = {}
        period["by_theme"] = {}
        period["compliance"] = {}
    return report
