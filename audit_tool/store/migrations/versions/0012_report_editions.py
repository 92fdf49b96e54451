"""Report editions: the QA lead's commentary on each section of a period's report, kept as
draft and published versions.

Revision ID: 0012_report_editions
Revises: 0011_review_at_return
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_report_editions"
down_revision = "0011_review_at_return"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_editions",
        sa.Column("period_by", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_label", sa.String(length=40), nullable=False),
        sa.Column("filters_key", sa.String(length=600), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("commentary", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_report_editions_author_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["report_editions.id"],
            name=op.f("fk_report_editions_previous_id_report_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_editions")),
        sa.UniqueConstraint(
            "period_by",
            "period_start",
            "filters_key",
            "version",
            name="uq_report_editions_version",
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_report_editions_uuid")),
    )
    op.create_index(
        "ix_report_editions_report",
        "report_editions",
        ["period_by", "period_start", "filters_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_report_editions_report", table_name="report_editions")
    op.drop_table("report_editions")
