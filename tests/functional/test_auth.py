"""Logging in, logging out and registering, through the real forms of a real site."""

from __future__ import annotations

from urllib.parse import urlencode

import bcrypt

from tests.conftest import login
from tests.functional.helpers import (
    SESSION_COOKIE,
    count_login_sessions,
    count_users,
    csrf_token,
    get_user,
    set_pw_hash,
    who_is_logged_in,
)

FRONT_PAGE = "http://localhost/"
LOGIN_FAILED = "That username or email and password don't match an account."
OPEN = {"mediagoblin": {"allow_registration": "true"}}
# MediaGoblin used bcrypt.gensalt()'s default of 12 rounds; the hash format is the same at 4,
# which keeps the tests fast.
CHEAP_BCRYPT_ROUNDS = 4


def login_page(testapp, next_url: str | None = None):
    return testapp.get("/auth/login/" + (f"?{urlencode({'next': next_url})}" if next_url else ""))


def submit_login(page, username: str, password: str, **kwargs):
    form = next(form for form in page.forms.values() if "username" in form.fields)
    form["username"] = username
    form["password"] = password
    return form.submit(**kwargs)


def register(testapp, username="newbie", email="newbie@example.org", password="long enough"):
    form = testapp.get("/auth/register/").forms[0]
    form["username"] = username
    form["email"] = email
    form["password"] = password
    return form.submit(status="*")


# --- logging in -------------------------------------------------------------------------


def test_login_by_username_or_email_in_any_case(site, alice):
    for name in ["alice", "ALICE", " Alice ", "alice@example.org", "Alice@EXAMPLE.org"]:
        app = site.testapp()

        response = login(app, name, "correct horse")

        assert response.status_int == 302, name
        assert response.location == FRONT_PAGE, name
        page = response.follow()
        assert page.html.select_one(".whoami strong").get_text() == "alice", name
        assert "Welcome back, alice!" in page, name


def test_login_by_email_ignores_case_of_the_whole_address(site, app):
    site.add_user("bob", "correct horse", email="Bob.Smith@Example.org")

    response = login(app, "BOB.SMITH@EXAMPLE.ORG", "correct horse")

    assert response.status_int == 302
    assert who_is_logged_in(app) == "bob"


def test_login_page_has_the_mediagoblin_fields(app):
    form = app.get("/auth/login/").forms[0]

    assert {"username", "password", "csrf_token"} <= set(form.fields)
    assert form.method.upper() == "POST"
    assert form["password"].attrs["type"] == "password"


def test_wrong_password_and_unknown_user_look_the_same(site, app, alice):
    wrong_password = submit_login(app.get("/auth/login/"), "alice", "wrong horse!")
    unknown_user = submit_login(app.get("/auth/login/"), "mallory", "wrong horse!")

    assert wrong_password.status_int == unknown_user.status_int == 200
    assert wrong_password.html.select_one(".form-error").get_text(strip=True) == LOGIN_FAILED
    assert unknown_user.html.select_one(".form-error").get_text(strip=True) == LOGIN_FAILED
    # Apart from the name typed back into the form, the two pages are the same.
    assert wrong_password.text.replace("alice", "NAME") == unknown_user.text.replace(
        "mallory", "NAME"
    )
    assert who_is_logged_in(app) is None
    assert count_login_sessions(site) == 0


def test_unknown_user_costs_one_password_verification_like_a_known_one(site, app, alice):
    passwords = site.registry.basic_auth_passwords
    for username in ("alice", "mallory", "mallory@example.org"):
        page = app.get("/auth/login/")
        before = passwords.verifications

        response = submit_login(page, username, "wrong horse!")

        assert LOGIN_FAILED in response, username
        assert passwords.verifications == before + 1, username


def test_successful_login_costs_one_verification(site, app, alice):
    passwords = site.registry.basic_auth_passwords
    page = app.get("/auth/login/")
    before = passwords.verifications

    assert submit_login(page, "alice", "correct horse").status_int == 302
    assert passwords.verifications == before + 1


