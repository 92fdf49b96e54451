"""Programmes (monthly, thematic, multi-agency, SEND) and the plan of which audits each
holds: which case, which kind, which day."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from audit_tool.services.demo.base import (
    PROGRAMME_T,
    _month_end,
    _month_start,
    _quarter_label,
    _quarter_start,
)
from audit_tool.services.demo.cases import _Cases
from audit_tool.services.demo.people import TEAMS

# Programme descriptions: why each one matters.
MONTHLY_WHY = (
    "Every team manager and group manager audits case files each month. Two managers audit "
    "each file independently and a senior manager moderates the grade, so the partnership "
    "knows how good practice really is and can act on what it finds."
)
SEND_WHY = (
    "Each EHC plan audit looks at the education, health and social care advice together, so "
    "the partnership can improve the quality of plans and hear what families tell us about "
    "their experience."
)


@dataclass(frozen=True)
class _Theme:
    key: str
    name: str
    kind: str  # thematic | multi_agency
    theme: str
    sample: int
    months_ago: int
    why: str
    teams: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()


THEMES = (
    _Theme(
        "exploitation_red_pathway",
        "Exploitation: RED pathway cases",
        "thematic",
        "Exploitation",
        10,
        20,
        "Children on the RED pathway face the highest risk of criminal and sexual "
        "exploitation. The audit checks that partners recognise when a young person meets the "
        "threshold for child protection and use the right procedures, as a local child "
        "safeguarding practice review recommended.",
        ("child_exploitation_team", "fst_north", "fst_south", "fst_east", "through_care"),
        ("cp", "cin", "cla"),
    ),
    _Theme(
        "voice_of_the_sen_child",
        "Voice of the SEN child",
        "multi_agency",
        "Voice of the child",
        5,
        17,
        "Children with special educational needs and disabilities are less often heard in "
        "safeguarding processes. Agencies audit together how well each of them captures the "
        "child's wishes and feelings, using the JTAI-style method.",
        ("send_casework", "ehc_assessment"),
        ("send",),
    ),
    _Theme(
        "domestic_abuse_notifications",
        "Domestic abuse notifications",
        "thematic",
        "Domestic abuse",
        20,
        14,
        "Police notifications of domestic abuse where children are present must lead to a "
        "timely, proportionate response. The audit looks at how quickly notifications are "
        "shared, whether the child's lived experience is understood and whether safety "
        "planning involves the family.",
        (
            "public_protection_unit",
            "fst_north",
            "fst_south",
            "fst_east",
            "assessment_north",
            "assessment_south",
        ),
        ("cp", "cin"),
    ),  # fmt: skip
    _Theme(
        "school_referrals_stepped_down",
        "School referrals stepped down from level 4",
        "thematic",
        "Levels of need",
        30,
        9,
        "Schools refer children at level 4 whose needs are then best met at level 1 or 2. "
        "Auditing these referrals tests how well the Levels of Need guidance is understood, "
        "and the education safeguarding adviser uses the learning in reflective sessions with "
        "schools.",
        ("family_front_door", "early_help_north", "early_help_south", "safeguarding_in_education"),
        ("early_help", "other"),
        (1, 2),
    ),
    _Theme(
        "referral_to_icpc",
        "Referral to ICPC",
        "multi_agency",
        "Initial response",
        7,
        5,
        "Following the JTAI focus on the front door, agencies trace the initial referral and "
        "response through to the initial child protection conference, testing the "
        "identification of need and risk, information sharing and timeliness.",
        ("family_front_door", "assessment_north", "assessment_south"),
        ("cp",),
    ),
)
EXTRA_MULTI_THEMES = (
    ("Child on child abuse", "Child on child abuse"),
    ("Neglect", "Neglect"),
    ("Exploitation", "Exploitation"),
    ("Domestic abuse", "Domestic abuse"),
)


@dataclass
class _Programme:
    id: int
    key: str
    name: str
    kind: str
    theme: str | None
    template: str
    starts_on: date
    due_on: date
    description: str
    sample_size: int | None = None
    filters: dict[str, Any] | None = None
    audits: int = 0


class _Programmes(_Cases):
    """Programmes and the dated plan of audits in them."""

    def _programme(self, **kw: Any) -> _Programme:
        return _Programme(id=self._id(PROGRAMME_T), **kw)

    def _programmes(self) -> list[_Programme]:
        today = self.today
        programmes: list[_Programme] = []
        for back in range(23, -1, -1):
            start = _month_start(today, back)
            programmes.append(
                self._programme(
                    key=f"monthly-{start:%Y-%m}",
                    name=f"Monthly audits {start:%B %Y}",
                    kind="monthly",
                    theme=None,
                    template="moderated_case_file",
                    starts_on=start,
                    due_on=_month_end(start),
                    description=MONTHLY_WHY,
                )
            )
        for theme in THEMES:
            start = _month_start(today, theme.months_ago)
            filters: dict[str, Any] = {"teams": list(theme.teams)}
            if theme.case_types:
                filters["case_types"] = list(theme.case_types)
            if theme.levels:
                filters["levels_of_need"] = list(theme.levels)
            programmes.append(
                self._programme(
                    key=theme.key,
                    name=theme.name,
                    kind=theme.kind,
                    theme=theme.theme,
                    template=(
                        "jtai_multi_agency"
                        if theme.kind == "multi_agency"
                        else "moderated_case_file"
                    ),
                    starts_on=start,
                    due_on=start + timedelta(days=55),
                    description=theme.why,
                    sample_size=theme.sample,
                    filters=filters,
                )
            )
        for back in range(7, -1, -1):
            start = _quarter_start(today, back)
            label = _quarter_label(start)
            programmes.append(
                self._programme(
                    key=f"send-ehc-{label.replace(' ', '-').lower()}",
                    name=f"SEND EHC plan audits {label}",
                    kind="send",
                    theme="EHC plans",
                    template="send_ehc_plan",
                    starts_on=start,
                    due_on=_quarter_start(start, -1) - timedelta(days=1),
                    description=SEND_WHY,
                    filters={"case_types": ["send"]},
                )
            )
        return programmes

    def _extra_multi_agency(self, programmes: list[_Programme]) -> list[_Programme]:
        """Quarterly multi-agency programmes, for demos too big for the seeded samples."""
        extra = []
        for i, back in enumerate(range(7, -1, -1)):
            start = _quarter_start(self.today, back)
            label = _quarter_label(start)
            name, theme = EXTRA_MULTI_THEMES[i % len(EXTRA_MULTI_THEMES)]
            prog = self._programme(
                key=f"multi-agency-{label.replace(' ', '-').lower()}",
                name=f"Multi-agency audit: {name} ({label})",
                kind="multi_agency",
                theme=theme,
                template="jtai_multi_agency",
                starts_on=start,
                due_on=_quarter_start(start, -1) - timedelta(days=1),
                description=(
                    f"A JTAI-style audit of {name.lower()}: each agency audits its own "
                    "involvement with the same child, and a panel agrees the shared findings."
                ),
            )
            extra.append(prog)
        programmes.extend(extra)
        return extra

    def _programme_row(self, prog: _Programme) -> dict[str, Any]:
        created = datetime(
            prog.starts_on.year, prog.starts_on.month, prog.starts_on.day, 9, 0, tzinfo=UTC
        ) - timedelta(days=14)
        return {
            "id": prog.id,
            "uuid": self._uuid(),
            "key": prog.key,
            "name": prog.name,
            "kind": prog.kind,
            "theme": prog.theme,
            "description": prog.description,
            "template_id": self.templates[prog.template].id,
            "starts_on": prog.starts_on,
            "due_on": prog.due_on,
            "sample_size": prog.sample_size,
            "sample_seed": self.rng.randrange(1 << 31),
            "sample_filters": prog.filters,
            "created_at": created,
            "updated_at": created,
        }

    def _case_taker(self) -> Callable[[tuple[str, ...], tuple[str, ...], tuple[int, ...]], int]:
        """take(teams, case types, levels): an unused case matching the filters (empty: any),
        in a shuffled order; a used one if none is left; any case."""
        rng = self.rng
        n_cases = len(self.case_ref)
        order = list(range(n_cases))
        rng.shuffle(order)
        used = bytearray(n_cases)
        team_index = {spec.key: i for i, spec in enumerate(TEAMS)}
        pools: dict[tuple[Any, ...], list[int]] = {}

        def take(teams: tuple[str, ...], types: tuple[str, ...], levels: tuple[int, ...]) -> int:
            """An unused case matching the filters; a used one if none is left; any case."""
            key = (teams, types, levels)
            pool = pools.get(key)
            if pool is None:
                wanted_teams = {team_index[k] for k in teams}
                pool = [
                    c
                    for c in order
                    if (not teams or self.case_team[c] in wanted_teams)
                    and (not types or self.case_type[c] in types)
                    and (not levels or self.case_level[c] in levels)
                ]
                pool.reverse()
                pools[key] = pool
            while pool:
                c = pool.pop()
                if not used[c]:
                    used[c] = 1
                    return c
            if key != ((), (), ()):
                return take((), (), ())
            return rng.randrange(n_cases)

        return take

    def _plan_audits(self, n: int, programmes: list[_Programme]) -> list[tuple[int, str, int, int]]:
        """(programme index, kind, case index, start day ordinal) for each audit, by date."""
        rng = self.rng
        n_cases = len(self.case_ref)
        if n == 0 or n_cases == 0:
            return []
        n_multi = round(n * 0.03)
        n_send = round(n * 0.02)
        n_single = round(n * 0.10)
        n_looped = n - n_multi - n_send - n_single
        take = self._case_taker()

        by_key = {p.key: i for i, p in enumerate(programmes)}
        plan: list[tuple[int, str, int, int]] = []

        def add(index: int, kind: str, case: int, day: int) -> None:
            programmes[index].audits += 1
            plan.append((index, kind, case, day))

        today = self.today_ord
        thematic_budget = n_looped // 5
        for theme in THEMES:
            prog = by_key[theme.key]
            start = programmes[prog].starts_on.toordinal()
            if theme.kind == "thematic":
                count = min(theme.sample, thematic_budget)
                thematic_budget -= count
                n_looped -= count
                kind = "looped"
            else:
                count = min(theme.sample, n_multi)
                n_multi -= count
                kind = "multi_agency"
            for _ in range(count):
                case = take(theme.teams, theme.case_types, theme.levels)
                add(prog, kind, case, min(today, start + rng.randint(0, 40)))

        def spread(progs: list[int], count: int, kind: str, filters: tuple[Any, ...]) -> None:
            spans = []
            for i in progs:
                first = programmes[i].starts_on.toordinal()
                last = min(programmes[i].due_on.toordinal(), today)
                spans.append((i, first, last))
            weights = [last - first + 1 for _, first, last in spans]
            for i, first, last in rng.choices(spans, weights=weights, k=count):
                add(i, kind, take(*filters), rng.randint(first, last))

        send_progs = [i for i, p in enumerate(programmes) if p.kind == "send"]
        spread(send_progs, n_send, "send", ((), ("send",), ()))
        if n_multi > 0:
            extra = self._extra_multi_agency(programmes)
            extra_idx = [programmes.index(p) for p in extra]
            spread(extra_idx, n_multi, "multi_agency", ((), ("cp", "cin"), ()))
        monthly = [i for i, p in enumerate(programmes) if p.kind == "monthly"]
        kinds = ["looped"] * n_looped + ["single"] * n_single
        rng.shuffle(kinds)
        non_send = ((), ("cin", "cp", "cla", "care_leaver", "early_help", "other"), ())
        month_starts = [programmes[i].starts_on.toordinal() for i in monthly]
        for kind in kinds:
            day = rng.randint(self.window_ord, today)
            month = bisect.bisect_right(month_starts, day) - 1
            add(monthly[month], kind, take(*non_send), day)
        plan.sort(key=lambda e: (e[3], e[0]))
        return plan
