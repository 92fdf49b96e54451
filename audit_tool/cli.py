"""Command line: parse arguments, call services, print. No rules live here."""

from __future__ import annotations

import argparse
import gc
import getpass
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_tool import __version__
from audit_tool.errors import AuditToolError

if TYPE_CHECKING:
    from audit_tool.access.actors import Actor
    from audit_tool.store import Database

PROG = "audit-tool"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line on stderr, as every other failure.
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Multi-agency case-file audits, moderation and learning. "
        "Without a command, opens the application window.",
    )
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_demo_command(sub)
    _add_import_export_commands(sub)
    _add_report_commands(sub)
    _add_maintenance_commands(sub)
    _add_offline_commands(sub)
    return parser


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL-or-path",
        help="SQLite file path or SQLAlchemy URL (sqlite:///..., postgresql+psycopg://...); "
        "default: audit-tool.sqlite in your data folder",
    )
    parser.add_argument(
        "--user",
        metavar="KEY",
        help="commands: act as this person (their key), with their password from "
        "AUDIT_TOOL_PASSWORD or asked; the window: fill in the login's user name",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end in a temporary folder (no window, no server, "
        "your own data untouched) and exit",
    )


def _add_demo_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    """demo: synthetic data for an empty database."""
    demo = sub.add_parser("demo", help="fill an empty database with realistic synthetic data")
    demo.add_argument("--audits", type=_non_negative, default=2000, metavar="N")
    demo.add_argument(
        "--cases",
        type=_non_negative,
        default=None,
        metavar="N",
        help="number of cases (default: about 1.1 x audits)",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="DATE",
        help="anchor date for the generated data (default: today)",
    )


def _add_import_export_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """import-cases, export-pack and import-pack."""
    imp = sub.add_parser("import-cases", help="import cases from a CSV or Excel extract")
    imp.add_argument("file", type=Path, metavar="FILE.csv|FILE.xlsx")
    imp.add_argument(
        "--valid-only",
        action="store_true",
        help="import the valid rows even if some rows have problems",
    )

    exp = sub.add_parser("export-pack", help="write an audit pack (JSON) of programmes and audits")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    exp.add_argument("--programme", metavar="KEY", help="only this programme's audits")
    exp.add_argument(
        "--since", type=_iso_date, metavar="DATE", help="only audits changed since this date"
    )
    imp_pack = sub.add_parser("import-pack", help="import an audit pack (all or nothing)")
    imp_pack.add_argument("file", type=Path, metavar="FILE.json")


def _add_report_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """briefing and report: documents written from the audits."""
    brief = sub.add_parser(
        "briefing",
        help="export a programme's 7-minute briefing as PDF (drafted from its audits if none)",
    )
    brief.add_argument("--programme", required=True, metavar="KEY")
    brief.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    brief.add_argument(
        "--text-only",
        type=Path,
        metavar="FILE.txt",
        help="also write the accessible plain-text version (and a tagged PDF/UA-1 beside it)",
    )

    rep = sub.add_parser("report", help="the QA report for a period (JSON, PDF or Excel)")
    rep.add_argument("--from", dest="date_from", type=_iso_date, required=True, metavar="DATE")
    rep.add_argument("--to", dest="date_to", type=_iso_date, required=True, metavar="DATE")
    rep.add_argument("--by", choices=("quarter", "month", "year"), default="quarter")
    rep.add_argument(
        "--format",
        choices=("json", "pdf", "xlsx", "accessible-pdf"),
        default="json",
        help="accessible-pdf: the tagged PDF/UA-1 version for publishing (screen readers)",
    )
    rep.add_argument("--out", type=Path, required=True, metavar="FILE")
    rep.add_argument("--team", metavar="KEY")
    rep.add_argument("--agency", metavar="KEY")
    rep.add_argument("--programme", metavar="KEY")
    rep.add_argument("--theme", metavar="TEXT")
    rep.add_argument("--service-area", dest="service_area", metavar="TEXT")
    rep.add_argument(
        "--year-start",
        dest="year_start",
        type=_month,
        metavar="MONTH",
        help="the month the year starts (1-12 or its name; default: the partnership's setting)",
    )


def _add_maintenance_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """db, backup, restore, log and retention: looking after the database."""
    db_cmd = sub.add_parser("db", help="database maintenance")
    db_sub = db_cmd.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    db_sub.required = True
    db_sub.add_parser("upgrade", help="migrate the database schema to this version")
    encrypt = db_sub.add_parser(
        "encrypt",
        help="encrypt an SQLite database with a passphrase (from AUDIT_TOOL_DB_PASSPHRASE "
        "or asked twice)",
    )
    encrypt.add_argument(
        "--remember", action="store_true", help="keep the passphrase in this computer's keyring"
    )
    db_sub.add_parser("decrypt", help="turn an encrypted SQLite database back into a plain file")
    check = db_sub.add_parser(
        "check", help="check that the report's kept counts of final answers equal a recount"
    )
    check.add_argument("--repair", action="store_true", help="recount them if they differ")

    backup = sub.add_parser(
        "backup",
        help="write a consistent copy of an SQLite database (encrypted if the database is)",
    )
    backup.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="default: a new file in the backups folder, keeping the newest "
        "(AUDIT_TOOL_BACKUP_DIR, AUDIT_TOOL_BACKUP_KEEP)",
    )
    restore = sub.add_parser(
        "restore",
        help="replace an SQLite database with a backup, once the backup checks out "
        "(the replaced file is kept)",
    )
    restore.add_argument("file", type=Path, metavar="FILE")

    log_cmd = sub.add_parser("log", help="the change log")
    log_sub = log_cmd.add_subparsers(dest="log_command", metavar="ACTION", parser_class=_Parser)
    log_sub.required = True
    log_sub.add_parser("verify", help="check that no change-log entry was altered or removed")

    retention = sub.add_parser(
        "retention",
        help="remove case identifiers and free text of audits final longer than the retention "
        "period (grades are kept)",
    )
    retention.add_argument(
        "--dry-run", action="store_true", help="list what would be removed; change nothing"
    )
    retention.add_argument(
        "--today", type=_iso_date, default=None, metavar="DATE", help=argparse.SUPPRESS
    )


