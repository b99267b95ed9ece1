"""Jinja2 set-up: search paths, the ``template_hook`` tag and the globals every page sees."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup
from pyramid.events import BeforeRender

FLASH_QUEUES = ("error", "warning", "success", "info")


class TemplateHookExtension(Extension):
    """``{% template_hook("name") %}`` renders every template plugins registered there."""

    tags = {"template_hook"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        call = self.call_method("_render_hook", [name, nodes.ContextReference()])
        return nodes.Output([call], lineno=lineno)

    def _render_hook(self, name, context) -> Markup:
        request = context.get("request")
        if request is None:
            return Markup("")
        parts = []
        for template in request.registry.hooks.template_hook_templates(name):
            parts.append(self.environment.get_template(template).render(context.get_all()))
        # Each part is a Jinja render with autoescape on, so it is already safe markup.
        return Markup("".join(parts))  # noqa: S704


def flash_messages(request) -> list[tuple[str, str]]:
    """Pop every queued flash message as (level, text), most severe first."""
    messages = []
    session = request.session
    for queue in FLASH_QUEUES:
        # peek first: popping an empty queue would still re-send the session cookie.
        if session.peek_flash(queue):
            messages.extend((queue, text) for text in session.pop_flash(queue))
    return messages


def site_permission(request, name: str):
    """Whether the visitor holds a site-wide permission (``upload``...), from the root ACL.

    Not from ``request.context``: a member's or an entry's context does not list site-wide
    permissions, and a 404 raised by a route's context factory leaves no context at all.
    """
    from goblin.resources import RootFactory

    return request.has_permission(name, RootFactory(request))


def registration_open(registry) -> bool:
    """Whether visitors may register or apply without an invitation (open or approval)."""
    from goblin.registration import registration_mode

    return registration_mode(registry) in ("open", "approval")


def add_globals(event: BeforeRender) -> None:
    request = event.get("request")
    if request is None:
        return
    goblin_config = request.registry.goblin_config
    event.setdefault("app_config", goblin_config.mediagoblin)
    event.setdefault("html_title", goblin_config.mediagoblin["html_title"])
    event.setdefault("current_user", request.user)
    event.setdefault("flash_messages", lambda: flash_messages(request))
    event.setdefault("static_url", lambda path: request.static_url(f"goblin:static/{path}"))
    event.setdefault("hooks", request.registry.hooks)
    event.setdefault("plugin_static_url", request.plugin_static_url)
    event.setdefault("site_permission", lambda name: site_permission(request, name))
    event.setdefault("registration_open", registration_open(request.registry))
    # Upstream renders whatever the hook returns; a plugin that builds a new dict instead
    # of changing the one it was given must not lose its changes.
    context = request.registry.hooks.transform("template_context_prerender", event)
    if context is not event and isinstance(context, Mapping):
        event.update(context)


def includeme(config) -> None:
    settings = config.get_settings()
    settings.setdefault("jinja2.undefined", "strict")
    settings.setdefault("jinja2.trim_blocks", "true")
    settings.setdefault("jinja2.lstrip_blocks", "true")
    extensions = ["goblin.templating.TemplateHookExtension"]
    extensions += config.registry.goblin_config["jinja2"]["extensions"]
    settings["jinja2.extensions"] = "\n".join(extensions)
    settings["jinja2.filters"] = "markdown = goblin.text:render_markdown"
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".html")
    local = config.registry.goblin_config.mediagoblin["local_templates"]
    if local:
        config.add_jinja2_search_path(local, name=".html")
    config.add_jinja2_search_path("goblin:templates", name=".html")
    config.add_subscriber(add_globals, BeforeRender)
