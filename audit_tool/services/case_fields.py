"""Case fields: the partnership's own fields on a case (pathway, legal status, forum, referral
source, levels requested and decided, school, a date of birth), their definitions, and the
checking and writing of each case's values.

A QA lead defines a field (Admin > Case fields): its key (the column of a case extract and the
name in an audit pack, never changed once made), its label, its kind (text, choice with its
options, yes/no, date, number) and, for a date, whether it may lie in the future. At most one
date field is the case's date of birth: the age at audit is worked out from it (age_on), and it
is never shown in a briefing, never written to an audit pack, and removed with the case's
reference by retention. A value is checked as the case's other fields are: a bad one is an
error beside its field (key `field_<key>`), never silently changed."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from audit_tool.access import scope
from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import Case, CaseField, CaseFieldValue
from audit_tool.models.case_fields import CASE_FIELD_KIND_LABELS, CASE_FIELD_KINDS, VALUE_LENGTH
from audit_tool.services import changelog
from audit_tool.services.extract_headers import BIRTH_HEADERS, builtin_header, personal_header

if TYPE_CHECKING:
    from audit_tool.store import Database

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
OPTION_LENGTH = 60
MAX_OPTIONS = 50
MAX_NUMBER = 1e12
YES = ("yes", "y", "true")
NO = ("no", "n", "false")
# Names a field's key cannot take: the case's own fields and the cohort rule's "age".
RESERVED = frozenset(
    {"ref", "initials", "case_type", "level_of_need", "team", "worker", "manager"}
    | {"opened_on", "closed_on", "age", "and", "or"}
)


def error_key(key: str) -> str:
    """The key of a case field's message in a ValidationError (and its input in a form)."""
    return f"field_{key}"


@dataclass(frozen=True)
class FieldDef:
    """A case field as the checks need it."""

    id: int
    key: str
    label: str
    kind: str
    options: tuple[str, ...] = ()
    not_future: bool = True
    birth_date: bool = False

    @property
    def kind_label(self) -> str:
        return CASE_FIELD_KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class CaseFieldRow(FieldDef):
    uuid: str = ""
    position: int = 0
    cases: int = 0  # how many cases hold a value


@dataclass(frozen=True)
class Clean:
    """A checked value: its text as stored, and a number field's number."""

    value: str
    number: float | None = None


def _def(f: CaseField) -> FieldDef:
    return FieldDef(
        f.id, f.key, f.label, f.kind, tuple(f.options or ()), f.not_future, f.birth_date
    )


def field_defs(session: Session) -> dict[str, FieldDef]:
    """Every case field by key, in their order."""
    stmt = select(CaseField).order_by(CaseField.position, CaseField.id)
    return {f.key: _def(f) for f in session.scalars(stmt)}


# ---------------------------------------------------------------- values


