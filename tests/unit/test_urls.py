"""safe_next: only a path on this site is followed after a form, never another site."""

from __future__ import annotations

import pytest

from goblin.urls import safe_next


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/u/alice/",
        "/u/alice/m/a-photo/?page=2#comments",
        "/auth/login/?next=/submit/",
        "/tag/red%20fox/",
    ],
)
def test_on_site_paths_are_kept(value):
    assert safe_next(value) == value


def test_surrounding_whitespace_is_trimmed():
    assert safe_next("  /u/alice/\n") == "/u/alice/"


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example.org/",
        "///evil.example.org/",
        " //evil.example.org/",
        "\t//evil.example.org/",
        "http://evil.example.org/",
        "https://evil.example.org/u/alice/",
        "HTTP://evil.example.org/",
        "/\\evil.example.org/",
        "\\\\evil.example.org/",
        "/\\/evil.example.org/",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example.org",
        "u/alice/",
        "/\t/evil.example.org/",
        "/\n/evil.example.org/",
        "/\r\n/evil.example.org/",
        "/u/alice/\x00",
        "/u/alice/\x7f",
        "/u/\x1b[31m/",
        "",
        "   ",
    ],
)
def test_anything_that_could_leave_the_site_gives_the_default(value):
    assert safe_next(value) == "/"
    assert safe_next(value, default="/fallback/") == "/fallback/"


@pytest.mark.parametrize("value", [None, 42, ["/u/alice/"], b"/u/alice/"])
def test_non_text_gives_the_default(value):
    assert safe_next(value) == "/"
    assert safe_next(value, default="") == ""
