"""Who recorded each learning point, action and feedback conversation (for blind reviews).

Revision ID: 0003_authors
Revises: 0002_change_log_chain
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_authors"
down_revision = "0002_change_log_chain"
branch_labels = None
depends_on = None

TABLES = ("learning_points", "actions", "feedback")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_author_id"), ["author_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_author_id_people"), "people", ["author_id"], ["id"]
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_author_id_people"), type_="foreignkey")
            batch_op.drop_index(batch_op.f(f"ix_{table}_author_id"))
            batch_op.drop_column("author_id")
