"""Test plugin with a route, template hooks and static files, to see plugins from outside.

``/hook-probe/`` answers JSON: what the ``probe_pick`` handle hook (default "default") and
the ``probe_names`` runall hook return on this site. Its templates mark the places core
templates offer (``probe-<hook name>`` classes); ``media_home_context`` adds a note the
``media_sideinfo`` template shows. ``probe_static/`` is served at /plugin_static/probe/.
"""

from __future__ import annotations

from pyramid.view import view_config

#: Template hook -> the template (in templates/probe/) this plugin renders there.
TEMPLATE_HOOKS = {
    "head": "probe/head.html",
    "header_left": "probe/header_left.html",
    "media_sideinfo": "probe/media_sideinfo.html",
    "image_head": "probe/image_head.html",
    "user_profile": "probe/user_profile.html",
    "login_link": "probe/login_link.html",
}


@view_config(route_name="tests.hook_probe", request_method="GET", renderer="json")
def hook_probe(request):
    hooks = request.registry.hooks
    return {
        "handle": hooks.handle("probe_pick", request, default_handler=lambda request: "default"),
        "runall": hooks.runall("probe_names", request),
    }


def note(context):
    context["probe_note"] = f"probe saw {context['entry'].title}"
    return context


hooks = {"media_home_context": note}


def includeme(config) -> None:
    config.add_jinja2_search_path("tests.plugins:templates", name=".html")
    # Both ways of registering template hooks: the directive and the registry's hooks.
    config.add_template_hook("head", TEMPLATE_HOOKS["head"])
    config.registry.hooks.register_template_hooks(
        {name: path for name, path in TEMPLATE_HOOKS.items() if name != "head"}
    )
    config.add_route("tests.hook_probe", "/hook-probe/")
    config.scan(__name__)
    config.add_plugin_static("probe", "tests.plugins:probe_static")
