"""Storage: where media files live, behind a small interface.

Two stores are configured in mediagoblin.ini: ``[storage:publicstore]`` (published files,
served under its ``base_url``) and ``[storage:queuestore]`` (uploads waiting for
processing). A path is a list of components, each cleaned by ``clean_component``; the
uploader's filename never becomes one. A backend (an object store, say) implements
``Storage`` and is named by ``storage_class``; views and processors only use this API.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from typing import IO, Protocol

from goblin.config.loader import ConfigError

StoragePath = Sequence[str]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: MediaGoblin's class names map onto goblin's.
STORAGE_ALIASES = {
    "mediagoblin.storage.filestorage:BasicFileStorage": (
        "goblin.storage.filestorage:BasicFileStorage"
    ),
}


class StorageError(Exception):
    """A store could not do what was asked (missing file, full disk, bad path)."""


def clean_component(component: str) -> str:
    """One safe path component: ASCII letters, digits, '.', '_', '-', never '.' or '..'."""
    cleaned = _UNSAFE.sub("_", component).strip("._") or "_"
    return cleaned[:200]


def clean_path(path: StoragePath) -> list[str]:
    if isinstance(path, str):
        raise TypeError("a storage path is a list of components, not a string")
    return [clean_component(component) for component in path]


class Storage(Protocol):
    def file_exists(self, path: StoragePath) -> bool: ...
    def get_file(self, path: StoragePath, mode: str = "rb") -> IO: ...
    def delete_file(self, path: StoragePath) -> None: ...
    def delete_dir(self, path: StoragePath, recursive: bool = False) -> None: ...
    def file_url(self, path: StoragePath) -> str: ...
    def get_local_path(self, path: StoragePath) -> str | None: ...
    def copy_local_to_storage(self, local_path: str, path: StoragePath) -> None: ...
    def get_file_size(self, path: StoragePath) -> int: ...


def copy_locally(storage: Storage, path: StoragePath, destination: str) -> None:
    """Copy a stored file to a local file (works for any backend)."""
    with storage.get_file(path, "rb") as source, open(destination, "wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def load_storage(section: str, settings: dict, where: str) -> Storage:
    """Instantiate the ``storage_class`` of one ``[storage:*]`` section."""
    import importlib

    dotted = STORAGE_ALIASES.get(settings["storage_class"], settings["storage_class"])
    module_name, _, class_name = dotted.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError):
        raise ConfigError(
            f"{where} [{section}] storage_class = {settings['storage_class']!r}: "
            "expected module.path:ClassName of a storage backend"
        ) from None
    options = {key: value for key, value in settings.items() if key != "storage_class"}
    return cls(**options)


def includeme(config) -> None:
    goblin_config = config.registry.goblin_config
    config.registry.public_store = load_storage(
        "storage:publicstore", goblin_config["storage:publicstore"], goblin_config.path
    )
    config.registry.queue_store = load_storage(
        "storage:queuestore", goblin_config["storage:queuestore"], goblin_config.path
    )
