"""Complaints and compliments: complaints with their agencies answering jointly, points and
their themes, learning points and their themes, the actions raised from them (a link to
actions), and compliments with their themes.

Revision ID: 0015_complaints
Revises: 0014_report_aggregates
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_complaints"
down_revision = "0014_report_aggregates"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.Constraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=unique)


def _themes(table: str, owner: str, owner_table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=100), nullable=False),
        _fk(table, owner, owner_table, "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(owner, "theme", name=op.f(f"uq_{table}_{owner}")),
    )
    _index(table, owner, "theme")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        *_stamps(),
        _fk("complaints", "agency_id", "agencies"),
        _fk("complaints", "team_id", "teams"),
        _fk("complaints", "case_id", "cases", "SET NULL"),
        _fk("complaints", "author_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("reference", name=op.f("uq_complaints_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_complaints_uuid")),
    )
    _index("complaints", "received_on", "agency_id", "team_id", "case_id", "due_on")
    op.create_table(
        "complaint_agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        _fk("complaint_agencies", "complaint_id", "complaints", "CASCADE"),
        _fk("complaint_agencies", "agency_id", "agencies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_agencies")),
        sa.UniqueConstraint(
            "complaint_id", "agency_id", name=op.f("uq_complaint_agencies_complaint_id")
        ),
    )
    _index("complaint_agencies", "complaint_id", "agency_id")
    op.create_table(
        "complaint_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("complaint_points", "complaint_id", "complaints", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_points")),
    )
    _index("complaint_points", "complaint_id")
    _themes("complaint_point_themes", "point_id", "complaint_points")
    op.create_table(
        "complaint_learning",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("in_briefing", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        *_stamps(),
        _fk("complaint_learning", "complaint_id", "complaints", "CASCADE"),
        _fk("complaint_learning", "author_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_learning")),
        sa.UniqueConstraint("uuid", name=op.f("uq_complaint_learning_uuid")),
    )
    _index("complaint_learning", "complaint_id")
    _themes("complaint_learning_themes", "learning_id", "complaint_learning")
    op.create_table(
        "complaint_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        _fk("complaint_actions", "complaint_id", "complaints", "CASCADE"),
        _fk("complaint_actions", "action_id", "actions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_actions")),
        sa.UniqueConstraint("action_id", name=op.f("uq_complaint_actions_action_id")),
    )
    _index("complaint_actions", "complaint_id")
    op.create_table(
        "compliments",
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("from_role", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("shareable", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        *_stamps(),
        _fk("compliments", "agency_id", "agencies"),
        _fk("compliments", "team_id", "teams"),
        _fk("compliments", "author_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliments")),
        sa.UniqueConstraint("uuid", name=op.f("uq_compliments_uuid")),
    )
    _index("compliments", "received_on", "agency_id", "team_id")
    _themes("compliment_themes", "compliment_id", "compliments")


def downgrade() -> None:
    for table in (
        "compliment_themes",
        "compliments",
        "complaint_actions",
        "complaint_learning_themes",
        "complaint_learning",
        "complaint_point_themes",
        "complaint_points",
        "complaint_agencies",
        "complaints",
    ):
        op.drop_table(table)
