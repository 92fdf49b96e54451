"""Deterministic synthetic demo data: a county partnership's teams, cases and two years of audits.

Everything comes from one seeded `random.Random` and the `today` anchor, so the same seed and
day give the same rows, uuids included. Rows go in with SQLAlchemy Core bulk inserts, in chunks,
with ids allocated here, inside one transaction: a failure or a cancel leaves nothing behind.
"""

from __future__ import annotations

import bisect
import contextlib
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    Feedback,
    FeedbackAnswer,
    LearningPoint,
    LearningTheme,
    Moderation,
    ModerationAnswer,
    Person,
    PersonRole,
    Programme,
    Review,
    ReviewAnswer,
    Team,
    TemplateItem,
    WorkerFeedback,
)
from audit_tool.services import accounts, changelog


@dataclass(frozen=True)
class DemoSummary:
    agencies: int
    teams: int
    people: int
    cases: int
    programmes: int
    audits: int
    seconds: float


# Every demo person with a role has an account: user name = their key, this password.
DEMO_PASSWORD = "demo-password-2026"

# ---------------------------------------------------------------- the partnership

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

# Initials: letters weighted roughly as first letters of names are.
_INITIAL_LETTERS = "AAABBCCDDEEFGGHHIJJJKKLLMMMNNOPPRRSSSTTUVWYZ"

GRADE_KEYS = ("", "outstanding", "good", "requires_improvement", "inadequate")  # by rank
NOT_APPLICABLE = "not_applicable"

# Grade offsets per template item: where practice is typically weaker (+) or stronger (-).
_ITEM_OFFSET = {
    "voice_of_child": -0.25,
    "assessment": 0.0,
    "plans": 0.15,
    "visits": -0.1,
    "chronology_genogram": 0.45,
    "case_summary": 0.25,
    "management_oversight": 0.2,
    "supervision": 0.1,
    "multi_agency": -0.1,
    "levels_of_need": -0.2,
    "service_user_involvement": 0.15,
    "outcomes": 0.05,
    "identification_of_need": -0.1,
    "referral_quality": 0.2,
    "information_sharing": 0.0,
    "strategy_discussion": -0.1,
    "icpc_contribution": 0.1,
    "advice_quality": 0.1,
    "voice_of_sen_child": 0.3,
    "parent_involvement": -0.1,
    "outcomes_smart": 0.35,
    "timeliness": 0.2,
}
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

STRENGTHS = (
    "The child's wishes and feelings are recorded in their own words.",
    "Visits are purposeful and clearly linked to the plan.",
    "Good information sharing between agencies at the strategy discussion.",
    "The assessment is analytical and sets out risks and protective factors clearly.",
    "The plan is outcome-focused and written in language the family can use.",
    "Regular, reflective supervision is recorded on the file.",
    "The chronology is up to date and informs the analysis.",
    "Creative direct work helps us understand the child's lived experience.",
    "The family network is involved in safety planning.",
    "Timely response to the referral; the strategy discussion was held within timescales.",
    "The worker knows the child well and this comes through in the recording.",
    "Clear management footprint at each key decision.",
)
WORRIES = (
    "The chronology has not been updated since the assessment.",
    "There is no genogram on the file.",
    "The case summary has not been updated in the last 12 weeks.",
    "Management oversight is not recorded at key decision points.",
    "The family has not been given a copy of the plan.",
    "The child's lived experience is not clear from the recording.",
    "The father has not been engaged in the assessment.",
    "Drift in the plan: actions are carried over between reviews without progress.",
    "Supervision notes are task-focused rather than reflective.",
    "Delay between the referral and the start of the assessment.",
    "Outcomes in the plan are not measurable.",
    "Visits are not in line with the frequency set in the plan.",
)
NEXT_STEPS = (
    "Update the chronology and upload a genogram.",
    "Record management oversight of the current plan.",
    "Share a copy of the plan with the family and record that it was shared.",
    "Update the case summary and review it at 12-weekly intervals.",
    "Complete direct work to capture the child's wishes and feelings.",
    "Invite school and health to the next core group.",
    "Review the level of need with the team manager.",
    "Make the outcomes in the plan SMART.",
    "Bring the case to reflective supervision.",
    "Engage the father in planning.",
)
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
AGENCY_LEARNING = (
    "Record the outcome of agency checks on our own system.",
    "Share safeguarding information before the strategy discussion, not at it.",
    "Capture the child's own words in the referral.",
    "Make sure the practitioner who knows the child attends the conference.",
    "Use the levels of need guidance when making the referral.",
)
RETURN_COMMENTS = (
    "Please add the evidence for the management oversight grade.",
    "The overall grade does not match the sub grades; please review.",
    "Please complete the Signs of Safety analysis before resubmitting.",
)
FEEDBACK_HOW = ("Face to face", "In supervision", "By email", "At a team meeting", "By phone")

