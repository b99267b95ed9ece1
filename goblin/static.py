"""Static files served by the app itself, so nothing else is needed to start.

``/mgoblin_static/`` (core assets) carries a version token in its URLs and is cached for a
year. ``/mgoblin_media/`` (the public store) is cached for a day and sandboxed: even a file
that a browser might run (HTML, SVG) is served with a CSP that forbids scripts.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os

from pyramid.events import NewResponse
from pyramid.static import QueryStringConstantCacheBuster

STATIC_PATH = os.path.join(os.path.dirname(__file__), "static")
YEAR = 365 * 24 * 3600
DAY = 24 * 3600
MEDIA_CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
)


def static_version_token(path: str = STATIC_PATH) -> str:
    """A short hash of the static files' names, sizes and times: changes when they do."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def sandbox_media(event: NewResponse) -> None:
    request = event.request
    media_prefix = request.registry.media_url_path
    # path_info, not path: behind a SCRIPT_NAME prefix (/goblin/mgoblin_media/...) the
    # route still matched on path_info, and the sandbox must follow it.
    if media_prefix and request.path_info.startswith(media_prefix):
        event.response.headers["Content-Security-Policy"] = MEDIA_CSP
        event.response.headers["Cross-Origin-Resource-Policy"] = "same-site"


def media_url(request, file_path: list[str]) -> str:
    """The public URL of a file in the public store, given its path components."""
    store = request.registry.public_store
    local = getattr(store, "get_local_path", None)
    if local is not None:
        return request.static_url(local(file_path))
    return store.file_url(file_path)


def _view_name(url: str) -> str:
    """add_static_view's name: a path prefix is served here, a full URL only generates links."""
    return url if url.startswith(("http://", "https://")) else url.strip("/")


#: Types some systems' mime.types lack; files are served with their real type.
EXTRA_TYPES = {
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".webp": "image/webp",
}


def includeme(config) -> None:
    for extension, content_type in EXTRA_TYPES.items():
        mimetypes.add_type(content_type, extension)
    goblin_config = config.registry.goblin_config
    static_url = goblin_config.mediagoblin["direct_remote_path"]
    config.add_static_view(_view_name(static_url), "goblin:static", cache_max_age=YEAR)
    config.add_cache_buster(
        "goblin:static/", QueryStringConstantCacheBuster(static_version_token())
    )

    public = goblin_config["storage:publicstore"]
    os.makedirs(public["base_dir"], exist_ok=True)
    media_base_url = public["base_url"]
    config.add_static_view(_view_name(media_base_url), public["base_dir"], cache_max_age=DAY)
    config.registry.media_url_path = media_base_url if media_base_url.startswith("/") else None
    config.add_subscriber(sandbox_media, NewResponse)
    config.add_request_method(media_url, "media_url")
