"""The hook table plugins extend: MediaGoblin's handle / runall / transform semantics."""

from __future__ import annotations

import pytest

from goblin.config.configure import configure
from goblin.config.loader import load_config
from goblin.hooks import HookRegistry


@pytest.fixture
def hooks() -> HookRegistry:
    return HookRegistry()


def test_handle_first_non_none_result_wins(hooks):
    calls = []

    def none(*args, **kwargs):
        calls.append("none")

    def answer(*args, **kwargs):
        calls.append("answer")
        return ("answer", args, kwargs)

    def later(*args, **kwargs):
        calls.append("later")
        return "later"

    hooks.register({"pick": none})
    hooks.register({"pick": [answer, later]})
    assert hooks.handle("pick", 1, 2, key="value") == ("answer", (1, 2), {"key": "value"})
    assert calls == ["none", "answer"]


def test_handle_false_is_a_result(hooks):
    hooks.register({"allowed": [lambda: False, lambda: True]})
    assert hooks.handle("allowed") is False


def test_handle_falls_back_to_the_default_handler(hooks):
    hooks.register({"pick": lambda value: None})
    assert hooks.handle("pick", 5, default_handler=lambda value: value * 2) == 10
    assert hooks.handle("nobody_registered", 5, default_handler=lambda value: -value) == -5


def test_handle_without_handlers_or_default_is_none(hooks):
    assert hooks.handle("nobody_registered", 1) is None


def test_runall_returns_every_non_none_result_in_order(hooks):
    hooks.register({"collect": [lambda item: item + 1, lambda item: None]})
    hooks.register({"collect": lambda item: False})
    hooks.register({"collect": lambda item: item * 10})
    assert hooks.runall("collect", 2) == [3, False, 20]


def test_runall_calls_every_callable_even_when_they_return_none(hooks):
    seen = []
    hooks.register({"setup": [lambda: seen.append("a"), lambda: seen.append("b")]})
    assert hooks.runall("setup") == []
    assert seen == ["a", "b"]


def test_runall_of_an_unknown_hook_is_empty(hooks):
    assert hooks.runall("nobody_registered") == []


def test_transform_pipes_the_value_through_every_callable(hooks):
    hooks.register({"title": [str.strip, str.upper]})
    hooks.register({"title": lambda text: text + "!"})
    assert hooks.transform("title", "  hello ") == "HELLO!"
    assert hooks.transform("nobody_registered", "same") == "same"


def test_tuple_hook_names(hooks):
    hooks.register({("media_manager", "image"): lambda: "image manager"})
    hooks.register({("media_manager", "video"): lambda: "video manager"})
    assert hooks.handle(("media_manager", "image")) == "image manager"
    assert hooks.handle(("media_manager", "video")) == "video manager"
    assert hooks.handle(("media_manager", "audio")) is None
    assert hooks.handle("media_manager") is None


def test_callables_is_a_copy_in_registration_order(hooks):
    first, second = (lambda: 1), (lambda: 2)
    hooks.register({"name": (first, second)})
    listed = hooks.callables("name")
    assert listed == [first, second]
    listed.clear()
    assert hooks.callables("name") == [first, second]
    assert hooks.callables("nobody_registered") == []


def test_registering_something_not_callable_is_refused(hooks):
    with pytest.raises(TypeError, match="'broken'"):
        hooks.register({"broken": "not a function"})


def test_template_hooks_keep_every_template_in_order(hooks):
    hooks.register_template_hooks({"head": "plugin_a/head.html"})
    hooks.register_template_hooks({"head": ["plugin_b/head.html", "plugin_b/more.html"]})
    hooks.register_template_hooks({"media_sideinfo": "plugin_a/side.html"})
    assert hooks.template_hook_templates("head") == [
        "plugin_a/head.html",
        "plugin_b/head.html",
        "plugin_b/more.html",
    ]
    assert hooks.template_hook_templates("media_sideinfo") == ["plugin_a/side.html"]
    assert hooks.template_hook_templates("nobody_registered") == []


def test_two_apps_in_one_process_do_not_share_hooks(tmp_path):
    registries = []
    for name, plugin in (("one", "order_first"), ("two", "order_second")):
        folder = tmp_path / name
        folder.mkdir()
        ini = folder / "mediagoblin.ini"
        ini.write_text(f"[plugins]\n[[tests.plugins.{plugin}]]\n", encoding="utf-8")
        registries.append(configure(goblin_config=load_config(str(ini), {})).registry)
    assert registries[0].hooks.runall("plugin_order") == ["first"]
    assert registries[1].hooks.runall("plugin_order") == ["second"]
