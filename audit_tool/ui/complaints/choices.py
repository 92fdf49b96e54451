"""What the complaint and compliment forms offer: agencies, teams, the stages' timescales and
the themes in use, read once for the view (one operation) and passed to its dialogs."""

from __future__ import annotations

from dataclasses import dataclass, field

from audit_tool.access.actors import Actor
from audit_tool.services import complaints, reference
from audit_tool.store import Database


@dataclass(frozen=True)
class Choices:
    agencies: list[tuple[str, str]]  # (key, name)
    teams: list[tuple[str, str, str]]  # (key, name, agency key)
    timescales: dict[str, int] = field(default_factory=lambda: dict(complaints.DEFAULT_DAYS))
    themes: list[str] = field(default_factory=list)

    def teams_of(self, agency_key: str | None) -> list[tuple[str, str]]:
        return [(k, n) for k, n, a in self.teams if a == agency_key]


def load_choices(db: Database, actor: Actor) -> Choices:
    """Reads through the services only (any thread)."""
    agencies = [(a.key, a.name) for a in reference.list_agencies(db, actor, include_inactive=False)]
    teams = [
        (t.key, t.name, t.agency_key)
        for t in reference.list_teams(db, actor, include_inactive=False, with_case_counts=False)
    ]
    days = (
        complaints.timescales(db, actor)
        if actor.can("complaint.view")
        else dict(complaints.DEFAULT_DAYS)
    )
    return Choices(agencies, teams, days, complaints.complaint_themes(db, actor))
