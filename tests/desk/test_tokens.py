"""ES256 receipt tokens: issuance, JWKS, refusal of every forgery we know of."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import asdict, replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws

from app.desk import tokens
from app.desk.tokens import (
    AlgorithmNotAllowedError,
    BadSignatureError,
    InvalidClaimsError,
    MalformedTokenError,
    ReceiptClaims,
    ReceiptTokenError,
    RevokedTokenError,
    UnknownKeyError,
    WrongIssuerError,
)

ISSUER = "https://motcua.phuong-badinh.gov.vn"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return tokens.generate_private_key()


@pytest.fixture(scope="module")
def other_key() -> ec.EllipticCurvePrivateKey:
    return tokens.generate_private_key()


@pytest.fixture
def claims() -> ReceiptClaims:
    now = int(time.time())
    return ReceiptClaims(
        iss=ISSUER,
        sub="000.00.01.H26-261130-0001",
        proc="1.001193",
        rcv=now,
        due=now + 3 * 86400,
        agc="000.00.01.H26",
        iat=now,
        jti=tokens.new_jti(),
    )


@pytest.fixture
def jwks(key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    return tokens.build_jwks([key])


@pytest.fixture
def token(claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey) -> str:
    return tokens.sign(claims, key)


def forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes) -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(payload).encode())
    return f"{head}.{body}.{b64(signature)}"


def test_round_trip(
    token: str, jwks: dict[str, Any], claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey
) -> None:
    verified = tokens.verify(token, jwks, ISSUER)
    assert verified.claims == claims
    assert verified.kid == tokens.thumbprint(key)


def test_header_is_minimal_and_kid_is_rfc7638(token: str, key: ec.EllipticCurvePrivateKey) -> None:
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "ES256", "kid": tokens.thumbprint(key)}
    independent = jc_jwk.JWK.from_pyca(key.public_key()).thumbprint()
    assert header["kid"] == independent


def test_no_personal_data_in_payload(token: str) -> None:
    payload = jwt.decode(token, options={"verify_signature": False})
    assert set(payload) == set(tokens.CLAIMS)
    assert all(isinstance(payload[name], int) for name in ("rcv", "due", "iat"))


def test_signature_is_86_chars(token: str) -> None:
    assert len(token.split(".")[2]) == 86


def test_signed_bytes_are_what_pyjwt_signs(
    token: str, claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey
) -> None:
    """`sign` builds the JWS itself (speed); header and payload are PyJWT's to the byte, and
    the signature is the raw R || S pair PyJWT and WebCrypto expect (checked by verifiers)."""
    reference = jwt.encode(asdict(claims), key, algorithm="ES256",
                           headers={"kid": tokens.thumbprint(key), "typ": None})
    assert token.rsplit(".", 1)[0] == reference.rsplit(".", 1)[0]
    assert jwt.decode(token, key.public_key(), algorithms=["ES256"],
                      options={"verify_iat": False}) == asdict(claims)


def jwcrypto_verify(token: str, jwks: dict[str, Any], kid: str) -> bytes:
    """Verify with jwcrypto only (independent implementation) and return the payload."""
    keyset = jc_jwk.JWKSet.from_json(json.dumps(jwks))
    verifier = jc_jws.JWS()
    verifier.deserialize(token)
    verifier.verify(keyset.get_key(kid), alg="ES256")
    return bytes(verifier.payload)


def test_independent_library_verifies_against_jwks(
    token: str, jwks: dict[str, Any], claims: ReceiptClaims
) -> None:
    kid = jwt.get_unverified_header(token)["kid"]
    assert json.loads(jwcrypto_verify(token, jwks, kid)) == asdict(claims)


@pytest.mark.parametrize("segment", [0, 1, 2])
def test_one_byte_change_fails_both_libraries(
    token: str, jwks: dict[str, Any], segment: int
) -> None:
    parts = token.split(".")
    middle = len(parts[segment]) // 2
    char = parts[segment][middle]
    parts[segment] = (
        parts[segment][:middle] + ("A" if char != "A" else "B") + parts[segment][middle + 1 :]
    )
    altered = ".".join(parts)
    with pytest.raises(ReceiptTokenError):
        tokens.verify(altered, jwks, ISSUER)
    with pytest.raises(Exception):  # noqa: B017 - any jwcrypto failure is a refusal
        jwcrypto_verify(altered, jwks, jwks["keys"][0]["kid"])


def test_alg_none_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any]
) -> None:
    forged = forge({"alg": "none", "kid": tokens.thumbprint(key)}, asdict(claims), b"")
    with pytest.raises(AlgorithmNotAllowedError):
        tokens.verify(forged, jwks, ISSUER)
    with pytest.raises(AlgorithmNotAllowedError):
        tokens.verify(forged.rsplit(".", 1)[0] + ".", jwks, ISSUER)


@pytest.mark.parametrize("secret_form", ["pem", "jwk"])
def test_hmac_key_confusion_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any], secret_form: str
) -> None:
    """The classic trick: HMAC-sign with the *public* key as the shared secret."""
    if secret_form == "pem":
        secret = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    else:
        secret = json.dumps(jwks["keys"][0]).encode()
    header = {"alg": "HS256", "kid": tokens.thumbprint(key)}
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(asdict(claims)).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    with pytest.raises(AlgorithmNotAllowedError) as info:
        tokens.verify(f"{head}.{body}.{b64(mac)}", jwks, ISSUER)
    assert info.value.code == "alg_not_allowed"


@pytest.mark.parametrize("alg", ["RS256", "ES384", "EdDSA", "es256", None])
def test_other_algorithms_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any], alg: str | None
) -> None:
    forged = forge({"alg": alg, "kid": tokens.thumbprint(key)}, asdict(claims), b"x" * 64)
    with pytest.raises(AlgorithmNotAllowedError):
        tokens.verify(forged, jwks, ISSUER)


def test_unknown_kid_refused(
    claims: ReceiptClaims, other_key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any]
) -> None:
    foreign = tokens.sign(claims, other_key)
    with pytest.raises(UnknownKeyError):
        tokens.verify(foreign, jwks, ISSUER)


def test_missing_kid_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any]
) -> None:
    no_kid = jwt.encode(asdict(claims), key, algorithm="ES256")
    with pytest.raises(UnknownKeyError):
        tokens.verify(no_kid, jwks, ISSUER)


def test_foreign_key_claiming_our_kid_refused(
    claims: ReceiptClaims,
    key: ec.EllipticCurvePrivateKey,
    other_key: ec.EllipticCurvePrivateKey,
    jwks: dict[str, Any],
) -> None:
    spoofed = jwt.encode(
        asdict(claims), other_key, algorithm="ES256", headers={"kid": tokens.thumbprint(key)}
    )
    with pytest.raises(BadSignatureError):
        tokens.verify(spoofed, jwks, ISSUER)


def test_jwks_entry_whose_kid_lies_is_not_used(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, other_key: ec.EllipticCurvePrivateKey
) -> None:
    lying = {"keys": [{**tokens.public_jwk(other_key), "kid": tokens.thumbprint(key)}]}
    with pytest.raises(UnknownKeyError):
        tokens.verify(tokens.sign(claims, key), lying, ISSUER)


def test_wrong_issuer_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any]
) -> None:
    foreign = tokens.sign(replace(claims, iss="https://evil.example"), key)
    with pytest.raises(WrongIssuerError):
        tokens.verify(foreign, jwks, ISSUER)


def test_revoked_refused(token: str, jwks: dict[str, Any], claims: ReceiptClaims) -> None:
    seen: list[str] = []

    def is_revoked(jti: str) -> bool:
        seen.append(jti)
        return True

    with pytest.raises(RevokedTokenError) as info:
        tokens.verify(token, jwks, ISSUER, is_revoked=is_revoked)
    assert seen == [claims.jti]
    assert info.value.code == "revoked"
    assert tokens.verify(token, jwks, ISSUER, is_revoked=lambda _jti: False).claims == claims


@pytest.mark.parametrize("missing", ["proc", "due", "agc", "jti"])
def test_missing_claim_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any], missing: str
) -> None:
    payload = asdict(claims)
    del payload[missing]
    token = jwt.encode(payload, key, algorithm="ES256", headers={"kid": tokens.thumbprint(key)})
    with pytest.raises(InvalidClaimsError):
        tokens.verify(token, jwks, ISSUER)


def test_wrong_claim_type_refused(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, jwks: dict[str, Any]
) -> None:
    payload = {**asdict(claims), "due": "tomorrow"}
    token = jwt.encode(payload, key, algorithm="ES256", headers={"kid": tokens.thumbprint(key)})
    with pytest.raises(InvalidClaimsError):
        tokens.verify(token, jwks, ISSUER)


@pytest.mark.parametrize("bad", ["", "abc", "a.b", "a.b.c.d", "!!!.???.***"])
def test_malformed_refused(bad: str, jwks: dict[str, Any]) -> None:
    with pytest.raises(MalformedTokenError):
        tokens.verify(bad, jwks, ISSUER)


def test_truncated_refused(token: str, jwks: dict[str, Any]) -> None:
    for cut in (1, 10, 87, len(token) // 2):
        with pytest.raises(ReceiptTokenError):
            tokens.verify(token[:-cut], jwks, ISSUER)


def test_rotation_keeps_old_tokens_valid(
    claims: ReceiptClaims, key: ec.EllipticCurvePrivateKey, other_key: ec.EllipticCurvePrivateKey
) -> None:
    old_token = tokens.sign(claims, key)
    new_token = tokens.sign(claims, other_key)
    jwks = tokens.build_jwks([other_key, key, key.public_key()])
    assert len(jwks["keys"]) == 2
    assert tokens.verify(old_token, jwks, ISSUER).kid == tokens.thumbprint(key)
    assert tokens.verify(new_token, jwks, ISSUER).kid == tokens.thumbprint(other_key)
    with pytest.raises(UnknownKeyError):  # expired (unpublished) key
        tokens.verify(old_token, tokens.build_jwks([other_key]), ISSUER)


def test_pem_round_trip(key: ec.EllipticCurvePrivateKey) -> None:
    loaded = tokens.load_private_key_pem(tokens.private_key_to_pem(key))
    assert tokens.thumbprint(loaded) == tokens.thumbprint(key)


def test_error_codes_are_stable_and_distinct() -> None:
    classes = [
        AlgorithmNotAllowedError,
        BadSignatureError,
        InvalidClaimsError,
        MalformedTokenError,
        RevokedTokenError,
        UnknownKeyError,
        WrongIssuerError,
    ]
    assert all(issubclass(cls, ReceiptTokenError) for cls in classes)
    assert len({cls.code for cls in classes}) == len(classes)
