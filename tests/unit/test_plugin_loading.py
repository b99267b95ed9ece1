"""Loading plugins from [plugins]: order, "-" to disable, options, and the one-line errors.

Each test writes a mediagoblin.ini and builds goblin's Configurator from it, as start-up
does; the test plugins live in tests/plugins/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pyramid.request import Request

from goblin.config.configure import configure
from goblin.config.loader import ConfigError, load_config
from goblin.media_types.image import MEDIA_TYPE_NAME
from goblin.plugins import get_plugin_config, resolve_plugin_name

CHEAP_AUTH = (
    "[[goblin.plugins.basic_auth]]\n"
    "argon2_time_cost = 1\nargon2_memory_cost = 1024\nargon2_parallelism = 1\n"
)


def write_ini(folder, plugins: str) -> str:
    """A mediagoblin.ini in ``folder`` whose [plugins] section is ``plugins``."""
    path = os.path.join(str(folder), "mediagoblin.ini")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[plugins]\n" + plugins)
    return path


def registry_for(folder, plugins: str):
    return configure(goblin_config=load_config(write_ini(folder, plugins), {})).registry


def request_for(registry) -> Request:
    """A request on ``registry``, as the probe hooks expect (they read its registry)."""
    request = Request.blank("/")
    request.registry = registry
    return request


def start_up_error(folder, plugins: str) -> tuple[str, str]:
    """The ini's path and the one line start-up stops with."""
    path = write_ini(folder, plugins)
    with pytest.raises(ConfigError) as caught:
        configure(goblin_config=load_config(path, {}))
    message = str(caught.value)
    assert "\n" not in message
    return path, message


# --- order and disabling ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"), [("hook_alpha", "hook_beta"), ("hook_beta", "hook_alpha")]
)
def test_plugins_load_in_config_order(tmp_path, first, second):
    registry = registry_for(
        tmp_path, f"[[tests.plugins.{first}]]\n[[tests.plugins.{second}]]\n{CHEAP_AUTH}"
    )
    labels = [first.removeprefix("hook_"), second.removeprefix("hook_")]
    request = request_for(registry)
    assert registry.hooks.runall("probe_names", request) == labels
    assert list(registry.plugin_configs) == [
        f"tests.plugins.{first}",
        f"tests.plugins.{second}",
        "goblin.plugins.basic_auth",
    ]


def test_a_leading_dash_disables_a_plugin(tmp_path):
    registry = registry_for(
        tmp_path,
        "[[-tests.plugins.hook_alpha]]\n[[tests.plugins.hook_beta]]\n"
        "[[-goblin.plugins.sampleplugin]]\n",
    )
    request = request_for(registry)
    assert registry.hooks.runall("probe_names", request) == ["beta"]
    assert list(registry.plugin_configs) == ["tests.plugins.hook_beta"]
    assert registry.plugin_statics == {}
    assert registry.hooks.template_hook_templates("header_extra") == []


def test_a_disabled_plugin_is_not_even_imported(tmp_path):
    # A disabled name may be a plugin this site does not have at all.
    registry = registry_for(tmp_path, "[[-no.such.plugin]]\n" + CHEAP_AUTH)
    assert list(registry.plugin_configs) == ["goblin.plugins.basic_auth"]


# --- options --------------------------------------------------------------------------------


def test_each_plugin_gets_its_own_validated_options(tmp_path):
    registry = registry_for(
        tmp_path,
        "[[tests.plugins.hook_alpha]]\nlabel = first one\npick = yes\n"
        "[[tests.plugins.hook_beta]]\n"
        "[[goblin.plugins.sampleplugin]]\nheader_link = false\n",
    )
    assert registry.plugin_configs["tests.plugins.hook_alpha"] == {
        "label": "first one",
        "pick": True,
    }
    assert registry.plugin_configs["tests.plugins.hook_beta"] == {"label": "beta", "pick": False}
    assert get_plugin_config(registry, "goblin.plugins.sampleplugin") == {
        "greeting": "Hello from the sample plugin!",
        "header_link": False,
    }
    assert get_plugin_config(registry, "tests.plugins.not_enabled") == {}


def test_a_bad_option_value_is_one_line_naming_plugin_and_key(tmp_path):
    path, message = start_up_error(
        tmp_path, "[[tests.plugins.hook_alpha]]\n[[tests.plugins.hook_beta]]\npick = maybe\n"
    )
    assert message == (
        f"{path}: [plugins] [[tests.plugins.hook_beta]] pick = 'maybe': expected true or false"
    )


def test_an_unknown_option_is_one_line_with_a_suggestion(tmp_path):
    path, message = start_up_error(
        tmp_path, "[[goblin.plugins.sampleplugin]]\ngreting = Hi\n" + CHEAP_AUTH
    )
    assert message == (
        f"{path}: [plugins] [[goblin.plugins.sampleplugin]] greting = 'Hi': unknown key; "
        "did you mean greeting?"
    )


def test_a_plugin_without_options_refuses_any(tmp_path):
    path, message = start_up_error(tmp_path, "[[tests.plugins.hook_probe]]\ncolour = red\n")
    assert message == f"{path}: [plugins] [[tests.plugins.hook_probe]] colour = 'red': unknown key"


# --- start-up errors ------------------------------------------------------------------------


