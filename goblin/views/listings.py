"""Queries for lists of media that stay constant in number however many entries there are."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from goblin.db.models import MediaEntry, MediaTag, Tag


def processed_media() -> Select:
    """Processed entries, newest first, with uploader and files loaded in fixed queries."""
    return (
        select(MediaEntry)
        .where(MediaEntry.state == "processed")
        .options(joinedload(MediaEntry.uploader), selectinload(MediaEntry.files))
        .order_by(MediaEntry.created.desc(), MediaEntry.id.desc())
    )


def by_user(query: Select, user_id: int) -> Select:
    return query.where(MediaEntry.actor == user_id)


def with_tag(query: Select, slug: str) -> Select:
    tagged = select(MediaTag.media_entry).join(Tag, Tag.id == MediaTag.tag).where(Tag.slug == slug)
    return query.where(MediaEntry.id.in_(tagged))
