"""Writing the QA report to a file: JSON (validated against its schema), PDF, Excel, or the
accessible PDF (tagged PDF/UA-1, reporting/tagged).

One computation (reporting/report.py) serves them all, with the report's story in words
(services/report_story.py) and the lead's commentary from its edition; the command line, the
Reports view and the dashboard call this module. Files are written beside the target and
renamed, so a failed or cancelled export never leaves half a file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tool import fileio
from audit_tool.access.actors import Actor
from audit_tool.errors import ValidationError
from audit_tool.reporting import report as reports
from audit_tool.resources import resource

if TYPE_CHECKING:
    from audit_tool.store import Database

FORMATS = ("json", "pdf", "xlsx", "accessible-pdf")  # accessible-pdf: tagged PDF/UA-1


def partnership_name(db: Database) -> str:
    from audit_tool.services.settings import partnership

    return partnership(db).name


def _exporter_role(actor: Actor) -> str:
    """The exporting person's most senior role in words ("QA lead"): the workbook keeps it in
    its properties beside the partnership, rather than the person's name."""
    from audit_tool.access.actors import ROLE_LABELS

    for role in ("lead", "moderator", "auditor", "viewer"):
        if role in actor.roles:
            return ROLE_LABELS[role]
    return ""


def check_schema(report: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(resource("schemas", "qa-report-v1.schema.json").read_text("utf-8"))
    error = next(iter(Draft202012Validator(schema).iter_errors(report)), None)
    if error is not None:  # a bug of ours, never the user's: say where
        path = "/".join(str(p) for p in error.absolute_path)
        raise ValueError(f"report JSON does not match its schema at {path}: {error.message}")


def _write(path: Path, data: bytes) -> None:
    fileio.write_atomic(path, data)  # private (0600), flushed, then renamed over `path`


def write_report(
    db: Database,
    actor: Actor,
    out: str | Path,
    *,
    fmt: str,
    date_from: date,
    date_to: date,
    by: str = "quarter",
    team: str | None = None,
    agency: str | None = None,
    programme: str | None = None,
    theme: str | None = None,
    service_area: str | None = None,
    year_start_month: int | None = None,
    today: date | None = None,
    progress: reports.Progress | None = None,
) -> Path:
    """Compute the report and write it in `fmt` ("json", "pdf", "xlsx" or "accessible-pdf")
    to `out`."""
    if fmt not in FORMATS:
        raise ValidationError(f"Write the report as json, pdf, xlsx or accessible-pdf, not '{fmt}'")
    path = Path(out)
    if not path.parent.is_dir():
        raise ValidationError(f"No folder {path.parent} to write the report in")
    filters = reports.Filters(
        team=team, agency=agency, programme=programme, theme=theme, service_area=service_area
    )
    report = reports.compute(
        db,
        actor,
        date_from=date_from,
        date_to=date_to,
        by=by,
        filters=filters,
        today=today,
        progress=progress,
        year_start_month=year_start_month,
    )
    from audit_tool.services import report_story

    report["story"] = report_story.tell(db, actor, report, today=today, export=True)
    if fmt == "json":
        check_schema(report)
        _write(path, json.dumps(report, indent=1, ensure_ascii=False).encode("utf-8"))
    elif fmt == "pdf":
        from audit_tool.reporting.report_pdf import render_report_pdf

        _write(path, render_report_pdf(report, partnership=partnership_name(db)))
    elif fmt == "accessible-pdf":
        from audit_tool.reporting.tagged.report import render_tagged_report

        _write(path, render_tagged_report(report, partnership=partnership_name(db)))
    else:
        from audit_tool.reporting.report_xlsx import write_report_xlsx

        rows = reports.raw_rows(db, actor, date_from=date_from, date_to=date_to, filters=filters)
        write_report_xlsx(
            report,
            rows,
            path,
            partnership=partnership_name(db),
            author_role=_exporter_role(actor),
            item_kinds=reports.item_kinds(db),
        )
    return path
