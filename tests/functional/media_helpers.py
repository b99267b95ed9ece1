"""Helpers for the media tests: upload through the real form, read rows and files back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from typing import Any

import webtest
from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry, MediaFile, MediaTag, Tag, User
from goblin.media_types.image import MEDIA_TYPE_NAME

PASSWORD = "correct horse"
IMAGE_PLUGIN_NAME = "goblin.media_types.image"
IMAGE_PLUGIN = {IMAGE_PLUGIN_NAME: {}}
UNSUPPORTED = "Sorry, I don't support that file type :("
TOO_BIG = "Sorry, the file size is too big."
OVER_LIMIT = "Sorry, uploading this file will put you over your upload limit."
AT_LIMIT = "Sorry, you have reached your upload limit."
JPEG_HEADER = b"\xff\xd8\xff"


def image_plugins(**options: Any) -> dict[str, dict[str, str]]:
    return {IMAGE_PLUGIN_NAME: {key: str(value) for key, value in options.items()}}


# --- the browser side ---------------------------------------------------------------------


def browser(testapp: webtest.TestApp) -> webtest.TestApp:
    """Another browser (its own cookies) on the same running app as ``testapp``."""
    return webtest.TestApp(testapp.app)


def form_with(page, field: str) -> webtest.forms.Form:
    """The first form on ``page`` with ``field`` (the header's logout form comes first)."""
    return next(form for form in page.forms.values() if field in form.fields)


def upload(
    testapp: webtest.TestApp,
    data: bytes,
    filename: str,
    *,
    title: str = "",
    description: str = "",
    tags: str = "",
    license: str | None = None,
    status: int | str | None = None,
):
    """Fill in /submit/ as a browser would and send it; returns the response to the POST."""
    form = form_with(testapp.get("/submit/"), "file")
    form["file"] = webtest.Upload(filename, data)
    form["title"] = title
    form["description"] = description
    form["tags"] = tags
    if license is not None:
        form["license"] = license
    return form.submit(status=status)


def field_errors(page) -> list[str]:
    return [error.get_text(strip=True) for error in page.html.select(".field-error")]


def flash_messages(page) -> list[str]:
    return [message.get_text(" ", strip=True) for message in page.html.select(".messages .message")]


def media_url(file_path: list[str]) -> str:
    return "/mgoblin_media/" + "/".join(file_path)


# --- the database side --------------------------------------------------------------------


@dataclasses.dataclass
class EntryRow:
    id: int
    username: str
    title: str
    slug: str | None
    description: str
    license: str | None
    state: str
    media_type: str
    file_size: int
    fail_error: str | None
    fail_metadata: dict | None
    queued_media_file: str | None
    files: dict[str, list[str]]
    tags: list[tuple[str, str]]

    @property
    def fail_reason(self) -> str | None:
        return (self.fail_metadata or {}).get("reason")


def _row(entry: MediaEntry) -> EntryRow:
    return EntryRow(
        id=entry.id,
        username=entry.uploader.username,
        title=entry.title,
        slug=entry.slug,
        description=entry.description,
        license=entry.license,
        state=entry.state,
        media_type=entry.media_type,
        file_size=entry.file_size,
        fail_error=entry.fail_error,
        fail_metadata=entry.fail_metadata,
        queued_media_file=entry.queued_media_file,
        files={media_file.name: list(media_file.file_path) for media_file in entry.files},
        tags=[(media_tag.name, media_tag.slug) for media_tag in entry.tags],
    )


def entries(site) -> list[EntryRow]:
    """Every media entry of the site, oldest first."""
    with session_scope(site.registry) as dbsession:
        return [_row(entry) for entry in dbsession.scalars(select(MediaEntry).order_by("id"))]


def only_entry(site) -> EntryRow:
    rows = entries(site)
    assert len(rows) == 1, rows
    return rows[0]


def get_entry(site, entry_id: int) -> EntryRow | None:
    with session_scope(site.registry) as dbsession:
        entry = dbsession.get(MediaEntry, entry_id)
        return None if entry is None else _row(entry)


def uploaded_bytes(site, username: str = "alice") -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(select(User.uploaded).where(User.username == username)) or 0


def set_user_columns(site, username: str, **values: Any) -> None:
    with session_scope(site.registry) as dbsession:
        user = dbsession.scalar(select(User).where(User.username == username))
        for name, value in values.items():
            setattr(user, name, value)


def tag_slugs(site) -> set[str]:
    with session_scope(site.registry) as dbsession:
        return set(dbsession.scalars(select(Tag.slug)))


def image_data(site, entry_id: int) -> dict[str, Any] | None:
    from goblin.media_types.image.models import ImageData

    with session_scope(site.registry) as dbsession:
        row = dbsession.get(ImageData, entry_id)
        if row is None:
            return None
        return {
            column: getattr(row, column)
            for column in ("width", "height", "exif_all", "latitude", "longitude", "altitude")
        }


def add_processed_entries(
    site, user_id: int, count: int, *, tags: tuple[str, ...] = (), start: int = 0
) -> None:
    """Insert ``count`` processed image entries with thumb and original rows (no files).

    Entry ``n`` is titled 'Entry <n>' and made ``n`` minutes after a fixed time, so the
    highest number is the newest.
    """
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with session_scope(site.registry) as dbsession:
        tag_rows = {}
        for slug in tags:
            tag_rows[slug] = dbsession.scalar(select(Tag).where(Tag.slug == slug)) or Tag(slug=slug)
            dbsession.add(tag_rows[slug])
        dbsession.flush()
        for number in range(start, start + count):
            entry = MediaEntry(
                actor=user_id,
                title=f"Entry {number}",
                slug=f"entry-{number}",
                media_type=MEDIA_TYPE_NAME,
                state="processed",
                created=base + dt.timedelta(minutes=number),
            )
            dbsession.add(entry)
            dbsession.flush()
            for name in ("thumb", "original"):
                dbsession.add(
                    MediaFile(
                        media_entry=entry.id,
                        name=name,
                        file_path=["media_entries", str(entry.id), f"{name}.jpg"],
                        file_metadata={"width": 180, "height": 120},
                    )
                )
            for slug, tag in tag_rows.items():
                dbsession.add(MediaTag(media_entry=entry.id, tag=tag.id, name=slug.title()))


# --- the disk side ------------------------------------------------------------------------


def public_dir(site) -> str:
    return os.path.join(site.folder, "user_dev", "media", "public")


def queue_dir(site) -> str:
    return os.path.join(site.folder, "user_dev", "media", "queue")


def entry_dir(site, entry_id: int) -> str:
    return os.path.join(public_dir(site), "media_entries", str(entry_id))


def public_path(site, file_path: list[str]) -> str:
    return os.path.join(public_dir(site), *file_path)


def files_under(folder: str) -> list[str]:
    """Every file below ``folder``, as sorted paths relative to it ([] if it is missing)."""
    found = []
    for root, _dirs, names in os.walk(folder):
        found.extend(os.path.relpath(os.path.join(root, name), folder) for name in names)
    return sorted(found)
