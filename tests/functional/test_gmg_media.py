"""``gmg addmedia`` and ``gmg batchaddmedia``: files added from the command line, processed
in the gmg process, then seen on the site as a visitor sees them.

gmg runs in this process (``goblin.gmg.main``) against the test site's mediagoblin.ini.
"""

from __future__ import annotations

import functools
import http.server
import os
import random
import re
import select as io_select
import socket
import threading

import pytest
from PIL import Image
from sqlalchemy import func, select

from goblin import gmg
from goblin.db import session_scope
from goblin.db.models import MediaEntry, User

IMAGE_PLUGINS = {"goblin.media_types.image": {}}
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
ADDED = re.compile(r"^Media entry (\d+) \(processed\): (/u/alice/m/[^/]+/)$")
SUMMARY = re.compile(r"^(\d+) out of (\d+) files successfully submitted$", re.MULTILINE)


def make_jpeg(path, size=(800, 600), color=(200, 40, 40), noise=False) -> str:
    """Write a real JPEG (Pillow); ``noise`` makes it compress badly, hence big."""
    if noise:
        data = random.Random(1).randbytes(size[0] * size[1] * 3)
        image = Image.frombytes("RGB", size, data)
    else:
        image = Image.new("RGB", size, color)
    image.save(path, "JPEG", quality=95)
    return str(path)


