"""A member's own account through the real pages: email verification, forgotten and changed
passwords, email change, settings, deletion and the profile. Mail is read back from the
site's outbox and its links are followed as a person would."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from goblin import accounts, tokens
from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login
from tests.functional.account_helpers import (
    BAD_LINK,
    CSRF_REASON,
    FORGOT_ANSWER,
    IMAGE_PLUGIN,
    LOGIN_FAILED,
    OPEN,
    PASSWORD,
    UNVERIFIED,
    ask_password_reset,
    browser,
    csrf_of,
    field_errors,
    flash_messages,
    form_to,
    form_with,
    link_in,
    log_in,
    mails_to,
    outbox,
    register,
    token_of,
)
from tests.functional.helpers import (
    SESSION_COOKIE,
    add_media,
    count_login_sessions,
    count_users,
    get_user,
    who_is_logged_in,
)

VERIFY_PATH = "/auth/verify_email/"
RESET_PATH = "/auth/forgot_password/verify/"
NEW_EMAIL_PATH = "/edit/verify_email/"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


def tampered(token: str) -> str:
    """``token`` with the first character of its signature changed."""
    rest, signature = token.rsplit(".", 1)
    return f"{rest}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.fixture
def open_site(make_site):
    return make_site(sections=OPEN, plugins=IMAGE_PLUGIN)


@pytest.fixture
def newbie(open_site):
    """A browser that has just registered 'newbie' on an open site, and its app."""
    app = open_site.testapp()
    response = register(app, "newbie")
    assert response.status_int == 302
    return app


# --- email verification ------------------------------------------------------------------


def test_registration_sends_a_verification_link(newbie):
    [message] = mails_to(newbie, "newbie@example.org")

    assert message["Subject"] == "Test Goblin: verify your email address"
    assert message["From"] == "notice@mediagoblin.example.org"
    link = link_in(message, VERIFY_PATH)
    assert link.startswith(f"{VERIFY_PATH}?token=")


def test_unverified_member_is_logged_in_but_asked_to_verify_before_uploading(open_site, newbie):
    assert who_is_logged_in(newbie) == "newbie"
    assert "active" not in get_user(open_site, "newbie")["privileges"]

    page = newbie.get("/submit/", status=403)

    assert page.html.h1.get_text(strip=True) == UNVERIFIED
    assert "newbie@example.org" in page.html.select_one("main").get_text()
    assert form_to(page, "/auth/resend_verification/").method.upper() == "POST"
    assert "file" not in {name for form in page.forms.values() for name in form.fields}


def test_resend_button_sends_another_link(open_site, newbie):
    page = newbie.get("/submit/", status=403)

    response = form_to(page, "/auth/resend_verification/").submit()

    assert response.status_int == 302
    assert "We sent a new verification link to newbie@example.org." in flash_messages(
        response.follow()
    )
    _first, second = mails_to(newbie, "newbie@example.org")
    assert link_in(second, VERIFY_PATH).startswith(f"{VERIFY_PATH}?token=")
    assert "active" not in get_user(open_site, "newbie")["privileges"]


def test_following_the_link_activates_the_account(open_site, newbie):
    [message] = mails_to(newbie, "newbie@example.org")

    response = newbie.get(link_in(message, VERIFY_PATH))

    assert response.status_int == 302
    assert response.location == "http://localhost/u/newbie/"
    assert "Your email address is verified: welcome aboard!" in flash_messages(response.follow())
    assert "active" in get_user(open_site, "newbie")["privileges"]
    page = newbie.get("/submit/")
    assert page.status_int == 200
    assert "file" in form_with(page, "file").fields


def test_the_link_works_in_another_browser_too(open_site, newbie):
    [message] = mails_to(newbie, "newbie@example.org")
    phone = browser(newbie)

    assert phone.get(link_in(message, VERIFY_PATH)).status_int == 302

    assert "active" in get_user(open_site, "newbie")["privileges"]
    assert newbie.get("/submit/").status_int == 200


def test_verified_member_resending_is_told_so_and_gets_no_mail(open_site, newbie):
    [message] = mails_to(newbie, "newbie@example.org")
    newbie.get(link_in(message, VERIFY_PATH))
    token = csrf_of(newbie.get("/edit/account/"))

    response = newbie.post("/auth/resend_verification/", {"csrf_token": token})

    assert "Your email address is already verified." in flash_messages(response.follow())
    assert len(mails_to(newbie, "newbie@example.org")) == 1


def test_tampered_verification_link_does_not_work_and_grants_nothing(open_site, newbie):
    [message] = mails_to(newbie, "newbie@example.org")
    token = token_of(link_in(message, VERIFY_PATH))

    for bad in (tampered(token), token[:-3], "not-a-token", ""):
        page = newbie.get(f"{VERIFY_PATH}?token={bad}", status=400)
        assert page.html.h1.get_text(strip=True) == BAD_LINK, bad

    assert "active" not in get_user(open_site, "newbie")["privileges"]
    newbie.get("/submit/", status=403)


def test_verification_link_from_another_site_does_not_work(make_site, open_site, newbie):
    """Tokens are signed with the site's own secret."""
    other = make_site(sections=OPEN)
    other_app = other.testapp()
    register(other_app, "newbie")
    [message] = mails_to(other_app, "newbie@example.org")

    newbie.get(link_in(message, VERIFY_PATH), status=400)

    assert "active" not in get_user(open_site, "newbie")["privileges"]


