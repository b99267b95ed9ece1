"""registration requests, invitations, rate limits

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:17:05.435484
"""

import sqlalchemy as sa
from alembic import op

import goblin.db.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core__rate_limits',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('window_end', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_core__rate_limits'))
    )
    with op.batch_alter_table('core__rate_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core__rate_limits_window_end'), ['window_end'], unique=False)

    op.create_table('core__invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.Column('used_at', goblin.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['core__users.id'], name=op.f('fk_core__invitations_created_by_core__users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['used_by'], ['core__users.id'], name=op.f('fk_core__invitations_used_by_core__users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core__invitations_token_hash'))
    )
    op.create_table('core__registration_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('pw_hash', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', goblin.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['core__users.id'], name=op.f('fk_core__registration_requests_decided_by_core__users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__registration_requests'))
    )
    with op.batch_alter_table('core__registration_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core__registration_requests_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_core__registration_requests_username'), ['username'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('core__registration_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core__registration_requests_username'))
        batch_op.drop_index(batch_op.f('ix_core__registration_requests_state'))

    op.drop_table('core__registration_requests')
    op.drop_table('core__invitations')
    with op.batch_alter_table('core__rate_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core__rate_limits_window_end'))

    op.drop_table('core__rate_limits')
