"""goblin.text: Markdown rendered to safe HTML, slugs, and tag lists."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from goblin.text import TagError, parse_tags, render_markdown, slugify


def soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


# --- render_markdown ----------------------------------------------------------------------


def test_markdown_is_rendered():
    html = render_markdown("# Title\n\nSome *soft* and **strong** text.\n\n- one\n- two")

    tree = soup(html)
    assert tree.h1.get_text() == "Title"
    assert tree.em.get_text() == "soft"
    assert tree.strong.get_text() == "strong"
    assert [item.get_text() for item in tree.select("ul li")] == ["one", "two"]


def test_the_result_is_markup_and_empty_text_is_empty():
    assert isinstance(render_markdown("hi"), Markup)
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")


def test_single_newlines_become_line_breaks():
    assert soup(render_markdown("line one\nline two")).p.find("br") is not None


def test_fenced_code_is_escaped_inside_pre():
    html = render_markdown("```\n<script>alert(1)</script>\n```")

    assert "<script>" not in html
    assert soup(html).pre.code.get_text() == "<script>alert(1)</script>\n"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "hello <script>alert('x')</script> world",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert('x')>",
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert('x')>",
        "<style>body{display:none}</style>",
        "<div onclick=\"alert('x')\">click</div>",
        '<a href="#" onmouseover="alert(\'x\')">hover</a>',
        "<form action='https://evil.example'><input name=p></form>",
    ],
)
def test_dangerous_html_never_survives(text):
    html = str(render_markdown(text))
    tree = soup(html)

    assert not tree.find_all(["script", "img", "iframe", "svg", "style", "div", "form", "input"])
    for tag in tree.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">click</a>',
        "<javascript:alert(1)>",
    ],
)
def test_links_to_scripts_lose_their_target(text):
    html = str(render_markdown(text))

    for link in soup(html).find_all("a"):
        assert "href" not in link.attrs or link["href"].startswith(("http:", "https:", "mailto:"))
    assert "javascript:" not in html.lower()
    assert "vbscript:" not in html.lower()
    assert "data:text" not in html.lower()


def test_web_and_mail_links_are_kept_with_a_safe_rel():
    html = render_markdown(
        '[site](https://example.org/page "The site") and <mailto:me@example.org>'
    )

    web, mail = soup(html).find_all("a")
    assert web["href"] == "https://example.org/page"
    assert web["title"] == "The site"
    assert set(web["rel"]) == {"nofollow", "noopener", "noreferrer", "ugc"}
    assert mail["href"].startswith("mailto:")


def test_only_href_and_title_attributes_survive_on_links():
    html = render_markdown('<a href="https://example.org" style="color:red" target="_top">x</a>')

    link = soup(html).a
    assert set(link.attrs) == {"href", "rel"}


def test_harmless_inline_html_is_kept_and_text_is_escaped():
    html = str(render_markdown("5 < 6 & <b>bold</b>"))

    assert "5 &lt; 6 &amp;" in html
    assert soup(html).b.get_text() == "bold"


# --- slugify ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("  Sunset at the Lake!  ", "sunset-at-the-lake"),
        ("Héllo Wörld — Ça va?", "hello-world-ca-va"),
        ("already-a-slug", "already-a-slug"),
        ("a/../../b", "a-b"),
        ("MiXeD_case 123", "mixed-case-123"),
        ("---", ""),
        ("日本語", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_is_cut_at_max_length_without_a_trailing_dash():
    assert slugify("a" * 150) == "a" * 100
    assert slugify("abcd efgh", max_length=5) == "abcd"
    assert slugify("abcd efgh", max_length=7) == "abcd-ef"


# --- parse_tags ---------------------------------------------------------------------------


def test_tags_are_split_on_commas_and_tidied():
    assert parse_tags("  sunset ,Lake   Side,, beach  ", 255) == [
        ("sunset", "sunset"),
        ("Lake Side", "lake-side"),
        ("beach", "beach"),
    ]


def test_duplicate_tags_are_dropped_keeping_the_first_spelling():
    assert parse_tags("Cats, cats, CATS, dogs", 255) == [("Cats", "cats"), ("dogs", "dogs")]


def test_no_tags():
    assert parse_tags("", 255) == []
    assert parse_tags(None, 255) == []
    assert parse_tags(" , ,", 255) == []


def test_a_tag_without_ascii_letters_keeps_its_name_as_slug():
    assert parse_tags("日本", 255) == [("日本", "日本")]


def test_tags_longer_than_the_limit_are_refused_all_named():
    with pytest.raises(TagError) as caught:
        parse_tags("ok, abcdefghijk, short, zyxwvutsrqp", 10)

    assert str(caught.value) == (
        "Tags must be shorter than 11 characters. Tags too long: abcdefghijk, zyxwvutsrqp"
    )


def test_a_tag_of_exactly_the_limit_is_accepted():
    assert parse_tags("abcdefghij", 10) == [("abcdefghij", "abcdefghij")]
