"""Submitting media: limits, sniffing, the entry, its tags and slug, the queued file.

Used by the upload form, ``gmg addmedia`` and ``gmg batchaddmedia`` alike. It runs inside
the caller's transaction: if anything fails nothing is kept, the quota counter included,
and processing is sent only once the transaction commits.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Sequence
from typing import BinaryIO

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session

from goblin.db import call_after_abort
from goblin.db.models import MediaEntry, MediaTag, Tag, User
from goblin.media_types import FileTypeNotSupported
from goblin.processing.dispatch import queue_processing
from goblin.storage import clean_component
from goblin.text import TagError, parse_tags, slugify

log = logging.getLogger(__name__)

MB = 1024 * 1024


class SubmissionError(ValueError):
    """The upload was refused; the message is for the uploader (MediaGoblin's wording)."""


class FileTooBig(SubmissionError):
    def __init__(self) -> None:
        super().__init__("Sorry, the file size is too big.")


class UserPastUploadLimit(SubmissionError):
    def __init__(self) -> None:
        super().__init__("Sorry, you have reached your upload limit.")


class UserUploadLimit(SubmissionError):
    def __init__(self) -> None:
        super().__init__("Sorry, uploading this file will put you over your upload limit.")


def user_limit_bytes(registry, user: User) -> int | None:
    """The user's quota in bytes: their own upload_limit, else the site's (None: unlimited)."""
    megabytes = user.upload_limit
    if megabytes is None:
        megabytes = registry.goblin_config.mediagoblin["upload_limit"]
    return None if megabytes is None else int(megabytes * MB)


def max_file_bytes(registry) -> int | None:
    megabytes = registry.goblin_config.mediagoblin["max_file_size"]
    return None if megabytes is None else int(megabytes * MB)


def check_quota_before(registry, user: User) -> None:
    """Refuse at once when the user is already at their limit."""
    limit = user_limit_bytes(registry, user)
    if limit is not None and user.uploaded >= limit:
        raise UserPastUploadLimit()


def spool_upload(registry, source: BinaryIO, destination: str) -> int:
    """Copy an upload stream to ``destination``, stopping as soon as it is too big."""
    limit = max_file_bytes(registry)
    size = 0
    with open(destination, "wb") as target:
        while chunk := source.read(MB):
            size += len(chunk)
            if limit is not None and size > limit:
                raise FileTooBig()
            target.write(chunk)
    return size


def unique_slug(dbsession: Session, user_id: int, wanted: str | None, entry_id: int) -> str | None:
    """MediaGoblin's rule: the slugified text; if taken, add ``-<id>``; then random hex."""
    slug = slugify(wanted)
    if not slug:
        return None

    def taken(candidate: str) -> bool:
        query = select(MediaEntry.id).where(
            MediaEntry.actor == user_id, MediaEntry.slug == candidate, MediaEntry.id != entry_id
        )
        return dbsession.scalar(query) is not None

    if not taken(slug):
        return slug
    candidate = f"{slug}-{entry_id}"
    while taken(candidate):
        candidate = f"{slug}-{secrets.token_hex(3)}"
    return candidate


def set_tags(dbsession: Session, entry: MediaEntry, tags: Sequence[tuple[str, str]]) -> None:
    """Replace the entry's tags; tags no entry uses any more are deleted."""
    old_tag_ids = {media_tag.tag for media_tag in entry.tags}
    entry.tags.clear()
    dbsession.flush()
    for name, slug in tags:
        tag = dbsession.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(slug=slug)
            dbsession.add(tag)
            dbsession.flush()
        entry.tags.append(MediaTag(tag=tag.id, name=name, tag_helper=tag))
    dbsession.flush()
    delete_orphan_tags(dbsession, old_tag_ids)


def delete_orphan_tags(dbsession: Session, tag_ids) -> None:
    if not tag_ids:
        return
    used = select(MediaTag.tag).where(MediaTag.tag.in_(tag_ids)).group_by(MediaTag.tag)
    dbsession.execute(delete(Tag).where(Tag.id.in_(tag_ids), Tag.id.not_in(used)))


def submit_media(
    registry,
    dbsession: Session,
    user: User,
    *,
    local_path: str,
    filename: str,
    title: str | None = None,
    description: str | None = None,
    tags: str | None = None,
    license: str | None = None,
    slug: str | None = None,
) -> MediaEntry:
    """Create an unprocessed entry for the file at ``local_path`` and queue its processing.

    ``local_path`` is a file the caller owns; it is copied into the queue store.
    Raises SubmissionError, FileTypeNotSupported or TagError, having changed nothing.
    """
    size = os.path.getsize(local_path)
    limit = max_file_bytes(registry)
    if limit is not None and size > limit:
        raise FileTooBig()
    check_quota_before(registry, user)
    user_limit = user_limit_bytes(registry, user)
    if user_limit is not None and user.uploaded + size > user_limit:
        raise UserUploadLimit()
    parsed_tags = parse_tags(tags, registry.goblin_config.mediagoblin["tags_max_length"])
    media_type = registry.media_types.sniff(local_path, filename)

    stem, extension = os.path.splitext(os.path.basename(filename))
    entry = MediaEntry(
        actor=user.id,
        # The file name's stem can be longer than the column (the form checks a typed title).
        title=((title or "").strip() or stem.strip() or "Untitled")[:255],
        description=description or "",
        media_type=media_type.name,
        state="unprocessed",
        license=(license if license is not None else user.license_preference) or None,
        file_size=size,
    )
    dbsession.add(entry)
    dbsession.flush()
    entry.slug = unique_slug(dbsession, user.id, slug or entry.title, entry.id)
    set_tags(dbsession, entry, parsed_tags)

    # The uploader's filename never becomes a path: only a cleaned extension survives.
    suffix = extension.lower().lstrip(".")
    queued_name = f"upload.{clean_component(suffix)[:12]}" if suffix else "upload"
    queued = ["media_entries", str(entry.id), queued_name]
    registry.queue_store.copy_local_to_storage(local_path, queued)
    call_after_abort(dbsession, registry.queue_store.delete_file, queued)
    entry.queued_media_file = "/".join(queued)
    # In SQL, so two uploads at once both count (no read-modify-write in Python).
    user.uploaded = User.uploaded + size
    queue_processing(registry, dbsession, entry)
    log.info(
        "media %s of user %s: uploaded %r (%s, %d bytes)",
        entry.id,
        user.username,
        entry.title,
        media_type.name,
        size,
    )
    return entry


def refund_quota(user: User, entry: MediaEntry) -> None:
    """Give the entry's bytes back to its uploader's quota (on delete)."""
    size = entry.file_size or 0
    user.uploaded = case((User.uploaded > size, User.uploaded - size), else_=0)


__all__ = [
    "FileTooBig",
    "FileTypeNotSupported",
    "SubmissionError",
    "TagError",
    "UserPastUploadLimit",
    "UserUploadLimit",
    "submit_media",
]
