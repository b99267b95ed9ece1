"""Helpers for the account tests: read the site's mail back, follow its links, fill forms.

Mail is read from the debug mailer's outbox, the app's own record of what it sent; links in
the messages are absolute and are followed by their path and query, as a browser would.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from urllib.parse import urlsplit

import webtest

PASSWORD = "correct horse"
OPEN = {"mediagoblin": {"allow_registration": "true"}}
IMAGE_PLUGIN = {"goblin.media_types.image": {}}
UNVERIFIED = "Please verify your email address first"
BAD_LINK = "This link doesn't work"
FORGOT_ANSWER = (
    "If that matches an account, we have sent a link to its email address. "
    "Open it to choose a new password."
)
LOGIN_FAILED = "That username or email and password don't match an account."
CSRF_REASON = "The form you sent had expired or did not come from this site"
TOO_MANY = "You have tried this too many times."

_URL = re.compile(r"https?://\S+")


def browser(testapp: webtest.TestApp) -> webtest.TestApp:
    """Another browser (its own cookies) on the same running app as ``testapp``."""
    return webtest.TestApp(testapp.app)


def outbox(testapp: webtest.TestApp) -> list[EmailMessage]:
    """Every message the app has sent so far (its debug mailer keeps them)."""
    return testapp.app.registry.mailer.outbox


def mails_to(testapp: webtest.TestApp, address: str) -> list[EmailMessage]:
    return [message for message in outbox(testapp) if message["To"] == address]


def body(message: EmailMessage) -> str:
    return message.get_content()


def links_in(message: EmailMessage, path: str) -> list[str]:
    """The links to ``path`` in ``message`` as path and query, checking they are absolute."""
    found = []
    for url in _URL.findall(body(message)):
        parts = urlsplit(url)
        if parts.path == path:
            assert parts.scheme and parts.netloc, url
            found.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    return found


def link_in(message: EmailMessage, path: str) -> str:
    """The one link to ``path`` in ``message``, as path and query."""
    found = links_in(message, path)
    assert len(found) == 1, (path, body(message))
    return found[0]


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


def form_with(page, field: str) -> webtest.forms.Form:
    """The first form on ``page`` with ``field`` (the header's logout form comes first)."""
    return next(form for form in page.forms.values() if field in form.fields)


def form_to(page, action_end: str) -> webtest.forms.Form:
    """The form on ``page`` whose action ends with ``action_end``."""
    return next(form for form in page.forms.values() if form.action.endswith(action_end))


def flash_messages(page) -> list[str]:
    return [item.get_text(" ", strip=True) for item in page.html.select(".messages .message")]


def field_errors(page) -> list[str]:
    return [error.get_text(strip=True) for error in page.html.select(".field-error")]


def log_in(testapp: webtest.TestApp, username: str, password: str = PASSWORD):
    """Log in through the form and check it worked."""
    page = testapp.get("/auth/login/")
    form = form_with(page, "username")
    form["username"] = username
    form["password"] = password
    response = form.submit()
    assert response.status_int == 302, response.text
    return response


def register(
    testapp: webtest.TestApp,
    username: str = "newbie",
    email: str | None = None,
    password: str = "long enough",
    url: str = "/auth/register/",
    **fields: str,
):
    """Fill in the registration form at ``url`` and send it; returns the response."""
    form = form_with(testapp.get(url), "username")
    form["username"] = username
    form["email"] = email or f"{username}@example.org"
    form["password"] = password
    for name, value in fields.items():
        form[name] = value
    return form.submit(status="*")


def ask_password_reset(testapp: webtest.TestApp, name: str, **kwargs):
    form = form_with(testapp.get("/auth/forgot_password/"), "username")
    form["username"] = name
    return form.submit(**kwargs)


def csrf_of(page) -> str:
    return form_with(page, "csrf_token")["csrf_token"].value
