"""The pages around media: the media page, the processing panel, edit, delete and listings."""

from __future__ import annotations

import contextlib
import os

import pytest
from sqlalchemy import event

from tests import images
from tests.conftest import login
from tests.functional.helpers import CSRF_REASON
from tests.functional.media_helpers import (
    PASSWORD,
    add_processed_entries,
    browser,
    entries,
    entry_dir,
    field_errors,
    files_under,
    flash_messages,
    form_with,
    get_entry,
    only_entry,
    queue_dir,
    tag_slugs,
    upload,
    uploaded_bytes,
)

CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
BROKER_DOWN = {
    "celery": {"CELERY_ALWAYS_EAGER": "false", "BROKER_URL": "amqp://guest:guest@127.0.0.1:1//"}
}
SLUG_TAKEN = "An entry with that slug already exists for this user."


def member(site, testapp, username: str, privileges=None):
    """A new browser on ``testapp``'s app, logged in as a new member ``username``."""
    site.add_user(username, PASSWORD, privileges=privileges)
    app = browser(testapp)
    login(app, username, PASSWORD)
    return app


def csrf_of(page) -> str:
    return page.html.select_one("input[name=csrf_token]")["value"]


def titles(page) -> list[str]:
    return [span.get_text(strip=True) for span in page.html.select(".media-title")]


def pager_links(page) -> dict[str, str]:
    return {link["rel"][0]: link["href"] for link in page.html.select(".pager a[rel]")}


def panel_tables(page) -> dict[str, list[list[str]]]:
    """The panel's tables by the heading above them, as rows of cell texts."""
    tables = {}
    for heading in page.html.select("main h2"):
        table = heading.find_next_sibling()
        rows = []
        if table is not None and table.name == "table":
            rows = [
                [cell.get_text(strip=True) for cell in row.select("td")]
                for row in table.select("tbody tr")
            ]
        tables[heading.get_text(strip=True)] = rows
    return tables


@contextlib.contextmanager
def counting_queries(site):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = site.registry.dbengine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- the media page -----------------------------------------------------------------------


def test_the_media_page_shows_the_medium_linking_to_the_original(image_site, uploader):
    upload(
        uploader,
        images.jpeg(1000, 800),
        "lake.jpg",
        title="Sunset at the lake",
        description="A *calm* evening.",
        tags="sunset, Lake Side",
        license=CC_BY_SA,
    )
    entry = only_entry(image_site)

    page = browser(uploader).get("/u/alice/m/sunset-at-the-lake/")  # anonymous

    image = page.html.select_one(".media-display img.media-image")
    assert image["src"] == f"http://localhost/mgoblin_media/media_entries/{entry.id}/medium.jpg"
    assert (image["width"], image["height"]) == ("640", "512")
    assert image["alt"] == "Sunset at the lake"
    link = image.find_parent("a")
    assert link["href"] == f"http://localhost/mgoblin_media/media_entries/{entry.id}/original.jpg"
    assert page.html.h1.get_text() == "Sunset at the lake"
    assert "Sunset at the lake" in page.html.title.get_text()
    assert page.html.select_one(".byline a")["href"] == "http://localhost/u/alice/"
    assert page.html.select_one(".prose em").get_text() == "calm"
    tags = {a.get_text(): a["href"] for a in page.html.select(".tags a")}
    assert tags == {
        "sunset": "http://localhost/tag/sunset/",
        "Lake Side": "http://localhost/tag/lake-side/",
    }
    license_link = page.html.select_one(".license a[rel=license]")
    assert (license_link.get_text(), license_link["href"]) == ("CC BY-SA 4.0", CC_BY_SA)
    assert page.html.select(".actions a") == []  # an anonymous visitor may not change it

    # the files it links to are served
    browser(uploader).get(image["src"].removeprefix("http://localhost"), status=200)
    browser(uploader).get(link["href"].removeprefix("http://localhost"), status=200)


def test_a_small_image_is_shown_as_its_original(image_site, uploader):
    upload(uploader, images.jpeg(300, 200), "small.jpg", title="Small")
    entry = only_entry(image_site)

    page = uploader.get("/u/alice/m/small/")

    image = page.html.select_one("img.media-image")
    assert image["src"].endswith(f"/media_entries/{entry.id}/original.jpg")
    assert image.find_parent("a")["href"] == image["src"]


