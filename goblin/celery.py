"""Entry point for ``celery -A goblin.celery worker``.

The worker builds goblin with the same ``configure()`` and the same mediagoblin.ini as the
web server (``MEDIAGOBLIN_CONFIG``, else mediagoblin_local.ini / mediagoblin.ini in the
current folder), so it sees the same plugins, media types and queue. Nothing is built until
Celery asks for ``app``.
"""

from __future__ import annotations

import functools
import sys


@functools.cache
def _worker_app():
    from goblin.config.configure import configure
    from goblin.config.loader import ConfigError
    from goblin.startup import StartupError, check_database

    try:
        config = configure()
        config.make_wsgi_app()
        check_database(config.registry)
    except (ConfigError, StartupError) as exc:
        print(f"goblin: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    # Worker processes are forked from this one: they must not share its pooled connections.
    config.registry.dbengine.dispose()
    return config.registry.celery_app


def __getattr__(name: str):
    if name in ("app", "celery"):
        return _worker_app()
    raise AttributeError(name)