def _add_offline_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """checkout and checkin: working offline from a team server."""
    out = sub.add_parser(
        "checkout",
        help="check audits you review out of a team server into a new file to work offline "
        "(needs --user)",
    )
    out.add_argument("--out", type=Path, required=True, metavar="FILE.sqlite")
    out.add_argument("--programme", metavar="KEY", help="only this programme's audits")
    out.add_argument(
        "--audit", action="append", metavar="UUID", help="this audit (repeat for more)"
    )
    out.add_argument(
        "--encrypt",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="encrypt the file with a passphrase, from AUDIT_TOOL_DB_PASSPHRASE or asked twice "
        "(the default: a laptop file is encrypted unless you say --no-encrypt)",
    )
    back = sub.add_parser(
        "checkin",
        help="check offline work back in to the team server; conflicts are reported and left "
        "checked out (needs --user)",
    )
    back.add_argument("file", type=Path, metavar="FILE.sqlite")
    back.add_argument(
        "--discard-conflicts",
        action="store_true",
        help="close conflicting checkouts, keeping the server's version (the file keeps yours)",
    )


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from exc
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date (YYYY-MM-DD)") from exc


def _month(value: str) -> int:
    from audit_tool.errors import ValidationError
    from audit_tool.reporting.periods import parse_month

    try:
        return parse_month(value)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def database_argument(args: argparse.Namespace) -> str:
    if args.database:
        return str(args.database)
    from audit_tool.config import default_database_path

    return str(default_database_path())


def _actor(db: Database, args: argparse.Namespace) -> Actor:
    from audit_tool.access.actors import Actor

    if args.user:
        from audit_tool.services import accounts

        username = accounts.username_for_key(db, args.user)
        if username is None:
            # No password, no acting as them: the command line checks who you are as the
            # login does. Unknown keys get the same line, so it does not say who exists.
            raise AuditToolError(
                f"--user {args.user}: no one with that key has an account with a password "
                "here (a QA lead gives them one in Admin > Accounts); leave out --user to act "
                "as the file's administrator"
            )
        password = os.environ.get("AUDIT_TOOL_PASSWORD")
        if password is None:
            if sys.stdin is None or not sys.stdin.isatty():
                raise AuditToolError(
                    f"--user {args.user} needs the password of {username}: set "
                    "AUDIT_TOOL_PASSWORD, or run the command in a terminal to be asked"
                )
            try:
                password = getpass.getpass(f"Password for {username}: ")
            except EOFError as exc:
                raise AuditToolError(f"no password given for {username}") from exc
        login = accounts.authenticate(db, username, password)
        if login.must_change_password:
            raise AuditToolError(
                f"the password of {username} was reset: log in to the app once to choose a new one"
            )
        return login.actor
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems
        who = "unknown"
    return Actor.system(f"command line ({who})")


