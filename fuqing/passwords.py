"""Password hashes: argon2id at OWASP's parameters, the old PBKDF2 hashes still accepted and upgraded at sign-in,
and the same work whether or not the account exists.

argon2id with 19 MiB of memory, two passes and one lane is the first configuration of OWASP's Password Storage
Cheat Sheet (about 0.14 s on the two-core machine this runs on). Hashes written by earlier versions
(``pbkdf2_sha256$240000$…``) verify as before and are replaced by an argon2id hash at the next successful
sign-in (:func:`needs_rehash`), as are argon2 hashes with older parameters. A sign-in for a name that does not
exist verifies the password against a fixed dummy hash, so that it takes as long as a wrong password for a real
account and the answer time does not tell which names exist.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``; a missing hash costs the same time as a wrong password."""
    if not stored:
        _verify_argon2(password, _dummy())
        return False
    if stored.startswith("pbkdf2_sha256$"):
        return _verify_pbkdf2(password, stored)
    return _verify_argon2(password, stored)


def needs_rehash(stored: str) -> bool:
    """True for a PBKDF2 hash of an earlier version or an argon2 hash with other parameters."""
    if stored.startswith("pbkdf2_sha256$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _verify_argon2(password: str, stored: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _verify_pbkdf2(password: str, stored: str) -> bool:
    try:
        _algo, iterations, salt_hex, digest_hex = stored.split("$")
        digest = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations)
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


@lru_cache(maxsize=1)
def _dummy() -> str:
    return _HASHER.hash("fuqing: no such account")
