"""Detached (.p7s + content) and enveloping (.p7m) CMS signatures.

pyHanko checks the cryptography (digest, signature value, signed attributes, signing-certificate
attribute); path validation goes through ``esign.chain`` so a certificate without nonRepudiation is
a warning, not a distrust.  Every input yields a ``DocumentReport``: unreadable bytes give
TOTAL_FAILED/FORMAT_FAILURE, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms, core, pem, tsp, x509
from cryptography.hazmat.primitives import hashes
from pyhanko.sign.validation.generic_cms import (
    extract_self_reported_ts,
    extract_tst_data_iter,
    validate_sig_integrity,
)
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from esign.chain import ChainResult, async_validate_chain
from esign.policy import ValidationPolicy, evaluate
from esign.report import (
    CertificateInfo,
    Coverage,
    DocumentFormat,
    DocumentReport,
    Finding,
    Indication,
    Modifications,
    Severity,
    SignatureFacts,
    SignatureReport,
    SubIndication,
    TimestampInfo,
)
from esign.trust import TrustStore
from esign.vn import signer_from_certificate

__all__ = [
    "load_signed_data",
    "timestamp_info",
    "verify_cms",
]

_B64 = re.compile(rb"[A-Za-z0-9+/=\s]+")


class _Unreadable(ValueError):
    """Internal: the bytes are not a CMS SignedData we can read."""


def _decode(data: bytes) -> bytes:
    """DER from DER, PEM (PKCS7/CMS armour) or bare base64 (as S/MIME tools write it)."""
    stripped = data.strip()
    if pem.detect(stripped):
        try:
            _kind, _headers, der = pem.unarmor(stripped)
        except ValueError as exc:
            raise _Unreadable(f"bad PEM armour: {exc}") from exc
        return bytes(der)
    if stripped[:1] != b"\x30" and _B64.fullmatch(stripped):
        try:
            return base64.b64decode(stripped, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise _Unreadable(f"bad base64: {exc}") from exc
    return data


def load_signed_data(data: bytes) -> cms.SignedData:
    """Parse bytes into a CMS SignedData, or raise ValueError with the reason."""
    der = _decode(data)
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise _Unreadable(f"content type {info['content_type'].native}, not signed_data")
        signed = info["content"]
        # Touch the parts we rely on so a malformed structure fails here, not later.
        signed["encap_content_info"]["content_type"].native  # noqa: B018
        if len(signed["signer_infos"]) == 0:
            raise _Unreadable("SignedData without any SignerInfo")
        for signer_info in signed["signer_infos"]:
            signer_info["sid"].native  # noqa: B018
            signer_info["digest_algorithm"]["algorithm"].native  # noqa: B018
    except _Unreadable:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise _Unreadable(f"not a CMS SignedData: {exc}") from exc
    if not isinstance(signed, cms.SignedData):
        raise _Unreadable("not a CMS SignedData")
    return signed


def _certificates(signed: cms.SignedData) -> list[x509.Certificate]:
    certs = signed["certificates"]
    if certs is core.VOID or certs.native is None:
        return []
    return [c.chosen for c in certs if c.name == "certificate"]


def _find_signer_cert(
    signer_info: cms.SignerInfo, certs: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    sid = signer_info["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if ias["issuer"] == cert.issuer and ias["serial_number"].native == cert.serial_number:
                return cert
        elif sid.name == "subject_key_identifier" and cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _digest(algorithm: str, content: bytes) -> bytes:
    md = hashes.Hash(get_pyca_cryptography_hash(algorithm))
    md.update(content)
    return md.finalize()


def _key_facts(cert: x509.Certificate) -> tuple[str, int | None]:
    key = cert.public_key
    try:
        return str(key.algorithm), int(key.bit_size)
    except (ValueError, KeyError, TypeError):
        return str(key.algorithm), None


def _signature_algorithm(signer_info: cms.SignerInfo) -> str | None:
    try:
        return str(signer_info["signature_algorithm"].signature_algo)
    except (ValueError, KeyError):
        return str(signer_info["signature_algorithm"]["algorithm"].native)


@dataclass(frozen=True)
class _Integrity:
    digest_ok: bool | None
    signature_ok: bool | None
    format_error: str | None
    findings: tuple[Finding, ...]


def _integrity(
    signer_info: cms.SignerInfo, cert: x509.Certificate, content_type: str, content: bytes
) -> _Integrity:
    algo = signer_info["digest_algorithm"]["algorithm"].native
    try:
        actual = _digest(algo, content)
    except (NotImplementedError, ValueError, KeyError) as exc:
        finding = Finding("disallowed_digest", Severity.ERROR, f"unsupported digest {algo}: {exc}")
        return _Integrity(None, None, None, (finding,))
    try:
        digest_ok, sig_ok = validate_sig_integrity(
            signer_info, cert, expected_content_type=content_type, actual_digest=actual
        )
    except Exception as exc:  # pyHanko raises many kinds for malformed input
        return _Integrity(None, None, f"{type(exc).__name__}: {exc}", ())
    return _Integrity(digest_ok, sig_ok, None, ())


def _tst_signer(
    tst: cms.SignedData,
) -> tuple[cms.SignerInfo, x509.Certificate | None, list[x509.Certificate]]:
    certs = _certificates(tst)
    signer_info = tst["signer_infos"][0]
    return signer_info, _find_signer_cert(signer_info, certs), certs


async def _async_timestamp_info(
    tst: cms.SignedData,
    signature_value: bytes,
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy,
    extra_certs: Iterable[x509.Certificate] = (),
) -> TimestampInfo | None:
    try:
        tst_info = tst["encap_content_info"]["content"].parsed
        if not isinstance(tst_info, tsp.TSTInfo):
            return None
        gen_time: datetime = tst_info["gen_time"].native
        imprint = tst_info["message_imprint"]
        imprint_algo = imprint["hash_algorithm"]["algorithm"].native
        imprint_ok = _digest(imprint_algo, signature_value) == imprint["hashed_message"].native
        signer_info, cert, certs = _tst_signer(tst)
    except Exception as exc:  # a broken token is a finding, not a crash
        return TimestampInfo(
            time=moment,
            tsa=None,
            intact=False,
            trusted=False,
            errors=(Finding("timestamp_unreadable", Severity.ERROR, str(exc)),),
        )
    errors: list[Finding] = []
    if not imprint_ok:
        errors.append(
            Finding("timestamp_imprint_mismatch", Severity.ERROR, "wrong message imprint")
        )
    if cert is None:
        errors.append(Finding("timestamp_no_tsa_certificate", Severity.ERROR, "TSA cert missing"))
        return TimestampInfo(gen_time, None, False, False, tuple(errors))
    content = bytes(tst["encap_content_info"]["content"])
    check = _integrity(signer_info, cert, "tst_info", content)
    intact = bool(imprint_ok and check.digest_ok and check.signature_ok)
    if check.format_error:
        errors.append(Finding("timestamp_invalid", Severity.ERROR, check.format_error))
    elif not (check.digest_ok and check.signature_ok):
        errors.append(Finding("timestamp_invalid", Severity.ERROR, "token signature invalid"))
    chain = await async_validate_chain(
        cert,
        extra_certs=[*certs, *extra_certs],
        trust=trust,
        moment=moment,
        policy=policy,
        key_usage=frozenset(),
        extended_key_usage=frozenset({"time_stamping"}),
        warn_non_repudiation=False,
    )
    if not chain.trusted:
        errors.append(Finding("timestamp_untrusted", Severity.WARNING, chain.detail))
    return TimestampInfo(
        time=gen_time,
        tsa=CertificateInfo.from_asn1(cert),
        intact=intact,
        trusted=chain.trusted,
        errors=tuple(errors),
    )


def timestamp_info(
    token: cms.ContentInfo | cms.SignedData,
    signature_value: bytes,
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy | None = None,
    extra_certs: Iterable[x509.Certificate] = (),
) -> TimestampInfo | None:
    """Validate an RFC 3161 token over ``signature_value`` (imprint, token signature, TSA chain).

    Returns None when ``token`` holds no TSTInfo.  Usable by the PDF and XML verifiers too.
    """
    import asyncio

    signed = token["content"] if isinstance(token, cms.ContentInfo) else token
    return asyncio.run(
        _async_timestamp_info(
            signed,
            signature_value,
            trust=trust,
            moment=moment,
            policy=policy or ValidationPolicy(),
            extra_certs=extra_certs,
        )
    )


def _signature_facts_sync(
    signer_info: cms.SignerInfo,
    index: int,
    signed: cms.SignedData,
    content: bytes,
    kind: str,
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy,
) -> SignatureFacts:
    import asyncio

    return asyncio.run(
        _signature_facts(
            signer_info, index, signed, content, kind, trust=trust, moment=moment, policy=policy
        )
    )


def _no_cert_facts(field: str, kind: str, policy: ValidationPolicy) -> SignatureFacts:
    return SignatureFacts(
        field=field,
        kind=kind,
        integrity=False,
        digest_ok=None,
        signature_value_ok=None,
        coverage=Coverage.ENTIRE_FILE,
        modifications=Modifications.NONE,
        modification_findings=(),
        docmdp_level=None,
        signer=None,
        chain=(),
        anchor=None,
        trusted=False,
        chain_error=SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
        revocation="not_checked",
        revocation_mode=policy.revocation_mode,
        signing_time=None,
        timestamp=None,
        digest_algorithm=None,
        signature_algorithm=None,
        key_size=None,
        findings=(
            Finding("no_signing_certificate", Severity.WARNING, "signer cert not in the CMS"),
        ),
        format_error=None,
    )


async def _signature_facts(
    signer_info: cms.SignerInfo,
    index: int,
    signed: cms.SignedData,
    content: bytes,
    kind: str,
    *,
    trust: TrustStore,
    moment: datetime,
    policy: ValidationPolicy,
) -> SignatureFacts:
    field = f"signer-{index}"
    certs = _certificates(signed)
    cert = _find_signer_cert(signer_info, certs)
    if cert is None:
        return _no_cert_facts(field, kind, policy)
    content_type = signed["encap_content_info"]["content_type"].native
    check = _integrity(signer_info, cert, content_type, content)
    findings = list(check.findings)

    timestamp: TimestampInfo | None = None
    signature_value = signer_info["signature"].native
    for tst in extract_tst_data_iter(signer_info, signed=False):
        timestamp = await _async_timestamp_info(
            tst, signature_value, trust=trust, moment=moment, policy=policy, extra_certs=certs
        )
        break
    proven = timestamp is not None and timestamp.intact and timestamp.trusted
    chain_moment = timestamp.time if proven and timestamp is not None else moment
    chain: ChainResult = await async_validate_chain(
        cert, extra_certs=certs, trust=trust, moment=chain_moment, policy=policy
    )
    findings.extend(chain.findings)
    if timestamp is not None and not (timestamp.intact and timestamp.trusted):
        findings.append(
            Finding("timestamp_not_relied_on", Severity.WARNING, "timestamp invalid or untrusted")
        )
    key_algo, key_size = _key_facts(cert)
    digest_ok, sig_ok = check.digest_ok, check.signature_ok
    return SignatureFacts(
        field=field,
        kind=kind,
        integrity=bool(digest_ok and sig_ok),
        digest_ok=digest_ok,
        signature_value_ok=sig_ok,
        coverage=Coverage.ENTIRE_FILE,
        modifications=Modifications.NONE,
        modification_findings=(),
        docmdp_level=None,
        signer=signer_from_certificate(cert),
        chain=chain.chain,
        anchor=chain.anchor,
        trusted=chain.trusted,
        chain_error=chain.error,
        revocation=chain.revocation,
        revocation_mode=policy.revocation_mode,
        signing_time=extract_self_reported_ts(signer_info),
        timestamp=timestamp,
        digest_algorithm=signer_info["digest_algorithm"]["algorithm"].native,
        signature_algorithm=_signature_algorithm(signer_info) or key_algo,
        key_size=key_size,
        findings=tuple(findings),
        format_error=check.format_error,
    )


def _signed_content(
    signed: cms.SignedData, content: bytes | None
) -> tuple[bytes | None, str, list[Finding]]:
    econtent = signed["encap_content_info"]["content"]
    if econtent is core.VOID or econtent.native is None:
        return content, "cms.detached", []
    embedded = bytes(econtent)
    notes: list[Finding] = []
    if content is not None and content != embedded:
        notes.append(
            Finding(
                "detached_content_ignored",
                Severity.WARNING,
                "the signature encloses its content; the separate file was not used",
            )
        )
    return embedded, "cms.enveloping", notes


def verify_cms(
    data: bytes,
    *,
    content: bytes | None = None,
    trust: TrustStore,
    moment: datetime | None = None,
    policy: ValidationPolicy | None = None,
    filename: str = "",
) -> DocumentReport:
    """Verify every SignerInfo of a CMS SignedData; never raises for bad input.

    ``content`` is the signed file for a detached ``.p7s``; an enveloping ``.p7m`` carries it.
    """
    moment = moment or datetime.now(UTC)
    policy = policy or ValidationPolicy()
    try:
        signed = load_signed_data(data)
    except ValueError as exc:
        return DocumentReport.failed(
            filename,
            DocumentFormat.CMS,
            "cms_unreadable",
            str(exc),
            len(data),
            hashlib.sha256(data).hexdigest(),
            moment=moment,
        )
    try:
        signed_content, kind, notes = _signed_content(signed, content)
        if signed_content is None:
            return DocumentReport(
                file=filename,
                format=DocumentFormat.CMS,
                indication=Indication.INDETERMINATE,
                sub_indication=SubIndication.SIGNED_DATA_NOT_FOUND,
                errors=(
                    Finding(
                        "detached_content_missing",
                        Severity.ERROR,
                        "detached signature: the signed file was not provided",
                    ),
                ),
                signatures=(),
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                moment=moment,
            )
        reports: list[SignatureReport] = []
        for index, signer_info in enumerate(signed["signer_infos"], start=1):
            facts = _signature_facts_sync(
                signer_info,
                index,
                signed,
                signed_content,
                kind,
                trust=trust,
                moment=moment,
                policy=policy,
            )
            reports.append(evaluate(facts, policy))
    except Exception as exc:  # last line of defence: a report, never a crash
        return DocumentReport.failed(
            filename,
            DocumentFormat.CMS,
            "cms_malformed",
            f"{type(exc).__name__}: {exc}",
            len(data),
            hashlib.sha256(data).hexdigest(),
            moment=moment,
        )
    return DocumentReport.from_signatures(
        filename, DocumentFormat.CMS, reports, data=data, moment=moment, errors=notes
    )
