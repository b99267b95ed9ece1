"""Text people write: Markdown rendered to sanitized HTML, slugs, and tag lists."""

from __future__ import annotations

import re
import unicodedata

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "acronym", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "acronym": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML with only safe tags and links.

    Raw HTML in the input keeps only the allowed tags: others are dropped (``script`` and
    ``style`` with their content), as are every attribute but a link's ``href``/``title``
    and every link scheme but http, https and mailto.
    """
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["fenced_code", "nl2br", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has just sanitized it


_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str | None, max_length: int = 100) -> str:
    """Lower-case ASCII words joined by '-' ('' when nothing usable is left)."""
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-")


class TagError(ValueError):
    """A tag list broke a rule; the message is for the uploader."""


def parse_tags(text: str | None, max_length: int) -> list[tuple[str, str]]:
    """Comma-separated tags -> [(display name, slug)], whitespace tidied, duplicates dropped."""
    tags: list[tuple[str, str]] = []
    seen: set[str] = set()
    too_long = []
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > max_length:
            too_long.append(name)
            continue
        slug = slugify(name) or name.lower()
        if slug not in seen:
            seen.add(slug)
            tags.append((name, slug))
    if too_long:
        raise TagError(
            f"Tags must be shorter than {max_length + 1} characters. "
            f"Tags too long: {', '.join(too_long)}"
        )
    return tags