def run_gmg(capsys, site, *argv: str) -> tuple[int, str, str]:
    code = gmg.main(["-cf", site.ini_path, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *parts: str) -> None:
    assert code != 0
    assert err.startswith("gmg: ")
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, err


def entries(site) -> list[dict]:
    """Every media entry, oldest first, as plain values."""
    with session_scope(site.registry) as dbsession:
        rows = dbsession.scalars(select(MediaEntry).order_by(MediaEntry.id)).all()
        return [
            {
                "id": entry.id,
                "title": entry.title,
                "description": entry.description,
                "slug": entry.slug,
                "license": entry.license,
                "state": entry.state,
                "tags": [media_tag.name for media_tag in entry.tags],
                "files": {f.name: list(f.file_path) for f in entry.files},
                "queued_media_file": entry.queued_media_file,
                "media_metadata": entry.media_metadata,
            }
            for entry in rows
        ]


def count_entries(site) -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(select(func.count(MediaEntry.id)))


def uploaded_bytes(site, username: str = "alice") -> int:
    with session_scope(site.registry) as dbsession:
        return dbsession.scalar(select(User.uploaded).where(User.username == username))


def assert_files_on_disk(site, entry: dict) -> None:
    assert {"original", "medium", "thumb"} <= set(entry["files"])
    store = site.registry.public_store
    for path in entry["files"].values():
        assert os.path.isfile(store.get_local_path(path)), path
    assert entry["queued_media_file"] is None


def assert_page_shows_image(site, page_path: str, title: str):
    """The entry's page as a visitor sees it: its title and an image that loads."""
    testapp = site.testapp()
    page = testapp.get(page_path)
    assert page.html.select_one("h1").get_text(strip=True) == title
    image = page.html.select_one("img.media-image")
    assert image is not None
    served = testapp.get(image["src"])
    assert served.content_type == "image/jpeg"
    assert served.body[:2] == b"\xff\xd8"
    return page


@pytest.fixture
def image_site(make_site):
    """A site with the image media type and an active user alice."""
    site = make_site(plugins=IMAGE_PLUGINS)
    site.add_user("alice", "correct horse")
    return site


@pytest.fixture
def jpeg(tmp_path) -> str:
    return make_jpeg(tmp_path / "red square.jpg")


# -- addmedia --------------------------------------------------------------------------------


def test_addmedia_processes_the_file_and_the_page_shows_it(image_site, jpeg, capsys):
    code, out, err = run_gmg(capsys, image_site, "addmedia", "alice", jpeg)

    assert code == 0, err
    match = ADDED.match(out.strip())
    assert match, out
    [entry] = entries(image_site)
    assert int(match.group(1)) == entry["id"]
    assert match.group(2) == "/u/alice/m/red-square/"
    assert entry["state"] == "processed"
    assert entry["title"] == "red square"
    assert_files_on_disk(image_site, entry)
    assert uploaded_bytes(image_site) == os.path.getsize(jpeg)
    assert_page_shows_image(image_site, match.group(2), "red square")
    # The source file is the operator's: it was copied, not moved.
    assert os.path.isfile(jpeg)


def test_addmedia_options_land_in_the_entry(image_site, jpeg, capsys):
    code, out, err = run_gmg(
        capsys,
        image_site,
        "addmedia",
        "alice",
        jpeg,
        "-t",
        "Sunset over the bay",
        "-d",
        "Taken from the *pier*.",
        "-T",
        "sunset, Bay Area",
        "-l",
        CC_BY_SA,
        "-s",
        "my-sunset",
    )

    assert code == 0, err
    assert out.strip().endswith(": /u/alice/m/my-sunset/")
    [entry] = entries(image_site)
    assert entry["title"] == "Sunset over the bay"
    assert entry["description"] == "Taken from the *pier*."
    assert entry["tags"] == ["sunset", "Bay Area"]
    assert entry["license"] == CC_BY_SA
    assert entry["slug"] == "my-sunset"

    page = assert_page_shows_image(image_site, "/u/alice/m/my-sunset/", "Sunset over the bay")
    assert page.html.select_one(".prose em").get_text() == "pier"
    assert [a.get_text() for a in page.html.select(".tags a")] == ["sunset", "Bay Area"]
    license_link = page.html.select_one('.license a[rel="license"]')
    assert license_link["href"] == CC_BY_SA


def test_addmedia_long_options_and_license_spelling(image_site, jpeg, capsys):
    """Long options work too, and a license URI may differ in scheme or final slash."""
    code, _, err = run_gmg(
        capsys,
        image_site,
        "addmedia",
        "alice",
        jpeg,
        "--title",
        "Long",
        "--description",
        "d",
        "--tags",
        "one",
        "--license",
        "http://creativecommons.org/licenses/by-sa/4.0",
        "--slug",
        "Long Slug",
    )

    assert code == 0, err
    [entry] = entries(image_site)
    assert (entry["title"], entry["description"], entry["tags"]) == ("Long", "d", ["one"])
    assert entry["license"] == CC_BY_SA
    assert entry["slug"] == "long-slug"


def test_addmedia_title_without_a_slug_gives_the_id_path(image_site, jpeg, capsys):
    code, out, err = run_gmg(capsys, image_site, "addmedia", "alice", jpeg, "-t", "日本の海")

    assert code == 0, err
    [entry] = entries(image_site)
    assert entry["slug"] is None
    path = f"/u/alice/m/id:{entry['id']}/"
    assert out.strip() == f"Media entry {entry['id']} (processed): {path}"
    assert_page_shows_image(image_site, path, "日本の海")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["bob", "{jpeg}"], "no user named 'bob'"),
        (["alice", "{missing}"], "no file at"),
        (["alice", "{text}"], "Sorry, I don't support that file type :("),
        (["alice", "{jpeg}", "-c", "holidays"], "collections are not supported yet"),
        (["alice", "{jpeg}", "-l", "https://example.org/my-license"], "unknown license"),
        (["alice", "{jpeg}", "-T", "x" * 300], "Tags must be shorter than 256 characters"),
    ],
    ids=["unknown-user", "missing-file", "unsupported-type", "collection", "license", "tag"],
)
def test_addmedia_errors_are_one_line(image_site, jpeg, tmp_path, capsys, argv, expected):
    text = tmp_path / "notes.txt"
    text.write_text("just words\n")
    paths = {"jpeg": jpeg, "missing": str(tmp_path / "missing.jpg"), "text": str(text)}
    argv = [arg.format(**paths) for arg in argv]

    code, out, err = run_gmg(capsys, image_site, "addmedia", *argv)

    assert_one_line_error(code, err, expected)
    assert out == ""
    assert count_entries(image_site) == 0
    assert uploaded_bytes(image_site) == 0


