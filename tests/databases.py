"""Databases for tests: a migrated template made once per run, then a fresh copy per test.

SQLite copies a migrated file; PostgreSQL creates each test database from a migrated
template database. Names carry the worker id and a random part so parallel runs (and CI on
the same server) never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid

from sqlalchemy import create_engine, text

from goblin.db import make_engine
from goblin.db.migrate import upgrade_database

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = os.environ.get(
    "GOBLIN_TEST_PG_URL", f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/postgres"
)


def postgresql_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            pass
    except OSError:
        return False
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return False
    return True


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


class SQLiteDatabases:
    backend = "sqlite"

    def __init__(self, folder: str) -> None:
        self.template = os.path.join(folder, "template.db")
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade_database(engine)
        engine.dispose()

    def create(self, folder: str) -> str:
        path = os.path.join(folder, "mediagoblin.db")
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def create_empty(self, folder: str) -> str:
        """A database that does not exist yet: `gmg dbupdate` creates the file."""
        return f"sqlite:///{os.path.join(folder, 'mediagoblin.db')}"

    def drop(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgreSQLDatabases:
    backend = "postgresql"

    def __init__(self, worker: str) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.prefix = f"goblin_test_{worker}_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tpl"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = make_engine(_pg_url(self.template))
        upgrade_database(engine)
        engine.dispose()
        self.count = 0

    def create(self, folder: str) -> str:
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return _pg_url(name)

    def create_empty(self, folder: str) -> str:
        """An empty database (no tables), as an operator creates one before `gmg dbupdate`."""
        self.count += 1
        name = f"{self.prefix}_{self.count}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return _pg_url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self.admin.dispose()
