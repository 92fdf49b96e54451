"""Case fields: what a partnership records about its cases beyond the fixed fields (pathway,
legal status, forum, referral source, levels requested and decided, school, a date of birth),
and each case's values of them.

Revision ID: 0013_case_fields
Revises: 0012_report_editions
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_case_fields"
down_revision = "0012_report_editions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_fields",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("not_future", sa.Boolean(), nullable=False),
        sa.Column("birth_date", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_fields")),
        sa.UniqueConstraint("key", name=op.f("uq_case_fields_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_fields_uuid")),
    )
    op.create_table(
        "case_field_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_field_values_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["case_fields.id"],
            name=op.f("fk_case_field_values_field_id_case_fields"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_field_values")),
        sa.UniqueConstraint("case_id", "field_id", name=op.f("uq_case_field_values_case_id")),
    )
    op.create_index(
        op.f("ix_case_field_values_case_id"), "case_field_values", ["case_id"], unique=False
    )
    op.create_index(
        "ix_case_field_values_field_id_value",
        "case_field_values",
        ["field_id", "value"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_case_field_values_field_id_value", table_name="case_field_values")
    op.drop_index(op.f("ix_case_field_values_case_id"), table_name="case_field_values")
    op.drop_table("case_field_values")
    op.drop_table("case_fields")