def test_verification_token_is_no_password_reset_token_and_back(open_site, newbie):
    before = get_user(open_site, "newbie")["pw_hash"]
    [verify_mail] = mails_to(newbie, "newbie@example.org")
    verify_token = token_of(link_in(verify_mail, VERIFY_PATH))

    page = newbie.get(f"{RESET_PATH}?token={verify_token}", status=400)
    assert page.html.h1.get_text(strip=True) == BAD_LINK
    assert not [form for form in page.forms.values() if "password" in form.fields]
    fields = {"token": verify_token, "password": "taken over!", "csrf_token": csrf_of(page)}
    newbie.post(RESET_PATH, fields, status=400)
    assert get_user(open_site, "newbie")["pw_hash"] == before

    # And a password-reset token does not verify an email address.
    ask_password_reset(browser(newbie), "newbie")
    reset_mail = mails_to(newbie, "newbie@example.org")[-1]
    reset_token = token_of(link_in(reset_mail, RESET_PATH))
    newbie.get(f"{VERIFY_PATH}?token={reset_token}", status=400)
    newbie.get(f"{NEW_EMAIL_PATH}?token={reset_token}", status=400)
    assert "active" not in get_user(open_site, "newbie")["privileges"]


def test_resend_verification_requires_csrf(open_site, newbie):
    newbie.post("/auth/resend_verification/", {}, status=403)

    assert len(mails_to(newbie, "newbie@example.org")) == 1


def test_tokens_expire_and_keep_to_their_purpose():
    registry = SimpleNamespace(secret=secrets.token_bytes(32))
    token = tokens.make_token(registry, tokens.VERIFY_EMAIL, {"user": 7})

    assert tokens.read_token(registry, tokens.VERIFY_EMAIL, token) == {"user": 7}
    with pytest.raises(tokens.BadToken):
        tokens.read_token(registry, tokens.VERIFY_EMAIL, token, max_age=-1)
    for purpose in (tokens.RESET_PASSWORD, tokens.CHANGE_EMAIL):
        with pytest.raises(tokens.BadToken):
            tokens.read_token(registry, purpose, token)
    with pytest.raises(tokens.BadToken):
        tokens.read_token(registry, tokens.VERIFY_EMAIL, tampered(token))
    other_site = SimpleNamespace(secret=secrets.token_bytes(32))
    with pytest.raises(tokens.BadToken):
        tokens.read_token(other_site, tokens.VERIFY_EMAIL, token)


# --- forgotten password ------------------------------------------------------------------


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(site, app, alice):
    answers = []
    for name in ("alice", "ALICE@example.org", "nobody", "nobody@example.org"):
        response = ask_password_reset(browser(app), name)
        answers.append((response.status_int, response.location, flash_messages(response.follow())))

    assert answers[0] == (302, "http://localhost/auth/login/", [FORGOT_ANSWER])
    assert all(answer == answers[0] for answer in answers), answers
    # Only the account that exists got mail: one message per request that named it.
    assert [message["To"] for message in outbox(app)] == ["alice@example.org"] * 2
    for message in outbox(app):
        assert message["Subject"] == "Test Goblin: reset your password"


