"""What a retention run (services.retention) removes from complaints and compliments.

A complaint answered before the retention cut-off loses its words and identifiers: its summary,
its points' text, its learning points' text, the text of the actions raised from it, its link
to a case, and its reference (replaced by a placeholder). It keeps its dates, agency, team,
stage, outcome, timescale and themes, so counts and percentages still hold. A compliment
received before the cut-off loses its summary (and so is no longer shareable). The change-log
entries about them are redacted with the audits' (retention._log_entries_to_redact)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from audit_tool.models import (
    Action,
    Complaint,
    ComplaintAction,
    ComplaintLearning,
    ComplaintPoint,
    Compliment,
)

REMOVED_TEXT = "[removed: retention period ended]"
RETAINED_PREFIX = "R-"
# Every free-text column of the complaint tables (tests/services/test_retention.py scans them).
TEXT_COLUMNS = (
    "complaints.summary",
    "complaints.reference",
    "complaint_points.text",
    "complaint_learning.text",
    "compliments.summary",
)


@dataclass(frozen=True)
class Expired:
    complaint_ids: list[int] = field(default_factory=list)
    compliment_ids: list[int] = field(default_factory=list)

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.complaint_ids), len(self.compliment_ids)

    def __bool__(self) -> bool:
        return bool(self.complaint_ids or self.compliment_ids)


def expired(session: Session, cutoff: date) -> Expired:
    """Complaints answered, and compliments received, before `cutoff`, not yet redacted."""
    complaints = session.scalars(
        select(Complaint.id).where(
            Complaint.responded_on.is_not(None),
            Complaint.responded_on < cutoff,
            Complaint.redacted_at.is_(None),
        )
    )
    compliments = session.scalars(
        select(Compliment.id).where(
            Compliment.received_on < cutoff, Compliment.redacted_at.is_(None)
        )
    )
    return Expired(list(complaints), list(compliments))


def _action_ids(ex: Expired) -> Any:
    return select(ComplaintAction.action_id).where(
        ComplaintAction.complaint_id.in_(ex.complaint_ids)
    )


def log_uuids(session: Session, ex: Expired) -> set[str]:
    """The uuids whose change-log entries hold these records' words."""
    if not ex:
        return set()
    uuids = set(session.scalars(select(Complaint.uuid).where(Complaint.id.in_(ex.complaint_ids))))
    uuids |= set(
        session.scalars(
            select(ComplaintLearning.uuid).where(
                ComplaintLearning.complaint_id.in_(ex.complaint_ids)
            )
        )
    )
    uuids |= set(session.scalars(select(Action.uuid).where(Action.id.in_(_action_ids(ex)))))
    uuids |= set(
        session.scalars(select(Compliment.uuid).where(Compliment.id.in_(ex.compliment_ids)))
    )
    return uuids


def belongs(entity: str, before: Any, after: Any, ex: Expired) -> bool:
    """An entry about an action since deleted, raised from one of these complaints."""
    if entity != "action" or not ex.complaint_ids:
        return False
    wanted = set(ex.complaint_ids)
    return any(
        isinstance(side, dict) and side.get("complaint_id") in wanted for side in (before, after)
    )


def clear(session: Session, ex: Expired, now: datetime) -> set[str]:
    """Remove the words; returns "table.column" of each kind of text cleared."""
    cleared: set[str] = set()
    if ex.complaint_ids:
        ids = ex.complaint_ids
        for complaint_id, uuid in session.execute(
            select(Complaint.id, Complaint.uuid).where(Complaint.id.in_(ids))
        ).all():
            session.execute(
                update(Complaint)
                .where(Complaint.id == complaint_id)
                .values(
                    reference=RETAINED_PREFIX + uuid.replace("-", ""),
                    summary="",
                    case_id=None,
                    redacted_at=now,
                    revision=Complaint.revision + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        cleared |= {"complaints.reference", "complaints.summary", "complaints.case_id"}
        _set(session, ComplaintPoint, ComplaintPoint.complaint_id.in_(ids), text="")
        _set(session, ComplaintLearning, ComplaintLearning.complaint_id.in_(ids), text=REMOVED_TEXT)
        _set(
            session,
            Action,
            Action.id.in_(_action_ids(ex)),
            text=REMOVED_TEXT,
            completion_note="",
        )
        cleared |= {
            "complaint_points.text",
            "complaint_learning.text",
            "actions.text (complaints)",
        }
    if ex.compliment_ids:
        _set(
            session,
            Compliment,
            Compliment.id.in_(ex.compliment_ids),
            summary="",
            shareable=False,
            redacted_at=now,
            revision=Compliment.revision + 1,
        )
        cleared.add("compliments.summary")
    return cleared


def _set(session: Session, model: Any, where: Any, **values: Any) -> None:
    session.execute(
        update(model)
        .where(and_(where))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
