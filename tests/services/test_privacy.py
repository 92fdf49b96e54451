"""The names check (services/privacy.py) that briefings, family comments and the report's quotes
pass through: case references, the initials of the cases concerned and people's names, found
as whole words; on SQLite and PostgreSQL. The cases' initials and references are looked up in
chunks and ruled out by the text's words before any pattern is tried: the answers are those of
the patterns alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from audit_tool.models import Case
from audit_tool.services import privacy


def hits(world, text: str, refs: tuple[str, ...] = (), names: bool = True) -> list[str]:
    with world.db.session() as session:
        ids = session.scalars(select(Case.id).where(Case.ref.in_(refs))).all() if refs else []
        return [str(h) for h in privacy.find_hits(session, text, case_ids=ids, names=names)]


@pytest.fixture
def world(world):
    # Written as stored: the case form takes letters only, older data may hold more.
    with world.db.transaction() as session:
        team_id = session.scalar(select(Case.team_id).where(Case.ref == "C1000"))
        session.add_all(
            Case(ref=ref, initials=initials, case_type="cin", team_id=team_id)
            for ref, initials in (("CA/7", "J-P"), ("K21", "ÉB"), ("X900", "KL"))
        )
    return world


@pytest.mark.parametrize(
    ("text", "refs", "found"),
    [
        ("Seen with AB at school.", ("C1000",), ["initials 'AB'"]),
        ("ABBA played; a LAB test.", ("C1000",), []),  # initials inside a word are not initials
        ("Seen with ab at school.", ("C1000",), []),  # initials are capitals
        ("AB was seen.", (), []),  # not the initials of a case concerned
        ("See c1000 and C1001.", (), ["case reference 'c1000'", "case reference 'C1001'"]),
        ("Referred as ca/7 in March.", ("CA/7",), ["case reference 'ca/7'"]),
        ("J-P said no.", ("CA/7",), ["initials 'J-P'"]),
        ("ÉB said yes; XÉB did not.", ("K21",), ["initials 'ÉB'"]),
        ("Kept as \u212a21 on file.", ("K21",), ["case reference '\u212a21'"]),
        ("KL and x900", ("X900",), ["case reference 'x900'", "initials 'KL'"]),
        ("Sam Worker and Terry visited.", (), ["name 'Sam Worker'", "name 'Terry'"]),
    ],
)
def test_identifying_details_are_found_as_whole_words(world, text, refs, found) -> None:
    assert sorted(hits(world, text, refs)) == sorted(found)


def test_many_cases_are_checked_in_chunks(world) -> None:
    with world.db.transaction() as session:  # more cases than one query asks about
        team_id = session.scalar(select(Case.team_id).where(Case.ref == "C1000"))
        session.add_all(
            Case(
                ref=f"M{i:04d}", initials="QZ" if i == 949 else "MM", case_type="cin",
                team_id=team_id,
            )
            for i in range(950)
        )  # fmt: skip
    refs = tuple(f"M{i:04d}" for i in range(950))
    assert hits(world, "Met QZ today.", refs, names=False) == ["initials 'QZ'"]
    assert hits(world, "Met QQ today.", refs, names=False) == []
