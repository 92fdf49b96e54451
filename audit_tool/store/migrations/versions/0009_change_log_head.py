"""The change log's head record: how many entries the chain holds and its newest entry, kept by
triggers on change_log as each entry is sealed, so a chain shortened afterwards (its newest
entries deleted, or all of them) no longer matches its head and `log verify` says so. Also an
index on change_log.redacted_at, for the checkpoint the app keeps outside the database.

The head starts from the chain as it is at the upgrade. The DDL is copied here (the app's copy
is store/loghead.py) so that this migration never changes with the application code.

Revision ID: 0009_change_log_head
Revises: 0008_revisions
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_change_log_head"
down_revision = "0008_revisions"
branch_labels = None
depends_on = None

_SQLITE = (
    """CREATE TRIGGER change_log_head_insert AFTER INSERT ON change_log
    WHEN NEW.hash IS NOT NULL
    BEGIN
      UPDATE change_log_head SET entries = entries + 1, newest_id = NEW.id,
        newest_hash = NEW.hash WHERE id = 1;
    END""",
    """CREATE TRIGGER change_log_head_seal AFTER UPDATE OF hash ON change_log
    WHEN OLD.hash IS NULL AND NEW.hash IS NOT NULL
    BEGIN
      UPDATE change_log_head SET entries = entries + 1, newest_id = NEW.id,
        newest_hash = NEW.hash WHERE id = 1;
    END""",
)

_POSTGRESQL = (
    """CREATE OR REPLACE FUNCTION change_log_head_advance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
      IF NEW.hash IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.hash IS NULL) THEN
        UPDATE change_log_head SET entries = entries + 1, newest_id = NEW.id,
          newest_hash = NEW.hash WHERE id = 1;
      END IF;
      RETURN NULL;
    END
    $$""",
    "REVOKE ALL ON FUNCTION change_log_head_advance() FROM PUBLIC",
    """CREATE TRIGGER change_log_head_advance AFTER INSERT OR UPDATE OF hash ON change_log
    FOR EACH ROW EXECUTE FUNCTION change_log_head_advance()""",
)

_FIRST_ROW = """INSERT INTO change_log_head (id, entries, newest_id, newest_hash)
SELECT 1,
  (SELECT count(*) FROM change_log WHERE hash IS NOT NULL),
  (SELECT max(id) FROM change_log WHERE hash IS NOT NULL),
  (SELECT hash FROM change_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1)"""


def upgrade() -> None:
    op.create_table(
        "change_log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("newest_id", sa.Integer(), nullable=True),
        sa.Column("newest_hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log_head")),
    )
    op.execute(_FIRST_ROW)
    # The checkpoint kept outside the database counts the entries retention emptied.
    op.create_index(
        op.f("ix_change_log_redacted_at"), "change_log", ["redacted_at"], unique=False
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL if postgresql else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_log_head_advance ON change_log")
        op.execute("DROP FUNCTION IF EXISTS change_log_head_advance()")
    else:
        op.execute("DROP TRIGGER IF EXISTS change_log_head_insert")
        op.execute("DROP TRIGGER IF EXISTS change_log_head_seal")
    op.drop_index(op.f("ix_change_log_redacted_at"), table_name="change_log")
    op.drop_table("change_log_head")
