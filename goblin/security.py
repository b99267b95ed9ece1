"""Who the visitor is and what they may do.

Identity comes from a login token in the session whose hash is stored in
``core__login_sessions``; ``forget`` deletes that row, so a copied cookie dies with the
logout. Authorization is declarative: contexts carry ACLs, views name permissions, and
principals are ``user:<id>`` and ``privilege:<name>`` for each privilege the user holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.csrf import SessionCSRFStoragePolicy
from sqlalchemy import delete, select

from goblin.db.models import LoginSession, User
from goblin.db.types import utcnow

LOGIN_TOKEN_KEY = "login_token"  # noqa: S105 - a session key name


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def principals_for(user: User | None) -> list[str]:
    """Everyone, and for a user ``user:<id>`` plus ``privilege:<name>`` per privilege.

    Privileges count only on an active (verified) account, or an admin's: an account that
    has not confirmed its email may look around but not act.
    """
    principals = [Everyone]
    if user is not None:
        principals.append(Authenticated)
        principals.append(f"user:{user.id}")
        names = user.privilege_names()
        if "active" in names or "admin" in names:
            principals.extend(f"privilege:{name}" for name in sorted(names))
    return principals


def load_user(request) -> User | None:
    """The logged-in user of this request, or None (request.user is this, reified)."""
    token = request.session.get(LOGIN_TOKEN_KEY)
    if not isinstance(token, str):
        return None
    login = request.dbsession.scalar(
        select(LoginSession).where(
            LoginSession.token_hash == _token_hash(token), LoginSession.expires > utcnow()
        )
    )
    return login.user if login is not None else None


class SecurityPolicy:
    """Pyramid 2 security policy backed by login-session rows and ACLs."""

    def __init__(self) -> None:
        self._acl = ACLHelper()

    def identity(self, request) -> User | None:
        return request.user

    def authenticated_userid(self, request) -> int | None:
        user = request.user
        return user.id if user is not None else None

    def permits(self, request, context, permission):
        return self._acl.permits(context, principals_for(request.user), permission)

    def remember(self, request, user: User, **kw) -> list:
        """Start a fresh session for ``user`` (new cookie, new CSRF token, new login row).

        A login this browser already had is ended first, so its old cookie stops working.
        """
        self._end_login(request)
        # Expired logins of this user are dead already; drop their rows while we are here.
        request.dbsession.execute(
            delete(LoginSession).where(
                LoginSession.user_id == user.id, LoginSession.expires < utcnow()
            )
        )
        request.session.invalidate()
        token = secrets.token_urlsafe(32)
        days = request.registry.goblin_config.mediagoblin["session_max_age_days"]
        request.dbsession.add(
            LoginSession(
                token_hash=_token_hash(token),
                user_id=user.id,
                expires=utcnow() + dt.timedelta(days=days),
            )
        )
        request.session[LOGIN_TOKEN_KEY] = token
        request.session.new_csrf_token()
        return []

    def forget(self, request, **kw) -> list:
        self._end_login(request)
        request.session.invalidate()
        return []

    def _end_login(self, request) -> None:
        token = request.session.get(LOGIN_TOKEN_KEY)
        if isinstance(token, str):
            request.dbsession.execute(
                delete(LoginSession).where(LoginSession.token_hash == _token_hash(token))
            )


def includeme(config) -> None:
    config.set_security_policy(SecurityPolicy())
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy(key="_csrft_"))
    config.set_default_csrf_options(
        require_csrf=True,
        token="csrf_token",  # noqa: S106 - the form field name
        header="X-CSRF-Token",
    )
    config.add_request_method(load_user, "user", reify=True)