def test_addmedia_refuses_a_slug_the_user_already_has(image_site, jpeg, capsys):
    assert run_gmg(capsys, image_site, "addmedia", "alice", jpeg, "-s", "mine")[0] == 0

    code, _, err = run_gmg(capsys, image_site, "addmedia", "alice", jpeg, "-s", "mine")

    assert_one_line_error(code, err, "an entry with the slug 'mine' already exists for alice")
    assert count_entries(image_site) == 1


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"mediagoblin": {"max_file_size": "0.001"}}, "Sorry, the file size is too big."),
        (
            {"mediagoblin": {"upload_limit": "0.001"}},
            "Sorry, uploading this file will put you over your upload limit.",
        ),
    ],
    ids=["max_file_size", "upload_limit"],
)
def test_addmedia_over_the_limit(make_site, jpeg, capsys, sections, expected):
    site = make_site(sections=sections, plugins=IMAGE_PLUGINS)
    site.add_user("alice", "correct horse")
    assert os.path.getsize(jpeg) > 1100

    code, _, err = run_gmg(capsys, site, "addmedia", "alice", jpeg)

    assert_one_line_error(code, err, expected)
    assert count_entries(site) == 0
    assert uploaded_bytes(site) == 0
    # Nothing was left in the queue store either.
    queue_dir = site.registry.queue_store.get_local_path(["media_entries"])
    assert not os.path.isdir(queue_dir) or not any(os.scandir(queue_dir))


def test_addmedia_celery_with_an_unreachable_broker_is_one_line(make_site, jpeg, capsys):
    # A bound socket that does not listen: connecting to it is refused at once.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        site = make_site(
            sections={
                "celery": {
                    "CELERY_ALWAYS_EAGER": "false",
                    "BROKER_URL": f"amqp://guest:guest@127.0.0.1:{port}//",
                    "BROKER_CONNECTION_TIMEOUT": "1",
                }
            },
            plugins=IMAGE_PLUGINS,
        )
        site.add_user("alice", "correct horse")

        code, _, err = run_gmg(capsys, site, "addmedia", "alice", jpeg, "--celery")

    assert_one_line_error(code, err, "cannot reach the broker", f"127.0.0.1:{port}", "--celery")
    assert count_entries(site) == 0


def test_addmedia_without_celery_processes_even_when_the_site_uses_a_broker(
    make_site, jpeg, capsys
):
    """The site sends uploads to a worker, but gmg addmedia alone processes in-process."""
    site = make_site(
        sections={
            "celery": {
                "CELERY_ALWAYS_EAGER": "false",
                "BROKER_URL": "amqp://guest:guest@127.0.0.1:1//",
            }
        },
        plugins=IMAGE_PLUGINS,
    )
    site.add_user("alice", "correct horse")

    code, out, err = run_gmg(capsys, site, "addmedia", "alice", jpeg)

    assert code == 0, err
    assert ADDED.match(out.strip())
    [entry] = entries(site)
    assert entry["state"] == "processed"
    assert_files_on_disk(site, entry)


# -- batchaddmedia ---------------------------------------------------------------------------


