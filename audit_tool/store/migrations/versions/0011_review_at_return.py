"""What a review held when its moderator returned it (its answers, overall grade and summary,
as JSON), so the moderation screen can mark what the auditor changed since the return.

Revision ID: 0011_review_at_return
Revises: 0010_notices
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_review_at_return"
down_revision = "0010_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("at_return", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("at_return")
