"""Cohort rules: which cases a programme samples, described by the partnership's case fields
and the age at audit, as a line a QA lead types and reads back:

    pathway = RED and age 11-17
    legal_status = "s.20" and placement = "Placed with parents"
    level_requested = 4 and level_decided in 1, 2
    referral_source = School
    forum = MACE and referred_on from 2022-01-01 to 2022-03-31

A condition is `FIELD = VALUE` (or `in` a list of values separated by commas or "or"; `is` for
a yes/no), `FIELD contains TEXT` (text fields), `FIELD from LOW to HIGH`, `FIELD >= LOW`,
`FIELD <= HIGH` (dates and numbers), or `age A-B`, `age A to B`, `age >= A`, `age <= B`,
`age A`: whole years on the day the programme starts, from the case's date of birth (a case
field marked as it). Conditions join with "and"; a value with spaces, commas or "and" in it
goes in quotes. Field keys and words are matched without regard to case; an option is matched
to its spelling in the field. The rule is kept with the programme's sample as the canonical
line (`Cohort.rule`), so the same rule, seed and cases draw the same sample again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Case, CaseFieldValue
from audit_tool.services import case_fields
from audit_tool.services.case_fields import FieldDef, check_value, years_before

if TYPE_CHECKING:
    from audit_tool.store import Database

MAX_AGE = 120
ERROR_KEY = "cohort"  # the message's key in a ValidationError (the rule's input in a form)
_OPS = ("contains", "from", ">=", "<=", "in", "is", "=")


@dataclass(frozen=True)
class Condition:
    """One condition: `values` (any of) for =/in/is, `text` for contains, `low`/`high` for a
    range (ISO dates, numbers or ages as text; None for an open end)."""

    field: str  # a case field's key, or "age"
    values: tuple[str, ...] = ()
    text: str | None = None
    low: str | None = None
    high: str | None = None

    def rule(self) -> str:
        if self.values:
            joined = ", ".join(_quoted(v) for v in self.values)
            return f"{self.field} {'in' if len(self.values) > 1 else '='} {joined}"
        if self.text is not None:
            return f"{self.field} contains {_quoted(self.text)}"
        if self.field == "age" and self.low is not None and self.high is not None:
            return f"age {self.low}" if self.low == self.high else f"age {self.low}-{self.high}"
        if self.low is not None and self.low == self.high:
            return f"{self.field} = {self.low}"
        if self.low is not None and self.high is not None:
            return f"{self.field} from {self.low} to {self.high}"
        if self.low is not None:
            return f"{self.field} >= {self.low}"
        return f"{self.field} <= {self.high}"

    def words(self, fields: dict[str, FieldDef]) -> str:
        """The condition in plain words (a briefing never shows the age: see describe)."""
        if self.field == "age":
            if self.low is not None and self.high is not None:
                return f"aged {self.low} to {self.high}"
            return (
                f"aged {self.low} or over" if self.low is not None else f"aged {self.high} or under"
            )
        label = fields[self.field].label if self.field in fields else self.field
        if self.values:
            return f"{label}: {' or '.join(self.values)}"
        if self.text is not None:
            return f"{label} contains '{self.text}'"
        if self.low is not None and self.high is not None:
            return f"{label} from {self.low} to {self.high}"
        return f"{label} from {self.low}" if self.low is not None else f"{label} to {self.high}"


@dataclass(frozen=True)
class Cohort:
    conditions: tuple[Condition, ...]

    @property
    def rule(self) -> str:
        return " and ".join(c.rule() for c in self.conditions)

    @property
    def uses_age(self) -> bool:
        return any(c.field == "age" for c in self.conditions)


@dataclass(frozen=True)
class CohortCheck:
    rule: str  # the canonical line
    description: str  # in words


def _quoted(value: str) -> str:
    plain = re.fullmatch(r"[A-Za-z0-9_./'()&+\-]+", value) and value.lower() not in ("and", "or")
    return value if plain else '"' + value.replace('"', "'") + '"'


def _invalid(message: str) -> ValidationError:
    return ValidationError(f"The cohort rule cannot be used: {message}", {ERROR_KEY: message})


# ---------------------------------------------------------------- reading a rule


def _split(text: str, words: tuple[str, ...]) -> list[str]:
    """Split on these words (or a comma, if "," is one) outside quotes."""
    parts, current, quote, i = [], "", "", 0
    lowered = text.lower()
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
            current += ch
            i += 1
            continue
        if ch in "\"'" and (not current.strip() or current.endswith(" ") or current[-1] in "=,"):
            quote = ch
            current += ch
            i += 1
            continue
        matched = next(
            (
                w
                for w in words
                if (w == "," and ch == ",") or (w != "," and lowered.startswith(f" {w} ", i))
            ),
            None,
        )
        if matched is not None:
            parts.append(current)
            current = ""
            i += 1 if matched == "," else len(matched) + 2
            continue
        current += ch
        i += 1
    if quote:
        raise _invalid("a quote is not closed")
    parts.append(current)
    return [p.strip() for p in parts]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def parse(text: str, fields: dict[str, FieldDef]) -> Cohort:
    """The cohort a rule describes, every value checked against its field; ValidationError
    (key ERROR_KEY) saying what is wrong with it otherwise."""
    if not text.strip():
        return Cohort(())
    conditions = []
    for part in _split(" " + " ".join(text.split()) + " ", ("and",)):
        if not part:
            raise _invalid("a condition is missing before or after 'and'")
        conditions.append(_condition(part, fields))
    seen = [c.field for c in conditions]
    twice = next((f for f in seen if seen.count(f) > 1), None)
    if twice is not None:
        raise _invalid(f"'{twice}' has two conditions; give its values in one (in A, B)")
    return Cohort(tuple(conditions))


def _condition(part: str, fields: dict[str, FieldDef]) -> Condition:
    match = re.match(r"([A-Za-z][A-Za-z0-9_]*)\s*(.*)$", part, re.S)
    if match is None:
        raise _invalid(f"'{_short(part)}' does not start with a field's key")
    name, rest = match.group(1).lower(), match.group(2).strip()
    if name == "age":
        return _age(rest, fields)
    field = fields.get(name)
    if field is None:
        known = ", ".join(fields) or "none yet (Admin > Case fields)"
        raise _invalid(f"no case field '{_short(name)}' (the fields are: {known}, and age)")
    op_match = re.match(r"(contains|from|in|is|>=|<=|=)\s*(.*)$", rest, re.S | re.I)
    if op_match is None:
        raise _invalid(f"after '{name}' write =, in, contains, from ... to, >= or <=")
    op, value = op_match.group(1).lower(), op_match.group(2).strip()
    if not value:
        raise _invalid(f"'{name} {op}' needs a value")
    if op == "contains":
        if field.kind != "text":
            raise _invalid(f"'contains' is for text fields; {field.label} is a {field.kind_label}")
        return Condition(name, text=_unquote(value))
    if op in ("from", ">=", "<="):
        return _range(field, op, value)
    values = [_unquote(v) for v in _split(" " + value + " ", (",", "or"))]
    if any(not v for v in values):
        raise _invalid(f"a value of '{name}' is missing")
    return _values(field, values)


def _values(field: FieldDef, values: list[str]) -> Condition:
    clean = []
    for value in values:
        checked, problem = check_value(field, value, date.max)
        if problem or checked is None:
            raise _invalid(f"{field.label}: {problem}")
        clean.append(checked.value)
    if field.kind in ("date", "number"):
        if len(clean) > 1:
            raise _invalid(f"{field.label}: give one value, or a range (from ... to)")
        return Condition(field.key, low=clean[0], high=clean[0])
    return Condition(field.key, values=tuple(dict.fromkeys(clean)))


def _range(field: FieldDef, op: str, value: str) -> Condition:
    if field.kind not in ("date", "number"):
        raise _invalid(f"a range is for dates and numbers; {field.label} is a {field.kind_label}")
    low: str | None
    high: str | None
    if op == "from":
        ends = re.split(r"\s+to\s+", value, maxsplit=1, flags=re.I)
        if len(ends) != 2:
            raise _invalid(f"write '{field.key} from LOW to HIGH'")
        low, high = (_end(field, e) for e in ends)
    else:
        low, high = (_end(field, value), None) if op == ">=" else (None, _end(field, value))
    if low is not None and high is not None and _order(field, low) > _order(field, high):
        raise _invalid(f"{field.label}: the range ends before it starts")
    return Condition(field.key, low=low, high=high)


def _end(field: FieldDef, value: str) -> str:
    checked, problem = check_value(field, _unquote(value), date.max)
    if problem or checked is None:
        raise _invalid(f"{field.label}: {problem}")
    return checked.value


def _order(field: FieldDef, value: str) -> Any:
    return float(value) if field.kind == "number" else value


def _age(rest: str, fields: dict[str, FieldDef]) -> Condition:
    if not any(f.birth_date for f in fields.values()):
        raise _invalid(
            "the age needs a date of birth: define a date field marked as the date of birth "
            "(Admin > Case fields)"
        )
    text = rest.lower().removeprefix("from").strip()
    patterns = (
        (r"(\d{1,3})\s*(?:-|to)\s*(\d{1,3})", lambda m: (m[1], m[2])),
        (r">=\s*(\d{1,3})", lambda m: (m[1], None)),
        (r"<=\s*(\d{1,3})", lambda m: (None, m[1])),
        (r"=?\s*(\d{1,3})", lambda m: (m[1], m[1])),
    )
    for pattern, ends in patterns:
        match = re.fullmatch(pattern, text)
        if match is not None:
            low, high = ends(match)
            break
    else:
        raise _invalid("write the age as 'age 11-17', 'age >= 11', 'age <= 17' or 'age 14'")
    numbers = [int(x) for x in (low, high) if x is not None]
    if any(n > MAX_AGE for n in numbers):
        raise _invalid(f"an age is at most {MAX_AGE}")
    if low is not None and high is not None and int(low) > int(high):
        raise _invalid("the age range ends before it starts")
    return Condition(
        "age",
        low=str(int(low)) if low is not None else None,
        high=str(int(high)) if high is not None else None,
    )


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------- using a rule


def describe(cohort: Cohort, fields: dict[str, FieldDef], on: date | None = None) -> str:
    if not cohort.conditions:
        return "Every case"
    words = "; ".join(c.words(fields) for c in cohort.conditions)
    if cohort.uses_age and on is not None:
        words += f" (age on {on.isoformat()})"
    return words


def where(session: Session, text: str, on: date) -> list[Any]:
    """SQL conditions on Case for the cases a rule selects, the age taken on `on`."""
    fields = case_fields.field_defs(session)
    cohort = parse(text, fields)
    return [_clause(c, fields, on) for c in cohort.conditions]


def _clause(condition: Condition, fields: dict[str, FieldDef], on: date) -> Any:
    v = CaseFieldValue
    if condition.field == "age":
        birth = next(f for f in fields.values() if f.birth_date)
        stmt = select(v.case_id).where(v.field_id == birth.id)
        if condition.low is not None:  # born on or before the day they turned `low`
            stmt = stmt.where(v.value <= years_before(on, int(condition.low)).isoformat())
        if condition.high is not None:  # not yet `high + 1`
            stmt = stmt.where(v.value > years_before(on, int(condition.high) + 1).isoformat())
        return Case.id.in_(stmt)
    field = fields[condition.field]
    stmt = select(v.case_id).where(v.field_id == field.id)
    if condition.values and field.kind == "text":
        stmt = stmt.where(func.lower(v.value).in_([x.lower() for x in condition.values]))
    elif condition.values:
        stmt = stmt.where(v.value.in_(condition.values))
    elif condition.text is not None:
        stmt = stmt.where(func.lower(v.value).contains(condition.text.lower(), autoescape=True))
    else:
        column = v.number if field.kind == "number" else v.value
        low = float(condition.low) if field.kind == "number" and condition.low else condition.low
        high = (
            float(condition.high) if field.kind == "number" and condition.high else condition.high
        )
        if low is not None:
            stmt = stmt.where(column >= low)
        if high is not None:
            stmt = stmt.where(column <= high)
    return Case.id.in_(stmt)


def check_cohort(db: Database, actor: Actor, text: str, *, on: date | None = None) -> CohortCheck:
    """A typed rule read back: its canonical line and its words, or a ValidationError."""
    require(actor, "programme.view")
    with db.session() as session:
        fields = case_fields.field_defs(session)
    cohort = parse(text, fields)
    return CohortCheck(cohort.rule, describe(cohort, fields, on))
