"""CSRF on every POST, the session cookie's flags, and the headers every response carries."""

from __future__ import annotations

import os

import pytest

from tests.conftest import login
from tests.functional.helpers import (
    BRANDED_403,
    CSRF_REASON,
    HTTPS,
    SESSION_COOKIE,
    cookie_attributes,
    count_login_sessions,
    count_users,
    csrf_token,
    session_cookies,
    who_is_logged_in,
)

OPEN = {"mediagoblin": {"allow_registration": "true"}}
NEW_USER = {"username": "newbie", "email": "newbie@example.org", "password": "long enough"}
ALICE = {"username": "alice", "password": "correct horse"}


def assert_csrf_page(response) -> None:
    assert response.status_int == 403
    assert BRANDED_403 in response
    assert CSRF_REASON in response
    assert "Test Goblin" in response.html.title.get_text()
    assert response.html.select_one("header.site-header") is not None


# --- CSRF --------------------------------------------------------------------------------


def test_login_without_the_right_token_is_refused(site, app, alice):
    csrf_token(app)  # the visitor has a session and a real token, just not in this POST
    for token in (None, "", "not-the-token"):
        fields = dict(ALICE) if token is None else {**ALICE, "csrf_token": token}

        response = app.post("/auth/login/", fields, status=403)

        assert_csrf_page(response)
    assert who_is_logged_in(app) is None
    assert count_login_sessions(site) == 0


def test_login_with_another_sessions_token_is_refused(site, app, alice):
    foreign_token = csrf_token(site.testapp())
    csrf_token(app)

    response = app.post("/auth/login/", {**ALICE, "csrf_token": foreign_token}, status=403)

    assert_csrf_page(response)
    assert who_is_logged_in(app) is None


def test_registration_without_the_right_token_creates_nobody(make_site):
    site = make_site(sections=OPEN)
    app = site.testapp()
    csrf_token(app, "/auth/register/")
    for token in (None, "not-the-token"):
        fields = dict(NEW_USER) if token is None else {**NEW_USER, "csrf_token": token}

        response = app.post("/auth/register/", fields, status=403)

        assert_csrf_page(response)
    assert count_users(site) == 0
    assert who_is_logged_in(app) is None


def test_logout_without_the_right_token_keeps_you_logged_in(site, app, alice):
    login(app, "alice", "correct horse")
    for fields in ({}, {"csrf_token": "not-the-token"}):
        response = app.post("/auth/logout/", fields, status=403)

        assert_csrf_page(response)
    assert who_is_logged_in(app) == "alice"
    assert count_login_sessions(site, alice) == 1


def test_the_token_may_come_in_the_x_csrf_token_header(app, alice):
    login(app, "alice", "correct horse")
    token = app.get("/auth/logout/").forms[0]["csrf_token"].value

    app.post("/auth/logout/", headers={"X-CSRF-Token": token}, status=302)

    assert who_is_logged_in(app) is None


def test_https_post_from_another_origin_is_refused(site, app, alice):
    token = csrf_token(app, extra_environ=HTTPS)
    fields = {**ALICE, "csrf_token": token}

    for headers in (
        {},  # neither Origin nor Referer
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/login"},
        {"Origin": "http://localhost"},  # the site itself, but over plain http
    ):
        response = app.post(
            "/auth/login/", fields, headers=headers, extra_environ=HTTPS, status="*"
        )
        assert response.status_int == 403, headers
        assert CSRF_REASON in response, headers

    assert count_login_sessions(site) == 0
    response = app.post(
        "/auth/login/",
        fields,
        headers={"Origin": "https://localhost"},
        extra_environ=HTTPS,
    )
    assert response.status_int == 302


# --- the session cookie --------------------------------------------------------------------


def test_anonymous_pages_set_no_cookie(app):
    for url, status in (("/", 200), ("/?page=2", 200), ("/no/such/page/", 404)):
        response = app.get(url, status=status)
        assert response.headers.getall("Set-Cookie") == [], url
    assert app.get("/auth/logout/").headers.getall("Set-Cookie") == []
    assert SESSION_COOKIE not in app.cookies


