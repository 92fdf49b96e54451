"""Cases: validation, create/update/delete, and the paged, filtered, sorted register query."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, column, func, or_, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import ConflictError, NotFound, ValidationError
from audit_tool.models import Agency, Case, Person, Team
from audit_tool.models.cases import CASE_TYPE_LABELS, CASE_TYPES
from audit_tool.services import case_fields, changelog, text_search
from audit_tool.services.case_fields import Clean, FieldDef, parse_date

if TYPE_CHECKING:
    from audit_tool.store import Database

REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/\-_.]{0,39}$")
INITIALS_RE = re.compile(r"^[A-Z]{1,4}$")

SORT_KEYS = (
    "ref",
    "initials",
    "case_type",
    "level_of_need",
    "team",
    "worker",
    "manager",
    "opened_on",
)


@dataclass(frozen=True)
class CaseInput:
    """What a user types or an import row holds; names may be keys or display names."""

    ref: str
    initials: str
    case_type: str
    team: str
    level_of_need: int | str | None = None
    worker: str | None = None
    manager: str | None = None
    opened_on: date | str | None = None
    closed_on: date | str | None = None
    # The partnership's case fields by key (services/case_fields.py): None leaves the values
    # held as they are; a blank value removes one.
    fields: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class CaseRow:
    id: int
    uuid: str
    ref: str
    initials: str
    case_type: str
    level_of_need: int | None
    team_key: str
    team_name: str
    service_area: str
    agency_name: str
    worker_key: str | None
    worker_name: str | None
    manager_key: str | None
    manager_name: str | None
    opened_on: date | None
    closed_on: date | None
    revision: int

    @property
    def case_type_label(self) -> str:
        return CASE_TYPE_LABELS.get(self.case_type, self.case_type)


@dataclass(frozen=True)
class CaseQuery:
    search: str = ""
    team_key: str | None = None
    case_type: str | None = None
    level_of_need: int | None = None
    sort: str = "ref"
    descending: bool = False


@dataclass
class Lookups:
    """Teams and people by key and by lower-cased name, loaded once per validation run."""

    teams: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    ambiguous_people: set[str] = field(default_factory=set)
    fields: dict[str, FieldDef] = field(default_factory=dict)  # case fields by key

    @classmethod
    def load(cls, session: Session) -> Lookups:
        lookups = cls(fields=case_fields.field_defs(session))
        for tid, key, name in session.execute(select(Team.id, Team.key, Team.name)):
            lookups.teams[key.lower()] = tid
            lookups.teams.setdefault(name.lower(), tid)
        seen: dict[str, int] = {}
        for pid, key, name in session.execute(select(Person.id, Person.key, Person.name)):
            lookups.people[key.lower()] = pid
            lname = name.lower()
            if lname in seen and seen[lname] != pid:
                lookups.ambiguous_people.add(lname)
            seen[lname] = pid
        for lname, pid in seen.items():
            lookups.people.setdefault(lname, pid)
        return lookups


def normalise_case_type(value: str) -> str | None:
    text_value = str(value or "").strip().lower()
    if text_value in CASE_TYPES:
        return text_value
    for key, label in CASE_TYPE_LABELS.items():
        if text_value in (label.lower(), key.replace("_", " ")):
            return key
    aliases = {"cin": "cin", "cp": "cp", "cla": "cla", "lac": "cla", "eh": "early_help"}
    return aliases.get(text_value.replace(" ", ""))


def _parse_level(value: int | str) -> int | None:
    """1-4 as an int (Excel gives 3.0 for 3); None for anything else."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    if number.is_integer() and 1 <= number <= 4:
        return int(number)
    return None


def looks_like_full_name(value: str) -> bool:
    """Two or more words with lower-case letters: 'Jane Smith', not 'JS' or 'J.S.'."""
    words = [w for w in re.split(r"[\s,]+", value.strip()) if w]
    return len(words) >= 2 and any(re.search(r"[a-z]{2,}", w) for w in words)


