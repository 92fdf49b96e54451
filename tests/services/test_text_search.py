"""Text searches (cases, people, learning, change log): `%` and `_` are taken as typed, and an
over-long search is a clear message, on SQLite and PostgreSQL (issue #12, finding 7)."""

from __future__ import annotations

import pytest

from audit_tool.errors import ValidationError
from audit_tool.services import cases, changelog, learning, reference, text_search
from audit_tool.services.cases import CaseInput, CaseQuery
from audit_tool.services.changelog import LogFilter
from audit_tool.services.learning import LearningFilter
from tests.factories import looped_audit

HUGE = "x" * 100_000


def _refs(world, search: str) -> list[str]:
    return [r.ref for r in cases.list_cases(world.db, world.lead, CaseQuery(search=search))]


def test_case_search_takes_underscore_and_percent_literally(world):
    db, lead = world.db, world.lead
    for ref in ("C_100", "CX100"):
        cases.create_case(
            db, lead, CaseInput(ref=ref, initials="AB", case_type="cin", team="assess_north")
        )
    # "_" is one character of any kind to LIKE: C_1 would find CX100 and (stripped) C1000...
    assert _refs(world, "C_1") == ["C_100"]
    assert cases.count_cases(db, lead, CaseQuery(search="c_1")) == 1
    # ...and "%" anything at all: no reference or name holds one, so nothing matches.
    assert _refs(world, "%") == []
    assert _refs(world, "C%0") == []
    assert _refs(world, "\\") == []
    assert _refs(world, "C1000") == ["C1000"]  # an ordinary search is unchanged


def test_a_search_of_100000_characters_is_a_clear_message(world):
    db, lead = world.db, world.lead
    with pytest.raises(ValidationError, match=r"too long: at most 200 characters \(100,000"):
        cases.list_cases(db, lead, CaseQuery(search=HUGE))
    with pytest.raises(ValidationError, match="too long"):
        cases.count_cases(db, lead, CaseQuery(search=HUGE))
    with pytest.raises(ValidationError, match="too long"):
        reference.list_people(db, lead, search=HUGE)
    with pytest.raises(ValidationError, match="too long"):
        learning.list_learning(db, lead, LearningFilter(text=HUGE))
    with pytest.raises(ValidationError, match="too long"):
        changelog.entries(db, lead, flt=LogFilter(text=HUGE))
    with pytest.raises(ValidationError, match="too long"):
        changelog.count_matching(db, lead, LogFilter(text=HUGE))
    # The longest allowed search runs (and finds nothing).
    longest = "y" * text_search.MAX_CHARS
    assert _refs(world, longest) == []
    assert changelog.count_matching(db, lead, LogFilter(text=longest)) == 0


def test_people_search_takes_wildcards_literally(world):
    db, lead = world.db, world.lead
    everyone = reference.list_people(db, lead)
    assert not any("_" in p.key or "_" in p.name for p in everyone)
    assert reference.list_people(db, lead, search="_") == []
    assert reference.list_people(db, lead, search="%") == []
    assert [p.key for p in reference.list_people(db, lead, search="lead1")] == ["lead1"]


def test_learning_search_takes_percent_literally(world):
    uuid = looped_audit(world)
    for text in ("Visits met in 50% of months", "Visits met in 500 months of records"):
        learning.add_learning_point(
            world.db, world.auditor, uuid, kind="strength", text=text, item_key="voice_of_child"
        )
    found = learning.list_learning(world.db, world.lead, LearningFilter(text="50%"))
    assert [row.text for row in found] == ["Visits met in 50% of months"]
    found = learning.list_learning(world.db, world.lead, LearningFilter(text="in 5_0"))
    assert found == []


def test_the_pattern_escapes_the_escape_character_first():
    assert text_search.contains_pattern("a\\_%b") == "%a\\\\\\_\\%b%"
    assert text_search.search_text("   ") is None
    assert text_search.search_text("  C1  ") == "C1"
