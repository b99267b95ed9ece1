"""Rate limits on login, registration, password reset and mail-sending forms.

Fixed-window counters per action and per scope (the client address, the account named in
the form), kept where every process sees them: the database (default) or Redis, chosen by
``[ratelimit] backend``. Counting happens in its own short transaction, so a refused
request is still counted. Going over a limit raises RateLimited, shown as a 429 page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from goblin.db.models import RateLimitCounter
from goblin.db.types import utcnow

log = logging.getLogger(__name__)

ACTIONS = ("login", "registration", "password_reset", "mail")


class RateLimited(Exception):
    """Too many attempts; ``retry_after`` seconds until the window ends."""

    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(f"too many {action} attempts")
        self.action = action
        self.retry_after = max(1, retry_after)


class Backend(Protocol):
    def hit(self, key: str, period: int) -> tuple[int, int]:
        """Count one hit on ``key``; return (count in this window, seconds left in it)."""


def _window(period: int, now: float) -> tuple[int, int]:
    index = int(now // period)
    return index, int((index + 1) * period - now) or 1


class DatabaseBackend:
    """Counters in ``core__rate_limits`` with an atomic upsert (SQLite and PostgreSQL)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def hit(self, key: str, period: int) -> tuple[int, int]:
        now = time.time()
        index, left = _window(period, now)
        row_key = hashlib.sha256(f"{key}:{period}:{index}".encode()).hexdigest()
        window_end = dt.datetime.fromtimestamp((index + 1) * period, dt.UTC)
        table = RateLimitCounter.__table__
        statement = self.insert(table).values(key=row_key, window_end=window_end, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key], set_={"count": table.c.count + 1}
        ).returning(table.c.count)
        with self.engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if count == 1:  # a new window: sweep windows that have ended
                connection.execute(
                    delete(table).where(table.c.window_end < utcnow() - dt.timedelta(minutes=1))
                )
        return count, left


class RedisBackend:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hit(self, key: str, period: int) -> tuple[int, int]:
        index, left = _window(period, time.time())
        redis_key = "goblin:rl:" + hashlib.sha256(f"{key}:{period}:{index}".encode()).hexdigest()
        pipeline = self.client.pipeline()
        pipeline.incr(redis_key)
        pipeline.expire(redis_key, period + 60)
        count, _ = pipeline.execute()
        return int(count), left


class RateLimiter:
    def __init__(self, backend: Backend, rates: dict, namespace: str) -> None:
        self.backend = backend
        self.rates = rates
        # Several instances may share one Redis: keep their counters apart.
        self.namespace = namespace

    def hit(self, action: str, *, address: str | None = None, account: str | None = None) -> None:
        """Count an attempt at ``action``; raise RateLimited when a scope is over its limit."""
        rate = self.rates.get(action)
        if rate is None:
            return
        limit, period = rate
        retry_after = 0
        for scope, value in (("address", address), ("account", account)):
            if not value:
                continue
            key = f"{self.namespace}:{action}:{scope}:{value}"
            try:
                count, left = self.backend.hit(key, period)
            except Exception as exc:
                # The counter store is down: let people in rather than lock everyone
                # out, and say so loudly.
                log.error("rate limit store unreachable, %s not limited: %s", action, exc)
                continue
            if count > limit:
                retry_after = max(retry_after, left)
        if retry_after:
            raise RateLimited(action, retry_after)


def client_address(request) -> str:
    """The client's address as waitress reports it (set trusted_proxy behind a proxy)."""
    return request.client_addr or "unknown"


def rate_limit(request, action: str, account: str | None = None) -> None:
    """Count this request's attempt at ``action`` by address and (if given) account."""
    request.registry.rate_limiter.hit(
        action, address=client_address(request), account=(account or "").strip().lower() or None
    )


def includeme(config) -> None:
    goblin_config = config.registry.goblin_config
    settings = goblin_config["ratelimit"]
    if settings["backend"] == "redis":
        backend: Backend = RedisBackend(settings["redis_url"])
    else:
        backend = DatabaseBackend(config.registry.dbengine)
    rates = {action: settings[action] for action in ACTIONS}
    config.registry.rate_limiter = RateLimiter(backend, rates, namespace=goblin_config.path)
    config.add_request_method(rate_limit, "rate_limit")


__all__ = ["RateLimited", "RateLimiter"]
