"""`audit-tool --self-test`: proves an installed (or frozen) copy works end to end, headless.

It builds a throw-away database in a temporary folder, runs a looped audit through the service
layer (two auditors submit, a moderator confirms), exports a briefing and the QA report, checks
every output, and loads each native or lazily imported part a package can lose (Alembic's
migration files, SQLCipher, Argon2, libpq, the keyring backends, Qt's offscreen platform, SVG and
chart modules). One line per step on stdout, "self-test passed" at the end, exit 0; the first
failing step stops it with one line on stderr and exit 1 (the traceback goes to a file named
there). Nothing touches the user's own data folder, database, keyring or screen.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from audit_tool.store import Database

PROG = "audit-tool"
PASSED = "self-test passed"
PROGRAMME = "selftest"
CASE_REF = "ST1001"
# Synthetic passphrase and password: the self-test never sees real secrets.
PASSPHRASE = "self-test passphrase 1"
PASSWORD = "Self-test password 7"


class SelfTestFailure(Exception):
    """A check found the wrong thing (as opposed to a step that crashed)."""


@dataclass
class _Context:
    folder: Path
    db: Database | None = None
    lead: Any = None
    auditors: list[Any] = field(default_factory=list)
    moderator: Any = None
    audit_uuid: str = ""

    @property
    def database(self) -> Database:
        """The database the steps share (opened by the first step)."""
        if self.db is None:
            raise RuntimeError("the database step has not run")
        return self.db

    def path(self, name: str) -> Path:
        return self.folder / name


def _check(condition: object, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def _pdf_pages(path: Path) -> int:
    """Pages of a PDF written by reportlab (page objects are never in object streams there)."""
    data = path.read_bytes()
    _check(data.startswith(b"%PDF-"), f"{path.name} is not a PDF (no %PDF header)")
    _check(data.rstrip().endswith(b"%%EOF"), f"{path.name} is cut short (no %%EOF)")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    _check(pages > 0, f"{path.name} has no pages")
    return pages


# ------------------------------------------------------------------------------ the steps


def step_modules(ctx: _Context) -> str:
    """Every module of the application imports (the models load by name, so a package can
    miss one without any import statement failing until that screen is opened)."""
    import importlib
    import pkgutil

    import audit_tool

    names = [
        m.name
        for m in pkgutil.walk_packages(audit_tool.__path__, "audit_tool.")
        if ".migrations" not in m.name and not m.name.startswith("audit_tool.ui")
    ]
    _check(len(names) > 20, f"only {len(names)} application modules found: the package is thin")
    for name in names:
        importlib.import_module(name)
    return f"{len(names)} modules (the window's are checked in the Qt step)"


def step_database(ctx: _Context) -> str:
    from audit_tool.store import open_database
    from audit_tool.store.database import SCHEMA_HEAD

    ctx.db = open_database(ctx.path("selftest.sqlite"))
    revision = ctx.database.current_revision()
    _check(revision == SCHEMA_HEAD, f"new database at schema {revision}, not {SCHEMA_HEAD}")
    return f"new SQLite database at schema {revision}, default templates installed"


def step_migrations(ctx: _Context) -> str:
    from sqlalchemy import create_engine, inspect

    from audit_tool.store import migrate, to_url
    from audit_tool.store.database import SCHEMA_HEAD

    _check(migrate.head() == SCHEMA_HEAD, f"Alembic's head is {migrate.head()}, not {SCHEMA_HEAD}")
    engine = create_engine(to_url(ctx.path("migrated.sqlite")))
    try:
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    finally:
        engine.dispose()
    _check("audits" in tables and "claims" in tables, f"migrations made only {sorted(tables)}")
    return f"empty file migrated to {SCHEMA_HEAD} ({len(tables)} tables)"


def step_reference(ctx: _Context) -> str:
    from audit_tool.access.actors import Actor
    from audit_tool.services import case_import, reference

    db, system = ctx.database, Actor.system("self-test")
    reference.save_agency(db, system, key="csc", name="Children's Social Care")
    reference.save_team(
        db,
        system,
        key="assess",
        name="Assessment Team",
        agency_key="csc",
        service_area="Assessment",
    )
    people = [
        ("lead1", "Lee Lead", None, ["lead", "moderator", "auditor"]),
        ("aud1", "Ari Auditor", "assess", ["auditor"]),
        ("aud2", "Bo Auditor", "assess", ["auditor"]),
        ("mod1", "Mo Moderator", None, ["moderator", "auditor"]),
        ("sw1", "Sol Worker", "assess", []),
    ]
    for key, name, team, roles in people:
        reference.save_person(
            db, system, key=key, name=name, agency_key="csc", team_key=team, roles=roles
        )
    ctx.lead = reference.actor_for(db, "lead1")
    ctx.auditors = [reference.actor_for(db, "aud1"), reference.actor_for(db, "aud2")]
    ctx.moderator = reference.actor_for(db, "mod1")
    # The case comes in as a CSV extract, the way partnerships load theirs (pandas reads it).
    extract = ctx.path("cases.csv")
    with open(extract, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Case reference", "Initials", "Case type", "Level of need", "Team"])
        writer.writerow([CASE_REF, "XY", "cin", "3", "Assessment Team"])
        writer.writerow(["ST1002", "ZW", "cp", "4", "assess"])
    report = case_import.import_cases(db, ctx.lead, extract)
    _check(report.ok and report.new == 2, "case import: " + "; ".join(report.lines()))
    return f"1 agency, 1 team, {len(people)} people, {report.new} cases imported from CSV"


def step_looped_audit(ctx: _Context) -> str:
    from audit_tool.services import audits, programmes, templates
    from audit_tool.services.audits import Answer

    db, lead = ctx.database, ctx.lead
    today = date.today()
    programmes.save_programme(
        db,
        lead,
        key=PROGRAMME,
        name="Self-test programme",
        kind="monthly",
        template_key="moderated_case_file",
        starts_on=today - timedelta(days=7),
        due_on=today + timedelta(days=21),
    )
    (row,) = programmes.add_audits(db, lead, PROGRAMME, [CASE_REF], kind="looped")
    programmes.assign(db, lead, row.audit_uuid, reviewers=["aud1", "aud2"], moderator="mod1")
    ctx.audit_uuid = row.audit_uuid
    template = templates.get_template(db, lead, "moderated_case_file")
    graded = template.graded_items
    _check(graded, "the moderated case file template has no graded items")
    for actor, overall in zip(ctx.auditors, ("good", "requires_improvement"), strict=True):
        review = audits.get_audit(db, actor, row.audit_uuid).my_review
        _check(review is not None, f"{actor.name} has no review of the audit")
        assert review is not None
        audits.save_review(
            db,
            actor,
            review,
            answers={i.key: Answer(overall) for i in graded},
            overall=overall,
            strengths="Clear chronology and timely visits.",
            worries="Plan lacks measurable outcomes.",
        )
        audits.submit_review(db, actor, review)
    view = audits.confirm(
        db,
        ctx.moderator,
        row.audit_uuid,
        answers={i.key: Answer("good") for i in graded},
        overall="good",
        rationale="Agreed with the first auditor after discussion.",
    )
    _check(view.status == "final", f"the audit is '{view.status}' after moderation, not final")
    return f"2 reviews submitted, moderated to final ({len(graded)} graded items)"


def step_briefing(ctx: _Context) -> str:
    from audit_tool.services import briefings

    view = briefings.new_briefing(ctx.database, ctx.lead, programme_key=PROGRAMME)
    pdf, text = ctx.path("briefing.pdf"), ctx.path("briefing.txt")
    result = briefings.export_briefing(
        ctx.database,
        ctx.lead,
        view.uuid,
        pdf,
        accessible_pdf_path=ctx.path("briefing-accessible.pdf"),
        text_path=text,
    )
    pages = _pdf_pages(result.pdf)
    assert result.accessible_pdf is not None
    accessible = _pdf_pages(result.accessible_pdf)
    _check(b"+DejaVuSans" in result.pdf.read_bytes(), "the briefing PDF lacks the shipped font")
    _check(view.row.title in text.read_text("utf-8"), "the briefing text lacks its title")
    return f"briefing PDF {pages} page(s), accessible PDF {accessible} page(s), text version"


def _report_period() -> tuple[date, date]:
    today = date.today()
    return today - timedelta(days=30), today + timedelta(days=1)


def step_report_json(ctx: _Context) -> str:
    from jsonschema import Draft202012Validator

    from audit_tool.resources import resource
    from audit_tool.services import report_export

    start, end = _report_period()
    path = report_export.write_report(
        ctx.database, ctx.lead, ctx.path("report.json"), fmt="json", date_from=start, date_to=end
    )
    report = json.loads(path.read_text("utf-8"))
    schema = json.loads(resource("schemas", "qa-report-v1.schema.json").read_text("utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(report))
    _check(not errors, f"report JSON does not match its schema: {errors[:1]}")
    final = report["total"]["audits_final"]
    _check(final == 1, f"the report counts {final} final audits, not 1")
    from audit_tool.reporting import aggregates

    with ctx.database.session() as session:
        differ = aggregates.check(session)
    _check(not differ, f"the report's kept counts differ from a recount: {differ[:1]}")
    return (
        "QA report JSON valid against qa-report-v1, 1 final audit counted, "
        "kept counts equal a recount"
    )


def step_report_pdf(ctx: _Context) -> str:
    from audit_tool.services import report_export

    start, end = _report_period()
    path = report_export.write_report(
        ctx.database, ctx.lead, ctx.path("report.pdf"), fmt="pdf", date_from=start, date_to=end
    )
    return f"QA report PDF {_pdf_pages(path)} page(s)"


def step_report_xlsx(ctx: _Context) -> str:
    from openpyxl import load_workbook

    from audit_tool.services import report_export

    start, end = _report_period()
    path = report_export.write_report(
        ctx.database, ctx.lead, ctx.path("report.xlsx"), fmt="xlsx", date_from=start, date_to=end
    )
    book = load_workbook(path, read_only=True)
    try:
        sheets = book.sheetnames
    finally:
        book.close()
    _check(len(sheets) >= 2, f"the workbook has only the sheets {sheets}")
    return f"QA report workbook, {len(sheets)} sheets"


def step_change_log(ctx: _Context) -> str:
    from audit_tool.services import changelog

    ok, message = changelog.verify(ctx.database)
    _check(ok, message)
    _check(changelog.count(ctx.database) > 10, "the change log recorded almost nothing")
    return message


def step_encryption(ctx: _Context) -> str:
    from audit_tool.errors import EncryptionKeyError
    from audit_tool.store import crypto, open_database

    path = ctx.path("encrypted.sqlite")
    db = open_database(path, key=PASSPHRASE)
    db.close()
    _check(crypto.is_encrypted(path), "the new database is not encrypted")
    _check(not crypto.is_plain_sqlite(path), "the encrypted file still reads as plain SQLite")
    try:
        open_database(path, key=PASSPHRASE + "x").close()
    except EncryptionKeyError:
        pass
    else:
        raise SelfTestFailure("a wrong passphrase opened the encrypted database")
    db = open_database(path, key=PASSPHRASE)
    try:
        revision = db.current_revision()
    finally:
        db.close()
    with crypto.connect(path, PASSPHRASE) as conn:
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    return f"SQLCipher {version}: created, refused a wrong passphrase, reopened at {revision}"


def step_passwords(ctx: _Context) -> str:
    from audit_tool.services import accounts

    hashed = accounts.hash_password(PASSWORD)
    _check(hashed.startswith("$argon2id$"), "the password hash is not Argon2id")
    _check(accounts.verify_password(hashed, PASSWORD), "Argon2 rejected the right password")
    _check(not accounts.verify_password(hashed, PASSWORD + "x"), "Argon2 took a wrong password")
    return "Argon2id hash made and checked"


def step_server_driver(ctx: _Context) -> str:
    import psycopg
    from sqlalchemy import create_engine

    from audit_tool.store import to_url

    impl = psycopg.pq.__impl__
    _check(impl in ("binary", "c"), f"psycopg runs its pure-Python fallback ({impl}), not libpq")
    # Building an engine loads the dialect by name; no server is contacted.
    engine = create_engine(to_url("postgresql://selftest@127.0.0.1:1/selftest"))
    dialect = f"{engine.dialect.name}+{engine.dialect.driver}"
    engine.dispose()
    libpq = psycopg.pq.version()
    return (
        f"psycopg {psycopg.__version__} ({impl}, libpq {libpq // 10000}.{libpq % 100}), {dialect}"
    )


def step_keyring(ctx: _Context) -> str:
    from importlib import metadata

    import keyring

    registered = sorted(ep.name for ep in metadata.entry_points(group="keyring.backends"))
    _check(registered, "no keyring backends are registered (package metadata missing)")
    # Only which backend would be used: the self-test never reads or writes the keyring.
    backend = type(keyring.get_keyring()).__module__
    return f"{len(registered)} backends registered ({', '.join(registered)}); in use: {backend}"


def step_qt(ctx: _Context) -> str:
    # Never a window: the offscreen platform plugin renders into memory.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import audit_tool.ui.app  # noqa: F401 - the window's modules, as the GUI loads them
    import audit_tool.ui.dashboard  # noqa: F401
    from audit_tool.ui.render_check import render_check

    rendered = render_check(PROG)
    _check(rendered.icon_renders, "the SVG application icon does not render")
    _check(rendered.chart_renders, "the chart did not render")
    return (
        f"PySide6 {rendered.pyside_version} on '{rendered.platform}', "
        "SVG icon and QtCharts chart rendered"
    )


STEPS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("application modules", step_modules),
    ("new database", step_database),
    ("schema migrations", step_migrations),
    ("reference data and case import", step_reference),
    ("looped audit", step_looped_audit),
    ("7-minute briefing", step_briefing),
    ("QA report JSON", step_report_json),
    ("QA report PDF", step_report_pdf),
    ("QA report Excel", step_report_xlsx),
    ("change log chain", step_change_log),
    ("encrypted database", step_encryption),
    ("password hashing", step_passwords),
    ("PostgreSQL driver", step_server_driver),
    ("keyring", step_keyring),
    ("Qt, icon and charts", step_qt),
)


def _kind() -> str:
    """ "frozen" (the PyInstaller package), "installed" (a wheel, in site-packages) or "from
    source" (an editable install or a checkout on the path)."""
    if getattr(sys, "frozen", False):
        return "frozen"
    here = Path(__file__).resolve()
    libs = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    if any(lib and here.is_relative_to(Path(lib).resolve()) for lib in libs):
        return "installed"
    return "from source"


