"""Image processing through a real upload: derivatives, EXIF and GPS, formats, hostile files."""

from __future__ import annotations

import os

import pytest
from PIL import ExifTags, Image

from tests import images
from tests.conftest import login
from tests.functional.media_helpers import (
    PASSWORD,
    entries,
    entry_dir,
    files_under,
    image_data,
    media_url,
    only_entry,
    public_path,
    queue_dir,
    upload,
    uploaded_bytes,
)

DAMAGED = "The image file is damaged or incomplete and could not be read."


def open_published(site, entry, name: str) -> Image.Image:
    image = Image.open(public_path(site, entry.files[name]))
    image.load()
    return image


def read_published(site, entry, name: str) -> bytes:
    with open(public_path(site, entry.files[name]), "rb") as handle:
        return handle.read()


def panel_failures(app, username: str = "alice") -> list[tuple[str, str]]:
    """(title, reason) of each row of the panel's failed table."""
    page = app.get(f"/u/{username}/panel/")
    rows = []
    for row in page.html.select(".panel-table tbody tr"):
        reason = row.select_one(".fail-reason")
        if reason is not None:
            rows.append((row.td.get_text(strip=True), reason.get_text(strip=True)))
    return rows


def assert_failed_without_derivatives(site, app, data: bytes, title: str) -> str:
    """The entry failed, nothing was published, the original waits in the queue store.

    Returns the reason shown on the owner's panel.
    """
    entry = only_entry(site)
    assert entry.state == "failed"
    assert entry.files == {}
    assert files_under(entry_dir(site, entry.id)) == []
    queued = os.path.join(queue_dir(site), *entry.queued_media_file.split("/"))
    with open(queued, "rb") as handle:
        assert handle.read() == data
    app.get(f"/u/alice/m/id:{entry.id}/", status=404)
    failures = panel_failures(app)
    assert [failure_title for failure_title, _ in failures] == [title]
    assert failures[0][1] == entry.fail_reason
    return entry.fail_reason


def assert_site_still_works(site, app) -> None:
    """The web process (which ran the processing) still serves pages and processes uploads."""
    assert app.get("/").status_int == 200
    upload(app, images.jpeg(), "after.jpg", title="After")
    assert entries(site)[-1].state == "processed"


# --- orientation, EXIF and GPS ------------------------------------------------------------


def test_exif_orientation_is_applied_to_medium_and_thumb(image_site, uploader):
    data = images.jpeg_with_orientation(200, 100, orientation=6)

    upload(uploader, data, "sideways.jpg", title="Sideways")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    # a rotated photo always gets a medium, even when it is small
    assert set(entry.files) == {"original", "medium", "thumb"}
    medium, thumb = (
        open_published(image_site, entry, "medium"),
        open_published(image_site, entry, "thumb"),
    )
    assert medium.size == (100, 200)
    assert thumb.size[0] < thumb.size[1]
    assert thumb.size == (90, 180)
    assert read_published(image_site, entry, "original") == data
    # the page shows the upright medium
    page = uploader.get("/u/alice/m/sideways/")
    img = page.html.select_one("img.media-image")
    assert img["src"].endswith(f"/media_entries/{entry.id}/medium.jpg")
    assert (img["width"], img["height"]) == ("100", "200")


