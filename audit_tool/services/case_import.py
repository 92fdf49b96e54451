"""Case import from CSV and Excel extracts: map columns, check every row, write all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Case
from audit_tool.services import case_fields, changelog, untrusted
from audit_tool.services.case_fields import FieldDef, error_key
from audit_tool.services.cases import (
    CaseInput,
    CleanCase,
    Lookups,
    add_case,
    looks_like_full_name,
    set_values,
    snapshot,
    validate_case,
)
from audit_tool.services.extract_headers import (
    FIELD_BY_HEADER,
    FIELD_LABELS,
    PERSONAL,
    REQUIRED,
    norm,
)

if TYPE_CHECKING:
    from audit_tool.store import Database

_CHUNK = 500  # references per IN (...) list: well under every database's parameter limit
_COMPARED = ("initials", "case_type", "level_of_need", "team_id", "worker_id", "manager_id")
_DATES = ("opened_on", "closed_on")
_norm = norm
norm_header = norm  # a header compared without case, spaces or punctuation (other imports)
_FIELD_BY_HEADER, _PERSONAL = FIELD_BY_HEADER, PERSONAL


def _field_headers(fields: dict[str, FieldDef]) -> dict[str, str]:
    """Header (as compared) -> the case field's message key: its key, or its label where that
    is not a header of the case's own fields or of personal data."""
    found: dict[str, str] = {}
    for f in fields.values():
        label = _norm(f.label)
        if label and label not in _FIELD_BY_HEADER and (label not in _PERSONAL or f.birth_date):
            found.setdefault(label, error_key(f.key))
    for f in fields.values():
        found[_norm(f.key)] = error_key(f.key)
    return found


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None  # spreadsheet row: the header is row 1; None for the whole file
    column: str | None  # the header as written in the file
    message: str

    def line(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    valid_rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def blocked(self) -> bool:
        """A problem with the whole file: nothing can be imported, even the valid rows."""
        return any(p.row is None for p in self.problems)

    def lines(self) -> list[str]:
        return [p.line() for p in self.problems]


@dataclass
class _Plan:
    report: ImportReport
    creates: list[CleanCase] = field(default_factory=list)
    updates: list[CleanCase] = field(default_factory=list)
    fields: dict[str, FieldDef] = field(default_factory=dict)  # the case fields, by key


# ---------------------------------------------------------------- reading


def _cell(value: Any) -> str:
    """A cell as text: dates as ISO dates, whole numbers without '.0', blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    text = str(value).strip()
    if text.lower() in ("nan", "nat", "none"):
        return ""
    return text


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    return read_table(path)


def read_table(
    path: Path, *, rows_of: str = "cases", kind: str = "case extract"
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of text of a CSV or Excel extract (services.complaints reads its
    extracts with it too). Raises ValidationError if the file cannot be read at all."""
    import pandas as pd  # heavy: loaded only when a file is imported

    name = path.name
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError(f"{name}: import a .csv or .xlsx file, not '{suffix or name}'")
    if not path.is_file():
        raise ValidationError(f"{name}: no such file")
    untrusted.check_size(path, untrusted.CASE_EXTRACT_LIMIT, kind)
    if suffix == ".xlsx":
        untrusted.check_workbook(path)
    try:
        if suffix == ".csv":
            frame = None
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    frame = pd.read_csv(
                        path,
                        dtype=str,
                        keep_default_na=False,
                        encoding=encoding,
                        sep=None,
                        engine="python",
                    )
                    break
                except UnicodeDecodeError:
                    continue
            if frame is None:
                raise ValidationError(f"{name}: the file is not text in UTF-8 or Windows-1252")
        else:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl", sheet_name=0)
    except ValidationError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise ValidationError(f"{name}: the file is empty") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is a file the user must fix
        kind = "an Excel workbook (.xlsx)" if suffix == ".xlsx" else "a CSV file"
        raise ValidationError(f"{name}: cannot be read as {kind} ({exc})") from exc
    headers = [str(h).strip() for h in frame.columns]
    rows = [[_cell(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    if not headers or all(h.startswith("Unnamed") for h in headers):
        raise ValidationError(f"{name}: the first row must hold the column headers")
    if not rows:
        raise ValidationError(f"{name}: the file has headers but no rows of {rows_of}")
    return headers, rows


# ---------------------------------------------------------------- checking


def _map_columns(
    name: str,
    headers: list[str],
    rows: list[list[str]],
    report: ImportReport,
    fields: dict[str, FieldDef],
) -> dict[str, int]:
    """Each field's column: the case's own by their names, the case fields (error_key) by key
    or label. A column of personal data, or a second column for a field, blocks the file."""
    columns: dict[str, int] = {}
    by_header = _field_headers(fields)
    labels = {error_key(f.key): f.label for f in fields.values()}
    for index, header in enumerate(headers):
        key = norm_header(header)
        field_name = _FIELD_BY_HEADER.get(key) or by_header.get(key)
        if key in _PERSONAL and field_name is None:
            report.problems.append(
                ImportProblem(
                    name,
                    None,
                    header,
                    "this column looks like personal data; remove it before importing "
                    "(the tool holds the child's initials only)",
                )
            )
        elif field_name is not None:
            if field_name in columns:
                report.problems.append(
                    ImportProblem(
                        name,
                        None,
                        header,
                        f"a second column for {FIELD_LABELS.get(field_name) or labels[field_name]} "
                        f"(the first is '{headers[columns[field_name]]}')",
                    )
                )
            else:
                columns[field_name] = index
        else:
            values = [r[index] for r in rows if index < len(r) and r[index]]
            names = sum(1 for v in values if looks_like_full_name(v))
            if values and names * 2 > len(values):
                report.problems.append(
                    ImportProblem(
                        name,
                        None,
                        header,
                        "this column holds what look like people's full names; remove it "
                        "before importing",
                    )
                )
    for field_name in REQUIRED:
        if field_name not in columns:
            report.problems.append(
                ImportProblem(
                    name,
                    None,
                    None,
                    f"no '{FIELD_LABELS[field_name]}' column (headers found: {', '.join(headers)})",
                )
            )
    return columns


def _same(held: dict[str, Any], clean: CleanCase, values: dict[str, str]) -> bool:
    """Whether the case as held already has the row's values (case fields included)."""
    fields_same = all(
        values.get(key) == (value.value if value is not None else None)
        for key, value in (clean.fields or {}).items()
    )
    return (
        fields_same
        and all(held[f] == getattr(clean, f) for f in _COMPARED)
        and all(getattr(clean, f) is None or held[f] == getattr(clean, f) for f in _DATES)
    )


def _plan(db: Database, path: Path) -> _Plan:
    name = path.name
    headers, rows = _read(path)
    report = ImportReport(file=name)
    with db.session() as session:
        lookups = Lookups.load(session)
        plan = _Plan(report, fields=lookups.fields)
        columns = _map_columns(name, headers, rows, report, lookups.fields)
        if report.blocked:
            report.rows = sum(1 for r in rows if any(r))
            return plan
        held_columns = [getattr(Case, f) for f in ("id", "ref", *_COMPARED, *_DATES)]
        held_rows = session.execute(select(*held_columns)).all()
        existing = {
            row[1]: dict(zip(("id", *_COMPARED, *_DATES), (row[0], *row[2:]), strict=True))
            for row in held_rows
        }
        held_values = (
            case_fields.held_values(session, [r[0] for r in held_rows]) if lookups.fields else {}
        )
    keys = {error_key(k): k for k in lookups.fields}
    seen: dict[str, int] = {}
    for offset, record in enumerate(rows):
        if not any(record):
            continue  # a blank line
        row_number = offset + 2
        report.rows += 1
        values = {f: (record[i] if i < len(record) else "") for f, i in columns.items()}
        typed = {keys[f]: values.pop(f) for f in list(values) if f in keys}
        clean, errors = validate_case(CaseInput(**values, fields=typed or None), lookups)
        ref = values.get("ref", "").strip()
        if ref and ref in seen and "ref" not in errors:
            errors["ref"] = f"reference '{ref}' already appears on row {seen[ref]}"
        elif ref:
            seen.setdefault(ref, row_number)
        for field_name, message in errors.items():
            column = headers[columns[field_name]] if field_name in columns else None
            report.problems.append(ImportProblem(name, row_number, column, message))
        if errors or clean is None:
            continue
        report.valid_rows += 1
        current = existing.get(clean.ref)
        if current is None:
            report.new += 1
            plan.creates.append(clean)
        elif _same(current, clean, held_values.get(current["id"], {})):
            report.unchanged += 1
        else:
            report.updated += 1
            plan.updates.append(clean)
    return plan


def read_and_validate(db: Database, actor: Actor, path: str | Path) -> ImportReport:
    """Check a file and say what importing it would do. Writes nothing."""
    require(actor, "case.import")
    return _plan(db, Path(path)).report


def import_cases(
    db: Database, actor: Actor, path: str | Path, *, valid_only: bool = False
) -> ImportReport:
    """Import a case extract in one transaction: every row, or (valid_only) the valid ones.

    Nothing is written if any row has a problem (unless valid_only) or if the file as a whole
    has one (a personal-data column, a missing column). Cases already held with the same values
    are left alone, so importing the same file again changes nothing."""
    require(actor, "case.import")
    path = Path(path)
    plan = _plan(db, path)
    report = plan.report
    if report.blocked or (report.problems and not valid_only):
        return report
    if not plan.creates and not plan.updates:
        return report
    with db.transaction() as session:
        for clean in plan.creates:
            add_case(
                session,
                actor,
                clean,
                summary=f"Case {clean.ref} imported from {path.name}",
                fields=plan.fields,
            )
        by_ref = {c.ref: c for c in plan.updates}
        refs = list(by_ref)
        to_update = [
            case
            for start in range(0, len(refs), _CHUNK)
            for case in session.scalars(
                select(Case).where(Case.ref.in_(refs[start : start + _CHUNK]))
            )
        ]
        for case in to_update:
            before = snapshot(session, case)
            _apply(case, by_ref[case.ref])
            set_values(session, case, plan.fields, by_ref[case.ref])
            session.flush()
            changelog.record_changes(
                session,
                actor,
                "case",
                case.uuid,
                before,
                snapshot(session, case),
                summary=f"Case {case.ref} updated from {path.name}",
            )
    report.written = True
    return report


def _apply(case: Case, clean: CleanCase) -> None:
    """Set a case from clean values; dates left blank in the file keep what is held."""
    case.ref = clean.ref
    for name in _COMPARED:
        setattr(case, name, getattr(clean, name))
    for name in _DATES:
        value = getattr(clean, name)
        if value is not None:
            setattr(case, name, value)