# Learning points: (strength, area for development, themes) for each template item.
LEARNING: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "voice_of_child": (
        "The child's wishes and feelings are recorded in their own words and shape the plan.",
        "The child's lived experience is not clear: direct work is not recorded.",
        ("Voice of the child",),
    ),
    "assessment": (
        "The assessment is analytical and timely and sets out risk and protective factors.",
        "The assessment describes events but does not analyse risk.",
        ("Assessment",),
    ),
    "plans": (
        "The plan is outcome-focused and written in language the family understands.",
        "Plans are not updated after reviews and actions drift.",
        ("Planning",),
    ),
    "visits": (
        "Visits are purposeful, in line with the plan, and include time alone with the child.",
        "Visits are not at the frequency the plan sets.",
        ("Direct work",),
    ),
    "chronology_genogram": (
        "An up-to-date chronology and genogram help the reader understand the child's history.",
        "Chronologies and genograms are missing or out of date.",
        ("Recording", "Chronologies"),
    ),
    "case_summary": (
        "The case summary gives a current, clear picture of the child's situation.",
        "Case summaries are not updated at 12-weekly intervals.",
        ("Recording",),
    ),
    "management_oversight": (
        "Management oversight is clear at each key decision.",
        "The manager's footprint is not recorded on the child's record.",
        ("Management oversight",),
    ),
    "supervision": (
        "Supervision is recorded, reflective and moves the plan on.",
        "Supervision records are task lists rather than reflective discussion.",
        ("Supervision",),
    ),
    "multi_agency": (
        "Agencies share information well and attend core groups.",
        "Partner agencies were not invited to contribute to the assessment.",
        ("Multi-agency working", "Information sharing"),
    ),
    "levels_of_need": (
        "The levels of need guidance is applied well and step-down is well planned.",
        "The level of need recorded does not match the concerns described.",
        ("Levels of need",),
    ),
    "service_user_involvement": (
        "The family's views are recorded and they have a copy of the plan.",
        "Families are not routinely given a copy of the assessment or plan.",
        ("Family involvement",),
    ),
    "outcomes": (
        "There is clear evidence of improved outcomes for the child.",
        "The impact of the work for the child is not evidenced.",
        ("Outcomes",),
    ),
    "identification_of_need": (
        "Need and risk were identified promptly at the front door.",
        "Early signs of risk were not recognised in earlier contacts.",
        ("Initial response",),
    ),
    "referral_quality": (
        "The referral was clear about the worry and what the referrer wanted to happen.",
        "The referral did not say what the worry was for the child.",
        ("Initial response", "Levels of need"),
    ),
    "information_sharing": (
        "Agencies shared what they knew before the strategy discussion.",
        "Health and school information was not available to the strategy discussion.",
        ("Information sharing",),
    ),
    "strategy_discussion": (
        "The strategy discussion involved the right agencies and agreed clear actions.",
        "Police and health were not part of the strategy discussion.",
        ("Child protection",),
    ),
    "icpc_contribution": (
        "Agencies provided written reports to the conference on time.",
        "Reports to the conference were late or not shared with the family beforehand.",
        ("Child protection",),
    ),
    "advice_quality": (
        "The advice to the EHC plan is specific about the child's needs and provision.",
        "The advice is generic and does not say what provision the child needs.",
        ("EHC plans",),
    ),
    "voice_of_sen_child": (
        "The child's views are captured using their preferred way of communicating.",
        "The SEN child's views are not recorded in the plan.",
        ("Voice of the child", "SEND"),
    ),
    "parent_involvement": (
        "Parents and carers were involved in writing the outcomes.",
        "Parents were not involved before the draft plan was issued.",
        ("Family involvement", "SEND"),
    ),
    "outcomes_smart": (
        "Outcomes are specific, measurable and agreed with the family.",
        "Outcomes in the EHC plan are not SMART.",
        ("EHC plans", "Outcomes"),
    ),
    "timeliness": (
        "Advice was returned within the statutory timescale.",
        "Advice was returned after the six-week deadline.",
        ("Timeliness", "SEND"),
    ),
}
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