def clean_initials(value: str) -> str:
    return re.sub(r"[\s.\-]", "", str(value or "")).upper()


@dataclass(frozen=True)
class CleanCase:
    ref: str
    initials: str
    case_type: str
    level_of_need: int | None
    team_id: int
    worker_id: int | None
    manager_id: int | None
    opened_on: date | None
    closed_on: date | None
    fields: Mapping[str, Clean | None] | None = None


def validate_case(data: CaseInput, lookups: Lookups) -> tuple[CleanCase | None, dict[str, str]]:
    """Check one case; return the clean values or a message per field. Never writes."""
    errors: dict[str, str] = {}
    ref = _check_ref(data, errors)
    initials = _check_initials(data, errors)
    case_type = _check_case_type(data, errors)
    level = _check_level(data, errors)
    team_id = _check_team(data, lookups, errors)
    person_ids = _check_people(data, lookups, errors)
    dates = _check_dates(data, errors)
    values: dict[str, Clean | None] | None = None
    if data.fields is not None:
        values, field_errors = case_fields.check_values(lookups.fields, data.fields)
        errors.update(field_errors)
    if errors:
        return None, errors
    assert case_type is not None and team_id is not None
    return (
        CleanCase(
            ref=ref,
            initials=initials,
            case_type=case_type,
            level_of_need=level,
            team_id=team_id,
            worker_id=person_ids["worker"],
            manager_id=person_ids["manager"],
            opened_on=dates["opened_on"],
            closed_on=dates["closed_on"],
            fields=values,
        ),
        {},
    )


def _check_ref(data: CaseInput, errors: dict[str, str]) -> str:
    ref = str(data.ref or "").strip()
    if not ref:
        errors["ref"] = "A case reference is required"
    elif not REF_RE.match(ref):
        errors["ref"] = (
            f"'{ref}' is not a case reference: use up to 40 letters, digits, '/', '-', '_' or '.'"
        )
    return ref


def _check_initials(data: CaseInput, errors: dict[str, str]) -> str:
    raw_initials = str(data.initials or "").strip()
    initials = clean_initials(raw_initials)
    if not raw_initials:
        errors["initials"] = "Initials are required"
    elif looks_like_full_name(raw_initials):
        errors["initials"] = (
            "This looks like a full name; record the child's initials only (e.g. 'JS')"
        )
    elif not INITIALS_RE.match(initials):
        errors["initials"] = "Use 1 to 4 letters for the initials (e.g. 'JS')"
    return initials


def _check_case_type(data: CaseInput, errors: dict[str, str]) -> str | None:
    case_type = normalise_case_type(data.case_type)
    if not str(data.case_type or "").strip():
        errors["case_type"] = "A case type is required"
    elif case_type is None:
        errors["case_type"] = (
            f"'{data.case_type}' is not a case type; use one of {', '.join(CASE_TYPES)}"
        )
    return case_type


def _check_level(data: CaseInput, errors: dict[str, str]) -> int | None:
    level: int | None = None
    if data.level_of_need not in (None, ""):
        level = _parse_level(data.level_of_need)
        if level is None:
            errors["level_of_need"] = (
                f"'{data.level_of_need}' is not a level of need; use 1, 2, 3 or 4, or leave blank"
            )
    return level


def _check_team(data: CaseInput, lookups: Lookups, errors: dict[str, str]) -> int | None:
    team_name = str(data.team or "").strip()
    team_id = lookups.teams.get(team_name.lower()) if team_name else None
    if not team_name:
        errors["team"] = "A team is required"
    elif team_id is None:
        errors["team"] = f"No team called '{team_name}'"
    return team_id


def _check_people(
    data: CaseInput, lookups: Lookups, errors: dict[str, str]
) -> dict[str, int | None]:
    """The worker's and manager's ids (None if blank or unknown)."""
    person_ids: dict[str, int | None] = {}
    for field_name in ("worker", "manager"):
        value = str(getattr(data, field_name) or "").strip()
        if not value:
            person_ids[field_name] = None
            continue
        if value.lower() in lookups.ambiguous_people:
            errors[field_name] = f"More than one person is called '{value}'; use their key"
        pid = lookups.people.get(value.lower())
        if pid is None:
            errors[field_name] = f"No person called '{value}'"
        person_ids[field_name] = pid
    return person_ids


