"""Local folders as a store (MediaGoblin's BasicFileStorage), the default backend."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from typing import IO

from goblin.storage import StorageError, StoragePath, clean_path


class BasicFileStorage:
    def __init__(self, base_dir: str, base_url: str | None = None) -> None:
        self.base_dir = os.path.abspath(base_dir)
        self.base_url = base_url
        os.makedirs(self.base_dir, exist_ok=True)

    def _local(self, path: StoragePath) -> str:
        full = os.path.join(self.base_dir, *clean_path(path))
        if os.path.commonpath([self.base_dir, full]) != self.base_dir:
            raise StorageError(f"path outside the store: {path!r}")
        return full

    def file_exists(self, path: StoragePath) -> bool:
        return os.path.isfile(self._local(path))

    def get_file(self, path: StoragePath, mode: str = "rb") -> IO:
        local = self._local(path)
        if "w" in mode or "a" in mode:
            os.makedirs(os.path.dirname(local), exist_ok=True)
        try:
            return open(local, mode)
        except FileNotFoundError:
            raise StorageError(f"no such file in the store: {'/'.join(path)}") from None

    def delete_file(self, path: StoragePath) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self._local(path))

    def delete_dir(self, path: StoragePath, recursive: bool = False) -> None:
        local = self._local(path)
        if not os.path.isdir(local):
            return
        if recursive:
            shutil.rmtree(local)
        else:
            os.rmdir(local)

    def file_url(self, path: StoragePath) -> str:
        if self.base_url is None:
            raise StorageError("this store is not served on the web")
        return self.base_url + "/".join(clean_path(path))

    def get_local_path(self, path: StoragePath) -> str:
        return self._local(path)

    def copy_local_to_storage(self, local_path: str, path: StoragePath) -> None:
        """Copy in atomically: the file appears whole under its name or not at all."""
        target = self._local(path)
        folder = os.path.dirname(target)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, open(local_path, "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def get_file_size(self, path: StoragePath) -> int:
        try:
            return os.path.getsize(self._local(path))
        except FileNotFoundError:
            raise StorageError(f"no such file in the store: {'/'.join(path)}") from None