def test_empty_fields_are_required_and_nobody_is_logged_in(app, alice):
    response = submit_login(app.get("/auth/login/"), "", "")

    assert response.status_int == 200
    assert response.text.count("This field is required.") == 2
    assert who_is_logged_in(app) is None


def test_failed_login_keeps_the_typed_name_escaped(app):
    response = submit_login(app.get("/auth/login/"), '<script>alert("x")</script>', "whatever1")

    assert LOGIN_FAILED in response
    assert "<script>alert" not in response.text
    assert response.forms[0]["username"].value == '<script>alert("x")</script>'


def test_login_honours_next_on_this_site(app, alice):
    response = login(app, "alice", "correct horse", next_url="/u/alice/?page=2")

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/?page=2"


def test_next_survives_a_failed_attempt(app, alice):
    failed = submit_login(login_page(app, "/u/alice/"), "alice", "wrong horse!")
    assert LOGIN_FAILED in failed

    response = submit_login(failed, "alice", "correct horse")

    assert response.location == "http://localhost/u/alice/"


EVIL_NEXTS = [
    "//evil.example",
    "//evil.example/u/alice/",
    "http://evil.example/",
    "https:evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


def test_next_never_leaves_the_site(app, alice):
    for evil in EVIL_NEXTS:
        page = login_page(app, evil)
        assert "evil.example" not in page.text, evil

        response = submit_login(page, "alice", "correct horse")

        assert response.status_int == 302, evil
        assert response.location == FRONT_PAGE, evil


def test_next_posted_directly_never_leaves_the_site(app, alice):
    for evil in ["//evil.example", "http://evil.example/", "/\\evil"]:
        fields = {
            "username": "alice",
            "password": "correct horse",
            "next": evil,
            "csrf_token": csrf_token(app),
        }

        response = app.post("/auth/login/", fields)

        assert response.status_int == 302, evil
        assert response.location == FRONT_PAGE, evil


def test_next_is_escaped_in_the_login_page(app, alice):
    page = login_page(app, '/"><script>alert(1)</script>')

    assert "<script>alert" not in page.text
    assert '"><' not in page.forms[0]["next"].value
    response = submit_login(page, "alice", "correct horse")
    assert response.location.startswith("http://localhost/%22%3E%3Cscript%3E")


def test_next_with_non_ascii_path_redirects_percent_encoded(app, alice):
    response = login(app, "alice", "correct horse", next_url="/tag/%C3%A9t%C3%A9/")

    assert response.status_int == 302
    assert response.location == "http://localhost/tag/%C3%A9t%C3%A9/"


# --- MediaGoblin's bcrypt hashes -------------------------------------------------------


def test_mediagoblin_bcrypt_hash_logs_in_and_is_rehashed_to_argon2id(site, app, alice):
    mediagoblin_hash = bcrypt.hashpw(
        b"old goblin password", bcrypt.gensalt(CHEAP_BCRYPT_ROUNDS)
    ).decode("ascii")
    set_pw_hash(site, "alice", mediagoblin_hash)

    response = login(app, "alice", "old goblin password")

    assert response.status_int == 302
    assert who_is_logged_in(app) == "alice"
    assert get_user(site, "alice")["pw_hash"].startswith("$argon2id$")
    # The new hash is the same password: logging in again still works.
    fresh = site.testapp()
    assert login(fresh, "alice", "old goblin password").status_int == 302


def test_wrong_password_against_a_bcrypt_hash_fails_and_keeps_the_hash(site, app, alice):
    mediagoblin_hash = bcrypt.hashpw(
        b"old goblin password", bcrypt.gensalt(CHEAP_BCRYPT_ROUNDS)
    ).decode("ascii")
    set_pw_hash(site, "alice", mediagoblin_hash)

    response = login(app, "alice", "not the password")

    assert LOGIN_FAILED in response
    assert get_user(site, "alice")["pw_hash"] == mediagoblin_hash


def test_argon2_hash_at_current_parameters_is_left_alone(site, app, alice):
    stored = get_user(site, "alice")["pw_hash"]

    assert login(app, "alice", "correct horse").status_int == 302
    assert get_user(site, "alice")["pw_hash"] == stored


# --- logging out -------------------------------------------------------------------------


def test_logout_get_shows_a_confirm_page(app, alice):
    login(app, "alice", "correct horse")

    page = app.get("/auth/logout/")

    assert page.status_int == 200
    assert "Log out?" in page
    assert who_is_logged_in(app) == "alice"  # looking at the page logs nobody out


def test_logout_get_when_anonymous_goes_to_the_front_page(app):
    response = app.get("/auth/logout/")

    assert response.status_int == 302
    assert response.location == FRONT_PAGE


def test_logout_post_logs_out(site, app, alice):
    login(app, "alice", "correct horse")

    response = app.get("/auth/logout/").forms[0].submit()

    assert response.status_int == 302
    assert response.location == FRONT_PAGE
    page = response.follow()
    assert "You are now logged out." in page
    assert page.html.select_one(".whoami") is None
    assert count_login_sessions(site, alice) == 0


def test_header_logout_button_logs_out(app, alice):
    front = login(app, "alice", "correct horse").follow()

    front.forms[0].submit().follow()

    assert who_is_logged_in(app) is None


def test_logout_ends_the_session_for_good(site, app, alice):
    login(app, "alice", "correct horse")
    saved_cookie = app.cookies[SESSION_COOKIE]
    assert count_login_sessions(site, alice) == 1

    app.get("/auth/logout/").forms[0].submit()
    assert count_login_sessions(site, alice) == 0

    replay = site.testapp()
    replay.set_cookie(SESSION_COOKIE, saved_cookie)
    assert who_is_logged_in(replay) is None
    assert replay.get("/auth/logout/").location == FRONT_PAGE


def test_logging_in_again_ends_the_earlier_login(site, app, alice):
    site.add_user("bob", "battery staple")
    login(app, "alice", "correct horse")
    alice_cookie = app.cookies[SESSION_COOKIE]

    login(app, "bob", "battery staple")

    assert who_is_logged_in(app) == "bob"
    assert count_login_sessions(site, alice) == 0
    replay = site.testapp()
    replay.set_cookie(SESSION_COOKIE, alice_cookie)
    assert who_is_logged_in(replay) is None


def test_login_starts_a_new_session(site, app, alice):
    pre_login_token = csrf_token(app)
    pre_login_cookie = app.cookies[SESSION_COOKIE]

    login(app, "alice", "correct horse")

    assert app.cookies[SESSION_COOKIE] != pre_login_cookie
    # The token of the anonymous session no longer counts: logging out with it fails.
    app.post("/auth/logout/", {"csrf_token": pre_login_token}, status=403)
    assert who_is_logged_in(app) == "alice"


def test_tampered_session_cookie_logs_nobody_in(site, app, alice):
    login(app, "alice", "correct horse")
    cookie = app.cookies[SESSION_COOKIE]
    payload, signature = cookie.rsplit(".", 1)
    tampered = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]

    other = site.testapp()
    other.set_cookie(SESSION_COOKIE, tampered)

    assert who_is_logged_in(other) is None


