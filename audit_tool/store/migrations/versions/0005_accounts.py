"""Accounts and retention: login columns on people, retention marks on cases and audits, and
an index on the audits' due date (planned audits and compliance in reports).

Revision ID: 0005_accounts
Revises: 0004_briefings
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0004_briefings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default="0"
            )
        )
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_username"), ["username"], unique=True)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_audits_due_on"), ["due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_due_on"))
        batch_op.drop_column("redacted_at")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("redacted_at")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_username"))
        for column in (
            "last_login_at",
            "locked_until",
            "failed_logins",
            "must_change_password",
            "password_hash",
            "username",
        ):
            batch_op.drop_column(column)
