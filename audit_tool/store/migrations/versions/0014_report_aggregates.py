"""The report's kept counts of final answers (report_answer_counts), built from the final
audits already in the database: per UTC month the audit became final, programme, template,
item and value, the answers to the template's graded, yes/no and number items.

The statement is written out here (not imported from reporting/aggregates.py, which keeps the
table afterwards) so that this revision builds the same table whatever the code becomes.

Revision ID: 0014_report_aggregates
Revises: 0013_case_fields
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_report_aggregates"
down_revision = "0013_case_fields"
branch_labels = None
depends_on = None

_MONTH = {
    "sqlite": (
        "(CAST(substr(a.finalised_at, 1, 4) AS INTEGER) * 12 "
        "+ CAST(substr(a.finalised_at, 6, 2) AS INTEGER) - 1)"
    ),
    "postgresql": (
        "(CAST(EXTRACT(YEAR FROM (a.finalised_at AT TIME ZONE 'UTC')) AS INTEGER) * 12 "
        "+ CAST(EXTRACT(MONTH FROM (a.finalised_at AT TIME ZONE 'UTC')) AS INTEGER) - 1)"
    ),
}


def _fill_sql(month: str) -> str:
    parts = [
        f"""SELECT {month} AS month, a.programme_id, a.template_id, x.item_key, x.value
        FROM audits a
        JOIN {parent} m ON m.audit_id = a.id
        JOIN {answers} x ON x.{link} = m.id
        JOIN template_items ti ON ti.template_id = a.template_id AND ti.key = x.item_key
        WHERE a.status = 'final' AND a.finalised_at IS NOT NULL AND a.kind {kind}
          AND x.value IS NOT NULL AND ti.kind IN ('grade', 'yes_no', 'number')"""
        for parent, answers, link, kind in (
            ("moderations", "moderation_answers", "moderation_id", "<> 'single'"),
            ("reviews", "review_answers", "review_id", "= 'single'"),
        )
    ]
    return (
        "INSERT INTO report_answer_counts "
        "(month, programme_id, template_id, item_key, value, n) "
        "SELECT month, programme_id, template_id, item_key, value, count(*) "
        f"FROM ({parts[0]} UNION ALL {parts[1]}) answers "
        "GROUP BY month, programme_id, template_id, item_key, value"
    )


def upgrade() -> None:
    op.create_table(
        "report_answer_counts",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_report_answer_counts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["audit_templates.id"],
            name=op.f("fk_report_answer_counts_template_id_audit_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "month",
            "programme_id",
            "template_id",
            "item_key",
            "value",
            name=op.f("pk_report_answer_counts"),
        ),
    )
    op.execute(_fill_sql(_MONTH[op.get_bind().dialect.name]))


def downgrade() -> None:
    op.drop_table("report_answer_counts")
