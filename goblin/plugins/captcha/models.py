"""``captcha__challenges``: the challenges handed out, kept server-side until used or expired.

A row never holds the answer: only an HMAC of it under the site secret. The visitor it was
issued to is known by the SHA-256 of a random value in their session (``captcha_sid``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from goblin.db.models import Base
from goblin.db.types import utcnow

#: The kinds of challenge: a distorted picture, a text question, a proof of work.
KINDS = ("image", "text", "pow")


class Challenge(Base):
    __tablename__ = "captcha__challenges"

    #: A random URL-safe token; also the proof-of-work nonce and the image's URL part.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the ``captcha_sid`` in the session of the visitor it was issued to.
    session_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC-SHA256 (hex) under the site secret of the id and the normalised answer.
    answer_hash: Mapped[str | None] = mapped_column(String(64))
    #: Leading zero bits a proof of work must reach (pow challenges only).
    difficulty: Mapped[int | None] = mapped_column(Integer)
    #: The rendered PNG (image challenges only), dropped once the challenge is used.
    image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires: Mapped[dt.datetime] = mapped_column(index=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Challenge {self.kind} {self.id[:8]}…>"
