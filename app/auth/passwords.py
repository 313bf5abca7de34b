"""Password hashing with Argon2id (memory-hard) and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3: the library's RFC 9106 "low memory" profile
# Verified when the account does not exist, so that timing does not reveal which usernames exist.
# A literal (hash of a random, discarded password, same parameters as _hasher) rather than a
# hash computed at import: Argon2 costs ~0.4 s here and would slow every cold start.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$eoH6tcASrZWKsTAemxHY8Q$douPGoIYrMD0/4N62A5kxuZo5m82MAIcJ9m5YzMn94g"
)
MIN_LENGTH = 10


class PasswordError(ValueError):
    """Raised when a new password does not meet the rules; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError("too_short")
    if len(password) > 256:
        raise PasswordError("too_long")
    if password.strip() != password or not password.strip():
        raise PasswordError("whitespace")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True only for a match; a missing hash still costs one verification."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
