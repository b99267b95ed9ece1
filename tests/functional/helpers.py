"""Small helpers for the functional tests: read what a browser would read, count rows."""

from __future__ import annotations

import datetime as dt

import webtest
from sqlalchemy import func, select

from goblin.db import session_scope
from goblin.db.models import LoginSession, MediaEntry, User

SESSION_COOKIE = "MGSession"
HTTPS = {"wsgi.url_scheme": "https", "HTTP_HOST": "localhost:443"}
BRANDED_403 = "You can't do that here"
CSRF_REASON = "The form you sent had expired or did not come from this site"


def csrf_token(testapp: webtest.TestApp, url: str = "/auth/login/", **kwargs) -> str:
    """The CSRF token a page's first form carries (it also starts the session)."""
    return testapp.get(url, **kwargs).forms[0]["csrf_token"].value


def session_cookies(response) -> list[str]:
    """The Set-Cookie headers of ``response`` that set the session cookie."""
    return [
        header
        for header in response.headers.getall("Set-Cookie")
        if header.startswith(f"{SESSION_COOKIE}=")
    ]


def cookie_attributes(set_cookie: str) -> set[str]:
    """The attributes of one Set-Cookie header, lower-cased: {'httponly', 'samesite=lax'...}."""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def who_is_logged_in(testapp: webtest.TestApp, **kwargs) -> str | None:
    """The username the header shows on the front page, or None for an anonymous visitor."""
    page = testapp.get("/", **kwargs)
    whoami = page.html.select_one(".whoami strong")
    if whoami is None:
        assert "Log in" in page.html.select_one(".account-nav").get_text()
        return None
    return whoami.get_text(strip=True)


def count_users(site, **filters) -> int:
    with session_scope(site.registry) as dbsession:
        query = select(func.count(User.id)).filter_by(**filters)
        return dbsession.scalar(query)


def get_user(site, username: str) -> dict | None:
    """A user's row as plain values (username, email, pw_hash, privileges) or None."""
    with session_scope(site.registry) as dbsession:
        user = dbsession.scalar(select(User).where(User.username == username))
        if user is None:
            return None
        return {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "pw_hash": user.pw_hash,
            "privileges": user.privilege_names(),
        }


def set_pw_hash(site, username: str, pw_hash: str) -> None:
    with session_scope(site.registry) as dbsession:
        dbsession.scalar(select(User).where(User.username == username)).pw_hash = pw_hash


def count_login_sessions(site, user_id: int | None = None) -> int:
    with session_scope(site.registry) as dbsession:
        query = select(func.count(LoginSession.id))
        if user_id is not None:
            query = query.where(LoginSession.user_id == user_id)
        return dbsession.scalar(query)


def add_media(site, user_id: int, count: int, *, state: str = "processed", start: int = 0):
    """Add ``count`` image entries titled 'Entry <n>', one minute apart (higher n is newer)."""
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with session_scope(site.registry) as dbsession:
        for number in range(start, start + count):
            dbsession.add(
                MediaEntry(
                    actor=user_id,
                    title=f"Entry {number}",
                    slug=f"entry-{number}",
                    media_type="image",
                    state=state,
                    created=base + dt.timedelta(minutes=number),
                )
            )