def _check_dates(data: CaseInput, errors: dict[str, str]) -> dict[str, date | None]:
    """The opened and closed dates (None if blank or wrong): not in the future, in order."""
    dates: dict[str, date | None] = {}
    for field_name in ("opened_on", "closed_on"):
        try:
            dates[field_name] = parse_date(getattr(data, field_name))
        except ValueError as exc:
            errors[field_name] = str(exc)
            dates[field_name] = None
        typed = dates[field_name]
        if typed is not None and typed > date.today():
            errors[field_name] = "The date cannot be in the future"
            dates[field_name] = None
    if (
        dates.get("opened_on")
        and dates.get("closed_on")
        and dates["closed_on"] < dates["opened_on"]  # type: ignore[operator]
    ):
        errors["closed_on"] = "The case cannot close before it opened"
    return dates


# ---------------------------------------------------------------- queries

_Worker = aliased(Person, name="worker")
_Manager = aliased(Person, name="manager")

_SORT_COLUMNS = {
    "ref": Case.ref,
    "initials": Case.initials,
    "case_type": Case.case_type,
    "level_of_need": Case.level_of_need,
    "team": Team.name,
    "worker": _Worker.name,
    "manager": _Manager.name,
    "opened_on": Case.opened_on,
}


def _row_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Case.id,
            Case.uuid,
            Case.ref,
            Case.initials,
            Case.case_type,
            Case.level_of_need,
            Team.key,
            Team.name,
            Team.service_area,
            Agency.name,
            _Worker.key,
            _Worker.name,
            _Manager.key,
            _Manager.name,
            Case.opened_on,
            Case.closed_on,
            Case.revision,
        )
        .join(Team, Case.team_id == Team.id)
        .join(Agency, Team.agency_id == Agency.id)
        .outerjoin(_Worker, Case.worker_id == _Worker.id)
        .outerjoin(_Manager, Case.manager_id == _Manager.id)
    )


def _search_pattern(query: CaseQuery) -> str | None:
    text_value = text_search.search_text(query.search)
    return text_search.contains_pattern(text_value) if text_value else None


def _like(column: Any, pattern: str, *, sqlite: bool) -> Any:
    """Case-insensitive LIKE, wildcards typed in the search taken literally. SQLite's LIKE
    already ignores case, and is much faster than lower(column) LIKE; PostgreSQL's does not,
    so it gets ILIKE."""
    escape = text_search.ESCAPE
    return column.like(pattern, escape=escape) if sqlite else column.ilike(pattern, escape=escape)


def _filters(query: CaseQuery, *, sqlite: bool = False) -> list[Any]:
    where: list[Any] = []
    if query.team_key:
        where.append(
            Case.team_id == select(Team.id).where(Team.key == query.team_key).scalar_subquery()
        )
    if query.case_type:
        where.append(Case.case_type == query.case_type)
    if query.level_of_need is not None:
        where.append(Case.level_of_need == query.level_of_need)
    pattern = _search_pattern(query)
    if pattern:
        # Match reference, initials, team name or worker name. Teams and people are small
        # tables, so their matches resolve to id lists before the scan of cases.
        def like(column: Any) -> Any:
            return _like(column, pattern, sqlite=sqlite)

        where.append(
            or_(
                like(Case.ref),
                like(Case.initials),
                Case.team_id.in_(select(Team.id).where(like(Team.name))),
                Case.worker_id.in_(select(Person.id).where(like(Person.name))),
            )
        )
    return where


def count_cases(db: Database, actor: Actor, query: CaseQuery) -> int:
    require(actor, "case.view")
    stmt = select(func.count(Case.id)).where(
        *_filters(query, sqlite=db.is_sqlite), _in_scope(actor)
    )
    with db.session() as session:
        return int(session.scalar(stmt) or 0)


