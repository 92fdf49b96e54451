"""Team server: claims (one person at a time on a piece of work) and audit check-outs.

Revision ID: 0007_team_server
Revises: 0006_change_log_digest
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_team_server"
down_revision = "0006_change_log_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_claims_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("entity", "entity_uuid", name=op.f("uq_claims_entity")),
    )
    op.create_index(op.f("ix_claims_person_id"), "claims", ["person_id"], unique=False)
    op.create_index(op.f("ix_claims_expires_at"), "claims", ["expires_at"], unique=False)
    op.create_table(
        "checkouts",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_checkouts_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_checkouts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkouts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_checkouts_uuid")),
    )
    op.create_index(op.f("ix_checkouts_audit_id"), "checkouts", ["audit_id"], unique=False)
    op.create_index(op.f("ix_checkouts_person_id"), "checkouts", ["person_id"], unique=False)
    op.create_index(
        op.f("ix_checkouts_checked_in_at"), "checkouts", ["checked_in_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("checkouts")
    op.drop_table("claims")
