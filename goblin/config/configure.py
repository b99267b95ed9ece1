"""``configure()``: the one factory building goblin for the web, the worker, gmg and tests."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from pyramid.config import Configurator

from goblin.config.loader import ConfigError, GoblinConfig, find_config_file, load_config

DEFAULT_CANDIDATES = ("mediagoblin_local.ini", "mediagoblin.ini")


def split_config_list(value: str) -> list[str]:
    """paste.ini's ``config`` value as a list of paths.

    Whitespace separates the paths, but ``%(here)s`` is not quoted and a folder name may
    hold spaces: then the paths are split after each ``.ini`` instead.
    """
    value = value.strip()
    if os.path.isfile(value):
        return [value]
    words = value.split()
    if any(os.path.isfile(word) for word in words):
        return words
    pieces = re.split(r"(?<=\.ini)\s+", value)
    return pieces if all(piece.endswith(".ini") for piece in pieces) else words


def config_candidates(settings: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    """Where to look for mediagoblin.ini: paste's ``config``, MEDIAGOBLIN_CONFIG, then cwd."""
    if settings.get("config"):
        return split_config_list(str(settings["config"]))
    if environ.get("MEDIAGOBLIN_CONFIG"):
        return [environ["MEDIAGOBLIN_CONFIG"]]
    return list(DEFAULT_CANDIDATES)


def configure(
    settings: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    goblin_config: GoblinConfig | None = None,
) -> Configurator:
    """Read and validate mediagoblin.ini and return a Configurator with every part included.

    Raises ConfigError (one line) for any configuration problem.
    """
    environ = os.environ if environ is None else environ
    settings = dict(settings or {})
    if goblin_config is None:
        path = find_config_file(config_candidates(settings, environ))
        goblin_config = load_config(path, environ)
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")

    config = Configurator(settings=settings, root_factory="goblin.resources.RootFactory")
    config.registry.goblin_config = goblin_config
    config.include("goblin.hooks")
    config.include("goblin.crypto")
    config.include("goblin.db")
    config.include("pyramid_tm")
    config.include("goblin.session")
    config.include("goblin.security")
    config.include("goblin.mail")
    config.include("goblin.ratelimit")
    config.include("goblin.templating")
    config.include("goblin.tweens")
    config.include("goblin.static")
    config.include("goblin.storage")
    config.include("goblin.media_types")
    config.include("goblin.processing.celery_app")
    config.include("goblin.views")
    config.include("goblin.plugins")
    return config


__all__ = ["ConfigError", "configure"]
