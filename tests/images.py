"""Test files made on the fly with Pillow (no binary fixtures in the repository).

Every function returns the bytes of one file, as an uploader's disk would hold them.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from fractions import Fraction

from PIL import ExifTags, Image

#: EXIF tag numbers used below (PIL.ExifTags.Base names them too).
MAKE = ExifTags.Base.Make
MODEL = ExifTags.Base.Model
ORIENTATION = ExifTags.Base.Orientation


def _gradient(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """A picture with some detail, so encoders produce realistic sizes."""
    vertical = Image.linear_gradient("L").resize((width, height))
    horizontal = Image.linear_gradient("L").rotate(90).resize((width, height))
    noise = Image.effect_noise((width, height), 32)
    image = Image.merge("RGB", (horizontal, vertical, noise))
    return image if mode == "RGB" else image.convert(mode)


def _save(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg(width: int = 300, height: int = 200, *, exif: Image.Exif | None = None) -> bytes:
    options = {"quality": 90}
    if exif is not None:
        options["exif"] = exif
    return _save(_gradient(width, height), "JPEG", **options)


def jpeg_with_orientation(width: int = 200, height: int = 100, orientation: int = 6) -> bytes:
    """A landscape JPEG whose EXIF says to rotate it (6: 90 degrees clockwise)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return jpeg(width, height, exif=exif)


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(10000)


def gps_exif(
    latitude: float, longitude: float, *, make: str = "GoblinCam", model: str = "Model 7"
) -> Image.Exif:
    """EXIF with camera make/model and a GPS position (negative: south / west)."""
    exif = Image.Exif()
    exif[MAKE] = make
    exif[MODEL] = model
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if latitude >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = _dms(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _dms(longitude)
    return exif


def jpeg_with_gps(
    latitude: float,
    longitude: float,
    *,
    width: int = 300,
    height: int = 200,
    make: str = "GoblinCam",
    model: str = "Model 7",
) -> bytes:
    """A JPEG with camera make/model and a GPS position (negative: south / west)."""
    return jpeg(width, height, exif=gps_exif(latitude, longitude, make=make, model=model))


def png_with_alpha(width: int = 300, height: int = 200, *, exif: Image.Exif | None = None) -> bytes:
    """An RGBA PNG: opaque on the left half, fully transparent on the right half."""
    image = _gradient(width, height, "RGBA")
    alpha = Image.new("L", (width, height), 255)
    alpha.paste(0, (width // 2, 0, width, height))
    image.putalpha(alpha)
    return _save(image, "PNG", **({"exif": exif} if exif is not None else {}))


def png(width: int = 300, height: int = 200) -> bytes:
    return _save(_gradient(width, height), "PNG")


def gif(width: int = 300, height: int = 200) -> bytes:
    return _save(_gradient(width, height).convert("P"), "GIF")


def cmyk_jpeg(width: int = 300, height: int = 200) -> bytes:
    """A print-style CMYK JPEG, which browsers show badly or not at all."""
    return _save(_gradient(width, height).convert("CMYK"), "JPEG", quality=90)


def greyscale_png(width: int = 300, height: int = 200) -> bytes:
    return _save(_gradient(width, height).convert("L"), "PNG")


def gif_with_transparency(width: int = 300, height: int = 200) -> bytes:
    """A palette GIF whose right half is the transparent colour."""
    image = _gradient(width, height).convert("P", palette=Image.Palette.ADAPTIVE, colors=255)
    image.paste(255, (width // 2, 0, width, height))
    return _save(image, "GIF", transparency=255)


def webp(width: int = 300, height: int = 200, *, exif: Image.Exif | None = None) -> bytes:
    return _save(
        _gradient(width, height), "WEBP", quality=80, **({"exif": exif} if exif is not None else {})
    )


def tiff(width: int = 300, height: int = 200) -> bytes:
    return _save(_gradient(width, height), "TIFF")


def avif(width: int = 300, height: int = 200) -> bytes:
    return _save(_gradient(width, height), "AVIF", quality=60)


def heic(width: int = 300, height: int = 200) -> bytes:
    """A HEIC photo as phones make them (needs pillow-heif, a dependency of goblin)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return _save(_gradient(width, height), "HEIF", quality=60)


def truncated_jpeg(width: int = 300, height: int = 200, keep: float = 0.3) -> bytes:
    """A JPEG cut short: the header is whole, most of the picture data is missing."""
    data = jpeg(width, height)
    return data[: int(len(data) * keep)]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A real decompression bomb: a 1-bit black PNG of ``width`` x ``height`` pixels.

    The pixel data is all zeros, so it compresses to a file of a few dozen kilobytes
    that would take hundreds of megabytes of memory once decoded.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def gif_with_html_appended(width: int = 120, height: int = 80) -> bytes:
    """A valid GIF followed by an HTML page: a polyglot a browser might sniff as HTML."""
    return gif(width, height) + HTML_PAGE


def random_bytes(size: int = 4096) -> bytes:
    return os.urandom(size)


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>hi</title></head>\n"
    b"<body><script>alert(document.cookie)</script></body></html>\n"
)

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">\n'
    b'  <rect width="100" height="100" fill="red"/>\n'
    b"  <script>alert(document.cookie)</script>\n"
    b"</svg>\n"
)


def open_image(data: bytes) -> Image.Image:
    """A loaded Pillow image from bytes."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