def test_a_missing_plugin_module_is_one_line(tmp_path):
    path, message = start_up_error(
        tmp_path, "[[tests.plugins.hook_alpha]]\n[[tests.plugins.nope]]\n"
    )
    assert message.startswith(
        f"{path}: [plugins] [[tests.plugins.nope]]: cannot import tests.plugins.nope: "
    )
    assert "No module named 'tests.plugins.nope'" in message


def test_two_plugins_claiming_one_media_type_name_both(tmp_path):
    path, message = start_up_error(
        tmp_path, "[[mediagoblin.media_types.image]]\n[[tests.plugins.media_type_clash]]\n"
    )
    assert message == (
        f"{path}: [plugins]: media type {MEDIA_TYPE_NAME!r} is claimed by both "
        "[[mediagoblin.media_types.image]] and [[tests.plugins.media_type_clash]]"
    )


def test_two_plugins_claiming_one_static_name_both(tmp_path):
    path, message = start_up_error(
        tmp_path, "[[goblin.plugins.sampleplugin]]\n[[tests.plugins.static_clash]]\n"
    )
    assert message == (
        f"{path}: [plugins]: the plugin static name 'sampleplugin' is claimed by both "
        "[[goblin.plugins.sampleplugin]] and [[tests.plugins.static_clash]]"
    )


# --- names, directives, registries ----------------------------------------------------------


def test_upstream_names_resolve_to_goblin_plugins(tmp_path):
    assert resolve_plugin_name("mediagoblin.plugins.sampleplugin") == (
        "goblin.plugins.sampleplugin"
    )
    assert resolve_plugin_name("mediagoblin.media_types.image") == "goblin.media_types.image"
    registry = registry_for(
        tmp_path, "[[mediagoblin.plugins.sampleplugin]]\ngreeting = Hi from upstream's name\n"
    )
    assert list(registry.plugin_configs) == ["goblin.plugins.sampleplugin"]
    for name in ("mediagoblin.plugins.sampleplugin", "goblin.plugins.sampleplugin"):
        assert get_plugin_config(registry, name)["greeting"] == "Hi from upstream's name"


def test_template_hooks_from_the_directive_and_from_registry_hooks(tmp_path):
    registry = registry_for(
        tmp_path, "[[tests.plugins.hook_probe]]\n[[goblin.plugins.sampleplugin]]\n"
    )
    hooks = registry.hooks
    assert hooks.template_hook_templates("head") == ["probe/head.html"]  # add_template_hook
    assert hooks.template_hook_templates("header_left") == ["probe/header_left.html"]
    assert hooks.template_hook_templates("header_extra") == ["sampleplugin/header_link.html"]
    assert hooks.template_hook_templates("nobody_uses_this") == []


def test_plugin_static_names_map_to_absolute_asset_specs(tmp_path):
    registry = registry_for(
        tmp_path, "[[tests.plugins.hook_probe]]\n[[goblin.plugins.sampleplugin]]\n"
    )
    assert registry.plugin_statics == {
        "probe": ("[[tests.plugins.hook_probe]]", "tests.plugins:probe_static"),
        "sampleplugin": ("[[goblin.plugins.sampleplugin]]", "goblin.plugins.sampleplugin:static"),
    }


def test_two_configurations_do_not_share_hooks_or_options(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = registry_for(tmp_path / "a", "[[goblin.plugins.sampleplugin]]\ngreeting = A\n")
    second = registry_for(tmp_path / "b", "[[tests.plugins.hook_alpha]]\n")
    assert first.hooks is not second.hooks
    assert first.hooks.callables("probe_names") == []
    assert len(second.hooks.callables("probe_names")) == 1
    assert second.hooks.template_hook_templates("header_extra") == []
    assert "sampleplugin" not in second.plugin_statics
    assert get_plugin_config(first, "goblin.plugins.sampleplugin")["greeting"] == "A"
    assert get_plugin_config(second, "goblin.plugins.sampleplugin") == {}


# --- the plugin writer's reference keeps up with the code -----------------------------------

GOBLIN = Path(__file__).resolve().parents[2] / "goblin"
HOOK_REFERENCE = GOBLIN.parent / "docs" / "pluginwriter" / "hooks.md"
CALLED_HOOK = re.compile(r"\.(?:handle|runall|transform|callables)\(\s*\"([^\"]+)\"")
TEMPLATE_HOOK = re.compile(r"template_hook\(\"([^\"]+)\"\)")


def test_every_hook_goblin_calls_is_in_the_hook_reference():
    reference = HOOK_REFERENCE.read_text("utf-8")
    called: set[str] = set()
    for path in GOBLIN.rglob("*.py"):
        called.update(CALLED_HOOK.findall(path.read_text("utf-8")))
    placed: set[str] = set()
    for path in GOBLIN.rglob("*.html"):
        placed.update(TEMPLATE_HOOK.findall(path.read_text("utf-8")))
    assert {"setup", "template_context_prerender", "media_home_context"} <= called
    assert {"head", "media_sideinfo", "register_captcha"} <= placed
    missing = sorted(name for name in called | placed if f"`{name}`" not in reference)
    assert not missing, "docs/pluginwriter/hooks.md lacks hooks: " + ", ".join(missing)
