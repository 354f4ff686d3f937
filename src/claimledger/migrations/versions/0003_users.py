"""users, sessions and the review queue's indexes (the analyst workspace)

Revision ID: 0003_users
Revises: 0001
Create Date: 2026-12-01 21:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_users'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])
    op.create_index('ix_sessions_expires_at', 'sessions', ['expires_at'])
    op.create_index('ix_allegations_act', 'allegations', ['act'])
    op.create_index('ix_allegations_perpetrator', 'allegations', ['perpetrator'])
    op.create_index('ix_allegations_date', 'allegations', ['date'])
    op.create_index('ix_incident_members_allegation_id', 'incident_members', ['allegation_id'])
    op.create_index('ix_incidents_status', 'incidents', ['status'])


def downgrade() -> None:
    for name, table in [('ix_incidents_status', 'incidents'), ('ix_incident_members_allegation_id', 'incident_members'),
                        ('ix_allegations_date', 'allegations'), ('ix_allegations_perpetrator', 'allegations'),
                        ('ix_allegations_act', 'allegations'), ('ix_sessions_expires_at', 'sessions'),
                        ('ix_sessions_user_id', 'sessions')]:
        op.drop_index(name, table_name=table)
    op.drop_table('sessions')
    op.drop_table('users')
