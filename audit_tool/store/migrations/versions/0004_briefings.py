"""Briefings: the audits each was drafted from, allowed identifiers, a revision counter, and
the register of where a briefing was used.

Revision ID: 0004_briefings
Revises: 0003_authors
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_briefings"
down_revision = "0003_authors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("briefings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("overrides", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "briefing_audits",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_briefing_audits_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name=op.f("fk_briefing_audits_briefing_id_briefings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("briefing_id", "audit_id", name=op.f("pk_briefing_audits")),
    )
    with op.batch_alter_table("briefing_audits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_briefing_audits_audit_id"), ["audit_id"], unique=False
        )
    op.create_table(
        "briefing_deliveries",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name=op.f("fk_briefing_deliveries_briefing_id_briefings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_briefing_deliveries_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_deliveries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_briefing_deliveries_uuid")),
    )
    with op.batch_alter_table("briefing_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_briefing_deliveries_briefing_id"), ["briefing_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("briefing_deliveries")
    op.drop_table("briefing_audits")
    with op.batch_alter_table("briefings", schema=None) as batch_op:
        batch_op.drop_column("revision")
        batch_op.drop_column("overrides")
