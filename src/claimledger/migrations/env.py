"""Alembic environment: runs on the connection claimledger.db.upgrade() hands over, or on a URL."""
from alembic import context
from sqlalchemy import create_engine

from claimledger.db import database_url, metadata

config = context.config


def include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate leaves the full-text search index alone (0004_search: FTS5 tables and triggers on SQLite,
    a GIN expression index on PostgreSQL), which no Table in db.py describes."""
    return not (name or "").startswith(("documents_fts", "ix_documents_fts"))


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(database_url(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()


run()
