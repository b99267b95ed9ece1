"""mediagoblin.ini: what an operator sees when a value is wrong, and what goblin reads when not.

Every problem is one line naming the file, the section, the key, the value and what was
expected; secrets never appear in it.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from goblin.config.configure import config_candidates, configure
from goblin.config.loader import ConfigError, find_config_file, load_config
from goblin.plugins import resolve_plugin_name

CHEAP_AUTH = """
[[goblin.plugins.basic_auth]]
argon2_time_cost = 1
argon2_memory_cost = 1024
argon2_parallelism = 1
"""


def write_ini(folder, text: str, name: str = "mediagoblin.ini") -> str:
    path = os.path.join(str(folder), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent(text))
    return path


def config_error(path: str, environ=None) -> str:
    """The message load_config raises for ``path``; it must be exactly one line."""
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ or {})
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    return message


def plugin_error(path: str) -> str:
    """The message raised when plugins are loaded (their options are checked then)."""
    with pytest.raises(ConfigError) as caught:
        configure(goblin_config=load_config(path, {}))
    message = str(caught.value)
    assert "\n" not in message
    return message


# -- one-line errors --------------------------------------------------------------------


def test_typo_in_a_key_names_file_section_key_value_and_the_right_key(tmp_path):
    path = write_ini(tmp_path, "[mediagoblin]\nallow_registraton = true\n")
    message = config_error(path)
    assert message == (
        f"{path}: [mediagoblin] allow_registraton = 'true': unknown key; "
        "did you mean allow_registration?"
    )


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("allow_registration", "maybe", "expected true or false"),
        ("email_smtp_port", "abc", "expected a whole number from 0 to 65535"),
        ("email_smtp_port", "70000", "expected a whole number from 0 to 65535"),
        ("email_sender_address", "nobody", "expected an email address"),
        ("sql_engine", "mongodb://db/goblin", "expected a database URL"),
        ("direct_remote_path", "static", "expected a URL path starting with /"),
    ],
)
def test_ill_typed_value_names_file_section_key_value_and_expectation(
    tmp_path, key, value, expected
):
    path = write_ini(tmp_path, f"[mediagoblin]\n{key} = {value}\n")
    message = config_error(path)
    assert message.startswith(f"{path}: [mediagoblin] {key} = '{value}': {expected}")


def test_ill_typed_value_in_another_section(tmp_path):
    path = write_ini(tmp_path, "[media:thumb]\nmax_width = wide\n")
    assert config_error(path) == (
        f"{path}: [media:thumb] max_width = 'wide': expected a whole number from 1 to 20000"
    )


def test_unknown_section_is_named_with_a_suggestion(tmp_path):
    path = write_ini(tmp_path, "[mediagoblinn]\nhtml_title = x\n")
    assert config_error(path) == (
        f"{path}: [mediagoblinn]: unknown section; did you mean mediagoblin?"
    )


def test_bad_celery_always_eager_environment_variable(tmp_path):
    path = write_ini(tmp_path, "[celery]\nCELERY_ALWAYS_EAGER = false\n")
    message = config_error(path, {"CELERY_ALWAYS_EAGER": "maybe"})
    assert path in message
    assert "[celery] CELERY_ALWAYS_EAGER = 'maybe'" in message
    assert "environment variable CELERY_ALWAYS_EAGER" in message
    assert message.endswith("expected true or false")


@pytest.mark.parametrize(
    "line",
    [
        "secret_key = hunter2",
        "sentry_dsn = https://hunter2@sentry.example.org/1",
        "api_token = hunter2",
        "smtp_password = hunter2",
        "BROKER_API_KEY = hunter2",
    ],
)
def test_secrets_are_shown_as_stars(tmp_path, line):
    section = "celery" if line.startswith("BROKER") else "mediagoblin"
    path = write_ini(tmp_path, f"[{section}]\n{line}\n")
    message = config_error(path)
    key = line.split(" = ")[0]
    assert f"[{section}] {key} = '***': unknown key" in message
    assert "hunter2" not in message


def test_password_inside_a_database_url_is_hidden(tmp_path):
    path = write_ini(tmp_path, "[mediagoblin]\nsql_engine = mongodb://goblin:hunter2@db/site\n")
    message = config_error(path)
    assert "[mediagoblin] sql_engine = 'mongodb://goblin:***@db/site'" in message
    assert "hunter2" not in message


def test_secret_plugin_option_is_shown_as_stars(tmp_path):
    path = write_ini(tmp_path, "[plugins]\n[[goblin.plugins.basic_auth]]\nsecret = hunter2\n")
    message = plugin_error(path)
    assert "[plugins] [[goblin.plugins.basic_auth]] secret = '***': unknown key" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ("[mediagoblin\n", "at line 1"),
        ("[mediagoblin]\nhtml_title = a\nhtml_title = b\n", "Duplicate keyword name at line 3"),
        ("[mediagoblin]\nhtml_title = 'a\nsource_link = 'b\n", "at line 2"),
    ],
)
def test_unparsable_file_says_where(tmp_path, content, detail):
    path = write_ini(tmp_path, content)
    message = config_error(path)
    assert message.startswith(f"{path}: cannot be read: ")
    assert detail in message


def test_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "mediagoblin.ini"
    path.write_bytes(b"[mediagoblin]\nhtml_title = caf\xe9\n")
    message = config_error(str(path))
    assert message.startswith(f"{path}: cannot be read: ")
    assert "utf-8" in message


def test_interpolation_of_an_unknown_name_is_one_line(tmp_path):
    path = write_ini(tmp_path, "[mediagoblin]\nhtml_title = %(nowhere)s\n")
    message = config_error(path)
    assert message.startswith(f"{path}: [mediagoblin] html_title: ")
    assert "nowhere" in message


# -- defaults and paths -----------------------------------------------------------------


def test_defaults_of_an_empty_file(tmp_path):
    path = write_ini(tmp_path, "")
    config = load_config(path, {})
    here = str(tmp_path)
    assert config.mediagoblin["allow_registration"] is False
    assert config.mediagoblin["sql_engine"] == f"sqlite:///{here}/mediagoblin.db"
    assert config.data_basedir == f"{here}/user_dev"
    assert config.mediagoblin["crypto_path"] == f"{here}/user_dev/crypto"
    assert config["storage:publicstore"]["base_dir"] == f"{here}/user_dev/media/public"
    assert config["storage:queuestore"]["base_dir"] == f"{here}/user_dev/media/queue"
    assert config["storage:publicstore"]["base_url"] == "/mgoblin_media/"
    assert config.mediagoblin["direct_remote_path"] == "/mgoblin_static/"
    assert config["media:medium"] == {"max_width": 640, "max_height": 640}
    assert config["media:thumb"] == {"max_width": 180, "max_height": 180}
    assert config.mediagoblin["user_privilege_scheme"] == ["uploader", "commenter", "reporter"]
    assert config.celery["CELERY_ALWAYS_EAGER"] is False
    assert config.plugins == {}


def test_typed_values_are_read(tmp_path):
    path = write_ini(
        tmp_path,
        """
        [mediagoblin]
        allow_registration = yes
        email_smtp_port = 587
        push_urls = https://hub.example.org/, https://other.example.org/
        upload_limit = none
        max_file_size = 12.5
        """,
    )
    config = load_config(path, {})
    assert config.mediagoblin["allow_registration"] is True
    assert config.mediagoblin["email_smtp_port"] == 587
    assert config.mediagoblin["push_urls"] == [
        "https://hub.example.org/",
        "https://other.example.org/",
    ]
    assert config.mediagoblin["upload_limit"] is None
    assert config.mediagoblin["max_file_size"] == 12.5


def test_relative_paths_are_taken_from_the_ini_folder_not_the_cwd(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    path = write_ini(
        site,
        """
        [DEFAULT]
        data_basedir = data

        [mediagoblin]
        sql_engine = sqlite:///db/site.db
        local_templates = templates

        [storage:publicstore]
        base_dir = public
        """,
    )
    config = load_config(os.path.relpath(path), {})
    assert config.path == path
    assert config.data_basedir == f"{site}/data"
    assert config.mediagoblin["sql_engine"] == f"sqlite:///{site}/db/site.db"
    assert config.mediagoblin["local_templates"] == f"{site}/templates"
    assert config.mediagoblin["crypto_path"] == f"{site}/data/crypto"
    assert config["storage:publicstore"]["base_dir"] == f"{site}/public"
    assert config["storage:queuestore"]["base_dir"] == f"{site}/data/media/queue"


def test_here_and_data_basedir_interpolate(tmp_path):
    path = write_ini(
        tmp_path,
        """
        [DEFAULT]
        data_basedir = %(here)s/store

        [mediagoblin]
        sql_engine = sqlite:///%(data_basedir)s/goblin.db
        """,
    )
    config = load_config(path, {})
    assert config.mediagoblin["sql_engine"] == f"sqlite:///{tmp_path}/store/goblin.db"
    assert config["storage:publicstore"]["base_dir"] == f"{tmp_path}/store/media/public"


def test_postgresql_url_is_kept_as_written(tmp_path):
    url = "postgresql+psycopg://goblin:pw@db.example.org/goblin"
    path = write_ini(tmp_path, f"[mediagoblin]\nsql_engine = {url}\n")
    assert load_config(path, {}).mediagoblin["sql_engine"] == url


# -- the CELERY_ALWAYS_EAGER environment variable ----------------------------------------


@pytest.mark.parametrize(
    ("in_ini", "environ", "eager"),
    [
        ("false", {}, False),
        ("true", {}, True),
        ("false", {"CELERY_ALWAYS_EAGER": "true"}, True),
        ("true", {"CELERY_ALWAYS_EAGER": "false"}, False),
        ("false", {"CELERY_ALWAYS_EAGER": "1"}, True),
    ],
)
def test_environment_variable_overrides_the_ini(tmp_path, in_ini, environ, eager):
    path = write_ini(tmp_path, f"[celery]\nCELERY_ALWAYS_EAGER = {in_ini}\n")
    assert load_config(path, environ).celery["CELERY_ALWAYS_EAGER"] is eager


def test_environment_variable_is_read_from_the_process_by_default(tmp_path, monkeypatch):
    path = write_ini(tmp_path, "[celery]\nCELERY_ALWAYS_EAGER = false\n")
    monkeypatch.setenv("CELERY_ALWAYS_EAGER", "true")
    assert load_config(path).celery["CELERY_ALWAYS_EAGER"] is True


# -- [plugins] ---------------------------------------------------------------------------


def test_plugins_keep_file_order_and_leading_dash_disables(tmp_path):
    path = write_ini(
        tmp_path,
        """
        [plugins]
        [[tests.plugins.order_second]]
        [[-mediagoblin.plugins.geolocation]]
        [[tests.plugins.order_first]]
        [[goblin.plugins.basic_auth]]
        """,
    )
    config = load_config(path, {})
    assert list(config.plugins) == [
        "tests.plugins.order_second",
        "tests.plugins.order_first",
        "goblin.plugins.basic_auth",
    ]
    assert config.disabled_plugins == ["mediagoblin.plugins.geolocation"]


@pytest.mark.parametrize(
    ("first", "second", "answers"),
    [
        ("order_first", "order_second", ["first", "second"]),
        ("order_second", "order_first", ["second", "first"]),
    ],
)
def test_plugins_are_loaded_in_file_order(tmp_path, first, second, answers):
    path = write_ini(
        tmp_path,
        f"[plugins]\n[[tests.plugins.{first}]]\n[[tests.plugins.{second}]]\n" + CHEAP_AUTH,
    )
    registry = configure(goblin_config=load_config(path, {})).registry
    assert registry.hooks.runall("plugin_order") == answers


def test_disabled_plugin_is_not_loaded(tmp_path):
    path = write_ini(
        tmp_path, "[plugins]\n[[-tests.plugins.order_first]]\n[[tests.plugins.order_second]]\n"
    )
    registry = configure(goblin_config=load_config(path, {})).registry
    assert registry.hooks.runall("plugin_order") == ["second"]
    assert "tests.plugins.order_first" not in registry.plugin_configs


def test_plugin_options_are_validated_and_defaulted(tmp_path):
    path = write_ini(tmp_path, "[plugins]\n[[tests.plugins.order_second]]\n" + CHEAP_AUTH)
    registry = configure(goblin_config=load_config(path, {})).registry
    assert registry.plugin_configs["tests.plugins.order_second"] == {"answer": 42}
    assert registry.plugin_configs["goblin.plugins.basic_auth"] == {
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "argon2_parallelism": 1,
    }


def test_bad_basic_auth_option_names_the_plugin_subsection(tmp_path):
    path = write_ini(
        tmp_path, "[plugins]\n[[goblin.plugins.basic_auth]]\nargon2_time_cost = lots\n"
    )
    assert plugin_error(path) == (
        f"{path}: [plugins] [[goblin.plugins.basic_auth]] argon2_time_cost = 'lots': "
        "expected a whole number from 1 to 50"
    )


def test_unknown_plugin_option_is_named(tmp_path):
    path = write_ini(tmp_path, "[plugins]\n[[goblin.plugins.basic_auth]]\nargon2_time_cst = 2\n")
    assert plugin_error(path) == (
        f"{path}: [plugins] [[goblin.plugins.basic_auth]] argon2_time_cst = '2': unknown key; "
        "did you mean argon2_time_cost?"
    )


def test_missing_plugin_module_is_one_line(tmp_path):
    path = write_ini(tmp_path, "[plugins]\n[[goblin.plugins.no_such_plugin]]\n")
    message = plugin_error(path)
    assert message.startswith(
        f"{path}: [plugins] [[goblin.plugins.no_such_plugin]]: "
        "cannot import goblin.plugins.no_such_plugin"
    )


def test_plain_key_under_plugins_is_refused(tmp_path):
    path = write_ini(tmp_path, "[plugins]\nbasic_auth = true\n")
    assert config_error(path) == (
        f"{path}: [plugins] basic_auth: expected plugins as [[dotted.module]] subsections"
    )


def test_upstream_plugin_names_resolve_to_goblin(tmp_path):
    assert resolve_plugin_name("mediagoblin.plugins.basic_auth") == "goblin.plugins.basic_auth"
    assert resolve_plugin_name("mediagoblin.media_types.image") == "goblin.media_types.image"
    assert resolve_plugin_name("someone.else.plugin") == "someone.else.plugin"
    path = write_ini(
        tmp_path, "[plugins]\n[[mediagoblin.plugins.basic_auth]]\nargon2_time_cost = 2\n"
    )
    registry = configure(goblin_config=load_config(path, {})).registry
    assert registry.plugin_configs["goblin.plugins.basic_auth"]["argon2_time_cost"] == 2
    assert registry.hooks.callables("authentication")


def test_a_plugin_listed_under_both_names_is_an_error(tmp_path):
    path = write_ini(
        tmp_path, "[plugins]\n[[mediagoblin.plugins.basic_auth]]\n[[goblin.plugins.basic_auth]]\n"
    )
    assert plugin_error(path) == f"{path}: [plugins] [[goblin.plugins.basic_auth]]: listed twice"


# -- which file: paste.ini's config list, MEDIAGOBLIN_CONFIG, the current folder -----------


def test_config_candidates_from_paste_settings_environment_and_defaults():
    settings = {"config": "/srv/site/mediagoblin_local.ini /srv/site/mediagoblin.ini"}
    environ = {"MEDIAGOBLIN_CONFIG": "/etc/goblin.ini"}
    assert config_candidates(settings, environ) == [
        "/srv/site/mediagoblin_local.ini",
        "/srv/site/mediagoblin.ini",
    ]
    assert config_candidates({}, environ) == ["/etc/goblin.ini"]
    assert config_candidates({}, {}) == ["mediagoblin_local.ini", "mediagoblin.ini"]


def test_local_ini_is_used_when_present(tmp_path):
    main = write_ini(tmp_path, "[mediagoblin]\nhtml_title = Main\n")
    local = os.path.join(str(tmp_path), "mediagoblin_local.ini")
    assert find_config_file([local, main]) == main
    write_ini(tmp_path, "[mediagoblin]\nhtml_title = Local\n", "mediagoblin_local.ini")
    assert find_config_file([local, main]) == local


def test_default_candidates_are_looked_up_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main = write_ini(tmp_path, "")
    assert find_config_file(config_candidates({}, {})) == main


def test_no_config_file_lists_what_was_tried(tmp_path):
    tried = [str(tmp_path / "mediagoblin_local.ini"), str(tmp_path / "mediagoblin.ini")]
    with pytest.raises(ConfigError) as caught:
        find_config_file(tried)
    assert str(caught.value) == "no configuration file found; tried: " + ", ".join(tried)


def test_a_folder_is_not_a_config_file(tmp_path):
    (tmp_path / "mediagoblin.ini").mkdir()
    with pytest.raises(ConfigError):
        find_config_file([str(tmp_path / "mediagoblin.ini")])


def test_paste_config_list_in_a_folder_whose_name_has_spaces(tmp_path):
    folder = tmp_path / "my goblin site"
    folder.mkdir()
    main = write_ini(folder, "")
    local = str(folder / "mediagoblin_local.ini")
    candidates = config_candidates({"config": f"{local} {main}"}, {})
    assert candidates == [local, main]
    assert find_config_file(candidates) == main
    write_ini(folder, "", "mediagoblin_local.ini")
    assert find_config_file(config_candidates({"config": f"{local} {main}"}, {})) == local
    assert config_candidates({"config": main}, {}) == [main]


def test_paste_config_list_of_other_names_is_split_on_whitespace():
    assert config_candidates({"config": "site.conf\n  other.conf"}, {}) == [
        "site.conf",
        "other.conf",
    ]
