"""Plugin loading: every ``[[dotted.module]]`` under ``[plugins]`` in mediagoblin.ini, in order.

A plugin module may have ``config_spec`` (key -> goblin.config.spec.Key) for its options,
a ``hooks`` dict, and ``includeme(config)`` for routes, views, templates and static files.
Its validated options are at ``registry.plugin_configs[module_name]``. Upstream names
(``mediagoblin.plugins.X``, ``mediagoblin.media_types.X``) resolve to goblin's own X.
"""

from __future__ import annotations

import importlib

from goblin.config.loader import ConfigError, validate_options
from goblin.config.types import ParseContext

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
        except ImportError as exc:
            raise ConfigError(f"{where}: cannot import {module_name}: {exc}") from None
        spec = getattr(module, "config_spec", {})
        registry.plugin_configs[module_name] = validate_options(
            spec, options, where=where, ctx=ctx, defaults_vars=defaults_vars
        )
        registry.hooks.register(getattr(module, "hooks", {}))
        if hasattr(module, "includeme"):
            config.include(module)
    registry.hooks.runall("setup")


def includeme(config) -> None:
    load_plugins(config)