def test_session_cookie_is_httponly_and_samesite_lax_without_secure_over_http(app, alice):
    (login_page_cookie,) = session_cookies(app.get("/auth/login/"))
    (logged_in_cookie,) = session_cookies(login(app, "alice", "correct horse"))

    for header in (login_page_cookie, logged_in_cookie):
        attributes = cookie_attributes(header)
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert "path=/" in attributes
        assert "secure" not in attributes


def test_session_cookie_is_secure_over_https(app, alice):
    page = app.get("/auth/login/", extra_environ=HTTPS)
    (login_page_cookie,) = session_cookies(page)
    form = page.forms[0]
    form["username"], form["password"] = "alice", "correct horse"
    # WebTest sends the page's address as Referer, as a browser would.
    response = form.submit(extra_environ=HTTPS)
    (logged_in_cookie,) = session_cookies(response)

    for header in (login_page_cookie, logged_in_cookie):
        assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(header)
    assert who_is_logged_in(app, extra_environ=HTTPS) == "alice"


def test_a_logged_in_page_view_does_not_rewrite_the_cookie(app, alice):
    login(app, "alice", "correct horse").follow()  # shows (and so clears) the welcome flash

    response = app.get("/")

    assert response.html.select_one(".whoami strong").get_text() == "alice"
    assert session_cookies(response) == []


# --- headers on every response ---------------------------------------------------------------


def assert_security_headers(response, referrer_policy: str = "same-origin") -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == referrer_policy


def test_every_kind_of_page_carries_the_security_headers(app, alice):
    responses = {
        "front page": app.get("/"),
        "login page": app.get("/auth/login/"),
        "404": app.get("/no/such/page/", status=404),
        "403": app.post("/auth/login/", ALICE, status=403),
        "static file": app.get("/mgoblin_static/css/base.css"),
        "missing static file": app.get("/mgoblin_static/css/nope.css", status=404),
        "redirect": login(app, "alice", "correct horse"),
        "logout page": app.get("/auth/logout/"),
        "registration closed": app.get("/auth/register/", status=403),
    }

    for name, response in responses.items():
        try:
            assert_security_headers(response)
        except (AssertionError, KeyError) as exc:
            raise AssertionError(f"{name}: {exc!r}") from exc


def test_referrer_policy_follows_no_referrer(make_site):
    app = make_site(sections={"mediagoblin": {"no_referrer": "false"}}).testapp()

    assert_security_headers(app.get("/"), referrer_policy="strict-origin-when-cross-origin")


@pytest.fixture
def media_html(site):
    """An HTML file with a script, put into the public store by hand."""
    folder = os.path.join(site.folder, "user_dev", "media", "public", "media_entries", "1")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "x.html"), "w", encoding="utf-8") as handle:
        handle.write("<html><body><script>alert(document.cookie)</script></body></html>")
    return "/mgoblin_media/media_entries/1/x.html"


def assert_sandboxed(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = {part.strip().split(" ")[0] for part in csp.split(";")}
    assert "sandbox" in directives
    assert "default-src 'none'" in csp
    assert "script-src" not in directives
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_media_files_are_served_sandboxed(app, media_html):
    response = app.get(media_html)

    assert response.status_int == 200
    assert "<script>alert(document.cookie)</script>" in response.text
    assert_sandboxed(response)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_media_files_are_sandboxed_behind_a_path_prefix(app, media_html):
    """Mounted under /goblin (SCRIPT_NAME), the media route still gets the sandbox."""
    response = app.get(media_html, extra_environ={"SCRIPT_NAME": "/goblin"})

    assert response.status_int == 200
    assert_sandboxed(response)


def test_missing_media_file_is_a_plain_404(app, media_html):
    response = app.get("/mgoblin_media/media_entries/1/nope.html", status=404)

    assert "Sorry, we couldn't find that page" in response.html.get_text()


def test_media_url_cannot_reach_outside_the_public_store(site, app, media_html):
    secret_file = "crypto/itsdangeroussecret.bin"
    assert os.path.exists(os.path.join(site.folder, "user_dev", secret_file))

    for path in (
        f"/mgoblin_media/../../{secret_file}",
        f"/mgoblin_media/..%2F..%2F{secret_file}",
        f"/mgoblin_media/%2E%2E/%2E%2E/{secret_file}",
    ):
        response = app.get(path, status="*")
        assert response.status_int == 404, path
        assert response.content_type == "text/html", path
