"""What the audit services return: plain frozen dataclasses for an audit, its reviews, its
moderation, a row of the audit list and an offline checkout note; no ORM object leaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from audit_tool.access.actors import Actor
from audit_tool.services.audits.states import STATUS_LABELS
from audit_tool.services.templates import TemplateRow


@dataclass(frozen=True)
class Answer:
    value: str | None
    comment: str = ""


@dataclass(frozen=True)
class ReviewView:
    uuid: str
    reviewer_key: str
    reviewer_name: str
    agency_name: str
    part: str | None
    status: str
    hidden: bool  # True: blind, only who and the status are shown
    submitted_at: datetime | None = None
    overall: str | None = None
    strengths: str = ""
    worries: str = ""
    next_steps: str = ""
    return_comment: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    revision: int = 0
    # Item keys (and "overall", "strengths", ...) changed since the review was last returned.
    changed_since_return: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ModerationView:
    moderator_key: str
    moderator_name: str
    completed_at: datetime | None
    overall: str | None
    rationale: str
    panel_summary: str
    answers: dict[str, Answer]


@dataclass(frozen=True)
class CheckoutNote:
    """The audit is checked out to work on offline (services.checkout): on the server, by whom
    and to where; in the laptop file, from which server."""

    person_key: str
    person_name: str
    since: datetime
    label: str  # on the server: "file on laptop"; in the laptop file: the server
    offline_copy: bool  # this database is the laptop file

    def banner(self, actor: Actor) -> str:
        when = _local_time(self.since)
        if self.offline_copy:
            return (
                f"Offline copy, checked out from {self.label or 'the team server'} on {when}. "
                "Check it in when you are back online (File > Check in offline work...): what "
                "you change here goes back then, unless it was changed on the server meanwhile."
            )
        who = "You" if self.person_key == actor.key else self.person_name
        where = f" ({self.label})" if self.label else ""
        return (
            f"{who} checked this audit out on {when}{where} to work on it offline. A change "
            "made here is kept, and the offline changes are then not applied at check-in: "
            "they are reported as a conflict and stay in the offline file."
        )


def _local_time(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class AuditView:
    uuid: str
    case_ref: str
    case_initials: str
    case_type: str
    team_name: str
    programme_key: str
    programme_name: str
    kind: str
    status: str
    due_on: date | None
    moderator_key: str | None
    moderator_name: str | None
    final_overall: str | None
    finalised_at: datetime | None
    revision: int
    template: TemplateRow
    reviews: tuple[ReviewView, ...]
    moderation: ModerationView | None
    my_review: str | None  # uuid of the acting user's own review, if any
    checked_out: CheckoutNote | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def review(self, uuid: str) -> ReviewView:
        return next(r for r in self.reviews if r.uuid == uuid)


@dataclass(frozen=True)
class SubmitResult:
    review: ReviewView
    audit_status: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class AuditListRow:
    uuid: str
    case_ref: str
    programme_name: str
    kind: str
    status: str
    due_on: date | None
    reviewers: str
    moderator_name: str | None
    final_overall: str | None
    my_role: str  # "reviewer", "moderator", "lead" or ""
    my_review_status: str | None = None  # the acting user's own review: draft, submitted...
    returned_to: tuple[str, ...] = ()  # auditors whose reviews are back with them

    @property
    def status_text(self) -> str:
        """The status in words, saying whose turn a returned audit is."""
        if self.status == "returned" and self.returned_to:
            return "Returned to " + ", ".join(self.returned_to)
        return STATUS_LABELS[self.status]
