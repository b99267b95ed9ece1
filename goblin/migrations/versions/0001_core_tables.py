"""core tables: users, privileges, login sessions, media

Revision ID: 0001
Revises: 
Create Date: 2026-12-04 17:03:14.582462
"""

import sqlalchemy as sa
from alembic import op

import goblin.db.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core__privileges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('privilege_name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__privileges')),
    sa.UniqueConstraint('privilege_name', name=op.f('uq_core__privileges_privilege_name'))
    )
    op.create_table('core__users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('pw_hash', sa.String(length=255), nullable=True),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('url', sa.String(length=255), nullable=True),
    sa.Column('bio', sa.Text(), nullable=True),
    sa.Column('location', sa.String(length=255), nullable=True),
    sa.Column('wants_comment_notification', sa.Boolean(), nullable=False),
    sa.Column('wants_notifications', sa.Boolean(), nullable=False),
    sa.Column('license_preference', sa.String(length=255), nullable=True),
    sa.Column('uploaded', sa.BigInteger(), nullable=False),
    sa.Column('upload_limit', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__users')),
    sa.UniqueConstraint('username', name=op.f('uq_core__users_username'))
    )
    with op.batch_alter_table('core__users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core__users_email'), ['email'], unique=False)

    op.create_table('core__login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires', goblin.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core__users.id'], name=op.f('fk_core__login_sessions_user_id_core__users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core__login_sessions_token_hash'))
    )
    with op.batch_alter_table('core__login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core__login_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('core__media_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=255), nullable=True),
    sa.Column('actor', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('slug', sa.String(length=255), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('license', sa.String(length=255), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=False),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('updated', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('fail_error', sa.String(length=255), nullable=True),
    sa.Column('fail_metadata', sa.JSON(), nullable=True),
    sa.Column('queued_media_file', sa.String(length=1024), nullable=True),
    sa.Column('queued_task_id', sa.String(length=64), nullable=True),
    sa.Column('media_metadata', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor'], ['core__users.id'], name=op.f('fk_core__media_entries_actor_core__users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__media_entries')),
    sa.UniqueConstraint('actor', 'slug', name='uq_core__media_entries_actor_slug'),
    sa.UniqueConstraint('public_id', name=op.f('uq_core__media_entries_public_id'))
    )
    with op.batch_alter_table('core__media_entries', schema=None) as batch_op:
        batch_op.create_index('ix_core__media_entries_actor_state_created', ['actor', 'state', 'created'], unique=False)
        batch_op.create_index('ix_core__media_entries_state_created', ['state', 'created'], unique=False)

    op.create_table('core__privileges_users',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('privilege_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['privilege_id'], ['core__privileges.id'], name=op.f('fk_core__privileges_users_privilege_id_core__privileges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['core__users.id'], name=op.f('fk_core__privileges_users_user_id_core__users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'privilege_id', name=op.f('pk_core__privileges_users'))
    )
    op.create_table('core__mediafiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_entry', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('file_path', sa.JSON(), nullable=False),
    sa.Column('file_metadata', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['media_entry'], ['core__media_entries.id'], name=op.f('fk_core__mediafiles_media_entry_core__media_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__mediafiles')),
    sa.UniqueConstraint('media_entry', 'name', name='uq_core__mediafiles_entry_name')
    )


def downgrade() -> None:
    op.drop_table('core__mediafiles')
    op.drop_table('core__privileges_users')
    with op.batch_alter_table('core__media_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_core__media_entries_state_created')
        batch_op.drop_index('ix_core__media_entries_actor_state_created')

    op.drop_table('core__media_entries')
    with op.batch_alter_table('core__login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core__login_sessions_user_id'))

    op.drop_table('core__login_sessions')
    with op.batch_alter_table('core__users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core__users_email'))

    op.drop_table('core__users')
    op.drop_table('core__privileges')
