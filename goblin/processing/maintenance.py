"""Periodic upkeep, run by Celery beat in the worker (``gmg celery`` starts it):

- ``resend_unsent``: entries whose task never reached the broker (it was down at upload
  time), or whose task was lost, are sent again. Sending twice is harmless: processing
  only starts from the states that need it.
- ``collect_garbage``: like MediaGoblin's garbage_collection, entries still unprocessed a
  day after their task was sent are deleted with their files. Entries whose task was never
  sent are kept: they are uploads waiting for the broker, not garbage. Workbench folders
  of killed runs are removed too.

Entries stuck in ``processing`` (their task's message was lost) are sent again by the
sweep after STUCK_AFTER.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil

from sqlalchemy import and_, or_, select

from goblin.db import session_scope
from goblin.db.models import MediaEntry
from goblin.db.types import utcnow

log = logging.getLogger(__name__)

RESEND_AFTER = dt.timedelta(minutes=30)
#: A task still "processing" this long after it started lost its message: send it again.
STUCK_AFTER = dt.timedelta(hours=6)
#: Workbench folders of runs killed mid-task are removed after this long.
WORKBENCH_MAX_AGE = dt.timedelta(days=1)
GARBAGE_AFTER = dt.timedelta(days=1)
BATCH = 200


def resend_unsent(registry, *, now: dt.datetime | None = None) -> list[int]:
    """Send the initial task of unprocessed entries not sent, or sent long ago; return ids."""
    from goblin.processing.dispatch import send_task

    now = now or utcnow()
    with session_scope(registry) as dbsession:
        rows = dbsession.execute(
            select(MediaEntry.id, MediaEntry.queued_task_id)
            .where(
                or_(
                    and_(
                        MediaEntry.state == "unprocessed",
                        or_(
                            MediaEntry.task_sent_at.is_(None),
                            MediaEntry.task_sent_at < now - RESEND_AFTER,
                        ),
                    ),
                    and_(MediaEntry.state == "processing", MediaEntry.updated < now - STUCK_AFTER),
                )
            )
            .order_by(MediaEntry.id)
            .limit(BATCH)
        ).all()
    sent = []
    for entry_id, task_id in rows:
        if send_task(registry, entry_id, "initial", {}, task_id or f"resend-{entry_id}"):
            sent.append(entry_id)
    if sent:
        log.info("re-sent processing of media %s", ", ".join(map(str, sent)))
    return sent


def remove_stale_workbenches(registry, now: dt.datetime) -> None:
    """Remove workbench folders left by runs that were killed (older than a day)."""
    root = registry.goblin_config.mediagoblin["workbench_path"]
    if not os.path.isdir(root):
        return
    cutoff = (now - WORKBENCH_MAX_AGE).timestamp()
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isdir(path) and os.path.getmtime(path) < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed stale workbench %s", path)


def collect_garbage(registry, *, now: dt.datetime | None = None) -> list[int]:
    """Delete entries still unprocessed a day after their task was sent; return ids."""
    from goblin.media_files import delete_media

    now = now or utcnow()
    with session_scope(registry) as dbsession:
        entries = list(
            dbsession.scalars(
                select(MediaEntry)
                .where(
                    MediaEntry.state == "unprocessed",
                    MediaEntry.task_sent_at.is_not(None),
                    MediaEntry.task_sent_at < now - GARBAGE_AFTER,
                )
                .limit(BATCH)
            )
        )
        ids = [entry.id for entry in entries]
        remove_stale_workbenches(registry, now)
        for entry in entries:
            log.info(
                "garbage collection: deleting media %s of user %s, unprocessed since %s",
                entry.id,
                entry.actor,
                entry.created.isoformat(),
            )
            delete_media(registry, dbsession, entry)
    return ids
