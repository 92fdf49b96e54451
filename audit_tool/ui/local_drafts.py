"""Review drafts kept on this computer while the database cannot be reached.

When an autosave fails because the team server (or the database file) has gone away, the
form's unsaved answers and text are kept here until they can be saved through the services.
One file per review, in the data folder's ``drafts`` subfolder (one subfolder per database),
written atomically (a temporary file, then a rename), so a crash leaves either the old copy or
the new one, never half of one.

What is written depends on how the database itself protects the text:

- an encrypted SQLite file: the draft is a small SQLCipher file encrypted with a key derived
  from the database's passphrase (PBKDF2-HMAC-SHA512, once per run, then a raw SQLCipher key,
  so a save costs milliseconds); nothing is written in clear;
- a team server: the same kind of file, with a random key kept in the operating system's
  keyring (service ``audit-tool``, user ``local-drafts``); with no keyring the draft is kept in
  memory only (it survives closing the form but not quitting the app), and the banner says so;
- a plain SQLite file: plain JSON, since the database beside it is no better protected.

The payload is plain data (answers, overall grade, summary text, the revision it was typed
against), so that saving it later goes through the services with the revision check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, QTimer

from audit_tool import crash, fileio
from audit_tool.store import Database

log = logging.getLogger(__name__)

Protection = Literal["encrypted", "plain", "memory"]
KEYRING_USER = "local-drafts"
FORMAT_VERSION = 1
_KDF_ITERATIONS = 256_000

# Drafts kept in memory (server database, no keyring): (database identity, review uuid) -> data.
_MEMORY: dict[tuple[str, str], dict[str, Any]] = {}
# When this run last kept each draft (time.monotonic()), so that the offer at start-up leaves
# alone the typing a window of this run is keeping right now.
_KEPT_THIS_RUN: dict[tuple[str, str], float] = {}
# Raw SQLCipher keys derived in this run: (database identity, passphrase digest) -> key.
_DERIVED: dict[tuple[str, str], str] = {}


@dataclass
class LocalDraft:
    """One review's typing, as it was when it could not be saved."""

    review_uuid: str
    audit_uuid: str
    revision: int | None
    answers: dict[str, dict[str, str | None]]
    overall: str
    strengths: str
    worries: str
    next_steps: str
    saved_at: datetime = field(default_factory=datetime.now)
    case_ref: str = ""
    person_key: str = ""  # whose typing it is: another user of the laptop is not offered it

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "review_uuid": self.review_uuid,
            "audit_uuid": self.audit_uuid,
            "case_ref": self.case_ref,
            "person_key": self.person_key,
            "revision": self.revision,
            "saved_at": self.saved_at.isoformat(timespec="seconds"),
            "answers": self.answers,
            "overall": self.overall,
            "strengths": self.strengths,
            "worries": self.worries,
            "next_steps": self.next_steps,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalDraft:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown draft format {data.get('version')!r}")
        answers = {
            str(key): {"value": value.get("value"), "comment": str(value.get("comment") or "")}
            for key, value in dict(data["answers"]).items()
        }
        revision = data.get("revision")
        return cls(
            review_uuid=str(data["review_uuid"]),
            audit_uuid=str(data["audit_uuid"]),
            case_ref=str(data.get("case_ref") or ""),
            person_key=str(data.get("person_key") or ""),
            revision=int(revision) if revision is not None else None,
            saved_at=datetime.fromisoformat(str(data["saved_at"])),
            answers=answers,
            overall=str(data.get("overall") or ""),
            strengths=str(data.get("strengths") or ""),
            worries=str(data.get("worries") or ""),
            next_steps=str(data.get("next_steps") or ""),
        )


def database_identity(db: Database) -> str:
    """The same database gives the same name in every run (the server URL has no password)."""
    return db.display_name


def drafts_root() -> Path:
    from audit_tool.config import data_dir

    return data_dir() / "drafts"