def write_csv(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_batchaddmedia_reports_the_bad_row_and_submits_the_others(image_site, tmp_path, capsys):
    batch = tmp_path / "batch"
    (batch / "more").mkdir(parents=True)
    make_jpeg(batch / "one.jpg", color=(10, 200, 10))
    make_jpeg(batch / "more" / "two.jpg", color=(10, 10, 200))
    absolute = make_jpeg(tmp_path / "three.jpg", color=(200, 200, 10))
    csv_path = write_csv(
        batch / "media.csv",
        "location,title,description,slug,license,tags\n"
        f'one.jpg,Green,A green one,green,{CC_BY_SA},"green, colour"\n'
        "more/two.jpg,Blue,,,,\n"
        "missing.jpg,Ghost,,,,\n"
        f"{absolute},Yellow,,,,\n",
    )

    code, out, err = run_gmg(capsys, image_site, "batchaddmedia", "alice", csv_path)

    assert code == 1
    assert SUMMARY.findall(out) == [("3", "4")]
    assert out.strip().endswith("3 out of 4 files successfully submitted")
    # The bad row: its number (the header is row 1), its location and the reason, one line.
    assert err == f"row 4: missing.jpg: no file at {batch / 'missing.jpg'}\n"
    assert "Traceback" not in out + err

    added = entries(image_site)
    assert [entry["title"] for entry in added] == ["Green", "Blue", "Yellow"]
    for entry in added:
        assert entry["state"] == "processed"
        assert_files_on_disk(image_site, entry)
    green = added[0]
    assert (green["description"], green["slug"], green["license"]) == (
        "A green one",
        "green",
        CC_BY_SA,
    )
    assert green["tags"] == ["green", "colour"]
    for entry in added:
        path = f"/u/alice/m/{entry['slug']}/"
        assert f": media entry {entry['id']} (processed): {path}" in out
        assert_page_shows_image(image_site, path, entry["title"])


def test_batchaddmedia_all_good_exits_zero_and_a_rerun_skips_known_slugs(
    image_site, tmp_path, capsys
):
    make_jpeg(tmp_path / "a.jpg")
    make_jpeg(tmp_path / "b.jpg", color=(0, 0, 0))
    csv_path = write_csv(
        tmp_path / "media.csv",
        "location,dc:title,dc:description,slug,dc:creator,some other column\n"
        "a.jpg,Alpha,First letter,alpha,Ann,ignored\n"
        "b.jpg,Beta,Second letter,beta,Bob,ignored\n",
    )

    code, out, err = run_gmg(capsys, image_site, "batchaddmedia", "alice", csv_path)

    assert code == 0, err
    assert err == ""
    assert out.strip().endswith("2 out of 2 files successfully submitted")
    alpha, beta = entries(image_site)
    assert (alpha["title"], alpha["description"], alpha["slug"]) == (
        "Alpha",
        "First letter",
        "alpha",
    )
    assert alpha["media_metadata"] == {
        "dc:title": "Alpha",
        "dc:description": "First letter",
        "dc:creator": "Ann",
    }
    assert beta["title"] == "Beta"

    code, out, err = run_gmg(capsys, image_site, "batchaddmedia", "alice", csv_path)

    assert code == 1
    assert out.strip() == "0 out of 2 files successfully submitted"
    assert err.splitlines() == [
        "row 2: a.jpg: an entry with the slug 'alpha' already exists for alice",
        "row 3: b.jpg: an entry with the slug 'beta' already exists for alice",
    ]
    assert count_entries(image_site) == 2


def test_batchaddmedia_refuses_rows_it_cannot_honour(image_site, tmp_path, capsys):
    make_jpeg(tmp_path / "a.jpg")
    (tmp_path / "notes.txt").write_text("words")
    csv_path = write_csv(
        tmp_path / "media.csv",
        "location,title,collection-slug,license\n"
        "a.jpg,In a collection,holidays,\n"
        "a.jpg,Odd license,,https://example.org/mine\n"
        "notes.txt,Text,,\n"
        "ftp://example.org/a.jpg,FTP,,\n"
        ",No location,,\n"
        "a.jpg,Fine,,\n",
    )

    code, out, err = run_gmg(capsys, image_site, "batchaddmedia", "alice", csv_path)

    assert code == 1
    assert out.strip().endswith("1 out of 6 files successfully submitted")
    lines = err.splitlines()
    assert len(lines) == 5
    assert lines[0] == "row 2: a.jpg: collections are not supported yet"
    assert lines[1].startswith("row 3: a.jpg: unknown license 'https://example.org/mine'")
    assert lines[2] == "row 4: notes.txt: Sorry, I don't support that file type :("
    assert lines[3].startswith("row 5: ftp://example.org/a.jpg: cannot use a 'ftp' location")
    assert lines[4] == "row 6: row 6: the location column is empty"
    assert [entry["title"] for entry in entries(image_site)] == ["Fine"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("title,slug\nA,a\n", "has no 'location' column"),
        ("", "has no 'location' column"),
        (None, "cannot use"),
    ],
    ids=["no-location-column", "empty", "missing"],
)
def test_batchaddmedia_unusable_csv_is_one_line(image_site, tmp_path, capsys, content, expected):
    csv_path = tmp_path / "media.csv"
    if content is not None:
        csv_path.write_text(content)

    code, _, err = run_gmg(capsys, image_site, "batchaddmedia", "alice", str(csv_path))

    assert_one_line_error(code, err, expected)
    assert count_entries(image_site) == 0


