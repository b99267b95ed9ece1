"""Registration modes through the real pages: closed, open, approval (moderators decide at
/mod/registrations/) and invitation (single-use links from /mod/invitations/ or gmg invite)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from goblin import accounts, gmg
from goblin.db import session_scope
from goblin.db.models import Invitation, RegistrationRequest
from goblin.db.types import utcnow
from tests.conftest import login
from tests.functional.account_helpers import (
    CSRF_REASON,
    IMAGE_PLUGIN,
    LOGIN_FAILED,
    PASSWORD,
    UNVERIFIED,
    browser,
    csrf_of,
    field_errors,
    flash_messages,
    form_with,
    link_in,
    log_in,
    mails_to,
    outbox,
    register,
)
from tests.functional.helpers import count_users, get_user, who_is_logged_in

BY_INVITATION = "Registration is by invitation"
SCHEME = {"uploader", "commenter", "reporter"}


def mode(name: str, **extra: str) -> dict:
    return {"mediagoblin": {"registration_mode": name, **extra}}


def add_staff(site) -> None:
    """An admin (root), a moderator (mod) and an ordinary member (bob)."""
    site.add_user("root", PASSWORD, privileges=[*accounts.TRUSTED_PRIVILEGES, "admin"])
    site.add_user("mod", PASSWORD, privileges=[*accounts.TRUSTED_PRIVILEGES, "moderator"])
    site.add_user("bob", PASSWORD)


def header_links(page) -> str:
    return page.html.select_one(".account-nav").get_text(" ", strip=True)


def applications(site) -> list[tuple[str, str, str]]:
    with session_scope(site.registry) as dbsession:
        rows = dbsession.scalars(select(RegistrationRequest).order_by(RegistrationRequest.id))
        return [(row.username, row.email, row.state) for row in rows]


def decision_form(page):
    """The approve/refuse form of the first application listed on /mod/registrations/."""
    return next(form for form in page.forms.values() if "/mod/registrations/" in form.action)


def invitations(site) -> list[Invitation]:
    with session_scope(site.registry) as dbsession:
        rows = list(dbsession.scalars(select(Invitation).order_by(Invitation.id)))
        dbsession.expunge_all()
        return rows


# --- closed and open ---------------------------------------------------------------------


def test_closed_mode_wins_over_allow_registration(make_site):
    site = make_site(sections=mode("closed", allow_registration="true"))
    app = site.testapp()

    page = app.get("/auth/register/", status=403)

    assert page.html.h1.get_text(strip=True) == "Registration is closed"
    assert "username" not in {name for form in page.forms.values() for name in form.fields}
    fields = {
        "username": "sneaky",
        "email": "sneaky@example.org",
        "password": "long enough",
        "csrf_token": csrf_of(app.get("/auth/login/")),
    }
    app.post("/auth/register/", fields, status=403)
    assert count_users(site) == 0
    assert outbox(app) == []
    assert "Create an account" not in header_links(app.get("/"))
    assert "Create one here" not in app.get("/auth/login/")


def test_open_mode_without_allow_registration_registers(make_site):
    site = make_site(sections=mode("open"))
    app = site.testapp()
    assert "Create an account" in header_links(app.get("/"))
    assert "Create one here" in app.get("/auth/login/")

    response = register(app, "newbie")

    assert response.status_int == 302
    assert who_is_logged_in(app) == "newbie"
    assert get_user(site, "newbie")["privileges"] == SCHEME
    [message] = mails_to(app, "newbie@example.org")
    assert link_in(message, "/auth/verify_email/")


# --- approval ----------------------------------------------------------------------------


@pytest.fixture
def approval_site(make_site):
    site = make_site(sections=mode("approval"), plugins=IMAGE_PLUGIN)
    add_staff(site)
    return site


def apply(testapp, username="newbie", reason="I take pictures of moths.", **kwargs):
    return register(testapp, username, reason=reason, **kwargs)


def test_approval_form_asks_for_a_reason(approval_site):
    app = approval_site.testapp()

    page = app.get("/auth/register/")

    assert page.html.h1.get_text(strip=True) == "Apply for an account"
    assert {"username", "email", "password", "reason"} <= set(form_with(page, "reason").fields)
    assert "Create an account" in header_links(page)

    refused = apply(app, reason="")
    assert refused.status_int == 200
    assert "Please tell the moderators a little about yourself." in field_errors(refused)
    assert applications(approval_site) == []


def test_applying_creates_no_user_and_tells_the_moderators(approval_site):
    app = approval_site.testapp()

    page = apply(app, "newbie", reason="I take pictures of moths.")

    assert page.status_int == 200
    assert page.html.h1.get_text(strip=True) == "Thanks for applying"
    assert count_users(approval_site, username="newbie") == 0
    assert who_is_logged_in(app) is None
    assert applications(approval_site) == [("newbie", "newbie@example.org", "pending")]
    assert sorted(message["To"] for message in outbox(app)) == [
        "mod@example.org",
        "root@example.org",
    ]
    for message in outbox(app):
        assert message["Subject"] == "New account application from newbie"
        assert "I take pictures of moths." in message.get_content()
        assert link_in(message, "/mod/registrations/") == "/mod/registrations/"
    assert LOGIN_FAILED in login(browser(app), "newbie", "long enough")


def test_a_pending_name_cannot_be_applied_for_twice(approval_site):
    app = approval_site.testapp()
    apply(app, "newbie")

    page = apply(browser(app), "newbie", email="other@example.org")

    assert "Sorry, a user with that name already exists." in page.html.get_text()
    assert len(applications(approval_site)) == 1


def test_moderator_approves_an_application(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie", reason="I take pictures of moths.")
    [notice] = mails_to(app, "mod@example.org")
    log_in(app, "mod")

    page = app.get(link_in(notice, "/mod/registrations/"))
    assert "I take pictures of moths." in page
    response = decision_form(page).submit(name="action", value="approve")

    assert response.status_int == 302
    assert response.location == "http://localhost/mod/registrations/"
    listing = response.follow()
    assert "Approved newbie; they have been told by mail." in flash_messages(listing)
    assert "No applications are waiting." in listing
    user = get_user(approval_site, "newbie")
    assert user["privileges"] == SCHEME  # not active until the address is verified
    assert applications(approval_site) == [("newbie", "newbie@example.org", "approved")]
    decision, verification = mails_to(app, "newbie@example.org")
    assert decision["Subject"] == "Test Goblin: your account was approved"
    assert "was approved" in decision.get_content()
    verify_link = link_in(verification, "/auth/verify_email/")

    # The applicant logs in with the password they chose, then verifies the address.
    applicant = browser(app)
    log_in(applicant, "newbie", "long enough")
    assert UNVERIFIED in applicant.get("/submit/", status=403)
    applicant.get(verify_link)
    assert "active" in get_user(approval_site, "newbie")["privileges"]
    assert applicant.get("/submit/").status_int == 200


def test_moderator_refuses_an_application(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie")
    log_in(app, "mod")

    page = app.get("/mod/registrations/")
    response = decision_form(page).submit(name="action", value="refuse")

    assert response.status_int == 302
    assert "Refused newbie; they have been told." in flash_messages(response.follow())
    assert count_users(approval_site, username="newbie") == 0
    assert applications(approval_site) == [("newbie", "newbie@example.org", "refused")]
    [decision] = mails_to(app, "newbie@example.org")
    assert decision["Subject"] == "Test Goblin: your application"
    assert "was not approved" in decision.get_content()
    assert LOGIN_FAILED in login(browser(app), "newbie", "long enough")
    # The name is free again.
    assert apply(browser(app), "newbie").html.h1.get_text(strip=True) == "Thanks for applying"


def test_an_admin_may_decide_too(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie")
    log_in(app, "root")

    decision_form(app.get("/mod/registrations/")).submit(name="action", value="approve")

    assert get_user(approval_site, "newbie") is not None


def test_a_decided_application_cannot_be_decided_again(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie")
    log_in(app, "mod")
    form = decision_form(app.get("/mod/registrations/"))
    form.submit(name="action", value="refuse")

    form.submit(name="action", value="approve", status=404)

    assert count_users(approval_site, username="newbie") == 0


def test_non_moderators_cannot_see_or_decide_applications(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie")
    with session_scope(approval_site.registry) as dbsession:
        application_id = dbsession.scalar(select(RegistrationRequest.id))

    anonymous = browser(app).get("/mod/registrations/")
    assert anonymous.status_int == 302
    assert urlsplit(anonymous.location).path == "/auth/login/"

    log_in(app, "bob")
    app.get("/mod/", status=403)
    page = app.get("/mod/registrations/", status=403)
    assert "moths" not in page
    fields = {"action": "approve", "csrf_token": csrf_of(app.get("/edit/account/"))}
    app.post(f"/mod/registrations/{application_id}/", fields, status=403)

    assert count_users(approval_site, username="newbie") == 0
    assert applications(approval_site)[0][2] == "pending"


def test_deciding_requires_csrf(approval_site):
    app = approval_site.testapp()
    apply(browser(app), "newbie")
    log_in(app, "mod")
    action = decision_form(app.get("/mod/registrations/")).action

    page = app.post(action, {"action": "approve"}, status=403)

    assert CSRF_REASON in page
    assert count_users(approval_site, username="newbie") == 0
    assert applications(approval_site)[0][2] == "pending"


# --- invitation --------------------------------------------------------------------------


@pytest.fixture
def invitation_site(make_site):
    site = make_site(sections=mode("invitation"))
    add_staff(site)
    return site


def make_invitation(testapp, note="for newbie") -> str:
    """An admin's invitation link from /mod/invitations/, as path and query."""
    form = form_with(testapp.get("/mod/invitations/"), "note")
    form["note"] = note
    page = form.submit()
    assert page.status_int == 200
    url = page.html.select_one("input.copy-field")["value"]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", "/auth/register/")
    return f"{parts.path}?{parts.query}"


