"""Retention: how long an audit's case identifiers and free text are kept after it is final,
and the run that removes them once that period has passed.

An expired audit keeps every grade, yes/no answer and number (so reports and statistics still
count it) and loses its words: review and moderation comments, learning points, actions, family
feedback comments, worker-feedback notes and urgent-concern text. A case whose every audit has
been redacted loses its reference and initials, its date of birth and the values of its text
case fields (choices, yes/no, other dates and numbers stay, as grades do). The change log
loses the same words: every entry about an expired audit or its parts (and about a redacted
case, or naming its reference) keeps who, when and what kind of change, while its summary and
before/after values are replaced by a placeholder (chain format 2 hashes a digest of the
content, so the chain still verifies). The run writes one change-log entry that says what kind
of text went, how much, and which entries it redacted, never the text itself. Complaints
answered and compliments received before the same cut-off lose their words with them
(services.complaints.retention)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import (
    Action,
    Audit,
    Case,
    CaseField,
    CaseFieldValue,
    ChangeLogEntry,
    Feedback,
    LearningPoint,
    Moderation,
    ModerationAnswer,
    Notice,
    Programme,
    Review,
    ReviewAnswer,
    Setting,
    UrgentConcern,
    WorkerFeedback,
)
from audit_tool.models.templates import TemplateItem
from audit_tool.reporting import aggregates
from audit_tool.services import changelog
from audit_tool.services.complaints import retention as complaint_text
from audit_tool.store import checkpoint

if TYPE_CHECKING:
    from audit_tool.store import Database

SETTING_KEY = "retention_years"
DEFAULT_YEARS = 6
MIN_YEARS, MAX_YEARS = 1, 50
# Shown where a required text was removed, so a list does not show a blank row.
REMOVED_TEXT = "[removed: retention period ended]"
RETAINED_PREFIX = "RETAINED-"
RETAINED_INITIALS = "--"

# What an expired audit loses: (model, its free-text columns). Every Text or free String column
# of the audit's records in models/audits.py and models/learning.py is here; tests/services/
# test_retention.py scans every table to prove nothing is missed. Answer values are cleared
# only for "text" template items (grades, yes/no and numbers stay).
AUDIT_TEXT: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (Review, ("strengths", "worries", "next_steps", "return_comment", "at_return")),
    (ReviewAnswer, ("comment",)),
    (Moderation, ("rationale", "panel_summary")),
    (ModerationAnswer, ("comment",)),
    (LearningPoint, ("text",)),
    (Action, ("text", "completion_note")),
    (Feedback, ("comment",)),
    (WorkerFeedback, ("how",)),
    (UrgentConcern, ("what", "why_urgent", "response")),
)
_REQUIRED = {("learning_points", "text"), ("actions", "text"), ("urgent_concerns", "what")}


@dataclass(frozen=True)
class ExpiredAudit:
    uuid: str
    case_ref: str
    programme_name: str
    kind: str
    finalised_on: date


@dataclass(frozen=True)
class RetentionPlan:
    years: int
    cutoff: date  # audits final before this day have expired
    audits: tuple[ExpiredAudit, ...]
    cases: int  # cases that will lose their reference and initials
    complaints: int = 0  # complaints answered before the cut-off
    compliments: int = 0  # compliments received before it

    def lines(self) -> list[str]:
        """One line per audit that would go, then a summary (the dry run's output)."""
        out = [
            f"{a.case_ref}\t{a.programme_name}\tfinal {a.finalised_on.isoformat()}\t{a.uuid}"
            for a in self.audits
        ]
        out.append(
            f"Dry run: {len(self.audits)} audit(s) final before {self.cutoff.isoformat()} "
            f"(retention period {self.years} years) would lose their free text and "
            f"{self.cases} case(s) their reference and initials"
            + (
                f"; {self.complaints} complaint(s) and {self.compliments} compliment(s) their words"
                if self.complaints or self.compliments
                else ""
            )
            + "; nothing was changed"
        )
        return out


@dataclass(frozen=True)
class RetentionRun:
    years: int
    cutoff: date
    audits: int
    cases: int
    fields: tuple[str, ...]  # "table.column" of every kind of text cleared
    entry_id: int  # the change-log entry that records the run
    log_entries: int  # earlier change-log entries whose content the run removed
    compacted: bool  # SQLite: the file was rewritten so removed text is gone from its pages
    complaints: int = 0
    compliments: int = 0

    def lines(self) -> list[str]:
        return [
            f"Retention: {self.audits} audit(s) final before {self.cutoff.isoformat()} "
            f"(period {self.years} years) lost their free text and {self.cases} case(s) their "
            f"reference and initials; grades kept; {self.complaints} complaint(s) and "
            f"{self.compliments} compliment(s) lost their words; {self.log_entries} change "
            f"log entries redacted; recorded as change log entry {self.entry_id}"
        ]


# ---------------------------------------------------------------- the period


def _stored_years(session: Session) -> int:
    row = session.get(Setting, SETTING_KEY)
    try:
        years = int(row.value) if row is not None and row.value.strip() else DEFAULT_YEARS
    except ValueError:
        years = DEFAULT_YEARS
    return years if MIN_YEARS <= years <= MAX_YEARS else DEFAULT_YEARS


def retention_years(db: Database) -> int:
    """The retention period in years after an audit is final (default 6)."""
    with db.session() as session:
        return _stored_years(session)


def set_retention_years(db: Database, actor: Actor, years: int | str) -> int:
    """A QA lead changes the retention period (whole years, 1 to 50)."""
    require(actor, "retention.run")
    try:
        value = int(str(years).strip())
    except ValueError:
        value = 0
    if not MIN_YEARS <= value <= MAX_YEARS:
        raise ValidationError(
            f"The retention period was not changed: give a whole number of years from "
            f"{MIN_YEARS} to {MAX_YEARS} (got '{years}')",
            {"years": f"{MIN_YEARS} to {MAX_YEARS} years"},
        )
    with db.transaction() as session:
        before = _stored_years(session)
        row = session.get(Setting, SETTING_KEY)
        if row is None:
            session.add(Setting(key=SETTING_KEY, value=str(value)))
        else:
            row.value = str(value)
        session.flush()
        changelog.record_changes(
            session,
            actor,
            "settings",
            None,
            {"retention_years": before},
            {"retention_years": value},
            summary=f"Retention period set to {value} years after an audit is final",
        )
    return value


def cutoff_for(today: date, years: int) -> date:
    """The day `years` before `today` (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


# ---------------------------------------------------------------- what would go


def _expired(cutoff: date) -> Any:
    limit = datetime.combine(cutoff, time(), tzinfo=UTC)
    return and_(
        Audit.status == "final",
        Audit.finalised_at.is_not(None),
        Audit.finalised_at < limit,
        Audit.redacted_at.is_(None),
    )


def _cases_to_redact(session: Session, case_ids: set[int]) -> list[int]:
    """Of these cases, those with no audit left that still holds its text."""
    if not case_ids:
        return []
    unredacted = exists().where(Audit.case_id == Case.id, Audit.redacted_at.is_(None))
    stmt = select(Case.id).where(Case.id.in_(case_ids), Case.redacted_at.is_(None), ~unredacted)
    return list(session.scalars(stmt))


def plan(db: Database, actor: Actor, today: date | None = None) -> RetentionPlan:
    """The final audits whose retention period has passed and are not yet redacted (a dry run:
    nothing changes)."""
    require(actor, "retention.run")
    today = today or date.today()
    with db.session() as session:
        years = _stored_years(session)
        cutoff = cutoff_for(today, years)
        rows = session.execute(
            select(Audit.uuid, Audit.kind, Audit.finalised_at, Audit.case_id, Case.ref, Programme)
            .join(Case, Case.id == Audit.case_id)
            .join(Programme, Programme.id == Audit.programme_id)
            .where(_expired(cutoff))
            .order_by(Audit.finalised_at, Audit.id)
        ).all()
        expired = tuple(
            ExpiredAudit(r.uuid, r.ref, r.Programme.name, r.kind, _day(r.finalised_at))
            for r in rows
        )
        case_ids = {r.case_id for r in rows}
        # A case goes when every audit of it is either already redacted or expiring now.
        still_kept = exists().where(
            Audit.case_id == Case.id, Audit.redacted_at.is_(None), ~_expired(cutoff)
        )
        cases = (
            int(
                session.scalar(
                    select(func.count(Case.id)).where(
                        Case.id.in_(case_ids), Case.redacted_at.is_(None), ~still_kept
                    )
                )
                or 0
            )
            if case_ids
            else 0
        )
        gone = complaint_text.expired(session, cutoff)
    return RetentionPlan(
        years, cutoff, expired, cases, len(gone.complaint_ids), len(gone.compliment_ids)
    )


def _day(value: datetime) -> date:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).date()


# ---------------------------------------------------------------- the run


def _key_kinds_mixed(session: Session) -> bool:
    """Whether an item key is free text in one template and counted in another."""
    text_keys = select(TemplateItem.key).where(TemplateItem.kind == "text")
    return (
        session.scalar(
            select(TemplateItem.key)
            .where(TemplateItem.kind != "text", TemplateItem.key.in_(text_keys))
            .limit(1)
        )
        is not None
    )


def apply(db: Database, actor: Actor, today: date | None = None) -> RetentionRun:
    """Remove the case identifiers and free text of every expired audit, in one transaction,
    and record the run in the change log. Grades and answers stay."""
    require(actor, "retention.run")
    today = today or date.today()
    now = datetime.now(UTC)
    # The run empties entries this computer's checkpoint has seen: moved on after the run, as
    # made here, if the log agreed with it before (store/checkpoint.py).
    log_agreed = checkpoint.check(db) is None
    with db.transaction() as session:
        if db.is_sqlite:
            # Overwrite removed text in freed space instead of leaving it in the file.
            session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
        years = _stored_years(session)
        cutoff = cutoff_for(today, years)
        targets = session.execute(
            select(Audit.id, Audit.case_id, Audit.template_id).where(_expired(cutoff))
        ).all()
        audit_ids = [t.id for t in targets]
        cleared: set[str] = set()
        if audit_ids:
            templates = {t.template_id for t in targets}
            # The report's counts hold no free text; only a key that is text in one template
            # and counted in another could lose a counted answer here: then they follow.
            with aggregates.kept(session, audit_ids if _key_kinds_mixed(session) else []):
                cleared |= _clear_audit_text(session, audit_ids, templates)
            session.execute(
                update(Audit)
                .where(Audit.id.in_(audit_ids))
                .values(redacted_at=now, revision=Audit.revision + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            # Notices name the case reference: they go with the audit's words.
            session.execute(
                delete(Notice)
                .where(Notice.audit_id.in_(audit_ids))
                .execution_options(synchronize_session=False)
            )
        case_ids = _cases_to_redact(session, {t.case_id for t in targets})
        gone = complaint_text.expired(session, cutoff)
        # Found before the cases lose their references, which the search looks for.
        log_ids = _log_entries_to_redact(session, audit_ids, case_ids, gone)
        if case_ids:
            cleared |= _redact_cases(session, case_ids, now)
        cleared |= complaint_text.clear(session, gone, now)
        fields = tuple(sorted(cleared))
        entry = changelog.record(
            session,
            actor,
            "retention",
            "retention",
            None,
            after={
                "period_years": years,
                "cutoff": cutoff.isoformat(),
                "audits_redacted": len(audit_ids),
                "cases_redacted": len(case_ids),
                "complaints_redacted": len(gone.complaint_ids),
                "compliments_redacted": len(gone.compliment_ids),
                "fields_cleared": list(fields),
                "log_entries_redacted_count": len(log_ids),
                changelog.REDACTED_KEY: changelog.id_ranges(log_ids),
            },
            summary=(
                f"Retention run: {len(audit_ids)} audit(s) final before {cutoff.isoformat()} "
                f"lost their free text; {len(case_ids)} case(s) lost their reference and "
                f"initials; {len(gone.complaint_ids)} complaint(s) and "
                f"{len(gone.compliment_ids)} compliment(s) lost their words; "
                f"{len(log_ids)} change log entries redacted (period {years} years)"
            ),
        )
        changelog.redact(session, entry, log_ids, now)
        entry_id = entry.id
    if log_agreed:
        checkpoint.advance(db, trusted=True)
    compacted = _compact(db) if audit_ids or gone else False
    return RetentionRun(
        years, cutoff, len(audit_ids), len(case_ids), fields, entry_id, len(log_ids), compacted,
        *gone.counts,
    )  # fmt: skip


# Change-log entities whose records belong to one audit (or, loose, to a case): an entry about a
# deleted one is matched through the audit_id/case_id in its before/after snapshot.
_AUDIT_PARTS = (Review, Moderation, LearningPoint, Action, Feedback, UrgentConcern)
_PART_ENTITIES = {"review", "moderation", "learning_point", "action", "feedback", "urgent_concern"}


def _log_entries_to_redact(
    session: Session,
    audit_ids: list[int],
    case_ids: list[int],
    complaints: complaint_text.Expired | None = None,
) -> list[int]:
    """The change-log entries that hold the words or identifiers of these audits and cases:
    every entry about the audits or their parts, about the cases or their loose feedback and
    concerns, any about a since-deleted part of them, and any whose text names a case's
    reference (present or earlier). Entries already redacted and retention runs are left."""
    uuids: set[str] = set()
    if audit_ids:
        uuids |= set(session.scalars(select(Audit.uuid).where(Audit.id.in_(audit_ids))))
        for model in _AUDIT_PARTS:
            uuids |= set(session.scalars(select(model.uuid).where(model.audit_id.in_(audit_ids))))
    refs: set[str] = set()
    if case_ids:
        case_uuids = set(session.scalars(select(Case.uuid).where(Case.id.in_(case_ids))))
        uuids |= case_uuids
        for model in (Feedback, UrgentConcern):
            uuids |= set(session.scalars(select(model.uuid).where(model.case_id.in_(case_ids))))
        refs = set(session.scalars(select(Case.ref).where(Case.id.in_(case_ids))))
        # A case renamed since keeps its old references in its own entries' snapshots.
        for before, after in session.execute(
            select(ChangeLogEntry.before, ChangeLogEntry.after).where(
                ChangeLogEntry.entity_uuid.in_(case_uuids)
            )
        ):
            refs |= {
                str(side["ref"])
                for side in (before, after)
                if isinstance(side, dict) and side.get("ref")
            }
    complaints = complaints or complaint_text.Expired()
    uuids |= complaint_text.log_uuids(session, complaints)
    if not uuids and not refs:
        return []
    names = _ref_pattern(refs)
    audit_set, case_set = set(audit_ids), set(case_ids)
    found: list[int] = []
    stmt = (
        select(
            ChangeLogEntry.id,
            ChangeLogEntry.entity,
            ChangeLogEntry.entity_uuid,
            ChangeLogEntry.summary,
            ChangeLogEntry.reason,
            ChangeLogEntry.before,
            ChangeLogEntry.after,
        )
        .where(
            ChangeLogEntry.redacted_at.is_(None),
            ChangeLogEntry.action != changelog.RETENTION_ACTION,
        )
        .order_by(ChangeLogEntry.id)
        .execution_options(yield_per=2000)
    )
    for row in session.execute(stmt):
        about_them = (
            row.entity_uuid in uuids
            or (
                row.entity in _PART_ENTITIES
                and _belongs(row.before, row.after, audit_set, case_set)
            )
            or complaint_text.belongs(row.entity, row.before, row.after, complaints)
        )
        if about_them or (names is not None and _names_any(names, row)):
            found.append(row.id)
    return found


def _belongs(before: Any, after: Any, audit_ids: set[int], case_ids: set[int]) -> bool:
    for side in (before, after):
        if isinstance(side, dict) and (
            side.get("audit_id") in audit_ids
            or (side.get("audit_id") is None and side.get("case_id") in case_ids)
        ):
            return True
    return False


def _ref_pattern(refs: Iterable[str]) -> re.Pattern[str] | None:
    """A case reference as a whole token ("C100" does not match inside "C1000"), any case."""
    words = sorted({r.strip() for r in refs if r and r.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", re.IGNORECASE)


def _names_any(names: re.Pattern[str], row: Any) -> bool:
    texts = [row.summary or "", row.reason or ""]
    texts += [json.dumps(v, ensure_ascii=False) for v in (row.before, row.after) if v is not None]
    return any(names.search(t) for t in texts)


def _blank(model: Any, column: str) -> str:
    return REMOVED_TEXT if (model.__tablename__, column) in _REQUIRED else ""


def _clear_audit_text(session: Session, audit_ids: list[int], template_ids: set[int]) -> set[str]:
    cleared: set[str] = set()
    review_ids = select(Review.id).where(Review.audit_id.in_(audit_ids))
    moderation_ids = select(Moderation.id).where(Moderation.audit_id.in_(audit_ids))
    owner = {
        Review: Review.audit_id.in_(audit_ids),
        ReviewAnswer: ReviewAnswer.review_id.in_(review_ids),
        Moderation: Moderation.audit_id.in_(audit_ids),
        ModerationAnswer: ModerationAnswer.moderation_id.in_(moderation_ids),
        LearningPoint: LearningPoint.audit_id.in_(audit_ids),
        Action: Action.audit_id.in_(audit_ids),
        Feedback: Feedback.audit_id.in_(audit_ids),
        WorkerFeedback: WorkerFeedback.audit_id.in_(audit_ids),
        UrgentConcern: UrgentConcern.audit_id.in_(audit_ids),
    }
    for model, columns in AUDIT_TEXT:
        cleared |= _clear(session, model, owner[model], columns)
    # Answers to "text" items are words too; grade, yes/no and number answers stay.
    text_keys = select(TemplateItem.key).where(
        TemplateItem.template_id.in_(template_ids), TemplateItem.kind == "text"
    )
    for model, where in (
        (ReviewAnswer, owner[ReviewAnswer]),
        (ModerationAnswer, owner[ModerationAnswer]),
    ):
        result = session.execute(
            update(model)
            .where(where, model.item_key.in_(text_keys), model.value.is_not(None))
            .values(value=None)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result):
            cleared.add(f"{model.__tablename__}.value (text items)")
    return cleared


def _clear(session: Session, model: Any, where: Any, columns: tuple[str, ...]) -> set[str]:
    cleared: set[str] = set()
    for column in columns:
        attr = getattr(model, column)
        blank = _blank(model, column)
        result = session.execute(
            update(model)
            .where(where, attr != blank)
            .values({column: blank})
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result):
            cleared.add(f"{model.__tablename__}.{column}")
    return cleared


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _redact_cases(session: Session, case_ids: list[int], now: datetime) -> set[str]:
    """Replace the reference and initials; clear text recorded on the case outside any audit
    (feedback gathered on its own, concerns raised without an audit)."""
    cleared = {"cases.ref", "cases.initials"}
    taken = set(session.scalars(select(Case.ref).where(Case.ref.like(f"{RETAINED_PREFIX}%"))))
    for case_id, uuid in session.execute(
        select(Case.id, Case.uuid).where(Case.id.in_(case_ids)).order_by(Case.id)
    ).all():
        ref = _retained_ref(uuid, taken)
        taken.add(ref)
        session.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(
                ref=ref,
                initials=RETAINED_INITIALS,
                redacted_at=now,
                revision=Case.revision + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    # The case's words and its date of birth: text case fields, and the date of birth.
    words = select(CaseField.id).where(
        or_(CaseField.kind == "text", CaseField.birth_date.is_(True))
    )
    result = session.execute(
        delete(CaseFieldValue)
        .where(CaseFieldValue.case_id.in_(case_ids), CaseFieldValue.field_id.in_(words))
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result):
        cleared.add("case_field_values.value (text fields and date of birth)")
    loose = {
        Feedback: and_(Feedback.case_id.in_(case_ids), Feedback.audit_id.is_(None)),
        UrgentConcern: and_(UrgentConcern.case_id.in_(case_ids), UrgentConcern.audit_id.is_(None)),
    }
    for model, columns in AUDIT_TEXT:
        if model in loose:
            cleared |= _clear(session, model, loose[model], columns)
    return cleared


def _retained_ref(uuid: str, taken: set[str]) -> str:
    compact = uuid.replace("-", "")
    for length in (8, 12, 31):
        ref = f"{RETAINED_PREFIX}{compact[:length]}"
        if ref not in taken:
            return ref
    raise AssertionError("two cases share a uuid")


def _compact(db: Database) -> bool:
    """SQLite keeps old page images in the write-ahead log and free pages; rewrite the file so
    the removed words are gone from the disk file, not just from the rows. Best effort: the
    rows are already redacted if another connection holds the file."""
    if not db.is_sqlite:
        return False
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return True
    except OperationalError:
        return False


__all__ = [
    "AUDIT_TEXT",
    "DEFAULT_YEARS",
    "ExpiredAudit",
    "REMOVED_TEXT",
    "RetentionPlan",
    "RetentionRun",
    "apply",
    "cutoff_for",
    "plan",
    "retention_years",
    "set_retention_years",
]
