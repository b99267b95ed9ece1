"""Sending mail: a service chosen by ``email_debug_mode`` in mediagoblin.ini.

``request.registry.mailer.send(to, subject, body)``. In debug mode the message is logged
(and kept in ``mailer.outbox`` so tests and ``gmg shell`` can read it back) instead of sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

log = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


class DebugMailer:
    """Logs each message instead of sending it."""

    def __init__(self, sender: str) -> None:
        self.sender = sender
        self.outbox: list[EmailMessage] = []

    def send(self, to: str, subject: str, body: str) -> None:
        message = build_message(self.sender, to, subject, body)
        self.outbox.append(message)
        log.info("mail (debug mode, not sent) to %s: %s\n%s", to, subject, body)


class SMTPMailer:
    """Sends through the configured SMTP server (SSL, or STARTTLS when offered or forced)."""

    def __init__(self, settings: dict) -> None:
        self.sender = settings["email_sender_address"]
        self.host = settings["email_smtp_host"] or "localhost"
        self.port = settings["email_smtp_port"]
        self.use_ssl = settings["email_smtp_use_ssl"]
        self.force_starttls = settings["email_smtp_force_starttls"]
        self.user = settings["email_smtp_user"]
        self.password = settings["email_smtp_pass"]
        self.timeout = 30

    def send(self, to: str, subject: str, body: str) -> None:
        message = build_message(self.sender, to, subject, body)
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if not self.use_ssl:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif self.force_starttls:
                    raise smtplib.SMTPException("the SMTP server does not offer STARTTLS")
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


def make_mailer(settings: dict) -> Mailer:
    if settings["email_debug_mode"]:
        return DebugMailer(settings["email_sender_address"])
    return SMTPMailer(settings)


SEND_MAIL_TASK = "goblin.send_mail"


def send_mail(registry, dbsession, to: str, subject: str, body: str) -> None:
    """Send a message once ``dbsession``'s transaction commits, without blocking the page.

    The debug mailer logs at once. Otherwise the message goes to the Celery worker (which
    retries on SMTP errors) or, when processing is eager or the broker is unreachable, to
    a background thread of this process.
    """
    from goblin.db import call_after_commit

    call_after_commit(dbsession, deliver, registry, to, subject, body)


def deliver(registry, to: str, subject: str, body: str) -> None:
    mailer = registry.mailer
    if isinstance(mailer, DebugMailer):
        mailer.send(to, subject, body)
        return
    celery_app = registry.celery_app
    if not celery_app.conf.task_always_eager:
        try:
            celery_app.tasks[SEND_MAIL_TASK].apply_async(args=[to, subject, body], retry=False)
            return
        except Exception as exc:
            log.warning("mail to %s: broker unreachable (%s); sending from this process", to, exc)
    registry.mail_executor.submit(send_logged, mailer, to, subject, body)


def send_logged(mailer: Mailer, to: str, subject: str, body: str) -> None:
    try:
        mailer.send(to, subject, body)
    except Exception:
        log.exception("mail to %s (%s) could not be sent", to, subject)


def send_mail_task(task, to: str, subject: str, body: str) -> None:
    """Celery task: send one message, retrying with back-off when the server fails."""
    try:
        task.app.goblin_registry.mailer.send(to, subject, body)
    except (smtplib.SMTPException, OSError) as exc:
        raise task.retry(
            exc=exc, countdown=min(3600, 30 * 2**task.request.retries), max_retries=8
        ) from None


def includeme(config) -> None:
    from concurrent.futures import ThreadPoolExecutor

    config.registry.mailer = make_mailer(config.registry.goblin_config.mediagoblin)
    config.registry.mail_executor = ThreadPoolExecutor(
        max_workers=2, thread_name_prefix="goblin-mail"
    )
