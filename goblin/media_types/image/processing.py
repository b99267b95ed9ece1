"""Image processing: sniffing, and the ``initial`` and ``resize`` processors.

Speed: a JPEG is decoded once, at the smallest scale that still covers the medium size
(Pillow's draft mode decodes at 1/2, 1/4 or 1/8 scale inside libjpeg), and every
derivative is made from that one decode, the thumbnail from the medium. "Covers" is per
axis, after the EXIF orientation: a 6000 x 4000 photo needs 640 x 427 for a 640 x 640
medium, which 1/8 scale (750 x 500) covers. Safety: the pixel count is checked from the
header before any decode, so a decompression bomb never reaches memory; truncated or
corrupt files end as a failure with a reason.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

from PIL import ExifTags, Image, UnidentifiedImageError

from goblin.processing import BadMediaFail, ProcessingContext

#: Pillow format -> extension the original is stored with.
FORMAT_EXTENSIONS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "GIF": "gif",
    "TIFF": "tiff",
    "WEBP": "webp",
    "HEIF": "heic",
    "AVIF": "avif",
}
#: Formats every browser shows: an original in another format always gets a medium.
BROWSER_FORMATS = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "AVIF"}
FILTERS = {
    "NEAREST": Image.Resampling.NEAREST,
    "BILINEAR": Image.Resampling.BILINEAR,
    "BICUBIC": Image.Resampling.BICUBIC,
    "LANCZOS": Image.Resampling.LANCZOS,
}
DAMAGED = "The image file is damaged or incomplete and could not be read."


@dataclass(frozen=True)
class ImageSettings:
    medium: tuple[int, int]
    thumb: tuple[int, int]
    resample: Image.Resampling
    quality: int
    max_pixels: int


def sniff(path: str) -> bool:
    """True when Pillow recognises the file as one of the supported raster formats."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.format in FORMAT_EXTENSIONS
    except Image.DecompressionBombError:
        return True  # an image, and processing will refuse it with a clear reason
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def settings_for(ctx: ProcessingContext) -> ImageSettings:
    from goblin.plugins import get_plugin_config

    goblin_config = ctx.registry.goblin_config
    options = get_plugin_config(ctx.registry, "goblin.media_types.image")
    medium = goblin_config["media:medium"]
    thumb = goblin_config["media:thumb"]
    size = ctx.options.get("size")
    thumb_size = ctx.options.get("thumb_size")
    return ImageSettings(
        medium=tuple(size) if size else (medium["max_width"], medium["max_height"]),
        thumb=tuple(thumb_size) if thumb_size else (thumb["max_width"], thumb["max_height"]),
        resample=FILTERS[(ctx.options.get("filter") or options["resize_filter"]).upper()],
        quality=int(ctx.options.get("quality") or options["quality"]),
        max_pixels=int(options["max_pixels"]),
    )


def megapixels(pixels: int) -> str:
    """Pixels as megapixels for people: 80 000 000 -> '80', 1 200 000 -> '1.2', 5 000 -> '0.005'."""
    return f"{pixels / 1e6:.3g}"


def _too_large(width: int, height: int, limit: int) -> BadMediaFail:
    return BadMediaFail(
        f"The image is {width} x {height} pixels ({megapixels(width * height)} megapixels); "
        f"this site accepts images of at most {megapixels(limit)} megapixels.",
        width=width,
        height=height,
    )


def _web_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    return image if image.mode == "RGB" else image.convert("RGB")


#: The transposition that makes a picture upright, by EXIF orientation (as exif_transpose).
TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: Transpositions that turn a picture a quarter turn: width and height swap.
TURNS = {
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
}


class Decoded(NamedTuple):
    """One decode of an image file, ready to make derivatives from."""

    #: RGB or RGBA, in the file's orientation; smaller than the original after a
    #: reduced-scale JPEG decode.
    image: Image.Image
    format: str
    #: The file's own width and height.
    size: tuple[int, int]
    exif: dict[str, Any]
    gps: dict[str, float] | None
    icc: bytes | None
    #: What makes ``image`` upright (EXIF orientation), or None.
    transposition: Image.Transpose | None
    #: The part of ``image`` showing the whole original: a reduced-scale decode rounds the
    #: edges up to whole pixels, so the last row and column may be partly outside it.
    region: tuple[float, float, float, float]

    @property
    def upright_size(self) -> tuple[int, int]:
        """The original's width and height once upright."""
        return self.size[::-1] if self.transposition in TURNS else self.size

    def upright(self) -> Image.Image:
        if self.transposition is None:
            return self.image
        return self.image.transpose(self.transposition)


