"""The entry point: checks, one transaction, and the stages run in order (reference data,
cases, programmes, then the audits in chunks)."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from audit_tool.access.actors import Actor, require
from audit_tool.errors import ValidationError
from audit_tool.models import Audit, Case
from audit_tool.reporting import aggregates
from audit_tool.services import changelog
from audit_tool.services.demo.base import _AUDIT_TABLES, _SEQUENCED, PROGRAMME_T, _Rows
from audit_tool.services.demo.complaints import COMPLAINT_TABLES, _Complaints
from audit_tool.services.demo.feedback import _OUTSIDE_SHARE

if TYPE_CHECKING:
    from audit_tool.store import Database


@dataclass(frozen=True)
class DemoSummary:
    agencies: int
    teams: int
    people: int
    cases: int
    programmes: int
    audits: int
    seconds: float


_AUDIT_CHUNK = 1000


def generate(
    db: Database,
    actor: Actor,
    *,
    audits: int = 2000,
    seed: int = 1,
    cases: int | None = None,
    today: date | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> DemoSummary:
    """Fill an empty database with a synthetic partnership, its cases and audits.

    `cases=None` derives the register size from `audits`. `progress(done, total)` returning
    False cancels: `Cancelled` is raised and nothing is written."""
    require(actor, "demo.generate")
    errors: dict[str, str] = {}
    if audits < 0:
        errors["audits"] = "The number of audits cannot be negative"
    if cases is not None and cases < 0:
        errors["cases"] = "The number of cases cannot be negative"
    if cases is not None and cases == 0 and audits > 0:
        errors["cases"] = "Audits need cases: ask for at least one case, or for no audits"
    if errors:
        raise ValidationError("Demo data not generated: " + "; ".join(errors.values()), errors)
    n_cases = cases if cases is not None else max(60, round(audits * 1.1))
    started = time.perf_counter()
    with db.transaction() as session:
        have_cases = int(session.scalar(select(func.count()).select_from(Case)) or 0)
        have_audits = int(session.scalar(select(func.count()).select_from(Audit)) or 0)
        if have_cases or have_audits:
            raise ValidationError(
                f"This database already holds {have_cases} case(s) and {have_audits} "
                "audit(s). Demo data goes into an empty database only: use a new database "
                "file."
            )
        builder = _Builder(session, random.Random(seed), today or date.today(), progress)
        counts = builder.run(n_cases, audits)
        changelog.record(
            session,
            actor,
            "create",
            "demo",
            None,
            after={**counts, "seed": seed, "today": builder.today.isoformat()},
            summary=(
                f"Demo data generated (seed {seed}): {counts['cases']} cases, "
                f"{counts['audits']} audits"
            ),
        )
    if progress is not None:
        progress(builder.total, builder.total)
    return DemoSummary(
        agencies=counts["agencies"],
        teams=counts["teams"],
        people=counts["people"],
        cases=counts["cases"],
        programmes=counts["programmes"],
        audits=counts["audits"],
        seconds=time.perf_counter() - started,
    )


class _Builder(_Complaints):
    """Every stage, run in order inside the caller's transaction."""

    def run(self, n_cases: int, n_audits: int) -> dict[str, int]:
        self.total = n_cases + n_audits + 1
        self._tick(0)
        sqlite = self.session.get_bind().dialect.name == "sqlite"
        if sqlite:
            # A bigger page cache for this run keeps the uuid indexes' random inserts fast.
            self.session.execute(text("PRAGMA cache_size=-262144"))
        try:
            return self._run(n_cases, n_audits)
        finally:
            if sqlite:
                with contextlib.suppress(SQLAlchemyError):  # keep the original error
                    self.session.execute(text("PRAGMA cache_size=-2000"))

    def _run(self, n_cases: int, n_audits: int) -> dict[str, int]:
        counts = {"agencies": 0, "teams": 0, "people": 0}
        self._reference(counts)
        self._templates()
        self._plan_cases(n_cases)
        programmes = self._programmes()
        plan = self._plan_audits(n_audits, programmes)
        self._fix_case_dates(plan)
        self._insert_cases()
        rows = _Rows((PROGRAMME_T,))
        for prog in programmes:
            if prog.sample_size is None:
                prog.sample_size = prog.audits
            rows.add(PROGRAMME_T, self._programme_row(prog))
        rows.flush(self.session)
        self._tick(1)
        rows = _Rows(_AUDIT_TABLES)
        for start in range(0, len(plan), _AUDIT_CHUNK):
            chunk = plan[start : start + _AUDIT_CHUNK]
            for entry in chunk:
                self._audit(entry, programmes, rows)
            outside = round(len(chunk) * _OUTSIDE_SHARE)
            self._outside_feedback(rows, outside, chunk[0][3], chunk[-1][3])
            rows.flush(self.session)
            self._tick(len(chunk))
        if plan:  # with audits, the complaints and compliments of the same two years
            counts.update(self._complaints(max(12, round(len(plan) / 12))))
        self._reset_sequences()
        aggregates.rebuild(self.session)  # the report's kept counts of the final answers
        counts.update(cases=n_cases, programmes=len(programmes), audits=len(plan))
        return counts

    def _reset_sequences(self) -> None:
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for table in (*_SEQUENCED, *COMPLAINT_TABLES):
            name = table.name
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                )
            )
