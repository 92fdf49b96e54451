"""The change log in words: an entry's before and after as (field, before, after) rows a reader
understands (item labels, grade names, statuses, people's names, dates), never JSON or codes.

One query per entry at most: the labels of the entry's template items and grades and the names
behind the ids it holds come back together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, cast, literal, select, union_all
from sqlalchemy.orm import Session

from audit_tool.access.actors import ROLE_LABELS, Actor, require
from audit_tool.models import (
    Agency,
    Audit,
    Case,
    FeedbackQuestion,
    LearningPoint,
    Moderation,
    Person,
    Programme,
    Review,
    Team,
)
from audit_tool.models.cases import CASE_TYPE_LABELS
from audit_tool.models.templates import (
    ITEM_KINDS,
    TEMPLATE_KINDS,
    AuditTemplate,
    ScaleLevel,
    TemplateItem,
)
from audit_tool.services.changelog import LogRow

if TYPE_CHECKING:
    from audit_tool.store import Database

NONE = "(none)"
EMPTY = "(empty)"
HIDDEN = {"id", "uuid", "revision", "nonce"}  # bookkeeping, not what anyone changed
GRADE_FIELDS = {"overall", "final_overall"}
FIELD_LABELS = {
    "overall": "Overall grade",
    "final_overall": "Final overall grade",
    "strengths": "What is working well?",
    "worries": "What are we worried about?",
    "next_steps": "What needs to happen?",
    "return_comment": "Moderator's comment",
    "comment": "Comment",
    "rationale": "Moderator's rationale",
    "panel_summary": "Panel summary",
    "item_key": "Practice area",
    "in_briefing": "May go into briefings",
    "ref": "Case reference",
    "case_type": "Case type",
    "given_to_worker": "Feedback given to the worker",
    "given_to_manager": "Feedback given to the manager",
    "given_on": "Feedback given on",
    "how": "How it was given",
    "why_urgent": "Why it is urgent",
    "what": "The concern",
}
# Which table a "<name>_id" field points into, for its name in words.
PERSON_IDS = {
    "author_id",
    "owner_id",
    "completed_by_id",
    "moderator_id",
    "reviewer_id",
    "raised_by_id",
    "responded_by_id",
    "manager_id",
    "worker_id",
    "person_id",
}
OTHER_IDS = {"team_id": "team", "agency_id": "agency", "programme_id": "programme"}
OTHER_IDS |= {"case_id": "case", "audit_id": "audit", "template_id": "template"}
YES_NO = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}
ITEM_AND_AUDIT_KINDS = (*ITEM_KINDS, *TEMPLATE_KINDS)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class _Names:
    items: dict[str, tuple[str, str]]  # item key -> (label, kind)
    grades: dict[str, str]
    ids: dict[tuple[str, int], str]  # ("person", 3) -> "Priya Lead"


def describe(db: Database, actor: Actor, row: LogRow) -> list[FieldChange]:
    """Each field the entry records, in words. A create shows only after, a delete only
    before (the other side "(none)")."""
    require(actor, "changelog.view")
    before, after = _flat(row.before or {}), _flat(row.after or {})
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN]
    if not keys:
        return []
    with db.session() as session:
        names = _names(session, row, before, after)
    out: list[FieldChange] = []
    for key in keys:
        out += _field_rows(row.entity, key, before.get(key), after.get(key), names)
    return out


def _flat(side: dict[str, Any]) -> dict[str, Any]:
    """A submission or confirmation holds its answers as one map: one field per item."""
    flat: dict[str, Any] = {}
    for key, value in side.items():
        if key == "answers" and isinstance(value, dict):
            flat.update({f"answers.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def _field_rows(entity: str, key: str, old: Any, new: Any, names: _Names) -> list[FieldChange]:
    if key.startswith("answers."):
        return _answer_rows(entity, key.removeprefix("answers."), old, new, names)
    label = FIELD_LABELS.get(key) or _humane(key.removesuffix("_id"))
    return [FieldChange(label, _words(entity, key, old, names), _words(entity, key, new, names))]


def _answer_rows(entity: str, item: str, old: Any, new: Any, names: _Names) -> list[FieldChange]:
    """A review's answer is [grade, comment]: the grade on one row, the comment (where it
    changed) on another. Family feedback answers are plain values."""
    label, kind = names.items.get(item, (_humane(item), ""))
    if entity == "feedback":
        from audit_tool.services.feedback import ANSWER_LABELS

        return [FieldChange(label, *(ANSWER_LABELS.get(str(v), _plain(v)) for v in (old, new)))]
    old_value, old_comment = _pair(old)
    new_value, new_comment = _pair(new)
    rows = []
    if old_value != new_value or old_comment == new_comment:
        rows.append(
            FieldChange(label, _answer(old_value, kind, names), _answer(new_value, kind, names))
        )
    if old_comment != new_comment:
        rows.append(FieldChange(f"{label} (comment)", _plain(old_comment), _plain(new_comment)))
    return rows


def _pair(value: Any) -> tuple[Any, str]:
    if isinstance(value, list | tuple):
        return (value[0] if value else None), (str(value[1]) if len(value) > 1 else "")
    return value, ""


def _answer(value: Any, kind: str, names: _Names) -> str:
    if value is None or value == "":
        return NONE
    text = str(value)
    if kind == "yes_no" or (not kind and text in YES_NO):
        return YES_NO.get(text, text)
    if kind in ("number", "text"):
        return text
    return names.grades.get(text) or _humane(text)


def _words(entity: str, key: str, value: Any, names: _Names) -> str:
    if value is None:
        return NONE
    if key in GRADE_FIELDS and isinstance(value, str):
        return names.grades.get(value) or _humane(value)
    if key == "item_key" and isinstance(value, str):
        return names.items.get(value, (_humane(value), ""))[0]
    if isinstance(value, int) and not isinstance(value, bool):
        table = "person" if key in PERSON_IDS else OTHER_IDS.get(key)
        if table is not None:
            return names.ids.get((table, value), f"{_humane(table)} no longer on record")
    if key == "roles" and isinstance(value, list):
        return ", ".join(ROLE_LABELS.get(str(v), str(v)) for v in value) if value else EMPTY
    if isinstance(value, str):
        labels = _code_labels(entity, key, value)
        if value in labels:
            return labels[value]
    return _plain(value)


def _code_labels(entity: str, key: str, value: str) -> dict[str, str]:
    """The words for a coded value of this field of this kind of record."""
    from audit_tool.services import audits, feedback, learning, learning_actions, programmes

    if key == "status":
        if entity == "review":
            return {"draft": "Draft", "submitted": "Submitted", "returned": "Returned"}
        if entity == "action":
            return learning_actions.STATUS_LABELS
        return audits.STATUS_LABELS if value in audits.STATUS_LABELS else {}
    if key == "kind":
        if entity == "learning_point":
            return learning.KIND_LABELS
        if entity == "programme":
            return programmes.KIND_LABELS
        return {k: _humane(k) for k in ITEM_AND_AUDIT_KINDS}
    return {
        "respondent": feedback.RESPONDENT_LABELS,
        "channel": feedback.CHANNEL_LABELS,
        "case_type": CASE_TYPE_LABELS,
        "scope": learning_actions.SCOPE_LABELS,
    }.get(key, {})


def _plain(value: Any) -> str:
    """Any other value in words: yes/no, dates as "1 Mar 2026", lists joined."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) if value else EMPTY
    if isinstance(value, dict):
        parts = [f"{_humane(str(k))}: {_plain(v)}" for k, v in value.items()]
        return "; ".join(parts) if parts else EMPTY
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text == "":
        return EMPTY
    return _date_words(text) or text


