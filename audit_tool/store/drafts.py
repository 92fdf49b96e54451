"""Review drafts kept on this computer while the database cannot be reached: their files.

When an autosave fails because the team server (or the database file) has gone away, the
form's unsaved answers and text are kept here until they can be saved through the services.
One file per review, in the data folder's ``drafts`` subfolder (one subfolder per database),
written atomically (a temporary file, then a rename), so a crash leaves either the old copy or
the new one, never half of one. The audit form's side (keeping, saving when the database is
back, offering to restore) is ui/local_drafts.py.

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

from audit_tool import crash, fileio
from audit_tool.store.database import Database

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