def test_cookie_from_another_site_logs_nobody_in(make_site):
    first, second = make_site(), make_site()
    first.add_user("alice", "correct horse")
    second.add_user("alice", "correct horse")
    first_app = first.testapp()
    login(first_app, "alice", "correct horse")

    second_app = second.testapp()
    second_app.set_cookie(SESSION_COOKIE, first_app.cookies[SESSION_COOKIE])

    assert who_is_logged_in(second_app) is None


# --- registration ------------------------------------------------------------------------


def test_registration_is_closed_by_default(site, app):
    page = app.get("/auth/register/", status=403)

    assert "Registration is closed" in page
    assert "<title>" in page and "Test Goblin" in page.html.title.get_text()
    assert page.html.select_one("form[action$='/auth/register/']") is None
    assert "Create an account" not in page.html.select_one(".account-nav").get_text()
    assert "Create one here" not in app.get("/auth/login/")


def test_registration_post_is_refused_when_closed(site, app):
    fields = {
        "username": "sneaky",
        "email": "sneaky@example.org",
        "password": "long enough",
        "csrf_token": csrf_token(app),
    }

    page = app.post("/auth/register/", fields, status=403)

    assert "Registration is closed" in page
    assert count_users(site) == 0
    assert who_is_logged_in(app) is None


