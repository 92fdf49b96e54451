"""My work: what is waiting for the acting person, grouped by what to do next.

An auditor sees their reviews returned to them (with the moderator's comment), overdue, due
this week, in progress and to start; a moderator the audits waiting for their moderation; a QA
lead the open urgent concerns, overdue actions, programmes behind schedule and briefings in
draft. Each item says whose turn it is and names what to open. Read in one session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor
from audit_tool.models import (
    Action,
    Audit,
    Briefing,
    Case,
    Programme,
    Review,
    ReviewAnswer,
    UrgentConcern,
)
from audit_tool.reporting.overdue import overdue_condition

if TYPE_CHECKING:
    from audit_tool.store import Database

DUE_SOON = timedelta(days=7)

# Groups in the order they are shown; an item sits in the first that fits.
RETURNED = "Returned to me"
OVERDUE = "Overdue"
DUE_THIS_WEEK = "Due this week"
IN_PROGRESS = "In progress"
TO_START = "To start"
TO_MODERATE = "Waiting for my moderation"
CONCERNS = "Urgent concerns without a response"
OVERDUE_ACTIONS = "Overdue actions"
BEHIND = "Programmes behind schedule"
DRAFT_BRIEFINGS = "Briefings in draft"
GROUPS = (
    CONCERNS,
    RETURNED,
    TO_MODERATE,
    OVERDUE,
    DUE_THIS_WEEK,
    IN_PROGRESS,
    TO_START,
    OVERDUE_ACTIONS,
    BEHIND,
    DRAFT_BRIEFINGS,
)


DIP_SAMPLE = ": dip sample, single auditor"


@dataclass(frozen=True)
class WorkItem:
    group: str
    kind: str  # "review", "moderation", "concern", "action", "programme" or "briefing"
    uuid: str  # what to open: the audit for reviews and moderations, else the record
    title: str
    turn: str  # whose turn it is and what to do, in words
    due_on: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class MyWork:
    items: tuple[WorkItem, ...]

    @property
    def count(self) -> int:
        return len(self.items)

    def group(self, name: str) -> list[WorkItem]:
        return [i for i in self.items if i.group == name]


def _due_words(due: date | None, today: date) -> str:
    if due is None:
        return ""
    if due < today:
        days = (today - due).days
        return f", overdue by {days} day{'s' if days != 1 else ''}"
    return f", due {due:%d %b}"


def _reviews(session: Session, actor: Actor, today: date) -> list[WorkItem]:
    """The acting auditor's reviews that are theirs to do (drafts and returned ones)."""
    answered = (
        select(func.count())
        .select_from(ReviewAnswer)
        .where(ReviewAnswer.review_id == Review.id, ReviewAnswer.value.is_not(None))
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Review.status,
            Review.return_comment,
            Review.strengths,
            Review.worries,
            Review.next_steps,
            answered,
            Audit.uuid,
            Audit.due_on,
            Case.ref,
            Programme.name,
            Audit.kind,
        )
        .join(Audit, Review.audit_id == Audit.id)
        .join(Case, Audit.case_id == Case.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(
            Review.reviewer_id == actor.person_id,
            Review.status.in_(("draft", "returned")),
            Audit.status.in_(("in_review", "returned")),
        )
        .order_by(Audit.due_on.is_(None), Audit.due_on, Case.ref)
    ).all()
    items = []
    for (
        status,
        comment,
        strengths,
        worries,
        next_steps,
        n_answers,
        uuid,
        due,
        ref,
        prog,
        kind,
    ) in rows:
        started = bool(n_answers) or any(t.strip() for t in (strengths, worries, next_steps))
        overdue = due is not None and due < today
        # A dip sample says so: the one review is final when submitted (no moderation).
        title = f"Case {ref} ({prog})" + (DIP_SAMPLE if kind == "single" else "")
        when = _due_words(due, today)
        if status == "returned":
            group = RETURNED
            # The due date before the moderator's words, which are quoted as they wrote them
            # (a comment ending in a full stop read "... grade., due 05 Jan").
            said = f'"{comment.strip()}"' if comment.strip() else "no comment"
            turn = f"Your turn: returned to you{when}: {said}"
        elif overdue:
            group, turn = OVERDUE, f"Your turn: your review{when}"
        elif due is not None and due <= today + DUE_SOON:
            group, turn = DUE_THIS_WEEK, f"Your turn: your review{when}"
        elif started:
            group, turn = IN_PROGRESS, f"Your turn: finish and submit your review{when}"
        else:
            group, turn = TO_START, f"Your turn: start your review{when}"
        items.append(WorkItem(group, "review", uuid, title, turn, due, overdue))
    return items


