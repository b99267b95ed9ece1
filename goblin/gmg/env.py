"""What a gmg subcommand works with: the app's registry, built lazily by ``configure()``."""

from __future__ import annotations

import os

from goblin.config.configure import DEFAULT_CANDIDATES, configure
from goblin.config.loader import find_config_file, load_config
from goblin.startup import check_database


class CommandError(Exception):
    """A subcommand failed for a reason the operator can fix; one line."""


class CommandEnv:
    def __init__(self, conf_file: str | None) -> None:
        self.conf_file = conf_file
        self._registry = None

    def candidates(self) -> list[str]:
        if self.conf_file:
            return [self.conf_file]
        if os.environ.get("MEDIAGOBLIN_CONFIG"):
            return [os.environ["MEDIAGOBLIN_CONFIG"]]
        return list(DEFAULT_CANDIDATES)

    def registry(self, *, check_db: bool = True):
        """The configured registry; with ``check_db`` the schema must be current."""
        if self._registry is None:
            # The path itself, not a space-separated list: a folder name may hold spaces.
            path = find_config_file(self.candidates())
            config = configure(goblin_config=load_config(path))
            config.make_wsgi_app()
            self._registry = config.registry
        if check_db:
            check_database(self._registry)
        return self._registry

    def close(self) -> None:
        if self._registry is not None:
            self._registry.dbengine.dispose()