def age_on(born: date, on: date) -> int:
    """Whole years from `born` to `on` (a birthday on 29 February comes on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def years_before(on: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February in a common year)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def parse_date(value: date | str | None) -> date | None:
    """ISO dates, or the dd/mm/yyyy of UK case-management extracts."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text_value = str(value).strip()
    if not text_value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text_value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text_value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def check_value(field: FieldDef, raw: Any, today: date | None = None) -> tuple[Clean | None, str]:
    """(the clean value or None for blank, "") or (None, why it is wrong). Never writes."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, ""
    if field.kind == "text":
        if len(text) > VALUE_LENGTH:
            return None, f"Use at most {VALUE_LENGTH} characters"
        return Clean(" ".join(text.split())), ""
    if field.kind == "choice":
        match = next((o for o in field.options if o.lower() == text.lower()), None)
        if match is None:
            return None, f"'{_short(text)}' is not one of: {', '.join(field.options)}"
        return Clean(match), ""
    if field.kind == "yes_no":
        if text.lower() in YES:
            return Clean("yes"), ""
        if text.lower() in NO:
            return Clean("no"), ""
        return None, f"'{_short(text)}' is not yes or no"
    if field.kind == "date":
        return _check_date(field, text, today or date.today())
    return _check_number(text)


def _check_date(field: FieldDef, text: str, today: date) -> tuple[Clean | None, str]:
    try:
        typed = parse_date(text)
    except ValueError as exc:
        return None, str(exc)
    assert typed is not None
    if (field.not_future or field.birth_date) and typed > today:
        return None, "The date cannot be in the future"
    if typed.year < 1900:
        return None, "The date is before 1900"
    return Clean(typed.isoformat()), ""


def _check_number(text: str) -> tuple[Clean | None, str]:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None, f"'{_short(text)}' is not a number"
    if not math.isfinite(number) or abs(number) >= MAX_NUMBER:
        return None, f"'{_short(text)}' is not a number this field can hold"
    return Clean(_number_text(number), number), ""


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def check_values(
    fields: Mapping[str, FieldDef], raw: Mapping[str, Any], today: date | None = None
) -> tuple[dict[str, Clean | None], dict[str, str]]:
    """Check each given value (by field key): the clean values, and a message per bad one
    keyed by error_key. A key no field has is an error too."""
    clean: dict[str, Clean | None] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            errors[error_key(key)] = f"No case field '{_short(str(key))}'"
            continue
        checked, problem = check_value(field, value, today)
        if problem:
            errors[error_key(key)] = problem
        else:
            clean[key] = checked
    return clean, errors


def held_values(session: Session, case_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The values the cases hold, by case id and field key."""
    ids = list(case_ids)
    found: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        stmt = (
            select(CaseFieldValue.case_id, CaseField.key, CaseFieldValue.value)
            .join(CaseField, CaseFieldValue.field_id == CaseField.id)
            .where(CaseFieldValue.case_id.in_(ids[start : start + 500]))
        )
        for case_id, key, value in session.execute(stmt):
            found.setdefault(case_id, {})[key] = value
    return found


def write_values(
    session: Session,
    case_id: int,
    fields: Mapping[str, FieldDef],
    clean: Mapping[str, Clean | None],
) -> bool:
    """Set (or, for None, remove) these values of one case; others stay. True if any changed."""
    held = {
        v.field_id: v
        for v in session.scalars(select(CaseFieldValue).where(CaseFieldValue.case_id == case_id))
    }
    changed = False
    for key, value in clean.items():
        field_id = fields[key].id
        row = held.get(field_id)
        if value is None:
            if row is not None:
                session.delete(row)
                changed = True
        elif row is None:
            session.add(
                CaseFieldValue(
                    case_id=case_id, field_id=field_id, value=value.value, number=value.number
                )
            )
            changed = True
        elif row.value != value.value:
            row.value, row.number = value.value, value.number
            changed = True
    return changed


def case_values(db: Database, actor: Actor, ref: str) -> dict[str, str]:
    """A case's values by field key (its date of birth among them, if held)."""
    require(actor, "case.view")
    with db.session() as session:
        case_id = session.scalar(
            select(Case.id).where(
                Case.ref == ref, scope.case_in_scope(actor, Case.id, Case.team_id)
            )
        )
        if case_id is None:
            raise NotFound(f"No case with reference '{ref}'")
        return held_values(session, [case_id]).get(case_id, {})


# ---------------------------------------------------------------- definitions


def list_case_fields(db: Database, actor: Actor) -> list[CaseFieldRow]:
    require(actor, "reference.view")
    held = (
        select(func.count(CaseFieldValue.id))
        .where(CaseFieldValue.field_id == CaseField.id)
        .scalar_subquery()
    )
    with db.session() as session:
        stmt = select(CaseField, held).order_by(CaseField.position, CaseField.id)
        return [_row(f, int(n or 0)) for f, n in session.execute(stmt)]


