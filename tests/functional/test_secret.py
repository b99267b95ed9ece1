"""The site secret: made on first start, kept across restarts, and deleting it ends sessions."""

from __future__ import annotations

import os
import stat

import pytest
import webtest

from tests.conftest import login

SESSION_COOKIE = "MGSession"


def secret_path(site) -> str:
    return os.path.join(site.folder, "user_dev", "crypto", "itsdangeroussecret.bin")


def read_secret(site) -> bytes:
    with open(secret_path(site), "rb") as handle:
        return handle.read()


def mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def logged_in_as(testapp: webtest.TestApp) -> str | None:
    """The name the page header shows as logged in, or None when it offers 'Log in'."""
    nav = testapp.get("/").html.select_one(".account-nav")
    whoami = nav.select_one(".whoami strong")
    if whoami is None:
        assert "Log in" in nav.get_text()
        return None
    return whoami.get_text(strip=True)


def logged_in_cookie(site, testapp: webtest.TestApp) -> str:
    login(testapp, "alice", "correct horse")
    assert logged_in_as(testapp) == "alice"
    return testapp.cookies[SESSION_COOKIE]


def browser_with(site, cookie: str) -> webtest.TestApp:
    """A new app built from the site's files (a restart), with a saved session cookie."""
    testapp = site.testapp()
    testapp.set_cookie(SESSION_COOKIE, cookie)
    return testapp


def test_first_start_creates_a_private_secret(site):
    path = secret_path(site)
    assert not os.path.exists(os.path.dirname(path))
    site.testapp()
    assert mode(os.path.dirname(path)) == 0o700
    assert mode(path) == 0o600
    secret = read_secret(site)
    # MediaGoblin's format: a 192-bit random number as decimal text.
    assert secret.isdigit()
    assert 0 < int(secret) < 2**192
    assert len(secret) > 40
    assert os.listdir(os.path.dirname(path)) == ["itsdangeroussecret.bin"]


def test_restart_reuses_the_secret_and_keeps_people_logged_in(site, app, alice):
    before = read_secret(site)
    cookie = logged_in_cookie(site, app)
    restarted = browser_with(site, cookie)
    assert read_secret(site) == before
    assert logged_in_as(restarted) == "alice"


def test_deleting_the_secret_makes_a_new_one_and_ends_every_session(site, app, alice):
    before = read_secret(site)
    cookie = logged_in_cookie(site, app)
    os.remove(secret_path(site))
    restarted = browser_with(site, cookie)
    assert read_secret(site) != before
    assert mode(secret_path(site)) == 0o600
    assert logged_in_as(restarted) is None
    # Logging in again works with the new secret.
    login(restarted, "alice", "correct horse")
    assert logged_in_as(restarted) == "alice"


def test_a_secret_carried_over_from_mediagoblin_is_used(site, alice):
    os.makedirs(os.path.dirname(secret_path(site)), exist_ok=True)
    with open(secret_path(site), "wb") as handle:
        handle.write(b"123456789012345678901234567890123456789012345678901234567\n")
    app = site.testapp()
    cookie = logged_in_cookie(site, app)
    assert read_secret(site) == b"123456789012345678901234567890123456789012345678901234567\n"
    assert logged_in_as(browser_with(site, cookie)) == "alice"


def test_an_empty_secret_file_is_replaced(site, alice):
    """An empty secret would let anyone forge a session cookie; start-up makes a real one."""
    os.makedirs(os.path.dirname(secret_path(site)), exist_ok=True)
    with open(secret_path(site), "wb"):
        pass
    app = site.testapp()
    secret = read_secret(site)
    assert secret.isdigit() and len(secret) > 40
    assert mode(secret_path(site)) == 0o600
    cookie = logged_in_cookie(site, app)
    assert logged_in_as(browser_with(site, cookie)) == "alice"


def test_a_crypto_path_that_cannot_be_a_folder_stops_start_up_with_one_line(site, capsys):
    blocker = os.path.join(site.folder, "not-a-folder")
    with open(blocker, "w", encoding="utf-8") as handle:
        handle.write("a file where the crypto folder should go\n")
    site.rewrite(sections={"mediagoblin": {"crypto_path": "not-a-folder/crypto"}})
    with pytest.raises(SystemExit) as caught:
        site.wsgi_app()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"goblin: {site.ini_path}: [mediagoblin] crypto_path = ")
    assert f"{site.folder}/not-a-folder/crypto" in err
    assert "Not a directory" in err
