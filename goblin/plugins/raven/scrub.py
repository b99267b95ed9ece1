"""Keeping secrets out of Sentry events.

Two layers: every value under a key that names a secret is masked, wherever it sits in
the event (headers, form data, cookies, stack-frame variables, extra data); and every
secret *value* the current request carried (its password fields, cookies, CSRF token,
session) is masked wherever it appears, even inside a longer string or under an
innocent-looking name.
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

from raven.processors import Processor

MASK = "********"
SECRET_KEY_RE = re.compile(
    r"pass|secret|token|csrf|cookie|session|authori[sz]ation|dsn|api_?key|pw_hash|signature",
    re.IGNORECASE,
)
#: The request being handled in this context, so the processor can find its secrets.
CURRENT_REQUEST: contextvars.ContextVar = contextvars.ContextVar("goblin_sentry_request")
MIN_SECRET_LENGTH = 4


def request_secrets(request) -> set[str]:
    """The secret values a request carries: sensitive form fields, cookies, session values."""
    values: set[str] = set()
    try:
        for key, value in request.POST.items():
            if isinstance(value, str) and SECRET_KEY_RE.search(key):
                values.add(value)
    except Exception:  # noqa: S110 - a broken body must not stop the report
        pass
    values.update(value for value in request.cookies.values() if isinstance(value, str))
    header = request.headers.get("Cookie")
    if header:
        values.add(header)
    authorization = request.headers.get("Authorization")
    if authorization:
        values.add(authorization)
    if "session" in request.__dict__:  # only a session already loaded: never make one here
        values.update(v for v in request.session.values() if isinstance(v, str))
    return {value for value in values if len(value) >= MIN_SECRET_LENGTH}


def scrub(value: Any, secrets: set[str], key: str | None = None) -> Any:
    if key is not None and SECRET_KEY_RE.search(str(key)):
        return MASK
    if isinstance(value, dict):
        return {k: scrub(v, secrets, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Raven stores headers and form data as [name, value] pairs too.
        if len(value) == 2 and isinstance(value[0], str) and SECRET_KEY_RE.search(value[0]):
            # The "name" may be any string that mentions a secret's name (a repr of the
            # form data, say): it is scrubbed like any other string.
            return [scrub(value[0], secrets), MASK]
        return [scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value
    return value


class ScrubSecretsProcessor(Processor):
    """A raven processor applying ``scrub`` to the whole event."""

    def process(self, data, **kwargs):
        request = CURRENT_REQUEST.get(None)
        secrets = request_secrets(request) if request is not None else set()
        return scrub(data, secrets)