class LocalDrafts:
    """The drafts of one database kept on this computer."""

    def __init__(self, db: Database, root: Path | None = None) -> None:
        self.db = db
        self.identity = database_identity(db)
        digest = hashlib.sha256(self.identity.encode("utf-8")).hexdigest()[:16]
        self.folder = (root or drafts_root()) / digest
        self._key: str | None = None
        self.protection: Protection = self._choose_protection()

    # -- protection

    def _choose_protection(self) -> Protection:
        if self.db.key is not None:
            return "encrypted"
        if self.db.is_sqlite:
            return "plain"
        from audit_tool.store import crypto

        return "encrypted" if crypto.keyring_available() else "memory"

    def _keyring_key(self, *, create: bool) -> str | None:
        """The random key of server drafts, from the keyring; made on first use if asked."""
        from audit_tool.store import crypto, keychain

        if not crypto.keyring_available():
            return None
        value = keychain.get(crypto.KEYRING_SERVICE, KEYRING_USER)
        if value is not None or not create:
            return value
        value = secrets.token_hex(32)
        return value if keychain.put(crypto.KEYRING_SERVICE, KEYRING_USER, value) else None

    def _sqlcipher_key(self) -> str:
        """A raw SQLCipher key (x'...'): the slow derivation is done once per run."""
        if self._key is not None:
            return self._key
        if self.db.key is not None:
            secret = self.db.key
        else:
            found = self._keyring_key(create=True)
            if found is None:
                raise OSError("no keyring to protect the local draft")
            secret = found
        cache = (self.identity, hashlib.sha256(secret.encode("utf-8")).hexdigest())
        if cache not in _DERIVED:
            salt = hashlib.sha256(b"audit-tool local drafts\0" + self.identity.encode()).digest()
            raw = hashlib.pbkdf2_hmac("sha512", secret.encode("utf-8"), salt[:16], _KDF_ITERATIONS)
            _DERIVED[cache] = f"x'{raw[:32].hex()}'"
        self._key = _DERIVED[cache]
        return self._key

    # -- files

    def path(self, review_uuid: str) -> Path:
        suffix = ".json" if self.protection == "plain" else ".draft"
        return self.folder / f"{review_uuid}{suffix}"

    def save(self, draft: LocalDraft) -> Path | None:
        """Keep a draft (replacing any older one). Returns its file, or None if in memory."""
        data = draft.to_json()
        _KEPT_THIS_RUN[(self.identity, draft.review_uuid)] = time.monotonic()
        if self.protection == "encrypted":
            try:
                self._sqlcipher_key()
            except OSError:
                self.protection = "memory"  # the keyring went away: never write in clear
        if self.protection == "memory":
            _MEMORY[(self.identity, draft.review_uuid)] = data
            return None
        fileio.private_dir(self.folder.parent, tighten=True)
        fileio.private_dir(self.folder, tighten=True)
        target = self.path(draft.review_uuid)
        # A private (0600) temporary file, flushed (opened for writing: Windows cannot flush a
        # read-only handle), closed, then renamed over the old copy, tried again while another
        # program (a virus scanner) holds it.
        with fileio.atomic_target(target) as tmp:
            if self.protection == "plain":
                with open(tmp, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, ensure_ascii=False)
            else:
                self._write_encrypted(tmp, data)  # SQLCipher takes the empty file as new
        return target

    def _write_encrypted(self, path: Path, data: dict[str, Any]) -> None:
        from audit_tool.store import crypto

        conn = crypto.connect(path, self._sqlcipher_key())
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("CREATE TABLE draft (payload TEXT NOT NULL)")
            conn.execute("INSERT INTO draft VALUES (?)", (json.dumps(data, ensure_ascii=False),))
            conn.commit()
        finally:
            conn.close()

    def load(self, review_uuid: str) -> LocalDraft | None:
        """The draft kept for a review, or None (none, or one that cannot be read)."""
        try:
            data = self._read(review_uuid)
            return None if data is None else LocalDraft.from_json(data)
        except Exception as exc:  # noqa: BLE001 - an unreadable copy is reported, not fatal
            log.warning("Local draft of %s cannot be read: %s", review_uuid, crash.summary(exc))
            return None

    def _read(self, review_uuid: str) -> dict[str, Any] | None:
        if self.protection == "memory":
            return _MEMORY.get((self.identity, review_uuid))
        path = self.path(review_uuid)
        if not path.exists():
            return None
        if self.protection == "plain":
            result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return result
        from audit_tool.store import crypto

        conn = crypto.connect(path, self._sqlcipher_key())
        try:
            (payload,) = conn.execute("SELECT payload FROM draft").fetchone()
        finally:
            conn.close()
        result = json.loads(payload)
        return result

    def delete(self, review_uuid: str) -> None:
        _MEMORY.pop((self.identity, review_uuid), None)
        if self.protection != "memory":
            fileio.remove(self.path(review_uuid))

    def kept_since(self, review_uuid: str, moment: float) -> bool:
        """Whether this run kept the review's draft at or after `moment` (time.monotonic())."""
        kept = _KEPT_THIS_RUN.get((self.identity, review_uuid))
        return kept is not None and kept >= moment

    def pending(self) -> list[LocalDraft]:
        """Every readable draft of this database, oldest first."""
        if self.protection == "memory":
            uuids = [uuid for identity, uuid in _MEMORY if identity == self.identity]
        elif self.folder.is_dir():
            suffix = self.path("x").suffix
            uuids = [p.stem for p in self.folder.glob(f"*{suffix}") if not p.name.startswith(".")]
        else:
            uuids = []
        drafts = [d for d in (self.load(u) for u in uuids) if d is not None]
        return sorted(drafts, key=lambda d: d.saved_at)


# -- the audit form's side: keep, save when back, offer to restore


