"""raven: errors to Sentry (``[[goblin.plugins.raven]]``, also ``mediagoblin.plugins.raven``).

Unhandled errors in views are reported with the URL; media processing failures and
failing Celery tasks with the media id or task name. No password, cookie or CSRF token
reaches Sentry (see scrub.py). Options: ``sentry_dsn`` (or the SENTRY_DSN environment
variable), ``setup_logging`` (also send log records of level ERROR), ``transport``.
"""

from __future__ import annotations

import logging
import os
import sys

from goblin.config.loader import ConfigError
from goblin.config.spec import Key
from goblin.config.types import Boolean, Choice, Optional, String

log = logging.getLogger(__name__)

config_spec = {
    "sentry_dsn": Key(Optional(String()), None, "Sentry DSN; SENTRY_DSN in the environment wins."),
    "setup_logging": Key(Boolean(), False, "Also report log records of level ERROR."),
    "transport": Key(Choice("threaded", "sync"), "threaded", "sync sends before returning."),
}

REPORTED = "_goblin_sentry_reported"


def make_client(dsn: str, transport: str):
    import raven
    from raven.transport.http import HTTPTransport
    from raven.transport.threaded import ThreadedHTTPTransport

    return raven.Client(
        dsn=dsn,
        transport=HTTPTransport if transport == "sync" else ThreadedHTTPTransport,
        processors=(
            "raven.processors.SanitizePasswordsProcessor",
            "goblin.plugins.raven.scrub.ScrubSecretsProcessor",
        ),
        install_sys_hook=False,
        install_logging_hook=False,
        enable_breadcrumbs=False,
        context={},
    )


def http_interface(request) -> dict:
    """The request as Sentry shows it: URL, method, query, headers (cookies left out)."""
    headers = {
        name: value
        for name, value in request.headers.items()
        if name.lower() not in ("cookie", "authorization")
    }
    return {
        "url": request.path_url,
        "method": request.method,
        "query_string": request.query_string,
        "headers": headers,
        "env": {"REMOTE_ADDR": request.client_addr or ""},
    }


def sentry_tween_factory(handler, registry):
    """Report exceptions escaping a view (not HTTP errors such as 404) with the URL.

    Most never reach this tween as exceptions: the exception view below it (and
    pyramid_tm, for a failed commit) turns them into the 500 page and leaves them in
    ``request.exc_info``, so a 5xx response carrying one is reported too.
    """
    from pyramid.httpexceptions import HTTPException

    from goblin.plugins.raven.scrub import CURRENT_REQUEST

    client = registry.sentry_client

    def report(request, exc_info) -> None:
        user = request.user if "user" in request.__dict__ else None
        client.captureException(
            exc_info=exc_info,
            data={"request": http_interface(request)},
            tags={"url": request.path_url},
            extra={"user_id": user.id if user is not None else None},
        )
        setattr(exc_info[1], REPORTED, True)

    def sentry_tween(request):
        reset = CURRENT_REQUEST.set(request)
        try:
            response = handler(request)
            exc_info = getattr(request, "exc_info", None)
            if (
                exc_info is not None
                and response.status_int >= 500
                and not isinstance(exc_info[1], HTTPException)
                and not getattr(exc_info[1], REPORTED, False)
            ):
                report(request, exc_info)
            return response
        except HTTPException:
            raise
        except Exception:
            report(request, sys.exc_info())
            raise
        finally:
            CURRENT_REQUEST.reset(reset)

    return sentry_tween


def report_processing_failure(registry, entry_id: int, action: str, exc_info) -> None:
    """Hook ``media_processing_crashed``: a processor raised something unexpected."""
    registry.sentry_client.captureException(
        exc_info=exc_info,
        tags={"media_id": str(entry_id), "action": action},
        extra={"media_id": entry_id, "action": action},
    )


class _NotYetReported(logging.Filter):
    """Leave out records of errors the tween reports (with their request) anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        from goblin.plugins.raven.scrub import CURRENT_REQUEST

        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        if getattr(exc, REPORTED, False):
            return False
        # Logged by the exception view drawing the 500 page: the tween reports it next.
        request = CURRENT_REQUEST.get(None)
        handled = getattr(request, "exc_info", None) if request is not None else None
        return not (handled is not None and handled[1] is exc)


def _connect_celery_failures(registry) -> None:
    from celery import signals

    celery_app = registry.celery_app
    client = registry.sentry_client

    def on_task_failure(sender=None, task_id=None, exception=None, args=None, einfo=None, **kw):
        if sender is None or sender.app is not celery_app:
            return
        client.captureException(
            exc_info=(type(exception), exception, getattr(einfo, "tb", None)),
            tags={"task": sender.name, "task_id": task_id or ""},
            extra={"task": sender.name, "args": list(args or ())},
        )

    signals.task_failure.connect(on_task_failure, weak=False)


def includeme(config) -> None:
    from goblin.plugins import get_plugin_config

    options = get_plugin_config(config.registry, __name__)
    dsn = os.environ.get("SENTRY_DSN") or options["sentry_dsn"]
    if not dsn:
        raise ConfigError(
            f"{config.registry.goblin_config.path}: [plugins] [[goblin.plugins.raven]] "
            "sentry_dsn: expected a Sentry DSN (or set SENTRY_DSN)"
        )
    try:
        client = make_client(dsn, options["transport"])
    except Exception as exc:  # raven says what is wrong with the DSN
        raise ConfigError(
            f"{config.registry.goblin_config.path}: [plugins] [[goblin.plugins.raven]] "
            f"sentry_dsn = '***': expected a valid Sentry DSN ({exc})"
        ) from None
    config.registry.sentry_client = client
    config.add_tween(
        "goblin.plugins.raven.sentry_tween_factory", over="pyramid_tm.tm_tween_factory"
    )
    config.registry.hooks.register({"media_processing_crashed": report_processing_failure})
    _connect_celery_failures(config.registry)
    if options["setup_logging"]:
        from raven.handlers.logging import SentryHandler

        handler = SentryHandler(client, level=logging.ERROR)
        handler.addFilter(_NotYetReported())
        logging.getLogger().addHandler(handler)
