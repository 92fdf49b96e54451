"""A scenario for the report's story (services/report_story.py), built through the services, with
its figures worked out by hand. The partnership's year starts in April: 2025/26 Q3 is October to
December 2025, 2025/26 Q4 January to March 2026.

2025/26 Q3 (finalised 10 November 2025)
  A1  C1000 (AB, Assessment Team North), final good
      development "No chronology on file"   themes chronology, neglect
      development "Plan not updated"        theme plans
      strength    "Child seen alone"        theme voice of the child
      actions: service "Reissue the chronology guidance", due 31 Jan 2026, done 20 Jan 2026
               case "Update the chronology for AB", due 1 Dec 2025, open
  A2  C1001 (CD, Assessment Team North), final requires improvement
      development "No  chronology on FILE"  theme chronology   (the same words as A1's)
      action: service "Chronology workshop for Sam Worker's team", due 30 Jun 2026, open
2025/26 Q4 (finalised 15 February 2026)
  A3  C1002 (EF, Through Care Team), final good
      strength    "Child seen alone"                     theme voice of the child
      strength    "Clear plan written with the family"   theme plans
      strength    "Priya Lead praised the plan"          theme plans  (names a person)
      strength    "Thorough assessment"                  theme assessment, not for sharing
      development "Chronology gaps"                      theme chronology
      feedback: parent "The worker really listened to us." (consent, shareable, 1 Feb)
                carer  "Dana helped us a lot" (consent, shareable, 10 Feb; Dana Social, a
                       worker, is added to the people afterwards: it names her now)
                child  "I like my worker" (consent, not shareable)
      action: service "Plans audit in three months", due 31 May 2026, open
  A4  C1000 (AB), final good (in another programme)
      strength    "Child seen alone"                     theme voice of the child
      feedback: parent "The worker  really listened to us." (the same words again, 2 Feb)

Learning themes, strength / development:
  Q3: chronology 0/2, neglect 0/1, plans 0/1, voice of the child 1/0
  Q4: assessment 1/0, chronology 0/1, plans 2/0, voice of the child 2/0
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from audit_tool.services import (
    audits,
    feedback,
    learning,
    learning_actions,
    reference,
    templates,
)
from audit_tool.services.audits import Answer
from audit_tool.services.feedback import FeedbackInput
from tests.factories import World, complete_review, looped_audit

Q3_DAY = datetime(2025, 11, 10, 10, 0, tzinfo=UTC)
Q4_DAY = datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
FROM, TO = date(2025, 10, 1), date(2026, 3, 31)
TODAY = date(2026, 4, 15)  # both quarters whole


def _final(
    world: World,
    ref: str,
    grade: str,
    when: datetime,
    before_confirm: Any,
    programme: str = "p-test",
) -> str:
    from sqlalchemy import update

    from audit_tool.models import Audit

    uuid = looped_audit(world, ref=ref, programme=programme)
    complete_review(world, world.auditor, uuid, overall=grade)
    complete_review(world, world.auditor2, uuid, overall=grade)
    before_confirm(uuid)
    items = templates.get_template(world.db, world.lead, "moderated_case_file").graded_items
    audits.confirm(
        world.db,
        world.moderator,
        uuid,
        answers={i.key: Answer(grade) for i in items},
        overall=grade,
    )
    with world.db.transaction() as session:
        session.execute(update(Audit).where(Audit.uuid == uuid).values(finalised_at=when))
    return uuid


def build_story(world: World) -> dict[str, str]:
    db, lead = world.db, world.lead

    def point(uuid: str, kind: str, text: str, themes: list[str], shared: bool = True) -> None:
        learning.add_learning_point(
            db, lead, uuid, kind=kind, text=text, themes=themes, in_briefing=shared
        )

    def talk(uuid: str, who: str, comment: str, day: date, shareable: bool = True) -> None:
        feedback.add_feedback(
            db,
            lead,
            FeedbackInput(who, "phone", day, True, {"child_views": "yes"}, comment, shareable),
            audit_uuid=uuid,
        )

    def action(uuid: str, text: str, due: date, scope: str = "service") -> str:
        return learning_actions.add_action(
            db, lead, uuid, text=text, owner_key="tm1", due_on=due, scope=scope, today=TODAY
        ).uuid

    def a1_learning(uuid: str) -> None:
        point(uuid, "development", "No chronology on file", ["chronology", "neglect"])
        point(uuid, "development", "Plan not updated", ["plans"])
        point(uuid, "strength", "Child seen alone", ["voice of the child"])

    a1 = _final(world, "C1000", "good", Q3_DAY, a1_learning)
    reissue = action(a1, "Reissue the chronology guidance", date(2026, 1, 31))
    learning_actions.set_action_status(db, lead, reissue, "done", on=date(2026, 1, 20))
    action(a1, "Update the chronology for AB", date(2025, 12, 1), scope="case")

    a2 = _final(
        world,
        "C1001",
        "requires_improvement",
        Q3_DAY,
        lambda u: point(u, "development", "No  chronology on FILE", ["chronology"]),
    )
    action(a2, "Chronology workshop for Sam Worker's team", date(2026, 6, 30))

    def a3_learning(uuid: str) -> None:
        point(uuid, "strength", "Child seen alone", ["voice of the child"])
        point(uuid, "strength", "Clear plan written with the family", ["plans"])
        point(uuid, "strength", "Priya Lead praised the plan", ["plans"])
        point(uuid, "strength", "Thorough assessment", ["assessment"], shared=False)
        point(uuid, "development", "Chronology gaps", ["chronology"])
        talk(uuid, "parent", "The worker really listened to us.", date(2026, 2, 1))
        talk(uuid, "carer", "Dana helped us a lot", date(2026, 2, 10))
        talk(uuid, "child", "I like my worker", date(2026, 2, 12), shareable=False)

    a3 = _final(world, "C1002", "good", Q4_DAY, a3_learning)
    action(a3, "Plans audit in three months", date(2026, 5, 31))

    def a4_learning(uuid: str) -> None:
        point(uuid, "strength", "Child seen alone", ["voice of the child"])
        talk(uuid, "parent", "The worker  really listened to us.", date(2026, 2, 2))

    a4 = _final(world, "C1000", "good", Q4_DAY, a4_learning, programme="p-second")
    reference.save_person(db, lead, key="sw3", name="Dana Social", agency_key="csc")
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4}
