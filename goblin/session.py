"""The browser session: a cookie signed with itsdangerous and the site secret.

The cookie is HttpOnly and SameSite=Lax, and Secure when the request came over https. It
holds flash messages, the CSRF token and the login token; who is logged in is decided by
the login token's row in the database (see goblin.security), not by the cookie alone.
"""

from __future__ import annotations

import json

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pyramid.session import BaseCookieSessionFactory

SESSION_COOKIE_NAME = "MGSession"


class SignedSessionSerializer:
    """Pyramid's cookie serializer interface (dumps/loads of bytes) over itsdangerous."""

    def __init__(self, secret: bytes, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SESSION_COOKIE_NAME, serializer=json)
        self._max_age = max_age

    def dumps(self, appstruct) -> bytes:
        return self._serializer.dumps(appstruct).encode("ascii")

    def loads(self, bstruct: bytes):
        try:
            return self._serializer.loads(bstruct.decode("ascii"), max_age=self._max_age)
        except (BadSignature, UnicodeDecodeError) as exc:
            raise ValueError("bad session cookie") from exc


def make_session_factory(secret: bytes, max_age: int):
    """A session factory choosing the Secure flag from the request's scheme."""
    serializer = SignedSessionSerializer(secret, max_age)
    common = {
        "cookie_name": SESSION_COOKIE_NAME,
        "max_age": max_age,
        "timeout": max_age,
        "reissue_time": 3600,
        "httponly": True,
        "samesite": "Lax",
        "set_on_exception": True,
    }
    plain = BaseCookieSessionFactory(serializer, secure=False, **common)
    secure = BaseCookieSessionFactory(serializer, secure=True, **common)

    def session_factory(request):
        return (secure if request.scheme == "https" else plain)(request)

    return session_factory


def includeme(config) -> None:
    days = config.registry.goblin_config.mediagoblin["session_max_age_days"]
    config.set_session_factory(make_session_factory(config.registry.secret, days * 86400))
