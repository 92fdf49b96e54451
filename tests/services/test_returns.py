"""What an auditor changed since their review was returned (services/audits/returns.py): the
moderator sees exactly the answers, evidence, overall grade and summary that changed."""

from __future__ import annotations

from audit_tool.services import audits
from audit_tool.services.audits import Answer
from tests.factories import looped_audit
from tests.services.test_audits import GOOD, RI, complete, grades, my_review


def _reviews(world, actor, uuid):
    return {r.reviewer_key: r for r in audits.get_audit(world.db, actor, uuid).reviews}


def test_the_moderator_sees_what_changed_since_the_return(world):
    db, aud1, aud2, mod = world.db, world.auditor, world.auditor2, world.moderator
    uuid = looped_audit(world)
    complete(world, aud1, uuid, overall=GOOD)
    complete(world, aud2, uuid, overall=RI, plans=RI)
    assert all(not r.changed_since_return for r in _reviews(world, mod, uuid).values())

    review2 = my_review(world, aud2, uuid)
    audits.return_review(db, mod, review2, "Plans grade: look at the latest plan")
    # Just returned: nothing changed yet.
    assert _reviews(world, mod, uuid)[aud2.key].changed_since_return == frozenset()

    answers = grades(world, plans=RI)
    answers["plans"] = Answer(GOOD, "The latest plan is SMART and shared")  # value and evidence
    answers["voice_of_child"] = Answer(GOOD, "evidence for voice_of_child, and the visit notes")
    audits.save_review(
        db,
        aud2,
        review2,
        answers=answers,
        overall=GOOD,
        strengths=f"{aud2.name}: strong relationships",
        worries="Chronology two months behind",
        next_steps="Update the chronology",
    )
    audits.submit_review(db, aud2, review2)

    seen = _reviews(world, mod, uuid)
    assert seen[aud2.key].changed_since_return == {"plans", "voice_of_child", "overall", "worries"}
    assert seen[aud1.key].changed_since_return == frozenset()
    # The auditor sees the same of their own review; the lead too.
    assert _reviews(world, aud2, uuid)[aud2.key].changed_since_return == {
        "plans",
        "voice_of_child",
        "overall",
        "worries",
    }
    assert _reviews(world, world.lead, uuid)[aud2.key].changed_since_return
