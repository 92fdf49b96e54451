"""Alembic environment: the engine comes from store.migrate, never from an ini file."""

from alembic import context

from audit_tool.models import load_all

Base = load_all()

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