def list_cases(
    db: Database, actor: Actor, query: CaseQuery, *, offset: int = 0, limit: int = 200
) -> list[CaseRow]:
    require(actor, "case.view")
    column: Any = _SORT_COLUMNS.get(query.sort, Case.ref)
    filters = [*_filters(query, sqlite=db.is_sqlite), _in_scope(actor)]
    id_order = Case.id.desc() if query.descending else Case.id.asc()
    order = column.desc() if query.descending else column.asc()
    with db.session() as session:
        if column is Case.ref and _sparse_search(session, query, sqlite=db.is_sqlite):
            # A search that matches few rows: walking the reference index would read every
            # row to test it. Instead pick the page's ids from one scan of the table, sorting
            # only the matches (an expression defeats the index), then join just those rows.
            key = Case.ref.concat("")
            page_ids = (
                select(Case.id)
                .where(*filters)
                .order_by(key.desc() if query.descending else key.asc(), id_order)
                .offset(offset)
                .limit(limit)
                .correlate(None)
            )
            stmt = _row_select().where(Case.id.in_(page_ids)).order_by(order, id_order)
        else:
            stmt = _row_select().where(*filters).order_by(order, id_order)
            stmt = stmt.offset(offset).limit(limit)
        return [CaseRow(*row) for row in session.execute(stmt)]


def _sparse_search(session: Session, query: CaseQuery, *, sqlite: bool) -> bool:
    """Whether a text search is likely to match a small share of the register.

    A search that names a team matches thousands of cases, and the reference index finds the
    first page of those at once; anything else (a reference, initials, a worker) matches few.
    """
    pattern = _search_pattern(query)
    if not pattern:
        return False
    name = _like(Team.name, pattern, sqlite=sqlite)
    return session.scalar(select(Team.id).where(name).limit(1)) is None


def _in_scope(actor: Actor) -> Any:
    """Cases outside the actor's agency scope (access.scope) are not there for them."""
    return scope.case_in_scope(actor, Case.id, Case.team_id)


def get_case(db: Database, actor: Actor, ref: str) -> CaseRow:
    require(actor, "case.view")
    with db.session() as session:
        row = session.execute(_row_select().where(Case.ref == ref, _in_scope(actor))).first()
    if row is None:
        raise NotFound(f"No case with reference '{ref}'")
    return CaseRow(*row)


# A light handle on the audits table: the case register counts a case's audits without
# loading (and mapping) the audit models at start-up.
_audits = table("audits", column("id"), column("case_id"))


def case_audit_count(db: Database, actor: Actor, ref: str) -> int:
    require(actor, "case.view")
    with db.session() as session:
        return int(
            session.scalar(
                select(func.count(_audits.c.id))
                .join(Case, _audits.c.case_id == Case.id)
                .where(Case.ref == ref, _in_scope(actor))
            )
            or 0
        )


# ---------------------------------------------------------------- writes


def _apply(case: Case, clean: CleanCase) -> None:
    case.ref = clean.ref
    case.initials = clean.initials
    case.case_type = clean.case_type
    case.level_of_need = clean.level_of_need
    case.team_id = clean.team_id
    case.worker_id = clean.worker_id
    case.manager_id = clean.manager_id
    case.opened_on = clean.opened_on
    case.closed_on = clean.closed_on


def _raise_invalid(errors: dict[str, str]) -> None:
    raise ValidationError("The case was not saved: " + "; ".join(errors.values()), errors)


def create_case(db: Database, actor: Actor, data: CaseInput) -> CaseRow:
    require(actor, "case.edit")
    with db.transaction() as session:
        lookups = Lookups.load(session)
        clean, errors = validate_case(data, lookups)
        if clean is not None and session.scalar(select(Case.id).where(Case.ref == clean.ref)):
            errors = {"ref": f"A case with reference '{clean.ref}' already exists"}
        if errors or clean is None:
            _raise_invalid(errors)
        assert clean is not None
        case = add_case(
            session, actor, clean, summary=f"Case {clean.ref} added", fields=lookups.fields
        )
        ref = case.ref
    return get_case(db, actor, ref)