def run_self_test(out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every step in a temporary folder; 0 if all pass, 1 at the first that fails."""
    from audit_tool import __version__

    out = out or sys.stdout
    err = err or sys.stderr
    print(f"{PROG} {__version__} self-test ({_kind()}, Python {sys.version.split()[0]})", file=out)
    folder = Path(tempfile.mkdtemp(prefix="audit-tool-selftest-"))
    # The settings and data folders too: nothing may land in the user's own.
    saved = {k: os.environ.get(k) for k in ("AUDIT_TOOL_HOME", "XDG_CONFIG_HOME")}
    os.environ["AUDIT_TOOL_HOME"] = str(folder / "home")
    os.environ["XDG_CONFIG_HOME"] = str(folder / "home" / "config")
    ctx = _Context(folder)
    started = time.perf_counter()
    failed = False
    try:
        for number, (label, step) in enumerate(STEPS, 1):
            t0 = time.perf_counter()
            try:
                detail = step(ctx)
            except Exception as exc:  # noqa: BLE001 - reported as the failing step
                failed = True
                log = folder / "selftest-traceback.txt"
                log.write_text(traceback.format_exc(), encoding="utf-8")
                what = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                kind = "" if isinstance(exc, SelfTestFailure) else f"{type(exc).__name__}: "
                print(
                    f"{PROG}: self-test failed at step {number} ({label}): {kind}{what} "
                    f"(details in {log})",
                    file=err,
                )
                return 1
            ms = (time.perf_counter() - t0) * 1000
            print(f"[{number:2}/{len(STEPS)}] {label}: ok, {detail} ({ms:.0f} ms)", file=out)
        print(f"{PASSED} in {time.perf_counter() - started:.1f} s", file=out)
        return 0
    finally:
        if ctx.db is not None:
            ctx.db.close()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if not failed:  # a failure keeps its folder: the traceback and files are evidence
            shutil.rmtree(folder, ignore_errors=True)
        out.flush()
