"""``gmg dbupdate``: create or upgrade the database and seed the privileges."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from goblin.db.migrate import upgrade_database
from goblin.gmg.env import CommandError


def dbupdate(args, env) -> int:
    registry = env.registry(check_db=False)
    engine = registry.dbengine
    try:
        upgrade_database(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        url = engine.url.render_as_string(hide_password=True)
        raise CommandError(f"cannot update the database {url}: {reason}") from None
    print(f"Database {engine.url.render_as_string(hide_password=True)} is up to date.")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("dbupdate", help="create or upgrade the database")
    parser.set_defaults(func=dbupdate)
