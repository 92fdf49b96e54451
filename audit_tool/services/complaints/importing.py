"""Complaint import from a CSV or Excel extract of the complaints system: one complaint a row,
every row checked as the Record complaint form checks it, and written all or nothing.

Columns (headers compared without case, spaces or punctuation): Complaint reference, Received,
Agency, Stage, Points (how many) are required; Team, Themes, Outcome, Responded, Joint
agencies, Case reference and Summary are optional. Themes hold each point's themes in turn,
separated by "|" (themes of one point by ";"), e.g. "communication; delay | assessment" for two
points. A complaint whose reference is already held is left as it is, so importing the same
file again changes nothing. A column that names people (a complainant's name, an address) is
refused, as in the case import (services.case_import, whose reading and report this reuses)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import Cancelled, ValidationError
from audit_tool.models import Agency, Complaint, Team
from audit_tool.services import changelog
from audit_tool.services.case_import import (
    ImportProblem,
    ImportReport,
    norm_header,
    read_table,
)
from audit_tool.services.cases import looks_like_full_name, parse_date
from audit_tool.services.complaints import records
from audit_tool.services.complaints.records import ComplaintInput, PointInput
from audit_tool.services.extract_headers import PERSONAL_HEADERS

if TYPE_CHECKING:
    from audit_tool.store import Database

ALIASES: dict[str, tuple[str, ...]] = {
    "reference": ("Complaint reference", "Complaint ref", "Complaint ID", "Complaint number"),
    "received_on": ("Received", "Received on", "Date received"),
    "agency": ("Agency",),
    "team": ("Team", "Team name"),
    "stage": ("Stage",),
    "points": ("Points", "Number of points", "Points raised"),
    "themes": ("Themes", "Point themes"),
    "outcome": ("Outcome",),
    "responded_on": ("Responded", "Responded on", "Date responded", "Response date"),
    "joint": ("Joint agencies", "Joint response with", "Joint response"),
    "case_ref": ("Case reference", "Case ref"),
    "summary": ("Summary",),
}
REQUIRED = ("reference", "received_on", "agency", "stage", "points")
LABELS = {
    "reference": "Complaint reference",
    "received_on": "Received",
    "agency": "Agency",
    "team": "Team",
    "stage": "Stage",
    "points": "Points",
    "themes": "Themes",
    "outcome": "Outcome",
    "responded_on": "Responded",
    "joint": "Joint agencies",
    "case_ref": "Case reference",
    "summary": "Summary",
}
# The form's field names -> the file's column they came from.
_FIELD_COLUMN = {
    "received_on": "received_on",
    "responded_on": "responded_on",
    "reference": "reference",
    "agency": "agency",
    "team": "team",
    "stage": "stage",
    "outcome": "outcome",
    "points": "points",
    "joint": "joint",
    "case": "case_ref",
    "summary": "summary",
}
_PERSONAL = {norm_header(h) for h in (*PERSONAL_HEADERS, "Complainant", "Complainant name")}
_BY_HEADER = {norm_header(a): f for f, aliases in ALIASES.items() for a in aliases}
_STAGES = {
    "1": "stage1",
    "stage1": "stage1",
    "2": "stage2",
    "stage2": "stage2",
    "3": "ombudsman",
    "ombudsman": "ombudsman",
    "lgsco": "ombudsman",
    "localgovernmentandsocialcareombudsman": "ombudsman",
}
_OUTCOMES = {
    "upheld": "upheld",
    "partlyupheld": "partly_upheld",
    "partiallyupheld": "partly_upheld",
    "partly": "partly_upheld",
    "notupheld": "not_upheld",
}
MAX_POINTS = records.MAX_POINTS
Progress = Callable[[int, int], bool]


@dataclass
class _Plan:
    report: ImportReport
    creates: list[ComplaintInput] = field(default_factory=list)


def _columns(
    name: str, headers: list[str], rows: list[list[str]], report: ImportReport
) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = norm_header(header)
        wanted = _BY_HEADER.get(key)
        problem = None
        if key in _PERSONAL:
            problem = (
                "this column looks like personal data; remove it before importing (a "
                "complainant is never named)"
            )
        elif wanted is not None and wanted in columns:
            problem = f"a second column for {LABELS[wanted]}"
        elif wanted is not None:
            columns[wanted] = index
        else:
            values = [r[index] for r in rows if index < len(r) and r[index]]
            if values and sum(1 for v in values if looks_like_full_name(v)) * 2 > len(values):
                problem = "this column holds what look like people's names; remove it first"
        if problem:
            report.problems.append(ImportProblem(name, None, header, problem))
    for wanted in REQUIRED:
        if wanted not in columns:
            report.problems.append(
                ImportProblem(
                    name, None, None, f"no '{LABELS[wanted]}' column (found: {', '.join(headers)})"
                )
            )
    return columns


@dataclass
class _Lookups:
    agencies: dict[str, str]  # key or lower-case name -> key
    teams: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        agencies: dict[str, str] = {}
        for key, agency_name in session.execute(select(Agency.key, Agency.name)):
            agencies[key.lower()] = agencies[agency_name.lower()] = key
        teams: dict[str, str] = {}
        for key, team_name in session.execute(select(Team.key, Team.name)):
            teams[key.lower()] = teams[team_name.lower()] = key
        return cls(agencies, teams)


def _points(count: str, themes: str, errors: dict[str, str]) -> tuple[PointInput, ...]:
    try:
        n = int(count.strip())
    except ValueError:
        errors["points"] = f"'{count}' is not a number of points" if count else "Give the points"
        return ()
    if not 1 <= n <= MAX_POINTS:
        errors["points"] = f"Give from 1 to {MAX_POINTS} points"
        return ()
    groups = [g for g in themes.split("|")] if themes.strip() else []
    if groups and len(groups) != n:
        errors["themes"] = (
            f"{len(groups)} group(s) of themes for {n} point(s): separate each point's themes "
            "with '|'"
        )
        return ()
    split = [tuple(t.strip() for t in re.split(r"[;,]", g) if t.strip()) for g in groups]
    return tuple(PointInput("", split[i] if split else ()) for i in range(n))


def _row_input(values: dict[str, str], look: _Lookups, errors: dict[str, str]) -> ComplaintInput:
    dates: dict[str, date | None] = {}
    for name in ("received_on", "responded_on"):
        try:
            dates[name] = parse_date(values.get(name, ""))
        except ValueError as exc:
            errors[name] = str(exc)
            dates[name] = None
    stage_text = values.get("stage", "")
    stage = _STAGES.get(norm_header(stage_text), "")
    if not stage:
        errors["stage"] = f"'{stage_text}' is not a stage (1, 2 or Ombudsman)"
    outcome_text = values.get("outcome", "")
    outcome = _OUTCOMES.get(norm_header(outcome_text)) if outcome_text else None
    if outcome_text and outcome is None:
        errors["outcome"] = f"'{outcome_text}' is not an outcome (upheld, partly, not upheld)"
    agency = values.get("agency", "")
    team = values.get("team", "")
    joint = [j.strip() for j in re.split(r"[;,]", values.get("joint", "")) if j.strip()]
    return ComplaintInput(
        reference=values.get("reference", ""),
        received_on=dates["received_on"],
        agency_key=look.agencies.get(agency.lower(), agency),
        team_key=look.teams.get(team.lower(), team) if team else None,
        stage=stage or "stage1",
        points=_points(values.get("points", ""), values.get("themes", ""), errors),
        outcome=outcome,
        responded_on=dates["responded_on"],
        joint_agency_keys=tuple(look.agencies.get(j.lower(), j) for j in joint),
        case_ref=values.get("case_ref") or None,
        summary=values.get("summary", ""),
    )


def _plan(db: Database, actor: Actor, path: Path, progress: Progress | None) -> _Plan:
    name = path.name
    headers, rows = read_table(path, rows_of="complaints", kind="complaints extract")
    plan = _Plan(ImportReport(file=name))
    report = plan.report
    columns = _columns(name, headers, rows, report)
    if report.blocked:
        report.rows = sum(1 for r in rows if any(r))
        return plan
    seen: dict[str, int] = {}
    with db.session() as session:
        look = _Lookups.load(session)
        held = set(session.scalars(select(Complaint.reference)))
        for offset, record in enumerate(rows):
            if progress is not None and offset % 50 == 0 and progress(offset, len(rows)) is False:
                raise Cancelled("Import cancelled; nothing was written")
            if not any(record):
                continue
            row_number = offset + 2
            report.rows += 1
            values = {f: (record[i] if i < len(record) else "").strip() for f, i in columns.items()}
            errors: dict[str, str] = {}
            ref = values.get("reference", "")
            if ref in seen:
                errors["reference"] = f"reference '{ref}' already appears on row {seen[ref]}"
            seen.setdefault(ref, row_number)
            if ref in held and not errors:
                report.valid_rows += 1
                report.unchanged += 1  # imported before: left as it is
                continue
            data = _row_input(values, look, errors)
            try:
                records.check(session, actor, data)
            except ValidationError as exc:
                for key, message in exc.fields.items():
                    errors.setdefault(key, message)
            for key, message in errors.items():
                column = _FIELD_COLUMN.get(key.split(":")[0])
                header = headers[columns[column]] if column in columns else None
                report.problems.append(ImportProblem(name, row_number, header, message))
            if not errors:
                report.valid_rows += 1
                report.new += 1
                plan.creates.append(data)
    return plan


def read_complaints(
    db: Database, actor: Actor, path: str | Path, *, progress: Progress | None = None
) -> ImportReport:
    """Check a complaints extract and say what importing it would do. Writes nothing."""
    require(actor, "complaint.import")
    return _plan(db, actor, Path(path), progress).report


def import_complaints(
    db: Database, actor: Actor, path: str | Path, *, progress: Progress | None = None
) -> ImportReport:
    """Import every complaint of the file in one transaction, or none: any problem in any row
    (each is listed in the report) leaves the database as it was."""
    require(actor, "complaint.import")
    path = Path(path)
    plan = _plan(db, actor, path, progress)
    report = plan.report
    if report.problems or not plan.creates:
        return report
    with db.transaction() as session:
        for data in plan.creates:
            ok = records.check(session, actor, data)
            c = Complaint(author_id=actor.person_id)
            records.apply(session, c, data, ok)
            session.add(c)
            session.flush()
            changelog.record(
                session,
                actor,
                "create",
                "complaint",
                c.uuid,
                after=records.snapshot(c, session),
                summary=f"Complaint {c.reference} imported from {path.name}",
            )
    report.written = True
    return report
