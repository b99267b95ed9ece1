"""The site secret in ``<crypto_path>/itsdangeroussecret.bin``: made on first start, then reused.

It signs the session cookie and the links sent by mail. Deleting the file and restarting
makes a new one, which ends every session and voids every link, as the operator guide says.
"""

from __future__ import annotations

import os
import secrets
import tempfile

from goblin.config.loader import ConfigError

SECRET_FILENAME = "itsdangeroussecret.bin"  # noqa: S105 - a file name, not a secret


def _read_secret(path: str) -> bytes:
    """The secret in ``path``; empty if the file is missing or holds only whitespace."""
    try:
        with open(path, "rb") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        return b""


def load_or_create_secret(crypto_path: str) -> bytes:
    """Return the secret, creating the folder (0700) and file (0600) atomically if missing.

    An empty file is no secret (everything signed with it could be forged): it is replaced.
    """
    os.makedirs(crypto_path, mode=0o700, exist_ok=True)
    os.chmod(crypto_path, 0o700)
    path = os.path.join(crypto_path, SECRET_FILENAME)
    secret = _read_secret(path)
    if secret:
        return secret
    # Upstream writes a random 192-bit integer as decimal text; keep that format so an
    # existing MediaGoblin secret file can be carried over unchanged.
    secret = str(secrets.randbits(192)).encode("ascii")
    fd, tmp_path = tempfile.mkstemp(dir=crypto_path, prefix=".secret-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails if another process won the race; then its secret is the one to use.
        try:
            os.link(tmp_path, path)
        except FileExistsError:
            existing = _read_secret(path)
            if existing:
                return existing
            os.replace(tmp_path, path)
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
    return secret


def includeme(config) -> None:
    goblin_config = config.registry.goblin_config
    crypto_path = goblin_config.mediagoblin["crypto_path"]
    try:
        config.registry.secret = load_or_create_secret(crypto_path)
    except OSError as exc:
        raise ConfigError(
            f"{goblin_config.path}: [mediagoblin] crypto_path = {crypto_path!r}: cannot keep "
            f"the secret there ({exc.strerror or exc}): expected a folder goblin can write"
        ) from None
