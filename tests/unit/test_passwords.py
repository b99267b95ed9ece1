"""basic_auth's password hashes: argon2id for new ones, MediaGoblin's bcrypt still accepted."""

from __future__ import annotations

import bcrypt
import pytest

from goblin.plugins.basic_auth.passwords import Passwords


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(time_cost=1, memory_cost=1024, parallelism=1)


def test_new_hashes_are_argon2id_and_verify(passwords):
    stored = passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert passwords.verify("correct horse", stored) is True
    assert passwords.needs_rehash(stored) is False


def test_the_same_password_hashes_differently_each_time(passwords):
    assert passwords.hash("correct horse") != passwords.hash("correct horse")


def test_wrong_password_is_refused(passwords):
    stored = passwords.hash("correct horse")
    assert passwords.verify("Correct horse", stored) is False
    assert passwords.verify("", stored) is False


def test_mediagoblin_bcrypt_hash_verifies_and_asks_for_a_rehash(passwords):
    stored = bcrypt.hashpw(b"pw from mediagoblin", bcrypt.gensalt(rounds=4)).decode("ascii")
    assert passwords.verify("pw from mediagoblin", stored) is True
    assert passwords.verify("wrong password", stored) is False
    assert passwords.needs_rehash(stored) is True


@pytest.mark.parametrize("prefix", ["$2a$", "$2y$"])
def test_older_bcrypt_prefixes_verify(passwords, prefix):
    stored = bcrypt.hashpw(b"old pw", bcrypt.gensalt(rounds=4, prefix=b"2a")).decode("ascii")
    stored = prefix + stored[len(prefix) :]
    assert passwords.verify("old pw", stored) is True
    assert passwords.needs_rehash(stored) is True


def test_bcrypt_password_longer_than_72_bytes_still_verifies(passwords):
    raw = "x" * 100
    stored = bcrypt.hashpw(raw.encode()[:72], bcrypt.gensalt(rounds=4)).decode("ascii")
    assert passwords.verify(raw, stored) is True


def test_argon2_hash_with_old_parameters_verifies_and_asks_for_a_rehash(passwords):
    stronger = Passwords(time_cost=2, memory_cost=2048, parallelism=1)
    stored = stronger.hash("correct horse")
    assert passwords.verify("correct horse", stored) is True
    assert passwords.needs_rehash(stored) is True


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$2b$broken", "$argon2id$broken"])
def test_missing_or_damaged_hash_never_verifies(passwords, stored):
    assert passwords.verify("anything", stored) is False


def test_damaged_hash_asks_for_a_rehash(passwords):
    assert passwords.needs_rehash("not a hash") is True


def test_burn_counts_as_one_verification(passwords):
    stored = passwords.hash("correct horse")
    before = passwords.verifications
    passwords.verify("correct horse", stored)
    assert passwords.verifications == before + 1
    passwords.burn("a guess for an unknown user")
    assert passwords.verifications == before + 2
