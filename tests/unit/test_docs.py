"""docs/configuration.md documents every key goblin accepts, so the docs cannot fall behind.

Each section of ``goblin.config.spec.SECTIONS`` must have a heading naming it (``[name]``)
under which every one of its keys has a table row; each bundled plugin or media type with
a ``config_spec`` must have a ``[[dotted.name]]`` heading with a row for every option.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

from goblin.config.spec import SECTIONS

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIGURATION = DOCS / "configuration.md"
PLUGIN_PACKAGES = ("goblin.plugins", "goblin.media_types")


def headed_chunks(text: str) -> list[tuple[str, str]]:
    """Split markdown into (heading line, body up to the next heading) pairs.

    A ``#`` line inside a fenced code block is a comment, not a heading.
    """
    chunks: list[tuple[str, str]] = []
    heading, body = "", []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and re.match(r"#{1,6} ", line):
            chunks.append((heading, "\n".join(body)))
            heading, body = line, []
        else:
            body.append(line)
    chunks.append((heading, "\n".join(body)))
    return chunks


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to -."""
    title = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", title).replace(" ", "-")


def documented_keys(text: str, heading_marker: str) -> set[str]:
    """Keys with a table row (``| `key` |``) under any heading containing ``heading_marker``."""
    keys: set[str] = set()
    for heading, body in headed_chunks(text):
        if heading_marker in heading:
            keys.update(re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE))
    return keys


def bundled_plugin_specs() -> dict[str, dict]:
    """Dotted name -> config_spec of every bundled plugin and media type that has options."""
    specs = {}
    for package_name in PLUGIN_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                continue
            name = f"{package_name}.{info.name}"
            spec = getattr(importlib.import_module(name), "config_spec", None)
            if spec:
                specs[name] = spec
    return specs


@pytest.fixture(scope="module")
def configuration_md() -> str:
    return CONFIGURATION.read_text(encoding="utf-8")


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_key_of_every_section_is_documented(configuration_md, section):
    documented = documented_keys(configuration_md, f"[{section}]")
    missing = sorted(set(SECTIONS[section]) - documented)
    assert not missing, f"docs/configuration.md lacks [{section}] keys: {', '.join(missing)}"


def test_basic_auth_options_are_documented(configuration_md):
    from goblin.plugins.basic_auth import config_spec

    documented = documented_keys(configuration_md, "[[goblin.plugins.basic_auth]]")
    missing = sorted(set(config_spec) - documented)
    assert not missing, f"docs/configuration.md lacks basic_auth options: {', '.join(missing)}"


def test_every_bundled_plugin_option_is_documented():
    """Under a ``[[dotted.name]]`` heading in configuration.md or another page of docs/."""
    pages = "\n".join(page.read_text("utf-8") for page in sorted(DOCS.rglob("*.md")))
    missing = []
    for name, spec in bundled_plugin_specs().items():
        documented = documented_keys(pages, f"[[{name}]]")
        missing.extend(f"[[{name}]] {key}" for key in sorted(set(spec) - documented))
    assert not missing, "docs/ lacks plugin options: " + ", ".join(missing)


def test_data_basedir_and_celery_override_are_documented(configuration_md):
    assert "data_basedir" in documented_keys(configuration_md, "[DEFAULT]")
    assert "CELERY_ALWAYS_EAGER environment variable" in configuration_md


def test_links_between_docs_point_at_pages_and_headings_that_exist():
    pages = [*sorted(DOCS.rglob("*.md")), DOCS.parent / "README.md"]
    for page in pages:
        text = page.read_text("utf-8")
        for target, fragment in re.findall(r"\]\(([^)#:\s]*\.md)?(?:#([^)\s]+))?\)", text):
            linked = (page.parent / target).resolve() if target else page
            assert linked.is_file(), f"{page.name} links to missing {target}"
            if fragment:
                headings = headed_chunks(linked.read_text("utf-8"))
                anchors = {anchor(heading) for heading, _ in headings if heading}
                assert fragment in anchors, f"{page.name} links to missing {target}#{fragment}"
