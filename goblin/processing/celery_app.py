"""The Celery app of one goblin instance, configured from ``[celery]`` by ``configure()``.

Web process, worker and gmg build it the same way from the same mediagoblin.ini, so they
agree on the broker, the queue (CELERY_DEFAULT_QUEUE) and the registered tasks. Tasks carry
ids and JSON only, and are acknowledged late: a worker killed mid-task leaves its task to
be run again.
"""

from __future__ import annotations

import logging
import os

from celery import Celery

from goblin.mail import SEND_MAIL_TASK, send_mail_task

log = logging.getLogger(__name__)

PROCESS_MEDIA_TASK = "goblin.process_media"
RESEND_TASK = "goblin.resend_unsent"
GARBAGE_TASK = "goblin.collect_garbage"
RESEND_INTERVAL = 60.0

#: MediaGoblin's old-style [celery] keys -> Celery 5 setting names.
SETTING_NAMES = {
    "BROKER_URL": "broker_url",
    "CELERY_DEFAULT_QUEUE": "task_default_queue",
    "CELERY_ALWAYS_EAGER": "task_always_eager",
    "CELERY_EAGER_PROPAGATES_EXCEPTIONS": "task_eager_propagates",
    "CELERY_RESULT_BACKEND": "result_backend",
    "CELERY_RESULT_PERSISTENT": "result_persistent",
    "CELERY_CREATE_MISSING_QUEUES": "task_create_missing_queues",
    "CELERY_IGNORE_RESULT": "task_ignore_result",
    "CELERY_TRACK_STARTED": "task_track_started",
    "CELERY_SEND_EVENTS": "worker_send_task_events",
    "CELERYD_CONCURRENCY": "worker_concurrency",
    "CELERYD_PREFETCH_MULTIPLIER": "worker_prefetch_multiplier",
    "CELERYD_MAX_TASKS_PER_CHILD": "worker_max_tasks_per_child",
    "CELERYD_TASK_TIME_LIMIT": "task_time_limit",
    "CELERYD_TASK_SOFT_TIME_LIMIT": "task_soft_time_limit",
    "BROKER_CONNECTION_TIMEOUT": "broker_connection_timeout",
    "BROKER_CONNECTION_RETRY": "broker_connection_retry",
    "CELERY_BROKER_CONNECTION_MAX_RETRIES": "broker_connection_max_retries",
    "BROKER_USE_SSL": "broker_use_ssl",
    "CELERY_TASK_RESULT_EXPIRES": "result_expires",
    "CELERYD_LOG_COLOR": "worker_log_color",
    "CELERY_REDIRECT_STDOUTS": "worker_redirect_stdouts",
    "CELERY_IMPORTS": "imports",
}
#: Keys accepted for compatibility that Celery 5 has no use for.
IGNORED = {"CELERY_RESULT_DBURI"}


def celery_settings(section: dict) -> dict:
    settings = {
        SETTING_NAMES[key]: value
        for key, value in section.items()
        if key not in IGNORED and value is not None
    }
    if str(settings.get("broker_url", "")).startswith(("amqp", "pyamqp")):
        # Publisher confirms: sending returns only once RabbitMQ holds the message, so an
        # entry marked as sent (task_sent_at) cannot lose its task to a cut connection.
        settings["broker_transport_options"] = {"confirm_publish": True}
    settings.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        task_serializer="json",
        accept_content=["json"],
    )
    return settings


def process_media_task(task, entry_id: int, action: str = "initial", options=None):
    """The Celery task: process one entry by id (see goblin.processing.run)."""
    from goblin.processing.run import process_entry

    return process_entry(task.app.goblin_registry, entry_id, action, options)


def resend_unsent_task(task) -> list[int]:
    from goblin.processing.maintenance import resend_unsent

    return resend_unsent(task.app.goblin_registry)


def collect_garbage_task(task) -> list[int]:
    from goblin.processing.maintenance import collect_garbage

    return collect_garbage(task.app.goblin_registry)


def beat_schedule(goblin_config) -> dict:
    """The periodic tasks of this instance (run by ``celery worker -B`` / ``gmg celery``)."""
    schedule = {"goblin-resend-unsent": {"task": RESEND_TASK, "schedule": RESEND_INTERVAL}}
    minutes = goblin_config.mediagoblin["garbage_collection"]
    if minutes:
        schedule["goblin-collect-garbage"] = {"task": GARBAGE_TASK, "schedule": minutes * 60.0}
    return schedule


def make_celery_app(registry) -> Celery:
    goblin_config = registry.goblin_config
    app = Celery(f"goblin:{goblin_config.path}", set_as_current=False)
    app.conf.update(celery_settings(goblin_config.celery))
    app.conf.beat_schedule = beat_schedule(goblin_config)
    # Each instance keeps its own beat state beside its own data.
    app.conf.beat_schedule_filename = os.path.join(
        goblin_config.data_basedir, "celerybeat-schedule"
    )
    app.goblin_registry = registry
    app.task(name=PROCESS_MEDIA_TASK, bind=True, ignore_result=True)(process_media_task)
    app.task(name=RESEND_TASK, bind=True, ignore_result=True)(resend_unsent_task)
    app.task(name=GARBAGE_TASK, bind=True, ignore_result=True)(collect_garbage_task)
    app.task(name=SEND_MAIL_TASK, bind=True, ignore_result=True, acks_late=True)(send_mail_task)
    return app


def includeme(config) -> None:
    config.registry.celery_app = make_celery_app(config.registry)