def test_registration_creates_an_account_and_logs_in(make_site):
    site = make_site(sections=OPEN)
    app = site.testapp()
    assert "Create one here" in app.get("/auth/login/")

    response = register(app, "Newbie", "Newbie@Example.ORG", "long enough")

    assert response.status_int == 302
    assert response.location.startswith("http://localhost/")
    page = response.follow()
    flashes = " ".join(item.get_text(" ", strip=True) for item in page.html.select(".messages li"))
    assert "Welcome, newbie!" in flashes
    assert page.html.select_one(".whoami strong").get_text() == "newbie"
    user = get_user(site, "newbie")
    assert user["email"] == "Newbie@example.org"
    assert user["privileges"] == {"uploader", "commenter", "reporter"}
    assert user["pw_hash"].startswith("$argon2id$")
    assert count_login_sessions(site, user["id"]) == 1
    # The new account logs in with its password from another browser.
    assert login(site.testapp(), "newbie@example.org", "long enough").status_int == 302


BAD_REGISTRATIONS = [
    (
        {"username": "alice"},
        "Sorry, a user with that name already exists.",
    ),
    (
        {"username": "ALICE"},
        "Sorry, a user with that name already exists.",
    ),
    (
        {"email": "ALICE@example.org"},
        "Sorry, a user with that email address already exists.",
    ),
    (
        {"username": "no spaces allowed"},
        "A username is 3 to 30 characters: lower-case letters, digits, - and _.",
    ),
    (
        {"username": "ab"},
        "A username is 3 to 30 characters: lower-case letters, digits, - and _.",
    ),
    ({"email": "not-an-email"}, "That doesn't look like an email address."),
    ({"email": "two@@example.org"}, "That doesn't look like an email address."),
    ({"password": "short"}, "A password is 8 to 1024 characters long."),
    ({"password": ""}, "This field is required."),
]


def test_registration_rejects_bad_data_and_creates_nothing(make_site):
    site = make_site(sections=OPEN)
    site.add_user("alice", "correct horse")
    app = site.testapp()
    for fields, message in BAD_REGISTRATIONS:
        values = {"username": "newbie", "email": "newbie@example.org", "password": "long enough"}
        values.update(fields)

        page = register(app, **values)

        assert page.status_int == 200, fields
        assert "Create an account" in page.html.h1.get_text(), fields
        assert message in page.html.get_text(), fields
    assert count_users(site) == 1
    assert who_is_logged_in(app) is None


def test_registration_never_renders_input_raw(make_site):
    site = make_site(sections=OPEN)
    app = site.testapp()
    username = '<script>alert("u")</script>'
    email = '"><img src=x onerror=alert(1)>'

    page = register(app, username=username, email=email, password="long enough")

    assert page.status_int == 200
    assert "A username is 3 to 30 characters" in page
    assert "That doesn't look like an email address." in page.html.get_text()
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert page.forms[0]["username"].value == username
    assert page.forms[0]["email"].value == email
    assert count_users(site) == 0


def test_registration_form_keeps_what_was_typed_except_the_password(make_site):
    app = make_site(sections=OPEN).testapp()

    page = register(app, username="newbie", email="newbie@example.org", password="short")

    form = page.forms[0]
    assert form["username"].value == "newbie"
    assert form["email"].value == "newbie@example.org"
    assert form["password"].value == ""