def fitted_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size ``Image.thumbnail(box)`` gives an image of ``size``: aspect kept, never larger."""
    width, height = size
    x, y = box
    if x >= width and y >= height:
        return size
    aspect = width / height

    def round_aspect(number: float, key) -> int:
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    if x / y >= aspect:
        x = round_aspect(y * aspect, key=lambda n: abs(aspect - n / y))
    else:
        y = round_aspect(x / aspect, key=lambda n: 0 if n == 0 else abs(aspect - x / n))
    return x, y


def draft_size(size: tuple[int, int], box: tuple[int, int], turned: bool) -> tuple[int, int]:
    """The least decoded size, in the file's axes, that covers a fit of the upright picture
    into ``box``: the size to ask Pillow's draft mode for.

    Only one axis of an aspect-preserving fit fills the box; asking for the whole box on
    both axes would decode a landscape photo at up to twice the scale it needs.
    """
    width, height = size
    box_width, box_height = (box[1], box[0]) if turned else box
    if width <= box_width and height <= box_height:
        return size
    if width * box_height >= height * box_width:  # the width fills the box
        return box_width, -(-height * box_width // width)
    return -(-width * box_height // height), box_height


def derivative(decoded: Decoded, box: tuple[int, int], resample) -> Image.Image:
    """The upright picture as ``thumbnail(box)`` would make it from the full-size original.

    The size comes from the original's dimensions, and the resize reads exactly the region
    showing the original, so a reduced-scale decode gives the size and geometry of a full
    one. The resize works in the file's orientation and only the small result is turned,
    which is cheaper than turning the decode (and Pillow resized the turned buffer of a
    landscape photo a third slower: see bench/README.md).
    """
    image = decoded.image
    width, height = fitted_size(decoded.upright_size, box)
    target = (height, width) if decoded.transposition in TURNS else (width, height)
    if image.size != target or decoded.region != (0, 0, *image.size):
        image = image.resize(target, resample, box=decoded.region, reducing_gap=3.0)
    if decoded.transposition is not None:
        image = image.transpose(decoded.transposition)
    return image


def _save(image: Image.Image, ctx: ProcessingContext, stem: str, quality: int, icc) -> tuple:
    """Save without any EXIF or text metadata; JPEG unless there is transparency."""
    if image.mode == "RGBA":
        filename = f"{stem}.png"
        image.save(ctx.workbench_path(filename), "PNG", icc_profile=icc)
    else:
        filename = f"{stem}.jpg"
        image.save(ctx.workbench_path(filename), "JPEG", quality=quality, icc_profile=icc)
    return filename, image.size


def decode(path: str, settings: ImageSettings, *, draft_box: tuple[int, int]) -> Decoded:
    """Open, check and decode; read EXIF, GPS and the orientation.

    A JPEG is decoded at the least scale that covers a fit of the upright picture into
    ``draft_box``; ``derivative()`` makes the upright derivatives.
    """
    from goblin.media_types.image.exif import read_exif, read_gps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            source = Image.open(path)
    except Image.DecompressionBombError:
        raise BadMediaFail(
            "The image is larger than this site accepts "
            f"({megapixels(settings.max_pixels)} megapixels at most)."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise BadMediaFail(DAMAGED) from None
    with source:
        width, height = source.size
        if width * height > settings.max_pixels:
            raise _too_large(width, height, settings.max_pixels)
        image_format = source.format
        try:
            tags = read_exif(source)
            gps = read_gps(source)
        except Exception:  # EXIF is a bonus: a broken block never fails the upload
            tags, gps = {}, None
        try:
            # The orientation exif_transpose would apply (getexif reads the block once).
            orientation = source.getexif().get(ExifTags.Base.Orientation, 1)
            method = TRANSPOSITIONS.get(orientation)
            drafted = None
            if image_format in ("JPEG", "MPO"):
                drafted = source.draft(
                    "RGB" if source.mode != "CMYK" else "CMYK",
                    draft_size((width, height), draft_box, method in TURNS),
                )
            source.seek(0)
            source.load()
            region = drafted[1] if drafted else (0, 0, *source.size)
        except Image.DecompressionBombError:
            raise _too_large(width, height, settings.max_pixels) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise BadMediaFail(DAMAGED) from None
        # A CMYK or greyscale profile would be wrong on the RGB derivatives.
        icc = source.info.get("icc_profile") if source.mode in ("RGB", "RGBA") else None
    # Leaving ``with`` closed the file but kept the loaded pixels: no copy is needed.
    return Decoded(
        image=_web_mode(source),
        format=image_format,
        size=(width, height),
        exif=tags,
        gps=gps,
        icc=icc,
        transposition=method,
        region=region,
    )


def process_initial(ctx: ProcessingContext) -> None:
    """Keep the original; make medium (when useful) and thumb; read EXIF and GPS."""
    from goblin.media_types.image.exif import read_original_date

    settings = settings_for(ctx)
    source_path = ctx.fetch_original()
    decoded = decode(source_path, settings, draft_box=settings.medium)
    size, tags = decoded.size, decoded.exif
    rotated = tags.get("Orientation", 1) not in (1, None)
    needs_medium = (
        size[0] > settings.medium[0]
        or size[1] > settings.medium[1]
        or rotated
        or decoded.format not in BROWSER_FORMATS
    )
    # Nothing needs the decode, or the medium, once the next size is made from it: the
    # thumbnail is made in place rather than from a copy.
    if needs_medium:
        medium = derivative(decoded, settings.medium, settings.resample)
        filename, (width, height) = _save(medium, ctx, "medium", settings.quality, decoded.icc)
        ctx.add_output("medium", ctx.workbench_path(filename), filename, width=width, height=height)
        thumb = medium
    else:
        thumb = decoded.upright()
    thumb.thumbnail(settings.thumb, settings.resample, reducing_gap=3.0)
    filename, (width, height) = _save(thumb, ctx, "thumb", settings.quality, decoded.icc)
    ctx.add_output("thumb", ctx.workbench_path(filename), filename, width=width, height=height)

    extension = FORMAT_EXTENSIONS[decoded.format]
    ctx.add_output("original", source_path, f"original.{extension}", width=size[0], height=size[1])
    ctx.data = {
        "width": size[0],
        "height": size[1],
        "exif": tags,
        "gps": decoded.gps,
        "original_date": read_original_date(tags),
    }


def process_resize(ctx: ProcessingContext) -> None:
    """Remake ``medium`` or ``thumb`` (ctx.options["file"]) from the published original."""
    settings = settings_for(ctx)
    which = ctx.options.get("file", "thumb")
    if which not in ("medium", "thumb"):
        raise BadMediaFail(f"resize makes medium or thumb, not {which!r}")
    box = settings.medium if which == "medium" else settings.thumb
    source_path = ctx.fetch_original()
    decoded = decode(source_path, settings, draft_box=box)
    image = derivative(decoded, box, settings.resample)
    filename, (width, height) = _save(image, ctx, which, settings.quality, decoded.icc)
    ctx.add_output(which, ctx.workbench_path(filename), filename, width=width, height=height)


def save_data(dbsession, entry, data: dict) -> None:
    """Store the image's dimensions, EXIF and GPS in image__mediadata."""
    from goblin.media_types.image.models import ImageData

    if not data:
        return
    row = dbsession.get(ImageData, entry.id) or ImageData(media_entry=entry.id)
    gps = data.get("gps") or {}
    row.width = data.get("width")
    row.height = data.get("height")
    row.exif_all = data.get("exif") or None
    row.latitude = gps.get("latitude")
    row.longitude = gps.get("longitude")
    row.altitude = gps.get("altitude")
    row.original_date = data.get("original_date")
    dbsession.add(row)
