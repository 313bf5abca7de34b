"""Protection of personal data at rest: AES-256-GCM for values, HMAC-SHA256 for look-ups.

Pure (no Flask): the app builds one :class:`FieldCipher` from the instance keys.
"""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"


class DecryptionError(ValueError):
    """Raised when a stored value cannot be decrypted (wrong key or altered data)."""


class FieldCipher:
    """Encrypts short text fields; the output is ``v1.<base64url(nonce|ciphertext)>``."""

    def __init__(self, data_key: bytes, hmac_key: bytes) -> None:
        if len(data_key) != 32 or len(hmac_key) < 32:
            raise ValueError("data key must be 32 bytes and hmac key at least 32 bytes")
        self._aead = AESGCM(data_key)
        self._hmac_key = hmac_key

    def encrypt(self, plaintext: str, context: str) -> str:
        """``context`` (e.g. "dossier.personal_id") is bound as associated data."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, token: str, context: str) -> str:
        version, _, body = token.partition(".")
        if version != _VERSION:
            raise DecryptionError("unknown encryption version")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("cannot decrypt value") from exc

    def keyed_hash(self, value: str, context: str) -> str:
        """Deterministic, keyed: finds repeat values without storing them in clear."""
        return hmac.digest(self._hmac_key, f"{context}\x00{value}".encode(), "sha256").hex()
