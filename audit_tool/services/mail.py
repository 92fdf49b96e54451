"""Notice e-mails through the partnership's SMTP relay: its settings (kept as settings rows;
the relay's password in the operating system's keyring, never in the database), the check of
an e-mail address, and the sending.

Sending happens after the transaction that made the event commits, on a worker thread, so it
never holds up or fails the user's action: a failure is logged by its type only (never an
address or a case reference) and counted in `failures()`. An e-mail says what happened and to
which case reference, and "Open Audit Tool to see it."; nothing else of the case."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from audit_tool.access.actors import Actor, require
from audit_tool.errors import NotFound, ValidationError
from audit_tool.models import Person, Setting
from audit_tool.services import changelog, settings
from audit_tool.store import keychain

if TYPE_CHECKING:
    from audit_tool.store import Database

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Audit Tool mail relay"
SUBJECT = "Audit Tool: a notice for you"
TIMEOUT = 20.0  # seconds for the relay to answer
_KEYS = ("smtp.host", "smtp.port", "smtp.tls", "smtp.from", "smtp.user")
# One address: a local part and a domain with a dot, no spaces, commas or angle brackets.
_ADDRESS = re.compile(r"^[^@\s,;<>\"()]+@[^@\s,;<>\"()]+\.[^@\s,;<>\"().]+$")


@dataclass(frozen=True)
class MailSettings:
    host: str = ""  # empty: no e-mail is sent
    port: int = 587
    tls: bool = True  # STARTTLS (implicit TLS on port 465); off only for a relay on the LAN
    sender: str = ""
    user: str = ""  # empty: the relay takes mail without a login

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


def address_problem(address: str) -> str | None:
    """Why this is not one e-mail address, if so."""
    if len(address) > 254 or not _ADDRESS.match(address):
        return "Give one e-mail address, such as name@example.org"
    return None


def read(session: Session) -> MailSettings:
    """The relay's settings, inside a caller's session."""
    values = {k: (row.value if (row := session.get(Setting, k)) else "") for k in _KEYS}
    port = values["smtp.port"]
    return MailSettings(
        host=values["smtp.host"],
        port=int(port) if port.isdigit() else 587,
        tls=values["smtp.tls"] != "off",
        sender=values["smtp.from"],
        user=values["smtp.user"],
    )


def mail_settings(db: Database, actor: Actor) -> MailSettings:
    """The relay's settings, for Admin."""
    require(actor, "reference.edit")
    with db.session() as session:
        return read(session)


def _check(host: str, port: int, sender: str, user: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if host and not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]{1,253}", host):
        errors["host"] = "Give the relay's host name or IP address"
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        errors["port"] = "Give a port from 1 to 65535 (usually 587, or 465, or 25)"
    if host and not sender:
        errors["sender"] = "Give the address the e-mails come from"
    elif sender and (problem := address_problem(sender)):
        errors["sender"] = problem
    if len(user) > 200 or any(c.isspace() for c in user):
        errors["user"] = "Give the relay's user name without spaces, or leave it empty"
    return errors


def save_mail_settings(
    db: Database,
    actor: Actor,
    *,
    host: str,
    port: int,
    tls: bool,
    sender: str,
    user: str = "",
    password: str | None = None,
) -> MailSettings:
    """Save the relay's settings (an empty host turns e-mail off). `password`: kept in this
    computer's keyring for the relay's user (None leaves it as it is; it is never stored in
    the database, so each computer that sends needs it once)."""
    require(actor, "reference.edit")
    host, sender, user = host.strip(), sender.strip(), user.strip()
    errors = _check(host, port, sender, user)
    if errors:
        message = "The mail settings were not saved: " + "; ".join(errors.values())
        raise ValidationError(message, errors)
    with db.transaction() as session:
        before = read(session)
        values = {
            "smtp.host": host,
            "smtp.port": str(port),
            "smtp.tls": "on" if tls else "off",
            "smtp.from": sender,
            "smtp.user": user,
        }
        settings.store(session, values)
        after = read(session)
        changelog.record_changes(
            session,
            actor,
            "settings",
            None,
            _summary(before),
            _summary(after),
            summary="Mail relay settings changed",
        )
    kept = password is None or not (user and host)
    if not kept and not keychain.put(KEYRING_SERVICE, after.keyring_user, password or ""):
        raise ValidationError(
            "The mail settings were saved, but this computer has no keyring to keep the "
            "relay's password in: e-mails will be sent without logging in",
            {"password": "No keyring on this computer"},
        )
    return after


