"""The values of an audit pack, checked before anything is imported (shared/INTERFACES.md).

An audit pack comes from elsewhere: every value is checked as the application checks it, and
every fault is refused with ONE short line that names where it is (`audits[2] (id) reviews[0]
overall`) and what is wrong, never quoting the pack's text (a case reference or review text
can be megabytes long, and is case data). In order: the JSON itself (numbers in range, no
NaN), nesting depth and characters (no lone surrogates or NUL, which no database stores), the
JSON Schema (with messages of our own: jsonschema's quote the value), then what the schema
cannot say: real calendar dates and times, integers in the columns' range, lengths that fit
the columns, unique ids and keys. The checks that need the database (ids already used by
another audit, grades on the template's scale, the application's rules for cases and audits)
are in `check_in_database`, run inside the import's transaction."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.errors import ValidationError
from audit_tool.models import (
    Action,
    Agency,
    Audit,
    AuditTemplate,
    Case,
    Feedback,
    LearningPoint,
    Person,
    Programme,
    Review,
    Team,
    TemplateItem,
    WorkerFeedback,
)
from audit_tool.resources import resource

MAX_DEPTH = (
    16  # an audit pack is at most 6 deep (pack > audits > audit > reviews > review > answers)
)
MAX_INT = 1_000_000_000  # revisions and versions: far beyond use, and room to count on
MAX_JSON_INT = 2**63 - 1
MAX_LINE = 300
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]+")
# A record is named by its id or key only when it looks like one (never by other text).
_UUID = re.compile(r"^[0-9a-fA-F-]{36}$")
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


class _NumberOutOfRange(ValueError):
    pass


# ---------------------------------------------------------------- messages


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """`text` on one printable line of at most `limit` characters."""
    text = _UNPRINTABLE.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def clip(value: Any, limit: int = 40) -> str:
    """A key or id from the pack, short enough to quote in a message."""
    return one_line(str(value), limit)


def looks_like_key(value: Any) -> bool:
    """A key that may be quoted in a message: short, of letters, digits and '_.-' only."""
    return isinstance(value, str) and bool(_KEY.match(value))


def where(pack: Any, path: list[Any] | tuple[Any, ...]) -> str:
    """'audits[2] (1234...) reviews[0] overall' for a path into the pack. Records are named by
    their id or key, never by a case reference or any text."""
    if len(path) >= 2 and isinstance(path[1], int):
        section, index = path[0], path[1]
        try:
            record = pack[section][index]
            pattern = _UUID if "id" in record else _KEY
            ident = record.get("id") if "id" in record else record.get("key")
        except (KeyError, IndexError, AttributeError, TypeError):
            ident = None
        named = isinstance(ident, str) and pattern.match(ident)
        label = f"{clip(section)}[{index}]" + (f" ({ident})" if named else "")
        rest = _path_text(path[2:])
        return f"{label}{' ' + rest if rest else ''}"
    return _path_text(path) or "the pack"


def _path_text(path: list[Any] | tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(clip(part, 30))
    return " ".join(parts)


def refuse(pack: Any, path: list[Any] | tuple[Any, ...], problem: str) -> ValidationError:
    return ValidationError(one_line(f"{where(pack, path)}: {problem}"))


# ---------------------------------------------------------------- the JSON text


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or abs(int(text)) > MAX_JSON_INT:
        raise _NumberOutOfRange("a whole number beyond 2^63-1")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NumberOutOfRange("a number too large to hold")
    return value


def _no_constant(name: str) -> Any:
    raise _NumberOutOfRange(f"{name}, which is not a number in JSON")


def loads(text: str, name: str) -> Any:
    """The JSON of an audit pack file, refusing numbers no database holds."""
    try:
        return json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant
        )
    except json.JSONDecodeError as exc:
        raise ValidationError(one_line(f"{name}: not a JSON audit pack ({exc})")) from exc
    except _NumberOutOfRange as exc:
        raise ValidationError(one_line(f"{name}: not an audit pack: it holds {exc}")) from exc
    except RecursionError as exc:
        raise ValidationError(f"{name}: not an audit pack: nested far too deeply") from exc
    except ValueError as exc:  # e.g. Python's limit on the digits of an integer
        raise ValidationError(f"{name}: not an audit pack: it holds a number out of range") from exc


# ---------------------------------------------------------------- depth and characters


def _walk(pack: Any) -> Iterator[tuple[Any, tuple[Any, ...], int]]:
    """Every value (and dict key, as a value) with its path and depth, in document order,
    without recursion."""
    stack: list[tuple[Any, tuple[Any, ...], int]] = [(pack, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        yield value, path, depth
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                children.append((key, path, depth))
                children.append((item, (*path, key), depth + 1))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(item, (*path, i), depth + 1) for i, item in enumerate(value)]))


def check_text_and_depth(pack: Any) -> None:
    """No value nested deeper than a pack ever is; no text a database cannot store."""
    for value, path, depth in _walk(pack):
        if depth > MAX_DEPTH:
            raise refuse(pack, path[:6], "nested more deeply than an audit pack ever is")
        if isinstance(value, str) and _BAD_TEXT.search(value):
            bad = _BAD_TEXT.search(value)
            assert bad is not None
            what = "a NUL character" if bad.group() == "\x00" else "a lone UTF-16 surrogate"
            raise refuse(pack, path, f"a text holds {what}, which is not valid text")


# ---------------------------------------------------------------- the JSON Schema


def schema() -> dict[str, Any]:
    with open(resource("schemas", "audit-pack-v1.schema.json"), encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


_TYPES = {
    "string": "a text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}
_PATTERNS = {
    r"^\d{4}-\d{2}-\d{2}$": "a date (YYYY-MM-DD)",
    r"^[0-9a-fA-F-]{36}$": "an id of 36 hexadecimal digits and dashes",
    r"^[A-Za-z]{1,4}$": "1 to 4 letters",
    r"^[a-z][a-z0-9_]{1,59}$": "a key of lower-case letters, digits and '_'",
}


def _expected(error: Any) -> str:
    """What the schema wanted where `error` is, without quoting the value found."""
    rule, wanted = error.validator, error.validator_value
    if rule == "type":
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return "must be " + " or ".join(_TYPES.get(k, str(k)) for k in kinds)
    if rule == "enum":
        return "must be one of " + ", ".join(json.dumps(v) for v in wanted)
    if rule == "const":
        return f"must be {json.dumps(wanted)}"
    if rule == "required":
        missing = [
            k for k in wanted if isinstance(error.instance, dict) and k not in error.instance
        ]
        return f"'{missing[0] if missing else wanted[0]}' is missing"
    if rule == "pattern":
        if wanted.startswith(r"^\d{4}-\d{2}-\d{2}T"):
            return "must be a time (YYYY-MM-DDThh:mm:ss+00:00)"
        return "must be " + _PATTERNS.get(wanted, "in the expected form")
    if rule == "minLength":
        return "must not be empty" if wanted == 1 else f"must be at least {wanted} characters"
    if rule == "maxLength":
        return f"must be at most {wanted} characters"
    if rule == "minimum":
        return f"must be at least {wanted}"
    if rule == "maximum":
        return f"must be at most {wanted}"
    if rule in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        real = [
            e for e in error.context if not (e.validator == "type" and e.validator_value == "null")
        ]
        best = best_match(real or error.context)
        if best is not None:
            text = _expected(best)
            return text + (" or null" if real and len(real) < len(error.context) else "")
    return "is not valid here"


def check_schema(pack: Any) -> None:
    """Raise ValidationError naming the first record that does not match the schema."""
    from jsonschema import Draft202012Validator

    if not isinstance(pack, dict):
        raise ValidationError("An audit pack is a JSON object")
    check_text_and_depth(pack)
    errors = sorted(Draft202012Validator(schema()).iter_errors(pack), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise refuse(pack, list(first.path), _expected(first) + more)


# ---------------------------------------------------------------- values the schema cannot say


def _records(pack: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path, record) for every record of the pack, children of audits included."""
    for section in ("templates", "agencies", "teams", "people", "cases", "programmes"):
        for i, record in enumerate(pack[section]):
            yield (section, i), record
    for i, question in enumerate(pack.get("feedback_questions", [])):
        yield ("feedback_questions", i), question
    for i, audit in enumerate(pack["audits"]):
        yield ("audits", i), audit
        for child in ("reviews", "learning_points", "actions", "feedback"):
            for j, record in enumerate(audit[child]):
                yield ("audits", i, child, j), record
        if audit["moderation"]:
            yield ("audits", i, "moderation"), audit["moderation"]
        yield ("audits", i, "worker_feedback"), audit["worker_feedback"]


