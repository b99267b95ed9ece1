"""``gmg dbupdate`` on a populated database made by an older goblin, on SQLite and PostgreSQL.

The database is made at revision 0002 (users, media, files, tags and image data exist; the
later tables and ``task_sent_at`` do not) and filled with plain SQL, as that version left
it. After ``gmg -cf mediagoblin.ini dbupdate`` every row is still there with the same
values, the new tables and columns exist, and the site shows the old media. A second
dbupdate changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json

import bcrypt
import pytest
import webtest
from alembic import command
from sqlalchemy import inspect, text

from goblin import gmg
from goblin.db import make_engine
from goblin.db.migrate import alembic_config, head_revisions
from goblin.db.models import PRIVILEGE_NAMES
from tests.conftest import login
from tests.sites import build_app, write_site

OLD_REVISION = "0002"
PASSWORD = "correct horse"
T0 = dt.datetime(2023, 5, 1, 12, 0, 0)  # naive UTC, as goblin stores it
#: Tables of revision 0002 and how to order their rows.
OLD_TABLES = {
    "core__privileges": "id",
    "core__users": "id",
    "core__privileges_users": "user_id, privilege_id",
    "core__login_sessions": "id",
    "core__media_entries": "id",
    "core__mediafiles": "id",
    "core__tags": "id",
    "core__media_tags": "id",
    "image__mediadata": "media_entry",
}
NEW_TABLES = {
    "core__rate_limits",
    "core__invitations",
    "core__registration_requests",
    "captcha__challenges",
}
OLD_PRIVILEGES = ("admin", "uploader", "commenter", "active")


def at_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def populate(url: str, password_hash: str) -> None:
    """Rows as an older goblin wrote them: plain SQL, explicit ids."""
    engine = make_engine(url)
    rows = [
        (
            "INSERT INTO core__privileges (id, privilege_name) VALUES (:id, :name)",
            [{"id": n + 1, "name": name} for n, name in enumerate(OLD_PRIVILEGES)],
        ),
        (
            "INSERT INTO core__users (id, username, email, pw_hash, created, url, bio, "
            "location, wants_comment_notification, wants_notifications, license_preference, "
            "uploaded, upload_limit) VALUES (:id, :username, :email, :pw_hash, :created, "
            ":url, :bio, :location, :wcn, :wn, :license, :uploaded, :upload_limit)",
            [
                {
                    "id": 1,
                    "username": "alice",
                    "email": "alice@example.org",
                    "pw_hash": password_hash,
                    "created": T0,
                    "url": "https://alice.example.org/",
                    "bio": "Takes pictures of harbours. Ünïcode too: 港",
                    "location": "Brest",
                    "wcn": True,
                    "wn": False,
                    "license": "http://creativecommons.org/licenses/by-sa/4.0/",
                    "uploaded": 123456,
                    "upload_limit": 500,
                },
                {
                    "id": 2,
                    "username": "bob",
                    "email": "bob@example.org",
                    "pw_hash": None,
                    "created": T0 + dt.timedelta(days=1),
                    "url": None,
                    "bio": None,
                    "location": None,
                    "wcn": False,
                    "wn": True,
                    "license": None,
                    "uploaded": 0,
                    "upload_limit": None,
                },
            ],
        ),
        (
            "INSERT INTO core__privileges_users (user_id, privilege_id) VALUES (:u, :p)",
            [{"u": 1, "p": p} for p in (1, 2, 3, 4)] + [{"u": 2, "p": 4}],
        ),
        (
            "INSERT INTO core__login_sessions (id, token_hash, user_id, created, expires) "
            "VALUES (:id, :token_hash, :user_id, :created, :expires)",
            [
                {
                    "id": 1,
                    "token_hash": "ab" * 32,
                    "user_id": 1,
                    "created": T0,
                    "expires": T0 + dt.timedelta(days=3650),
                }
            ],
        ),
        (
            "INSERT INTO core__media_entries (id, public_id, actor, title, slug, description, "
            "media_type, state, license, file_size, created, updated, fail_error, "
            "fail_metadata, queued_media_file, queued_task_id, media_metadata) VALUES (:id, "
            ":public_id, :actor, :title, :slug, :description, :media_type, :state, :license, "
            ":file_size, :created, :updated, :fail_error, :fail_metadata, :queued, :task, "
            ":media_metadata)",
            [
                {
                    "id": 1,
                    "public_id": None,
                    "actor": 1,
                    "title": "Harbour at dusk",
                    "slug": "harbour-at-dusk",
                    "description": "Boats, *light*.",
                    "media_type": "mediagoblin.media_types.image",
                    "state": "processed",
                    "license": "http://creativecommons.org/licenses/by-sa/4.0/",
                    "file_size": 100000,
                    "created": T0 + dt.timedelta(hours=1),
                    "updated": T0 + dt.timedelta(hours=2),
                    "fail_error": None,
                    "fail_metadata": None,
                    "queued": None,
                    "task": "0f" * 16,
                    "media_metadata": json.dumps({"camera": "old"}),
                },
                {
                    "id": 2,
                    "public_id": None,
                    "actor": 1,
                    "title": "Broken one",
                    "slug": "broken-one",
                    "description": "",
                    "media_type": "mediagoblin.media_types.image",
                    "state": "failed",
                    "license": None,
                    "file_size": 23456,
                    "created": T0 + dt.timedelta(hours=3),
                    "updated": T0 + dt.timedelta(hours=3),
                    "fail_error": "goblin.processing:BadMediaFail",
                    "fail_metadata": json.dumps({"reason": "damaged"}),
                    "queued": "media_entries/2/upload.jpg",
                    "task": "1e" * 16,
                    "media_metadata": None,
                },
            ],
        ),
        (
            "INSERT INTO core__mediafiles (id, media_entry, name, file_path, file_metadata) "
            "VALUES (:id, :entry, :name, :path, :meta)",
            [
                {
                    "id": n + 1,
                    "entry": 1,
                    "name": name,
                    "path": json.dumps(["media_entries", "1", f"{name}.jpg"]),
                    "meta": json.dumps({"width": w, "height": h}),
                }
                for n, (name, w, h) in enumerate(
                    (("original", 1600, 1200), ("medium", 640, 480), ("thumb", 180, 135))
                )
            ],
        ),
        (
            "INSERT INTO core__tags (id, slug) VALUES (:id, :slug)",
            [{"id": 1, "slug": "harbour"}, {"id": 2, "slug": "dusk"}],
        ),
        (
            "INSERT INTO core__media_tags (id, media_entry, tag, name) "
            "VALUES (:id, :entry, :tag, :name)",
            [
                {"id": 1, "entry": 1, "tag": 1, "name": "Harbour"},
                {"id": 2, "entry": 1, "tag": 2, "name": "dusk"},
                {"id": 3, "entry": 2, "tag": 1, "name": "harbour"},
            ],
        ),
        (
            "INSERT INTO image__mediadata (media_entry, width, height, exif_all, latitude, "
            "longitude, altitude, original_date) VALUES (:entry, :w, :h, :exif, :lat, :lon, "
            ":alt, :date)",
            [
                {
                    "entry": 1,
                    "w": 1600,
                    "h": 1200,
                    "exif": json.dumps({"Model": "Old camera"}),
                    "lat": 48.38,
                    "lon": -4.49,
                    "alt": 12.5,
                    "date": T0 - dt.timedelta(days=30),
                }
            ],
        ),
    ]
    try:
        with engine.begin() as connection:
            for statement, values in rows:
                connection.execute(text(statement), values)
            if connection.dialect.name == "postgresql":
                # Rows the old version inserted took their ids from the sequences; these
                # were given explicitly, so move the sequences on as that would have.
                for table, order in OLD_TABLES.items():
                    if order == "id":
                        connection.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                f"(SELECT max(id) FROM {table}))"
                            )
                        )
    finally:
        engine.dispose()


def snapshot(url: str, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of the old tables, in the old columns only."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.execute(
                        text(f"SELECT {', '.join(columns[table])} FROM {table} ORDER BY {order}")  # noqa: S608 - our own names
                    )
                ]
                for table, order in OLD_TABLES.items()
            }
    finally:
        engine.dispose()


def schema(url: str) -> tuple[set[str], dict[str, list[str]], set[str]]:
    """Table names, the columns of each, and the alembic revision."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        tables = set(inspector.get_table_names())
        columns = {
            table: [column["name"] for column in inspector.get_columns(table)] for table in tables
        }
        with engine.connect() as connection:
            revisions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
        return tables, columns, revisions
    finally:
        engine.dispose()


