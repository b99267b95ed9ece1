"""Route contexts and their ACLs: authorization is declared here, views only name permissions.

Principals (see goblin.security): ``user:<id>`` for the logged-in user and
``privilege:<name>`` for each privilege an *active* account holds.
"""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from goblin.db.models import MediaEntry, MediaTag, User

ADMIN = (Allow, "privilege:admin", ALL_PERMISSIONS)


class RootFactory:
    """The default context: anyone may view; uploaders may upload; admins may do anything."""

    __acl__ = [
        ADMIN,
        (Allow, "privilege:uploader", "upload"),
        (Allow, "privilege:moderator", "moderate"),
        # Even an account that is not verified yet may fix its email or password.
        (Allow, Authenticated, "edit_account"),
        (Allow, Everyone, "view"),
    ]

    def __init__(self, request) -> None:
        self.request = request


def _get_user(request) -> User:
    username = request.matchdict["user"].lower()
    user = request.dbsession.scalar(select(User).where(User.username == username))
    if user is None:
        raise HTTPNotFound()
    return user


class UserContext:
    """A member's pages (``/u/<user>/...``): the member and admins may see their panel."""

    def __init__(self, request) -> None:
        self.request = request
        self.user = _get_user(request)
        self.__acl__ = [
            ADMIN,
            (Allow, f"user:{self.user.id}", ("panel", "edit_profile")),
            (Allow, Everyone, "view"),
        ]


def parse_media_ref(ref: str, *, digits_are_ids: bool) -> tuple[str, str | int]:
    """``id:12`` -> ("id", 12); a bare number is an id on edit/delete URLs (upstream's form)."""
    if ref.startswith("id:") and ref[3:].isdigit():
        return "id", int(ref[3:])
    if digits_are_ids and ref.isdigit():
        return "id", int(ref)
    return "slug", ref


class MediaContext:
    """One entry (``/u/<user>/m/<slug or id:N>/...``). Only its owner and admins may change it.

    Public views see processed entries only; for anything else the entry does not exist.
    """

    digits_are_ids = False
    require_processed = True

    def __init__(self, request) -> None:
        self.request = request
        self.user = _get_user(request)
        kind, value = parse_media_ref(
            request.matchdict["media"], digits_are_ids=self.digits_are_ids
        )
        condition = MediaEntry.id == value if kind == "id" else MediaEntry.slug == value
        entry = request.dbsession.scalar(
            select(MediaEntry)
            .where(MediaEntry.actor == self.user.id, condition)
            .options(selectinload(MediaEntry.files), selectinload(MediaEntry.tags))
        )
        if entry is None or (self.require_processed and entry.state != "processed"):
            raise HTTPNotFound()
        self.entry = entry
        self.__acl__ = [
            ADMIN,
            (Allow, f"user:{self.user.id}", ("edit", "delete")),
            (Allow, Everyone, "view"),
        ]


class MediaByIdContext(MediaContext):
    """Edit and delete URLs, where MediaGoblin puts the numeric id; any state (a failed
    upload can be deleted from the panel)."""

    digits_are_ids = True
    require_processed = False


class TagContext:
    def __init__(self, request) -> None:
        self.request = request
        self.slug = request.matchdict["tag"]
        self.name = (
            request.dbsession.scalar(
                select(MediaTag.name)
                .join(MediaTag.tag_helper)
                .where(MediaTag.tag_helper.has(slug=self.slug))
                .limit(1)
            )
            or self.slug
        )
        self.__acl__ = [(Allow, Everyone, "view")]