_DATES = {
    "programmes": ("starts_on", "due_on"),
    "audits": ("due_on",),
    "actions": ("due_on", "completed_on"),
    "feedback": ("collected_on",),
    "worker_feedback": ("given_on",),
}
_TIMES = {
    "audits": ("updated_at",),
    "reviews": ("submitted_at",),
    "moderation": ("completed_at",),
}
_INTEGERS = {
    "templates": ("version",),
    "programmes": ("sample_size",),
    "audits": ("template_version", "revision"),
    "cases": ("level_of_need",),
}
# Texts kept in a column of limited length: the limit comes from the model.
_COLUMNS: dict[str, dict[str, Any]] = {
    "templates": {"key": AuditTemplate.key, "name": AuditTemplate.name},
    "agencies": {"key": Agency.key, "name": Agency.name},
    "teams": {"key": Team.key, "name": Team.name, "service_area": Team.service_area},
    "people": {"key": Person.key, "name": Person.name},
    "cases": {"ref": Case.ref, "initials": Case.initials},
    "programmes": {"key": Programme.key, "name": Programme.name, "theme": Programme.theme},
    "learning_points": {"item": LearningPoint.item_key},
    "worker_feedback": {"how": WorkerFeedback.how},
}
_ITEM_COLUMNS = {
    "key": TemplateItem.key,
    "label": TemplateItem.label,
    "section": TemplateItem.section,
}


