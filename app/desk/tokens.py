"""Signed receipt tokens: compact ES256 JWS carried in the QR fragment.

The token lets anyone check offline (or in the browser with WebCrypto) that a printed receipt
was issued by this desk. It carries no personal data: only codes and epoch times, with short
claim names so the QR stays small.

Security posture (PyJWT style): ES256 is the only algorithm; the header `alg` is checked before
any key is chosen, so `none`, HS256 and the HMAC-with-public-key confusion trick are refused;
every failure raises a `ReceiptTokenError` subclass with a stable `code`.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from app.keys import jwk_thumbprint, publishable_jwk
from app.keys import public_jwk as jwk_members

ALGORITHM = "ES256"
CLAIMS = ("iss", "sub", "proc", "rcv", "due", "agc", "iat", "jti")
_INT_CLAIMS = frozenset({"rcv", "due", "iat"})


# ----- errors -------------------------------------------------------------------------
class ReceiptTokenError(Exception):
    """Raised when a receipt token is not authentic or not usable; `code` is stable."""

    code = "token_invalid"


class MalformedTokenError(ReceiptTokenError):
    """Raised when the token is not a well-formed compact JWS."""

    code = "malformed"


class AlgorithmNotAllowedError(ReceiptTokenError):
    """Raised when the header names any algorithm other than ES256 (none, HS256, RS256...)."""

    code = "alg_not_allowed"


class UnknownKeyError(ReceiptTokenError):
    """Raised when the header `kid` is missing or not published in the JWKS."""

    code = "unknown_kid"


class BadSignatureError(ReceiptTokenError):
    """Raised when the signature does not match the content and the published key."""

    code = "bad_signature"


class WrongIssuerError(ReceiptTokenError):
    """Raised when the token was issued by another service (foreign `iss`)."""

    code = "wrong_issuer"


class InvalidClaimsError(ReceiptTokenError):
    """Raised when a required claim is missing or has the wrong type."""

    code = "invalid_claims"


class RevokedTokenError(ReceiptTokenError):
    """Raised when the token's `jti` was revoked (e.g. the receipt was reissued)."""

    code = "revoked"