def test_exif_and_gps_are_read_and_stripped_from_derivatives(image_site, uploader):
    data = images.jpeg_with_gps(
        48.8584, -2.2945, width=800, height=600, make="GoblinCam", model="GC-7"
    )

    upload(uploader, data, "tower.jpg", title="Tower")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    stored = image_data(image_site, entry.id)
    assert stored["latitude"] == pytest.approx(48.8584, abs=1e-4)
    assert stored["longitude"] == pytest.approx(-2.2945, abs=1e-4)
    assert (stored["width"], stored["height"]) == (800, 600)
    assert stored["exif_all"]["Make"] == "GoblinCam"
    assert stored["exif_all"]["Model"] == "GC-7"

    for name in ("medium", "thumb"):
        derivative = open_published(image_site, entry, name)
        exif = derivative.getexif()
        assert dict(exif) == {}, name
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}, name
        assert b"GoblinCam" not in read_published(image_site, entry, name)
    # the original is kept exactly as uploaded
    assert read_published(image_site, entry, "original") == data


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        pytest.param(images.png_with_alpha, "located.png", id="png-with-alpha"),
        pytest.param(images.webp, "located.webp", id="webp"),
    ],
)
def test_gps_is_read_from_and_stripped_for_other_formats(image_site, uploader, make, filename):
    data = make(700, 300, exif=images.gps_exif(51.5007, -0.1246, make="Phone", model="P1"))

    upload(uploader, data, filename, title="Located")

    entry = only_entry(image_site)
    assert entry.state == "processed", entry.fail_reason
    stored = image_data(image_site, entry.id)
    assert stored["latitude"] == pytest.approx(51.5007, abs=1e-4)
    assert stored["longitude"] == pytest.approx(-0.1246, abs=1e-4)
    assert stored["exif_all"]["Make"] == "Phone"
    for name in ("medium", "thumb"):
        derivative = open_published(image_site, entry, name)
        assert dict(derivative.getexif()) == {}, name
        assert "exif" not in derivative.info, name
    assert read_published(image_site, entry, "original") == data


def test_southern_and_western_coordinates_are_negative(image_site, uploader):
    upload(uploader, images.jpeg_with_gps(-33.8568, 151.2153), "opera.jpg")

    stored = image_data(image_site, only_entry(image_site).id)
    assert stored["latitude"] == pytest.approx(-33.8568, abs=1e-4)
    assert stored["longitude"] == pytest.approx(151.2153, abs=1e-4)


def test_a_photo_without_exif_has_no_position(image_site, uploader):
    upload(uploader, images.jpeg(), "plain.jpg")

    stored = image_data(image_site, only_entry(image_site).id)
    assert (stored["width"], stored["height"]) == (300, 200)
    assert stored["latitude"] is None
    assert stored["longitude"] is None


# --- formats ------------------------------------------------------------------------------