def test_registration_without_an_invitation_is_refused(invitation_site):
    app = invitation_site.testapp()
    assert "Create an account" not in header_links(app.get("/"))
    assert "Create one here" not in app.get("/auth/login/")

    for url in ("/auth/register/", "/auth/register/?invite=made-up", "/auth/register/?invite="):
        page = app.get(url, status=403)
        assert page.html.h1.get_text(strip=True) == BY_INVITATION, url
        assert "username" not in {name for form in page.forms.values() for name in form.fields}

    fields = {
        "username": "sneaky",
        "email": "sneaky@example.org",
        "password": "long enough",
        "invite": "made-up",
        "csrf_token": csrf_of(app.get("/auth/login/")),
    }
    app.post("/auth/register/", fields, status=403)
    assert count_users(invitation_site, username="sneaky") == 0


def test_an_invitation_link_registers_exactly_one_account(invitation_site):
    admin = invitation_site.testapp()
    log_in(admin, "root")
    link = make_invitation(admin, note="for newbie")
    guest = browser(admin)

    page = guest.get(link)
    assert page.html.h1.get_text(strip=True) == "Create an account"
    response = register(guest, "newbie", url=link)

    assert response.status_int == 302
    assert who_is_logged_in(guest) == "newbie"
    assert get_user(invitation_site, "newbie")["privileges"] == SCHEME
    assert link_in(mails_to(admin, "newbie@example.org")[0], "/auth/verify_email/")
    [invitation] = invitations(invitation_site)
    assert invitation.used_by == get_user(invitation_site, "newbie")["id"]
    assert invitation.note == "for newbie"
    rows = admin.get("/mod/invitations/").html.select(".panel-table tbody tr")
    assert "used" in rows[0].get_text()

    # The link is used up: a second person cannot register with it.
    second = browser(admin)
    refused = second.get(link, status=403)
    assert refused.html.h1.get_text(strip=True) == BY_INVITATION
    fields = {
        "username": "second",
        "email": "second@example.org",
        "password": "long enough",
        "invite": link.split("invite=", 1)[1],
        "csrf_token": csrf_of(second.get("/auth/login/")),
    }
    second.post("/auth/register/", fields, status=403)
    assert count_users(invitation_site, username="second") == 0


