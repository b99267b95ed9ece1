"""Checks made when a server or worker starts: is the database there and up to date?"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from goblin.db.migrate import database_is_current, upgrade_database


class StartupError(Exception):
    """Something an operator must fix before goblin can serve; told in one line."""


def check_database(registry) -> None:
    """Upgrade when run_migrations is set; otherwise refuse to serve an outdated schema."""
    engine = registry.dbengine
    goblin_config = registry.goblin_config
    try:
        if goblin_config.mediagoblin["run_migrations"]:
            upgrade_database(engine)
        elif not database_is_current(engine):
            raise StartupError(
                f"the database ({engine.url.render_as_string(hide_password=True)}) is missing "
                f"or out of date: run `gmg -cf {goblin_config.path} dbupdate`"
            )
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        raise StartupError(
            f"cannot use the database {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from None
