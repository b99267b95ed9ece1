"""Fixtures: a real goblin site per test (ini files, data folder, migrated database).

Functional tests run once on SQLite and once on PostgreSQL (skipped, with the reason, when
the server at 127.0.0.1:5432 is unreachable).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
import webtest

from goblin import accounts
from goblin.db import session_scope
from tests.databases import PostgreSQLDatabases, SQLiteDatabases, postgresql_reachable
from tests.sites import build_app, write_site

BACKENDS = ("sqlite", "postgresql")


def _worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory):
    return SQLiteDatabases(str(tmp_path_factory.mktemp("sqlite-template")))


@pytest.fixture(scope="session")
def postgresql_databases(request):
    if not postgresql_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    databases = PostgreSQLDatabases(_worker_id(request))
    yield databases
    databases.close()


@pytest.fixture(params=BACKENDS)
def databases(request):
    """The database backend under test; functional tests run on each."""
    return request.getfixturevalue(f"{request.param}_databases")


class Site:
    """One goblin instance on disk: its folder, ini file, database and apps built from it."""

    def __init__(self, folder: str, databases, sections=None, plugins=None) -> None:
        self.folder = folder
        self.databases = databases
        os.makedirs(folder, exist_ok=True)
        self.database_url = databases.create(folder)
        self.sections = sections
        self.plugins = plugins
        self.ini_path = write_site(folder, self.database_url, sections, plugins)
        self._apps: list = []

    def wsgi_app(self):
        app = build_app(self.ini_path)
        self._apps.append(app)
        return app

    def testapp(self) -> webtest.TestApp:
        return webtest.TestApp(self.wsgi_app())

    @property
    def registry(self):
        if not self._apps:
            self.wsgi_app()
        return self._apps[-1].registry

    def rewrite(self, sections=None, plugins=None) -> None:
        self.ini_path = write_site(self.folder, self.database_url, sections, plugins)

    def add_user(self, username="alice", password="correct horse", email=None, privileges=None):
        registry = self.registry
        with session_scope(registry) as dbsession:
            user = accounts.create_user(
                registry,
                dbsession,
                username=username,
                email=email or f"{username}@example.org",
                password=password,
                privileges=accounts.TRUSTED_PRIVILEGES if privileges is None else privileges,
            )
            return user.id

    def close(self) -> None:
        for app in self._apps:
            app.registry.dbengine.dispose()
        self.databases.drop(self.database_url)


@pytest.fixture
def make_site(tmp_path, databases) -> Callable[..., Site]:
    """Make a site; call with ``sections`` / ``plugins`` overrides of the test ini."""
    sites: list[Site] = []

    def factory(sections=None, plugins=None, folder: str | None = None) -> Site:
        site = Site(folder or str(tmp_path / f"site{len(sites)}"), databases, sections, plugins)
        sites.append(site)
        return site

    yield factory
    for site in sites:
        site.close()


@pytest.fixture
def empty_database(tmp_path, databases):
    """The URL of a database with no tables yet (a fresh install), dropped afterwards."""
    folder = tmp_path / "empty-database"
    folder.mkdir()
    url = databases.create_empty(str(folder))
    yield url
    databases.drop(url)


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


@pytest.fixture
def app(site) -> webtest.TestApp:
    return site.testapp()


def login(testapp: webtest.TestApp, username: str, password: str, next_url: str | None = None):
    """Log in through the real form; returns the response to the form's POST."""
    url = "/auth/login/" + (f"?next={next_url}" if next_url else "")
    page = testapp.get(url)
    # The first form with a username field: a logged-in header adds a logout form first.
    form = next(form for form in page.forms.values() if "username" in form.fields)
    form["username"] = username
    form["password"] = password
    return form.submit()


@pytest.fixture
def alice(site):
    """An active user alice (password 'correct horse') and her id."""
    return site.add_user("alice", "correct horse")


os.environ.pop("CELERY_ALWAYS_EAGER", None)
os.environ.pop("MEDIAGOBLIN_CONFIG", None)