def test_a_failed_registration_does_not_use_up_the_invitation(invitation_site):
    admin = invitation_site.testapp()
    log_in(admin, "root")
    link = make_invitation(admin)
    guest = browser(admin)

    page = register(guest, "newbie", password="short", url=link)

    assert page.status_int == 200
    assert "A password is 8 to 1024 characters long." in field_errors(page)
    assert invitations(invitation_site)[0].used_by is None
    form = form_with(page, "username")
    form["password"] = "long enough"
    assert form.submit().status_int == 302
    assert count_users(invitation_site, username="newbie") == 1


def test_an_expired_invitation_does_not_work(invitation_site):
    admin = invitation_site.testapp()
    log_in(admin, "root")
    link = make_invitation(admin)
    with session_scope(invitation_site.registry) as dbsession:
        dbsession.execute(update(Invitation).values(expires=utcnow() - dt.timedelta(minutes=1)))

    page = browser(admin).get(link, status=403)

    assert page.html.h1.get_text(strip=True) == BY_INVITATION
    rows = admin.get("/mod/invitations/").html.select(".panel-table tbody tr")
    assert "expired" in rows[0].get_text()


def test_gmg_invite_prints_a_working_link(invitation_site, capsys):
    code = gmg.main(["-cf", invitation_site.ini_path, "invite", "--url", "http://localhost/"])

    out = capsys.readouterr().out
    assert code == 0
    url = out.splitlines()[0]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "localhost", "/auth/register/")
    app = invitation_site.testapp()
    response = register(app, "newbie", url=f"{parts.path}?{parts.query}")
    assert response.status_int == 302
    assert count_users(invitation_site, username="newbie") == 1


