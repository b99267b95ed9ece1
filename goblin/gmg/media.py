"""Media subcommands: ``addmedia`` and ``batchaddmedia`` (MediaGoblin's options).

Both submit through ``goblin.submission.submit_media``, one transaction per file. Without
``--celery`` the file is processed in this process once its transaction commits, so the
command ends with the entry processed (or failed); with ``--celery`` processing is sent to
the instance's broker queue for ``gmg celery`` (or ``celery -A goblin.celery worker``).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry
from goblin.gmg.env import CommandError
from goblin.gmg.users import get_user
from goblin.licenses import BY_URI, LICENSES
from goblin.media_types import FileTypeNotSupported
from goblin.submission import FileTooBig, SubmissionError, max_file_bytes, submit_media
from goblin.text import TagError, slugify

COLLECTIONS_UNSUPPORTED = "collections are not supported yet"
DOWNLOAD_TIMEOUT = 30
CHUNK = 1024 * 1024


class RowError(Exception):
    """One file of a batch was not submitted; the message says why (one line)."""


# -- shared by both commands ---------------------------------------------------------------


def _license_epilog() -> str:
    lines = ["license URIs (-l, or the CSV's license column):"]
    lines.extend(f"  {lic.uri or '(empty)':<62} {lic.abbreviation}" for lic in LICENSES)
    return "\n".join(lines)


def _license_key(uri: str) -> str:
    return uri.strip().split("://", 1)[-1].rstrip("/").lower()


_LICENSES_BY_KEY = {_license_key(uri): uri for uri in BY_URI if uri}


def canonical_license(uri: str | None) -> str | None:
    """A known license URI (http/https and a trailing slash do not matter); None: default."""
    if uri is None:
        return None
    if not uri.strip():
        return ""
    known = _LICENSES_BY_KEY.get(_license_key(uri))
    if known is None:
        raise RowError(
            f"unknown license {uri.strip()!r}; `gmg addmedia --help` lists the license URIs"
        )
    return known


def use_processing(registry, use_celery: bool) -> None:
    """Process in this process, or check that the broker answers before sending to it."""
    app = registry.celery_app
    app.conf.task_always_eager = not use_celery
    if not use_celery:
        return
    with app.connection_for_write() as connection:
        try:
            connection.ensure_connection(max_retries=1)
        except Exception as exc:
            raise CommandError(
                f"cannot reach the broker {connection.as_uri()} (--celery): {exc}"
            ) from None


def media_path(username: str, slug: str | None, entry_id: int) -> str:
    """The entry's page, ``/u/<user>/m/<slug or id:N>/``."""
    ref = slug or f"id:{entry_id}"
    return f"/u/{urllib.parse.quote(username)}/m/{urllib.parse.quote(ref, safe=':')}/"


@dataclasses.dataclass
class Submitted:
    entry_id: int
    state: str
    path: str
    fail_reason: str | None


def submit_file(
    registry,
    username: str,
    local_path: str,
    filename: str,
    *,
    title: str | None = None,
    description: str | None = None,
    tags: str | None = None,
    license: str | None = None,
    slug: str | None = None,
    metadata: dict | None = None,
) -> Submitted:
    """Submit one file in its own transaction; return the entry as it is once that ends.

    Raises RowError (nothing kept) when the file is refused.
    """
    license = canonical_license(license)
    with session_scope(registry) as dbsession:
        user = get_user(dbsession, username)
        wanted_slug = None
        if slug is not None and slug.strip():
            wanted_slug = slugify(slug)
            if not wanted_slug:
                raise RowError(f"the slug {slug!r} has no letters or digits")
            taken = dbsession.scalar(
                select(MediaEntry.id).where(
                    MediaEntry.actor == user.id, MediaEntry.slug == wanted_slug
                )
            )
            if taken is not None:
                raise RowError(
                    f"an entry with the slug {wanted_slug!r} already exists for {user.username}"
                )
        try:
            entry = submit_media(
                registry,
                dbsession,
                user,
                local_path=local_path,
                filename=filename,
                title=title,
                description=description,
                tags=tags,
                license=license,
                slug=wanted_slug,
            )
        except (SubmissionError, FileTypeNotSupported, TagError) as exc:
            raise RowError(str(exc)) from None
        if metadata:
            entry.media_metadata = metadata
        entry_id = entry.id
    # The transaction has committed: an eager task has run, a queued one has been sent.
    with session_scope(registry) as dbsession:
        entry = dbsession.get(MediaEntry, entry_id)
        fail_reason = None
        if entry.state == "failed":
            fail_reason = (entry.fail_metadata or {}).get("reason") or entry.fail_error
        path = media_path(entry.uploader.username, entry.slug, entry.id)
        return Submitted(entry.id, entry.state, path, fail_reason)


