"""``/_health/``: is this instance able to work? Checks the database and the broker.

Answers 200 with JSON when both are fine, 503 naming what is not. Meant for load
balancers and monitoring; it reveals no configuration (no URLs, no credentials).
"""

from __future__ import annotations

import logging

from pyramid.view import view_config
from sqlalchemy import text

log = logging.getLogger(__name__)


def check_database(registry) -> str:
    try:
        with registry.dbengine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        log.warning("health: database check failed: %s", exc)
        return "unreachable"
    return "ok"


def check_broker(registry) -> str:
    celery_app = registry.celery_app
    if celery_app.conf.task_always_eager:
        return "not used (processing in the web process)"
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        log.warning("health: broker check failed: %s", exc)
        return "unreachable"
    return "ok"


@view_config(route_name="health", renderer="json", http_cache=0)
def health(request):
    database = check_database(request.registry)
    broker = check_broker(request.registry)
    healthy = database == "ok" and broker in ("ok", "not used (processing in the web process)")
    request.response.status_int = 200 if healthy else 503
    return {"status": "ok" if healthy else "failing", "database": database, "broker": broker}


def includeme(config) -> None:
    config.add_route("health", "/_health/")
    config.scan(__name__)
