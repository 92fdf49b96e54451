"""The rules for answers and grades, shared by reviews and moderation: which values an
item takes, storing answers, and the warnings and gaps in a set of grades."""

from __future__ import annotations

import math
from typing import Any

from audit_tool.services.audits.states import YES_NO
from audit_tool.services.audits.views import Answer
from audit_tool.services.templates import TemplateRow


def _check_value(template: TemplateRow, key: str, value: str | None) -> str | None:
    """The error for one answer, or None if it is acceptable (blank is acceptable here)."""
    item = next((i for i in template.items if i.key == key), None)
    if item is None:
        return f"'{key}' is not an item of the template {template.name}"
    if value in (None, ""):
        return None
    if item.kind == "grade":
        if value not in {lv.key for lv in template.levels}:
            return f"'{value}' is not a grade on the {template.scale_name} scale"
    elif item.kind == "yes_no":
        if value not in YES_NO:
            return "Answer yes, no or not applicable"
    elif item.kind == "number":
        return _check_number(str(value))
    return None


# Number items count things (days, visits, weeks): never negative, never absurdly large.
NUMBER_MIN, NUMBER_MAX = 0, 100_000


def _check_number(value: str) -> str | None:
    shown = value if len(value) <= 20 else value[:20] + "..."
    try:
        number = float(value)
    except ValueError:
        return f"'{shown}' is not a number"
    if not math.isfinite(number):
        return f"'{shown}' is not a number"
    if number < NUMBER_MIN:
        return f"The number cannot be below {NUMBER_MIN}"
    if number > NUMBER_MAX:
        return f"The number cannot be above {NUMBER_MAX:,}"
    return None


def _check_overall(template: TemplateRow, overall: str | None) -> str | None:
    if overall in (None, ""):
        return None
    graded = {lv.key for lv in template.levels if lv.rank is not None}
    if overall not in graded:
        return f"'{overall}' is not an overall grade on the {template.scale_name} scale"
    return None


def validate_answers(
    template: TemplateRow, answers: dict[str, Answer], overall: str | None
) -> dict[str, str]:
    """What is wrong with these answers and overall grade, by item key (and "overall"); blank
    answers are acceptable here (a draft). Empty: nothing wrong."""
    errors = {}
    for key, answer in answers.items():
        message = _check_value(template, key, answer.value)
        if message:
            errors[key] = message
    message = _check_overall(template, overall)
    if message:
        errors["overall"] = message
    return errors


def set_answers(rows: list[Any], make: Any, answers: dict[str, Answer]) -> None:
    """Write `answers` into a review's or moderation's answer rows, adding a row (`make`: the
    row class) for an item not answered before."""
    by_key = {a.item_key: a for a in rows}
    for key, answer in answers.items():
        value = None if answer.value in (None, "") else str(answer.value)
        row = by_key.get(key)
        if row is None:
            rows.append(make(item_key=key, value=value, comment=answer.comment or ""))
        else:
            row.value, row.comment = value, answer.comment or ""


def rank_of(template: TemplateRow, key: str | None) -> int | None:
    """The rank of a grade on the template's scale (1 best), None if it is not a graded level."""
    return next((lv.rank for lv in template.levels if lv.key == key), None)


def grade_warnings(
    template: TemplateRow, answers: dict[str, Answer], overall: str | None
) -> list[str]:
    """Warnings (not errors) about an overall grade: a limiting item caps it, or it is out of
    line with the sub grades."""
    overall_rank = rank_of(template, overall)
    if overall_rank is None:
        return []
    warnings = []
    labels = {lv.rank: lv.label for lv in template.levels if lv.rank is not None}
    ranks = []
    for item in template.graded_items:
        rank = rank_of(template, answers.get(item.key, Answer(None)).value)
        if rank is None:
            continue
        ranks.append(rank)
        if item.limiting and rank > overall_rank:
            warnings.append(
                f"{item.label} is graded {labels[rank]} and limits the overall grade: "
                f"the overall cannot be better than {labels[rank]}"
            )
    if ranks:
        best, worst = min(ranks), max(ranks)
        if overall_rank < best:
            warnings.append(
                f"The overall grade ({labels[overall_rank]}) is better than every practice "
                f"area (best {labels[best]})"
            )
        elif overall_rank > worst:
            warnings.append(
                f"The overall grade ({labels[overall_rank]}) is worse than every practice "
                f"area (worst {labels[worst]})"
            )
    return warnings


def missing_grades(template: TemplateRow, answers: dict[str, Answer]) -> list[str]:
    """Labels of grade items with neither a grade nor Not applicable."""
    return [
        item.label
        for item in template.graded_items
        if answers.get(item.key, Answer(None)).value in (None, "")
    ]


def answer_snapshot(rows: list[Any]) -> dict[str, list[str | None]]:
    """Answers as item key -> [value, comment]; an empty answer is left out, as if absent (the
    form saves every item, answered or not)."""
    return {a.item_key: [a.value, a.comment] for a in rows if a.value is not None or a.comment}
