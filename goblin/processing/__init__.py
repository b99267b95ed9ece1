"""Processing an entry: the state machine, the processor context and the failures.

An entry moves ``unprocessed -> processing -> processed``, or to ``failed`` with a reason
its owner can read. Processors work in a private workbench folder and declare their
outputs; nothing is published on the entry until every output is stored, and the
original upload stays in the queue store until the entry is processed.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any


class BaseProcessingFail(Exception):
    """Processing failed for a reason the uploader can be told.

    ``general_message`` is the reason shown on the owner's panel.
    """

    general_message = "Something went wrong while processing this file."

    def __init__(self, message: str | None = None, **metadata: Any) -> None:
        super().__init__(message or self.general_message)
        self.message = message or self.general_message
        self.metadata = metadata

    @property
    def error_name(self) -> str:
        """MediaGoblin-style ``module:Class`` name stored in ``fail_error``."""
        return f"goblin.processing:{type(self).__name__}"


class BadMediaFail(BaseProcessingFail):
    general_message = "The file could not be read as the kind of media it claims to be."


class ProcessFileNotFound(BaseProcessingFail):
    general_message = "The uploaded file could not be found for processing."


class PublicStoreFail(BaseProcessingFail):
    general_message = "The processed files could not be stored."


class MissingComponents(BaseProcessingFail):
    general_message = "The server lacks a component needed to process this file."


@dataclasses.dataclass
class Output:
    name: str
    local_path: str
    filename: str
    metadata: dict[str, Any]


@dataclasses.dataclass
class EntryInfo:
    """What a processor may know of its entry (a plain copy, no ORM object)."""

    id: int
    media_type: str
    title: str
    queued_media_file: list[str] | None
    existing_files: dict[str, list[str]]
    #: The uploader's username, for log lines.
    owner: str = ""


class ProcessingContext:
    """Given to a processor: where the input is, where to work, and where outputs go."""

    def __init__(self, registry, entry: EntryInfo, workbench: str, options: dict) -> None:
        self.registry = registry
        self.entry = entry
        self.workbench = workbench
        self.options = options
        self.outputs: list[Output] = []
        #: Type-specific data the media type saves with the entry (dimensions, EXIF...).
        self.data: dict[str, Any] = {}

    def workbench_path(self, filename: str) -> str:
        return os.path.join(self.workbench, filename)

    def fetch_original(self) -> str:
        """A local file holding the original: the queued upload, or the published original.

        The path is for reading only. A store with files on this machine (one whose
        ``get_local_path`` gives a path) is read in place, which saves copying a large
        photo before every processing run; any other store's file is copied into the
        workbench.
        """
        from goblin.storage import StorageError, copy_locally

        if self.entry.queued_media_file:
            store, path = self.registry.queue_store, self.entry.queued_media_file
        elif "original" in self.entry.existing_files:
            store, path = self.registry.public_store, self.entry.existing_files["original"]
        else:
            raise ProcessFileNotFound()
        get_local_path = getattr(store, "get_local_path", None)
        if get_local_path is not None:
            try:
                in_place = get_local_path(path)
            except StorageError:
                raise ProcessFileNotFound() from None
            if in_place is not None:
                if not os.path.isfile(in_place):
                    raise ProcessFileNotFound()
                return in_place
        local = self.workbench_path("source" + os.path.splitext(path[-1])[1])
        try:
            copy_locally(store, path, local)
        except (StorageError, OSError):
            raise ProcessFileNotFound() from None
        return local

    def add_output(self, name: str, local_path: str, filename: str, **metadata: Any) -> None:
        """Declare a file to publish as ``media_entries/<id>/<filename>`` under ``name``."""
        self.outputs.append(Output(name, local_path, filename, metadata))
