"""Plugin loading: every ``[[dotted.module]]`` under ``[plugins]`` in mediagoblin.ini, in order.

A plugin module may have ``config_spec`` (key -> goblin.config.spec.Key) for its options,
a ``hooks`` dict, and ``includeme(config)`` for routes, views, templates and static files.
Its validated options are at ``registry.plugin_configs[module_name]``. Upstream names
(``mediagoblin.plugins.X``, ``mediagoblin.media_types.X``) resolve to goblin's own X.

Directives for a plugin's ``includeme``: ``config.add_plugin_static(name, spec)`` (here),
``config.add_template_hook(name, template)`` (goblin.hooks) and
``config.add_media_type(media_type)`` (goblin.media_types).
"""

from __future__ import annotations

import importlib

from goblin.config.loader import ConfigError, validate_options
from goblin.config.types import ParseContext
from goblin.static import DAY, _view_name

UPSTREAM_PREFIXES = {
    "mediagoblin.plugins.": "goblin.plugins.",
    "mediagoblin.media_types.": "goblin.media_types.",
}


def resolve_plugin_name(name: str) -> str:
    """Map an upstream dotted name to goblin's module of the same role."""
    for upstream, ours in UPSTREAM_PREFIXES.items():
        if name.startswith(upstream):
            return ours + name[len(upstream) :]
    return name


def get_plugin_config(registry, name: str) -> dict:
    """The validated options of plugin ``name`` ({} when it is not enabled)."""
    return registry.plugin_configs.get(resolve_plugin_name(name), {})


def plugin_owner(config) -> str:
    """How start-up errors name the plugin whose ``includeme`` is running: ``[[name]]``.

    Outside plugin loading (core code), the including package's name.
    """
    loading = getattr(config.registry, "loading_plugin", None)
    return f"[[{loading}]]" if loading else config.package_name


def add_plugin_static(config, name: str, path: str) -> None:
    """Configurator directive: serve ``path`` (``package:static`` or a folder) at
    ``plugin_web_path`` + ``name`` (``/plugin_static/<name>/``), cached for a day.

    Two plugins claiming one ``name`` stop start-up with one line naming both.
    """
    registry = config.registry
    goblin_config = registry.goblin_config
    claimed = registry.plugin_statics
    owner = plugin_owner(config)
    if not name or "/" in name:
        raise ConfigError(
            f"{goblin_config.path}: [plugins]: {owner} asks for the plugin static name "
            f"{name!r}; expected a name without slashes"
        )
    if name in claimed:
        raise ConfigError(
            f"{goblin_config.path}: [plugins]: the plugin static name {name!r} is claimed "
            f"by both {claimed[name][0]} and {owner}"
        )
    # Absolute, so plugin_static_url resolves it the same from any module.
    spec = config.absolute_asset_spec(path).rstrip("/")
    claimed[name] = (owner, spec)
    web_path = goblin_config.mediagoblin["plugin_web_path"] + name
    config.add_static_view(_view_name(web_path), spec, cache_max_age=DAY)


def plugin_static_url(request, name: str, path: str) -> str:
    """The URL of ``path`` inside the static folder plugin static ``name`` serves."""
    try:
        folder = request.registry.plugin_statics[name][1]
    except KeyError:
        raise ValueError(f"no plugin serves static files named {name!r}") from None
    return request.static_url(f"{folder}/{path.lstrip('/')}")


def load_plugins(config) -> None:
    registry = config.registry
    goblin_config = registry.goblin_config
    registry.plugin_configs = {}
    ctx = ParseContext(here=goblin_config.here)
    defaults_vars = {"here": goblin_config.here, "data_basedir": goblin_config.data_basedir}
    for name, options in goblin_config.plugins.items():
        where = f"{goblin_config.path}: [plugins] [[{name}]]"
        module_name = resolve_plugin_name(name)
        if module_name in registry.plugin_configs:
            raise ConfigError(f"{where}: listed twice")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # ImportError, or a plugin broken in any other way
            raise ConfigError(
                f"{where}: cannot import {module_name}: {type(exc).__name__}: {exc}"
            ) from None
        spec = getattr(module, "config_spec", {})
        registry.plugin_configs[module_name] = validate_options(
            spec, options, where=where, ctx=ctx, defaults_vars=defaults_vars
        )
        registry.hooks.register(getattr(module, "hooks", {}))
        if hasattr(module, "includeme"):
            registry.loading_plugin = name
            try:
                config.include(module)
            finally:
                registry.loading_plugin = None
    registry.hooks.runall("setup")


def includeme(config) -> None:
    config.registry.plugin_statics = {}
    config.add_directive("add_plugin_static", add_plugin_static)
    config.add_request_method(plugin_static_url, "plugin_static_url")
    load_plugins(config)
