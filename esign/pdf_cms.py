"""Integrity and algorithm facts of the CMS blob inside a PDF signature's /Contents.

Uses pyHanko's ``validate_sig_integrity`` (digest attribute + signature value) but feeds it our
own single-pass digest of the byte ranges, and turns every structural problem into a
``format_error`` string instead of an exception.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, cms, core, tsp, x509
from pyhanko.sign.general import CMSStructuralError, SignedDataCerts
from pyhanko.sign.validation import errors as ph_errors
from pyhanko.sign.validation.generic_cms import (
    extract_certs_for_validation,
    extract_self_reported_ts,
    validate_sig_integrity,
)
from pyhanko.sign.validation.utils import DEFAULT_ALGORITHM_USAGE_POLICY

from esign.pdf_structure import hash_name
from esign.report import Finding, Severity

__all__ = ["CmsCheck", "check_cms", "hash_bytes", "key_bits", "key_usage_findings"]

DigestFn = Callable[[str], bytes]
"""Digest of the signed byte ranges for a given asn1crypto digest algorithm name."""

KIND_DETACHED = frozenset({"adbe.pkcs7.detached", "ETSI.CAdES.detached"})
KIND_SHA1 = "adbe.pkcs7.sha1"
KIND_DOC_TS = "ETSI.RFC3161"


@dataclass(frozen=True)
class CmsCheck:
    """What one CMS signature in a PDF proves by itself (no trust decision)."""

    signed_data: cms.SignedData | None
    signer_info: cms.SignerInfo | None
    signer_cert: x509.Certificate | None
    other_certs: tuple[x509.Certificate, ...]
    digest_algorithm: str | None
    signature_algorithm: str | None
    key_size: int | None
    digest_ok: bool | None
    signature_value_ok: bool | None
    signing_time: datetime | None
    """signingTime signed attribute (the PDF /M entry is read by the caller)."""
    tst_time: datetime | None
    """genTime when the CMS is itself a timestamp token (document timestamps)."""
    findings: tuple[Finding, ...]
    format_error: str | None


def hash_bytes(algorithm: str, payload: bytes) -> bytes:
    """One-shot digest for an asn1crypto algorithm name."""
    name = hash_name(algorithm)
    h = hashlib.new(name, payload)
    if name == "shake_256":
        return h.digest(64)  # type: ignore[call-arg]
    if name == "shake_128":
        return h.digest(32)  # type: ignore[call-arg]
    return h.digest()


_FIXED_KEY_BITS = {"ed25519": 256, "ed448": 456}


def key_bits(cert: x509.Certificate) -> int | None:
    """Key size in bits; asn1crypto cannot size EdDSA keys, so those are fixed here."""
    algorithm = cert.public_key.algorithm
    if algorithm in _FIXED_KEY_BITS:
        return _FIXED_KEY_BITS[algorithm]
    try:
        return int(cert.public_key.bit_size)
    except (ValueError, TypeError, KeyError, UnboundLocalError):
        return None


def _failed(error: str, **known: object) -> CmsCheck:
    base: dict[str, object] = {
        "signed_data": None,
        "signer_info": None,
        "signer_cert": None,
        "other_certs": (),
        "digest_algorithm": None,
        "signature_algorithm": None,
        "key_size": None,
        "digest_ok": None,
        "signature_value_ok": None,
        "signing_time": None,
        "tst_time": None,
        "findings": (),
        "format_error": error,
    }
    base.update(known)
    return CmsCheck(**base)  # type: ignore[arg-type]


def _algorithm_findings(signer_info: cms.SignerInfo) -> tuple[Finding, ...]:
    """RFC 8933/8419: the message digest must match the one the signature scheme implies."""
    sig_algo = signer_info["signature_algorithm"]
    md = signer_info["digest_algorithm"]["algorithm"].native
    verdict = DEFAULT_ALGORITHM_USAGE_POLICY.digest_combination_allowed(
        sig_algo, algos.DigestAlgorithm({"algorithm": md}), None
    )
    if verdict.allowed:
        return ()
    return (Finding("disallowed_digest", Severity.ERROR, str(verdict.failure_reason)),)


def key_usage_findings(cert: x509.Certificate) -> tuple[Finding, ...]:
    """Key usage problems of a signer certificate, as warnings (pyHanko makes them failures)."""
    usage = cert.key_usage_value
    if usage is None:
        return ()
    bits = set(usage.native)
    if "digital_signature" not in bits and "non_repudiation" not in bits:
        return (
            Finding(
                "key_usage_no_signature",
                Severity.WARNING,
                f"key usage {sorted(bits)} allows neither digitalSignature nor nonRepudiation",
            ),
        )
    if "non_repudiation" not in bits:
        return (
            Finding(
                "no_non_repudiation",
                Severity.WARNING,
                "signer certificate has digitalSignature but not nonRepudiation",
            ),
        )
    return ()


def _signer_parts(
    signed_data: cms.SignedData,
) -> tuple[cms.SignerInfo, SignedDataCerts] | str:
    infos = signed_data["signer_infos"]
    if len(infos) != 1:
        return f"CMS holds {len(infos)} SignerInfos, expected exactly one"
    quick = _quick_signer_certs(signed_data, infos[0])
    if quick is not None:
        return infos[0], quick
    try:
        certs = extract_certs_for_validation(signed_data)
    except (CMSStructuralError, ValueError, KeyError) as exc:
        return f"signing certificate not found: {exc}"
    return infos[0], certs


def _quick_signer_certs(
    signed_data: cms.SignedData, signer_info: cms.SignerInfo
) -> SignedDataCerts | None:
    """The signer's certificate found by serial number and byte-identical issuer name.

    pyHanko compares names with LDAP string preparation, which costs more than checking the
    signature itself; real signers copy the issuer name verbatim, so an exact DER match settles
    the common case and anything else falls back to pyHanko's lookup.
    """
    try:
        sid = signer_info["sid"]
        if sid.name != "issuer_and_serial_number":
            return None
        serial = sid.chosen["serial_number"].native
        issuer_der = sid.chosen["issuer"].dump()
        raw_certs = signed_data["certificates"]
        if isinstance(raw_certs, core.Void):
            return None
        certs = [c.chosen for c in raw_certs if c.name == "certificate"]
        if len(certs) != len(raw_certs):
            return None  # attribute certificates etc.: let pyHanko sort them out
        matches = [c for c in certs if c.serial_number == serial and c.issuer.dump() == issuer_der]
    except (ValueError, TypeError, KeyError):
        return None
    if len(matches) != 1:
        return None
    signer = matches[0]
    return SignedDataCerts(
        signer_cert=signer, other_certs=[c for c in certs if c is not signer], attribute_certs=[]
    )


def _expected_digest(
    kind: str, signed_data: cms.SignedData, md: str, range_digest: DigestFn
) -> tuple[bytes, bool | None, datetime | None] | str:
    """(digest to match the messageDigest attribute, pdf-level digest check, TST time)."""
    eci = signed_data["encap_content_info"]
    content = eci["content"]
    if kind in KIND_DETACHED:
        if content is not core.VOID and content.native is not None:
            return "detached PDF signature carries encapsulated content"
        return range_digest(md), None, None
    if kind == KIND_SHA1:
        if content is core.VOID:
            return "adbe.pkcs7.sha1 signature without the encapsulated SHA-1 digest"
        native = content.native
        raw = native if isinstance(native, bytes) else bytes(content)
        pdf_ok = hmac.compare_digest(raw, range_digest("sha1"))
        return hash_bytes(md, raw), pdf_ok, None
    # document timestamp: the CMS is an RFC 3161 token whose imprint is the byte-range digest
    if eci["content_type"].native != "tst_info" or not isinstance(
        content, core.ParsableOctetString
    ):
        return "document timestamp does not encapsulate a TSTInfo"
    raw = bytes(content)
    tst_info = tsp.TSTInfo.load(raw)
    imprint = tst_info["message_imprint"]
    mi_algo = imprint["hash_algorithm"]["algorithm"].native
    pdf_ok = hmac.compare_digest(imprint["hashed_message"].native, range_digest(mi_algo))
    return hash_bytes(md, raw), pdf_ok, tst_info["gen_time"].native


def check_cms(contents: bytes, kind: str, range_digest: DigestFn) -> CmsCheck:
    """Check a PDF CMS signature of sub-filter ``kind`` against the byte-range digest."""
    try:
        info = cms.ContentInfo.load(contents, strict=False)
        if info["content_type"].native != "signed_data":
            return _failed(f"/Contents is {info['content_type'].native}, not SignedData")
        signed_data = info["content"]
    except (ValueError, TypeError, KeyError) as exc:
        return _failed(f"/Contents is not a CMS SignedData: {exc}")
    parts = _signer_parts(signed_data)
    if isinstance(parts, str):
        return _failed(parts, signed_data=signed_data)
    signer_info, certs = parts
    cert = certs.signer_cert
    md = str(signer_info["digest_algorithm"]["algorithm"].native)
    known: dict[str, object] = {
        "signed_data": signed_data,
        "signer_info": signer_info,
        "signer_cert": cert,
        "other_certs": tuple(certs.other_certs),
        "digest_algorithm": md,
        "signature_algorithm": str(signer_info["signature_algorithm"].signature_algo),
        "key_size": key_bits(cert),
        "signing_time": extract_self_reported_ts(signer_info),
    }
    try:
        expected = _expected_digest(kind, signed_data, md, range_digest)
    except (ValueError, TypeError, KeyError) as exc:
        return _failed(f"cannot compute the signed digest: {exc}", **known)
    if isinstance(expected, str):
        return _failed(expected, **known)
    actual_digest, pdf_digest_ok, tst_time = expected
    content_type = "tst_info" if kind == KIND_DOC_TS else "data"
    try:
        intact, valid = validate_sig_integrity(signer_info, cert, content_type, actual_digest)
    except (ph_errors.SignatureValidationError, CMSStructuralError) as exc:
        return _failed(f"CMS structure: {exc}", **known)
    except (ValueError, TypeError, KeyError, NotImplementedError) as exc:
        return _failed(f"CMS signature cannot be checked: {exc}", **known)
    digest_ok = intact if pdf_digest_ok is None else (intact and pdf_digest_ok)
    findings = _algorithm_findings(signer_info)
    if kind != KIND_DOC_TS:
        findings += key_usage_findings(cert)
    return CmsCheck(
        signed_data=signed_data,
        signer_info=signer_info,
        signer_cert=cert,
        other_certs=tuple(certs.other_certs),
        digest_algorithm=md,
        signature_algorithm=str(signer_info["signature_algorithm"].signature_algo),
        key_size=key_bits(cert),
        digest_ok=digest_ok,
        signature_value_ok=valid,
        signing_time=extract_self_reported_ts(signer_info),
        tst_time=tst_time,
        findings=findings,
        format_error=None,
    )