def _row(f: CaseField, cases: int) -> CaseFieldRow:
    d = _def(f)
    return CaseFieldRow(
        d.id,
        d.key,
        d.label,
        d.kind,
        d.options,
        d.not_future,
        d.birth_date,
        uuid=f.uuid,
        position=f.position,
        cases=cases,
    )


def _clean_options(options: Iterable[str], errors: dict[str, str]) -> tuple[str, ...]:
    cleaned = tuple(" ".join(str(o).split()) for o in options if str(o).strip())
    lowered = [o.lower() for o in cleaned]
    if not cleaned:
        errors["options"] = "A choice needs its options, one per line"
    elif len(cleaned) > MAX_OPTIONS:
        errors["options"] = f"Use at most {MAX_OPTIONS} options"
    elif len(set(lowered)) != len(lowered):
        twice = next(o for o in cleaned if lowered.count(o.lower()) > 1)
        errors["options"] = f"'{_short(twice)}' is listed twice"
    elif any(len(o) > OPTION_LENGTH for o in cleaned):
        errors["options"] = f"Keep each option to {OPTION_LENGTH} characters"
    return cleaned


def _personal(key: str, label: str, birth_date: bool) -> str | None:
    """Why a field with this key or label would hold personal data the tool never holds, or
    (its key) would be read as a column of the case's own in an extract."""
    if key and builtin_header(key):
        return f"'{key}' is read as the case's {builtin_header(key)} in an extract; choose another"
    for name in (key, label):
        if personal_header(name) and not (birth_date and personal_header(name) in BIRTH_HEADERS):
            return (
                f"'{_short(name)}' names personal data the tool does not hold (a case "
                "holds the child's initials only); a date of birth is a date field marked "
                "as the date of birth"
            )
    return None


