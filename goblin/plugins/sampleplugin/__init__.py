"""sampleplugin: a small working plugin to copy from; docs/pluginwriter/tutorial.md reads it.

Enable it in mediagoblin.ini (upstream's ``[[mediagoblin.plugins.sampleplugin]]`` works too)::

    [plugins]
    [[goblin.plugins.sampleplugin]]
    greeting = Hello, goblins!

It shows each thing a plugin can do, one at a time:

1. options, checked at start-up (``config_spec``);
2. a Python hook that core calls (``hooks``);
3. a template hook: a link in the header of every page;
4. a route and a view with its own template, at ``/sampleplugin/``;
5. static files, served under ``/plugin_static/sampleplugin/``.
"""

from __future__ import annotations

from goblin.config.spec import Key
from goblin.config.types import Boolean, String
from goblin.plugins import get_plugin_config

# 1. Options: the keys an operator may write under [[goblin.plugins.sampleplugin]].
# goblin checks every value against its type when the site starts; a wrong value or an
# unknown key stops start-up with one line naming the file, [plugins] [[name]] and the key.
# A key left out takes its default. The plugin reads the checked values with
# get_plugin_config(registry, __name__).
config_spec = {
    "greeting": Key(String(), "Hello from the sample plugin!", "What /sampleplugin/ says."),
    "header_link": Key(Boolean(), True, "Link to /sampleplugin/ from every page's header."),
}


# 2. Python hooks: core calls hooks by name (docs/pluginwriter/hooks.md lists them all).
# template_context_prerender is a *transform* hook: it gets the values a template is about
# to be rendered with, changes them and returns them. Here every page gets the greeting,
# which the header link below shows as its tooltip.
#
# A hook is a plain function: there is no global "current app". Whatever it needs comes
# from its arguments; here the request is in the context, and the options are on its
# registry, so two sites in one process each see their own greeting.
def add_greeting(context):
    """Give every template ``sampleplugin_greeting``."""
    registry = context["request"].registry
    context["sampleplugin_greeting"] = get_plugin_config(registry, __name__)["greeting"]
    return context


# Hook name -> one callable (or a list of them). goblin registers this dict when it loads
# the plugin; plugins listed earlier in [plugins] run earlier.
hooks = {
    "template_context_prerender": add_greeting,
}


def includeme(config) -> None:
    """Called once at start-up, after ``hooks`` is registered, with the Configurator.

    Everything that needs the app's configuration happens here, never at import time.
    """
    options = get_plugin_config(config.registry, __name__)

    # Our templates live in templates/sampleplugin/, so their names ("sampleplugin/...")
    # cannot clash with core templates or another plugin's.
    config.add_jinja2_search_path("goblin.plugins.sampleplugin:templates", name=".html")

    # 3. A template hook: core templates say {% template_hook("header_extra") %} where a
    # plugin may add something (hooks.md lists every place). Options decide what we add.
    if options["header_link"]:
        config.add_template_hook("header_extra", "sampleplugin/header_link.html")

    # 4. A route and its view (views.py); the view's template is sampleplugin/page.html.
    config.add_route("sampleplugin.page", "/sampleplugin/")
    config.scan("goblin.plugins.sampleplugin.views")

    # 5. Static files: static/ is served at /plugin_static/sampleplugin/ (cached a day).
    # Templates build the URLs with plugin_static_url("sampleplugin", "sampleplugin.css").
    config.add_plugin_static("sampleplugin", "goblin.plugins.sampleplugin:static")