def _kind(path: tuple[Any, ...]) -> str:
    return str(path[-2] if isinstance(path[-1], int) else path[-1])


def _check_time(pack: dict[str, Any], path: tuple[Any, ...], value: str, is_time: bool) -> None:
    try:
        if is_time:
            datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        else:
            date.fromisoformat(value)
    except (ValueError, OverflowError):
        what = "time" if is_time else "calendar date"
        raise refuse(pack, path, f"{clip(value, 32)} is not a real {what}") from None


def _check_record(pack: dict[str, Any], path: tuple[Any, ...], record: dict[str, Any]) -> None:
    kind = _kind(path)
    for name in _DATES.get(kind, ()):
        if record.get(name) is not None:
            _check_time(pack, (*path, name), record[name], False)
    for name in _TIMES.get(kind, ()):
        if record.get(name) is not None:
            _check_time(pack, (*path, name), record[name], True)
    for name in _INTEGERS.get(kind, ()):
        value = record.get(name)
        if isinstance(value, float):  # JSON has one kind of number: 3.0 is the integer 3
            record[name] = value = int(value)
        if isinstance(value, int) and value > MAX_INT:
            raise refuse(pack, (*path, name), f"must be at most {MAX_INT:,}")
    for name, column in _COLUMNS.get(kind, {}).items():
        value = record.get(name)
        if isinstance(value, str) and len(value) > column.type.length:
            raise refuse(pack, (*path, name), f"longer than {column.type.length} characters")


