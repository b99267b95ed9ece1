"""Accounts: the rules for names, emails and passwords, and creating or changing users.

Shared by the web forms and ``gmg`` so both enforce the same rules. Password hashing goes
through the ``auth_gen_password_hash`` hook, so the auth plugin decides the algorithm.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from goblin.db.models import Privilege, User

USERNAME_RE = re.compile(r"^[a-z0-9_-]{3,30}$")
# The characters RFC 5322 allows unquoted in a local part, and DNS-style domain labels.
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$"
)
PASSWORD_MIN, PASSWORD_MAX = 8, 1024
#: What `gmg adduser` grants: a trusted account that may act at once.
TRUSTED_PRIVILEGES = ("active", "uploader", "commenter", "reporter")


class AccountError(ValueError):
    """A rule was broken; the message is meant for the person who broke it."""


def normalize_username(raw: str) -> str:
    return raw.strip().lower()


def normalize_email(raw: str) -> str:
    """Trim and lower-case the domain (the local part may be case-sensitive)."""
    raw = raw.strip()
    local, _, domain = raw.rpartition("@")
    return f"{local}@{domain.lower()}" if local else raw


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username):
        raise AccountError("A username is 3 to 30 characters: lower-case letters, digits, - and _.")
    return username


def check_email(email: str) -> str:
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise AccountError("That doesn't look like an email address.")
    return email


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(f"A password is {PASSWORD_MIN} to {PASSWORD_MAX} characters long.")
    return password


def find_user(dbsession: Session, login: str) -> User | None:
    """The user whose username, or else email, is ``login`` (case-insensitive)."""
    login = login.strip()
    if not login:
        return None
    user = dbsession.scalar(select(User).where(User.username == login.lower()))
    if user is None and "@" in login:
        user = dbsession.scalar(
            select(User).where(func.lower(User.email) == login.lower()).order_by(User.id)
        )
    return user


def hash_password(registry, raw: str) -> str:
    hashed = registry.hooks.handle("auth_gen_password_hash", raw, None)
    if hashed is None:
        raise AccountError("No authentication plugin is enabled (add basic_auth to [plugins]).")
    return hashed


def grant(dbsession: Session, user: User, names) -> None:
    """Give ``user`` the named privileges (seeded by dbupdate); unknown names are an error."""
    wanted = set(names) - user.privilege_names()
    if not wanted:
        return
    found = list(dbsession.scalars(select(Privilege).where(Privilege.privilege_name.in_(wanted))))
    missing = wanted - {privilege.privilege_name for privilege in found}
    if missing:
        raise AccountError(
            "unknown privilege(s): " + ", ".join(sorted(missing)) + " (run gmg dbupdate)"
        )
    user.privileges.extend(found)


def create_user(
    registry, dbsession: Session, *, username: str, email: str, password: str, privileges
) -> User:
    """Validate, refuse duplicates, hash the password and add the user with ``privileges``."""
    check_password(password)
    return create_user_with_hash(
        dbsession,
        username=username,
        email=email,
        pw_hash=lambda: hash_password(registry, password),
        privileges=privileges,
    )


def create_user_with_hash(
    dbsession: Session, *, username: str, email: str, pw_hash, privileges
) -> User:
    """Like create_user, for a password already hashed (``pw_hash`` may be a callable that
    hashes on demand, so a refused duplicate costs no hashing)."""
    username = check_username(normalize_username(username))
    email = check_email(normalize_email(email))
    if dbsession.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("Sorry, a user with that name already exists.")
    taken = select(User.id).where(func.lower(User.email) == email.lower())
    if dbsession.scalar(taken) is not None:
        raise AccountError("Sorry, a user with that email address already exists.")
    user = User(username=username, email=email, pw_hash=pw_hash() if callable(pw_hash) else pw_hash)
    dbsession.add(user)
    grant(dbsession, user, privileges)
    dbsession.flush()
    return user


def end_all_sessions(dbsession: Session, user: User) -> None:
    """Log ``user`` out everywhere (after a password change or reset)."""
    from goblin.db.models import LoginSession

    dbsession.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def delete_user(registry, dbsession: Session, user: User) -> None:
    """Delete ``user``, their media (tags' orphans too) and, once committed, their files."""
    from goblin.media_files import delete_media

    for entry in list(user.media_entries):
        delete_media(registry, dbsession, entry)
    # Those rows are gone: the user's delete must not cascade to them a second time.
    dbsession.expire(user, ["media_entries"])
    dbsession.delete(user)
    dbsession.flush()