class FormDrafts(QObject):
    """Keeps an audit form's typing on this computer while the database cannot be reached,
    saves it through the form when the connection is back, and offers a copy left by an
    earlier run (the app closed or crashed while offline) when the review is opened."""

    def __init__(self, form: Any) -> None:
        super().__init__(form)
        from audit_tool.ui.connection_banner import watcher_for

        self.form = form
        self.watcher = watcher_for(form.db, form)
        self.kept = False
        self.watcher.restored.connect(self._restored)
        QTimer.singleShot(0, self, self.offer_restore)

    @property
    def store(self) -> LocalDrafts:
        return self.watcher.drafts

    def keep_if_lost(self) -> bool:
        """While the database is known to be away, keep the typing here without waiting for it."""
        if not self.watcher.is_lost:
            return False
        self._keep()
        return True

    def keep_after(self, exc: BaseException) -> bool:
        """A save failed: if the connection is lost, keep the typing here (True)."""
        if not self.watcher.report(exc):
            return False
        self._keep()
        return True

    def _keep(self) -> None:
        form = self.form
        draft = LocalDraft(
            review_uuid=form.review_uuid,
            audit_uuid=form.audit_uuid,
            case_ref=form.view.case_ref,
            person_key=form.actor.key or "",
            revision=form.revision,
            answers={
                key: {"value": answer.value, "comment": answer.comment}
                for key, answer in form.answers().items()
            },
            overall=form.overall.currentData() or "",
            strengths=form.summary["strengths"].toPlainText(),
            worries=form.summary["worries"].toPlainText(),
            next_steps=form.summary["next_steps"].toPlainText(),
        )
        self.store.save(draft)
        self.kept = True
        where = "in this window" if self.store.protection == "memory" else "on this computer"
        form.status.setText(
            f"Not saved: the database cannot be reached. Kept {where} at {draft.saved_at:%H:%M:%S}"
        )

    def saved(self) -> None:
        """The form saved through the services: the local copy has done its job."""
        if self.kept:
            self.store.delete(self.form.review_uuid)
            self.kept = False

    def _restored(self) -> None:
        if self.kept and self.form.editable:
            # A conflict (the review changed meanwhile) goes to the form's own handler; the
            # local copy stays until a save succeeds, so nothing is lost.
            self.form.save(explicit=True)

    def offer_restore(self) -> None:

        form = self.form
        if self.kept:  # kept by this form since it opened: not a copy left by an earlier run
            return
        draft = self.store.load(form.review_uuid)
        if draft is None or (draft.person_key and draft.person_key != (form.actor.key or "")):
            return
        if not form.editable:
            form.message.setText(
                f"Typing kept on this computer at {draft.saved_at:%d %b %H:%M} was not saved, "
                "and this review can no longer be edited; it stays on this computer."
            )
            form.message.show()
            return
        choice = _ask_restore(form, draft)
        if choice == "later":
            return
        if choice == "discard":
            self.store.delete(form.review_uuid)
            return
        self.kept = True
        self.apply(draft)
        form.save(explicit=True)

    def apply(self, draft: LocalDraft) -> None:
        """Put a kept draft back into the form (as unsaved typing)."""
        from audit_tool.ui.audit_form import _set_value

        form = self.form
        form._loading = True
        try:
            for key, control in form.values.items():
                answer = draft.answers.get(key)
                if answer is not None:
                    _set_value(control, answer.get("value"))
                    form.comments[key].setPlainText(answer.get("comment") or "")
            form.overall.setCurrentIndex(max(form.overall.findData(draft.overall), 0))
            for key in ("strengths", "worries", "next_steps"):
                form.summary[key].setPlainText(getattr(draft, key))
        finally:
            form._loading = False
        if draft.revision is not None:
            form.revision = draft.revision  # the revision check decides if it still applies
        form._dirty = True


def _ask_restore(parent: Any, draft: LocalDraft) -> str:
    """Restore (the default: Enter keeps the typing), discard, or decide later."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Restore typing kept on this computer?",
        f"Your typing in this review at {draft.saved_at:%d %b %Y %H:%M} could not be saved "
        "(the database could not be reached) and was kept on this computer.\n\n"
        "Restore it and save it now?",
        parent=parent,
    )
    box.setObjectName("restoreDraftDialog")
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("&Discard it", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if clicked is restore else "discard" if clicked is discard else "later"


def offer_pending(window: Any, opened_at: float) -> int:
    """At start: offer to open the reviews whose typing was kept on this computer (the app
    closed or crashed while the database could not be reached) before the window opened at
    `opened_at` (time.monotonic()); typing its own forms keep since is theirs to save. Returns
    how many opened."""
    from audit_tool.ui.connection_banner import watcher_for
    from audit_tool.ui.forms import confirm

    store = watcher_for(window.db, window).drafts
    mine = [
        d
        for d in store.pending()
        if (not d.person_key or d.person_key == window.actor.key)
        and not store.kept_since(d.review_uuid, opened_at)
    ]
    if not mine:
        return 0
    refs = ", ".join(d.case_ref or d.audit_uuid[:8] for d in mine[:10])
    if not confirm(
        window,
        "Unsaved typing on this computer",
        f"Typing in {len(mine)} review(s) could not be saved last time (the database could not "
        f"be reached) and was kept on this computer: {refs}.\n\nOpen them now to restore it?",
    ):
        return 0
    for draft in mine:
        window.open_audit(draft.audit_uuid)
    return len(mine)