def _check_template(pack: dict[str, Any], path: tuple[Any, ...], template: dict[str, Any]) -> None:
    seen: set[str] = set()
    for j, item in enumerate(template["items"]):
        at = (*path, "items", j)
        for name, column in _ITEM_COLUMNS.items():
            value = item.get(name, "")
            if not isinstance(value, str):
                raise refuse(pack, (*at, name), "must be a text")
            if len(value) > column.type.length:
                raise refuse(pack, (*at, name), f"longer than {column.type.length} characters")
        if not isinstance(item.get("guidance", ""), str):
            raise refuse(pack, (*at, "guidance"), "must be a text")
        if item["key"] in seen:
            raise refuse(pack, (*at, "key"), f"the item key '{clip(item['key'])}' comes twice")
        seen.add(item["key"])


def _unique(pack: dict[str, Any]) -> None:
    """Keys and ids unique in the pack: each names one record."""
    sections = {
        "templates": lambda r: (r["key"], r["version"]),
        "agencies": lambda r: r["key"],
        "teams": lambda r: r["key"],
        "people": lambda r: r["key"],
        "cases": lambda r: r["ref"],
        "programmes": lambda r: r["key"],
        "feedback_questions": lambda r: r["key"],
        "case_fields": lambda r: r["key"],
        "audits": lambda r: r["id"],
    }
    for section, key_of in sections.items():
        seen: set[Any] = set()
        for i, record in enumerate(pack.get(section, [])):
            key = key_of(record)
            if key in seen:
                raise refuse(pack, (section, i), f"a second record of {section} with the same key")
            seen.add(key)
    for child in ("reviews", "learning_points", "actions", "feedback"):
        ids: set[str] = set()
        for i, audit in enumerate(pack["audits"]):
            for j, record in enumerate(audit[child]):
                if record["id"] in ids:
                    raise refuse(
                        pack, ("audits", i, child, j), f"the id {record['id']} is used twice"
                    )
                ids.add(record["id"])
    for i, person in enumerate(pack["people"]):
        if len(set(person["roles"])) != len(person["roles"]):
            raise refuse(pack, ("people", i, "roles"), "a role is listed twice")


def check_values(pack: dict[str, Any]) -> None:
    """After the schema: what it cannot say. Integral floats in integer fields become ints."""
    for path, record in _records(pack):
        _check_record(pack, path, record)
        if path[0] == "templates":
            _check_template(pack, path, record)
    if pack["exported_at"]:
        _check_time(pack, ("exported_at",), pack["exported_at"], True)
    _unique(pack)


# ---------------------------------------------------------------- against the database

_CHILDREN: dict[str, Any] = {
    "reviews": Review,
    "learning_points": LearningPoint,
    "actions": Action,
    "feedback": Feedback,
}


def in_chunks(session: Session, columns: Any, column: Any, values: list[Any]) -> list[Any]:
    """Rows of `select(*columns)` whose `column` is one of `values`, asked 500 at a time (a
    server takes at most 65,535 parameters in one statement)."""
    rows: list[Any] = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        rows += session.execute(select(*columns).where(column.in_(chunk))).all()
    return rows


def check_ids(session: Session, pack: dict[str, Any]) -> None:
    """A review, learning point, action or feedback id the database holds for another audit
    (or for none) is refused: ids never change, so it is another record."""
    ids = [a["id"] for a in pack["audits"]]
    audit_ids = dict(in_chunks(session, (Audit.uuid, Audit.id), Audit.uuid, ids))
    for child, model in _CHILDREN.items():
        wanted = [r["id"] for a in pack["audits"] for r in a[child]]
        owners = dict(in_chunks(session, (model.uuid, model.audit_id), model.uuid, wanted))
        if not owners:
            continue
        for i, audit in enumerate(pack["audits"]):
            for j, record in enumerate(audit[child]):
                if record["id"] in owners and owners[record["id"]] != audit_ids.get(audit["id"]):
                    raise refuse(
                        pack,
                        ("audits", i, child, j),
                        f"the id {record['id']} belongs to another record in this database",
                    )


