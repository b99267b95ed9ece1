"""Registration modes beyond on and off: closed, open, approval and invitation.

``registration_mode`` in mediagoblin.ini picks one; left unset, ``allow_registration``
decides between open and closed, as in MediaGoblin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select, update

from goblin import accounts
from goblin.db.models import Invitation, Privilege, RegistrationRequest, User
from goblin.db.types import utcnow
from goblin.mail import send_mail

INVITATION_DAYS = 14


def registration_mode(registry) -> str:
    settings = registry.goblin_config.mediagoblin
    if settings["registration_mode"]:
        return settings["registration_mode"]
    return "open" if settings["allow_registration"] else "closed"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_invitation(
    dbsession, created_by: int | None, *, days: int = INVITATION_DAYS, note: str = ""
) -> str:
    """Make a single-use invitation; return its token (only its hash is stored)."""
    token = secrets.token_urlsafe(24)
    dbsession.add(
        Invitation(
            token_hash=_hash(token),
            created_by=created_by,
            expires=utcnow() + dt.timedelta(days=days),
            note=note[:255],
        )
    )
    dbsession.flush()
    return token


def find_invitation(dbsession, token: str | None) -> Invitation | None:
    """The unused, unexpired invitation with this token, or None."""
    if not token or len(token) > 200:
        return None
    # used_at, not used_by: used_by is cleared when that account is deleted, and the
    # link must not come back to life then.
    return dbsession.scalar(
        select(Invitation).where(
            Invitation.token_hash == _hash(token),
            Invitation.used_at.is_(None),
            Invitation.expires > utcnow(),
        )
    )


def use_invitation(dbsession, invitation: Invitation, user: User) -> bool:
    """Mark ``invitation`` used by ``user``; False if another registration used it first.

    A conditional UPDATE, so two registrations racing on one link cannot both succeed.
    """
    result = dbsession.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_by=user.id, used_at=utcnow())
    )
    return result.rowcount == 1


def apply_for_account(request, form) -> RegistrationRequest:
    """Record an application (approval mode) and tell the moderators by mail."""
    dbsession = request.dbsession
    username = accounts.check_username(accounts.normalize_username(form.username.data))
    email = accounts.check_email(accounts.normalize_email(form.email.data))
    if dbsession.scalar(select(User.id).where(User.username == username)) is not None or (
        dbsession.scalar(
            select(RegistrationRequest.id).where(
                RegistrationRequest.username == username, RegistrationRequest.state == "pending"
            )
        )
        is not None
    ):
        raise accounts.AccountError("Sorry, a user with that name already exists.")
    email_taken = select(User.id).where(func.lower(User.email) == email.lower())
    email_pending = select(RegistrationRequest.id).where(
        func.lower(RegistrationRequest.email) == email.lower(),
        RegistrationRequest.state == "pending",
    )
    if dbsession.scalar(email_taken) or dbsession.scalar(email_pending):
        raise accounts.AccountError("Sorry, a user with that email address already exists.")
    application = RegistrationRequest(
        username=username,
        email=email,
        pw_hash=accounts.hash_password(request.registry, form.password.data),
        reason=form.reason.data.strip(),
    )
    dbsession.add(application)
    dbsession.flush()
    link = request.route_url("mod.registrations")
    for moderator in moderators(dbsession):
        send_mail(
            request.registry,
            dbsession,
            moderator.email,
            f"New account application from {username}",
            f"{username} <{email}> applied for an account:\n\n{application.reason}\n\n"
            f"Approve or refuse it at {link}\n",
        )
    return application


def moderators(dbsession) -> list[User]:
    return list(
        dbsession.scalars(
            select(User)
            .join(User.privileges)
            .where(Privilege.privilege_name.in_(("admin", "moderator")))
            .distinct()
        )
    )


def approve(request, application: RegistrationRequest) -> User:
    """Create the account of an approved application; its owner still verifies the email."""
    user = accounts.create_user_with_hash(
        request.dbsession,
        username=application.username,
        email=application.email,
        pw_hash=application.pw_hash,
        privileges=request.registry.goblin_config.mediagoblin["user_privilege_scheme"],
    )
    _decide(request, application, "approved")
    return user


def refuse(request, application: RegistrationRequest) -> None:
    _decide(request, application, "refused")


def _decide(request, application: RegistrationRequest, state: str) -> None:
    application.state = state
    application.decided_by = request.user.id if request.user else None
    application.decided_at = utcnow()
    application.pw_hash = ""  # no longer needed: the account has it, or there is none
