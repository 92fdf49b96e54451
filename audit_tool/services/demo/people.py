"""The partnership: agencies, teams, people and their demo accounts, how good each team's
practice is over the two years, and who may audit which team's cases."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from audit_tool.models import Agency, Person, Team
from audit_tool.services import accounts
from audit_tool.services.demo.base import AGENCY_T, PERSON_T, ROLE_T, TEAM_T, _Base, _Rows

# Every demo person with a role has an account: user name = their key, this password.
DEMO_PASSWORD = "demo-password-2026"


AGENCIES = (
    ("csc", "Children's Social Care"),
    ("police", "Police"),
    ("health", "Health and Care NHS Trust"),
    ("education", "Education and Schools"),
    ("early_help", "Early Help Partnership"),
    ("send", "SEND Service"),
)

# (weight, case type, levels of need to draw from)
_Mix = tuple[tuple[int, str, tuple[int | None, ...]], ...]
_CIN_CP: _Mix = ((60, "cin", (3, 4)), (40, "cp", (4,)))
_FST: _Mix = ((55, "cp", (4,)), (45, "cin", (3, 4)))
_EARLY_HELP: _Mix = ((100, "early_help", (2, 3)),)
_SEND: _Mix = ((100, "send", (None,)),)


@dataclass(frozen=True)
class _TeamSpec:
    key: str
    name: str
    agency: str
    service_area: str
    quality: float  # typical grade rank of the team's practice (1 best, 4 worst)
    weight: int  # share of the case register
    mix: _Mix


TEAMS: tuple[_TeamSpec, ...] = (
    _TeamSpec(
        "family_front_door",
        "Family Front Door",
        "csc",
        "Front Door",
        2.05,
        8,
        ((45, "cin", (3,)), (10, "cp", (4,)), (35, "early_help", (2,)), (10, "other", (1, 2))),
    ),
    _TeamSpec("assessment_north", "Assessment Team North", "csc", "Assessment", 2.2, 10, _CIN_CP),
    _TeamSpec("assessment_south", "Assessment Team South", "csc", "Assessment", 2.6, 10, _CIN_CP),
    _TeamSpec(
        "fst_north", "Family Safeguarding Team North", "csc", "Family Safeguarding", 2.3, 9, _FST
    ),
    _TeamSpec(
        "fst_south", "Family Safeguarding Team South", "csc", "Family Safeguarding", 2.5, 9, _FST
    ),
    # The team that improves clearly over the two years (see _IMPROVING).
    _TeamSpec(
        "fst_east", "Family Safeguarding Team East", "csc", "Family Safeguarding", 2.6, 9, _FST
    ),
    _TeamSpec(
        "through_care",
        "Through Care Team",
        "csc",
        "Through Care",
        2.2,
        10,
        ((70, "cla", (4,)), (30, "care_leaver", (4,))),
    ),
    _TeamSpec(
        "children_with_disabilities",
        "Children with Disabilities Team",
        "csc",
        "Disability",
        2.4,
        5,
        ((60, "cin", (3, 4)), (25, "cla", (4,)), (15, "cp", (4,))),
    ),
    _TeamSpec(
        "public_protection_unit",
        "Public Protection Unit",
        "police",
        "Public Protection",
        2.5,
        3,
        ((60, "cp", (4,)), (40, "cin", (3,))),
    ),
    _TeamSpec(
        "child_exploitation_team",
        "Child Exploitation Team",
        "police",
        "Public Protection",
        2.65,
        3,
        ((45, "cp", (4,)), (35, "cin", (3, 4)), (20, "cla", (4,))),
    ),
    _TeamSpec(
        "safeguarding_children_health",
        "Safeguarding Children Health Team",
        "health",
        "Health Safeguarding",
        2.3,
        3,
        ((50, "cp", (4,)), (50, "cin", (3,))),
    ),
    _TeamSpec(
        "school_nursing",
        "School Nursing",
        "health",
        "Health Safeguarding",
        2.2,
        2,
        ((60, "early_help", (2, 3)), (40, "cin", (3,))),
    ),
    _TeamSpec(
        "safeguarding_in_education",
        "Safeguarding in Education",
        "education",
        "Education Safeguarding",
        2.4,
        2,
        ((50, "early_help", (2, 3)), (50, "cin", (3,))),
    ),
    _TeamSpec(
        "early_help_north", "Early Help North", "early_help", "Early Help", 2.15, 6, _EARLY_HELP
    ),
    _TeamSpec(
        "early_help_south", "Early Help South", "early_help", "Early Help", 2.4, 6, _EARLY_HELP
    ),
    _TeamSpec("send_casework", "SEND Casework Team", "send", "SEND", 2.65, 6, _SEND),
    _TeamSpec("ehc_assessment", "EHC Assessment Team", "send", "SEND", 2.5, 4, _SEND),
)

_IMPROVING = "fst_east"  # from about Requires improvement two years ago to Good now
_IMPROVING_FROM, _IMPROVING_TO = 3.15, 1.95
_GENEROUS_TEAM = "assessment_north"  # its team manager grades about one step too kindly

# agency -> (practitioner titles, team manager title, group manager title)
TITLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "csc": (
        ("Social Worker", "Social Worker", "Senior Social Worker", "Advanced Practitioner"),
        "Team Manager",
        "Group Manager",
    ),
    "police": (
        ("Detective Constable", "Police Constable"),
        "Detective Sergeant",
        "Detective Inspector",
    ),
    "health": (
        ("Safeguarding Nurse", "Health Visitor", "School Nurse"),
        "Named Nurse for Safeguarding",
        "Designated Nurse for Safeguarding",
    ),
    "education": (
        ("Education Safeguarding Adviser", "Designated Safeguarding Lead"),
        "Education Safeguarding Manager",
        "Head of Education Safeguarding",
    ),
    "early_help": (
        ("Early Help Practitioner", "Family Support Worker"),
        "Early Help Team Manager",
        "Early Help Service Manager",
    ),
    "send": (("SEND Caseworker", "EHC Coordinator"), "SEND Team Manager", "SEND Service Manager"),
}

FIRST_NAMES = (
    "Amelia", "Oliver", "Priya", "James", "Sophie", "Mohammed", "Hannah", "Daniel", "Chloe",
    "Thomas", "Aisha", "Ryan", "Megan", "Samuel", "Grace", "Adam", "Jessica", "Kieran", "Zara",
    "Luke", "Emma", "Nathan", "Rosie", "Imran", "Laura", "Ben", "Fiona", "Craig", "Niamh",
    "Owen", "Harriet", "Dev", "Claire", "Marcus", "Leanne", "Tom", "Rachel", "Jack", "Helen",
    "Sanjay",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Hughes", "Edwards", "Turner", "Hill", "Moore",
    "Cooper", "Ward", "Morris", "King", "Baker", "Harrison", "Lewis", "Begum", "Price",
    "Bennett", "Griffiths", "Kaur", "Shaw",
)  # fmt: skip


@dataclass
class _Person:
    id: int
    key: str
    name: str
    agency: str
    team: int | None
    roles: tuple[str, ...]


@dataclass
class _Hiring:
    """What adding people needs: the rows they go into and the columns every row shares, the
    counts, the keys, names and user names already in use, and the demo password's hash."""

    rows: _Rows
    common: dict[str, Any]
    counts: dict[str, int]
    used_keys: set[str]
    used_names: set[str]
    used_usernames: set[str]
    demo_hash: str


