"""Signed, expiring tokens for links sent by mail (itsdangerous, keyed by the site secret).

Each purpose has its own salt, so a token made for one purpose is worthless for another.
Password-reset tokens also carry a digest of the current password hash: once the password
changes, every older reset link stops working.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 10 * 24 * 3600  # ten days, as MediaGoblin's links

VERIFY_EMAIL = "goblin.verify_email"
RESET_PASSWORD = "goblin.reset_password"  # noqa: S105 - a salt name, not a password
CHANGE_EMAIL = "goblin.change_email"


class BadToken(ValueError):
    """The token is malformed, forged, expired or used up."""


def _serializer(registry, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(registry.secret, salt=purpose)


def make_token(registry, purpose: str, payload: Any) -> str:
    return _serializer(registry, purpose).dumps(payload)


def read_token(registry, purpose: str, token: str | None, max_age: int = MAX_AGE) -> Any:
    if not token or len(token) > 2000:
        raise BadToken("missing token")
    try:
        return _serializer(registry, purpose).loads(token, max_age=max_age)
    except BadSignature:
        raise BadToken("bad or expired token") from None


def password_fingerprint(pw_hash: str | None) -> str:
    return hashlib.sha256((pw_hash or "").encode("utf-8")).hexdigest()[:20]