def test_forgot_password_form_shows_a_form(app):
    form = form_with(app.get("/auth/forgot_password/"), "username")

    assert form.method.upper() == "POST"
    assert {"username", "csrf_token"} <= set(form.fields)


def test_reset_link_sets_a_new_password_and_logs_out_everywhere(site, app, alice):
    laptop = browser(app)
    log_in(laptop, "alice")
    saved_cookie = laptop.cookies[SESSION_COOKIE]
    ask_password_reset(app, "alice")
    [message] = mails_to(app, "alice@example.org")
    link = link_in(message, RESET_PATH)

    page = app.get(link)
    assert page.html.h1.get_text(strip=True) == "Choose a new password"
    form = form_with(page, "password")
    form["password"] = "a brand new one"
    response = form.submit()

    assert response.status_int == 302
    assert response.location == "http://localhost/auth/login/"
    assert "Your password was changed. You can log in with it now." in flash_messages(
        response.follow()
    )
    assert count_login_sessions(site, alice) == 0
    assert who_is_logged_in(laptop) is None
    replay = browser(app)
    replay.set_cookie(SESSION_COOKIE, saved_cookie)
    assert who_is_logged_in(replay) is None
    assert LOGIN_FAILED in login(browser(app), "alice", PASSWORD)
    assert login(browser(app), "alice", "a brand new one").status_int == 302


def test_reset_link_works_only_once(site, app, alice):
    ask_password_reset(app, "alice")
    link = link_in(mails_to(app, "alice@example.org")[0], RESET_PATH)
    first_page = app.get(link)
    second_page = browser(app).get(link)
    form = form_with(first_page, "password")
    form["password"] = "a brand new one"
    form.submit(status=302)

    again = app.get(link, status=400)
    assert again.html.h1.get_text(strip=True) == BAD_LINK
    # A form opened before the reset cannot set the password again either.
    form = form_with(second_page, "password")
    form["password"] = "third password"
    form.submit(status=400)
    assert login(browser(app), "alice", "a brand new one").status_int == 302
    assert LOGIN_FAILED in login(browser(app), "alice", "third password")


def test_older_reset_links_die_when_the_password_changes(site, app, alice):
    ask_password_reset(app, "alice")
    ask_password_reset(app, "alice")
    first, second = (link_in(message, RESET_PATH) for message in outbox(app))
    form = form_with(app.get(second), "password")
    form["password"] = "a brand new one"
    form.submit(status=302)

    app.get(first, status=400)


def test_reset_rejects_a_short_password_and_changes_nothing(site, app, alice):
    before = get_user(site, "alice")["pw_hash"]
    ask_password_reset(app, "alice")
    link = link_in(mails_to(app, "alice@example.org")[0], RESET_PATH)
    form = form_with(app.get(link), "password")
    form["password"] = "short"

    page = form.submit()

    assert page.status_int == 200
    assert "A password is 8 to 1024 characters long." in field_errors(page)
    assert get_user(site, "alice")["pw_hash"] == before
    assert app.get(link).status_int == 200  # the link still works


def test_tampered_reset_link_does_not_work(site, app, alice):
    ask_password_reset(app, "alice")
    token = token_of(link_in(mails_to(app, "alice@example.org")[0], RESET_PATH))

    page = app.get(f"{RESET_PATH}?token={tampered(token)}", status=400)

    assert page.html.h1.get_text(strip=True) == BAD_LINK
    assert not [form for form in page.forms.values() if "password" in form.fields]


def test_forgot_password_requires_csrf(site, app, alice):
    page = app.post("/auth/forgot_password/", {"username": "alice"}, status=403)

    assert CSRF_REASON in page
    assert outbox(app) == []


def test_reset_password_requires_csrf(site, app, alice):
    before = get_user(site, "alice")["pw_hash"]
    ask_password_reset(app, "alice")
    link = link_in(mails_to(app, "alice@example.org")[0], RESET_PATH)
    app.get(link)

    app.post(RESET_PATH, {"token": token_of(link), "password": "a brand new one"}, status=403)

    assert get_user(site, "alice")["pw_hash"] == before


# --- changing the password ---------------------------------------------------------------


def change_password(testapp, old: str, new: str):
    form = form_with(testapp.get("/edit/password/"), "old_password")
    form["old_password"] = old
    form["new_password"] = new
    return form.submit()


