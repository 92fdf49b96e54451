"""Briefing drafts right for each kind of audit: the method text drawn from the audits (how
many auditors, moderated or not, which agencies, the SEND strands, a targeted sample), "why it
matters" from the theme, "what to do" from current actions on the theme, each family quote
once, and every section within the page-one word budget (on the demo data too)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from audit_tool.access.actors import Actor
from audit_tool.models import Audit, Person, PersonRole, Programme
from audit_tool.reporting.markup import word_count
from audit_tool.services import (
    audits,
    briefings,
    cases,
    demo,
    feedback,
    learning,
    learning_actions,
    programmes,
    reference,
)
from audit_tool.services.audits import Answer
from audit_tool.services.briefings.budget import Part, fit_parts, sentences, trim
from audit_tool.services.briefings.drafting import quote_key
from audit_tool.services.feedback import FeedbackInput
from audit_tool.store import Database
from tests.dbtemplates import world_recipe

TODAY = date(2026, 3, 1)  # the day the briefings are drafted on
BUDGET = briefings.WORD_BUDGET

WHY_SENTENCES = (
    "Children on the RED pathway face the highest risk of criminal and sexual exploitation.",
    "Partners must recognise when a young person meets the threshold for child protection.",
    "A local child safeguarding practice review found that risk built up unseen while "
    "agencies each held part of the picture and nobody joined it together in time.",
    "Older teenagers were too often treated as making choices rather than as victims.",
    "Missing episodes and return home interviews were not linked to the plan for the child.",
)
METHOD_SENTENCE = (
    "Two managers audit each file independently and a senior manager moderates the grade."
)
DEVELOPMENT = "Chronologies were missing, so the risk of exploitation built up unseen"
OTHER_THEME = "Plans were not shared with the family in a form they could use"
CURRENT = "Add chronology checks to supervision for exploitation cases"
DONE = "Add chronology checks to the supervision template"
PAST = "Audit the chronologies again in the spring"
CANCELLED = "Chronology training for every team"
ELSEWHERE = "Reissue the guidance on sending plans to families"
FOR_THE_CASE = "Update this child's chronology"
QUOTE = "They listened to my son and the plan made sense to us."
SAME_QUOTE = "they listened to my son  and the plan made sense to us"
SECOND_QUOTE = "We knew who to ring when things went wrong."
NAMING = "Robin was kind to us every time."
PRIVATE = "The office never answered the phone."


# ---------------------------------------------------------------- the scenario


def _people_and_cases(world) -> None:
    db, lead = world.db, world.lead
    reference.save_agency(db, lead, key="health", name="Health Trust")
    reference.save_agency(db, lead, key="education", name="Education and Schools")
    for key, name, agency, title in (
        ("pc1", "Pat Constable", "police", ""),
        ("hv1", "Hana Visitor", "health", ""),
        ("ed1", "Eli Teacher", "education", ""),
        ("gm1", "Gale Owner", "csc", "Exploitation service lead"),
    ):
        reference.save_person(
            db, lead, key=key, name=name, agency_key=agency, job_title=title, roles=["auditor"]
        )
    for i in range(7):
        cases.create_case(
            db,
            lead,
            cases.CaseInput(
                ref=f"C20{i:02d}",
                initials="GH",
                case_type="send" if i == 6 else "cp",
                team="assess_north",
                worker="sw1",
                manager="tm1",
                opened_on="2024-01-15",
            ),
        )


def _programme(world, key: str, kind: str, template: str, **extra) -> None:
    programmes.save_programme(
        world.db,
        world.lead,
        key=key,
        name=f"Programme {key}",
        kind=kind,
        template_key=template,
        starts_on=date(2026, 1, 1),
        due_on=date(2026, 1, 31),
        **extra,
    )


def _audit(world, programme: str, ref: str, kind: str, reviewers, moderator="mod1") -> str:
    (row,) = programmes.add_audits(world.db, world.lead, programme, [ref], kind=kind)
    programmes.assign(
        world.db, world.lead, row.audit_uuid, reviewers=reviewers, moderator=moderator
    )
    return row.audit_uuid


def _finish(world, uuid: str, keys: list[str], overall: str = "good") -> None:
    """Every auditor grades every practice area `overall` and submits; then (for a moderated
    audit) the panel summary where one is needed, and the moderator confirms."""
    db = world.db
    for key in keys:
        actor = reference.actor_for(db, key)
        view = audits.get_audit(db, actor, uuid)
        assert view.my_review is not None
        audits.save_review(
            db,
            actor,
            view.my_review,
            answers={i.key: Answer(overall) for i in view.template.graded_items},
            overall=overall,
        )
        audits.submit_review(db, actor, view.my_review)
    view = audits.get_audit(db, world.lead, uuid)
    if view.kind == "single":
        return
    if view.kind == "multi_agency":
        audits.record_panel_summary(db, world.lead, uuid, "The agencies' shared findings")
    audits.confirm(
        db,
        world.moderator,
        uuid,
        answers={i.key: Answer(overall) for i in view.template.graded_items},
        overall=overall,
    )


def _theme_learning(world, first: str, second: str) -> None:
    """The thematic programme's learning, family feedback and actions."""
    db, aud = world.db, world.auditor
    learning.add_learning_point(
        db, aud, first, kind="development", text=DEVELOPMENT, themes=["exploitation"]
    )
    learning.add_learning_point(
        db, aud, first, kind="development", text=OTHER_THEME, themes=["planning"]
    )
    learning.add_learning_point(
        db, aud, second, kind="strength", text="Return home interviews were done", themes=[]
    )
    day = TODAY + timedelta(days=30)
    for uuid, text, due, scope in (
        (first, CURRENT, day, "service"),
        (second, "  add chronology checks to supervision for  exploitation cases", day, "service"),
        (first, DONE, day, "service"),
        (first, PAST, TODAY - timedelta(days=10), "service"),
        (first, CANCELLED, day, "service"),
        (first, ELSEWHERE, day, "service"),
        (first, FOR_THE_CASE, day, "case"),
    ):
        row = learning_actions.add_action(
            db, aud, uuid, text=text, owner_key="gm1", due_on=due, scope=scope
        )
        if text == DONE:
            learning_actions.set_action_status(db, world.lead, row.uuid, "done", on=TODAY)
        elif text == CANCELLED:
            learning_actions.set_action_status(
                db, world.lead, row.uuid, "cancelled", note="Covered elsewhere"
            )
    for uuid, who, comment, shareable in (
        (first, "parent", QUOTE, True),
        (second, "carer", SAME_QUOTE, True),
        (second, "other", SECOND_QUOTE, True),
        (second, "child", NAMING, True),
        (first, "carer", PRIVATE, False),
    ):
        feedback.add_feedback(
            db,
            aud,
            FeedbackInput(
                who, "phone", date(2026, 1, 10), True, {"child_views": "yes"}, comment, shareable
            ),
            audit_uuid=uuid,
        )
    # Named after the comment was shared: the name check at drafting now finds it.
    reference.save_person(db, world.lead, key="rh1", name="Robin Hood", agency_key="police")


