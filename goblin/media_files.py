"""Removing a media entry's files from the stores, only once its deletion has committed.

Files are removed after commit so a rolled-back deletion never loses media.
"""

from __future__ import annotations

import logging
import os
import shutil

from sqlalchemy.orm import Session

from goblin.db import call_after_commit
from goblin.db.models import MediaEntry

log = logging.getLogger(__name__)


def entry_folders(registry, entry: MediaEntry) -> list[str]:
    """The folders that hold ``entry``'s files (upstream's ``media_entries/<id>`` layout)."""
    goblin_config = registry.goblin_config
    folders = [
        os.path.join(
            goblin_config["storage:publicstore"]["base_dir"], "media_entries", str(entry.id)
        )
    ]
    if entry.queued_media_file:
        queue_base = goblin_config["storage:queuestore"]["base_dir"]
        parts = entry.queued_media_file.split("/")
        if len(parts) > 1:
            folders.append(os.path.join(queue_base, *parts[:-1]))
    return folders


def remove_folders(media_id: int, folders: list[str]) -> None:
    for folder in folders:
        if os.path.isdir(folder):
            shutil.rmtree(folder, ignore_errors=True)
            log.info("removed files of media %s in %s", media_id, folder)


def delete_entry_files_after_commit(registry, dbsession: Session, entry: MediaEntry) -> None:
    call_after_commit(dbsession, remove_folders, entry.id, entry_folders(registry, entry))