# What a shell reports for a program stopped by SIGPIPE (128 + 13): `... | head -1` closed the
# pipe it was writing to. Used on every platform, so scripts see one code.
EXIT_OUTPUT_CLOSED = 141


def run(argv: list[str]) -> int:
    """Run the command line; a reader that stops reading (`| head -1`) ends it quietly."""
    try:
        try:
            return _run(argv)
        finally:
            if sys.stdout is not None:  # None in a windowed build with no console
                sys.stdout.flush()  # a closed pipe shows here, not as a message at exit
    except BrokenPipeError:
        return _output_closed()


def _output_closed() -> int:
    """Stop without a word: point stdout at the null device so that Python's own flush at
    exit does not report the broken pipe either (the recipe in the signal module's docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (embedded, captured)
        pass
    return EXIT_OUTPUT_CLOSED


def _run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from audit_tool.services import seed

    seed.register()  # every database this run creates (the window's too) gets the defaults
    if args.self_test:
        gc.enable()
        from audit_tool.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        # Load the database layer before Qt: once PySide6 is imported, its import hook reads
        # the source of every module imported after it, which costs about 70 ms at start-up.
        import sqlalchemy.dialects.sqlite  # noqa: F401

        import audit_tool.services.cases  # noqa: F401
        import audit_tool.services.reference  # noqa: F401
        import audit_tool.store  # noqa: F401
        from audit_tool.ui.app import run_gui

        return run_gui(args.database, args.user)
    gc.enable()  # see __main__: only start-up runs without the garbage collector
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    from audit_tool import crash

    crash.install_warning_hook()  # a warning's text may quote record text: never shown
    try:
        return _dispatch(args)
    except AuditToolError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # our reader went away: run() ends quietly
    except Exception as exc:  # noqa: BLE001 - a user must never see a traceback
        refused = _refused_by_server(exc)
        if refused is not None:
            print(f"{PROG}: error: {refused}", file=sys.stderr)
            return 1
        # Never the exception's message: a database error's carries the statement's values.
        report = crash.write_report(exc)
        print(f"{PROG}: unexpected error ({report.kind}): {report.where()}", file=sys.stderr)
        return 70


def _refused_by_server(exc: Exception) -> str | None:
    """A PostgreSQL refusal for want of a privilege (SQLSTATE 42501), as a sentence: the
    database login lacks a grant (docs/deployment.md), not a bug."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else "permission denied"
    return (
        f"the team server refused: {detail}; this needs a login with more rights (the "
        "owner role, for schema upgrades and retention: see docs/deployment.md)"
    )


