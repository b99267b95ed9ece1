"""The CAPTCHA plugin on the registration form, through the real pages of a real site.

The picture is not read by the tests (that is the point of it): the right-answer path is
tested through the text question, which shares the picture's checking code and which the
tests answer from the question on the page, as a person with a screen reader would. The
proof of work is solved by brute force at a low difficulty.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import shutil
import subprocess

import pytest
import webtest
from PIL import Image
from sqlalchemy import select, update

from goblin.db import session_scope
from goblin.db.types import utcnow
from goblin.plugins.captcha.models import Challenge
from tests.functional.helpers import count_users, get_user

PLUGIN = "goblin.plugins.captcha"
# Registration open; the per-address rate limit is off so that only the CAPTCHA refuses.
OPEN = {"mediagoblin": {"allow_registration": "true"}, "ratelimit": {"registration": "off"}}

MISSING = "Please answer the anti-spam question before creating your account."
WRONG = "That answer to the anti-spam question wasn't right. Please answer the new one below."
STALE = "That anti-spam question had expired or was already used."
POW_MISSING = "Your browser had not finished the anti-spam check, which needs JavaScript."
POW_WRONG = "Your browser's anti-spam check did not add up."

NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
ORDINALS = ("first", "second", "third", "fourth", "fifth")


def captcha_site(make_site, sections=None, **options):
    return make_site(sections={**OPEN, **(sections or {})}, plugins={PLUGIN: options})


def registration_form(app, username="newbie", password="long enough", url="/auth/register/"):
    """The registration page and its form, filled in except for the anti-spam check."""
    page = app.get(url)
    form = page.forms[0]
    form["username"] = username
    form["email"] = f"{username}@example.org"
    form["password"] = password
    return page, form


def answer_question(question: str) -> str:
    """Answer the text question the way a person would: by reading it."""
    if match := re.fullmatch(r"What is (\w+) (plus|minus) (\w+)\?", question):
        a, b = NUMBERS.index(match[1]), NUMBERS.index(match[3])
        return str(a + b if match[2] == "plus" else a - b)
    if match := re.fullmatch(r"Which number is the largest: (\w+), (\w+) or (\w+)\?", question):
        return str(max(NUMBERS.index(word) for word in match.groups()))
    if match := re.fullmatch(r"Type the (\w+) word of: ([\w ]+)\.", question):
        return match[2].split()[ORDINALS.index(match[1])]
    raise AssertionError(f"a question the tests cannot read: {question!r}")


def question_on(page) -> str:
    return page.html.select_one("label[for=captcha_alt_answer]").get_text(" ", strip=True)


def answer_text_alternative(page, form):
    form["captcha_alt_answer"] = answer_question(question_on(page))
    return form


def form_errors(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in response.html.select(".form-error")]


def assert_refused(response, message: str) -> None:
    assert response.status_int == 200
    errors = form_errors(response)
    assert any(error.startswith(message) for error in errors), errors
    # The form is shown again with a new challenge to answer.
    assert response.html.select_one("input[name=captcha_id]")["value"]


def solve_pow(nonce: str, difficulty: int) -> str:
    for counter in itertools.count():
        digest = hashlib.sha256(f"{nonce}:{counter}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - difficulty) == 0:
            return str(counter)
    raise AssertionError("unreachable")


def challenges(site) -> list[dict]:
    with session_scope(site.registry) as dbsession:
        return [
            {"id": row.id, "kind": row.kind, "used": row.used, "expires": row.expires}
            for row in dbsession.scalars(select(Challenge))
        ]


def expire_all_challenges(site) -> None:
    with session_scope(site.registry) as dbsession:
        dbsession.execute(
            update(Challenge).values(expires=utcnow() - dt.timedelta(seconds=1)),
            execution_options={"synchronize_session": False},
        )


# --- the form ----------------------------------------------------------------------------


def test_registration_form_shows_a_picture_and_a_text_question(make_site):
    site = captcha_site(make_site)
    page = site.testapp().get("/auth/register/")

    assert "no-store" in page.headers["Cache-Control"]
    form = page.forms[0]
    assert {"captcha_id", "captcha_answer", "captcha_alt_id", "captcha_alt_answer"} <= set(
        form.fields
    )
    image = page.html.select_one("form img.captcha-image")
    assert image["src"] == f"http://localhost/captcha/{form['captcha_id'].value}.png"
    assert "distorted letters and digits" in image["alt"]
    assert "answer the text question below" in image["alt"]
    summary = page.html.select_one("form details summary").get_text(strip=True)
    assert summary == "Can't see the picture? Answer a question instead"
    assert question_on(page).endswith(("?", "."))
    # The picture and the question are separate challenges with separate answers.
    assert form["captcha_id"].value != form["captcha_alt_id"].value
    kinds = sorted(row["kind"] for row in challenges(site))
    assert kinds == ["image", "text"]


def test_the_text_question_can_be_asked_for_open(make_site):
    app = captcha_site(make_site).testapp()

    closed = app.get("/auth/register/").html.select_one("details.captcha-alternative")
    opened = app.get("/auth/register/?captcha_alternative=1").html.select_one(
        "details.captcha-alternative"
    )

    assert not closed.has_attr("open")
    assert opened.has_attr("open")


def test_without_the_text_alternative_only_the_picture_is_offered(make_site):
    page = captcha_site(make_site, text_alternative="false").testapp().get("/auth/register/")

    assert "captcha_alt_id" not in page.forms[0].fields
    assert page.html.select_one("details") is None
    assert "text question" not in page.html.select_one("img.captcha-image")["alt"]


def test_the_picture_is_a_png_of_the_configured_size_never_cached(make_site):
    site = captcha_site(make_site, image_width="300", image_height="90", image_length="5")
    app = site.testapp()
    page = app.get("/auth/register/")

    response = app.get(page.html.select_one("img.captcha-image")["src"])

    assert response.content_type == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    picture = Image.open(io.BytesIO(response.body))
    assert picture.format == "PNG"
    assert picture.size == (300, 90)
    label = page.html.select_one("label[for=captcha_answer]").get_text(strip=True)
    assert label == "Type the 5 characters in the picture"


def test_the_picture_is_only_served_for_a_live_challenge_of_this_session(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    page, form = registration_form(app)
    url = page.html.select_one("img.captcha-image")["src"]

    app.get("/captcha/no-such-challenge.png", status=404)
    site.testapp().get(url, status=404)  # another visitor
    text_id = form["captcha_alt_id"].value
    app.get(f"/captcha/{text_id}.png", status=404)  # not a picture challenge
    app.get(url, status=200)

    form["captcha_answer"] = "WRONG1"
    assert_refused(form.submit(), WRONG)
    app.get(url, status=404)  # used up

    page, form = registration_form(app)
    expire_all_challenges(site)
    app.get(page.html.select_one("img.captcha-image")["src"], status=404)  # expired


# --- right answers -----------------------------------------------------------------------


def test_the_right_answer_to_the_text_question_creates_the_account(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    page, form = registration_form(app, "newbie")

    response = answer_text_alternative(page, form).submit()

    assert response.status_int == 302
    assert get_user(site, "newbie") is not None
    assert all(row["used"] for row in challenges(site))


def test_answers_in_words_or_another_case_are_accepted(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    accepted = {"number in words": False, "word in capitals": False}
    for attempt in range(60):
        page, form = registration_form(app, f"person{attempt}")
        answer = answer_question(question_on(page))
        kind = "number in words" if answer.isdigit() else "word in capitals"
        if accepted[kind]:
            continue
        form["captcha_alt_answer"] = (
            f" {NUMBERS[int(answer)].title()} " if answer.isdigit() else answer.upper()
        )
        response = form.submit()
        assert response.status_int == 302, form_errors(response)
        accepted[kind] = True
        app.reset()
        if all(accepted.values()):
            break
    assert all(accepted.values()), accepted


def test_the_upstream_plugin_name_enables_it_too(make_site):
    site = make_site(sections=OPEN, plugins={"mediagoblin.plugins.captcha": {}})
    app = site.testapp()
    page, form = registration_form(app)

    assert_refused(form.submit(), MISSING)
    page, form = registration_form(app)
    assert answer_text_alternative(page, form).submit().status_int == 302


# --- refused answers ---------------------------------------------------------------------


def test_a_missing_answer_is_refused_and_nothing_is_created(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    _, form = registration_form(app)

    assert_refused(form.submit(), MISSING)

    # A script that leaves out the CAPTCHA's fields altogether fares no better.
    token = app.get("/auth/register/").forms[0]["csrf_token"].value
    response = app.post(
        "/auth/register/",
        {
            "csrf_token": token,
            "username": "newbie",
            "email": "newbie@example.org",
            "password": "long enough",
        },
    )
    assert_refused(response, MISSING)
    assert count_users(site) == 0


def test_a_wrong_answer_is_refused_and_uses_the_challenge_up(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    page, form = registration_form(app)
    right = answer_question(question_on(page))

    form["captcha_alt_answer"] = right + "1"
    assert_refused(form.submit(), WRONG)

    # The same challenge with the right answer now: it had its one try.
    form["captcha_alt_answer"] = right
    assert_refused(form.submit(), STALE)
    assert count_users(site) == 0


def test_a_wrong_picture_answer_is_refused(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    _, form = registration_form(app)

    form["captcha_answer"] = "x"
    response = form.submit()

    assert_refused(response, WRONG)
    # The form offers a new picture, with a new id.
    assert response.forms[0]["captcha_id"].value != form["captcha_id"].value
    assert count_users(site) == 0


def test_an_expired_challenge_is_refused(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    page, form = registration_form(app)
    answer_text_alternative(page, form)

    expire_all_challenges(site)
    response = form.submit()

    assert_refused(response, STALE)
    assert count_users(site) == 0


def test_a_challenge_expires_after_expiry_seconds(make_site):
    site = captcha_site(make_site, expiry_seconds="120")
    before = utcnow()

    registration_form(site.testapp())

    lifetimes = {row["expires"] - before for row in challenges(site)}
    assert all(dt.timedelta(seconds=119) < life <= dt.timedelta(seconds=121) for life in lifetimes)


def test_a_replayed_challenge_is_refused(make_site):
    site = captcha_site(make_site)
    app = site.testapp()
    page, form = registration_form(app, "first")
    answer_text_alternative(page, form)
    cookies = list(app.cookiejar)

    assert form.submit().status_int == 302

    # Replay the very same request: the same session cookie, challenge and answer.
    app.cookiejar.clear()
    for cookie in cookies:
        app.cookiejar.set_cookie(cookie)
    form["username"] = "second"
    form["email"] = "second@example.org"
    response = form.submit()

    assert_refused(response, STALE)
    assert get_user(site, "first") is not None
    assert get_user(site, "second") is None
    assert count_users(site) == 1


def test_a_challenge_issued_to_one_session_cannot_be_used_from_another(make_site):
    site = captcha_site(make_site)
    owner = site.testapp()
    owner_page, owner_form = registration_form(owner, "owner")
    stranger = site.testapp()
    _, stranger_form = registration_form(stranger, "stranger")

    stranger_form["captcha_alt_id"].force_value(owner_form["captcha_alt_id"].value)
    stranger_form["captcha_alt_answer"] = answer_question(question_on(owner_page))
    response = stranger_form.submit()

    assert_refused(response, STALE)
    assert count_users(site) == 0
    # The owner's challenge was not the stranger's to use up.
    assert answer_text_alternative(owner_page, owner_form).submit().status_int == 302
    assert get_user(site, "owner") is not None


HIDDEN_FIELD = re.compile(r'name="(csrf_token|captcha_id|captcha_alt_id)" value="([^"]*)"')


def test_a_spam_wave_that_does_not_solve_the_captcha_creates_no_account(make_site):
    """200 scripted registrations, as a bot sends them: scrape the hidden fields, post."""
    site = captcha_site(make_site)
    wsgi_app = site.wsgi_app()
    refusals = 0
    for bot in range(50):
        app = webtest.TestApp(wsgi_app)
        page = app.get("/auth/register/")
        for attempt in range(4):
            hidden = dict(HIDDEN_FIELD.findall(page.text))
            number = bot * 4 + attempt
            values = {
                "csrf_token": hidden["csrf_token"],
                "username": f"spammer{number}",
                "email": f"spammer{number}@example.org",
                "password": "buy cheap pills",
            }
            if attempt == 1:  # the fields, left empty
                values.update(captcha_id=hidden["captcha_id"], captcha_answer="")
            elif attempt == 2:  # a guess at the picture
                values.update(captcha_id=hidden["captcha_id"], captcha_answer="AAAAAA")
            elif attempt == 3:  # a guess at the question, and a made-up picture id
                values.update(captcha_alt_id=hidden["captcha_alt_id"], captcha_alt_answer="42")
                values.update(captcha_id="made-up", captcha_answer="AAAAAA")
            page = app.post("/auth/register/", values)
            assert page.status_int == 200
            refusals += 'role="alert">Please answer the anti-spam' in page.text or (
                'role="alert">That answer to the anti-spam' in page.text
            )

    assert refusals == 200
    assert count_users(site) == 0


def test_expired_challenges_are_swept_away(make_site):
    site = captcha_site(make_site)
    registration_form(site.testapp())
    expire_all_challenges(site)
    old = {row["id"] for row in challenges(site)}

    registration_form(site.testapp())  # a fresh start sweeps on the first form it shows

    left = {row["id"] for row in challenges(site)}
    assert len(left) == 2
    assert not left & old


# --- proof of work -----------------------------------------------------------------------


def pow_site(make_site, difficulty=8):
    return captcha_site(make_site, mode="pow", pow_difficulty=str(difficulty))


def test_pow_mode_asks_the_browser_and_explains_what_javascript_is_for(make_site):
    page = pow_site(make_site).testapp().get("/auth/register/")

    field = page.html.select_one("input[name=captcha_answer]")
    assert field["type"] == "hidden"
    assert field["data-captcha-pow"] == page.forms[0]["captcha_id"].value
    assert field["data-captcha-difficulty"] == "8"
    assert page.html.select_one("img.captcha-image") is None
    noscript = page.html.select_one("form noscript").get_text(" ", strip=True)
    assert "This check needs JavaScript" in noscript
    assert page.html.select_one("form script")["src"].startswith(
        "http://localhost/plugin_static/captcha/pow.js"
    )


def test_a_solved_proof_of_work_creates_the_account(make_site):
    site = pow_site(make_site)
    app = site.testapp()
    page, form = registration_form(app)
    nonce = page.html.select_one("input[name=captcha_answer]")["data-captcha-pow"]

    form["captcha_answer"].force_value(solve_pow(nonce, 8))
    response = form.submit()

    assert response.status_int == 302
    assert get_user(site, "newbie") is not None


def test_an_unsolved_or_wrong_proof_of_work_is_refused(make_site):
    site = pow_site(make_site, difficulty=20)
    app = site.testapp()
    _, form = registration_form(app)

    assert_refused(form.submit(), POW_MISSING)

    page, form = registration_form(app)
    nonce = page.html.select_one("input[name=captcha_answer]")["data-captcha-pow"]
    wrong = next(
        str(counter)
        for counter in itertools.count()
        if hashlib.sha256(f"{nonce}:{counter}".encode()).digest()[0] != 0
    )
    form["captcha_answer"].force_value(wrong)
    assert_refused(form.submit(), POW_WRONG)
    assert count_users(site) == 0


def test_a_proof_of_work_is_single_use(make_site):
    site = pow_site(make_site)
    app = site.testapp()
    page, form = registration_form(app, "first")
    nonce = page.html.select_one("input[name=captcha_answer]")["data-captcha-pow"]
    form["captcha_answer"].force_value(solve_pow(nonce, 8))
    cookies = list(app.cookiejar)
    assert form.submit().status_int == 302

    app.cookiejar.clear()
    for cookie in cookies:
        app.cookiejar.set_cookie(cookie)
    form["username"] = "second"
    form["email"] = "second@example.org"

    assert_refused(form.submit(), STALE)
    assert count_users(site) == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_served_pow_script_finds_an_answer_the_server_accepts(make_site, tmp_path):
    site = pow_site(make_site, difficulty=10)
    app = site.testapp()
    page, form = registration_form(app)
    script = app.get(page.html.select_one("form script")["src"])
    assert script.content_type in {"text/javascript", "application/javascript"}
    (tmp_path / "pow.js").write_bytes(script.body)
    nonce = page.html.select_one("input[name=captcha_answer]")["data-captcha-pow"]

    counter = subprocess.run(
        [
            "node",
            "-e",
            "require(process.argv[1]).solve(process.argv[2], 10)"
            ".then((counter) => console.log(counter))",
            str(tmp_path / "pow.js"),
            nonce,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    form["captcha_answer"].force_value(counter)

    assert form.submit().status_int == 302


# --- configuration -----------------------------------------------------------------------


def test_a_bad_option_stops_start_up_with_one_line(make_site, capsys):
    site = captcha_site(make_site, mode="audio")

    with pytest.raises(SystemExit) as caught:
        site.wsgi_app()

    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "[[goblin.plugins.captcha]] mode = 'audio': expected one of image, pow" in err
