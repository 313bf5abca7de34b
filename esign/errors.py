"""The one exception hierarchy of ``esign``; each class has a stable machine ``code``.

Verification itself never raises for bad input (it returns a FORMAT_FAILURE report); these are
for misuse and for configuration that must not be silently accepted (a tampered trust pack).
"""

from __future__ import annotations

__all__ = [
    "ESignError",
    "InvalidInputError",
    "RevocationFetchError",
    "TrustPackIntegrityError",
    "TrustStoreError",
]


class ESignError(Exception):
    """Raised when an esign operation cannot proceed; base of every esign exception."""

    code: str = "esign_error"


class InvalidInputError(ESignError):
    """Raised when a caller passes an argument that cannot be used (naive datetime, wrong type)."""

    code = "invalid_input"


class TrustStoreError(ESignError):
    """Raised when a trust anchor, intermediate or CRL file cannot be read or parsed."""

    code = "trust_store_error"


class TrustPackIntegrityError(TrustStoreError):
    """Raised when a packaged trust anchor does not match its pinned SHA-256 fingerprint."""

    code = "trust_pack_integrity"


class RevocationFetchError(ESignError):
    """Raised when online revocation data is required (hard-fail) but cannot be fetched."""

    code = "revocation_fetch_failed"