def _report(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import report_export

    path = report_export.write_report(
        db,
        actor,
        args.out,
        fmt=args.format,
        date_from=args.date_from,
        date_to=args.date_to,
        by=args.by,
        team=args.team,
        agency=args.agency,
        programme=args.programme,
        theme=args.theme,
        service_area=args.service_area,
        year_start_month=args.year_start,
    )
    print(f"Report written to {path}")
    return 0


def _briefing(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import briefings

    view = briefings.latest_for_programme(db, actor, args.programme)
    drafted = view is None
    if view is None:
        view = briefings.new_briefing(db, actor, programme_key=args.programme)
    accessible = None
    if args.text_only is not None:
        accessible = args.text_only.with_suffix(".pdf")
        if accessible.resolve() == args.out.resolve():
            accessible = args.text_only.with_name(args.text_only.stem + "-accessible.pdf")
    result = briefings.export_briefing(
        db, actor, view.uuid, args.out, accessible_pdf_path=accessible, text_path=args.text_only
    )
    what = "drafted from the audits and written" if drafted else "written"
    print(f"{view.row.title} ({view.row.status_label}) {what} to {result.pdf}")
    if result.text is not None:
        print(f"Accessible versions: {result.text} and {result.accessible_pdf}")
    return 0


def _warn_if_shared(database: str | Path) -> None:
    """One line on stderr before opening an SQLite file on a network or synced folder."""
    from audit_tool.store.location import database_location_warning

    warning = database_location_warning(database)
    if warning is not None:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    from audit_tool.store import open_database, server
    from audit_tool.store.crypto import cli_key

    target = database_argument(args)
    _warn_if_shared(target)
    if args.command == "db":
        if args.db_command == "encrypt":
            return _db_encrypt(target, remember=args.remember)
        if args.db_command == "decrypt":
            return _db_decrypt(target)
        if args.db_command == "check":
            return _db_check(server.cli_database(target), repair=args.repair)
        return _db_upgrade(server.cli_database(target))
    if args.command == "restore":
        return _restore(target, args.file)
    # A team server: its password filled in, and a clear line if it cannot be reached.
    target = server.cli_database(target)
    creating = args.command in ("demo", "import-cases")
    # A shared server's schema is upgraded only on purpose (db upgrade), never in passing.
    upgrade = not server.is_server_url(target)
    db = open_database(
        target, create=creating, upgrade=upgrade, key=cli_key(target, creating=creating)
    )
    if db.log_problem is not None and args.command != "log":
        print(f"{PROG}: warning: {db.log_problem}", file=sys.stderr)
    try:
        actor = _actor(db, args)
        handler = _COMMANDS.get(args.command)
        if handler is not None:
            return handler(db, actor, args)
    finally:
        db.close()
    raise AssertionError(f"unhandled command {args.command}")


def _export_pack(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import packs

    withheld: list[str] = []
    count = packs.write_pack(
        db,
        actor,
        args.out,
        programme_key=args.programme,
        since=args.since,
        withheld=withheld,
    )
    print(f"{count} audit(s) written to {args.out}")
    if withheld:
        print(
            f"{len(withheld)} audit(s) left out (cases {', '.join(withheld[:10])}): you "
            "are one of their auditors and not every review is in yet"
        )
    return 0


def _import_pack(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import packs

    report = packs.import_pack(db, actor, packs.read_pack(args.file))
    for line in report.lines():
        print(line)
    print(
        f"{args.file.name}: {len(report.created)} audit(s) new, {len(report.updated)} "
        f"updated, {len(report.unchanged)} unchanged, {len(report.conflicts)} "
        f"conflict(s) left untouched; {report.reference_created} reference record(s) added"
    )
    return 0


def _backup(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.store import backup as backups

    if args.out is None:
        path = backups.automatic_backup(db)
    else:
        path = backups.backup_database(db, args.out)
    print(f"Backup written to {path}" + (" (encrypted)" if db.key else ""))
    return 0


def _log_verify(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import changelog

    ok, message = changelog.verify(db)
    if not ok:
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    print(message)
    head = changelog.newest(db)
    if head is not None:
        print(f"newest entry {head[0]}, hash {head[1]}")
    return 0


def _retention(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import retention

    if args.dry_run:
        lines = retention.plan(db, actor, args.today).lines()
    else:
        lines = retention.apply(db, actor, args.today).lines()
    print("\n".join(lines))
    return 0


def _offline(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.errors import EncryptionKeyError
    from audit_tool.services import checkin, checkout
    from audit_tool.store import crypto

    if args.command == "checkout":
        checkout.candidates(db, actor)  # who may check out at all, before asking anything
        _warn_if_shared(args.out)
        passphrase = None
        if args.encrypt:
            try:
                passphrase = crypto.new_passphrase()
            except EncryptionKeyError as exc:
                raise EncryptionKeyError(
                    f"{exc} (or check out without encryption: --no-encrypt)"
                ) from exc
        result = checkout.checkout(
            db,
            actor,
            args.out,
            audit_uuids=args.audit,
            programme_key=args.programme,
            passphrase=passphrase,
        )
        print("\n".join(result.lines()))
        return 0
    _warn_if_shared(args.file)
    key = crypto.passphrase_for_file(args.file) if crypto.is_encrypted(args.file) else None
    report = checkin.checkin(
        db, actor, args.file, passphrase=key, discard_conflicts=args.discard_conflicts
    )
    print("\n".join(report.lines()))
    return 0


def _db_upgrade(target: str) -> int:
    from audit_tool.store.crypto import cli_key
    from audit_tool.store.upgrade import upgrade_database

    result = upgrade_database(target, key=cli_key(target, creating=True))
    if result.before == result.after:
        print(f"{result.database} is up to date (schema {result.after})")
    else:
        print(f"{result.database}: schema {result.before or 'none'} -> {result.after}")
    if result.backup is not None:
        print(f"Backup of the old database: {result.backup}")
    return 0


def _db_check(target: str, *, repair: bool) -> int:
    """The report's kept counts against a recount: 0 if equal (or repaired), 1 if not."""
    from audit_tool.reporting import aggregates
    from audit_tool.store import open_database, server
    from audit_tool.store.crypto import cli_key

    db = open_database(
        target,
        create=False,
        upgrade=not server.is_server_url(target),
        key=cli_key(target, creating=False),
    )
    try:
        with db.transaction() as session:
            problems = aggregates.check(session)
            if problems and repair:
                aggregates.rebuild(session)
    finally:
        db.close()
    if not problems:
        print("The report's kept counts equal a recount of the final answers")
        return 0
    for line in problems[:20]:
        print(line)
    more = f" (the first 20 of {len(problems)})" if len(problems) > 20 else ""
    if repair:
        print(f"{len(problems)} kept count(s) differed{more}: recounted")
        return 0
    print(f"{len(problems)} kept count(s) differ from a recount{more}: run db check --repair")
    return 1


def _db_encrypt(target: str, *, remember: bool) -> int:
    from audit_tool.store import backup, crypto

    path = crypto.require_plain(crypto.sqlite_path(target))
    key = crypto.new_passphrase()
    result = crypto.encrypt_file(path, key)
    print(f"{path} is now encrypted ({sum(result.tables.values())} rows checked)")
    if remember:
        kept = crypto.keyring_set(path, key)
        print("Passphrase kept in this computer's keyring" if kept else "No keyring: not kept")
    plain = backup.plain_backups(path)
    if plain:
        print(
            f"{len(plain)} older backup(s) of it are not encrypted, e.g. {plain[0]}: delete "
            "them once a new backup is taken"
        )
    return 0


def _db_decrypt(target: str) -> int:
    from audit_tool.store import crypto

    path = crypto.require_encrypted(crypto.sqlite_path(target))
    result = crypto.decrypt_file(path, crypto.passphrase_for_file(path))
    crypto.keyring_delete(path)
    print(f"{path} is now a plain file; the encrypted original is kept as {result.kept}")
    return 0


def _restore(target: str, backup_file: Path) -> int:
    from audit_tool.store import backup as backups
    from audit_tool.store import crypto

    path = crypto.sqlite_path(target)
    key = None
    if crypto.is_encrypted(backup_file):
        key = crypto.passphrase_for_file(backup_file, keyring_path=path)
    result = backups.restore_backup(path, backup_file, key)
    print(f"Restored {result.database} from {result.backup} (schema {result.revision})")
    if result.replaced is not None:
        print(f"The replaced database is kept as {result.replaced}")
    return 0


def _demo(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import demo

    summary = demo.generate(
        db, actor, audits=args.audits, seed=args.seed, cases=args.cases, today=args.today
    )
    print(
        f"Demo data: {summary.agencies} agencies, {summary.teams} teams, "
        f"{summary.people} people, {summary.cases} cases, {summary.programmes} programmes, "
        f"{summary.audits} audits in {summary.seconds:.1f} s ({db.display_name})"
    )
    return 0


def _import_cases(db: Database, actor: Any, args: argparse.Namespace) -> int:
    from audit_tool.services import case_import

    report = case_import.import_cases(db, actor, args.file, valid_only=args.valid_only)
    written = report.new + report.updated
    for line in report.lines():
        print(line)
    if report.problems and not args.valid_only:
        print(
            f"{PROG}: error: {args.file.name}: {len(report.problems)} problem(s) in "
            f"{report.rows} row(s); nothing imported (fix them, or use --valid-only)",
            file=sys.stderr,
        )
        return 1
    print(
        f"{args.file.name}: {report.rows} row(s), {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.problems)} problem(s); {written} written"
    )
    return 0


# The commands that work on an open database, each with its handler (db and restore are
# handled before the database is opened, in _dispatch).
_COMMANDS: dict[str, Callable[[Any, Any, argparse.Namespace], int]] = {
    "demo": _demo,
    "import-cases": _import_cases,
    "export-pack": _export_pack,
    "briefing": _briefing,
    "report": _report,
    "import-pack": _import_pack,
    "backup": _backup,
    "log": _log_verify,
    "retention": _retention,
    "checkout": _offline,
    "checkin": _offline,
}
