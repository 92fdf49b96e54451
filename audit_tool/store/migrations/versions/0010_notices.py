"""Notices: one row per person per event that concerns them (assigned, returned, an urgent
concern, confirmed), and each person's e-mail address for the notices sent by e-mail.

Revision ID: 0010_notices
Revises: 0009_change_log_head
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_notices"
down_revision = "0009_change_log_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_notices_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_notices_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("uuid", name=op.f("uq_notices_uuid")),
    )
    op.create_index(op.f("ix_notices_audit_id"), "notices", ["audit_id"], unique=False)
    op.create_index(
        "ix_notices_person_id_read_at", "notices", ["person_id", "read_at"], unique=False
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("email")
    op.drop_index("ix_notices_person_id_read_at", table_name="notices")
    op.drop_index(op.f("ix_notices_audit_id"), table_name="notices")
    op.drop_table("notices")
