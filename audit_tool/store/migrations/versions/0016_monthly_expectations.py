"""Standing monthly audits: the audits and moderations expected of each person each month (by
role or by person), and each month's automatic draw with what was expected then.

Revision ID: 0016_monthly_expectations
Revises: 0015_complaints
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_monthly_expectations"
down_revision = "0015_complaints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monthly_expectations",
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("audits", sa.Integer(), nullable=False),
        sa.Column("moderations", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_monthly_expectations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_expectations")),
        sa.UniqueConstraint("person_id", name=op.f("uq_monthly_expectations_person_id")),
        sa.UniqueConstraint("role", name=op.f("uq_monthly_expectations_role")),
        sa.UniqueConstraint("uuid", name=op.f("uq_monthly_expectations_uuid")),
    )
    op.create_table(
        "monthly_runs",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=False),
        sa.Column("shortfall", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_monthly_runs_programme_id_programmes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_runs")),
        sa.UniqueConstraint("month", name=op.f("uq_monthly_runs_month")),
        sa.UniqueConstraint("uuid", name=op.f("uq_monthly_runs_uuid")),
    )
    op.create_index(
        op.f("ix_monthly_runs_programme_id"), "monthly_runs", ["programme_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_monthly_runs_programme_id"), table_name="monthly_runs")
    op.drop_table("monthly_runs")
    op.drop_table("monthly_expectations")