# ----- keys ---------------------------------------------------------------------------
def generate_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_to_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key_pem(data: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("receipt signing key must be an EC P-256 key")
    return key


def _public(
    key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey,
) -> ec.EllipticCurvePublicKey:
    return key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key


def public_jwk_members(
    key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey,
) -> dict[str, str]:
    """The RFC 7638 required members of a P-256 public key (one implementation: app.keys)."""
    return jwk_members(_public(key))


def thumbprint(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 JWK SHA-256 thumbprint, base64url: the `kid` of the key."""
    return jwk_thumbprint(_public(key))


def public_jwk(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    """Publishable JWK with kid/use/alg."""
    return publishable_jwk(_public(key))


def build_jwks(
    keys: Iterable[ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey],
) -> dict[str, Any]:
    """JWKS with every key given: after rotation the old public keys stay published."""
    seen: dict[str, dict[str, str]] = {}
    for key in keys:
        jwk = public_jwk(key)
        seen.setdefault(jwk["kid"], jwk)
    return {"keys": list(seen.values())}


# ----- claims -------------------------------------------------------------------------
@dataclass(frozen=True)
class ReceiptClaims:
    """What a receipt token asserts. No personal data, by design."""

    iss: str
    """Public base URL of the issuing service."""
    sub: str
    """Dossier code."""
    proc: str
    """Procedure code."""
    rcv: int
    """Received time, epoch seconds."""
    due: int
    """Due time, epoch seconds."""
    agc: str
    """Agency code."""
    iat: int
    """Issued at, epoch seconds (a reprint gets a new iat and jti)."""
    jti: str
    """Token id, used for revocation."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ReceiptClaims:
        values: dict[str, Any] = {}
        for name in CLAIMS:
            value = data.get(name)
            expected: type = int if name in _INT_CLAIMS else str
            if type(value) is not expected or (expected is str and not value):
                raise InvalidClaimsError(name)
            values[name] = value
        return cls(**values)


def new_jti() -> str:
    """96 random bits: unique enough for revocation, short enough for the QR."""
    return secrets.token_urlsafe(12)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)
"""PyJWT's header encoding (compact, sorted); built once, as json.dumps would per call."""
_COMPACT_JSON_UNSORTED = json.JSONEncoder(separators=(",", ":"))
"""PyJWT's payload encoding (compact, in claim order)."""


@functools.lru_cache(maxsize=16)
def _header_segment(kid: str) -> str:
    return _b64url(_COMPACT_JSON.encode({"alg": ALGORITHM, "kid": kid}).encode())


def sign(claims: ReceiptClaims, private_key: ec.EllipticCurvePrivateKey,
         kid: str | None = None) -> str:
    """Compact JWS of `claims`, header {alg: ES256, kid: thumbprint}; no `typ` to save bytes.

    ``kid``: the key's RFC 7638 thumbprint when the caller already knows it (app.keys.SigningKey
    carries it), saving its computation on every intake; computed here otherwise.

    Built with `cryptography` directly (RFC 7515/7518: the raw 64-byte R || S signature), the
    bytes PyJWT would produce (sorted compact header, compact payload), in about half its time:
    signing is on every intake. Verification stays with PyJWT (`verify`).
    """
    payload = _COMPACT_JSON_UNSORTED.encode({name: getattr(claims, name) for name in CLAIMS})
    signing_input = f"{_header_segment(kid or thumbprint(private_key))}.{_b64url(payload.encode())}"
    r, s = decode_dss_signature(private_key.sign(signing_input.encode("ascii"), _ECDSA_SHA256))
    return f"{signing_input}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass(frozen=True)
class VerifiedReceipt:
    """A token that passed every check."""

    claims: ReceiptClaims
    kid: str
    """Thumbprint of the key that signed it."""


def _header(token: str) -> dict[str, Any]:
    if not isinstance(token, str) or token.count(".") != 2:
        raise MalformedTokenError("segments")
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise MalformedTokenError("header") from exc


def _key_for(kid: object, jwks: Mapping[str, Any]) -> ec.EllipticCurvePublicKey:
    if not isinstance(kid, str):
        raise UnknownKeyError("no kid")
    for jwk in jwks.get("keys", ()):
        if not isinstance(jwk, Mapping) or jwk.get("kid") != kid:
            continue
        if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise UnknownKeyError("published key is not P-256")
        try:
            key = jwt.algorithms.ECAlgorithm.from_jwk(dict(jwk))
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise UnknownKeyError("unusable published key") from exc
        if not isinstance(key, ec.EllipticCurvePublicKey) or thumbprint(key) != kid:
            raise UnknownKeyError("kid is not the key's thumbprint")
        return key
    raise UnknownKeyError("kid not published")


def verify(
    token: str,
    jwks: Mapping[str, Any],
    issuer: str,
    is_revoked: Callable[[str], bool] | None = None,
) -> VerifiedReceipt:
    """Check `token` against the published keys; return its claims or raise.

    Order matters: algorithm allow-list first (before touching any key), then the key by
    `kid`, then the signature, then issuer, claims and revocation.
    """
    header = _header(token)
    if header.get("alg") != ALGORITHM:
        raise AlgorithmNotAllowedError(str(header.get("alg")))
    key = _key_for(header.get("kid"), jwks)
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            # iat is informative only: receipts never expire, and a verifier's clock (a phone)
            # may lag the desk's; its type is still checked by ReceiptClaims.from_mapping.
            options={"require": list(CLAIMS), "verify_aud": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError as exc:
        raise BadSignatureError("signature") from exc
    except jwt.InvalidIssuerError as exc:
        raise WrongIssuerError("iss") from exc
    except (
        jwt.MissingRequiredClaimError,
        jwt.ImmatureSignatureError,
        jwt.InvalidIssuedAtError,
    ) as exc:
        raise InvalidClaimsError("claims") from exc
    except jwt.PyJWTError as exc:
        raise MalformedTokenError("decode") from exc
    claims = ReceiptClaims.from_mapping(payload)
    if is_revoked is not None and is_revoked(claims.jti):
        raise RevokedTokenError(claims.jti)
    return VerifiedReceipt(claims=claims, kid=header["kid"])