# ---------------------------------------------------------------- the application's rules


def _shorten_quotes(message: str, values: Any = ()) -> str:
    """A service's message with what it quotes from the pack cut short, and any of `values`
    (the record's own values) that is not key-like not quoted at all: an answer or initials
    field may hold case text."""
    texts = [str(v) for v in values if v not in (None, "") and not looks_like_key(str(v))]

    def unquoted(match: re.Match[str]) -> str:
        quoted = match.group(1).removesuffix("...")
        return "the value given" if any(t.startswith(quoted) for t in texts) else match.group(0)

    if texts:
        message = re.sub(r"'([^']+)'", unquoted, message)
    return re.sub(
        r"'([^']{0,24})[^']*'",
        lambda m: f"'{m.group(1)}...'" if len(m.group(0)) > 26 else m.group(0),
        message,
    )


def check_cases(session: Session, pack: dict[str, Any]) -> None:
    """Each case of the pack as the case register checks it (cases.validate_case): the
    reference's form, the initials, the case type and the level of need."""
    from audit_tool.services.cases import REF_RE, CaseInput, Lookups, validate_case

    lookups = Lookups()
    for t in pack["teams"]:
        lookups.teams[t["key"].lower()] = 0
    for i, c in enumerate(pack["cases"]):
        lookups.teams[c["team"].lower()] = 0
        if not REF_RE.match(c["ref"]):
            raise refuse(
                pack,
                ("cases", i, "ref"),
                "not a case reference: use up to 40 letters, digits, '/', '-', '_' or '.'",
            )
        _, errors = validate_case(
            CaseInput(
                ref=c["ref"],
                initials=c["initials"],
                case_type=c["case_type"],
                team=c["team"],
                level_of_need=c["level_of_need"],
            ),
            lookups,
        )
        for name in ("initials", "case_type", "level_of_need"):
            if name in errors:
                raise refuse(pack, ("cases", i, name), _shorten_quotes(errors[name], c.values()))


def check_case_fields(session: Session, pack: dict[str, Any]) -> None:
    """The case fields a pack would define, as a QA lead defining them here is checked, and
    each case's values as the case register checks them, against the field as defined here
    (or, if new here, in the pack). A date of birth never travels in a pack."""
    from audit_tool.services import case_fields

    defs = case_fields.field_defs(session)
    for i, f in enumerate(pack.get("case_fields", [])):
        if f["key"] in defs:
            continue
        errors = case_fields.definition_errors(f["key"], f["label"], f["kind"], f.get("options"))
        if errors:
            name, message = next(iter(errors.items()))
            raise refuse(pack, ("case_fields", i, name), _shorten_quotes(message))
        defs[f["key"]] = case_fields.FieldDef(
            0,
            f["key"],
            f["label"],
            f["kind"],
            tuple(f.get("options") or ()),
            f.get("not_future", True),
        )
    for i, c in enumerate(pack["cases"]):
        for key, value in (c.get("fields") or {}).items():
            at = ("cases", i, "fields", key)
            field = defs.get(key)
            if field is None:
                raise refuse(pack, at, "no case field with this key in the pack or the database")
            if field.birth_date:
                raise refuse(pack, at, "a date of birth does not travel in an audit pack")
            _, problem = case_fields.check_value(field, value)
            if problem:
                raise refuse(pack, at, _shorten_quotes(problem, [value]))


def _check_answers(
    pack: dict[str, Any], path: tuple[Any, ...], template: Any, record: dict[str, Any]
) -> None:
    from audit_tool.services.audits import Answer
    from audit_tool.services.audits.answers import validate_answers

    answers = {k: Answer(None if v is None else str(v)) for k, v in record["answers"].items()}
    errors = validate_answers(template, answers, record["overall"])
    if errors:
        name, message = next(iter(errors.items()))
        at = (*path, "overall") if name == "overall" else (*path, "answers")
        values = [*answers.values(), record["overall"]]
        raise refuse(pack, at, _shorten_quotes(message, [getattr(v, "value", v) for v in values]))


