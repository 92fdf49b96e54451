"""Revisions on the rest of the editable records: moderations, learning points, actions and
family feedback (optimistic concurrency, as audits, reviews, cases and briefings have).

Plain column additions with a server default, so SQLite adds them in place (no table is
recreated, and no foreign key pointing at these tables is disturbed).

Revision ID: 0008_revisions
Revises: 0007_team_server
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_revisions"
down_revision = "0007_team_server"
branch_labels = None
depends_on = None

TABLES = ("moderations", "learning_points", "actions", "feedback")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("1")),
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("revision")