def test_change_password_needs_the_old_one(site, app, alice):
    log_in(app, "alice")
    before = get_user(site, "alice")["pw_hash"]

    page = change_password(app, "wrong horse", "a brand new one")

    assert page.status_int == 200
    assert "Wrong password." in field_errors(page)
    assert get_user(site, "alice")["pw_hash"] == before
    assert who_is_logged_in(app) == "alice"


def test_change_password_keeps_this_session_and_ends_the_others(site, app, alice):
    laptop = browser(app)
    log_in(laptop, "alice")
    log_in(app, "alice")

    response = change_password(app, PASSWORD, "a brand new one")

    assert response.status_int == 302
    assert response.location == "http://localhost/edit/account/"
    assert "Your password was changed." in flash_messages(response.follow())
    assert who_is_logged_in(app) == "alice"
    assert who_is_logged_in(laptop) is None
    assert count_login_sessions(site, alice) == 1
    assert LOGIN_FAILED in login(browser(app), "alice", PASSWORD)
    assert login(browser(app), "alice", "a brand new one").status_int == 302


def test_change_password_page_needs_a_login(app):
    response = app.get("/edit/password/")

    assert response.status_int == 302
    assert response.location.startswith("http://localhost/auth/login/?next=")


def test_change_password_requires_csrf(site, app, alice):
    log_in(app, "alice")
    before = get_user(site, "alice")["pw_hash"]
    fields = {"old_password": PASSWORD, "new_password": "a brand new one"}

    app.post("/edit/password/", fields, status=403)

    assert get_user(site, "alice")["pw_hash"] == before


# --- changing the email address ----------------------------------------------------------


def change_email(testapp, new_email: str, password: str = PASSWORD):
    form = form_with(testapp.get("/edit/email/"), "new_email")
    form["new_email"] = new_email
    form["password"] = password
    return form.submit()


def test_change_email_refuses_a_wrong_password(site, app, alice):
    log_in(app, "alice")

    page = change_email(app, "alice@new.example", "wrong horse")

    assert page.status_int == 200
    assert "Wrong password." in field_errors(page)
    assert outbox(app) == []
    assert get_user(site, "alice")["email"] == "alice@example.org"


def test_change_email_refuses_a_bad_address(site, app, alice):
    log_in(app, "alice")

    page = change_email(app, "not an address")

    assert page.status_int == 200
    assert "That doesn't look like an email address." in field_errors(page)
    assert outbox(app) == []


def test_change_email_sends_a_link_to_the_new_address_and_a_notice_to_the_old(site, app, alice):
    log_in(app, "alice")

    response = change_email(app, "alice@new.example")

    assert response.status_int == 302
    assert response.location == "http://localhost/edit/account/"
    assert "We sent a link to alice@new.example: open it to confirm the new address." in (
        flash_messages(response.follow())
    )
    [confirm] = mails_to(app, "alice@new.example")
    [notice] = mails_to(app, "alice@example.org")
    assert confirm["Subject"] == "Test Goblin: confirm your new email address"
    assert notice["Subject"] == "Test Goblin: email change requested"
    assert "alice@new.example" in notice.get_content()
    assert "/edit/verify_email/" not in notice.get_content()
    # Nothing changes until the new address is confirmed.
    assert get_user(site, "alice")["email"] == "alice@example.org"

    confirmed = app.get(link_in(confirm, NEW_EMAIL_PATH))

    assert confirmed.status_int == 302
    assert "Your email address is now alice@new.example." in flash_messages(confirmed.follow())
    assert get_user(site, "alice")["email"] == "alice@new.example"
    assert log_in(browser(app), "alice@new.example").status_int == 302


def test_change_email_link_with_a_tampered_token_changes_nothing(site, app, alice):
    log_in(app, "alice")
    change_email(app, "alice@new.example")
    link = link_in(mails_to(app, "alice@new.example")[0], NEW_EMAIL_PATH)

    page = app.get(f"{NEW_EMAIL_PATH}?token={tampered(token_of(link))}", status=400)

    assert page.html.h1.get_text(strip=True) == BAD_LINK
    assert get_user(site, "alice")["email"] == "alice@example.org"


