"""Value types for mediagoblin.ini: each parses raw text or says what it expected.

A type is a small object with ``parse(raw, ctx)`` and ``expected`` (the words used in the
one-line error). ``ctx`` carries the ini's folder so paths and SQLite URLs are resolved
against the file that named them, never against the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


class BadValue(ValueError):
    """Raised by a type's parse(); the message is what was expected."""


@dataclass(frozen=True)
class ParseContext:
    here: str


class Type:
    expected = "a value"

    def parse(self, raw: Any, ctx: ParseContext) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def _text(self, raw: Any) -> str:
        if isinstance(raw, list):
            return ", ".join(raw)
        return str(raw).strip()


class String(Type):
    expected = "some text"

    def __init__(self, allow_empty: bool = True) -> None:
        self.allow_empty = allow_empty
        if not allow_empty:
            self.expected = "some text (not empty)"

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        text = self._text(raw)
        if not text and not self.allow_empty:
            raise BadValue(self.expected)
        return text


class Boolean(Type):
    expected = "true or false"
    TRUE = {"true", "yes", "on", "1"}
    FALSE = {"false", "no", "off", "0"}

    def parse(self, raw: Any, ctx: ParseContext) -> bool:
        text = self._text(raw).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise BadValue(self.expected)


class Integer(Type):
    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.expected = "a whole number"
        if minimum is not None and maximum is not None:
            self.expected += f" from {minimum} to {maximum}"
        elif minimum is not None:
            self.expected += f" of at least {minimum}"

    def parse(self, raw: Any, ctx: ParseContext) -> int:
        try:
            value = int(self._text(raw))
        except ValueError:
            raise BadValue(self.expected) from None
        if self.minimum is not None and value < self.minimum:
            raise BadValue(self.expected)
        if self.maximum is not None and value > self.maximum:
            raise BadValue(self.expected)
        return value


class Number(Type):
    def __init__(self, minimum: float | None = None) -> None:
        self.minimum = minimum
        self.expected = "a number" + (f" of at least {minimum:g}" if minimum is not None else "")

    def parse(self, raw: Any, ctx: ParseContext) -> float:
        try:
            value = float(self._text(raw))
        except ValueError:
            raise BadValue(self.expected) from None
        if self.minimum is not None and value < self.minimum:
            raise BadValue(self.expected)
        return value


class Optional(Type):
    """Empty text or ``none`` means None; anything else goes to the inner type."""

    def __init__(self, inner: Type) -> None:
        self.inner = inner
        self.expected = f"{inner.expected}, or none"

    def parse(self, raw: Any, ctx: ParseContext) -> Any:
        text = self._text(raw)
        if text == "" or text.lower() == "none":
            return None
        try:
            return self.inner.parse(raw, ctx)
        except BadValue:
            raise BadValue(self.expected) from None


class Choice(Type):
    def __init__(self, *choices: str) -> None:
        self.choices = choices
        self.expected = "one of " + ", ".join(choices)

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        text = self._text(raw).lower()
        if text not in self.choices:
            raise BadValue(self.expected)
        return text


class StringList(Type):
    expected = "a comma-separated list"

    def parse(self, raw: Any, ctx: ParseContext) -> list[str]:
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [item.strip() for item in items if item.strip()]


class Path(Type):
    """A filesystem path; a relative one is taken from the ini's own folder."""

    expected = "a path"

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        text = self._text(raw)
        if not text:
            raise BadValue(self.expected)
        return os.path.normpath(os.path.join(ctx.here, os.path.expanduser(text)))


class DatabaseURL(Type):
    """An SQLAlchemy URL; a relative SQLite file is taken from the ini's own folder."""

    expected = "a database URL such as sqlite:///mediagoblin.db or postgresql:///mediagoblin"

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        text = self._text(raw)
        try:
            url = make_url(text)
        except ArgumentError:
            raise BadValue(self.expected) from None
        if url.get_backend_name() == "sqlite":
            database = url.database or ""
            if database and database != ":memory:" and not os.path.isabs(database):
                url = url.set(database=os.path.normpath(os.path.join(ctx.here, database)))
            return url.render_as_string(hide_password=False)
        if url.get_backend_name() not in {"postgresql", "mysql", "mariadb"}:
            raise BadValue(self.expected)
        return text


class Rate(Type):
    """``N/period`` such as ``15/5m`` (s, m, h, d) -> (N, seconds); ``off`` -> None."""

    expected = "a rate such as 15/5m (count per s, m, h or d), or off"
    UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

    def parse(self, raw: Any, ctx: ParseContext) -> tuple[int, int] | None:
        text = self._text(raw).lower().replace(" ", "")
        if text in ("off", "none", "0"):
            return None
        count, _, period = text.partition("/")
        try:
            number = int(count)
            unit = period[-1:] if period[-1:] in self.UNITS else "s"
            amount = int(period[:-1] if period[-1:] in self.UNITS else period or "x")
        except ValueError:
            raise BadValue(self.expected) from None
        if number < 1 or amount < 1:
            raise BadValue(self.expected)
        return number, amount * self.UNITS[unit]


class Email(Type):
    expected = "an email address"

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        text = self._text(raw)
        if "@" not in text or text.startswith("@") or text.endswith("@"):
            raise BadValue(self.expected)
        return text


class UrlPath(Type):
    """A URL path prefix (``/mgoblin_media/``) or an absolute http(s) URL; always ends in /."""

    expected = "a URL path starting with / or an http(s) URL"

    def parse(self, raw: Any, ctx: ParseContext) -> str:
        text = self._text(raw)
        if not (text.startswith("/") or text.startswith(("http://", "https://"))):
            raise BadValue(self.expected)
        return text if text.endswith("/") else text + "/"
