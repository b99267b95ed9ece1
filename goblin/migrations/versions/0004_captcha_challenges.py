"""captcha challenges

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:20:31.303619
"""

import sqlalchemy as sa
from alembic import op

import goblin.db.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('captcha__challenges',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('answer_hash', sa.String(length=64), nullable=True),
    sa.Column('difficulty', sa.Integer(), nullable=True),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('created', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('expires', goblin.db.types.UTCDateTime(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_captcha__challenges'))
    )
    with op.batch_alter_table('captcha__challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_captcha__challenges_expires'), ['expires'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('captcha__challenges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_captcha__challenges_expires'))

    op.drop_table('captcha__challenges')