def test_batchaddmedia_unknown_user_is_one_line(image_site, tmp_path, capsys):
    csv_path = write_csv(tmp_path / "media.csv", "location\na.jpg\n")

    code, _, err = run_gmg(capsys, image_site, "batchaddmedia", "bob", csv_path)

    assert_one_line_error(code, err, "no user named 'bob'")


@pytest.fixture
def http_folder(tmp_path):
    """A real HTTP server on 127.0.0.1 serving a folder; yields (folder, base URL)."""
    folder = tmp_path / "www"
    folder.mkdir()

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            pass  # gmg hanging up on a too-big download is expected

    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_batchaddmedia_downloads_urls_within_max_file_size(
    make_site, http_folder, tmp_path, capsys
):
    folder, base = http_folder
    site = make_site(sections={"mediagoblin": {"max_file_size": "0.05"}}, plugins=IMAGE_PLUGINS)
    site.add_user("alice", "correct horse")
    make_jpeg(folder / "small photo.jpg")
    make_jpeg(folder / "big.jpg", size=(400, 400), noise=True)
    assert os.path.getsize(folder / "big.jpg") > 0.05 * 1024 * 1024
    csv_path = write_csv(
        tmp_path / "media.csv",
        "location,title\n"
        f"{base}/small%20photo.jpg,From the web\n"
        f"{base}/big.jpg,Too big\n"
        f"{base}/nowhere.jpg,Not there\n",
    )

    code, out, err = run_gmg(capsys, site, "batchaddmedia", "alice", csv_path)

    assert code == 1
    assert out.strip().endswith("1 out of 3 files successfully submitted")
    assert err.splitlines() == [
        f"row 3: {base}/big.jpg: cannot download {base}/big.jpg: Sorry, the file size is too big.",
        f"row 4: {base}/nowhere.jpg: cannot download {base}/nowhere.jpg: HTTP 404 File not found",
    ]
    [entry] = entries(site)
    assert (entry["title"], entry["state"]) == ("From the web", "processed")
    assert_files_on_disk(site, entry)
    assert_page_shows_image(site, f"/u/alice/m/{entry['slug']}/", "From the web")
    # Downloads were spooled in the workbench and removed.
    workbench = site.registry.goblin_config.mediagoblin["workbench_path"]
    assert not [name for name in os.listdir(workbench) if name.startswith("download-")]


END_OF_TEST = "<end of test>"


def read_terminal(primary: int, sentinel: str) -> str:
    """What was written to the pseudo-terminal, up to and including ``sentinel``."""
    drawn = ""
    while not drawn.endswith(sentinel):
        ready, _, _ = io_select.select([primary], [], [], 30)
        if not ready:
            break
        drawn += os.read(primary, 65536).decode()
    return drawn


def test_batchaddmedia_draws_a_progress_bar_on_a_terminal(
    image_site, tmp_path, capsys, monkeypatch
):
    make_jpeg(tmp_path / "a.jpg")
    make_jpeg(tmp_path / "b.jpg")
    csv_path = write_csv(tmp_path / "media.csv", "location\na.jpg\nb.jpg\n")
    primary, secondary = os.openpty()
    terminal = os.fdopen(secondary, "w", encoding="utf-8")
    monkeypatch.setattr("sys.stderr", terminal)
    try:
        code = gmg.main(["-cf", image_site.ini_path, "batchaddmedia", "alice", csv_path])
        terminal.write(END_OF_TEST)
        terminal.flush()
        drawn = read_terminal(primary, END_OF_TEST)
    finally:
        terminal.close()
        os.close(primary)
    out = capsys.readouterr().out

    assert code == 0
    assert "] 0/2 a.jpg" in drawn
    assert "] 1/2 b.jpg" in drawn
    assert drawn.endswith("\r\x1b[K" + END_OF_TEST)  # the bar is wiped at the end
    assert out.strip().endswith("2 out of 2 files successfully submitted")
