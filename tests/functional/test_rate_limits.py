"""Rate limits on the forms that can be abused, through the real pages: login, registration,
password reset and the other forms that send mail. Counters live in the database (or Redis)
and are shared by every process of a site.

Counters are fixed windows. A test that needs several attempts to land in one window first
waits, if the current window is about to end, for the next one to begin (``fresh_window``);
nothing here measures how long anything takes.
"""

from __future__ import annotations

import time
import uuid

import pytest
import webtest
from sqlalchemy import func, select

from goblin.config.spec import RATELIMIT
from goblin.db import session_scope
from goblin.db.models import RateLimitCounter
from goblin.ratelimit import DatabaseBackend, RedisBackend
from tests.conftest import login
from tests.functional.account_helpers import (
    LOGIN_FAILED,
    OPEN,
    PASSWORD,
    TOO_MANY,
    ask_password_reset,
    browser,
    form_to,
    form_with,
    log_in,
    mails_to,
    outbox,
    register,
)
from tests.functional.helpers import count_login_sessions, count_users, who_is_logged_in

MINUTES_5 = 300
HOUR = 3600
REDIS_URL = "redis://127.0.0.1:6379/0"


def fresh_window(period: int, margin: int = 20) -> None:
    """Wait for the next window if fewer than ``margin`` seconds are left in this one."""
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.5)


def from_address(testapp: webtest.TestApp, address: str) -> webtest.TestApp:
    """A browser on ``testapp``'s running app whose requests come from ``address``."""
    return webtest.TestApp(testapp.app, extra_environ={"REMOTE_ADDR": address})


def try_login(testapp: webtest.TestApp, username: str, password: str):
    form = form_with(testapp.get("/auth/login/"), "username")
    form["username"] = username
    form["password"] = password
    return form.submit(status="*")


def assert_limited(response, period: int) -> None:
    """``response`` is the 429 page, with a Retry-After within the window."""
    assert response.status_int == 429, response.status
    assert 1 <= int(response.headers["Retry-After"]) <= period
    assert "429 Too Many Requests" in response.text
    assert TOO_MANY in response.html.get_text(" ", strip=True)


def counter_rows(site) -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(select(func.count()).select_from(RateLimitCounter))


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def unique_folder(tmp_path) -> str:
    """A site folder of its own: the limiter namespaces its Redis keys by the ini path."""
    return str(tmp_path / f"site-{uuid.uuid4().hex}")


# --- the defaults ------------------------------------------------------------------------


def test_default_rates_are_the_documented_ones(make_site):
    site = make_site(sections={"ratelimit": None})

    limiter = site.registry.rate_limiter

    assert limiter.rates == {
        "login": (15, 5 * 60),
        "registration": (2, 5 * 60),
        "password_reset": (5, 60 * 60),
        "mail": (5, 60 * 60),
    }
    assert isinstance(limiter.backend, DatabaseBackend)
    assert {name: RATELIMIT[name].default for name in limiter.rates} == {
        "login": "15/5m",
        "registration": "2/5m",
        "password_reset": "5/1h",
        "mail": "5/1h",
    }


def test_default_login_limit_is_15_per_5_minutes(make_site):
    site = make_site(sections={"ratelimit": None})
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    fresh_window(MINUTES_5)

    for attempt in range(15):
        assert LOGIN_FAILED in try_login(app, "alice", "wrong horse"), attempt

    assert_limited(try_login(app, "alice", PASSWORD), MINUTES_5)
    assert count_login_sessions(site) == 0


def test_default_registration_limit_is_2_per_5_minutes(make_site):
    site = make_site(sections={**OPEN, "ratelimit": None})
    app = site.testapp()
    fresh_window(MINUTES_5)

    assert register(browser(app), "first").status_int == 302
    assert register(browser(app), "second").status_int == 302
    third = register(browser(app), "third")

    assert_limited(third, MINUTES_5)
    assert count_users(site) == 2
    assert mails_to(app, "third@example.org") == []


# --- login -------------------------------------------------------------------------------