def _moderations(session: Session, actor: Actor, today: date) -> list[WorkItem]:
    rows = session.execute(
        select(Audit.uuid, Audit.due_on, Case.ref, Programme.name)
        .join(Case, Audit.case_id == Case.id)
        .join(Programme, Audit.programme_id == Programme.id)
        .where(Audit.moderator_id == actor.person_id, Audit.status == "in_moderation")
        .order_by(Audit.due_on.is_(None), Audit.due_on, Case.ref)
    ).all()
    return [
        WorkItem(
            TO_MODERATE,
            "moderation",
            uuid,
            f"Case {ref} ({prog})",
            f"Your turn: both reviews are in; moderate{_due_words(due, today)}",
            due,
            due is not None and due < today,
        )
        for uuid, due, ref, prog in rows
    ]


def _lead_items(session: Session, today: date) -> list[WorkItem]:
    items = []
    concerns = session.execute(
        select(UrgentConcern.uuid, UrgentConcern.raised_at, Case.ref)
        .join(Case, UrgentConcern.case_id == Case.id)
        .where(UrgentConcern.status == "open")
        .order_by(UrgentConcern.raised_at)
    ).all()
    for uuid, raised, ref in concerns:
        items.append(
            WorkItem(
                CONCERNS,
                "concern",
                uuid,
                f"Case {ref}",
                f"A response is needed: raised {raised:%d %b %Y}",
            )
        )
    actions = session.execute(
        select(Action.uuid, Action.text, Action.due_on)
        .where(overdue_condition(today))  # the one definition (reporting/overdue.py)
        .order_by(Action.due_on)
        .limit(200)
    ).all()
    for uuid, text, due in actions:
        short = text if len(text) <= 80 else text[:80] + "..."
        items.append(
            WorkItem(
                OVERDUE_ACTIONS,
                "action",
                uuid,
                short,
                f"Follow up{_due_words(due, today)}",
                due,
                True,
            )
        )
    behind = session.execute(
        select(
            Programme.key,
            Programme.name,
            Programme.due_on,
            func.count(Audit.id),
            func.count(Audit.id).filter(Audit.status == "final"),
        )
        .join(Audit, Audit.programme_id == Programme.id)
        .where(Programme.due_on < today)
        .group_by(Programme.key, Programme.name, Programme.due_on)
        .having(func.count(Audit.id).filter(Audit.status == "final") < func.count(Audit.id))
        .order_by(Programme.due_on)
    ).all()
    for key, name, due, total, final in behind:
        items.append(
            WorkItem(
                BEHIND,
                "programme",
                key,
                name,
                f"{final} of {total} audits final{_due_words(due, today)}",
                due,
                True,
            )
        )
    drafts = session.execute(
        select(Briefing.uuid, Briefing.title, Briefing.updated_at)
        .where(Briefing.status == "draft")
        .order_by(Briefing.updated_at.desc())
    ).all()
    for uuid, title, updated in drafts:
        items.append(
            WorkItem(
                DRAFT_BRIEFINGS,
                "briefing",
                uuid,
                title,
                f"Draft: edit and publish (last changed {updated:%d %b %Y})",
            )
        )
    return items


def my_work(db: Database, actor: Actor, *, today: date | None = None) -> MyWork:
    """What waits for the acting person, in GROUPS order. A person with no work gets none."""
    today = today or date.today()
    items: list[WorkItem] = []
    with db.session() as session:
        if actor.person_id is not None and actor.can("audit.review"):
            items += _reviews(session, actor, today)
        if actor.person_id is not None and actor.can("audit.moderate"):
            items += _moderations(session, actor, today)
        if "lead" in actor.roles:
            items += _lead_items(session, today)
    order = {name: n for n, name in enumerate(GROUPS)}
    items.sort(key=lambda i: order[i.group])  # stable: each group keeps its own order
    return MyWork(tuple(items))