@pytest.fixture
def old_site(empty_database, tmp_path):
    """A site folder whose database is at revision 0002 and filled with an old site's rows."""
    at_revision(empty_database, OLD_REVISION)
    # A bcrypt hash, as MediaGoblin left them (cheap rounds: this is a test).
    populate(empty_database, bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode())
    folder = tmp_path / "old-site"
    ini = write_site(str(folder), empty_database, plugins={"goblin.media_types.image": {}})
    return ini, empty_database


def test_dbupdate_upgrades_a_populated_database_without_loss(old_site, capsys):
    ini, url = old_site
    old_tables, old_columns, revisions = schema(url)
    assert revisions == {OLD_REVISION}
    assert not NEW_TABLES & old_tables
    assert "task_sent_at" not in old_columns["core__media_entries"]
    before = snapshot(url, old_columns)
    assert len(before["core__media_entries"]) == 2

    assert gmg.main(["-cf", ini, "dbupdate"]) == 0, capsys.readouterr().err
    assert "is up to date" in capsys.readouterr().out

    tables, columns, revisions = schema(url)
    assert revisions == head_revisions()
    assert tables >= NEW_TABLES
    assert "task_sent_at" in columns["core__media_entries"]
    for table in OLD_TABLES:  # no column lost either
        assert set(old_columns[table]) <= set(columns[table]), table
    after = snapshot(url, old_columns)
    old_privileges = before.pop("core__privileges")
    new_privileges = after.pop("core__privileges")
    assert after == before
    # The privileges the new version needs are added beside the old ones, ids kept.
    assert set(old_privileges) <= set(new_privileges)
    assert {name for _, name in new_privileges} == set(PRIVILEGE_NAMES)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert list(connection.execute(text("SELECT task_sent_at FROM core__media_entries"))) == [
            (None,),
            (None,),
        ]
    engine.dispose()

    # The second time there is nothing to do, and nothing changes.
    assert gmg.main(["-cf", ini, "dbupdate"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert schema(url) == (tables, columns, revisions)
    again = snapshot(url, old_columns)
    assert again.pop("core__privileges") == new_privileges
    assert again == after

    # And the site shows the old media to the old user, who can still log in.
    app = build_app(ini)
    try:
        browser = webtest.TestApp(app)
        assert login(browser, "alice", PASSWORD).status_int == 302
        page = browser.get("/u/alice/m/harbour-at-dusk/")
        assert page.html.select_one("h1").get_text(strip=True) == "Harbour at dusk"
        assert "/mgoblin_media/media_entries/1/medium.jpg" in page.text
        assert "Harbour" in browser.get("/tag/harbour/").text
    finally:
        app.registry.dbengine.dispose()
