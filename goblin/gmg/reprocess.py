"""``gmg reprocess``: list failed processing and run processors again.

  gmg reprocess failed                 list failed entries with their reasons
  gmg reprocess initial                retry every failed entry from the start
  gmg reprocess available ID           the processors an entry's media type has
  gmg reprocess run ID[,ID...] PROC    run one processor (e.g. resize --file thumb)

Processing runs in this process unless --celery sends it to the worker.
"""

from __future__ import annotations

from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry, User
from goblin.gmg.env import CommandError
from goblin.processing.dispatch import queue_processing
from goblin.processing.run import process_entry


def _registry(args, env):
    registry = env.registry()
    if not args.celery:
        registry.celery_app.conf.task_always_eager = True
    return registry


def _run(registry, entry_ids, action, options, celery: bool) -> int:
    failures = 0
    for entry_id in entry_ids:
        if celery:
            with session_scope(registry) as dbsession:
                entry = dbsession.get(MediaEntry, entry_id)
                if entry is None:
                    raise CommandError(f"no media with id {entry_id}")
                queue_processing(registry, dbsession, entry, action, options)
            print(f"media {entry_id}: {action} sent to the worker")
            continue
        state = process_entry(registry, entry_id, action, options)
        print(f"media {entry_id}: {action} -> {state or 'nothing to do'}")
        failures += state == "failed"
    return 1 if failures else 0


def failed(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        rows = dbsession.execute(
            select(MediaEntry.id, User.username, MediaEntry.title, MediaEntry.fail_metadata)
            .join(User, User.id == MediaEntry.actor)
            .where(MediaEntry.state == "failed")
            .order_by(MediaEntry.id)
        ).all()
    if not rows:
        print("No failed media.")
    for entry_id, username, title, metadata in rows:
        reason = (metadata or {}).get("reason", "no reason recorded")
        print(f"{entry_id}\t{username}\t{title}\t{reason}")
    return 0


def initial(args, env) -> int:
    registry = _registry(args, env)
    with session_scope(registry) as dbsession:
        ids = list(dbsession.scalars(select(MediaEntry.id).where(MediaEntry.state == "failed")))
    if not ids:
        print("No failed media.")
        return 0
    return _run(registry, ids, "initial", {}, args.celery)


def available(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        entry = dbsession.get(MediaEntry, args.media_id)
        if entry is None:
            raise CommandError(f"no media with id {args.media_id}")
        media_type = registry.media_types.get(entry.media_type)
        if media_type is None:
            raise CommandError(f"media {args.media_id}: type {entry.media_type} is not enabled")
        print(f"media {entry.id} ({media_type.human_name}, {entry.state}):")
        for name in media_type.processors:
            print(f"  {name}")
    return 0


def run(args, env) -> int:
    registry = _registry(args, env)
    try:
        ids = [int(part) for part in args.media_ids.split(",") if part.strip()]
    except ValueError:
        raise CommandError(
            f"media ids are numbers separated by commas, not {args.media_ids!r}"
        ) from None
    options = {}
    if args.size:
        options["size"] = args.size
    if args.thumb_size:
        options["thumb_size"] = args.thumb_size
    if args.file:
        options["file"] = args.file
    return _run(registry, ids, args.processor, options, args.celery)


def register(subparsers) -> None:
    parser = subparsers.add_parser("reprocess", help="list failed media and process again")
    parser.add_argument("--celery", action="store_true", help="send the work to the worker")
    commands = parser.add_subparsers(dest="reprocess_command", required=True)
    commands.add_parser("failed", help="list failed media with reasons").set_defaults(func=failed)
    commands.add_parser("initial", help="retry every failed entry").set_defaults(func=initial)
    sub = commands.add_parser("available", help="processors of an entry's type")
    sub.add_argument("media_id", type=int)
    sub.set_defaults(func=available)
    sub = commands.add_parser("run", help="run a processor on entries")
    sub.add_argument("media_ids", help="ids separated by commas")
    sub.add_argument("processor", help="initial, resize, ...")
    sub.add_argument("--size", nargs=2, type=int, metavar=("W", "H"))
    sub.add_argument("--thumb-size", nargs=2, type=int, metavar=("W", "H"))
    sub.add_argument("--file", choices=("medium", "thumb"), help="for resize")
    sub.set_defaults(func=run)