def build_kinds(world) -> dict[str, list[str]]:
    """One programme of each kind, its audits taken to final; the uuids by programme."""
    _people_and_cases(world)
    _programme(world, "p-monthly", "monthly", "moderated_case_file")
    _programme(
        world,
        "p-theme",
        "thematic",
        "moderated_case_file",
        theme="Exploitation",
        description=" ".join((WHY_SENTENCES[0], METHOD_SENTENCE, *WHY_SENTENCES[1:])),
        sample_size=2,
    )
    _programme(world, "p-joint", "multi_agency", "jtai_multi_agency", theme="Initial response")
    _programme(world, "p-send", "send", "send_ehc_plan", theme="EHC plans")
    pairs = ["aud1", "aud2"]
    made = {
        "looped": [_audit(world, "p-monthly", r, "looped", pairs) for r in ("C2000", "C2001")],
        "single": [_audit(world, "p-monthly", "C2002", "single", ["aud1"], None)],
        "thematic": [_audit(world, "p-theme", r, "looped", pairs) for r in ("C2003", "C2004")],
        "multi_agency": [_audit(world, "p-joint", "C2005", "multi_agency", ["aud1", "pc1", "hv1"])],
        "send": [
            _audit(
                world,
                "p-send",
                "C2006",
                "send",
                {"education": "ed1", "health": "hv1", "social_care": "aud1"},
            )
        ],
    }
    _theme_learning(world, *made["thematic"])
    for uuid in (made["looped"][0], made["multi_agency"][0]):
        learning.add_learning_point(
            world.db,
            world.auditor,
            uuid,
            kind="development",
            text="Case summaries were out of date",
            themes=["recording"],
        )
    keys = {
        "looped": pairs,
        "single": ["aud1"],
        "thematic": pairs,
        "multi_agency": ["aud1", "pc1", "hv1"],
        "send": ["ed1", "hv1", "aud1"],
    }
    for kind, uuids in made.items():
        for uuid in uuids:
            _finish(world, uuid, keys[kind])
    return made