_CASE_CHUNK = 5000
_AUDIT_CHUNK = 1000


# ---------------------------------------------------------------- entry point


def generate(
    db: Any,
    actor: Actor,
    *,
    audits: int = 2000,
    seed: int = 1,
    cases: int | None = None,
    today: date | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database with a synthetic partnership, its cases and audits.

    `cases=None` derives the register size from `audits`. `progress(done, total)` returning
    False cancels: `Cancelled` is raised and nothing is written."""
    require(actor, "demo.generate")
    errors: dict[str, str] = {}
    if audits < 0:
        errors["audits"] = "The number of audits cannot be negative"
    if cases is not None and cases < 0:
        errors["cases"] = "The number of cases cannot be negative"
    if cases is not None and cases == 0 and audits > 0:
        errors["cases"] = "Audits need cases: ask for at least one case, or for no audits"
    if errors:
        raise ValidationError("Demo data not generated: " + "; ".join(errors.values()), errors)
    n_cases = cases if cases is not None else max(60, round(audits * 1.1))
    started = time.perf_counter()
    with db.transaction() as session:
        have_cases = int(session.scalar(select(func.count()).select_from(Case)) or 0)
        have_audits = int(session.scalar(select(func.count()).select_from(Audit)) or 0)
        if have_cases or have_audits:
            raise ValidationError(
                f"This database already holds {have_cases} case(s) and {have_audits} "
                "audit(s). Demo data goes into an empty database only: use a new database "
                "file."
            )
        builder = _Builder(session, random.Random(seed), today or date.today(), progress)
        counts = builder.run(n_cases, audits)
        changelog.record(
            session,
            actor,
            "create",
            "demo",
            None,
            after={**counts, "seed": seed, "today": builder.today.isoformat()},
            summary=(
                f"Demo data generated (seed {seed}): {counts['cases']} cases, "
                f"{counts['audits']} audits"
            ),
        )
    if progress is not None:
        progress(builder.total, builder.total)
    return DemoSummary(
        agencies=counts["agencies"],
        teams=counts["teams"],
        people=counts["people"],
        cases=counts["cases"],
        programmes=counts["programmes"],
        audits=counts["audits"],
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- building blocks


@dataclass
class _Person:
    id: int
    key: str
    name: str
    agency: str
    team: int | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class _Item:
    key: str
    label: str
    kind: str
    limiting: bool
    offset: float


@dataclass(frozen=True)
class _Template:
    id: int
    key: str
    items: tuple[_Item, ...]


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


@dataclass
class _Rows:
    """Rows waiting for one bulk insert per table, in foreign-key order.

    The answer and tag tables hold millions of short rows of plain integers and text: they
    go in as tuples through the driver's executemany, which skips SQLAlchemy's per-row
    parameter handling (a third of the run time at 200,000 audits). Every other table goes
    through Core `insert()`, which converts dates and times for each backend."""

    tables: tuple[Table, ...]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tuples: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.rows.setdefault(table.name, []).append(row)

    def raw(self, table: Table) -> list[tuple[Any, ...]]:
        """The tuple list for a table in _RAW_COLUMNS, in that column order."""
        return self.tuples.setdefault(table.name, [])

    def flush(self, session: Session) -> None:
        for table in self.tables:
            batch = self.rows.pop(table.name, None)
            if batch:
                session.execute(insert(table), batch)
            plain = self.tuples.pop(table.name, None)
            if plain:
                columns = _RAW_COLUMNS[table.name]
                mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
                sql = (
                    f"INSERT INTO {table.name} ({', '.join(columns)}) "
                    f"VALUES ({', '.join([mark] * len(columns))})"
                )
                session.connection().exec_driver_sql(sql, plain)


def _yes_for_quality(quality: float) -> float:
    """_FEEDBACK_YES between grades: the chance of "yes" where practice is `quality`."""
    low = min(max(int(quality), 1), 3)
    frac = min(max(quality - low, 0.0), 1.0)
    return _FEEDBACK_YES[low] + (_FEEDBACK_YES[low + 1] - _FEEDBACK_YES[low]) * frac


def _answer(item: _Item, value: Any) -> str:
    """How an answer is stored: a grade key, yes/no/not_applicable, a number or text."""
    if item.kind == "grade":
        return GRADE_KEYS[value] if value else NOT_APPLICABLE
    return str(value)


def _t(model: Any) -> Table:
    table: Table = model.__table__
    return table


AGENCY_T, TEAM_T, PERSON_T, ROLE_T = _t(Agency), _t(Team), _t(Person), _t(PersonRole)
CASE_T, PROGRAMME_T, AUDIT_T, REVIEW_T = _t(Case), _t(Programme), _t(Audit), _t(Review)
REVIEW_ANSWER_T, MODERATION_T = _t(ReviewAnswer), _t(Moderation)
MODERATION_ANSWER_T, WORKER_FEEDBACK_T = _t(ModerationAnswer), _t(WorkerFeedback)
LEARNING_POINT_T, LEARNING_THEME_T, ACTION_T = _t(LearningPoint), _t(LearningTheme), _t(Action)
FEEDBACK_T, FEEDBACK_ANSWER_T = _t(Feedback), _t(FeedbackAnswer)
_RAW_COLUMNS = {
    "review_answers": ("id", "review_id", "item_key", "value", "comment"),
    "moderation_answers": ("id", "moderation_id", "item_key", "value", "comment"),
    "learning_themes": ("id", "learning_point_id", "theme"),
    "feedback_answers": ("id", "feedback_id", "question_key", "answer"),
}
_AUDIT_TABLES = (
    AUDIT_T,
    REVIEW_T,
    REVIEW_ANSWER_T,
    MODERATION_T,
    MODERATION_ANSWER_T,
    WORKER_FEEDBACK_T,
    LEARNING_POINT_T,
    LEARNING_THEME_T,
    ACTION_T,
    FEEDBACK_T,
    FEEDBACK_ANSWER_T,
)
_SEQUENCED = (
    AGENCY_T,
    TEAM_T,
    PERSON_T,
    ROLE_T,
    CASE_T,
    PROGRAMME_T,
    AUDIT_T,
    REVIEW_T,
    REVIEW_ANSWER_T,
    MODERATION_T,
    MODERATION_ANSWER_T,
    LEARNING_POINT_T,
    LEARNING_THEME_T,
    ACTION_T,
    FEEDBACK_T,
    FEEDBACK_ANSWER_T,
)


def _month_start(day: date, back: int) -> date:
    """First day of the month `back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(start: date) -> date:
    return _month_start(start, -1) - timedelta(days=1)


def _quarter_start(day: date, back: int) -> date:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return date(index // 4, (index % 4) * 3 + 1, 1)


def _quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


class _Builder:
    def __init__(
        self,
        session: Session,
        rng: random.Random,
        today: date,
        progress: Callable[[int, int], bool] | None,
    ) -> None:
        self.session = session
        self.rng = rng
        self.today = today
        self.today_ord = today.toordinal()
        self.progress = progress
        self.total = 0
        self.done = 0
        self.next_id: dict[str, int] = {}
        for table in _SEQUENCED:
            top = session.scalar(select(func.max(table.c.id)))
            self.next_id[table.name] = int(top or 0) + 1
        self.window_start = _month_start(today, 23)
        self.window_ord = self.window_start.toordinal()
        self.stamp = datetime(today.year, today.month, today.day, 8, 0, tzinfo=UTC)

    # ------------------------------------------------------------ helpers

    def _id(self, table: Table) -> int:
        value = self.next_id[table.name]
        self.next_id[table.name] = value + 1
        return value

    def _ids(self, table: Table, count: int) -> int:
        """Allocate `count` consecutive ids; returns the first."""
        first = self.next_id[table.name]
        self.next_id[table.name] = first + count
        return first

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _at(self, day_ord: int, low: int = 0, high: int = 480) -> datetime:
        """A working-day time, `low`..`high` minutes after 09:00 on that day."""
        day = date.fromordinal(min(day_ord, self.today_ord))
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(
            minutes=self.rng.randint(low, high)
        )

    def _tick(self, step: int) -> None:
        self.done += step
        if self.progress is not None and not self.progress(self.done, self.total):
            raise Cancelled("Demo data generation cancelled; nothing was written")

    # ------------------------------------------------------------ run

    def run(self, n_cases: int, n_audits: int) -> dict[str, int]:
        self.total = n_cases + n_audits + 1
        self._tick(0)
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        if sqlite:
            # A bigger page cache for this run keeps the uuid indexes' random inserts fast.
            self.session.execute(text("PRAGMA cache_size=-262144"))
        try:
            return self._run(n_cases, n_audits)
        finally:
            if sqlite:
                with contextlib.suppress(SQLAlchemyError):  # keep the original error
                    self.session.execute(text("PRAGMA cache_size=-2000"))

    def _run(self, n_cases: int, n_audits: int) -> dict[str, int]:
        counts = {"agencies": 0, "teams": 0, "people": 0}
        self._reference(counts)
        self._templates()
        self._plan_cases(n_cases)
        programmes = self._programmes()
        plan = self._plan_audits(n_audits, programmes)
        self._fix_case_dates(plan)
        self._insert_cases()
        rows = _Rows((PROGRAMME_T,))
        for prog in programmes:
            if prog.sample_size is None:
                prog.sample_size = prog.audits
            rows.add(PROGRAMME_T, self._programme_row(prog))
        rows.flush(self.session)
        self._tick(1)
        rows = _Rows(_AUDIT_TABLES)
        for start in range(0, len(plan), _AUDIT_CHUNK):
            chunk = plan[start : start + _AUDIT_CHUNK]
            for entry in chunk:
                self._audit(entry, programmes, rows)
            outside = round(len(chunk) * _OUTSIDE_SHARE)
            self._outside_feedback(rows, outside, chunk[0][3], chunk[-1][3])
            rows.flush(self.session)
            self._tick(len(chunk))
        self._reset_sequences()
        counts.update(cases=n_cases, programmes=len(programmes), audits=len(plan))
        return counts

    # ------------------------------------------------------------ reference data

    def _reference(self, counts: dict[str, int]) -> None:
        session, rng = self.session, self.rng
        rows = _Rows((AGENCY_T, TEAM_T, PERSON_T, ROLE_T))
        stamp = self.stamp - timedelta(days=800)
        common = {"created_at": stamp, "updated_at": stamp, "active": True}
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

        used_keys = set(session.scalars(select(Person.key)))
        used_names: set[str] = set(session.scalars(select(Person.name)))
        used_usernames = {u for u in session.scalars(select(Person.username)) if u}
        self.people: list[_Person] = []
        # Everyone with a role logs in with their key and the one documented demo password
        # (docs/user-guide.md, "Demo accounts"); hashed once, as argon2 is slow by design.
        demo_hash = accounts.hash_password(DEMO_PASSWORD)

        def person(agency: str, team: int | None, title: str, roles: tuple[str, ...]) -> int:
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
            rows.add(
                PERSON_T,
                {
                    "id": pid,
                    "uuid": self._uuid(),
                    "key": key,
                    "name": name,
                    "agency_id": self.agency_id[agency],
                    "team_id": None if team is None else self.team_id[team],
                    "job_title": title,
                    "username": key if roles and key not in used_usernames else None,
                    "password_hash": demo_hash if roles and key not in used_usernames else None,
                    "must_change_password": False,
                    "failed_logins": 0,
                    **common,
                },
            )
            for role in roles:
                rows.add(ROLE_T, {"id": self._id(ROLE_T), "person_id": pid, "role": role})
            self.people.append(_Person(pid, key, name, agency, team, roles))
            counts["people"] += 1
            return len(self.people) - 1

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
        rows.flush(session)

        # Who may audit which team's cases: managers of the same agency and the QA leads,
        # never the team's own manager (the case's manager), never a practitioner.
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

    def _templates(self) -> None:
        self.templates: dict[str, _Template] = {}
        for key in ("moderated_case_file", "jtai_multi_agency", "send_ehc_plan"):
            tid = self.session.scalar(
                select(AuditTemplate.id)
                .where(AuditTemplate.key == key, AuditTemplate.retired.is_(False))
                .order_by(AuditTemplate.version.desc())
                .limit(1)
            )
            if tid is None:
                raise ValidationError(
                    f"The audit template '{key}' is missing from this database; "
                    "run 'audit-tool db upgrade' first"
                )
            items = tuple(
                _Item(k, label, kind, bool(limiting), _ITEM_OFFSET.get(k, 0.0))
                for k, label, kind, limiting in self.session.execute(
                    select(
                        TemplateItem.key,
                        TemplateItem.label,
                        TemplateItem.kind,
                        TemplateItem.limiting,
                    )
                    .where(TemplateItem.template_id == tid)
                    .order_by(TemplateItem.position)
                )
            )
            self.templates[key] = _Template(tid, key, items)

    # ------------------------------------------------------------ cases

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

    # ------------------------------------------------------------ programmes

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

    # ------------------------------------------------------------ which audits

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

    # ------------------------------------------------------------ grades

    def _quality(self, team: int, day: int) -> float:
        spec = TEAMS[team]
        if spec.key == _IMPROVING:
            frac = (day - self.window_ord) / max(1, self.today_ord - self.window_ord)
            return _IMPROVING_FROM + (_IMPROVING_TO - _IMPROVING_FROM) * frac
        return spec.quality - 0.12

    def _truth(self, tpl: _Template, mu: float) -> list[Any]:
        """The file as it really is: what a careful moderator would record for each item."""
        rng = self.rng
        rnd, gauss = rng.random, rng.gauss
        values: list[Any] = []
        for item in tpl.items:
            kind = item.kind
            if kind == "grade":
                if rnd() < 0.03:
                    values.append(0)
                    continue
                r = int(mu + item.offset + gauss(0.0, 0.4) + 0.5)
                values.append(1 if r < 1 else 4 if r > 4 else r)
            elif kind == "yes_no":
                u = rnd()
                if u < 0.04:
                    values.append(NOT_APPLICABLE)
                else:
                    p_yes = 0.97 - 0.16 * (mu - 1.0)
                    values.append("yes" if rnd() < p_yes else "no")
            elif kind == "number":
                if "icpc" in item.key:
                    values.append(max(4, round(gauss(13.0 + 4.0 * (mu - 2.0), 3.5))))
                else:
                    values.append(max(1, round(gauss(7.0 + 6.0 * (mu - 2.0), 4.0))))
            else:
                values.append(rng.choice(AGENCY_LEARNING))
        return values

    def _reviewed(self, tpl: _Template, truth: list[Any], kind_bias: float) -> list[Any]:
        """One auditor's reading of the file: the truth, give or take, shifted by `kind_bias`
        (negative is kinder: -1 grades about one step better)."""
        rng = self.rng
        rnd = rng.random
        out: list[Any] = []
        for item, value in zip(tpl.items, truth, strict=True):
            kind = item.kind
            if kind == "grade":
                if value == 0:
                    out.append(0 if rnd() < 0.85 else 2)
                    continue
                if rnd() < 0.01:
                    out.append(0)
                    continue
                u = rnd()
                noise = (
                    0 if u < 0.78 else 1 if u < 0.88 else -1 if u < 0.98 else 2 if u < 0.99 else -2
                )
                if kind_bias and rnd() < abs(kind_bias):
                    noise += -1 if kind_bias < 0 else 1
                r = value + noise
                out.append(1 if r < 1 else 4 if r > 4 else r)
            elif kind == "yes_no":
                if value == NOT_APPLICABLE or rnd() < 0.92:
                    out.append(value)
                else:
                    out.append("no" if value == "yes" else "yes")
            elif kind == "number":
                out.append(value if rnd() < 0.8 else max(0, value + rng.randint(-2, 2)))
            else:
                out.append(rng.choice(AGENCY_LEARNING))
        return out

    def _overall(self, tpl: _Template, values: list[Any], jitter: float) -> int:
        total = count = 0
        capped = False
        for item, value in zip(tpl.items, values, strict=True):
            if item.kind == "grade" and value:
                total += value
                count += 1
                if item.limiting and value == 4:
                    capped = True
        if capped:
            return 4
        if not count:
            return 2
        r = int(total / count + jitter + 0.5)
        return 1 if r < 1 else 4 if r > 4 else r

    def _sos(self, tpl: _Template, values: list[Any], overall: int) -> tuple[str, str, str]:
        """Signs of Safety: what is working well, what we are worried about, what next;
        written from the auditor's best and worst graded areas."""
        rng = self.rng
        graded = [
            (v, item.key)
            for item, v in zip(tpl.items, values, strict=True)
            if v and item.kind == "grade"
        ]
        best = min(graded)[1] if graded else ""
        worst = max(graded) if graded else (0, "")
        strengths = [LEARNING[best][0]] if best in LEARNING else []
        worries = [LEARNING[worst[1]][1]] if worst[0] >= 3 and worst[1] in LEARNING else []
        strengths.append(rng.choice(STRENGTHS))
        if overall >= 3 or not worries:
            worries.append(rng.choice(WORRIES))
        return (
            " ".join(strengths[: 2 if overall <= 2 else 1]),
            " ".join(worries),
            " ".join(rng.sample(NEXT_STEPS, 1 if overall <= 2 else 2)),
        )

    # ------------------------------------------------------------ one audit

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

    def _pick_moderator(self, team: int, exclude: set[int]) -> int:
        rng = self.rng
        gm = self.group_manager[TEAMS[team].service_area]
        if gm not in exclude and rng.random() < 0.8:
            return gm
        options = [p for p in self.qa_leads if p not in exclude]
        if not options:
            options = [p for p in self.group_manager.values() if p not in exclude]
        return rng.choice(options)

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

        # (reviewer, agency key, part, kindness bias)
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

        created = self._at(day, 0, 60)
        last = created
        # Which reviews are submitted, given the audit's status.
        n = len(slots)
        submitted = [True] * n
        returned = -1
        if status == "draft":
            submitted = [False] * n
        elif status == "in_review":
            cut = rng.randint(1, max(1, n - 1)) if n > 1 else 0
            submitted = [i < cut for i in range(n)]
        elif status == "returned":
            returned = rng.randrange(n)

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

        final_overall: int | None = None
        finalised_at: datetime | None = None
        if status == "final":
            if kind == "single":
                final_overall = review_overalls[0] if review_overalls else None
                finalised_at = last
            else:
                assert moderator is not None
                final_overall = self._overall(tpl, truth, 0.0)
                done_at = self._at(latest_submit + rng.randint(1, 14), 300, 480)
                finalised_at = done_at
                last = max(last, done_at)
                moderation_id = self._id(MODERATION_T)
                rationale = ""
                if (
                    any(o != final_overall for o in review_overalls)
                    or len(set(review_overalls)) > 1
                ):
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
                        "panel_summary": rng.choice(PANEL_SUMMARIES)
                        if kind == "multi_agency"
                        else "",
                        "created_at": min(done_at, self._at(latest_submit, 300, 480)),
                        "updated_at": done_at,
                    },
                )
                first = self._ids(MODERATION_ANSWER_T, len(items))
                rows.raw(MODERATION_ANSWER_T).extend(
                    (first + j, moderation_id, item.key, _answer(item, value), "")
                    for j, (item, value) in enumerate(zip(items, truth, strict=True))
                )
            if finalised_at is not None:
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
                    service = rng.random() < 0.15
                    owner = (
                        self.group_manager[TEAMS[team].service_area]
                        if service
                        else self.manager_of[team]
                    )
                    text_value = rng.choice(SERVICE_ACTIONS) if service else rng.choice(NEXT_STEPS)
                    author = (
                        moderator
                        if moderator is not None and rng.random() < 0.4
                        else rng.choice(auditors)
                    )
                    self._action(
                        rows, audit_id, owner, author, text_value, service, final_ord, stamp
                    )
        if rng.random() < 0.35:
            self._feedback(rows, audit_id, c, overall, day, final_ord, rng.choice(auditors))

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

    # ------------------------------------------------------------ PostgreSQL sequences

    def _reset_sequences(self) -> None:
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in _SEQUENCED:
            name = table.name
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )
            )
