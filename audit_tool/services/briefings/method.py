"""The background's method text: how the audits a briefing covers were done, drawn from those
audits. Each kind says what it did: a looped audit's two managers and moderator, a dip sample's
single auditor (not moderated), a multi-agency audit's agencies and panel, a SEND audit's
strands (education, health and social care advice), a thematic programme's targeted sample.
How many auditors, which agencies and strands, and whether moderated are counted from the
audits' reviews and moderations, not assumed from the kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.models import Agency, Audit, Review
from audit_tool.models.audits import SEND_PARTS, Moderation

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
PART_LABELS = {"education": "education", "health": "health", "social_care": "social care"}
KIND_ORDER = ("thematic", "looped", "multi_agency", "send", "single")


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural_form or word + 's')}"


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def in_sentence(name: str) -> str:
    """A theme's name inside a sentence: "Exploitation" -> "exploitation", "EHC plans" kept."""
    first = name.split(" ", 1)[0]
    return name if first[1:2].isupper() or first.isupper() else name[:1].lower() + name[1:]


@dataclass
class Group:
    """The audits of one kind in a briefing, and what their reviews and moderations show."""

    kind: str
    audits: int = 0
    moderated: int = 0
    panels: int = 0
    auditors: Counter[int] = field(default_factory=Counter)  # auditors per audit -> audits
    agency_sets: set[tuple[str, ...]] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)
    themes: set[str | None] = field(default_factory=set)  # of the programmes they are in


def _group_key(audit: Audit) -> str:
    """The method a programme's audit followed: a thematic programme's looped audits are a
    targeted sample; every other audit is its own kind."""
    if audit.kind == "looped" and audit.programme.kind == "thematic":
        return "thematic"
    return audit.kind


def groups_of(session: Session, audits: list[Audit]) -> list[Group]:
    """The briefing's audits grouped by method, in a fixed order, with their counts."""
    ids = [a.id for a in audits]
    reviews: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for audit_id, agency, part in session.execute(
        select(Review.audit_id, Agency.name, Review.part)
        .join(Agency, Agency.id == Review.agency_id)
        .where(Review.audit_id.in_(ids))
    ):
        reviews[audit_id].append((agency, part))
    moderations = {
        audit_id: summary
        for audit_id, summary in session.execute(
            select(Moderation.audit_id, Moderation.panel_summary).where(
                Moderation.audit_id.in_(ids), Moderation.completed_at.is_not(None)
            )
        )
    }
    groups: dict[str, Group] = {}
    for audit in audits:
        group = groups.setdefault(_group_key(audit), Group(_group_key(audit)))
        mine = reviews.get(audit.id, [])
        group.audits += 1
        group.themes.add(audit.programme.theme)
        group.auditors[len(mine)] += 1
        names = tuple(sorted({agency for agency, _part in mine}))
        group.agency_sets.add(names)
        group.agencies.update(names)
        group.parts.update(part for _agency, part in mine if part)
        if audit.id in moderations:
            group.moderated += 1
            group.panels += bool((moderations[audit.id] or "").strip())
    return [groups[k] for k in KIND_ORDER if k in groups]


def _how_many(counts: list[int], noun: str, nouns: str | None = None) -> str:
    """'two managers', 'four to five agencies'."""
    low, high = min(counts), max(counts)
    nouns = nouns or noun + "s"
    if low == high:
        return f"{number_word(low)} {noun if low == 1 else nouns}"
    return f"{number_word(low)} to {number_word(high)} {nouns}"


def _moderation(group: Group, how: str) -> str:
    """`how` the audits were moderated, as many of them as were."""
    if group.moderated == group.audits:
        return how
    if group.moderated == 0:
        return "not moderated"
    return f"{how} ({group.moderated} of {group.audits})"


def _looped(group: Group, alone: bool) -> str:
    auditors = _how_many(list(group.auditors), "manager")
    if not alone:
        moderated = _moderation(group, "moderated")
        if group.kind == "thematic":
            return f"{group.audits} from targeted samples, audited by {auditors} and {moderated}"
        return f"{plural(group.audits, 'case')} audited by {auditors} and {moderated}"
    confirmed = " who confirmed the final grades" if group.moderated == group.audits else ""
    how = (
        f"audited independently by {auditors}, then "
        f"{_moderation(group, 'moderated by a senior manager')}{confirmed}"
    )
    if group.kind != "thematic":
        return f"each case {how}"
    (theme,) = group.themes if len(group.themes) == 1 else (None,)
    on = f" on {in_sentence(theme)}" if theme else ""
    return f"a targeted sample of {plural(group.audits, 'case')}{on}, each {how}"


def _single(group: Group, alone: bool) -> str:
    moderated = _moderation(group, "moderated")
    if alone:
        return f"each case audited by a single auditor (dip sampling, {moderated})"
    return f"{group.audits} dip-sampled by a single auditor ({moderated})"


def _multi_agency(group: Group, alone: bool) -> str:
    agencies = _how_many([len(s) for s in group.agency_sets], "agency", "agencies")
    if not alone:
        panel = ", with a panel," if group.panels == group.audits else ""
        moderated = _moderation(group, "moderated")
        return f"{group.audits} audited JTAI-style by {agencies} each{panel} then {moderated}"
    if len(group.agency_sets) == 1:
        who = f"{and_list(sorted(group.agencies))} each audited their own involvement"
    else:
        who = f"{agencies} each audited their own involvement"
    panel = "a panel agreed the shared findings" if group.panels == group.audits else ""
    if group.moderated == group.audits:
        close = "a moderator confirmed the final grades"
    else:
        close = _moderation(group, "moderated")
    tail = f"{panel} and {close}" if panel else close
    return f"a JTAI-style multi-agency audit: for each case, {who}; {tail}"


def _send(group: Group, alone: bool) -> str:
    parts = [PART_LABELS[p] for p in SEND_PARTS if p in group.parts]
    parts += sorted(p for p in group.parts if p not in PART_LABELS)
    strands = and_list(parts) if parts else "its advice"
    count = number_word(len(parts) or 1)
    moderated = _moderation(group, "moderated")
    if not alone:
        plans = plural(group.audits, "EHC plan")
        return f"{plans} audited in {count} parts ({strands}), then {moderated}"
    pieces = sum(n * audits for n, audits in group.auditors.items())
    return (
        f"each EHC plan audited in {count} parts ({strands} advice), each part graded by its "
        f"own auditor, then {moderated}: {plural(pieces, 'piece')} of audit activity"
    )


def method_text(groups: list[Group]) -> str:
    """How the audits were done, one clause per kind; a sentence without its stop."""
    alone = len(groups) == 1
    clauses = []
    for group in groups:
        if group.kind in ("looped", "thematic"):
            clauses.append(_looped(group, alone))
        elif group.kind == "single":
            clauses.append(_single(group, alone))
        elif group.kind == "multi_agency":
            clauses.append(_multi_agency(group, alone))
        else:
            clauses.append(_send(group, alone))
    return "; ".join(clauses)


def agencies_named(groups: list[Group]) -> bool:
    """Whether the method text already names the agencies (a multi-agency briefing whose
    cases were all audited by the same agencies), so the Agencies line would repeat it."""
    return len(groups) == 1 and groups[0].kind == "multi_agency" and len(groups[0].agency_sets) == 1
