"""Removing a media entry's files from the stores, only once its deletion has committed.

Files are removed after commit so a rolled-back deletion never loses media.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from goblin.db import call_after_commit
from goblin.db.models import MediaEntry

log = logging.getLogger(__name__)


def remove_entry_files(registry, media_id: int, queued: list[str] | None) -> None:
    registry.public_store.delete_dir(["media_entries", str(media_id)], recursive=True)
    if queued:
        registry.queue_store.delete_file(queued)
        if len(queued) > 1:
            registry.queue_store.delete_dir(queued[:-1], recursive=True)
    log.info("removed the files of media %s", media_id)


def delete_entry_files_after_commit(registry, dbsession: Session, entry: MediaEntry) -> None:
    queued = entry.queued_media_file.split("/") if entry.queued_media_file else None
    call_after_commit(dbsession, remove_entry_files, registry, entry.id, queued)


def delete_media(registry, dbsession: Session, entry: MediaEntry) -> None:
    """Delete the entry and its tags' orphans, refund its bytes, remove files after commit.

    The one way media is deleted: by its owner, by an admin, by garbage collection and
    with its uploader's account.
    """
    from goblin.submission import delete_orphan_tags, refund_quota

    tag_ids = {media_tag.tag for media_tag in entry.tags}
    refund_quota(entry.uploader, entry)
    delete_entry_files_after_commit(registry, dbsession, entry)
    dbsession.delete(entry)
    dbsession.flush()
    delete_orphan_tags(dbsession, tag_ids)
