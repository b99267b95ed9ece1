"""The spec of mediagoblin.ini: every section and key goblin reads, with its type and default.

Key names are MediaGoblin's, so an operator's existing file keeps working. Defaults may use
``%(here)s`` (the ini's folder) and ``%(data_basedir)s``; they are interpolated like values
written in the file. ``docs/configuration.md`` lists the same keys for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goblin.config.types import (
    Boolean,
    Choice,
    DatabaseURL,
    Email,
    Integer,
    Number,
    Optional,
    Path,
    Rate,
    String,
    StringList,
    Type,
    UrlPath,
)


@dataclass(frozen=True)
class Key:
    type: Type
    default: Any
    doc: str = ""


Spec = dict[str, Key]

MEDIAGOBLIN: Spec = {
    "html_title": Key(String(), "goblin", "Site name shown in the title bar and header."),
    "source_link": Key(String(), "", "Link to the site's source code, shown in the footer."),
    "sql_engine": Key(
        DatabaseURL(), "sqlite:///%(here)s/mediagoblin.db", "SQLAlchemy database URL."
    ),
    "run_migrations": Key(Boolean(), False, "Run `gmg dbupdate` automatically at start-up."),
    "workbench_path": Key(Path(), "%(data_basedir)s/media/workbench", "Processing temp dirs."),
    "crypto_path": Key(Path(), "%(data_basedir)s/crypto", "Holds itsdangeroussecret.bin."),
    "direct_remote_path": Key(UrlPath(), "/mgoblin_static/", "URL of core static files."),
    "email_debug_mode": Key(Boolean(), True, "Log mail instead of sending it."),
    "email_smtp_use_ssl": Key(Boolean(), False, "Connect to the SMTP server over SSL."),
    "email_smtp_force_starttls": Key(Boolean(), False, "Require STARTTLS."),
    "email_sender_address": Key(Email(), "notice@mediagoblin.example.org", "From: address."),
    "email_smtp_host": Key(String(), "", "SMTP host; empty means localhost."),
    "email_smtp_port": Key(Integer(0, 65535), 0, "SMTP port; 0 means the protocol default."),
    "email_smtp_user": Key(Optional(String()), None, "SMTP user name."),
    "email_smtp_pass": Key(Optional(String()), None, "SMTP password."),
    "allow_registration": Key(
        Boolean(), False, "Let visitors create accounts (same as registration_mode = open)."
    ),
    "registration_mode": Key(
        Optional(Choice("closed", "open", "approval", "invitation")),
        None,
        "closed, open, approval or invitation; unset follows allow_registration.",
    ),
    "tags_max_length": Key(Integer(1), 255, "Longest tag accepted."),
    "allow_comments": Key(Boolean(), True, "Let members comment."),
    "comments_ascending": Key(Boolean(), True, "Oldest comment first."),
    "allow_reporting": Key(Boolean(), True, "Let members report media and comments."),
    "show_tos": Key(Boolean(), False, "Serve /terms_of_service."),
    "local_templates": Key(Optional(Path()), None, "Folder of templates overriding core ones."),
    "celery_setup_elsewhere": Key(Boolean(), False, "Accepted for compatibility; unused."),
    "allow_attachments": Key(Boolean(), False, "Allow attachment uploads."),
    "csrf_cookie_name": Key(String(False), "mediagoblin_csrftoken", "Accepted for compatibility."),
    "no_referrer": Key(Boolean(), True, "Send no Referer header to other sites."),
    "push_urls": Key(StringList(), [], "PubSubHubbub hubs to ping."),
    "datetime_format": Key(String(False), "%I:%M%p %Y-%m-%d", "strftime format for dates."),
    "exif_visible": Key(Boolean(), False, "Show EXIF data on image pages."),
    "original_date_visible": Key(Boolean(), False, "Show the date a photo was taken."),
    "theme_install_dir": Key(Path(), "%(data_basedir)s/themes/", "Where themes live."),
    "theme_web_path": Key(UrlPath(), "/theme_static/", "URL of theme assets."),
    "theme_linked_assets_dir": Key(Path(), "%(data_basedir)s/theme_static/", "Theme assets."),
    "theme": Key(Optional(String()), None, "Name of the active theme."),
    "plugin_web_path": Key(UrlPath(), "/plugin_static/", "URL of plugin assets."),
    "plugin_linked_assets_dir": Key(Path(), "%(data_basedir)s/plugin_static/", "Plugin assets."),
    "upload_limit": Key(Optional(Number(0)), None, "Per-user storage quota in MB."),
    "max_file_size": Key(Optional(Number(0)), None, "Largest upload in MB."),
    "user_privilege_scheme": Key(
        StringList(), ["uploader", "commenter", "reporter"], "Privileges of a new account."
    ),
    "garbage_collection": Key(Integer(0), 60, "Minutes between stale-upload sweeps; 0 = off."),
    "session_max_age_days": Key(Integer(1, 3650), 30, "How long a login lasts."),
}

STORAGE_PUBLIC: Spec = {
    "storage_class": Key(
        String(False), "goblin.storage.filestorage:BasicFileStorage", "Storage backend."
    ),
    "base_dir": Key(Path(), "%(data_basedir)s/media/public", "Folder of published files."),
    "base_url": Key(UrlPath(), "/mgoblin_media/", "URL the files are served under."),
}

STORAGE_QUEUE: Spec = {
    "storage_class": Key(
        String(False), "goblin.storage.filestorage:BasicFileStorage", "Storage backend."
    ),
    "base_dir": Key(Path(), "%(data_basedir)s/media/queue", "Folder of uploads awaiting work."),
}


def _media_size(default: int) -> Spec:
    return {
        "max_width": Key(Integer(1, 20000), default, "Largest width in pixels."),
        "max_height": Key(Integer(1, 20000), default, "Largest height in pixels."),
    }


CELERY: Spec = {
    "BROKER_URL": Key(String(False), "amqp://guest:guest@127.0.0.1:5672//", "Broker URL."),
    "CELERY_DEFAULT_QUEUE": Key(String(False), "default", "Queue this instance uses."),
    "CELERY_ALWAYS_EAGER": Key(Boolean(), False, "Process media inside the web process."),
    "CELERY_EAGER_PROPAGATES_EXCEPTIONS": Key(Boolean(), False, "Raise task errors eagerly."),
    "CELERY_RESULT_BACKEND": Key(Optional(String()), None, "Where task results go."),
    "CELERY_RESULT_DBURI": Key(Optional(String()), None, "Accepted for compatibility."),
    "CELERY_RESULT_PERSISTENT": Key(Boolean(), False, "Durable result messages."),
    "CELERY_CREATE_MISSING_QUEUES": Key(Boolean(), True, "Declare queues on first use."),
    "CELERY_IGNORE_RESULT": Key(Boolean(), True, "Store no task results."),
    "CELERY_TRACK_STARTED": Key(Boolean(), False, "Report a started state."),
    "CELERY_SEND_EVENTS": Key(Boolean(), False, "Send monitoring events."),
    "CELERYD_CONCURRENCY": Key(Integer(1), 1, "Worker processes."),
    "CELERYD_PREFETCH_MULTIPLIER": Key(Integer(1), 1, "Tasks a worker process reserves."),
    "CELERYD_MAX_TASKS_PER_CHILD": Key(Optional(Integer(1)), None, "Recycle after N tasks."),
    "CELERYD_TASK_TIME_LIMIT": Key(Optional(Integer(1)), None, "Hard time limit, seconds."),
    "CELERYD_TASK_SOFT_TIME_LIMIT": Key(Optional(Integer(1)), None, "Soft limit, seconds."),
    "BROKER_CONNECTION_TIMEOUT": Key(Number(0), 4.0, "Seconds to wait for the broker."),
    "BROKER_CONNECTION_RETRY": Key(Boolean(), True, "Retry a lost broker connection."),
    "CELERY_BROKER_CONNECTION_MAX_RETRIES": Key(Optional(Integer(0)), None, "Retry limit."),
    "BROKER_USE_SSL": Key(Boolean(), False, "Connect to the broker over TLS."),
    "CELERY_TASK_RESULT_EXPIRES": Key(Optional(Integer(0)), None, "Result lifetime, seconds."),
    "CELERYD_LOG_COLOR": Key(Boolean(), False, "Colour worker logs."),
    "CELERY_REDIRECT_STDOUTS": Key(Boolean(), True, "Log the worker's stdout."),
    "CELERY_IMPORTS": Key(StringList(), [], "Extra task modules to import."),
}

RATELIMIT: Spec = {
    "backend": Key(Choice("database", "redis"), "database", "Where counters live."),
    "redis_url": Key(String(False), "redis://127.0.0.1:6379/0", "Redis server for counters."),
    "login": Key(Rate(), "15/5m", "Login attempts per address and per account."),
    "registration": Key(Rate(), "2/5m", "Registrations per address."),
    "password_reset": Key(Rate(), "5/1h", "Password reset requests per address and account."),
    "mail": Key(Rate(), "5/1h", "Other mail-sending forms per address and account."),
}

JINJA2: Spec = {
    "extensions": Key(StringList(), [], "Extra Jinja2 extensions (dotted names)."),
}

#: Section name -> spec. ``[plugins]`` and ``[DEFAULT]`` are handled by the loader.
SECTIONS: dict[str, Spec] = {
    "mediagoblin": MEDIAGOBLIN,
    "storage:publicstore": STORAGE_PUBLIC,
    "storage:queuestore": STORAGE_QUEUE,
    "media:medium": _media_size(640),
    "media:thumb": _media_size(180),
    "celery": CELERY,
    "ratelimit": RATELIMIT,
    "jinja2": JINJA2,
}

#: Settings an environment variable of the same name overrides: (section, key).
ENVIRONMENT_OVERRIDES: dict[str, tuple[str, str]] = {
    "CELERY_ALWAYS_EAGER": ("celery", "CELERY_ALWAYS_EAGER"),
}