# Built once per test process and backend into a template database, copied for each test.
kinds = world_recipe(build_kinds, name="kinds")


def _draft(world, **source) -> briefings.BriefingView:
    return briefings.new_briefing(world.db, world.lead, today=TODAY, **source)


def _method(view: briefings.BriefingView) -> str:
    (line,) = [x for x in view.sections["background"].splitlines() if "**Method:**" in x]
    return line.split("**Method:** ", 1)[1]


# ---------------------------------------------------------------- method, per kind


METHODS = {
    "looped": "each case audited independently by two managers, then moderated by a senior "
    "manager who confirmed the final grades.",
    "single": "each case audited by a single auditor (dip sampling, not moderated).",
    "thematic": "a targeted sample of 2 cases on exploitation, each audited independently by "
    "two managers, then moderated by a senior manager who confirmed the final grades.",
    "multi_agency": "a JTAI-style multi-agency audit: for each case, Children's Social Care, "
    "Health Trust and Police each audited their own involvement; a panel agreed the shared "
    "findings and a moderator confirmed the final grades.",
    "send": "each EHC plan audited in three parts (education, health and social care advice), "
    "each part graded by its own auditor, then moderated: 3 pieces of audit activity.",
}


@pytest.mark.parametrize("kind", list(METHODS))
def test_the_method_says_how_each_kind_of_audit_was_done(kinds, kind):
    world, made = kinds
    view = _draft(world, audit_uuids=made[kind])
    assert _method(view) == METHODS[kind]
    if kind not in ("looped", "thematic"):
        assert "two managers" not in view.sections["background"]
    # The agencies that audited: named in the method for a multi-agency audit, listed else.
    agencies = [x for x in view.sections["background"].splitlines() if "**Agencies:**" in x]
    if kind == "multi_agency":
        assert agencies == []
    elif kind == "send":
        assert agencies == [
            "- **Agencies:** Children's Social Care, Education and Schools, Health Trust"
        ]
    else:
        assert agencies == ["- **Agencies:** Children's Social Care"]


def test_a_programme_of_looped_audits_and_dip_samples_says_both(kinds):
    world, _made = kinds
    view = _draft(world, programme_key="p-monthly")
    assert _method(view) == (
        "2 cases audited by two managers and moderated; "
        "1 dip-sampled by a single auditor (not moderated)."
    )
    assert "moderated final grades" not in view.sample  # a dip sample's grades are not
    # A theme across programmes: each kind says what it did, in a few words.
    mixed = _draft(world, theme="recording")
    assert _method(mixed) == (
        "1 case audited by two managers and moderated; "
        "1 audited JTAI-style by three agencies each, with a panel, then moderated."
    )


# ---------------------------------------------------------------- why, what to do, voice


def test_why_it_matters_speaks_of_the_theme_not_the_method(kinds):
    world, _made = kinds
    why = _draft(world, programme_key="p-theme").sections["why"]
    assert word_count(why) <= BUDGET
    first, evidence = why.split("\n\n")
    assert first.startswith(WHY_SENTENCES[0])
    assert METHOD_SENTENCE not in why and "moderat" not in why and "independently" not in why
    # Cut at a sentence boundary: every sentence kept is whole, in order.
    kept = sentences(first)
    assert kept == list(WHY_SENTENCES[: len(kept)]) and 1 < len(kept) < len(WHY_SENTENCES)
    assert evidence == "Auditors found areas for development on exploitation in 1 of the 2 cases."
    # No theme: the themes the audits found most often, never the method.
    monthly = _draft(world, programme_key="p-monthly").sections["why"]
    assert monthly.startswith("The areas for development found most often were recording (1 of")
    assert "moderat" not in monthly and "two managers" not in monthly


