"""full-text search over documents: an FTS5 index kept by triggers on SQLite, a tsvector GIN index on
PostgreSQL (the workspace's queue search)

Revision ID: 0004_search
Revises: 0003_users
Create Date: 2026-12-01 21:30:00
"""
from alembic import op


revision = '0004_search'
down_revision = '0003_users'
branch_labels = None
depends_on = None

# The same expression in the index and in claimledger.web.queries, or PostgreSQL will not use the index.
PG_VECTOR = "to_tsvector('english', coalesce(title, '') || ' ' || text)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_documents_fts ON documents USING gin ({PG_VECTOR})")
        return
    # an external-content index: the text stays in documents, the index holds only the terms
    op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', "
               "content_rowid='id', tokenize='porter unicode61')")
    op.execute("CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
               "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
               "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
               "old.text); END")
    op.execute("CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
               "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
               "old.text); INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
        return
    for t in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS documents_fts_{t}")
    op.execute("DROP TABLE IF EXISTS documents_fts")
