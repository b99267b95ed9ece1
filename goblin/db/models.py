"""Core tables: users and their privileges and login sessions, media entries and their files.

Table names keep MediaGoblin's ``core__`` prefix; later features add their own modules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from goblin.db.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


#: The privileges `gmg dbupdate` seeds, as MediaGoblin names them.
PRIVILEGE_NAMES = ("admin", "moderator", "uploader", "commenter", "reporter", "active")

privileges_users = Table(
    "core__privileges_users",
    Base.metadata,
    Column("user_id", ForeignKey("core__users.id", ondelete="CASCADE"), primary_key=True),
    Column("privilege_id", ForeignKey("core__privileges.id", ondelete="CASCADE"), primary_key=True),
)


class Privilege(Base):
    __tablename__ = "core__privileges"

    id: Mapped[int] = mapped_column(primary_key=True)
    privilege_name: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"<Privilege {self.privilege_name}>"


class User(Base):
    __tablename__ = "core__users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    pw_hash: Mapped[str | None] = mapped_column(String(255))
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    url: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(255))
    wants_comment_notification: Mapped[bool] = mapped_column(Boolean, default=True)
    wants_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    license_preference: Mapped[str | None] = mapped_column(String(255))
    #: Bytes of media this user has stored (the quota counter).
    uploaded: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Per-user quota in MB, overriding the site's upload_limit when set.
    upload_limit: Mapped[int | None] = mapped_column(Integer)

    privileges: Mapped[list[Privilege]] = relationship(
        secondary=privileges_users, lazy="selectin", order_by=Privilege.privilege_name
    )
    media_entries: Mapped[list[MediaEntry]] = relationship(
        back_populates="uploader", cascade="all, delete-orphan", passive_deletes=True
    )

    def privilege_names(self) -> set[str]:
        return {privilege.privilege_name for privilege in self.privileges}

    def has_privilege(self, name: str, *, allow_admin: bool = True) -> bool:
        """True if the user holds ``name``; admins hold every privilege unless told not to."""
        names = self.privilege_names()
        return name in names or (allow_admin and "admin" in names)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginSession(Base):
    """A login: the session cookie carries a token whose hash is stored here.

    Logging out deletes the row, so a saved copy of the old cookie no longer logs anyone in.
    """

    __tablename__ = "core__login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("core__users.id", ondelete="CASCADE"), index=True
    )
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="joined")


MEDIA_STATES = ("unprocessed", "processing", "processed", "failed")


class Tag(Base):
    """A tag, identified by its slug; orphans are removed with the last media using them."""

    __tablename__ = "core__tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(255), unique=True)


class MediaTag(Base):
    """A tag on one entry, with the name as its uploader wrote it."""

    __tablename__ = "core__media_tags"
    __table_args__ = (UniqueConstraint("tag", "media_entry", name="uq_core__media_tags_tag_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_entry: Mapped[int] = mapped_column(
        ForeignKey("core__media_entries.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[int] = mapped_column(ForeignKey("core__tags.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))

    tag_helper: Mapped[Tag] = relationship(lazy="joined")

    @property
    def slug(self) -> str:
        return self.tag_helper.slug


class MediaEntry(Base):
    __tablename__ = "core__media_entries"
    __table_args__ = (
        UniqueConstraint("actor", "slug", name="uq_core__media_entries_actor_slug"),
        Index("ix_core__media_entries_state_created", "state", "created"),
        Index("ix_core__media_entries_actor_state_created", "actor", "state", "created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    actor: Mapped[int] = mapped_column(ForeignKey("core__users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255), default="")
    slug: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    media_type: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default="unprocessed")
    license: Mapped[str | None] = mapped_column(String(255))
    #: Bytes counted against the uploader's quota.
    file_size: Mapped[int] = mapped_column(BigInteger, default=0)
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    fail_error: Mapped[str | None] = mapped_column(String(255))
    fail_metadata: Mapped[dict[str, Any] | None]
    queued_media_file: Mapped[str | None] = mapped_column(String(1024))
    queued_task_id: Mapped[str | None] = mapped_column(String(64))
    #: When the broker accepted the processing task; None while it still has to be sent.
    task_sent_at: Mapped[dt.datetime | None]
    media_metadata: Mapped[dict[str, Any] | None]

    uploader: Mapped[User] = relationship(back_populates="media_entries")
    files: Mapped[list[MediaFile]] = relationship(
        back_populates="media", cascade="all, delete-orphan", passive_deletes=True
    )
    tags: Mapped[list[MediaTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MediaTag.id"
    )

    @property
    def media_files(self) -> dict[str, MediaFile]:
        """Files by name (``original``, ``medium``, ``thumb``...), as upstream exposes them."""
        return {media_file.name: media_file for media_file in self.files}

    def __repr__(self) -> str:
        return f"<MediaEntry {self.id} {self.state}>"


class MediaFile(Base):
    __tablename__ = "core__mediafiles"
    __table_args__ = (
        UniqueConstraint("media_entry", "name", name="uq_core__mediafiles_entry_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    media_entry: Mapped[int] = mapped_column(
        ForeignKey("core__media_entries.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(64))
    #: Path inside the public store, as a list of components.
    file_path: Mapped[list[str]] = mapped_column(JSON)
    file_metadata: Mapped[dict[str, Any] | None]

    # The relationship attribute is named differently from the FK column (upstream's name).
    media: Mapped[MediaEntry] = relationship(back_populates="files")


class RegistrationRequest(Base):
    """An application for an account on a site in ``approval`` registration mode."""

    __tablename__ = "core__registration_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30), index=True)
    email: Mapped[str] = mapped_column(String(254))
    pw_hash: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: pending, approved or refused.
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("core__users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[dt.datetime | None]


class Invitation(Base):
    """A single-use link that lets one person register on an ``invitation`` site."""

    __tablename__ = "core__invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("core__users.id", ondelete="SET NULL")
    )
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(String(255), default="")
    used_by: Mapped[int | None] = mapped_column(ForeignKey("core__users.id", ondelete="SET NULL"))
    used_at: Mapped[dt.datetime | None]


class RateLimitCounter(Base):
    """One fixed-window counter of the database rate-limit backend."""

    __tablename__ = "core__rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_end: Mapped[dt.datetime] = mapped_column(index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