def test_change_email_to_a_taken_address_answers_the_same_and_changes_nothing(site, app, alice):
    site.add_user("bob", "battery staple")
    log_in(app, "alice")

    free = change_email(app, "carol@example.org")
    free_flashes = flash_messages(free.follow())
    taken = change_email(app, "BOB@example.org")
    taken_flashes = flash_messages(taken.follow())

    assert free.status_int == taken.status_int == 302
    assert free.location == taken.location
    assert [text.replace("carol@example.org", "X") for text in free_flashes] == [
        text.replace("BOB@example.org", "X") for text in taken_flashes
    ]
    # No link goes to the taken address; the member's own mailbox sees the same notice
    # either way, so it cannot be used to find out who has an account.
    assert mails_to(app, "BOB@example.org") == mails_to(app, "bob@example.org") == []
    assert len(mails_to(app, "carol@example.org")) == 1
    notices = mails_to(app, "alice@example.org")
    assert [message["Subject"] for message in notices] == [
        "Test Goblin: email change requested"
    ] * 2
    assert get_user(site, "alice")["email"] == "alice@example.org"
    assert get_user(site, "bob")["email"] == "bob@example.org"


def test_change_email_link_fails_once_the_address_is_taken(site, app, alice):
    log_in(app, "alice")
    change_email(app, "carol@example.org")
    link = link_in(mails_to(app, "carol@example.org")[0], NEW_EMAIL_PATH)
    site.add_user("carol", "battery staple", email="carol@example.org")

    app.get(link, status=400)

    assert get_user(site, "alice")["email"] == "alice@example.org"


def test_change_email_requires_csrf(site, app, alice):
    log_in(app, "alice")

    app.post("/edit/email/", {"new_email": "x@new.example", "password": PASSWORD}, status=403)

    assert outbox(app) == []


# --- account settings --------------------------------------------------------------------


def test_account_settings_are_saved_and_shown(make_site):
    site = make_site(plugins=IMAGE_PLUGIN)
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    log_in(app, "alice")
    form = form_with(app.get("/edit/account/"), "license_preference")
    assert form["wants_comment_notification"].checked
    assert form["wants_notifications"].checked
    assert form["license_preference"].value == ""

    form["wants_comment_notification"] = False
    form["license_preference"] = CC_BY_SA
    response = form.submit()

    assert response.status_int == 302
    assert "Account settings saved." in flash_messages(response.follow())
    form = form_with(app.get("/edit/account/"), "license_preference")
    assert not form["wants_comment_notification"].checked
    assert form["wants_notifications"].checked
    assert form["license_preference"].value == CC_BY_SA
    submit_form = form_with(app.get("/submit/"), "file")
    assert submit_form["license"].value == CC_BY_SA


def test_account_settings_refuse_an_unknown_license(site, app, alice):
    log_in(app, "alice")
    token = csrf_of(app.get("/edit/account/"))

    page = app.post(
        "/edit/account/", {"license_preference": "http://evil.example/", "csrf_token": token}
    )

    assert page.status_int == 200
    assert "Account settings saved." not in page
    with session_scope(site.registry) as dbsession:
        assert dbsession.get(accounts.User, alice).license_preference is None


def test_account_settings_require_csrf(site, app, alice):
    log_in(app, "alice")

    app.post("/edit/account/", {"license_preference": CC_BY_SA}, status=403)

    with session_scope(site.registry) as dbsession:
        assert dbsession.get(accounts.User, alice).license_preference is None


# --- deleting the account ----------------------------------------------------------------


def count_media(site, user_id: int) -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(
            select(func.count(MediaEntry.id)).where(MediaEntry.actor == user_id)
        )


def delete_account(testapp, confirmed: bool, password: str = PASSWORD):
    form = form_with(testapp.get("/edit/account/delete/"), "confirmed")
    form["confirmed"] = confirmed
    form["password"] = password
    return form.submit()


def test_delete_account_needs_the_checkbox_and_the_password(site, app, alice):
    add_media(site, alice, 2)
    log_in(app, "alice")

    unticked = delete_account(app, confirmed=False)
    wrong = delete_account(app, confirmed=True, password="wrong horse")

    assert unticked.status_int == wrong.status_int == 200
    assert "Tick the box to confirm." in field_errors(unticked)
    assert "Wrong password." in field_errors(wrong)
    assert count_users(site, username="alice") == 1
    assert count_media(site, alice) == 2
    assert who_is_logged_in(app) == "alice"