def _summary(s: MailSettings) -> dict[str, Any]:
    return {"host": s.host, "port": s.port, "tls": s.tls, "from": s.sender, "user": s.user}


# ---------------------------------------------------------------- sending

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notice-mail")
_lock = threading.Lock()
_failures = 0
_sent = 0


def failures() -> int:
    """How many notice e-mails could not be sent since the app started."""
    return _failures


def sent() -> int:
    """How many notice e-mails the relay accepted since the app started."""
    return _sent


def send_after_commit(session: Session, addresses: list[str], line: str) -> None:
    """Once `session`'s transaction commits, send `line` to each address (in the background);
    nothing is sent if it rolls back or the relay is not set up."""
    if not addresses:
        return
    settings = read(session)
    if not settings.configured:
        return
    body = f"Audit Tool: {line}.\n\nOpen Audit Tool to see it.\n"

    def committed(_session: Session) -> None:
        _pool.submit(_send, settings, list(addresses), body)

    event.listen(session, "after_commit", committed, once=True)


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until every e-mail queued so far has been tried (tests; closing the app)."""
    marker: Future[None] = _pool.submit(lambda: None)
    try:
        marker.result(timeout)
    except TimeoutError:
        return False
    return True


def _count(sent_now: int, failed: int) -> None:
    global _failures, _sent
    with _lock:
        _sent += sent_now
        _failures += failed


def _send(settings: MailSettings, addresses: list[str], body: str) -> None:
    tried = 0
    try:
        password = keychain.get(KEYRING_SERVICE, settings.keyring_user) if settings.user else None
        with _connect(settings) as smtp:
            if settings.user and password:
                smtp.login(settings.user, password)
            for address in addresses:
                message = EmailMessage()
                message["From"] = settings.sender
                message["To"] = address
                message["Subject"] = SUBJECT
                message.set_content(body)
                try:
                    smtp.send_message(message)
                except smtplib.SMTPException as exc:  # this address refused: try the next
                    log.warning("A notice e-mail was not sent: %s", type(exc).__name__)
                    _count(0, 1)
                else:
                    _count(1, 0)
                tried += 1
    except Exception as exc:  # noqa: BLE001 - a mail failure must never reach the user's action
        log.warning("Notice e-mails were not sent: %s", type(exc).__name__)
        _count(0, len(addresses) - tried)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.tls and settings.port == 465:
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=context)
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
    try:
        if settings.tls:
            smtp.starttls(context=context)  # refused by a relay without TLS: nothing sent
    except Exception:
        smtp.close()
        raise
    return smtp


def set_email(db: Database, actor: Actor, person_key: str, email: str) -> str | None:
    """Set (or, empty, remove) the e-mail address a person's notices go to; Admin > People."""
    require(actor, "reference.edit")
    email = email.strip()
    if email and (problem := address_problem(email)):
        raise ValidationError(f"The e-mail address was not saved: {problem}", {"email": problem})
    with db.transaction() as session:
        person = session.scalar(select(Person).where(Person.key == person_key))
        if person is None:
            raise NotFound(f"No person with key '{person_key}'")
        before = person.email
        person.email = email or None
        if before != person.email:
            session.flush()
            changelog.record(
                session,
                actor,
                "update",
                "person",
                person.uuid,
                before={"email": before},
                after={"email": person.email},
                summary=f"E-mail address of {person.name} changed",
            )
        return person.email
