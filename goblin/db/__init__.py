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
TRANSACTION_MANAGER_KEY = "goblin.transaction_manager"


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
    """Run ``func(*args)`` once ``dbsession``'s transaction has committed; never if it did not.

    For side effects that must not happen for undone work: deleting files, sending Celery
    tasks, sending mail. A failing action is logged; the commit already happened.
    """
    _transaction(dbsession).addAfterCommitHook(_after_commit, args=(func, args))


def call_after_abort(dbsession: Session, func: Callable[..., Any], *args: Any) -> None:
    """Run ``func(*args)`` if ``dbsession``'s transaction is rolled back or fails to commit.

    For undoing side effects made before the commit, such as a file written to the queue.
    """
    txn = _transaction(dbsession)
    txn.addAfterCommitHook(_after_failed_commit, args=(func, args))
    txn.addAfterAbortHook(_run_quietly, args=(func, args))


def _transaction(dbsession: Session):
    return dbsession.info[TRANSACTION_MANAGER_KEY].get()


def _run_quietly(func: Callable[..., Any], args: tuple) -> None:
    try:
        func(*args)
    except Exception:
        log.exception("transaction hook %r failed", func)


def _after_commit(committed: bool, func: Callable[..., Any], args: tuple) -> None:
    if committed:
        _run_quietly(func, args)


def _after_failed_commit(committed: bool, func: Callable[..., Any], args: tuple) -> None:
    if not committed:
        _run_quietly(func, args)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory: sessionmaker, transaction_manager) -> Session:
    """A session joined to ``transaction_manager``: it commits or aborts with it."""
    dbsession = session_factory()
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    dbsession.info[TRANSACTION_MANAGER_KEY] = transaction_manager
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
