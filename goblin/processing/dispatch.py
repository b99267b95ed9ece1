"""Sending processing to Celery, only after the upload's transaction has committed."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import update

from goblin.db import call_after_commit, session_scope
from goblin.db.models import MediaEntry
from goblin.db.types import utcnow
from goblin.processing.celery_app import PROCESS_MEDIA_TASK

log = logging.getLogger(__name__)


def queue_processing(
    registry, dbsession, entry: MediaEntry, action: str = "initial", options: dict | None = None
) -> None:
    """Process ``entry`` once the current transaction commits (eagerly or on the broker)."""
    if action == "initial":
        entry.queued_task_id = uuid.uuid4().hex
        entry.task_sent_at = None
    task_id = entry.queued_task_id if action == "initial" else uuid.uuid4().hex
    dbsession.flush()
    call_after_commit(dbsession, send_task, registry, entry.id, action, options or {}, task_id)


def send_task(registry, entry_id: int, action: str, options: dict, task_id: str) -> bool:
    """Send one processing task; False (logged) when the broker could not take it.

    An initial task that could not be sent keeps ``task_sent_at`` empty, so the periodic
    sweep (goblin.processing.maintenance) sends it again once the broker is back.
    """
    task = registry.celery_app.tasks[PROCESS_MEDIA_TASK]
    try:
        task.apply_async(
            args=[entry_id, action, options],
            task_id=task_id,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as exc:
        log.warning(
            "media %s: could not send the %s task to the broker (%s); it stays queued and "
            "will be sent again",
            entry_id,
            action,
            exc,
        )
        return False
    if action == "initial":
        mark_sent(registry, entry_id)
    return True


def mark_sent(registry, entry_id: int) -> None:
    with session_scope(registry) as dbsession:
        dbsession.execute(
            update(MediaEntry).where(MediaEntry.id == entry_id).values(task_sent_at=utcnow())
        )