def _check_audit(pack: dict[str, Any], i: int, audit: dict[str, Any], template: Any) -> None:
    from audit_tool.services.audits.states import MODERATED_KINDS
    from audit_tool.services.programmes import moderator_problem

    at: tuple[Any, ...] = ("audits", i)
    for j, review in enumerate(audit["reviews"]):
        _check_answers(pack, (*at, "reviews", j), template, review)
    moderation = audit["moderation"]
    if moderation:
        _check_answers(pack, (*at, "moderation"), template, moderation)
    reviewers = [r["reviewer"] for r in audit["reviews"]]
    if len(set(reviewers)) != len(reviewers):
        raise refuse(pack, (*at, "reviews"), "one auditor has two reviews of this audit")
    for moderator in {audit.get("moderator"), (moderation or {}).get("moderator")} - {None}:
        problem = moderator_problem(reviewers, moderator)
        if problem:
            raise refuse(pack, (*at, "moderator"), problem)
    if audit["kind"] == "single" and moderation:
        raise refuse(pack, (*at, "moderation"), "a single audit is not moderated")
    if audit["status"] == "final":
        if audit["kind"] in MODERATED_KINDS and not (
            moderation and moderation["overall"] and moderation["completed_at"]
        ):
            raise refuse(
                pack, at, "a final audit needs the moderation's overall grade and completion time"
            )
        if audit["kind"] == "single" and not any(
            r["status"] == "submitted" and r["overall"] for r in audit["reviews"]
        ):
            raise refuse(pack, at, "a final single audit needs its submitted review's grade")
    items = {item.key for item in template.items}
    for j, point in enumerate(audit["learning_points"]):
        if point["item"] and point["item"] not in items:
            raise refuse(
                pack,
                (*at, "learning_points", j, "item"),
                f"'{clip(point['item'], 24)}' is not a practice area of the audit's template",
            )


def check_audits(session: Session, pack: dict[str, Any]) -> None:
    """Each audit as the workflow checks it (services.audits and programmes): answers and
    grades on the template's scale, one review per auditor, a moderator who is not also an
    auditor, a final audit with its final grade, learning tied to the template's items.
    Run once the pack's templates are in the database."""
    from audit_tool.services.templates import template_row

    templates: dict[tuple[str, int], Any] = {}
    for i, audit in enumerate(pack["audits"]):
        key = (audit["template"], audit["template_version"])
        if key not in templates:
            found = session.scalar(
                select(AuditTemplate).where(
                    AuditTemplate.key == key[0], AuditTemplate.version == key[1]
                )
            )
            assert found is not None  # resolved before
            templates[key] = template_row(found)
        _check_audit(pack, i, audit, templates[key])


def check_new_teams(session: Session, pack: dict[str, Any], new_ids: set[str]) -> None:
    """A new audit's auditors and moderator are not its case's worker or manager, the rule
    programmes.assign applies (a dip sample written by hand and imported meets it too). Audits
    already here keep the team they were given, even if the case has changed hands since."""
    for i, audit in enumerate(pack["audits"]):
        if audit["id"] not in new_ids:
            continue
        case = session.scalar(select(Case).where(Case.ref == audit["case"]))
        if case is None:
            continue  # resolved before; nothing to compare
        conflicted = {p.key for p in (case.worker, case.manager) if p is not None}
        for j, review in enumerate(audit["reviews"]):
            if review["reviewer"] in conflicted:
                raise refuse(
                    pack,
                    ("audits", i, "reviews", j, "reviewer"),
                    "the case's worker or manager cannot audit it",
                )
        moderator = (audit["moderation"] or {}).get("moderator") or audit.get("moderator")
        if moderator in conflicted:
            raise refuse(
                pack, ("audits", i, "moderator"), "the case's worker or manager cannot moderate it"
            )
