"""The media-type registry shared by the web process, the worker and gmg.

A media type is registered by a plugin's ``includeme`` with ``config.add_media_type(...)``.
The registry, in ``[plugins]`` order, decides which type an upload is (``sniff``) and so
which processors the Celery task runs for it. Two plugins claiming one name stop start-up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from goblin.config.loader import ConfigError

log = logging.getLogger(__name__)

UNSUPPORTED_MESSAGE = "Sorry, I don't support that file type :("


class FileTypeNotSupported(Exception):
    """No media type accepts the file; the message is shown as a form error."""

    def __init__(self, message: str = UNSUPPORTED_MESSAGE) -> None:
        super().__init__(message)


Sniffer = Callable[[str], bool]


@dataclass(frozen=True)
class MediaType:
    """What goblin needs to know about one kind of media.

    ``name`` is stored on each entry (MediaGoblin's strings, such as
    ``mediagoblin.media_types.image``); ``processors`` maps an action (``initial``,
    ``resize``...) to a callable ``processor(context)`` (see goblin.processing).
    """

    name: str
    human_name: str
    extensions: tuple[str, ...]
    sniffer: Sniffer
    processors: Mapping[str, Callable[..., Any]]
    display_template: str
    #: Which file to show on the media page, best first.
    media_fetch_order: tuple[str, ...] = ("medium", "original")
    default_thumb: str = "images/media_thumbs/generic.png"
    #: ``save_data(dbsession, entry, data)`` stores a processor's ``ctx.data`` (optional).
    save_data: Callable[..., None] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def accepts_extension(self, extension: str) -> bool:
        return extension.lower().lstrip(".") in self.extensions


class MediaTypeRegistry:
    """Media types by name, in registration (``[plugins]``) order."""

    def __init__(self) -> None:
        self._types: dict[str, MediaType] = {}
        self._owners: dict[str, str] = {}

    def add(self, media_type: MediaType, owner: str) -> None:
        if media_type.name in self._types:
            raise ConfigError(
                f"media type {media_type.name!r} is claimed by both "
                f"{self._owners[media_type.name]} and {owner}"
            )
        self._types[media_type.name] = media_type
        self._owners[media_type.name] = owner

    def get(self, name: str) -> MediaType | None:
        return self._types.get(name)

    def __getitem__(self, name: str) -> MediaType:
        return self._types[name]

    def __iter__(self):
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)

    def extensions(self) -> list[str]:
        return sorted({ext for media_type in self for ext in media_type.extensions})

    def sniff(self, local_path: str, filename: str) -> MediaType:
        """Decide the media type of the file at ``local_path`` uploaded as ``filename``.

        First the types claiming the file's extension check its content; then every type
        sniffs the content in config order; else FileTypeNotSupported.
        """
        extension = os.path.splitext(filename)[1].lower().lstrip(".")
        candidates = [mt for mt in self if extension and mt.accepts_extension(extension)]
        for media_type in candidates:
            if self._sniff(media_type, local_path):
                return media_type
        for media_type in self:
            if media_type not in candidates and self._sniff(media_type, local_path):
                return media_type
        raise FileTypeNotSupported()

    @staticmethod
    def _sniff(media_type: MediaType, local_path: str) -> bool:
        try:
            return bool(media_type.sniffer(local_path))
        except Exception:
            log.exception("sniffer of %s failed on %s", media_type.name, local_path)
            return False


def add_media_type(config, media_type: MediaType) -> None:
    """Configurator directive: register ``media_type`` for the plugin being included."""
    from goblin.plugins import plugin_owner

    try:
        config.registry.media_types.add(media_type, plugin_owner(config))
    except ConfigError as exc:
        raise ConfigError(f"{config.registry.goblin_config.path}: [plugins]: {exc}") from None


def includeme(config) -> None:
    config.registry.media_types = MediaTypeRegistry()
    config.add_directive("add_media_type", add_media_type)
