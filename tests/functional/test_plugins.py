"""Plugins as a visitor and an operator see them: pages, hooks, template hooks, static files.

The test plugins live in tests/plugins/: hook_alpha and hook_beta answer hooks with their
``label`` option (and append it to every page's <title>), hook_probe has a JSON page
(/hook-probe/), marks every template hook it fills and serves probe_static/.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry, User
from goblin.media_types.image import MEDIA_TYPE_NAME

ALPHA = "tests.plugins.hook_alpha"
BETA = "tests.plugins.hook_beta"
PROBE = "tests.plugins.hook_probe"
SAMPLE = "goblin.plugins.sampleplugin"
DAY = "max-age=86400"


def title(page) -> str:
    return page.html.title.get_text()


def marks(page, hook: str) -> list[str]:
    """The text of what hook_probe rendered at template hook ``hook`` on ``page``."""
    return [tag.get_text(strip=True) for tag in page.html.select(f".probe-{hook}")]


def add_processed_image(site, username: str, title: str, slug: str) -> None:
    """A processed image entry (no files needed: the page shows its details)."""
    with session_scope(site.registry) as dbsession:
        user_id = dbsession.scalar(select(User.id).where(User.username == username))
        dbsession.add(
            MediaEntry(
                actor=user_id, title=title, slug=slug, media_type=MEDIA_TYPE_NAME, state="processed"
            )
        )


# --- the sample plugin ----------------------------------------------------------------------


def test_sample_plugin_page_link_and_stylesheet(make_site):
    # Enabled under upstream's name, which resolves to goblin.plugins.sampleplugin.
    site = make_site(plugins={"mediagoblin.plugins.sampleplugin": {"greeting": "Hi, goblins!"}})
    app = site.testapp()

    page = app.get("/sampleplugin/")
    assert page.html.select_one("h1").get_text() == "Hi, goblins!"
    assert title(page) == "Sample plugin — Test Goblin"
    listed = [item.get_text() for item in page.html.select(".sampleplugin-plugins li")]
    assert listed == ["goblin.plugins.basic_auth", SAMPLE]

    # Its template hook: a link in every page's header, titled with the greeting that its
    # template_context_prerender hook gave every template.
    link = app.get("/").html.select_one(".account-nav a.sampleplugin-link")
    assert link["href"] == "http://localhost/sampleplugin/"
    assert link["title"] == "Hi, goblins!"

    stylesheets = [tag["href"] for tag in page.html.select("link[rel=stylesheet]")]
    assert "http://localhost/plugin_static/sampleplugin/sampleplugin.css" in stylesheets
    css = app.get("/plugin_static/sampleplugin/sampleplugin.css")
    assert css.content_type == "text/css"
    assert css.headers["Cache-Control"] == DAY
    assert ".sampleplugin h1" in css.text


def test_sample_plugin_options_change_what_it_does(make_site):
    app = make_site(plugins={SAMPLE: {"header_link": "false"}}).testapp()
    assert app.get("/").html.select(".sampleplugin-link") == []
    page = app.get("/sampleplugin/")
    assert page.html.select_one("h1").get_text() == "Hello from the sample plugin!"


# --- order, disabling -----------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [(ALPHA, BETA), (BETA, ALPHA)])
def test_plugins_run_in_config_order(make_site, first, second):
    app = make_site(plugins={first: {}, second: {}, PROBE: {}}).testapp()
    labels = [first.rsplit("_", 1)[1], second.rsplit("_", 1)[1]]
    assert app.get("/hook-probe/").json["runall"] == labels
    # template_context_prerender is a transform: each plugin sees the one before's change.
    assert title(app.get("/")) == f"Test Goblin +{labels[0]} +{labels[1]}"


def test_a_disabled_plugin_has_no_route_hooks_or_static_files(make_site):
    site = make_site(plugins={f"-{ALPHA}": {}, BETA: {}, PROBE: {}, f"-{SAMPLE}": {}})
    app = site.testapp()
    assert app.get("/hook-probe/").json["runall"] == ["beta"]
    front = app.get("/")
    assert title(front) == "Test Goblin +beta"
    assert front.html.select(".sampleplugin-link") == []
    app.get("/sampleplugin/", status=404)
    app.get("/plugin_static/sampleplugin/sampleplugin.css", status=404)

    # The same site with the probe disabled too: its page is gone.
    site.rewrite(plugins={f"-{ALPHA}": {}, BETA: {}, f"-{PROBE}": {}})
    again = site.testapp()
    again.get("/hook-probe/", status=404)
    assert marks(again.get("/"), "header_left") == []


# --- hook semantics through the app ---------------------------------------------------------


def test_handle_takes_the_first_answer_else_the_default(make_site):
    site = make_site(plugins={ALPHA: {}, BETA: {"pick": "true"}, PROBE: {}})
    # alpha declines (returns None), so beta's answer wins.
    assert site.testapp().get("/hook-probe/").json["handle"] == "beta"

    site.rewrite(plugins={ALPHA: {"pick": "true"}, BETA: {"pick": "true"}, PROBE: {}})
    # Both answer: the first in [plugins] wins, beta is never asked.
    assert site.testapp().get("/hook-probe/").json["handle"] == "alpha"

    site.rewrite(plugins={ALPHA: {}, BETA: {}, PROBE: {}})
    assert site.testapp().get("/hook-probe/").json == {
        "handle": "default",
        "runall": ["alpha", "beta"],
    }


def test_a_prerender_hook_may_return_a_new_dict(make_site):
    app = make_site(plugins={ALPHA: {}, "tests.plugins.hook_copy": {}, BETA: {}}).testapp()
    assert title(app.get("/")) == "Test Goblin +alpha +copy +beta"


# --- template hooks -------------------------------------------------------------------------


def test_template_hooks_render_where_core_templates_place_them(make_site):
    site = make_site(plugins={"goblin.media_types.image": {}, PROBE: {}})
    site.add_user("alice")
    add_processed_image(site, "alice", "A quiet pond", "a-quiet-pond")
    app = site.testapp()

    front = app.get("/")
    assert front.html.head.select_one("meta[name=probe-head]") is not None
    assert marks(front, "header_left") == ["probe header_left for /"]
    assert marks(app.get("/u/alice/"), "user_profile") == ["probe on alice's profile"]
    assert marks(app.get("/auth/login/"), "login_link") == ["probe login_link"]

    media = app.get("/u/alice/m/a-quiet-pond/")
    # media_home_context (a transform hook) gave the page probe_note; media_sideinfo shows it.
    assert marks(media, "media_sideinfo") == ["probe saw A quiet pond"]
    assert media.html.select_one(".media-info .probe-media_sideinfo") is not None
    image_head = media.html.head.select_one("meta[name=probe-image_head]")
    assert image_head["content"] == "A quiet pond"


def test_template_hooks_render_nothing_without_plugins(site):
    site.add_user("alice")
    app = site.testapp()
    for url in ("/", "/u/alice/", "/auth/login/"):
        page = app.get(url)
        assert page.html.select("[class^=probe-]") == []
        assert page.html.select("meta[name^=probe-]") == []


# --- static files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type", "text"),
    [
        ("css/probe.css", "text/css", "#123456"),
        ("dot.svg", "image/svg+xml", "<svg"),
        ("hello.txt", "text/plain", "plain text from the probe plugin"),
    ],
)
def test_plugin_static_files_are_served_with_their_type(make_site, path, content_type, text):
    app = make_site(plugins={PROBE: {}}).testapp()
    response = app.get(f"/plugin_static/probe/{path}")
    assert response.content_type == content_type
    assert response.headers["Cache-Control"] == DAY
    assert text in response.text


def test_plugin_static_stays_inside_its_folder(make_site):
    app = make_site(plugins={PROBE: {}}).testapp()
    app.get("/plugin_static/probe/missing.css", status=404)
    # probe_static/ sits beside the plugin's Python files: none of them is reachable.
    app.get("/plugin_static/probe/..%2fhook_probe.py", status=404)
    app.get("/plugin_static/probe/%2e%2e/hook_probe.py", status=404)


def test_plugin_web_path_moves_plugin_static_files(make_site):
    site = make_site(
        sections={"mediagoblin": {"plugin_web_path": "/assets/plugins"}}, plugins={SAMPLE: {}}
    )
    app = site.testapp()
    page = app.get("/sampleplugin/")
    url = "http://localhost/assets/plugins/sampleplugin/sampleplugin.css"
    assert url in [tag["href"] for tag in page.html.select("link[rel=stylesheet]")]
    assert app.get(url).content_type == "text/css"
    app.get("/plugin_static/sampleplugin/sampleplugin.css", status=404)


# --- one process, two sites -----------------------------------------------------------------


def test_two_apps_in_one_process_do_not_share_hooks(make_site):
    first = make_site(plugins={SAMPLE: {"greeting": "from the first"}, ALPHA: {}, PROBE: {}})
    second = make_site(plugins={SAMPLE: {"greeting": "from the second"}})
    first_app = first.testapp()
    second_app = second.testapp()

    # Interleaved, so each request must find its own app's hooks and options.
    for _ in range(2):
        page = first_app.get("/")
        assert title(page) == "Test Goblin +alpha"
        assert page.html.select_one(".sampleplugin-link")["title"] == "from the first"
        assert marks(page, "header_left") == ["probe header_left for /"]

        page = second_app.get("/")
        assert title(page) == "Test Goblin"
        assert page.html.select_one(".sampleplugin-link")["title"] == "from the second"
        assert marks(page, "header_left") == []
        second_app.get("/hook-probe/", status=404)
        second_app.get("/plugin_static/probe/hello.txt", status=404)

    assert first.registry.hooks is not second.registry.hooks


# --- start-up -------------------------------------------------------------------------------


def test_a_start_up_problem_with_a_plugin_is_one_line(make_site, capsys):
    site = make_site(plugins={SAMPLE: {}, "tests.plugins.static_clash": {}})
    with pytest.raises(SystemExit) as exited:
        site.wsgi_app()
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        f"goblin: {site.ini_path}: [plugins]: the plugin static name 'sampleplugin' is "
        f"claimed by both [[{SAMPLE}]] and [[tests.plugins.static_clash]]\n"
    )


def test_two_plugins_adding_one_route_name_is_one_line(make_site, capsys):
    site = make_site(plugins={SAMPLE: {}, "tests.plugins.route_clash": {}})
    with pytest.raises(SystemExit):
        site.wsgi_app()
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("goblin: Conflicting configuration actions For: ('route', ")
    assert "goblin/plugins/sampleplugin/__init__.py" in error
    assert "tests/plugins/route_clash.py" in error
