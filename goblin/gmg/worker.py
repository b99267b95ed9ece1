"""``gmg celery``: a Celery worker for this instance, configured from its mediagoblin.ini."""

from __future__ import annotations

import sys

import click

from goblin.gmg.env import CommandError

WORKER_HELP = """\
Start a Celery worker for this instance: the broker (BROKER_URL) and the queue
(CELERY_DEFAULT_QUEUE) come from mediagoblin.ini's [celery] section, the plugins and
media types from [plugins], as the web process sees them. Any further arguments go to
`celery worker` (e.g. --concurrency=2, -n NAME@%h, --loglevel=DEBUG); put `--` first to
pass --help on. The worker also runs Celery beat for the periodic upkeep (re-sending
uploads the broker missed, garbage collection); give --no-beat to any further worker of
the same instance. Same as `MEDIAGOBLIN_CONFIG=mediagoblin.ini celery -A goblin.celery
worker --beat`.
"""


def celery_worker(args, env) -> int:
    registry = env.registry()
    app = registry.celery_app
    if app.conf.task_always_eager:
        print(
            f"gmg: note: CELERY_ALWAYS_EAGER is true in {registry.goblin_config.path}: the web "
            "process processes uploads itself and sends this worker nothing",
            file=sys.stderr,
        )
    # Worker processes are forked from this one: they must not share its pooled connections.
    registry.dbengine.dispose()
    extra = list(getattr(args, "extra_args", []))
    if extra[:1] == ["--"]:
        extra = extra[1:]
    # Beat runs the periodic upkeep (re-sending uploads the broker missed, garbage
    # collection); one beat per instance, so --no-beat for any further workers.
    if "--no-beat" in extra:
        extra.remove("--no-beat")
    elif "-B" not in extra and "--beat" not in extra:
        extra.insert(0, "--beat")
    try:
        code = app.start(argv=["worker", "--loglevel=INFO", *extra])
    except click.ClickException as exc:
        raise CommandError(f"celery worker: {exc.format_message()}") from None
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None
    return code or 0


def register(subparsers) -> None:
    import argparse

    parser = subparsers.add_parser(
        "celery",
        help="start a Celery worker for this instance (extra arguments go to the worker)",
        description=WORKER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="gmg celery [-h] [celery worker options ...]",
    )
    parser.set_defaults(func=celery_worker, accepts_extra_args=True)
