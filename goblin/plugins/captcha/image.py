"""Drawing a challenge's characters as a PNG that a script cannot read off trivially.

Each character gets its own size, rotation and offset; lines and dots cross the text, and
the whole picture is sheared and bent by a sine wave. All randomness comes from
``secrets``, so no two pictures of the same text look alike.
"""

from __future__ import annotations

import io
import math
import secrets

from PIL import Image, ImageDraw, ImageFilter, ImageFont

#: Letters and digits that are hard to confuse with each other (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"

_rng = secrets.SystemRandom()


def random_text(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _ink() -> tuple[int, int, int]:
    return (_rng.randint(10, 90), _rng.randint(10, 90), _rng.randint(40, 120))


def _glyph(char: str, size: int) -> Image.Image:
    """One character on a transparent tile, rotated by up to 30 degrees either way."""
    font = ImageFont.load_default(size=size)
    left, top, right, bottom = font.getbbox(char)
    pad = size // 3
    tile = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((pad - left, pad - top), char, font=font, fill=(*_ink(), 255))
    return tile.rotate(_rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC, expand=True)


def _wave(image: Image.Image) -> Image.Image:
    """Shift thin vertical strips up and down along a sine wave of random phase."""
    width, height = image.size
    amplitude = _rng.uniform(height * 0.04, height * 0.09)
    period = _rng.uniform(width * 0.35, width * 0.7)
    phase = _rng.uniform(0, 2 * math.pi)
    out = Image.new("RGB", image.size, (255, 255, 255))
    strip = 3
    for x in range(0, width, strip):
        dy = round(amplitude * math.sin(2 * math.pi * x / period + phase))
        out.paste(image.crop((x, 0, min(x + strip, width), height)), (x, dy))
    return out


def _shear(image: Image.Image) -> Image.Image:
    height = image.height
    shear = _rng.uniform(-0.25, 0.25)
    return image.transform(
        image.size,
        Image.Transform.AFFINE,
        (1, shear, -shear * height / 2, 0, 1, 0),
        resample=Image.Resampling.BICUBIC,
        fillcolor=(255, 255, 255),
    )


def _noise(image: Image.Image, lines: int, dot_share: float) -> None:
    """Draw ``lines`` random polylines and speckle about ``dot_share`` of the pixels."""
    width, height = image.size
    draw = ImageDraw.Draw(image)
    for _ in range(lines):
        points = [(_rng.randint(0, width), _rng.randint(0, height)) for _ in range(3)]
        draw.line(points, fill=_ink(), width=_rng.randint(1, 2))
    threshold = round(256 * dot_share)
    random_bytes = Image.frombytes("L", (width, height), secrets.token_bytes(width * height))
    mask = random_bytes.point(lambda value: 255 if value < threshold else 0)
    image.paste(_ink(), (0, 0, width, height), mask)


def render_png(text: str, width: int, height: int) -> bytes:
    """The PNG (``width`` x ``height``) showing ``text`` distorted."""
    background = tuple(_rng.randint(225, 255) for _ in range(3))
    canvas = Image.new("RGB", (width, height), background)
    _noise(canvas, lines=3, dot_share=0.015)

    slot = width / (len(text) + 1)
    for index, char in enumerate(text):
        size = round(height * _rng.uniform(0.42, 0.62))
        glyph = _glyph(char, size)
        x = round(slot * (index + 0.5) + _rng.uniform(-slot * 0.15, slot * 0.15))
        y = round((height - glyph.height) / 2 + _rng.uniform(-height * 0.12, height * 0.12))
        canvas.paste(glyph, (x, y), glyph)

    canvas = _wave(_shear(canvas))
    _noise(canvas, lines=4, dot_share=0.012)
    canvas = canvas.filter(ImageFilter.SMOOTH).quantize(colors=32, method=Image.Quantize.FASTOCTREE)

    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()