def test_gmg_invite_without_url_prints_the_path(invitation_site, capsys):
    assert gmg.main(["-cf", invitation_site.ini_path, "invite", "--note", "for eve"]) == 0

    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.startswith("/auth/register/?invite=")
    assert invitations(invitation_site)[0].note == "for eve"
    assert invitation_site.testapp().get(first_line).status_int == 200


def test_only_admins_make_invitations(invitation_site):
    app = invitation_site.testapp()
    anonymous = app.get("/mod/invitations/")
    assert urlsplit(anonymous.location).path == "/auth/login/"

    for username in ("mod", "bob"):
        member = browser(app)
        log_in(member, username)
        member.get("/mod/invitations/", status=403)
        token = csrf_of(member.get("/edit/account/"))
        member.post("/mod/invitations/", {"note": "sneaky", "csrf_token": token}, status=403)

    assert invitations(invitation_site) == []


def test_moderator_index_offers_invitations_to_admins_only(invitation_site):
    admin, moderator = invitation_site.testapp(), invitation_site.testapp()
    log_in(admin, "root")
    log_in(moderator, "mod")

    assert "Invitations" in admin.get("/mod/")
    assert "Invitations" not in moderator.get("/mod/")


def test_making_an_invitation_requires_csrf(invitation_site):
    app = invitation_site.testapp()
    log_in(app, "root")

    page = app.post("/mod/invitations/", {"note": "no token"}, status=403)

    assert CSRF_REASON in page
    with session_scope(invitation_site.registry) as dbsession:
        assert dbsession.scalar(select(func.count(Invitation.id))) == 0


def test_two_registrations_racing_on_one_invitation_make_one_account(make_site):
    """The test plugin uses the invitation (in its own transaction) while the registration
    of 'racer' is under way, as a second request sent at the same moment would."""
    site = make_site(sections=mode("invitation"), plugins={"tests.plugins.invite_race": {}})
    add_staff(site)
    admin = site.testapp()
    log_in(admin, "root")
    link = make_invitation(admin)
    guest = browser(admin)

    page = register(guest, "racer", url=link)

    assert page.status_int == 403
    assert page.html.h1.get_text(strip=True) == BY_INVITATION
    assert count_users(site, username="early") == 1
    assert count_users(site, username="racer") == 0
    assert who_is_logged_in(guest) is None
    assert mails_to(admin, "racer@example.org") == []
    assert invitations(site)[0].used_by == get_user(site, "early")["id"]


def test_deleting_the_invited_account_does_not_revive_the_link(invitation_site):
    admin = invitation_site.testapp()
    log_in(admin, "root")
    link = make_invitation(admin)
    guest = browser(admin)
    register(guest, "newbie", url=link)
    form = form_with(guest.get("/edit/account/delete/"), "confirmed")
    form["confirmed"] = True
    form["password"] = "long enough"
    form.submit(status=302)
    assert count_users(invitation_site, username="newbie") == 0

    page = browser(admin).get(link, status=403)

    assert page.html.h1.get_text(strip=True) == BY_INVITATION
    rows = admin.get("/mod/invitations/").html.select(".panel-table tbody tr")
    assert "used" in rows[0].get_text()