def _check_local_file(path: str) -> None:
    if not os.path.exists(path):
        raise RowError(f"no file at {path}")
    if not os.path.isfile(path):
        raise RowError(f"{path} is not a file")
    if not os.access(path, os.R_OK):
        raise RowError(f"cannot read {path}: permission denied")


def _state_note(result: Submitted, use_celery: bool, registry) -> str:
    if result.state == "unprocessed" and use_celery:
        queue = registry.celery_app.conf.task_default_queue
        return f"unprocessed, sent to the queue {queue!r} for a worker"
    return result.state


# -- addmedia --------------------------------------------------------------------------------


def addmedia(args, env) -> int:
    if args.collection_slug:
        raise CommandError(f"-c/--collection-slug: {COLLECTIONS_UNSUPPORTED}")
    path = os.path.abspath(args.filename)
    registry = env.registry()
    try:
        with session_scope(registry) as dbsession:
            get_user(dbsession, args.username)
        _check_local_file(path)
        canonical_license(args.license)
        use_processing(registry, args.celery)
        result = submit_file(
            registry,
            args.username,
            path,
            os.path.basename(path),
            title=args.title,
            description=args.description,
            tags=args.tags,
            license=args.license,
            slug=args.slug,
        )
    except RowError as exc:
        raise CommandError(f"cannot add {args.filename}: {exc}") from None
    finally:
        if args.celery:
            registry.celery_app.close()
    if result.state == "failed":
        raise CommandError(
            f"{args.filename} was added as media entry {result.entry_id} "
            f"but processing failed: {result.fail_reason}"
        )
    print(
        f"Media entry {result.entry_id} ({_state_note(result, args.celery, registry)}): "
        f"{result.path}"
    )
    return 0


# -- batchaddmedia ---------------------------------------------------------------------------