def test_fourth_login_from_one_address_is_refused_even_with_the_right_password(make_site):
    site = make_site(sections={"ratelimit": {"login": "3/5m"}})
    site.add_user("alice", PASSWORD)
    site.add_user("bob", "battery staple")
    app = from_address(site.testapp(), "10.0.0.1")
    fresh_window(MINUTES_5)
    for _ in range(3):
        assert LOGIN_FAILED in try_login(app, "alice", "wrong horse")

    response = try_login(app, "alice", PASSWORD)

    assert_limited(response, MINUTES_5)
    assert who_is_logged_in(app) is None
    assert count_login_sessions(site) == 0
    # Another account from the same address is refused as well...
    assert_limited(try_login(app, "bob", "battery staple"), MINUTES_5)
    # ...while another address may log in to another account.
    elsewhere = from_address(app, "10.0.0.2")
    assert try_login(elsewhere, "bob", "battery staple").status_int == 302


def test_login_attempts_on_one_account_are_limited_across_addresses(make_site):
    site = make_site(sections={"ratelimit": {"login": "3/5m"}})
    site.add_user("alice", PASSWORD)
    site.add_user("bob", "battery staple")
    app = site.testapp()
    fresh_window(MINUTES_5)
    for number in range(1, 4):
        attacker = from_address(app, f"10.0.0.{number}")
        assert LOGIN_FAILED in try_login(attacker, "alice", "wrong horse")

    response = try_login(from_address(app, "10.0.0.4"), "ALICE", PASSWORD)

    assert_limited(response, MINUTES_5)
    assert count_login_sessions(site) == 0
    # Other accounts are not locked out by alice's attackers.
    assert try_login(from_address(app, "10.0.0.5"), "bob", "battery staple").status_int == 302


def test_naming_the_account_by_email_shares_its_counter(make_site):
    site = make_site(sections={"ratelimit": {"login": "3/5m"}})
    site.add_user("alice", PASSWORD, email="alice@example.org")
    app = site.testapp()
    fresh_window(MINUTES_5)
    assert LOGIN_FAILED in try_login(from_address(app, "10.0.1.1"), "alice", "wrong horse")
    for number in (2, 3):
        attacker = from_address(app, f"10.0.1.{number}")
        assert LOGIN_FAILED in try_login(attacker, "alice@example.org", "wrong horse")

    response = try_login(from_address(app, "10.0.1.4"), "Alice@Example.org", PASSWORD)

    assert_limited(response, MINUTES_5)


def test_an_unreachable_redis_lets_people_log_in(make_site):
    # Port 1 on loopback is closed: the counter store is down, the site keeps working.
    site = make_site(
        sections={"ratelimit": {"backend": "redis", "redis_url": "redis://127.0.0.1:1/0"}}
    )
    site.add_user("alice", PASSWORD)
    app = site.testapp()

    assert try_login(app, "alice", PASSWORD).status_int == 302


def test_changing_the_password_counts_as_login_attempts(make_site):
    site = make_site(sections={"ratelimit": {"login": "3/5m"}})
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    fresh_window(MINUTES_5)
    log_in(app, "alice")  # attempt 1
    before = count_login_sessions(site)

    for _ in range(2):  # attempts 2 and 3: guesses at the old password
        form = form_with(app.get("/edit/password/"), "old_password")
        form["old_password"] = "wrong horse"
        form["new_password"] = "a brand new one"
        assert form.submit().status_int == 200
    form = form_with(app.get("/edit/password/"), "old_password")
    form["old_password"] = PASSWORD
    form["new_password"] = "a brand new one"

    assert_limited(form.submit(status="*"), MINUTES_5)
    assert count_login_sessions(site) == before
    assert who_is_logged_in(app) == "alice"


# --- registration ------------------------------------------------------------------------


def test_registration_attempts_are_limited_per_address_failed_ones_too(make_site):
    site = make_site(sections={**OPEN, "ratelimit": {"registration": "2/5m"}})
    app = site.testapp()
    fresh_window(MINUTES_5)

    assert register(browser(app), "newbie", password="short").status_int == 200
    assert register(browser(app), "newbie").status_int == 302
    third = register(browser(app), "another")

    assert_limited(third, MINUTES_5)
    assert count_users(site) == 1
    # Someone at another address can still register.
    assert register(from_address(app, "10.0.0.9"), "elsewhere").status_int == 302


# --- password reset and other mail -------------------------------------------------------


def test_password_reset_requests_are_limited_without_revealing_accounts(make_site):
    site = make_site(sections={"ratelimit": {"password_reset": "2/1h"}})
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    fresh_window(HOUR)
    for name, address in (("alice", "10.0.1.1"), ("nobody", "10.0.1.2")):
        here = from_address(app, address)
        assert ask_password_reset(here, name).status_int == 302
        assert ask_password_reset(here, name).status_int == 302

        # The third request, from the same address, is refused the same way for both.
        assert_limited(ask_password_reset(here, name, status="*"), HOUR)

    assert len(mails_to(app, "alice@example.org")) == 2


