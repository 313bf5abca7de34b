"""Receipt-signing keys (ES256, P-256) kept as PEM files in ``instance/keys``.

The newest key signs; every key ever made stays published in the JWKS so old receipts still
verify. The ``kid`` is the RFC 7638 JWK thumbprint of the public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    """The public JWK members (no kid) of a P-256 key."""
    numbers = public_key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": _b64url(numbers.x.to_bytes(32, "big")),
            "y": _b64url(numbers.y.to_bytes(32, "big"))}


def jwk_thumbprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638: SHA-256 over the required members in lexicographic order, no spaces."""
    jwk = public_jwk(public_key)
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")},
                           separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def publishable_jwk(public_key: ec.EllipticCurvePublicKey,
                    kid: str | None = None) -> dict[str, str]:
    """The JWK as published in the JWKS: members plus kid (the thumbprint), use and alg."""
    return {**public_jwk(public_key), "kid": kid or jwk_thumbprint(public_key), "use": "sig",
            "alg": "ES256"}


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey
    created: float

    def public_jwk(self) -> dict[str, str]:
        return publishable_jwk(self.private_key.public_key(), self.kid)


class KeyRing:
    """The keys in one folder; file names are ``<created-epoch>.pem`` so order is creation order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: tuple[tuple[tuple[str, int], ...], list[SigningKey]] | None = None

    def _stamp(self) -> tuple[tuple[str, int], ...]:
        return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(self.folder.glob("*.pem")))

    def is_empty(self) -> bool:
        """No key file yet. Nothing is parsed: start-up asks this, and loading the PEM
        machinery of cryptography is left to the first request that signs or publishes."""
        return not self.folder.exists() or not any(self.folder.glob("*.pem"))

    def private_keys(self) -> list[SigningKey]:
        """Every key, oldest first; parsed once and again only when the folder changes (another
        worker or host may rotate keys in a shared instance folder)."""
        if not self.folder.exists():
            return []
        stamp = self._stamp()
        if self._cache is not None and self._cache[0] == stamp:
            return list(self._cache[1])
        keys = self._load()
        self._cache = (stamp, keys)
        return list(keys)

    def _load(self) -> list[SigningKey]:
        from cryptography.hazmat.primitives import serialization

        keys = []
        for path in sorted(self.folder.glob("*.pem")):
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError(f"{path.name}: not an EC private key")
            keys.append(SigningKey(jwk_thumbprint(key.public_key()), key, path.stat().st_mtime))
        return keys

    def active(self) -> SigningKey:
        keys = self.private_keys()
        if not keys:
            raise LookupError("no receipt-signing key: run `motcua keys rotate`")
        return keys[-1]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self.private_keys()]}

    def rotate(self) -> SigningKey:
        """Create a new signing key; older keys stay for verification."""
        from cryptography.hazmat.primitives import serialization

        from app.instance import write_private  # local: instance imports this module

        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        stamp = time.time_ns()
        write_private(self.folder / f"{stamp:020d}.pem", pem)
        return SigningKey(jwk_thumbprint(key.public_key()), key, stamp / 1e9)