def _date_words(text: str) -> str | None:
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        return f"{day.day} {day:%b %Y}"
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            return None
        local = at.astimezone()
        return f"{local.day} {local:%b %Y %H:%M}"
    return None


def _humane(key: str) -> str:
    text = key.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- the one query


def _template_id(row: LogRow, before: dict[str, Any], after: dict[str, Any]) -> Any:
    """The id of the entry's audit template, as a subquery (None: no template involved)."""
    uuid = row.entity_uuid
    audit_id = before.get("audit_id") or after.get("audit_id")
    parent: dict[str, Any] = {
        "review": Review,
        "moderation": Moderation,
        "learning_point": LearningPoint,
    }
    if row.entity in parent and uuid:
        model = parent[row.entity]
        return (
            select(Audit.template_id)
            .join(model, model.audit_id == Audit.id)
            .where(model.uuid == uuid)
            .scalar_subquery()
        )
    if row.entity in ("audit", "worker_feedback") and uuid:
        return select(Audit.template_id).where(Audit.uuid == uuid).scalar_subquery()
    if isinstance(audit_id, int):
        return select(Audit.template_id).where(Audit.id == audit_id).scalar_subquery()
    return None


def _names(session: Session, row: LogRow, before: dict[str, Any], after: dict[str, Any]) -> _Names:
    ids: dict[str, set[int]] = {}
    for side in (before, after):
        for key, value in side.items():
            table = "person" if key in PERSON_IDS else OTHER_IDS.get(key)
            if table and isinstance(value, int) and not isinstance(value, bool):
                ids.setdefault(table, set()).add(value)
    parts: list[Any] = []
    tid = _template_id(row, before, after)
    if tid is not None:
        parts.append(
            select(literal("item"), TemplateItem.key, TemplateItem.label, TemplateItem.kind).where(
                TemplateItem.template_id == tid
            )
        )
        parts.append(
            select(literal("grade"), ScaleLevel.key, ScaleLevel.label, literal(""))
            .join(AuditTemplate, AuditTemplate.scale_id == ScaleLevel.scale_id)
            .where(AuditTemplate.id == tid)
        )
    if row.entity == "feedback":  # its answers by question
        parts.append(
            select(literal("item"), FeedbackQuestion.key, FeedbackQuestion.text, literal(""))
        )
    sources: dict[str, tuple[Any, Any]] = {
        "person": (Person.id, Person.name),
        "team": (Team.id, Team.name),
        "agency": (Agency.id, Agency.name),
        "programme": (Programme.id, Programme.name),
        "case": (Case.id, Case.ref),
        "template": (AuditTemplate.id, AuditTemplate.name),
    }
    for table, wanted in ids.items():
        if table == "audit":
            parts.append(
                select(
                    literal("audit"),
                    cast(Audit.id, String),
                    "Audit of case " + Case.ref,
                    literal(""),
                )
                .join(Case, Case.id == Audit.case_id)
                .where(Audit.id.in_(wanted))
            )
            continue
        id_col, name_col = sources[table]
        parts.append(
            select(literal(table), cast(id_col, String), name_col, literal("")).where(
                id_col.in_(wanted)
            )
        )
    names = _Names({}, {}, {})
    if not parts:
        return names
    for what, key, label, kind in session.execute(union_all(*parts)):
        if what == "item":
            names.items[key] = (label, kind)
        elif what == "grade":
            names.grades[key] = label
        else:
            names.ids[(what, int(key))] = label
    return names
