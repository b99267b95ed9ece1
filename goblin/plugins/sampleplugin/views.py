"""The sample plugin's one page, ``/sampleplugin/``: the greeting and the enabled plugins."""

from __future__ import annotations

from pyramid.view import view_config

from goblin.plugins import get_plugin_config


# A view like any core view: the route name comes from includeme, the renderer is a
# template on our search path, and the returned dict is the template's context (plus
# what template_context_prerender hooks add, our own add_greeting included).
# No permission is named: the page is public. Only GET is handled, so no CSRF is needed.
@view_config(
    route_name="sampleplugin.page", request_method="GET", renderer="sampleplugin/page.html"
)
def sample_page(request):
    options = get_plugin_config(request.registry, "goblin.plugins.sampleplugin")
    return {
        "greeting": options["greeting"],
        # plugin_configs holds every enabled plugin, in [plugins] order.
        "plugins": list(request.registry.plugin_configs),
    }