def _field_errors(key: str, label: str, kind: str, birth_date: bool, new: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if new and not KEY_RE.match(key):
        errors["key"] = "Use 2-40 lower-case letters, digits or '_', starting with a letter"
    elif new and key in RESERVED:
        errors["key"] = f"'{key}' is a name the case already uses; choose another"
    if not label:
        errors["label"] = "A label is required"
    elif len(label) > 80:
        errors["label"] = "Keep the label to 80 characters"
    if kind not in CASE_FIELD_KINDS:
        errors["kind"] = f"Choose one of: {', '.join(CASE_FIELD_KINDS)}"
    if birth_date and kind != "date":
        errors["birth_date"] = "The date of birth is a date field"
    personal = _personal(key, label, birth_date)
    if personal:
        errors["label" if _personal("", label, birth_date) else "key"] = personal
    return errors


def definition_errors(
    key: str, label: str, kind: str, options: Iterable[str] | None = None
) -> dict[str, str]:
    """What is wrong with a new field's definition on its own (a pack's, say), by part."""
    errors = _field_errors(key, " ".join(label.split()), kind, False, True)
    if kind == "choice":
        _clean_options(options or (), errors)
    return errors


def save_case_field(
    db: Database,
    actor: Actor,
    *,
    key: str,
    label: str,
    kind: str,
    options: Iterable[str] = (),
    not_future: bool = True,
    birth_date: bool = False,
    original_key: str | None = None,
) -> CaseFieldRow:
    """Define a field (original_key None) or change one. Its key never changes; its kind and
    its options in use cannot change while cases hold values of it."""
    require(actor, "reference.edit")
    key, label = key.strip(), " ".join(label.split())
    errors = _field_errors(key, label, kind, birth_date, original_key is None)
    clean_options = _clean_options(options, errors) if kind == "choice" else ()
    with db.transaction() as session:
        field = _field_to_save(session, key, original_key, errors)
        if birth_date:
            other = session.scalar(
                select(CaseField.label).where(CaseField.birth_date.is_(True), CaseField.key != key)
            )
            if other is not None:
                errors["birth_date"] = f"'{other}' is already the date of birth"
        if field is not None:
            _check_values_still_fit(session, field, kind, clean_options, errors)
        if errors:
            raise ValidationError(
                "The case field was not saved: " + "; ".join(errors.values()), errors
            )
        before = None if field is None else _snapshot(field)
        if field is None:
            last = session.scalar(select(func.max(CaseField.position))) or 0
            field = CaseField(key=key, position=last + 1)
            session.add(field)
        field.label, field.kind = label, kind
        field.options = list(clean_options) if kind == "choice" else None
        field.not_future = True if birth_date else (not_future if kind == "date" else True)
        field.birth_date = birth_date
        session.flush()
        if before is None:
            changelog.record(
                session,
                actor,
                "create",
                "case_field",
                field.uuid,
                after=_snapshot(field),
                summary=f"Case field '{label}' defined",
            )
        else:
            changelog.record_changes(
                session,
                actor,
                "case_field",
                field.uuid,
                before,
                _snapshot(field),
                summary=f"Case field '{label}' changed",
            )
        count = session.scalar(
            select(func.count(CaseFieldValue.id)).where(CaseFieldValue.field_id == field.id)
        )
        return _row(field, int(count or 0))


def _field_to_save(
    session: Session, key: str, original_key: str | None, errors: dict[str, str]
) -> CaseField | None:
    """The stored field being changed (None for a new one); a new key must be free."""
    if original_key is None:
        if session.scalar(select(CaseField.id).where(CaseField.key == key)) is not None:
            errors["key"] = f"There is already a case field '{key}'"
        return None
    field = session.scalar(select(CaseField).where(CaseField.key == original_key))
    if field is None:
        raise NotFound(f"No case field '{original_key}'")
    if key != original_key:
        errors["key"] = "A field's key never changes: values in extracts and packs use it"
    return field


def _check_values_still_fit(
    session: Session,
    field: CaseField,
    kind: str,
    options: tuple[str, ...],
    errors: dict[str, str],
) -> None:
    """A change of kind, or an option dropped, would leave values the field cannot hold."""
    held = dict(
        session.execute(
            select(CaseFieldValue.value, func.count())
            .where(CaseFieldValue.field_id == field.id)
            .group_by(CaseFieldValue.value)
        ).all()
    )
    if not held:
        return
    cases = sum(held.values())
    if kind != field.kind:
        errors["kind"] = (
            f"{cases} case(s) hold a value of this field: its kind cannot change while they do"
        )
    elif kind == "choice":
        dropped = sorted(set(held) - set(options))
        if dropped:
            used = ", ".join(f"'{_short(v)}' ({held[v]} case(s))" for v in dropped)
            errors["options"] = f"Cases still hold options you removed: {used}"


def _snapshot(field: CaseField) -> dict[str, Any]:
    return {
        "key": field.key,
        "label": field.label,
        "kind": field.kind,
        "options": list(field.options or []),
        "not_future": field.not_future,
        "birth_date": field.birth_date,
    }


def delete_case_field(db: Database, actor: Actor, key: str) -> None:
    """Remove a field no case holds a value of."""
    require(actor, "reference.edit")
    with db.transaction() as session:
        field = session.scalar(select(CaseField).where(CaseField.key == key))
        if field is None:
            raise NotFound(f"No case field '{key}'")
        held = session.scalar(
            select(func.count(CaseFieldValue.id)).where(CaseFieldValue.field_id == field.id)
        )
        if held:
            raise ValidationError(
                f"{held} case(s) hold a value of '{field.label}', so it cannot be deleted; "
                "clear those values first (in the case editor, or an extract with the column "
                "left blank)"
            )
        changelog.record(
            session,
            actor,
            "delete",
            "case_field",
            field.uuid,
            before=_snapshot(field),
            summary=f"Case field '{field.label}' deleted",
        )
        session.execute(delete(CaseField).where(CaseField.id == field.id))
