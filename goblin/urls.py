"""Helpers for URLs people hand us."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

# Characters a path-and-query may already hold; anything else (spaces, non-ASCII) is
# percent-encoded, because a Location header must be plain ASCII.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


def safe_next(value: object, default: str = "/") -> str:
    """``value``, percent-encoded, if it is a path on this site; else ``default``.

    Nothing else is allowed, so a ``next`` parameter can never become an open redirect.
    """
    if not isinstance(value, str):
        return default
    value = value.strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return quote(value, safe=_URL_SAFE)
