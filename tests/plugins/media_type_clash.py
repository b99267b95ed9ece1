"""Test plugin registering a media type under the image type's name: start-up must refuse."""

from goblin.media_types import MediaType
from goblin.media_types.image import MEDIA_TYPE_NAME


def includeme(config) -> None:
    config.add_media_type(
        MediaType(
            name=MEDIA_TYPE_NAME,
            human_name="Not an image",
            extensions=("png",),
            sniffer=lambda path: False,
            processors={},
            display_template="media_displays/image.html",
        )
    )
