"""``image__mediadata``: what processing learned about an image (size, EXIF, GPS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from goblin.db.models import Base, MediaEntry


class ImageData(Base):
    __tablename__ = "image__mediadata"

    media_entry: Mapped[int] = mapped_column(
        ForeignKey("core__media_entries.id", ondelete="CASCADE"), primary_key=True
    )
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    #: EXIF tags by name, JSON-safe values only (MakerNote and other blobs dropped).
    exif_all: Mapped[dict[str, Any] | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    altitude: Mapped[float | None] = mapped_column(Float)
    #: When the photo was taken, from EXIF DateTimeOriginal (camera's local time).
    original_date: Mapped[dt.datetime | None]

    entry: Mapped[MediaEntry] = relationship(
        backref=backref("image_data", uselist=False, passive_deletes=True)
    )
