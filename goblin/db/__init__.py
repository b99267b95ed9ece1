"""Database wiring: one engine per app on the registry, one session per request under pyramid_tm.

Views use ``request.dbsession`` and never commit: pyramid_tm commits when the view returns
and rolls back when it raises. Scripts and tasks use ``session_scope()``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

import transaction
import zope.sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
AFTER_COMMIT_KEY = "goblin.after_commit"


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL and a busy timeout for threads."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def call_after_commit(dbsession: Session, func: Callable[..., Any], *args: Any) -> None:
    """Run ``func(*args)`` once ``dbsession``'s transaction commits; never if it rolls back.

    For side effects that must not happen for work that is undone: deleting files, sending
    Celery tasks, sending mail.
    """
    dbsession.info.setdefault(AFTER_COMMIT_KEY, []).append((func, args))


def _run_after_commit(session: Session) -> None:
    for func, args in session.info.pop(AFTER_COMMIT_KEY, []):
        try:
            func(*args)
        except Exception:
            log.exception("after-commit action %r failed", func)


def _discard_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT_KEY, None)


def make_session_factory(engine: Engine) -> sessionmaker:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(factory, "after_commit", _run_after_commit)
    event.listen(factory, "after_rollback", _discard_after_commit)
    return factory


def get_tm_session(session_factory: sessionmaker, transaction_manager) -> Session:
    """A session joined to ``transaction_manager``: it commits or aborts with it."""
    dbsession = session_factory()
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


@contextlib.contextmanager
def session_scope(registry) -> Iterator[Session]:
    """One transaction for a script or task: commit on success, roll back on error."""
    manager = transaction.TransactionManager(explicit=True)
    with manager:
        yield get_tm_session(registry.dbsession_factory, manager)


def includeme(config) -> None:
    goblin_config = config.registry.goblin_config
    engine = make_engine(goblin_config.mediagoblin["sql_engine"])
    config.registry.dbengine = engine
    config.registry.dbsession_factory = make_session_factory(engine)
    config.add_request_method(
        lambda request: get_tm_session(request.registry.dbsession_factory, request.tm),
        "dbsession",
        reify=True,
    )
