"""Uploading at /submit/: who may, what is accepted, what is stored, limits and messages."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from tests import images
from tests.conftest import login
from tests.functional.helpers import BRANDED_403, CSRF_REASON
from tests.functional.media_helpers import (
    AT_LIMIT,
    JPEG_HEADER,
    OVER_LIMIT,
    PASSWORD,
    TOO_BIG,
    UNSUPPORTED,
    browser,
    entries,
    entry_dir,
    field_errors,
    files_under,
    flash_messages,
    form_with,
    get_entry,
    media_url,
    only_entry,
    public_path,
    queue_dir,
    set_user_columns,
    tag_slugs,
    upload,
    uploaded_bytes,
)

CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
SANDBOX_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)
BROKER_DOWN = {
    "celery": {"CELERY_ALWAYS_EAGER": "false", "BROKER_URL": "amqp://guest:guest@127.0.0.1:1//"}
}


def assert_nothing_stored(site, username: str = "alice") -> None:
    """No entry row, no queued or published file, no byte counted against the quota."""
    assert entries(site) == []
    assert files_under(queue_dir(site)) == []
    assert files_under(os.path.join(site.folder, "user_dev", "media", "public")) == []
    assert uploaded_bytes(site, username) == 0
    assert tag_slugs(site) == set()


def image_size(path: str) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


# --- a successful upload ------------------------------------------------------------------


def test_upload_is_processed_published_and_served(image_site, uploader):
    data = images.jpeg(1000, 800)

    response = upload(
        uploader,
        data,
        "holiday.jpg",
        title="Sunset at the lake",
        description="A *calm* evening.",
        tags="sunset, Lake Side",
        license=CC_BY_SA,
    )

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/"
    assert "Woohoo! Submitted!" in flash_messages(response.follow())

    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert entry.title == "Sunset at the lake"
    assert entry.slug == "sunset-at-the-lake"
    assert entry.description == "A *calm* evening."
    assert entry.license == CC_BY_SA
    assert entry.tags == [("sunset", "sunset"), ("Lake Side", "lake-side")]
    assert entry.file_size == len(data)
    assert entry.queued_media_file is None

    # original, medium (the photo is larger than 640x640) and thumb, in the entry's folder
    folder = entry_dir(image_site, entry.id)
    assert folder == os.path.join(
        image_site.folder, "user_dev", "media", "public", "media_entries", str(entry.id)
    )
    assert files_under(folder) == ["medium.jpg", "original.jpg", "thumb.jpg"]
    assert set(entry.files) == {"original", "medium", "thumb"}
    paths = {name: public_path(image_site, path) for name, path in entry.files.items()}
    with open(paths["original"], "rb") as original:
        assert original.read() == data

    thumb_size, medium_size = image_size(paths["thumb"]), image_size(paths["medium"])
    assert thumb_size == (180, 144)  # fits 180x180, keeps the 5:4 shape
    assert medium_size == (640, 512)  # fits 640x640
    sizes = {name: os.path.getsize(path) for name, path in paths.items()}
    assert sizes["thumb"] < sizes["medium"] < sizes["original"]

    # the upload left the queue, and its bytes count against alice's quota
    assert files_under(queue_dir(image_site)) == []
    assert uploaded_bytes(image_site) == len(data)


def test_published_files_are_served_sandboxed_with_their_type(image_site, uploader):
    upload(uploader, images.jpeg(1000, 800), "photo.jpg", title="Photo")
    entry = only_entry(image_site)

    for name in ("original", "medium", "thumb"):
        response = uploader.get(media_url(entry.files[name]))
        assert response.content_type == "image/jpeg"
        assert response.body.startswith(JPEG_HEADER)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == SANDBOX_CSP
        with open(public_path(image_site, entry.files[name]), "rb") as stored:
            assert response.body == stored.read()


def test_a_small_jpeg_gets_no_medium(image_site, uploader):
    upload(uploader, images.jpeg(300, 200), "small.jpg")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert set(entry.files) == {"original", "thumb"}
    assert files_under(entry_dir(image_site, entry.id)) == ["original.jpg", "thumb.jpg"]
    assert image_size(public_path(image_site, entry.files["thumb"])) == (180, 120)


def test_the_upload_appears_on_the_profile_and_its_page(image_site, uploader):
    upload(uploader, images.jpeg(), "photo.jpg", title="My photo")
    entry = only_entry(image_site)

    profile = uploader.get("/u/alice/")
    card = profile.html.select_one(".media-card a")
    assert card["href"] == "http://localhost/u/alice/m/my-photo/"
    assert card.img["src"].endswith(f"/mgoblin_media/media_entries/{entry.id}/thumb.jpg")
    assert uploader.get("/u/alice/m/my-photo/").html.h1.get_text() == "My photo"


def test_an_empty_title_becomes_the_file_name(image_site, uploader):
    upload(uploader, images.jpeg(), "Beach Day.JPG", title="   ")

    entry = only_entry(image_site)
    assert entry.title == "Beach Day"
    assert entry.slug == "beach-day"
    assert entry.state == "processed"


def test_a_very_long_file_name_gives_a_title_that_fits(image_site, uploader):
    response = upload(uploader, images.jpeg(), "b" * 400 + ".jpg")

    assert response.status_int == 302
    entry = only_entry(image_site)
    assert entry.title == "b" * 255
    assert entry.slug == "b" * 100
    assert entry.state == "processed"


def test_a_title_longer_than_255_characters_is_refused(image_site, uploader):
    page = upload(uploader, images.jpeg(), "a.jpg", title="t" * 256)

    assert field_errors(page) == ["Field cannot be longer than 255 characters."]
    assert_nothing_stored(image_site)


def test_the_uploaders_file_name_never_becomes_a_path(image_site, uploader):
    response = upload(uploader, images.jpeg(), "../../../../etc/evil name.jpg", title="Evil")

    assert response.status_int == 302
    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert files_under(entry_dir(image_site, entry.id)) == ["original.jpg", "thumb.jpg"]
    everything = files_under(image_site.folder)
    assert not [path for path in everything if "evil" in path.lower()]


def test_the_queued_upload_keeps_only_a_clean_extension(image_site, uploader):
    # a damaged file stays in the queue store, under the name it was given there
    upload(uploader, images.truncated_jpeg(), "../we ird/..name.JPG")

    entry = only_entry(image_site)
    assert entry.state == "failed"
    assert entry.queued_media_file == f"media_entries/{entry.id}/upload.jpg"
    assert files_under(queue_dir(image_site)) == [f"media_entries/{entry.id}/upload.jpg"]


def test_a_form_without_a_file_asks_for_one(image_site, uploader):
    form = form_with(uploader.get("/submit/"), "file")
    form["title"] = "No file"

    page = form.submit()

    assert page.status_int == 200
    assert field_errors(page) == ["You must provide a file."]
    assert_nothing_stored(image_site)


def test_the_form_lists_the_accepted_extensions(image_site, uploader):
    hint = uploader.get("/submit/").html.select_one(".hint").get_text(" ", strip=True)

    assert "jpg" in hint
    assert "png" in hint
    assert "webp" in hint


# --- files that are refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        pytest.param("notes.txt", images.random_bytes(), id="random-bytes-txt"),
        pytest.param("photo.jpg", images.random_bytes(), id="random-bytes-jpg"),
        pytest.param("photo.jpg", images.HTML_PAGE, id="html-named-jpg"),
        pytest.param("page.html", images.HTML_PAGE, id="html"),
        pytest.param("drawing.svg", images.SVG_WITH_SCRIPT, id="svg-with-script"),
        pytest.param("drawing.png", images.SVG_WITH_SCRIPT, id="svg-named-png"),
        pytest.param("empty.jpg", b"", id="empty-jpg"),
        pytest.param("noextension", images.HTML_PAGE, id="html-without-extension"),
    ],
)
def test_a_file_no_media_type_recognises_is_refused(image_site, uploader, filename, data):
    page = upload(uploader, data, filename, title="Nope", tags="nope")

    assert page.status_int == 200
    assert field_errors(page) == [UNSUPPORTED]
    assert page.html.select_one("input[name=title]")["value"] == "Nope"
    assert_nothing_stored(image_site)


def test_an_image_is_recognised_by_its_content_whatever_its_name(image_site, uploader):
    data = images.png()

    upload(uploader, data, "actually-a-png.jpg", title="PNG in disguise")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert files_under(entry_dir(image_site, entry.id)) == ["original.png", "thumb.jpg"]
    response = uploader.get(media_url(entry.files["original"]))
    assert response.content_type == "image/png"
    assert response.body == data


def test_an_image_with_html_appended_is_only_ever_served_as_an_image(image_site, uploader):
    data = images.gif_with_html_appended()

    upload(uploader, data, "polyglot.html", title="Polyglot")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert files_under(entry_dir(image_site, entry.id)) == ["original.gif", "thumb.jpg"]
    response = uploader.get(media_url(entry.files["original"]))
    assert response.body == data
    assert response.content_type == "image/gif"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX_CSP


def test_without_the_image_type_even_an_image_is_refused(site, app, alice):
    login(app, "alice", PASSWORD)

    page = upload(app, images.jpeg(), "photo.jpg")

    assert field_errors(page) == [UNSUPPORTED]
    assert_nothing_stored(site)


def test_a_tag_that_is_too_long_is_refused_with_nothing_stored(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"tags_max_length": "10"}})
    app = site.testapp()
    site.add_user("alice", PASSWORD)
    login(app, "alice", PASSWORD)

    page = upload(app, images.jpeg(), "photo.jpg", tags="ok, much-too-long-a-tag")

    assert page.status_int == 200
    assert field_errors(page) == [
        "Tags must be shorter than 11 characters. Tags too long: much-too-long-a-tag"
    ]
    assert_nothing_stored(site)


# --- limits -------------------------------------------------------------------------------


def login_to(site):
    app = site.testapp()
    site.add_user("alice", PASSWORD)
    login(app, "alice", PASSWORD)
    return app


def test_a_file_over_max_file_size_is_refused(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"max_file_size": "0.001"}})
    app = login_to(site)
    data = images.jpeg()
    assert len(data) > 0.001 * 1024 * 1024

    page = upload(app, data, "photo.jpg")

    assert page.status_int == 200
    assert field_errors(page) == [TOO_BIG]
    assert_nothing_stored(site)
    assert "Up to 0.001 MB per file." in page.html.select_one(".hint").get_text(" ", strip=True)


def test_a_file_under_max_file_size_is_accepted(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"max_file_size": "1"}})
    app = login_to(site)

    upload(app, images.jpeg(), "photo.jpg")

    assert only_entry(site).state == "processed"


def test_an_upload_that_would_pass_the_upload_limit_is_refused(make_image_site):
    first, second = images.jpeg(300, 200), images.jpeg(400, 300)
    limit_mb = (len(first) + len(second) // 2) / (1024 * 1024)
    site = make_image_site(sections={"mediagoblin": {"upload_limit": f"{limit_mb:.6f}"}})
    app = login_to(site)

    upload(app, first, "first.jpg", title="First")
    assert uploaded_bytes(site) == len(first)

    page = upload(app, second, "second.jpg", title="Second", tags="second")

    assert page.status_int == 200
    assert field_errors(page) == [OVER_LIMIT]
    assert [entry.title for entry in entries(site)] == ["First"]
    assert uploaded_bytes(site) == len(first)
    assert files_under(queue_dir(site)) == []
    assert "second" not in tag_slugs(site)


def test_a_user_at_the_upload_limit_is_sent_back_with_a_message(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"upload_limit": "1"}})
    app = login_to(site)
    set_user_columns(site, "alice", uploaded=1024 * 1024)

    response = app.get("/submit/")

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/"
    assert AT_LIMIT in flash_messages(response.follow())


def test_a_post_at_the_upload_limit_stores_nothing(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"upload_limit": "1"}})
    app = login_to(site)
    form = form_with(app.get("/submit/"), "file")
    set_user_columns(site, "alice", uploaded=1024 * 1024)  # reached while the form was open
    form["file"] = ("photo.jpg", images.jpeg())

    response = form.submit()

    assert response.status_int == 302
    assert AT_LIMIT in flash_messages(response.follow())
    assert entries(site) == []
    assert files_under(queue_dir(site)) == []
    assert uploaded_bytes(site) == 1024 * 1024


def test_a_users_own_upload_limit_overrides_the_sites(make_image_site):
    site = make_image_site(sections={"mediagoblin": {"upload_limit": "100"}})
    app = login_to(site)
    set_user_columns(site, "alice", upload_limit=1, uploaded=1024 * 1024 - 10)

    page = upload(app, images.jpeg(), "photo.jpg")

    assert field_errors(page) == [OVER_LIMIT]
    assert entries(site) == []
    assert uploaded_bytes(site) == 1024 * 1024 - 10


# --- who may upload -----------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(image_app):
    response = image_app.get("/submit/")

    assert response.status_int == 302
    assert response.location == "http://localhost/auth/login/?next=%2Fsubmit%2F"


@pytest.mark.parametrize(
    ("privileges", "explanation"),
    [
        pytest.param(("active", "commenter"), BRANDED_403, id="not-an-uploader"),
        pytest.param(
            ("uploader", "commenter"), "Please verify your email address first", id="not-active"
        ),
    ],
)
def test_members_who_may_not_upload_get_403(image_site, image_app, privileges, explanation):
    image_site.add_user("bob", PASSWORD, privileges=privileges)
    login(image_app, "bob", PASSWORD)

    page = image_app.get("/submit/", status=403)
    assert explanation in page
    token = image_app.get("/").html.select_one("input[name=csrf_token]")["value"]
    image_app.post(
        "/submit/",
        {"csrf_token": token, "title": "sneaky"},
        upload_files=[("file", "photo.jpg", images.jpeg())],
        status=403,
    )

    assert entries(image_site) == []
    assert files_under(queue_dir(image_site)) == []


def test_an_upload_without_the_csrf_token_is_refused(image_site, uploader):
    page = uploader.post(
        "/submit/",
        {"title": "forged"},
        upload_files=[("file", "photo.jpg", images.jpeg())],
        status=403,
    )

    assert CSRF_REASON in page
    assert_nothing_stored(image_site)


def test_an_admin_may_upload(image_site, image_app):
    image_site.add_user("root", PASSWORD, privileges=("admin",))
    login(image_app, "root", PASSWORD)

    upload(image_app, images.jpeg(), "photo.jpg", title="Admin's")

    entry = only_entry(image_site)
    assert (entry.username, entry.state) == ("root", "processed")


# --- slugs --------------------------------------------------------------------------------


def test_two_uploads_with_one_title_get_different_slugs(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Same Title")
    upload(uploader, images.jpeg(), "b.jpg", title="Same Title")

    first, second = entries(image_site)
    assert first.slug == "same-title"
    assert second.slug == f"same-title-{second.id}"
    for entry in (first, second):
        page = uploader.get(f"/u/alice/m/{entry.slug}/")
        assert page.html.select_one("img.media-image")["src"].endswith(
            f"/media_entries/{entry.id}/original.jpg"
        )


def test_the_same_slug_may_belong_to_two_users(image_site, uploader):
    image_site.add_user("bob", PASSWORD)
    bob = browser(uploader)
    login(bob, "bob", PASSWORD)

    upload(uploader, images.jpeg(), "a.jpg", title="Holiday")
    upload(bob, images.jpeg(), "b.jpg", title="Holiday")

    assert [(entry.username, entry.slug) for entry in entries(image_site)] == [
        ("alice", "holiday"),
        ("bob", "holiday"),
    ]
    uploader.get("/u/alice/m/holiday/", status=200)
    uploader.get("/u/bob/m/holiday/", status=200)


def test_an_entry_is_reachable_by_its_id(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="By id")
    entry = only_entry(image_site)

    page = uploader.get(f"/u/alice/m/id:{entry.id}/")

    assert page.html.h1.get_text() == "By id"
    uploader.get(f"/u/nobody/m/id:{entry.id}/", status=404)
    uploader.get(f"/u/alice/m/id:{entry.id + 1}/", status=404)


def test_a_title_without_letters_or_digits_gets_an_id_url(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="!!! ???")
    entry = only_entry(image_site)

    assert entry.slug is None
    profile = uploader.get("/u/alice/")
    href = profile.html.select_one(".media-card a")["href"]
    assert href == f"http://localhost/u/alice/m/id:{entry.id}/"
    assert uploader.get(href).html.h1.get_text() == "!!! ???"


# --- processing after the commit ----------------------------------------------------------


def test_an_upload_succeeds_when_the_broker_is_down(make_image_site):
    site = make_image_site(sections=BROKER_DOWN)
    app = login_to(site)
    data = images.jpeg()

    response = upload(app, data, "photo.jpg", title="Waiting")

    assert response.status_int == 302
    assert "Woohoo! Submitted!" in flash_messages(response.follow())
    entry = only_entry(site)
    assert entry.state == "unprocessed"
    assert entry.files == {}
    with open(os.path.join(queue_dir(site), *entry.queued_media_file.split("/")), "rb") as queued:
        assert queued.read() == data
    assert uploaded_bytes(site) == len(data)
    waiting = app.get("/u/alice/panel/").html.select(".panel-table")[0]
    assert "Waiting" in waiting.get_text()
    assert "unprocessed" in waiting.get_text()
    # not yet public
    app.get("/u/alice/m/waiting/", status=404)
    assert app.get("/").html.select(".media-card") == []


def test_a_refused_upload_leaves_other_entries_alone(image_site, uploader):
    upload(uploader, images.jpeg(), "good.jpg", title="Good")
    good = only_entry(image_site)

    upload(uploader, images.HTML_PAGE, "bad.jpg", title="Bad")

    assert [entry.title for entry in entries(image_site)] == ["Good"]
    assert get_entry(image_site, good.id).state == "processed"
    assert uploaded_bytes(image_site) == good.file_size
