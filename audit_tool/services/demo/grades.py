"""Template items and grading: the file as it really is, each auditor's reading of it, the
overall grade, and the Signs of Safety and learning texts written from the grades."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from audit_tool.errors import ValidationError
from audit_tool.models import AuditTemplate, TemplateItem
from audit_tool.services.demo.people import _People

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


AGENCY_LEARNING = (
    "Record the outcome of agency checks on our own system.",
    "Share safeguarding information before the strategy discussion, not at it.",
    "Capture the child's own words in the referral.",
    "Make sure the practitioner who knows the child attends the conference.",
    "Use the levels of need guidance when making the referral.",
)


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


def _answer(item: _Item, value: Any) -> str:
    """How an answer is stored: a grade key, yes/no/not_applicable, a number or text."""
    if item.kind == "grade":
        return GRADE_KEYS[value] if value else NOT_APPLICABLE
    return str(value)


class _Grades(_People):
    """The templates' items and how auditors grade them."""

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
