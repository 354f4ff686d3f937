"""scale: indexes for what the report, the review and the exports read

Revision ID: 0005_scale_indexes
Revises: 0004_search
Create Date: 2026-12-01 21:50:00

Status, actor, act, date, place (latitude, longitude) and document: the columns a ledger of a million
allegations is filtered and joined on. Indexes only; no data changes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_scale_indexes'
down_revision = '0004_search'
branch_labels = None
depends_on = None

INDEXES = [  # (name, table, columns)
    ('ix_documents_analysis_status', 'documents', ['analysis_status']),
    ('ix_statements_speaker', 'statements', ['speaker']),
    ('ix_allegations_lat_lon', 'allegations', ['lat', 'lon']),
    ('ix_assessments_status', 'assessments', ['status']),
    ('ix_assessments_verifier', 'assessments', ['verifier']),
    ('ix_places_lat_lon', 'places', ['lat', 'lon']),
]
# 0003_users makes these too (same names): made here only where missing, and left to it on downgrade
SHARED = [
    ('ix_allegations_act', 'allegations', ['act']),
    ('ix_allegations_perpetrator', 'allegations', ['perpetrator']),
    ('ix_allegations_date', 'allegations', ['date']),
    ('ix_incidents_status', 'incidents', ['status']),
    ('ix_incident_members_allegation_id', 'incident_members', ['allegation_id']),
]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for name, table, columns in INDEXES + SHARED:
        if name not in {ix['name'] for ix in inspector.get_indexes(table)}:
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
