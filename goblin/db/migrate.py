"""Creating and upgrading the database with Alembic, and seeding the rows goblin needs."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from goblin.db.models import PRIVILEGE_NAMES, Privilege


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", "goblin:migrations")
    return cfg


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def database_is_current(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def seed(session: Session) -> list[str]:
    """Insert the privileges that are missing; return the names added."""
    existing = set(session.scalars(select(Privilege.privilege_name)))
    added = [name for name in PRIVILEGE_NAMES if name not in existing]
    session.add_all(Privilege(privilege_name=name) for name in added)
    return added


def upgrade_database(engine: Engine) -> None:
    """Bring the schema to the newest revision and seed it, in one transaction."""
    with engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            seed(session)
            session.commit()
