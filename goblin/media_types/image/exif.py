"""Reading EXIF and GPS from a Pillow image into JSON-safe values."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from PIL import ExifTags, Image

MAX_TEXT = 512


def _json_value(value: Any) -> Any:
    """A JSON-safe copy of an EXIF value, or None for blobs and oddities."""
    if isinstance(value, bytes):
        return None
    if isinstance(value, str):
        text = value.replace("\x00", "").strip()
        return text[:MAX_TEXT] if text else None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float | Fraction) or hasattr(value, "numerator"):
        try:
            number = float(value)
        except (ZeroDivisionError, ValueError, TypeError):
            return None
        return number if number == number and abs(number) != float("inf") else None
    if isinstance(value, tuple | list):
        items = [_json_value(item) for item in value[:32]]
        return items if all(item is not None for item in items) else None
    return None


def read_exif(image: Image.Image) -> dict[str, Any]:
    """Every readable tag of IFD0, the Exif IFD and GPS, by name."""
    exif = image.getexif()
    tags: dict[str, Any] = {}
    sources = [(exif, ExifTags.TAGS)]
    for ifd, names in (
        (ExifTags.IFD.Exif, ExifTags.TAGS),
        (ExifTags.IFD.GPSInfo, ExifTags.GPSTAGS),
    ):
        try:
            sources.append((exif.get_ifd(ifd), names))
        except (KeyError, ValueError, TypeError):
            continue
    for mapping, names in sources:
        for tag_id, value in mapping.items():
            name = names.get(tag_id)
            if name is None or name in ("ExifOffset", "GPSInfo", "MakerNote"):
                continue
            json_value = _json_value(value)
            if json_value is not None:
                prefix = "GPS" if names is ExifTags.GPSTAGS and not name.startswith("GPS") else ""
                tags[prefix + name] = json_value
    return tags


def _degrees(value: Any, reference: Any, negative: str) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    if str(reference).strip().upper() == negative:
        result = -result
    return round(result, 7)


def read_gps(image: Image.Image) -> dict[str, float] | None:
    """Latitude/longitude (and altitude) in decimal degrees / metres, or None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, ValueError, TypeError):
        return None
    if not gps:
        return None
    latitude = _degrees(gps.get(2), gps.get(1), "S")
    longitude = _degrees(gps.get(4), gps.get(3), "W")
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    result = {"latitude": latitude, "longitude": longitude}
    try:
        altitude = float(gps[6])
        if gps.get(5) in (1, b"\x01"):
            altitude = -altitude
        result["altitude"] = altitude
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        pass
    return result


def read_original_date(tags: dict[str, Any]) -> dt.datetime | None:
    """EXIF DateTimeOriginal as a datetime (camera time, stored as if UTC), or None."""
    text = tags.get("DateTimeOriginal") or tags.get("DateTime")
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