def test_password_reset_requests_for_one_account_are_limited_across_addresses(make_site):
    site = make_site(sections={"ratelimit": {"password_reset": "2/1h"}})
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    fresh_window(HOUR)
    ask_password_reset(from_address(app, "10.0.2.1"), "alice")
    ask_password_reset(from_address(app, "10.0.2.2"), "alice")

    response = ask_password_reset(from_address(app, "10.0.2.3"), "alice", status="*")

    assert_limited(response, HOUR)
    assert len(mails_to(app, "alice@example.org")) == 2


def test_resending_the_verification_link_is_limited(make_site):
    site = make_site(sections={**OPEN, "ratelimit": {"mail": "2/1h"}})
    app = site.testapp()
    fresh_window(HOUR)
    register(app, "newbie")

    def resend():
        page = app.get("/submit/", status=403)
        return form_to(page, "/auth/resend_verification/").submit(status="*")

    assert resend().status_int == 302
    assert resend().status_int == 302

    response = resend()

    assert_limited(response, HOUR)
    assert len(mails_to(app, "newbie@example.org")) == 3  # registration + two resends


def test_changing_the_email_address_is_limited(make_site):
    site = make_site(sections={"ratelimit": {"mail": "2/1h"}})
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    fresh_window(HOUR)
    log_in(app, "alice")

    def change_email(address: str):
        form = form_with(app.get("/edit/email/"), "new_email")
        form["new_email"] = address
        form["password"] = PASSWORD
        return form.submit(status="*")

    assert change_email("one@new.example").status_int == 302
    assert change_email("two@new.example").status_int == 302

    assert_limited(change_email("three@new.example"), HOUR)
    assert mails_to(app, "three@new.example") == []
    assert len(outbox(app)) == 4  # a link and a notice for each of the first two


# --- shared between processes ------------------------------------------------------------


def test_two_processes_share_the_database_counters(make_site):
    site = make_site(sections={"ratelimit": {"login": "3/5m"}})
    site.add_user("alice", PASSWORD)
    first, second = site.testapp(), site.testapp()
    assert first.app is not second.app
    fresh_window(MINUTES_5)

    assert LOGIN_FAILED in try_login(first, "alice", "wrong horse")
    assert LOGIN_FAILED in try_login(second, "alice", "wrong horse")
    assert LOGIN_FAILED in try_login(first, "alice", "wrong horse")

    assert_limited(try_login(second, "alice", PASSWORD), MINUTES_5)
    assert counter_rows(site) > 0


@pytest.fixture
def redis_sections():
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return {"ratelimit": {"backend": "redis", "redis_url": REDIS_URL, "login": "3/5m"}}


def test_two_processes_share_the_redis_counters(make_site, tmp_path, redis_sections):
    site = make_site(sections=redis_sections, folder=unique_folder(tmp_path))
    site.add_user("alice", PASSWORD)
    first, second = site.testapp(), site.testapp()
    assert isinstance(first.app.registry.rate_limiter.backend, RedisBackend)
    fresh_window(MINUTES_5)

    assert LOGIN_FAILED in try_login(first, "alice", "wrong horse")
    assert LOGIN_FAILED in try_login(second, "alice", "wrong horse")
    assert LOGIN_FAILED in try_login(first, "alice", "wrong horse")

    assert_limited(try_login(second, "alice", PASSWORD), MINUTES_5)
    # The counters were kept in Redis, not in the database.
    assert counter_rows(site) == 0


def test_sites_sharing_one_redis_keep_their_counters_apart(make_site, tmp_path, redis_sections):
    one = make_site(sections=redis_sections, folder=unique_folder(tmp_path))
    two = make_site(sections=redis_sections, folder=unique_folder(tmp_path))
    for site in (one, two):
        site.add_user("alice", PASSWORD)
    one_app, two_app = one.testapp(), two.testapp()
    fresh_window(MINUTES_5)
    for _ in range(3):
        assert LOGIN_FAILED in try_login(one_app, "alice", "wrong horse")
    assert_limited(try_login(one_app, "alice", PASSWORD), MINUTES_5)

    assert login(two_app, "alice", PASSWORD).status_int == 302
