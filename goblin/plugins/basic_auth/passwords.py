"""Password hashing: argon2id for new hashes; MediaGoblin's bcrypt hashes still verify.

A bcrypt (or outdated argon2) hash that verifies is flagged for re-hashing, so stored
hashes move to the current parameters as people log in. ``burn`` spends the time of one
verification so a login for an unknown user takes as long as one for a known user.
"""

from __future__ import annotations

import secrets

import bcrypt
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_MAX_BYTES = 72  # bcrypt only ever read this many bytes; bcrypt>=5 refuses more.


class Passwords:
    def __init__(self, time_cost: int, memory_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        #: Verifications run, including burned ones: lets tests see that an unknown user
        #: costs the same work as a known one without timing anything.
        self.verifications = 0

    def hash(self, raw: str) -> str:
        return self._hasher.hash(raw)

    def verify(self, raw: str, stored: str | None) -> bool:
        self.verifications += 1
        if not stored:
            self._verify_argon2(raw, self._dummy_hash)
            return False
        if stored.startswith(BCRYPT_PREFIXES):
            candidate = raw.encode("utf-8")[:BCRYPT_MAX_BYTES]
            try:
                return bcrypt.checkpw(candidate, stored.encode("ascii"))
            except ValueError:
                return False
        return self._verify_argon2(raw, stored)

    def burn(self, raw: str) -> None:
        """Spend one verification's time and reveal nothing."""
        self.verify(raw, None)

    def needs_rehash(self, stored: str) -> bool:
        if stored.startswith(BCRYPT_PREFIXES):
            return True
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def _verify_argon2(self, raw: str, stored: str) -> bool:
        try:
            return self._hasher.verify(stored, raw)
        except (VerificationError, InvalidHashError):
            return False
