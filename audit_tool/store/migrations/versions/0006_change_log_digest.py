"""Change log chain format 2: each entry's hash covers a digest of its content, so retention can
remove an expired audit's text from the log without breaking the chain.

Before anything changes, the existing chain is checked in format 1; a broken chain refuses the
upgrade (the database is left as it was) rather than re-chaining, and so hiding, an edit. The
format 1 hash is copied here so that this migration never changes with the application code.

Revision ID: 0006_change_log_digest
Revises: 0005_accounts
"""

import hashlib
import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from audit_tool.errors import DatabaseError

revision = "0006_change_log_digest"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None

_COLUMNS = (
    "id, at, actor_id, actor_name, action, entity, entity_uuid, summary, before, after, reason, "
    "prev_hash, hash"
)


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _at_text(at):
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def _json(value):
    if value is None or isinstance(value, dict | list):
        return value
    return json.loads(value)


def _v1_hash(prev, row):
    content = {
        "id": row["id"],
        "at": _at_text(row["at"]),
        "actor": row["actor_name"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_uuid": row["entity_uuid"],
        "summary": row["summary"],
        "before": row["before"],
        "after": row["after"],
        "reason": row["reason"],
        "prev": prev or "",
    }
    return hashlib.sha256(_canonical(content)).hexdigest()


def _v2_digest(nonce, row):
    content = {
        "nonce": nonce,
        "summary": row["summary"],
        "before": row["before"],
        "after": row["after"],
        "reason": row["reason"],
    }
    return hashlib.sha256(_canonical(content)).hexdigest()


def _v2_hash(prev, row, digest):
    header = {
        "v": 2,
        "id": row["id"],
        "at": _at_text(row["at"]),
        "actor_id": row["actor_id"],
        "actor": row["actor_name"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_uuid": row["entity_uuid"],
        "digest": digest,
        "prev": prev or "",
    }
    return hashlib.sha256(_canonical(header)).hexdigest()


def _rows(conn):
    for row in conn.execute(sa.text(f"SELECT {_COLUMNS} FROM change_log ORDER BY id")).mappings():
        fields = dict(row)
        fields["before"] = _json(fields["before"])
        fields["after"] = _json(fields["after"])
        yield fields


def _updates_in(batches, conn, sql):
    for start in range(0, len(batches), 1000):
        conn.execute(sa.text(sql), batches[start : start + 1000])


def upgrade() -> None:
    conn = op.get_bind()
    rows = list(_rows(conn))
    # Checked before any column is added: SQLite runs ALTER TABLE outside the transaction.
    prev = None
    for row in rows:
        if row["prev_hash"] != prev or row["hash"] != _v1_hash(prev, row):
            raise DatabaseError(
                f"The upgrade was refused: change log entry {row['id']} ({row['action']} "
                f"{row['entity']} by {row['actor_name']}) does not match the chain, so it was "
                "altered or an entry before it was removed. The database was left unchanged; "
                "restore a backup taken before the change, or keep this version to investigate"
            )
        prev = row["hash"]

    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nonce", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))

    prev = None
    updates = []
    for row in rows:
        nonce = secrets.token_hex(16)
        digest = _v2_digest(nonce, row)
        new_hash = _v2_hash(prev, row, digest)
        updates.append(
            {"id": row["id"], "nonce": nonce, "digest": digest, "prev": prev, "hash": new_hash}
        )
        prev = new_hash
    _updates_in(
        updates,
        conn,
        "UPDATE change_log SET nonce = :nonce, digest = :digest, prev_hash = :prev, "
        "hash = :hash WHERE id = :id",
    )


def downgrade() -> None:
    conn = op.get_bind()
    redacted = conn.execute(
        sa.text("SELECT count(*) FROM change_log WHERE redacted_at IS NOT NULL")
    ).scalar()
    if redacted:
        raise DatabaseError(
            f"Cannot downgrade: retention removed the content of {redacted} change log "
            "entries, which chain format 1 cannot hold"
        )
    prev = None
    updates = []
    for row in _rows(conn):
        old_hash = _v1_hash(prev, row)
        updates.append({"id": row["id"], "prev": prev, "hash": old_hash})
        prev = old_hash
    _updates_in(
        updates, conn, "UPDATE change_log SET prev_hash = :prev, hash = :hash WHERE id = :id"
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("redacted_at")
        batch_op.drop_column("digest")
        batch_op.drop_column("nonce")
