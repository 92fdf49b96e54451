"""Change log hash chain: each entry carries the hash of itself and the entry before it.

Revision ID: 0002_change_log_chain
Revises: 0001_initial
"""

import json

import sqlalchemy as sa
from alembic import op

from audit_tool.models.changelog import chain_hash

revision = "0002_change_log_chain"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _json(value):
    if value is None or isinstance(value, dict | list):
        return value
    return json.loads(value)


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    # Chain the entries written before this revision, oldest first.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, at, actor_name, action, entity, entity_uuid, summary, before, after, "
            "reason FROM change_log ORDER BY id"
        )
    ).mappings()
    prev = None
    updates = []
    for row in rows:
        fields = dict(row)
        at = fields["at"]
        if isinstance(at, str):
            from datetime import datetime

            fields["at"] = datetime.fromisoformat(at)
        fields["before"] = _json(fields["before"])
        fields["after"] = _json(fields["after"])
        digest = chain_hash(prev, fields)
        updates.append({"id": fields["id"], "prev": prev, "hash": digest})
        prev = digest
    if updates:
        conn.execute(
            sa.text("UPDATE change_log SET prev_hash = :prev, hash = :hash WHERE id = :id"),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
