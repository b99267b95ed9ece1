"""The image media type: JPEG, PNG, GIF, TIFF, WebP, AVIF, and HEIC when pillow-heif is installed.

Enable with ``[[goblin.media_types.image]]`` (or upstream's
``[[mediagoblin.media_types.image]]``) under ``[plugins]``.
"""

from __future__ import annotations

from goblin.config.spec import Key
from goblin.config.types import Choice, Integer
from goblin.media_types import MediaType
from goblin.media_types.image import processing

MEDIA_TYPE_NAME = "mediagoblin.media_types.image"
EXTENSIONS = ("jpg", "jpeg", "jpe", "png", "gif", "tif", "tiff", "webp", "avif", "heic", "heif")

config_spec = {
    "resize_filter": Key(
        Choice("bicubic", "bilinear", "lanczos", "nearest"), "bicubic", "Resampling filter."
    ),
    "quality": Key(Integer(1, 100), 90, "JPEG quality of medium and thumb."),
    "max_pixels": Key(
        Integer(1), 80_000_000, "Largest image accepted, in pixels (width x height)."
    ),
}


def _register_heif() -> bool:
    """Teach Pillow HEIC/HEIF when pillow-heif is installed (an optional extra)."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def includeme(config) -> None:
    from goblin.media_types.image import models  # noqa: F401 - maps image__mediadata

    _register_heif()
    config.add_media_type(
        MediaType(
            name=MEDIA_TYPE_NAME,
            human_name="Image",
            extensions=EXTENSIONS,
            sniffer=processing.sniff,
            processors={"initial": processing.process_initial, "resize": processing.process_resize},
            display_template="media_displays/image.html",
            media_fetch_order=("medium", "original", "thumb"),
            save_data=processing.save_data,
        )
    )
    config.add_jinja2_search_path("goblin.media_types.image:templates", name=".html")
