"""analyst decisions, replayed onto every re-clustering

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:50:00

Incidents an analyst edited before decisions were recorded become decisions: each keeps its members
("keep"), its analyst status and rationale ("status"), and each file linked to an incident ("evidence").
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    decisions = op.create_table(
        'decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('incident_id', sa.String(length=128), nullable=True),
        sa.Column('actor', sa.String(length=256), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_incident_id'), ['incident_id'], unique=False)
    _decisions_from_edited_incidents(op.get_bind(), decisions)


def _decisions_from_edited_incidents(conn, decisions) -> None:
    incidents = sa.table('incidents', sa.column('id'), sa.column('status'), sa.column('status_source'),
                         sa.column('rationale'), sa.column('edited'))
    members = sa.table('incident_members', sa.column('incident_id'), sa.column('allegation_id'))
    links = sa.table('evidence_links', sa.column('sha256'), sa.column('record_type'), sa.column('record_id'),
                     sa.column('attached_by'))
    held: dict[str, list[str]] = {}
    for iid, aid in conn.execute(sa.select(members.c.incident_id, members.c.allegation_id)):
        held.setdefault(iid, []).append(aid)
    at = datetime.now(timezone.utc).isoformat()
    rows = []

    def add(kind, iid, actor, **data):
        data = {"kind": kind, "seen": [sorted(held.get(iid, []))], "actor": actor, "incident_id": iid, "at": at,
                **data}
        rows.append(dict(kind=kind, incident_id=iid, actor=actor, at=at, data=data, state={}))

    for r in conn.execute(sa.select(incidents).where(incidents.c.edited.is_(True)).order_by(incidents.c.id)):
        why = r.rationale or "edited before decisions were recorded"
        add("keep", r.id, "migration", rationale=why)
        if r.status_source == "analyst":
            add("status", r.id, "migration", rationale=why, status=r.status)
    for r in conn.execute(sa.select(links).where(links.c.record_type == 'incident')):
        add("evidence", r.record_id, r.attached_by or "migration", rationale="", sha256=r.sha256,
            record_type="incident", record_id=r.record_id)
    if rows:
        conn.execute(decisions.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_incident_id'))
    op.drop_table('decisions')
