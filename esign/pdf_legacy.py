"""Legacy ``adbe.x509.rsa_sha1`` PDF signatures, which pyHanko does not even list.

The signature dictionary carries the signer certificate(s) in /Cert and, in /Contents, a DER
OCTET STRING holding a raw PKCS#1 v1.5 signature over the /ByteRange bytes.  We recover the
DigestInfo with the public key and compare it with our own digest of the signed ranges, so the
digest algorithm actually used is read from the signature rather than assumed to be SHA-1.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from asn1crypto import algos, core, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from esign.pdf_structure import digest_ranges
from esign.report import Finding, Severity

__all__ = ["LegacyCheck", "check_legacy_signature", "legacy_certificates"]


@dataclass(frozen=True)
class LegacyCheck:
    """Integrity facts of one adbe.x509.rsa_sha1 signature."""

    signer_cert: x509.Certificate
    other_certs: tuple[x509.Certificate, ...]
    digest_algorithm: str | None
    """Algorithm named in the recovered DigestInfo (normally ``sha1``)."""
    digest_ok: bool | None
    signature_value_ok: bool
    key_size: int
    findings: tuple[Finding, ...]


def legacy_certificates(raw_cert: object) -> tuple[x509.Certificate, ...]:
    """The /Cert entry: one DER string or an array of them, signer first."""
    items = raw_cert if isinstance(raw_cert, list) else [raw_cert]
    certs: list[x509.Certificate] = []
    for item in items:
        der = bytes(item) if isinstance(item, bytes | bytearray) else None
        if der is None:
            raise ValueError("/Cert entry is not a string")
        cert = x509.Certificate.load(der)
        cert.native  # noqa: B018 - force a full parse so a broken certificate fails here
        certs.append(cert)
    if not certs:
        raise ValueError("/Cert is empty")
    return tuple(certs)


def _signature_bytes(contents: bytes) -> bytes:
    """The PKCS#1 signature inside /Contents (a DER OCTET STRING, zero padding allowed)."""
    value = core.OctetString.load(contents, strict=False).native
    if not isinstance(value, bytes) or not value:
        raise ValueError("/Contents holds no PKCS#1 signature")
    return value


def _rsa_key(cert: x509.Certificate) -> rsa.RSAPublicKey:
    if cert.public_key.algorithm != "rsa":
        raise ValueError(f"adbe.x509.rsa_sha1 with a {cert.public_key.algorithm} key")
    numbers = cert.public_key["public_key"].parsed
    return rsa.RSAPublicNumbers(
        int(numbers["public_exponent"].native), int(numbers["modulus"].native)
    ).public_key()


def check_legacy_signature(
    data: bytes | memoryview,
    ranges: tuple[tuple[int, int], ...],
    contents: bytes,
    raw_cert: object,
) -> LegacyCheck:
    """Verify the PKCS#1 signature of an adbe.x509.rsa_sha1 field over its byte ranges.

    Raises ValueError when the structure is unusable (no certificate, not RSA, no signature).
    """
    certs = legacy_certificates(raw_cert)
    signer = certs[0]
    key = _rsa_key(signer)
    signature = _signature_bytes(contents)
    findings: list[Finding] = []
    try:
        recovered = key.recover_data_from_signature(signature, padding.PKCS1v15(), None)
    except (InvalidSignature, ValueError):
        return LegacyCheck(signer, certs[1:], None, None, False, key.key_size, ())
    try:
        info = algos.DigestInfo.load(recovered)
        algorithm = str(info["digest_algorithm"]["algorithm"].native)
        claimed = bytes(info["digest"].native)
    except (ValueError, TypeError, KeyError):
        return LegacyCheck(signer, certs[1:], None, None, False, key.key_size, ())
    try:
        actual = digest_ranges(data, ranges, algorithm)
    except ValueError:
        findings.append(
            Finding("disallowed_digest", Severity.ERROR, f"unsupported digest {algorithm}")
        )
        return LegacyCheck(signer, certs[1:], algorithm, None, True, key.key_size, tuple(findings))
    digest_ok = hmac.compare_digest(actual, claimed)
    findings.append(
        Finding(
            "legacy_subfilter",
            Severity.WARNING,
            "adbe.x509.rsa_sha1: raw PKCS#1 signature without CMS (no signed attributes)",
        )
    )
    return LegacyCheck(signer, certs[1:], algorithm, digest_ok, True, key.key_size, tuple(findings))