def test_the_owner_sees_edit_and_delete_links(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Mine")
    entry = only_entry(image_site)

    page = uploader.get("/u/alice/m/mine/")

    links = {a.get_text(strip=True): a["href"] for a in page.html.select(".actions a")}
    assert links == {
        "Edit": f"http://localhost/u/alice/m/{entry.id}/edit/",
        "Delete": f"http://localhost/u/alice/m/{entry.id}/confirm-delete/",
    }
    other = member(image_site, uploader, "bob")
    assert other.get("/u/alice/m/mine/").html.select(".actions a") == []


def test_description_and_title_are_rendered_safely(image_site, uploader):
    title = "<script>alert('title')</script> Cat & <b>Dog</b>"
    description = (
        "Hello **world**\n\n"
        "<script>alert('description')</script>\n\n"
        "<img src=x onerror=\"alert('img')\">\n\n"
        "[click me](javascript:alert('link')) and [a site](https://example.org)"
    )
    upload(uploader, images.jpeg(), "a.jpg", title=title, description=description, tags="t")
    entry = only_entry(image_site)
    assert entry.title == title  # stored as written, escaped when shown

    pages = [
        browser(uploader).get(f"/u/alice/m/{entry.slug}/"),
        uploader.get(f"/u/alice/m/{entry.slug}/"),
        uploader.get("/"),
        uploader.get("/u/alice/"),
        uploader.get("/u/alice/gallery/"),
        uploader.get("/tag/t/"),
        uploader.get(f"/u/alice/m/{entry.id}/confirm-delete/"),
    ]
    for page in pages:
        assert "<script>alert" not in page.text, page.request.path
        assert "onerror" not in page.text, page.request.path
        assert "javascript:" not in page.text, page.request.path
        assert page.html.find("script") is None, page.request.path

    media_page = pages[0]
    assert media_page.html.h1.get_text() == title
    prose = media_page.html.select_one(".prose")
    assert prose.strong.get_text() == "world"
    assert prose.find("img") is None
    links = {a.get_text(): a.get("href") for a in prose.find_all("a")}
    assert links == {"click me": None, "a site": "https://example.org"}
    assert titles(pages[2]) == [title]
    # the edit form gives the text back as written, as text
    edit = uploader.get(f"/u/alice/m/{entry.id}/edit/")
    assert edit.html.find("script") is None
    assert edit.html.find("img", onerror=True) is None
    textarea = edit.html.select_one("textarea[name=description]").get_text()
    assert textarea.lstrip("\r\n") == description  # WTForms starts a textarea with a newline
    assert edit.html.select_one("input[name=title]")["value"] == title


def test_a_processed_entry_of_another_member_is_not_under_your_name(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)
    image_site.add_user("bob", PASSWORD)

    uploader.get("/u/bob/m/hers/", status=404)
    uploader.get(f"/u/bob/m/id:{entry.id}/", status=404)
    uploader.get("/u/nobody/m/hers/", status=404)


def test_a_failed_entry_is_not_found_and_not_listed(image_site, uploader):
    upload(uploader, images.truncated_jpeg(), "cut.jpg", title="Broken", tags="broken")
    entry = only_entry(image_site)
    assert entry.state == "failed"

    for app in (uploader, browser(uploader)):
        app.get("/u/alice/m/broken/", status=404)
        app.get(f"/u/alice/m/id:{entry.id}/", status=404)
        assert titles(app.get("/")) == []
        assert titles(app.get("/u/alice/gallery/")) == []
        assert titles(app.get("/tag/broken/")) == []
        assert titles(app.get("/u/alice/")) == []


# --- the processing panel -----------------------------------------------------------------


def test_an_upload_shows_in_the_panel_at_once_and_nowhere_public(make_image_site):
    site = make_image_site(sections=BROKER_DOWN)  # nothing will process it
    site.add_user("alice", PASSWORD)
    app = site.testapp()
    login(app, "alice", PASSWORD)

    response = upload(app, images.jpeg(), "a.jpg", title="Just sent", tags="waiting")

    assert response.status_int == 302
    entry = only_entry(site)
    assert entry.state == "unprocessed"
    tables = panel_tables(app.get("/u/alice/panel/"))
    assert tables["Waiting or being processed"][0][0] == "Just sent"
    assert tables["Waiting or being processed"][0][2] == "unprocessed"
    assert len(tables["Waiting or being processed"]) == 1
    assert tables["Failed"] == []
    # not public until processed
    for anyone in (app, browser(app)):
        anyone.get("/u/alice/m/just-sent/", status=404)
        anyone.get(f"/u/alice/m/id:{entry.id}/", status=404)
        assert titles(anyone.get("/")) == []
        assert titles(anyone.get("/tag/waiting/")) == []
        assert titles(anyone.get("/u/alice/gallery/")) == []


def test_the_panel_shows_why_an_upload_failed(image_site, uploader):
    upload(uploader, images.truncated_jpeg(), "cut.jpg", title="Cut")
    upload(uploader, images.jpeg(), "fine.jpg", title="Fine")
    failed = entries(image_site)[0]

    page = uploader.get("/u/alice/panel/")

    tables = panel_tables(page)
    assert tables["Waiting or being processed"] == []
    assert len(tables["Failed"]) == 1
    title, _uploaded, reason, action = tables["Failed"][0]
    assert (title, action) == ("Cut", "Delete")
    assert reason == "The image file is damaged or incomplete and could not be read."
    delete = page.html.select_one(".panel-table a")["href"]
    assert delete == f"http://localhost/u/alice/m/{failed.id}/confirm-delete/"
    assert "Fine" not in page.html.select_one("main").get_text()  # processed: not here


def test_an_admin_may_see_a_members_panel(image_site, uploader):
    upload(uploader, images.truncated_jpeg(), "cut.jpg", title="Cut")
    admin = member(image_site, uploader, "root", privileges=("admin",))

    tables = panel_tables(admin.get("/u/alice/panel/"))

    assert [row[0] for row in tables["Failed"]] == ["Cut"]


def test_another_member_may_not_see_the_panel(image_site, uploader):
    upload(uploader, images.truncated_jpeg(), "cut.jpg", title="Cut")
    bob = member(image_site, uploader, "bob")

    page = bob.get("/u/alice/panel/", status=403)

    assert "Cut" not in page.text
    bob.get("/u/bob/panel/", status=200)


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_panel(image_site, uploader):
    response = browser(uploader).get("/u/alice/panel/")

    assert response.status_int == 302
    assert response.location == "http://localhost/auth/login/?next=%2Fu%2Falice%2Fpanel%2F"


def test_the_panel_of_nobody_is_not_found(uploader):
    uploader.get("/u/nobody/panel/", status=404)


# --- editing ------------------------------------------------------------------------------


def edit_form(app, entry_id: int, username: str = "alice"):
    return form_with(app.get(f"/u/{username}/m/{entry_id}/edit/"), "title")


def test_the_owner_edits_title_description_tags_slug_and_license(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Old", description="old", tags="cat, old")
    upload(uploader, images.jpeg(), "b.jpg", title="Other", tags="cat")
    entry = entries(image_site)[0]
    form = edit_form(uploader, entry.id)
    assert form["title"].value == "Old"
    assert form["slug"].value == "old"
    assert form["description"].value == "old"
    assert form["tags"].value == "cat, old"

    form["title"] = "New title"
    form["slug"] = "brand-new"
    form["description"] = "Now **bold**"
    form["tags"] = "cat, Fresh Tag"
    form["license"] = CC0
    response = form.submit()

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/m/brand-new/"
    page = response.follow()
    assert "Changes saved." in flash_messages(page)
    assert page.html.h1.get_text() == "New title"
    assert page.html.select_one(".prose strong").get_text() == "bold"
    assert [a.get_text() for a in page.html.select(".tags a")] == ["cat", "Fresh Tag"]
    assert page.html.select_one(".license a")["href"] == CC0
    edited = get_entry(image_site, entry.id)
    assert (edited.title, edited.slug, edited.license) == ("New title", "brand-new", CC0)
    assert edited.tags == [("cat", "cat"), ("Fresh Tag", "fresh-tag")]
    # "old" is used by nothing any more; "cat" is still on the other entry
    assert tag_slugs(image_site) == {"cat", "fresh-tag"}
    uploader.get("/u/alice/m/old/", status=404)
    assert titles(uploader.get("/tag/fresh-tag/")) == ["New title"]
    assert titles(uploader.get("/tag/cat/")) == ["Other", "New title"]


def test_an_empty_slug_is_made_from_the_title(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="First")
    entry = only_entry(image_site)
    form = edit_form(uploader, entry.id)
    form["title"] = "Second Name"
    form["slug"] = ""

    form.submit()

    assert get_entry(image_site, entry.id).slug == "second-name"


def test_a_slug_taken_by_another_entry_is_refused(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Taken")
    upload(uploader, images.jpeg(), "b.jpg", title="Mine")
    mine = entries(image_site)[1]
    form = edit_form(uploader, mine.id)
    form["title"] = "Changed"
    form["slug"] = "taken"

    page = form.submit()

    assert page.status_int == 200
    assert field_errors(page) == [SLUG_TAKEN]
    unchanged = get_entry(image_site, mine.id)
    assert (unchanged.title, unchanged.slug) == ("Mine", "mine")


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("slug", "Not A Slug", "A slug is lower-case letters, digits and '-'."),
        ("slug", "../etc", "A slug is lower-case letters, digits and '-'."),
        ("title", "", "A title is required."),
        ("title", "   ", "A title is required."),
        ("title", "x" * 256, "Field cannot be longer than 255 characters."),
    ],
)
def test_an_invalid_edit_is_refused(image_site, uploader, field, value, error):
    upload(uploader, images.jpeg(), "a.jpg", title="Keep")
    entry = only_entry(image_site)
    form = edit_form(uploader, entry.id)
    form[field] = value

    page = form.submit()

    assert page.status_int == 200
    assert field_errors(page) == [error]
    assert (get_entry(image_site, entry.id).title, get_entry(image_site, entry.id).slug) == (
        "Keep",
        "keep",
    )


def test_another_member_may_not_edit(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)
    bob = member(image_site, uploader, "bob")

    bob.get(f"/u/alice/m/{entry.id}/edit/", status=403)
    bob.post(
        f"/u/alice/m/{entry.id}/edit/",
        {"csrf_token": csrf_of(bob.get("/")), "title": "Bob's now", "slug": "bobs"},
        status=403,
    )

    assert get_entry(image_site, entry.id).title == "Hers"


def test_an_anonymous_visitor_is_sent_to_log_in_to_edit(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)

    response = browser(uploader).get(f"/u/alice/m/{entry.id}/edit/")

    assert response.status_int == 302
    assert response.location.startswith("http://localhost/auth/login/?next=")


def test_an_admin_may_edit(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)
    admin = member(image_site, uploader, "root", privileges=("admin",))
    form = edit_form(admin, entry.id)
    form["title"] = "Moderated"

    response = form.submit()

    assert response.location == "http://localhost/u/alice/m/hers/"
    assert get_entry(image_site, entry.id).title == "Moderated"


def test_an_edit_without_the_csrf_token_changes_nothing(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Safe", tags="safe")
    entry = only_entry(image_site)

    page = uploader.post(
        f"/u/alice/m/{entry.id}/edit/",
        {"title": "Forged", "slug": "forged", "tags": "forged", "description": ""},
        status=403,
    )

    assert CSRF_REASON in page
    unchanged = get_entry(image_site, entry.id)
    assert (unchanged.title, unchanged.slug, unchanged.tags) == ("Safe", "safe", [("safe", "safe")])


# --- deleting -----------------------------------------------------------------------------


def delete_form(app, entry_id: int, username: str = "alice"):
    return form_with(app.get(f"/u/{username}/m/{entry_id}/confirm-delete/"), "confirm")


def test_without_the_checkbox_nothing_is_deleted(image_site, uploader):
    data = images.jpeg()
    upload(uploader, data, "a.jpg", title="Keep me")
    entry = only_entry(image_site)
    files = files_under(entry_dir(image_site, entry.id))

    response = delete_form(uploader, entry.id).submit()

    assert response.status_int == 302
    assert response.location == f"http://localhost/u/alice/m/{entry.id}/confirm-delete/"
    assert any("didn't check" in message for message in flash_messages(response.follow()))
    assert get_entry(image_site, entry.id) is not None
    assert files_under(entry_dir(image_site, entry.id)) == files
    assert uploaded_bytes(image_site) == len(data)


def test_delete_removes_the_entry_its_files_and_orphan_tags_and_refunds(image_site, uploader):
    upload(uploader, images.jpeg(1000, 800), "a.jpg", title="Doomed", tags="cat, doomed")
    upload(uploader, images.jpeg(), "b.jpg", title="Survivor", tags="cat")
    doomed, survivor = entries(image_site)
    survivor_files = files_under(entry_dir(image_site, survivor.id))
    form = delete_form(uploader, doomed.id)
    form["confirm"] = True

    response = form.submit()

    assert response.status_int == 302
    assert response.location == "http://localhost/u/alice/"
    assert "You deleted “Doomed”." in flash_messages(response.follow())
    assert get_entry(image_site, doomed.id) is None
    assert not os.path.exists(entry_dir(image_site, doomed.id))
    assert files_under(entry_dir(image_site, survivor.id)) == survivor_files
    assert uploaded_bytes(image_site) == survivor.file_size
    assert tag_slugs(image_site) == {"cat"}
    uploader.get("/u/alice/m/doomed/", status=404)
    assert titles(uploader.get("/")) == ["Survivor"]


def test_deleting_a_failed_upload_removes_its_queued_file(image_site, uploader):
    upload(uploader, images.truncated_jpeg(), "cut.jpg", title="Cut")
    failed = only_entry(image_site)
    assert files_under(queue_dir(image_site)) != []
    form = delete_form(uploader, failed.id)
    form["confirm"] = True

    form.submit()

    assert entries(image_site) == []
    assert files_under(queue_dir(image_site)) == []
    assert uploaded_bytes(image_site) == 0
    assert panel_tables(uploader.get("/u/alice/panel/"))["Failed"] == []


def test_another_member_may_not_delete(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)
    bob = member(image_site, uploader, "bob")

    bob.get(f"/u/alice/m/{entry.id}/confirm-delete/", status=403)
    bob.post(
        f"/u/alice/m/{entry.id}/confirm-delete/",
        {"csrf_token": csrf_of(bob.get("/")), "confirm": "y"},
        status=403,
    )

    assert get_entry(image_site, entry.id) is not None
    assert files_under(entry_dir(image_site, entry.id)) != []


def test_an_admin_may_delete_and_the_owner_gets_the_bytes_back(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Hers")
    entry = only_entry(image_site)
    admin = member(image_site, uploader, "root", privileges=("admin",))
    form = delete_form(admin, entry.id)
    form["confirm"] = True

    form.submit()

    assert get_entry(image_site, entry.id) is None
    assert not os.path.exists(entry_dir(image_site, entry.id))
    assert uploaded_bytes(image_site, "alice") == 0
    assert uploaded_bytes(image_site, "root") == 0


def test_a_delete_without_the_csrf_token_deletes_nothing(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Safe")
    entry = only_entry(image_site)

    page = uploader.post(f"/u/alice/m/{entry.id}/confirm-delete/", {"confirm": "y"}, status=403)

    assert CSRF_REASON in page
    assert get_entry(image_site, entry.id) is not None
    assert files_under(entry_dir(image_site, entry.id)) != []
    assert uploaded_bytes(image_site) == entry.file_size


# --- listings -----------------------------------------------------------------------------


LISTINGS = ["/", "/u/alice/gallery/", "/tag/cats/", "/u/alice/tag/cats/"]


def query_count(site, app, url: str) -> int:
    app.get(url)  # warm up: first-request work is not what we measure
    with counting_queries(site) as statements:
        page = app.get(url)
    assert page.status_int == 200
    return len(statements)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_listings_make_as_many_queries_for_200_entries_as_for_10(image_site, image_app, logged_in):
    alice = image_site.add_user("alice", PASSWORD)
    if logged_in:
        login(image_app, "alice", PASSWORD)
    add_processed_entries(image_site, alice, 10, tags=("cats",))
    urls = [*LISTINGS, "/u/alice/"]

    small = {url: query_count(image_site, image_app, url) for url in urls}
    add_processed_entries(image_site, alice, 190, tags=("cats",), start=10)
    large = {url: query_count(image_site, image_app, url) for url in urls}

    assert large == small
    assert max(small.values()) <= 8
    # and the pages do show a full page of entries with their thumbnails
    for url in LISTINGS:
        cards = image_app.get(url).html.select(".media-card img[src$='/thumb.jpg']")
        assert len(cards) == 30, url


def test_listings_show_30_per_page_and_a_bad_page_is_the_first(image_site, image_app):
    alice = image_site.add_user("alice", PASSWORD)
    add_processed_entries(image_site, alice, 35, tags=("cats",))

    for url in LISTINGS:
        first = image_app.get(url)
        second = image_app.get(url + "?page=2")

        assert titles(first) == [f"Entry {n}" for n in range(34, 4, -1)], url
        assert titles(second) == [f"Entry {n}" for n in range(4, -1, -1)], url
        assert pager_links(first) == {"next": "?page=2"}, url
        assert pager_links(second) == {"prev": "?page=1"}, url
        for bad in ("abc", "", "-3", "0", "1.5", "%00", "1e9"):
            response = image_app.get(f"{url}?page={bad}")
            assert response.status_int == 200
            assert titles(response) == titles(first), (url, bad)
        past_the_end = image_app.get(url + "?page=9999999999")
        assert titles(past_the_end) == [], url


def test_a_gallery_shows_only_its_members_media(image_site, image_app):
    alice = image_site.add_user("alice", PASSWORD)
    bob = image_site.add_user("bob", PASSWORD)
    add_processed_entries(image_site, alice, 2)
    add_processed_entries(image_site, bob, 2, start=2)

    assert titles(image_app.get("/u/alice/gallery/")) == ["Entry 1", "Entry 0"]
    assert titles(image_app.get("/u/bob/gallery/")) == ["Entry 3", "Entry 2"]
    assert titles(image_app.get("/")) == ["Entry 3", "Entry 2", "Entry 1", "Entry 0"]
    image_app.get("/u/nobody/gallery/", status=404)


def test_the_profile_shows_the_newest_twelve_and_links_to_the_gallery(image_site, image_app):
    alice = image_site.add_user("alice", PASSWORD)
    add_processed_entries(image_site, alice, 13)

    page = image_app.get("/u/alice/")

    assert titles(page) == [f"Entry {n}" for n in range(12, 0, -1)]
    link = page.html.find("a", string="See all of alice's media")
    assert link["href"] == "http://localhost/u/alice/gallery/"


def test_the_tag_page_is_titled_with_the_tags_name(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Tagged", tags="Lake Side")

    page = uploader.get("/tag/lake-side/")

    assert page.html.h1.get_text() == "Media tagged with “Lake Side”"
    assert titles(page) == ["Tagged"]
    empty = uploader.get("/tag/unknown/")
    assert titles(empty) == []
    assert "Nothing is tagged with that yet." in empty


# --- the header on these pages ------------------------------------------------------------


def test_the_header_offers_add_media_to_an_uploader_on_every_page(image_site, uploader):
    upload(uploader, images.jpeg(), "a.jpg", title="Mine", tags="mine")
    entry = only_entry(image_site)
    pages = [
        uploader.get("/"),
        uploader.get("/u/alice/"),
        uploader.get("/u/alice/gallery/"),
        uploader.get("/u/alice/panel/"),
        uploader.get("/u/alice/m/mine/"),
        uploader.get(f"/u/alice/m/{entry.id}/edit/"),
        uploader.get("/tag/mine/"),
        uploader.get("/u/nobody/", status=404),
        uploader.get("/u/nobody/panel/", status=404),
        uploader.get("/u/alice/m/nothing-here/", status=404),
    ]

    for page in pages:
        add_media = page.html.select_one(".account-nav a[href='http://localhost/submit/']")
        assert add_media is not None, page.request.path


def test_the_header_offers_no_add_media_to_a_member_who_may_not_upload(image_site, image_app):
    bob = member(image_site, image_app, "bob", privileges=("active", "commenter"))

    for url, status in (("/", 200), ("/u/bob/", 200), ("/u/nobody/", 404)):
        page = bob.get(url, status=status)
        assert page.html.select_one(".account-nav a[href='http://localhost/submit/']") is None
