"""The change log's head record (change_log_head): the triggers that keep it and its first row.

Each entry is sealed when its hash is written (the UPDATE just after its INSERT, or an INSERT
that carries the hash); a trigger then counts it and records it as the newest. Nothing lowers
the count: a deleted entry leaves the head ahead of the chain, which `log verify` reports. On
PostgreSQL the trigger function is SECURITY DEFINER, so it writes the head with its owner's
rights while the app's users are granted only SELECT on it (docs/deployment.md, 2.3).

Migration 0009 holds its own copy of this DDL, so that it never changes with this module.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

SQLITE_DDL = (
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

POSTGRESQL_DDL = (
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

FIRST_ROW = """INSERT INTO change_log_head (id, entries, newest_id, newest_hash)
SELECT 1,
  (SELECT count(*) FROM change_log WHERE hash IS NOT NULL),
  (SELECT max(id) FROM change_log WHERE hash IS NOT NULL),
  (SELECT hash FROM change_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1)"""


def install(conn: Connection) -> None:
    """Fill the head from the chain as it is and create the triggers (a new database, or the
    upgrade that adds the head)."""
    conn.execute(text(FIRST_ROW))
    ddl = POSTGRESQL_DDL if conn.dialect.name == "postgresql" else SQLITE_DDL
    for statement in ddl:
        conn.execute(text(statement))
