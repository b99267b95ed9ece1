"""Fixtures for the media tests: a site with the image media type enabled.

The image type is not enabled in the base test ini; ``image_site`` turns it on, and
``make_image_site`` takes plugin options (``max_pixels``...) and other ini overrides.
"""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.functional.media_helpers import IMAGE_PLUGIN, PASSWORD, image_plugins


@pytest.fixture
def make_image_site(make_site):
    """Make a site with the image media type; ``image_options`` are its plugin options."""

    def factory(sections=None, image_options=None, plugins=None):
        return make_site(
            sections=sections, plugins={**image_plugins(**(image_options or {})), **(plugins or {})}
        )

    return factory


@pytest.fixture
def image_site(make_site):
    return make_site(plugins=IMAGE_PLUGIN)


@pytest.fixture
def image_app(image_site):
    return image_site.testapp()


@pytest.fixture
def uploader(image_site, image_app):
    """alice, an active uploader, logged in on ``image_app`` (returned)."""
    image_site.add_user("alice", PASSWORD)
    login(image_app, "alice", PASSWORD)
    return image_app