def test_delete_account_removes_the_user_and_their_media_and_logs_out(site, app, alice):
    bob = site.add_user("bob", "battery staple")
    add_media(site, alice, 2)
    add_media(site, bob, 1)
    laptop = browser(app)
    log_in(laptop, "alice")
    log_in(app, "alice")

    response = delete_account(app, confirmed=True)

    assert response.status_int == 302
    assert response.location == "http://localhost/"
    assert "Your account was deleted. Goodbye!" in flash_messages(response.follow())
    assert count_users(site, username="alice") == 0
    assert count_media(site, alice) == 0
    assert count_media(site, bob) == 1
    assert count_login_sessions(site, alice) == 0
    assert who_is_logged_in(app) is None
    assert who_is_logged_in(laptop) is None
    app.get("/u/alice/", status=404)
    assert LOGIN_FAILED in login(browser(app), "alice", PASSWORD)


def test_delete_account_requires_csrf(site, app, alice):
    log_in(app, "alice")

    app.post("/edit/account/delete/", {"confirmed": "y", "password": PASSWORD}, status=403)

    assert count_users(site, username="alice") == 1


# --- the profile -------------------------------------------------------------------------


BIO = (
    "Hello, I take **bold** pictures.\n\n"
    "<script>alert('bio')</script>\n\n"
    "[harmless](javascript:alert('link')) and [mine](https://alice.example/)"
)


def edit_profile(testapp, username: str, **values: str):
    form = form_with(testapp.get(f"/u/{username}/edit/"), "bio")
    for name, value in values.items():
        form[name] = value
    return form.submit()


def test_profile_bio_is_sanitized_markdown(site, app, alice):
    log_in(app, "alice")

    response = edit_profile(
        app, "alice", bio=BIO, url="https://alice.example/", location="Lyon, France"
    )

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/"
    page = response.follow()
    assert "Profile saved." in flash_messages(page)
    profile = page.html.select_one(".profile")
    assert profile.select_one(".prose strong").get_text() == "bold"
    assert "<script>alert" not in page.text
    assert profile.select("script") == []
    hrefs = [link.get("href", "") for link in page.html.select("a")]
    assert not [href for href in hrefs if "javascript" in href.lower()], hrefs
    assert "https://alice.example/" in hrefs
    assert "Lyon, France" in profile.get_text()
    # A visitor sees the same page.
    visitor_page = browser(app).get("/u/alice/")
    assert "<script>alert" not in visitor_page.text
    assert visitor_page.html.select_one(".profile .prose strong").get_text() == "bold"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/", "example.org", "data:text/html,x"]
)
def test_profile_website_must_be_http_or_https(site, app, alice, url):
    log_in(app, "alice")

    page = edit_profile(app, "alice", url=url, location="Somewhere")

    assert page.status_int == 200
    assert field_errors(page)
    with session_scope(site.registry) as dbsession:
        user = dbsession.get(accounts.User, alice)
        assert (user.url, user.location) == (None, None)


def test_another_member_cannot_edit_a_profile(site, app, alice):
    site.add_user("bob", "battery staple")
    log_in(app, "bob", "battery staple")

    app.get("/u/alice/edit/", status=403)
    token = csrf_of(app.get("/edit/account/"))
    app.post("/u/alice/edit/", {"bio": "pwned", "csrf_token": token}, status=403)

    with session_scope(site.registry) as dbsession:
        assert dbsession.get(accounts.User, alice).bio is None


def test_an_admin_may_edit_a_profile_with_a_warning(site, app, alice):
    site.add_user("root", "admin password", privileges=[*accounts.TRUSTED_PRIVILEGES, "admin"])
    log_in(app, "root", "admin password")

    page = app.get("/u/alice/edit/")
    assert "You are editing another member's profile." in page.html.get_text()
    form = form_with(page, "bio")
    form["bio"] = "Edited by an admin"
    response = form.submit()

    assert response.status_int == 302
    assert "Edited by an admin" in response.follow()
    with session_scope(site.registry) as dbsession:
        assert dbsession.get(accounts.User, alice).bio == "Edited by an admin"


def test_own_profile_edit_has_no_warning(site, app, alice):
    log_in(app, "alice")

    page = app.get("/u/alice/edit/")

    assert "another member's profile" not in page.text


def test_profile_edit_requires_csrf(site, app, alice):
    log_in(app, "alice")

    app.post("/u/alice/edit/", {"bio": "no token"}, status=403)

    with session_scope(site.registry) as dbsession:
        assert dbsession.get(accounts.User, alice).bio is None
