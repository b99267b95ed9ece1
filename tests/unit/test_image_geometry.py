"""The image pipeline's geometry: draft sizes, fitted sizes, reduced decodes and orientation.

A reduced-scale JPEG decode must give derivatives of the same size, orientation and
geometry as a full decode followed by Pillow's thumbnail().
"""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageOps, ImageStat

from goblin.media_types.image import processing
from goblin.media_types.image.processing import (
    TRANSPOSITIONS,
    ImageSettings,
    decode,
    derivative,
    draft_size,
    fitted_size,
)

SIZES = [(4240, 2832), (2832, 4240), (6001, 4003), (1224, 816), (641, 640), (640, 641), (10, 999)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("box", [(640, 640), (180, 180), (800, 300), (1, 1)])
def test_fitted_size_is_what_thumbnail_makes(size, box):
    image = Image.new("L", size)
    image.thumbnail(box)
    assert fitted_size(size, box) == image.size


@pytest.mark.parametrize(
    ("size", "box", "turned", "expected"),
    [
        ((6000, 4000), (640, 640), False, (640, 427)),  # 1/8 covers it: 750 x 500
        ((6000, 4000), (640, 640), True, (640, 427)),  # upright 4000 x 6000 -> 427 x 640
        ((4000, 6000), (800, 300), False, (200, 300)),
        ((4000, 6000), (800, 300), True, (300, 450)),  # upright 6000 x 4000 -> 450 x 300
        ((500, 400), (640, 640), False, (500, 400)),  # fits already: full size
    ],
)
def test_draft_size_covers_the_fit_on_each_axis(size, box, turned, expected):
    assert draft_size(size, box, turned) == expected


def _photo_jpeg(size: tuple[int, int], orientation: int) -> bytes:
    """A JPEG whose content shows any flip, turn or shift, with an orientation tag."""
    width, height = size
    image = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").rotate(90).resize(size),
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
        ),
    )
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 97):
        draw.line((x, 0, x + height // 3, height), fill=(255, 255, 255), width=9)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("size", [(1283, 859), (1280, 856)])  # odd edges, and exact 1/8
def test_a_reduced_decode_gives_the_full_decodes_derivative(tmp_path, size, orientation):
    path = tmp_path / "photo.jpg"
    path.write_bytes(_photo_jpeg(size, orientation))
    box = (100, 100)
    settings = ImageSettings(
        medium=box,
        thumb=(50, 50),
        resample=Image.Resampling.BICUBIC,
        quality=90,
        max_pixels=10**8,
    )
    with Image.open(path) as full:
        reference = ImageOps.exif_transpose(full)
    reference.thumbnail(box, Image.Resampling.BICUBIC, reducing_gap=None)

    decoded = decode(str(path), settings, draft_box=box)
    made = derivative(decoded, box, settings.resample)

    assert decoded.image.width * 8 <= size[0] + 7  # decoded at 1/8 scale
    assert decoded.transposition == TRANSPOSITIONS.get(orientation)
    turned = decoded.transposition in processing.TURNS
    assert decoded.upright_size == (size[::-1] if turned else size)
    assert made.size == reference.size
    difference = ImageStat.Stat(ImageChops.difference(made, reference)).mean
    assert max(difference) < 2.5, difference  # flipped, turned or shifted: 4.5 and more
