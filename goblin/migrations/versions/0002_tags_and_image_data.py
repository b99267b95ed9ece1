"""tags and image data

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 17:12:24.395098
"""

import sqlalchemy as sa
from alembic import op

import goblin.db.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('core__tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__tags')),
    sa.UniqueConstraint('slug', name=op.f('uq_core__tags_slug'))
    )
    op.create_table('core__media_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_entry', sa.Integer(), nullable=False),
    sa.Column('tag', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['media_entry'], ['core__media_entries.id'], name=op.f('fk_core__media_tags_media_entry_core__media_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag'], ['core__tags.id'], name=op.f('fk_core__media_tags_tag_core__tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core__media_tags')),
    sa.UniqueConstraint('tag', 'media_entry', name='uq_core__media_tags_tag_entry')
    )
    with op.batch_alter_table('core__media_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core__media_tags_media_entry'), ['media_entry'], unique=False)
        batch_op.create_index(batch_op.f('ix_core__media_tags_tag'), ['tag'], unique=False)

    op.create_table('image__mediadata',
    sa.Column('media_entry', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('exif_all', sa.JSON(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('altitude', sa.Float(), nullable=True),
    sa.Column('original_date', goblin.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['media_entry'], ['core__media_entries.id'], name=op.f('fk_image__mediadata_media_entry_core__media_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('media_entry', name=op.f('pk_image__mediadata'))
    )


def downgrade() -> None:
    op.drop_table('image__mediadata')
    with op.batch_alter_table('core__media_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core__media_tags_tag'))
        batch_op.drop_index(batch_op.f('ix_core__media_tags_media_entry'))

    op.drop_table('core__media_tags')
    op.drop_table('core__tags')