def test_a_png_with_alpha_keeps_its_transparency(image_site, uploader):
    data = images.png_with_alpha(700, 300)

    upload(uploader, data, "logo.png", title="Logo")

    entry = only_entry(image_site)
    assert entry.state == "processed"
    assert files_under(entry_dir(image_site, entry.id)) == [
        "medium.png",
        "original.png",
        "thumb.png",
    ]
    for name in ("medium", "thumb"):
        derivative = open_published(image_site, entry, name)
        assert derivative.format == "PNG"
        assert derivative.mode == "RGBA"
        width, height = derivative.size
        assert derivative.getpixel((1, height // 2))[3] == 255  # opaque on the left
        assert derivative.getpixel((width - 2, height // 2))[3] == 0  # transparent right
    assert open_published(image_site, entry, "thumb").size == (180, 77)
    assert uploader.get(media_url(entry.files["thumb"])).content_type == "image/png"
    assert read_published(image_site, entry, "original") == data


@pytest.mark.parametrize(
    ("make", "filename", "original", "content_type", "medium"),
    [
        pytest.param(images.gif, "anim.gif", "original.gif", "image/gif", False, id="gif"),
        pytest.param(images.webp, "pic.webp", "original.webp", "image/webp", False, id="webp"),
        # browsers cannot show TIFF: it always gets a medium they can
        pytest.param(images.tiff, "scan.tiff", "original.tiff", "image/tiff", True, id="tiff"),
        pytest.param(images.tiff, "scan.tif", "original.tiff", "image/tiff", True, id="tif"),
        pytest.param(images.png, "flat.png", "original.png", "image/png", False, id="png"),
        pytest.param(images.avif, "new.avif", "original.avif", "image/avif", False, id="avif"),
        # HEIC from phones: browsers cannot show it either
        pytest.param(images.heic, "phone.heic", "original.heic", "image/heic", True, id="heic"),
    ],
)
def test_other_formats_upload_and_process(
    image_site, uploader, make, filename, original, content_type, medium
):
    data = make(300, 200)

    response = upload(uploader, data, filename, title="Format")

    assert response.status_int == 302
    entry = only_entry(image_site)
    assert entry.state == "processed", entry.fail_reason
    expected = {original, "thumb.jpg"} | ({"medium.jpg"} if medium else set())
    assert set(files_under(entry_dir(image_site, entry.id))) == expected
    served = uploader.get(media_url(entry.files["original"]))
    assert served.content_type == content_type
    assert served.body == data
    thumb = open_published(image_site, entry, "thumb")
    assert (thumb.format, thumb.size) == ("JPEG", (180, 120))
    if medium:
        assert open_published(image_site, entry, "medium").size == (300, 200)
        page = uploader.get("/u/alice/m/format/")
        assert page.html.select_one("img.media-image")["src"].endswith("/medium.jpg")


@pytest.mark.parametrize(
    ("make", "filename", "thumb_format", "thumb_mode"),
    [
        pytest.param(images.cmyk_jpeg, "print.jpg", "JPEG", "RGB", id="cmyk-jpeg"),
        pytest.param(images.greyscale_png, "grey.png", "JPEG", "RGB", id="greyscale-png"),
        pytest.param(images.gif_with_transparency, "clear.gif", "PNG", "RGBA", id="gif-alpha"),
    ],
)
def test_colour_modes_become_web_ready_thumbs(
    image_site, uploader, make, filename, thumb_format, thumb_mode
):
    upload(uploader, make(), filename)

    entry = only_entry(image_site)
    assert entry.state == "processed", entry.fail_reason
    thumb = open_published(image_site, entry, "thumb")
    assert (thumb.format, thumb.mode, thumb.size) == (thumb_format, thumb_mode, (180, 120))
    if thumb_mode == "RGBA":
        assert thumb.getpixel((2, 60))[3] == 255
        assert thumb.getpixel((177, 60))[3] == 0


# --- hostile and broken files -------------------------------------------------------------


def test_a_truncated_jpeg_fails_with_a_reason(image_site, uploader):
    data = images.truncated_jpeg(300, 200)

    response = upload(uploader, data, "cut.jpg", title="Cut short")

    assert response.status_int == 302  # it looks like a JPEG: the upload is accepted
    reason = assert_failed_without_derivatives(image_site, uploader, data, "Cut short")
    assert reason == DAMAGED
    assert uploaded_bytes(image_site) == len(data)
    assert_site_still_works(image_site, uploader)


def test_an_image_over_max_pixels_fails_with_a_reason(make_image_site):
    site = make_image_site(image_options={"max_pixels": "1000000"})
    app = site.testapp()
    site.add_user("alice", PASSWORD)
    login(app, "alice", PASSWORD)
    data = images.jpeg(1200, 1000)

    upload(app, data, "big.jpg", title="Too many pixels")

    reason = assert_failed_without_derivatives(site, app, data, "Too many pixels")
    assert "megapixels" in reason
    assert "1200 x 1000" in reason
    assert "at most 1 megapixels" in reason
    assert_site_still_works(site, app)


def test_an_image_at_max_pixels_is_processed(make_image_site):
    site = make_image_site(image_options={"max_pixels": "1000000"})
    app = site.testapp()
    site.add_user("alice", PASSWORD)
    login(app, "alice", PASSWORD)

    upload(app, images.jpeg(1000, 1000), "square.jpg")

    assert only_entry(site).state == "processed"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(20000, 20000, id="past-pillow-limit"),  # Pillow refuses to open it
        pytest.param(10000, 10000, id="past-site-limit"),  # Pillow warns, goblin refuses
    ],
)
def test_a_decompression_bomb_fails_without_being_decoded(image_site, uploader, width, height):
    data = images.png_bomb(width, height)
    assert len(data) < 200_000  # small on disk, huge in memory

    response = upload(uploader, data, "bomb.png", title="Bomb")

    assert response.status_int == 302
    reason = assert_failed_without_derivatives(image_site, uploader, data, "Bomb")
    assert "megapixels" in reason
    assert_site_still_works(image_site, uploader)
