"""paste.ini's ``config =`` list and start-up errors, through the app pserve would build."""

from __future__ import annotations

import os
import shutil

import pytest
import webtest
from pyramid.paster import get_app


@pytest.fixture
def paste_app(site):
    """Build the app from the site's paste.ini, as pserve does; dispose of it afterwards."""
    apps = []

    def build():
        app = get_app(os.path.join(site.folder, "paste.ini"))
        apps.append(app)
        return webtest.TestApp(app)

    yield build
    for app in apps:
        app.registry.dbengine.dispose()


def site_title(testapp: webtest.TestApp) -> str:
    return testapp.get("/").html.title.get_text()


def write_local_ini(site, **replacements: str) -> str:
    """Copy mediagoblin.ini to mediagoblin_local.ini with some lines replaced."""
    local = os.path.join(site.folder, "mediagoblin_local.ini")
    with open(site.ini_path, encoding="utf-8") as handle:
        text = handle.read()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    with open(local, "w", encoding="utf-8") as handle:
        handle.write(text)
    return local


def test_mediagoblin_ini_is_used_without_a_local_file(site, paste_app):
    assert site_title(paste_app()) == "Test Goblin"


def test_mediagoblin_local_ini_wins_when_present(site, paste_app):
    write_local_ini(site, **{"html_title = Test Goblin": "html_title = Local Goblin"})
    assert site_title(paste_app()) == "Local Goblin"


def test_removing_the_local_file_goes_back_to_mediagoblin_ini(site, paste_app):
    local = write_local_ini(site, **{"html_title = Test Goblin": "html_title = Local Goblin"})
    os.remove(local)
    assert site_title(paste_app()) == "Test Goblin"


def test_error_in_the_local_file_names_that_file(site, paste_app, capsys):
    local = write_local_ini(site, **{"allow_registration = false": "allow_registraton = false"})
    with pytest.raises(SystemExit) as caught:
        paste_app()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err == (
        f"goblin: {local}: [mediagoblin] allow_registraton = 'false': unknown key; "
        "did you mean allow_registration?\n"
    )


def test_copied_site_folder_keeps_its_data_beside_its_own_ini(site, tmp_path):
    """Paths default to the ini's folder: a copied folder uses its own data, not the original's."""
    copy = tmp_path / "copy"
    shutil.copytree(site.folder, copy, ignore=shutil.ignore_patterns("user_dev"))
    app = get_app(str(copy / "paste.ini"))
    try:
        assert app.registry.goblin_config.path == str(copy / "mediagoblin.ini")
        assert app.registry.goblin_config.data_basedir == str(copy / "user_dev")
        assert os.path.isfile(copy / "user_dev" / "crypto" / "itsdangeroussecret.bin")
    finally:
        app.registry.dbengine.dispose()


def test_registration_is_closed_by_default(site):
    with open(site.ini_path, encoding="utf-8") as handle:
        text = handle.read()
    with open(site.ini_path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("allow_registration = false\n", ""))
    app = site.testapp()
    assert app.app.registry.goblin_config.mediagoblin["allow_registration"] is False
    assert "Create an account" not in app.get("/")
    app.get("/auth/register/", status=403)


def test_site_in_a_folder_whose_name_has_spaces(make_site, tmp_path):
    site = make_site(folder=str(tmp_path / "my goblin site"))
    app = get_app(os.path.join(site.folder, "paste.ini"))
    try:
        assert app.registry.goblin_config.path == site.ini_path
        assert site_title(webtest.TestApp(app)) == "Test Goblin"
    finally:
        app.registry.dbengine.dispose()
