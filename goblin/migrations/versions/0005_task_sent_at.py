"""task sent at

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 17:23:28.755689
"""

import sqlalchemy as sa
from alembic import op

import goblin.db.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core__media_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_sent_at', goblin.db.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('core__media_entries', schema=None) as batch_op:
        batch_op.drop_column('task_sent_at')