class _People(_Base):
    """Agencies, teams and people; each team's practice over time."""

    def _reference(self, counts: dict[str, int]) -> None:
        rows = _Rows((AGENCY_T, TEAM_T, PERSON_T, ROLE_T))
        stamp = self.stamp - timedelta(days=800)
        common = {"created_at": stamp, "updated_at": stamp, "active": True}
        self._agencies_and_teams(rows, common, counts)
        self._staff(rows, common, counts)
        rows.flush(self.session)
        self._auditor_pools()

    def _agencies_and_teams(
        self, rows: _Rows, common: dict[str, Any], counts: dict[str, int]
    ) -> None:
        """The agencies and teams this database does not hold yet."""
        session = self.session
        existing = {k: i for k, i in session.execute(select(Agency.key, Agency.id))}
        self.agency_id: dict[str, int] = {}
        for key, name in AGENCIES:
            if key in existing:
                self.agency_id[key] = existing[key]
                continue
            aid = self._id(AGENCY_T)
            self.agency_id[key] = aid
            rows.add(
                AGENCY_T, {"id": aid, "uuid": self._uuid(), "key": key, "name": name, **common}
            )
            counts["agencies"] += 1
        existing = {k: i for k, i in session.execute(select(Team.key, Team.id))}
        self.team_id: list[int] = []
        for spec in TEAMS:
            if spec.key in existing:
                self.team_id.append(existing[spec.key])
                continue
            tid = self._id(TEAM_T)
            self.team_id.append(tid)
            rows.add(
                TEAM_T,
                {
                    "id": tid,
                    "uuid": self._uuid(),
                    "key": spec.key,
                    "name": spec.name,
                    "agency_id": self.agency_id[spec.agency],
                    "service_area": spec.service_area,
                    **common,
                },
            )
            counts["teams"] += 1

    def _staff(self, rows: _Rows, common: dict[str, Any], counts: dict[str, int]) -> None:
        """Each team's manager and practitioners, the group managers, the QA leads, the
        business unit and two viewers."""
        session, rng = self.session, self.rng
        hiring = _Hiring(
            rows,
            common,
            counts,
            used_keys=set(session.scalars(select(Person.key))),
            used_names=set(session.scalars(select(Person.name))),
            used_usernames={u for u in session.scalars(select(Person.username)) if u},
            # Hashed once, as argon2 is slow by design.
            demo_hash=accounts.hash_password(DEMO_PASSWORD),
        )
        self.people: list[_Person] = []
        person = functools.partial(self._person, hiring)
        self.manager_of: list[int] = []
        self.workers_of: list[list[int]] = []
        for t, spec in enumerate(TEAMS):
            practitioner_titles, manager_title, _ = TITLES[spec.agency]
            self.manager_of.append(person(spec.agency, t, manager_title, ("auditor",)))
            self.workers_of.append(
                [
                    person(spec.agency, t, rng.choice(practitioner_titles), ())
                    for _ in range(rng.randint(4, 8))
                ]
            )
        self.group_manager: dict[str, int] = {}
        for spec in TEAMS:
            if spec.service_area not in self.group_manager:
                title = TITLES[spec.agency][2]
                if spec.agency == "csc":
                    title = f"{title}, {spec.service_area}"
                self.group_manager[spec.service_area] = person(
                    spec.agency, None, title, ("moderator", "auditor")
                )
        lead_roles = ("lead", "moderator", "auditor")
        self.qa_leads = [
            person("csc", None, "Head of Quality Assurance", lead_roles),
            person("health", None, "QAPP Chair, Designated Nurse", lead_roles),
        ]
        # Types up the online feedback forms families return.
        self.business_unit = person("csc", None, "Partnership Business Unit Officer", ("lead",))
        person("health", None, "Safeguarding Partnership Board member", ("viewer",))
        person("education", None, "Inspector (JTAI)", ("viewer",))

    def _person(
        self, hiring: _Hiring, agency: str, team: int | None, title: str, roles: tuple[str, ...]
    ) -> int:
        """A new person with a name and key not yet used; everyone with a role logs in with
        their key and the one documented demo password (docs/user-guide.md, "Demo
        accounts"). Returns their index in self.people."""
        rng, used_names, used_keys = self.rng, hiring.used_names, hiring.used_keys
        for _ in range(50):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in used_names:
                break
        used_names.add(name)
        first, last = name.split(" ", 1)
        base = (first[0] + last).lower()
        key, n = base, 1
        while key in used_keys:
            n += 1
            key = f"{base}{n}"
        used_keys.add(key)
        pid = self._id(PERSON_T)
        login = bool(roles) and key not in hiring.used_usernames
        hiring.rows.add(
            PERSON_T,
            {
                "id": pid,
                "uuid": self._uuid(),
                "key": key,
                "name": name,
                "agency_id": self.agency_id[agency],
                "team_id": None if team is None else self.team_id[team],
                "job_title": title,
                "username": key if login else None,
                "password_hash": hiring.demo_hash if login else None,
                "must_change_password": False,
                "failed_logins": 0,
                **hiring.common,
            },
        )
        for role in roles:
            hiring.rows.add(ROLE_T, {"id": self._id(ROLE_T), "person_id": pid, "role": role})
        self.people.append(_Person(pid, key, name, agency, team, roles))
        hiring.counts["people"] += 1
        return len(self.people) - 1

    def _auditor_pools(self) -> None:
        """Who may audit which team's cases: managers of the same agency and the QA leads,
        never the team's own manager (the case's manager), never a practitioner."""
        self.generous = self.manager_of[[s.key for s in TEAMS].index(_GENEROUS_TEAM)]
        self.auditors_for: list[tuple[list[int], list[float]]] = []
        for t, spec in enumerate(TEAMS):
            pool: list[tuple[int, float]] = []
            for u, other in enumerate(TEAMS):
                if other.agency == spec.agency and u != t:
                    pool.append((self.manager_of[u], 3.0))
            for area, gm in self.group_manager.items():
                if self.people[gm].agency == spec.agency:
                    pool.append((gm, 2.0 if area == spec.service_area else 1.5))
            pool += [(lead, 0.6) for lead in self.qa_leads]
            if len(pool) < 3:
                pool += [
                    (gm, 1.0)
                    for gm in self.group_manager.values()
                    if self.people[gm].agency == "csc"
                ]
            self.auditors_for.append(([p for p, _ in pool], [w for _, w in pool]))
        self.agency_auditors: dict[str, list[int]] = {key: [] for key, _ in AGENCIES}
        for t, spec in enumerate(TEAMS):
            self.agency_auditors[spec.agency].append(self.manager_of[t])
        for gm in self.group_manager.values():
            self.agency_auditors[self.people[gm].agency].append(gm)

    def _quality(self, team: int, day: int) -> float:
        spec = TEAMS[team]
        if spec.key == _IMPROVING:
            frac = (day - self.window_ord) / max(1, self.today_ord - self.window_ord)
            return _IMPROVING_FROM + (_IMPROVING_TO - _IMPROVING_FROM) * frac
        return spec.quality - 0.12
