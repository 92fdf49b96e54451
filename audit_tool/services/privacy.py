"""Finding identifying details in text meant to be shared: case references, initials, names.

A quote from a family or a briefing may leave the audit only when it names no child and no
person: no case reference held in the database, none of the initials of the cases it concerns,
and no person's name held in the database (the whole name, or a first name or surname of
three letters or more written as a name, with its capital)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.models import Case, Person

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]*[A-Za-z0-9]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Hit:
    kind: str  # "case reference", "initials" or "name"
    text: str  # what was found, as written in the text

    def __str__(self) -> str:
        return f"{self.kind} '{self.text}'"


_RUN = re.compile(r"[A-Za-z0-9]+")
_CHUNK = 900  # case ids a query asks about at once
_FOLDS = str.maketrans({"\u212a": "k", "\u017f": "s"})


def _plain(needle: str) -> bool:
    """Letters and digits only (ASCII): found as a whole word exactly when it is one of the
    text's runs of letters and digits, so a set lookup can rule it out before the regex."""
    return needle.isascii() and needle.isalnum()


def _word(pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
    return re.search(rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])", text, flags)


def find_hits(
    session: Session, text: str, *, case_ids: Iterable[int] = (), names: bool = True
) -> list[Hit]:
    """Identifying details in `text`, each once, in the order of the checks."""
    if not text.strip():
        return []
    hits: list[Hit] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, found: str) -> None:
        if (kind, found.lower()) not in seen:
            seen.add((kind, found.lower()))
            hits.append(Hit(kind, found))

    # Any case reference held, matched case-insensitively as a whole token.
    tokens = {t.upper() for t in _TOKEN.findall(text)} | {t for t in _TOKEN.findall(text)}
    if tokens:
        lowered = {t.lower() for t in tokens}
        refs = session.scalars(select(Case.ref).where(Case.ref.in_(sorted(tokens)))).all()
        for ref in refs:
            if ref.lower() in lowered:
                match = _word(re.escape(ref), text, re.IGNORECASE)
                add("case reference", match.group(0) if match else ref)
    # The initials of the cases concerned, as written (initials are capitals).
    ids = list(case_ids)
    runs = set(_RUN.findall(text))  # a plain needle can only match a whole run of these
    # Ignoring case, the regex also takes the Kelvin sign for k and the long s for s.
    lowered_runs = {r.lower() for r in _RUN.findall(text.translate(_FOLDS))}
    for i in range(0, len(ids), _CHUNK):
        for ref, initials in session.execute(
            select(Case.ref, Case.initials).where(Case.id.in_(ids[i : i + _CHUNK]))
        ):
            possible = initials and (initials in runs or not _plain(initials))
            if possible and _word(re.escape(initials), text):
                add("initials", initials)
            if _plain(ref) and ref.lower() not in lowered_runs:
                continue
            match = _word(re.escape(ref), text, re.IGNORECASE)
            if match:
                add("case reference", match.group(0))
    if names:
        people = list(session.scalars(select(Person.name)))
        for name in people:  # whole names first, so a part of one is not reported again
            whole = r"\s+".join(re.escape(part) for part in name.split())
            match = _word(whole, text, re.IGNORECASE) if whole else None
            if match:
                add("name", match.group(0))
        found = " ".join(h.text for h in hits if h.kind == "name")
        for name in people:
            for part in name.split():
                if (
                    len(part) >= 3
                    and part[0].isupper()
                    and not _word(re.escape(part), found)
                    and _word(re.escape(part), text)
                ):
                    add("name", part)
    return hits


def describe(hits: list[Hit]) -> str:
    return ", ".join(str(h) for h in hits)