class Progress:
    """A text progress bar on a terminal's stderr; nothing when stderr is not a terminal."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total > 0 and stream.isatty()
        self.shown = False

    def show(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r\033[K[{bar}] {done}/{self.total} {label[:40]}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def read_rows(csv_path: str) -> list[dict[str, str]]:
    """The CSV's rows as dicts with stripped column names; CommandError if unreadable."""
    try:
        with open(csv_path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fieldnames = [(name or "").strip() for name in (reader.fieldnames or [])]
            if "location" not in fieldnames:
                raise CommandError(f"{csv_path} has no 'location' column")
            reader.fieldnames = fieldnames
            return [
                {key: (value or "").strip() for key, value in row.items() if key} for row in reader
            ]
    except UnicodeDecodeError:
        raise CommandError(f"{csv_path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise CommandError(f"{csv_path} is not a valid CSV file: {exc}") from None


def download(url: str, destination: str, limit: int | None) -> None:
    """Fetch ``url`` into ``destination``, stopping past ``limit`` bytes or DOWNLOAD_TIMEOUT."""
    # The caller has checked that the scheme is http(s).
    request = urllib.request.Request(url, headers={"User-Agent": "goblin-batchaddmedia"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310
            length = response.headers.get("Content-Length")
            if limit is not None and length and length.isdigit() and int(length) > limit:
                raise FileTooBig()
            size = 0
            with open(destination, "wb") as target:
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise FileTooBig()
                    target.write(chunk)
    except FileTooBig as exc:
        raise RowError(f"cannot download {url}: {exc}") from None
    except urllib.error.HTTPError as exc:
        raise RowError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise RowError(f"cannot download {url}: {exc.reason}") from None
    except TimeoutError:
        raise RowError(f"cannot download {url}: no answer within {DOWNLOAD_TIMEOUT} s") from None
    except OSError as exc:
        raise RowError(f"cannot download {url}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def located_file(registry, location: str, csv_dir: str) -> Iterator[tuple[str, str]]:
    """A local path and filename for a CSV ``location`` (a path, or an http(s) URL)."""
    local = location if os.path.isabs(location) else os.path.join(csv_dir, location)
    scheme = urllib.parse.urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        name = os.path.basename(urllib.parse.unquote(urllib.parse.urlsplit(location).path))
        spool_dir = registry.goblin_config.mediagoblin["workbench_path"]
        os.makedirs(spool_dir, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=spool_dir, prefix="download-") as folder:
            destination = os.path.join(folder, "download")
            download(location, destination, max_file_bytes(registry))
            yield destination, name or "download"
        return
    if scheme and not os.path.exists(local):
        raise RowError(f"cannot use a {scheme!r} location: give a file path or an http(s) URL")
    local = os.path.abspath(local)
    _check_local_file(local)
    yield local, os.path.basename(local)


def _first(row: dict[str, str], *columns: str) -> str | None:
    for column in columns:
        if row.get(column):
            return row[column]
    return None


def submit_row(registry, username: str, row: dict[str, str], csv_dir: str) -> Submitted:
    location = row.get("location", "")
    if not location:
        raise RowError("the location column is empty")
    if row.get("collection-slug"):
        raise RowError(COLLECTIONS_UNSUPPORTED)
    license = row.get("license") or None
    if license is None and _license_key(row.get("dc:rights", "")) in _LICENSES_BY_KEY:
        license = row["dc:rights"]
    metadata = {key: value for key, value in row.items() if key.startswith("dc:") and value}
    with located_file(registry, location, csv_dir) as (local_path, filename):
        return submit_file(
            registry,
            username,
            local_path,
            filename,
            title=_first(row, "title", "dc:title"),
            description=_first(row, "description", "dc:description"),
            tags=row.get("tags") or None,
            license=license,
            slug=row.get("slug") or None,
            metadata=metadata or None,
        )


def batchaddmedia(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        username = get_user(dbsession, args.username).username
    csv_path = os.path.abspath(args.csv_file)
    rows = read_rows(csv_path)
    csv_dir = os.path.dirname(csv_path)
    use_processing(registry, args.celery)
    progress = Progress(len(rows), sys.stderr)
    succeeded = 0
    try:
        # Rows are numbered as a spreadsheet shows them: the header is row 1.
        for number, row in enumerate(rows, start=2):
            label = row.get("location") or f"row {number}"
            progress.show(number - 2, label)
            try:
                result = submit_row(registry, username, row, csv_dir)
            except (RowError, OSError) as exc:
                reason = (exc.strerror or str(exc)) if isinstance(exc, OSError) else str(exc)
                progress.clear()
                print(f"row {number}: {label}: {reason}", file=sys.stderr)
                continue
            progress.clear()
            if result.state == "failed":
                print(
                    f"row {number}: {label}: added as media entry {result.entry_id} "
                    f"but processing failed: {result.fail_reason}",
                    file=sys.stderr,
                )
                continue
            succeeded += 1
            print(
                f"row {number}: {label}: media entry {result.entry_id} "
                f"({_state_note(result, args.celery, registry)}): {result.path}"
            )
    finally:
        progress.clear()
        if args.celery:
            registry.celery_app.close()
    print(f"{succeeded} out of {len(rows)} files successfully submitted")
    return 0 if succeeded == len(rows) else 1


# -- registration ----------------------------------------------------------------------------

ADDMEDIA_HELP = """\
Add one file to USERNAME's media, as the upload form does. Prints the entry's id, its
state and the path of its page. Without --celery the file is processed in this process
before gmg ends; with --celery processing goes to the instance's broker queue
(CELERY_DEFAULT_QUEUE) for a worker (`gmg celery`).
"""

BATCH_HELP = """\
Add every file listed in a CSV file to USERNAME's media, one transaction per row: a
refused row is reported on stderr (its row number, the header being row 1, and why)
and the others go on. Ends with "N out of M files successfully submitted"; the exit
status is 0 when every row was submitted (and, without --celery, processed), else 1.

Columns (others are ignored):
  location                    path of the file, relative to the CSV's folder or absolute,
                              or an http(s) URL, downloaded with a 30 s timeout and
                              refused past max_file_size
  title, dc:title             the title (default: the file name)
  description, dc:description the description
  slug                        the slug; a row whose slug the user already has is skipped,
                              so a batch can be run again
  license                     a license URI (`gmg addmedia --help` lists them); dc:rights
                              is used when it holds one
  tags                        comma-separated tags (a goblin addition)
  collection-slug             refused: collections are not supported yet
  dc:*                        kept as the entry's metadata

A progress bar is drawn on stderr when it is a terminal.
"""


def register(subparsers) -> None:
    import argparse

    parser = subparsers.add_parser(
        "addmedia",
        help="add a media file for a user",
        description=ADDMEDIA_HELP,
        epilog=_license_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("username", help="the user the entry belongs to")
    parser.add_argument("filename", help="the file to add")
    parser.add_argument("-t", "--title", help="title (default: the file name)")
    parser.add_argument("-d", "--description", help="description (Markdown)")
    parser.add_argument("-T", "--tags", help="comma-separated tags")
    parser.add_argument(
        "-l", "--license", help="license URI (default: the user's preference; see below)"
    )
    parser.add_argument("-s", "--slug", help="slug (default: made from the title)")
    parser.add_argument(
        "-c",
        "--collection-slug",
        help="refused for now: collections are not supported yet",
    )
    parser.add_argument(
        "--celery",
        action="store_true",
        help="send processing to the broker for a worker instead of processing here",
    )
    parser.set_defaults(func=addmedia)

    parser = subparsers.add_parser(
        "batchaddmedia",
        help="add the media files listed in a CSV file",
        description=BATCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("username", help="the user the entries belong to")
    parser.add_argument("csv_file", metavar="metadata.csv", help="the CSV file")
    parser.add_argument(
        "--celery",
        action="store_true",
        help="send processing to the broker for a worker instead of processing here",
    )
    parser.set_defaults(func=batchaddmedia)
