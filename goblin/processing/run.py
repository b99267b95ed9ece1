"""Running a processor for an entry, as one Celery task: claim, work, publish, finish.

Every step is its own short transaction so a crash leaves the entry in a state that is
safe to retry: ``processing`` entries are simply processed again, outputs are written
atomically and overwrite their earlier copies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile

from sqlalchemy import delete

from goblin.db import call_after_commit, session_scope
from goblin.db.models import MediaEntry, MediaFile
from goblin.processing import BaseProcessingFail, EntryInfo, ProcessingContext, PublicStoreFail
from goblin.storage import StorageError

log = logging.getLogger(__name__)

INITIAL = "initial"
#: States from which each kind of action may start.
INITIAL_STATES = {"unprocessed", "processing", "failed"}


def entry_folder(entry_id: int) -> list[str]:
    return ["media_entries", str(entry_id)]


def _claim(registry, entry_id: int, action: str) -> EntryInfo | None:
    with session_scope(registry) as dbsession:
        entry = dbsession.get(MediaEntry, entry_id)
        if entry is None:
            log.warning("media %s: not processing, the entry no longer exists", entry_id)
            return None
        owner = entry.uploader.username
        if action == INITIAL and entry.state not in INITIAL_STATES:
            log.info("media %s of user %s: already %s, nothing to do", entry_id, owner, entry.state)
            return None
        if action != INITIAL and entry.state != "processed":
            log.info(
                "media %s of user %s: %s needs a processed entry, it is %s",
                entry_id,
                owner,
                action,
                entry.state,
            )
            return None
        if action == INITIAL:
            entry.state = "processing"
        return EntryInfo(
            id=entry.id,
            media_type=entry.media_type,
            title=entry.title,
            queued_media_file=entry.queued_media_file.split("/")
            if entry.queued_media_file
            else None,
            existing_files={f.name: list(f.file_path) for f in entry.files},
            owner=owner,
        )


def _fail(registry, entry_id: int, action: str, exc: BaseProcessingFail) -> None:
    with session_scope(registry) as dbsession:
        entry = dbsession.get(MediaEntry, entry_id)
        if entry is None:
            return
        if action == INITIAL:
            # A failed reprocess of a processed entry leaves it processed (upstream does too).
            entry.state = "failed"
        entry.fail_error = exc.error_name
        entry.fail_metadata = {"reason": exc.message, "action": action, **exc.metadata}


def _publish(registry, info: EntryInfo, ctx: ProcessingContext) -> list[list[str]]:
    written = []
    try:
        for output in ctx.outputs:
            path = [*entry_folder(info.id), output.filename]
            registry.public_store.copy_local_to_storage(output.local_path, path)
            written.append(path)
    except (StorageError, OSError) as exc:
        for path in written:
            registry.public_store.delete_file(path)
        log.error("media %s of user %s: storing outputs failed: %s", info.id, info.owner, exc)
        raise PublicStoreFail() from None
    return written


def _finish(registry, info: EntryInfo, action: str, ctx: ProcessingContext, written) -> None:
    media_type = registry.media_types[info.media_type]
    with session_scope(registry) as dbsession:
        entry = dbsession.get(MediaEntry, info.id)
        if entry is None:  # deleted while we worked: take our files back out
            for path in written:
                registry.public_store.delete_file(path)
            return
        names = [output.name for output in ctx.outputs]
        dbsession.execute(
            delete(MediaFile).where(MediaFile.media_entry == info.id, MediaFile.name.in_(names))
        )
        for output, path in zip(ctx.outputs, written, strict=True):
            dbsession.add(
                MediaFile(
                    media_entry=info.id,
                    name=output.name,
                    file_path=path,
                    file_metadata=output.metadata or None,
                )
            )
        if media_type.save_data is not None:
            media_type.save_data(dbsession, entry, ctx.data)
        entry.state = "processed"
        entry.fail_error = None
        entry.fail_metadata = None
        if action == INITIAL and entry.queued_media_file:
            queued = entry.queued_media_file.split("/")
            entry.queued_media_file = None
            call_after_commit(dbsession, _remove_queued, registry, queued)


def _remove_queued(registry, queued: list[str]) -> None:
    registry.queue_store.delete_file(queued)
    if len(queued) > 1:
        with contextlib.suppress(OSError):  # someone else's file is still there
            registry.queue_store.delete_dir(queued[:-1])


def process_entry(registry, entry_id: int, action: str = INITIAL, options=None) -> str | None:
    """Run ``action`` for entry ``entry_id``; return its final state (None: nothing done)."""
    info = _claim(registry, entry_id, action)
    if info is None:
        return None
    log.info("media %s of user %s: %s started", entry_id, info.owner, action)
    media_type = registry.media_types.get(info.media_type)
    try:
        if media_type is None:
            raise BaseProcessingFail(
                f"The media type {info.media_type} is not enabled on this site."
            )
        processor = media_type.processors.get(action)
        if processor is None:
            raise BaseProcessingFail(f"{media_type.human_name} has no processor {action!r}.")
        workbench_root = registry.goblin_config.mediagoblin["workbench_path"]
        os.makedirs(workbench_root, exist_ok=True)
        workbench = tempfile.mkdtemp(dir=workbench_root, prefix=f"media{entry_id}-")
        try:
            ctx = ProcessingContext(registry, info, workbench, dict(options or {}))
            processor(ctx)
            written = _publish(registry, info, ctx)
            try:
                _finish(registry, info, action, ctx, written)
            except Exception:
                if action == INITIAL:  # nothing refers to these files: take them back out
                    for path in written:
                        registry.public_store.delete_file(path)
                raise
        finally:
            shutil.rmtree(workbench, ignore_errors=True)
    except BaseProcessingFail as exc:
        log.warning("media %s of user %s: %s failed: %s", entry_id, info.owner, action, exc.message)
        _fail(registry, entry_id, action, exc)
        return "failed"
    except Exception as exc:
        log.exception("media %s of user %s: %s crashed", entry_id, info.owner, action)
        registry.hooks.runall(
            "media_processing_crashed", registry, entry_id, action, sys.exc_info()
        )
        _fail(
            registry,
            entry_id,
            action,
            BaseProcessingFail(
                "An unexpected error stopped processing; the site's operators can see it "
                "in the logs.",
                exception=type(exc).__name__,
            ),
        )
        return "failed"
    log.info("media %s of user %s: %s done", entry_id, info.owner, action)
    return "processed"