def add_case(
    session: Session,
    actor: Actor,
    clean: CleanCase,
    *,
    summary: str,
    fields: Mapping[str, FieldDef] | None = None,
) -> Case:
    """Insert a checked case and its change-log entry (inside the caller's transaction).
    `fields`: the case fields by key, when the clean case has values of them."""
    case = Case()
    _apply(case, clean)
    session.add(case)
    session.flush()
    if clean.fields:
        defs = fields if fields is not None else case_fields.field_defs(session)
        case_fields.write_values(session, case.id, defs, clean.fields)
    changelog.record(
        session, actor, "create", "case", case.uuid, after=snapshot(session, case), summary=summary
    )
    return case


def snapshot(session: Session, case: Case) -> dict[str, Any]:
    """A case's columns and, if it holds any, its case field values ("fields", by key) as the
    change log records them."""
    found = changelog.snapshot(case)
    values = case_fields.held_values(session, [case.id]).get(case.id)
    if values:
        found["fields"] = values
    return found


def set_values(
    session: Session, case: Case, fields: Mapping[str, FieldDef], clean: CleanCase
) -> None:
    """Write a clean case's field values; a change of them alone is a new revision too."""
    if not clean.fields:
        return
    with session.no_autoflush:  # one UPDATE of the case: one new revision
        if case_fields.write_values(session, case.id, fields, clean.fields):
            case.updated_at = datetime.now(UTC)


def update_case(
    db: Database, actor: Actor, ref: str, data: CaseInput, *, expected_revision: int | None = None
) -> CaseRow:
    """Save changes to a case. With expected_revision, refuse if someone saved in between."""
    require(actor, "case.edit")
    try:
        with db.transaction() as session:
            case = session.scalar(select(Case).where(Case.ref == ref))
            if case is None:
                raise NotFound(f"No case with reference '{ref}'")
            if expected_revision is not None and case.revision != expected_revision:
                raise ConflictError(
                    f"Case {ref} was changed by someone else since you opened it "
                    f"(revision {case.revision}, yours {expected_revision}); reload and try again"
                )
            lookups = Lookups.load(session)
            clean, errors = validate_case(data, lookups)
            if (
                clean is not None
                and clean.ref != ref
                and session.scalar(select(Case.id).where(Case.ref == clean.ref))
            ):
                errors = {"ref": f"A case with reference '{clean.ref}' already exists"}
            if errors or clean is None:
                _raise_invalid(errors)
            assert clean is not None
            before = snapshot(session, case)
            _apply(case, clean)
            set_values(session, case, lookups.fields, clean)
            session.flush()
            changelog.record_changes(
                session,
                actor,
                "case",
                case.uuid,
                before,
                snapshot(session, case),
                summary=f"Case {case.ref} changed",
            )
            new_ref = case.ref
    except StaleDataError as exc:
        raise ConflictError(
            f"Case {ref} was changed by someone else while you saved; reload and try again"
        ) from exc
    return get_case(db, actor, new_ref)


def delete_case(db: Database, actor: Actor, ref: str) -> None:
    from audit_tool.models.audits import Audit

    require(actor, "case.edit")
    with db.transaction() as session:
        case = session.scalar(select(Case).where(Case.ref == ref))
        if case is None:
            raise NotFound(f"No case with reference '{ref}'")
        audits = session.scalar(select(func.count(Audit.id)).where(Audit.case_id == case.id))
        if audits:
            raise ValidationError(
                f"Case {ref} has {audits} audit(s) and cannot be deleted; "
                "audits keep their case for the record"
            )
        changelog.record(
            session,
            actor,
            "delete",
            "case",
            case.uuid,
            before=snapshot(session, case),
            summary=f"Case {ref} deleted",
        )
        session.delete(case)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ValidationError(f"Case {ref} is still referred to and cannot be deleted") from exc


def with_changes(row: CaseRow, **changes: Any) -> CaseRow:
    return replace(row, **changes)