def test_what_to_do_offers_only_current_actions_on_the_theme(kinds):
    world, _made = kinds
    view = _draft(world, programme_key="p-theme")
    todo = view.sections["todo"]
    assert todo.count(CURRENT) == 1  # raised in two audits, offered once
    assert f"- {CURRENT} (Exploitation service lead, by 31 March 2026)" in todo  # a role
    assert "Gale" not in todo
    for left_out in (DONE, PAST, CANCELLED, ELSEWHERE, FOR_THE_CASE):
        assert left_out not in todo
    for question in briefings.REFLECTION_QUESTIONS:
        assert question in todo
    # Drafted again once it is past due: nothing current is left on the theme.
    later = briefings.redraft_section(
        world.db, world.lead, view.uuid, "todo", today=TODAY + timedelta(days=31)
    )
    assert CURRENT not in later.sections["todo"]
    assert later.sections["todo"].startswith("- No open actions on this theme yet")


def test_a_family_quote_is_drafted_once_and_only_if_shareable_and_naming_nobody(kinds):
    world, _made = kinds
    view = _draft(world, programme_key="p-theme")
    voice = view.sections["voice"]
    quotes = [line for line in voice.splitlines() if line.startswith("*“")]
    keys = [quote_key(q.split("”*")[0]) for q in quotes]
    assert len(keys) == len(set(keys)) == 2
    assert quote_key(QUOTE) in keys
    assert f"*“{SECOND_QUOTE}”* — someone close to the family" in voice
    assert "Robin" not in voice and PRIVATE not in voice
    assert briefings.check(world.db, world.lead, view.uuid) == []


def test_no_strongest_or_weakest_area_when_every_area_was_graded_alike(kinds):
    world, made = kinds
    found = _draft(world, audit_uuids=made["thematic"]).sections["found"]
    assert "2 of 2 cases (100%)" in found and "Strongest" not in found


def test_every_section_of_each_kinds_draft_is_within_budget(kinds):
    world, made = kinds
    views = [_draft(world, audit_uuids=uuids) for uuids in made.values()]
    views += [_draft(world, programme_key=k) for k in ("p-monthly", "p-theme", "p-send")]
    for view in views:
        assert max(view.word_counts.values()) <= BUDGET, view.word_counts
        assert view.drafted == view.sections


# ---------------------------------------------------------------- the budget


def test_trimming_keeps_whole_sentences_and_whole_words():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(20))
    cut = trim(text, 30)
    assert word_count(cut) == 28 and cut.endswith("number 3 has exactly seven words.")
    one = "word " * 100
    short = trim(one.strip(), 10)
    assert short == "word " * 9 + "word…" and word_count(short) == 10
    # A quote is never split inside its emphasis; a lower-priority part goes first.
    parts = [
        Part("Header line of four"),
        Part("- a figure line", keep=2),
        Part("*“One. Two three four five.”* — a parent", keep=1, gap=True),
    ]
    assert fit_parts(parts, 11) == "Header line of four\n\n*“One. Two three four five.”* — a parent"
    assert fit_parts(parts, 6) == "Header line of four"


def test_every_section_is_within_budget_on_the_demo_data(db: Database, system: Actor):
    today = date(2026, 3, 15)
    demo.generate(db, system, audits=120, seed=3, today=today)
    with db.session() as session:
        keys = list(
            session.scalars(
                select(Programme.key)
                .join(Audit, Audit.programme_id == Programme.id)
                .where(Audit.status == "final")
                .group_by(Programme.key)
                .order_by(Programme.key)
            )
        )
        lead_key = session.scalar(
            select(Person.key)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.role == "lead")
            .order_by(Person.id)
            .limit(1)
        )
    lead = reference.actor_for(db, str(lead_key))
    sources = [{"programme_key": k} for k in keys]
    sources += [{"theme": t} for t in ("voice of the child", "recording", "exploitation")]
    methods = []
    for source in sources:
        # Drafted two months back, when some of the demo's actions were still to do.
        view = briefings.new_briefing(db, lead, today=today - timedelta(days=60), **source)
        over = {k: n for k, n in view.word_counts.items() if n > BUDGET}
        assert not over, (source, over)
        methods.append(_method(view))
    # Every kind was drafted: looped with dip samples, thematic, multi-agency and SEND.
    for said in ("dip-sampled", "a targeted sample", "JTAI-style", "each EHC plan"):
        assert any(said in m for m in methods), said
