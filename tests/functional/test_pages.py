"""The base pages: front page, the header on every page, and the 404, 403 and 500 pages."""

from __future__ import annotations

import contextlib

from sqlalchemy import event, select

from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login
from tests.functional.helpers import (
    BRANDED_403,
    CSRF_REASON,
    add_media,
    count_users,
    who_is_logged_in,
)
from tests.plugins.boom import BOOM_USERNAME

NOT_FOUND = "Sorry, we couldn't find that page"
SERVER_ERROR = "Something went wrong on our side"
BOOM = {"tests.plugins.boom": {}}


def titles(page) -> list[str]:
    return [span.get_text(strip=True) for span in page.html.select(".media-title")]


def pager_links(page) -> dict[str, str]:
    return {link["rel"][0]: link["href"] for link in page.html.select(".pager a[rel]")}


def assert_site_layout(page, html_title: str = "Test Goblin") -> None:
    assert html_title in page.html.title.get_text()
    assert page.html.select_one("header.site-header .brand").get_text(strip=True) == html_title
    assert page.html.select_one("footer.site-footer") is not None


@contextlib.contextmanager
def counting_queries(site):
    """Count the SQL statements the site's engine runs inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = site.registry.dbengine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


# --- front page ---------------------------------------------------------------------------


def test_front_page_empty_state(app):
    page = app.get("/")

    assert page.status_int == 200
    assert_site_layout(page)
    assert "Welcome to Test Goblin" in page.html.h1.get_text()
    assert "Nothing has been published here yet." in page
    assert page.html.select(".media-card") == []
    assert page.html.select_one(".empty-state a[href='http://localhost/auth/login/']") is not None


def test_html_title_from_the_config_is_in_title_and_header(make_site):
    app = make_site(sections={"mediagoblin": {"html_title": "Goblins & <Friends>"}}).testapp()

    page = app.get("/")

    assert page.html.title.get_text() == "Goblins & <Friends>"
    assert "<title>Goblins &amp; &lt;Friends&gt;</title>" in page.text
    assert_site_layout(page, "Goblins & <Friends>")
    assert "Goblins & <Friends>" in app.get("/auth/login/").html.title.get_text()


def test_header_shows_a_login_link_when_anonymous(app):
    nav = app.get("/").html.select_one("header .account-nav")

    assert nav.select_one("a[href='http://localhost/auth/login/']").get_text() == "Log in"
    assert nav.select_one(".whoami") is None
    assert nav.select_one("form") is None
    assert "Create an account" not in nav.get_text()


def test_header_offers_registration_when_it_is_open(make_site):
    app = make_site(sections={"mediagoblin": {"allow_registration": "true"}}).testapp()

    nav = app.get("/").html.select_one("header .account-nav")

    link = nav.select_one("a[href='http://localhost/auth/register/']")
    assert link.get_text(strip=True) == "Create an account"


def test_header_shows_the_user_and_a_logout_button_when_logged_in(app, alice):
    page = login(app, "alice", "correct horse").follow()

    nav = page.html.select_one("header .account-nav")
    assert nav.select_one(".whoami").get_text(" ", strip=True) == "Logged in as alice"
    logout = nav.select_one("form[action='http://localhost/auth/logout/']")
    assert logout["method"] == "post"
    assert logout.select_one("input[name=csrf_token]")["value"]
    assert logout.select_one("button").get_text(strip=True) == "Log out"
    assert nav.select_one("a[href='http://localhost/auth/login/']") is None


def test_flash_message_appears_once_after_login(app, alice):
    page = login(app, "alice", "correct horse").follow()

    messages = [item.get_text(strip=True) for item in page.html.select(".messages li")]
    assert messages == ["Welcome back, alice!"]
    assert app.get("/").html.select(".messages li") == []


def test_front_page_lists_processed_media_newest_first(site, app, alice):
    add_media(site, alice, 3)
    add_media(site, alice, 2, state="unprocessed", start=100)
    add_media(site, alice, 1, state="processing", start=200)
    add_media(site, alice, 1, state="failed", start=300)

    page = app.get("/")

    assert titles(page) == ["Entry 2", "Entry 1", "Entry 0"]
    assert pager_links(page) == {}
    assert "Nothing has been published here yet." not in page


def test_front_page_paginates(site, app, alice):
    add_media(site, alice, 40)

    first = app.get("/")
    assert titles(first) == [f"Entry {n}" for n in range(39, 9, -1)]
    assert pager_links(first) == {"next": "?page=2"}

    second = first.click(linkid=None, href=r"\?page=2")
    assert titles(second) == [f"Entry {n}" for n in range(9, -1, -1)]
    assert pager_links(second) == {"prev": "?page=1"}

    beyond = app.get("/?page=3")
    assert titles(beyond) == []
    assert "There is nothing on this page." in beyond
    assert beyond.html.select_one(".empty-state a[href='http://localhost/']") is not None


def test_a_malformed_page_number_shows_the_first_page(site, app, alice):
    add_media(site, alice, 2)

    for query in ("?page=abc", "?page=-4", "?page=0", "?page=", "?page=1e9"):
        page = app.get("/" + query)
        assert page.status_int == 200, query
        assert titles(page) == ["Entry 1", "Entry 0"], query


def test_front_page_query_count_does_not_grow_with_the_entries(site, app, alice):
    add_media(site, alice, 3)
    app.get("/")  # connect and warm up once, so both counts see the same conditions
    with counting_queries(site) as few_queries:
        assert len(titles(app.get("/"))) == 3

    add_media(site, alice, 37, start=3)
    with counting_queries(site) as many_queries:
        assert len(titles(app.get("/"))) == 30

    assert len(few_queries) == len(many_queries)


def test_front_page_query_count_logged_in(site, app, alice):
    login(app, "alice", "correct horse").follow()
    add_media(site, alice, 3)
    with counting_queries(site) as few_queries:
        app.get("/")

    add_media(site, alice, 37, start=3)
    with counting_queries(site) as many_queries:
        app.get("/")

    assert len(few_queries) == len(many_queries)


def test_media_titles_are_escaped(site, app, alice):
    add_media(site, alice, 1)
    with session_scope(site.registry) as dbsession:
        entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == "Entry 0"))
        entry.title = "<script>alert(1)</script>"

    page = app.get("/")

    assert titles(page) == ["<script>alert(1)</script>"]
    assert "<script>alert(1)</script>" not in page.text


# --- error pages ---------------------------------------------------------------------------


def test_unknown_url_gets_the_branded_404(app):
    page = app.get("/no/such/page/", status=404)

    assert NOT_FOUND in page.html.get_text()
    assert_site_layout(page)
    assert "Not found" in page.html.title.get_text()
    assert page.html.select_one("main a[href='http://localhost/']") is not None


def test_404_page_shows_who_is_logged_in(app, alice):
    login(app, "alice", "correct horse")

    page = app.get("/no/such/page/", status=404)

    assert page.html.select_one(".whoami strong").get_text() == "alice"


def test_missing_slash_redirects_only_to_pages_that_exist(app):
    response = app.get("/auth/login?next=/u/alice/")

    assert response.status_int == 307
    assert response.location == "http://localhost/auth/login/?next=/u/alice/"
    # A missing static file has no page to redirect to: it is a 404 straight away.
    missing = app.get("/mgoblin_static/css/nope.css", status=404)
    assert NOT_FOUND in missing.html.get_text()


def test_csrf_failure_gets_the_branded_403(app):
    page = app.post("/auth/login/", {"username": "alice", "password": "x"}, status=403)

    assert BRANDED_403 in page
    assert CSRF_REASON in page
    assert_site_layout(page)


def test_closed_registration_gets_a_403_in_the_site_layout(app):
    page = app.get("/auth/register/", status=403)

    assert "Registration is closed" in page
    assert_site_layout(page)


def test_unhandled_error_gets_the_branded_500_and_is_rolled_back(make_site):
    site = make_site(plugins=BOOM)
    app = site.testapp()

    page = app.get("/boom/", status=500)

    assert SERVER_ERROR in page
    assert_site_layout(page)
    for leak in ("Traceback", "RuntimeError", "secret-detail", "blew up", 'File "'):
        assert leak not in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    # The view added a user before it failed; the transaction was rolled back.
    assert count_users(site, username=BOOM_USERNAME) == 0
    assert count_users(site) == 0


def test_500_page_keeps_the_visitor_logged_in(make_site):
    site = make_site(plugins=BOOM)
    site.add_user("alice", "correct horse")
    app = site.testapp()
    login(app, "alice", "correct horse").follow()

    page = app.get("/boom/", status=500)

    assert page.html.select_one(".whoami strong").get_text() == "alice"
    assert who_is_logged_in(app) == "alice"
    assert count_users(site, username=BOOM_USERNAME) == 0
