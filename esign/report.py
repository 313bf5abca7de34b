"""The verdict model: raw signature facts, ETSI EN 319 102-1 indications and the JSON contract.

Facts (what was measured) are kept apart from the verdict (what a policy makes of them), so an
auditor can re-read the facts under another policy.  ``DocumentReport.to_dict`` is the stable JSON
shape printed by ``motcua verify --json`` and returned by ``POST /api/v1/verify``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from asn1crypto import x509

if TYPE_CHECKING:
    from esign.vn import Signer

__all__ = [
    "CertificateInfo",
    "Coverage",
    "DocumentFormat",
    "DocumentReport",
    "Finding",
    "Indication",
    "Modifications",
    "Severity",
    "SignatureFacts",
    "SignatureReport",
    "SubIndication",
    "TimestampInfo",
    "document_verdict",
    "name_to_rfc4514",
]


class Indication(StrEnum):
    """Main status of ETSI EN 319 102-1, plus NO_SIGNATURE for a document that holds none."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"
    NO_SIGNATURE = "NO_SIGNATURE"


class SubIndication(StrEnum):
    """Sub-indications of ETSI EN 319 102-1 (clause 5.1.3)."""

    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    TRY_LATER = "TRY_LATER"


class DocumentFormat(StrEnum):
    """Container format the verifier recognised."""

    PDF = "pdf"
    CMS = "cms"
    XML = "xml"
    UNKNOWN = "unknown"


class Coverage(StrEnum):
    """How much of the document a signature covers."""

    ENTIRE_FILE = "ENTIRE_FILE"
    ENTIRE_REVISION = "ENTIRE_REVISION"
    PARTIAL = "PARTIAL"


class Modifications(StrEnum):
    """Classification of the changes made after signing."""

    NONE = "NONE"
    PERMITTED = "PERMITTED"
    NOT_PERMITTED = "NOT_PERMITTED"


class Severity(StrEnum):
    """How much a finding matters to the verdict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# Short names of RFC 4514 section 3 plus the ones Vietnamese certificates carry.
_SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.6": "C",
    "2.5.4.9": "STREET",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
    "2.5.4.5": "serialNumber",
    "2.5.4.12": "title",
    "2.5.4.4": "SN",
    "2.5.4.42": "GN",
}


def _escape(value: str) -> str:
    """RFC 4514 section 2.4 escaping of an attribute value."""
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;' or (i == 0 and ch in "# ") or (i == len(value) - 1 and ch == " "):
            out.append("\\" + ch)
        elif ch == "\x00":
            out.append("\\00")
        else:
            out.append(ch)
    return "".join(out)


def _attr_text(value: Any) -> str:
    native = value.native
    if isinstance(native, str):
        return native
    return "#" + bytes(value.dump()).hex()


def name_to_rfc4514(name: x509.Name) -> str:
    """RFC 4514 text of a name, most specific RDN first (as ``openssl -nameopt RFC2253``)."""
    rdns = []
    for rdn in reversed(list(name.chosen)):
        parts = []
        for ava in rdn:
            oid = ava["type"].dotted
            parts.append(f"{_SHORT_NAMES.get(oid, oid)}={_escape(_attr_text(ava['value']))}")
        rdns.append("+".join(parts))
    return ",".join(rdns)


@dataclass(frozen=True)
class Finding:
    """A fact worth telling the reader; the web layer translates ``code``."""

    code: str
    """Stable machine code, e.g. ``sha1_digest``, ``no_non_repudiation``, ``pages_added``."""
    severity: Severity
    detail: str = ""
    """English technical detail for logs and JSON; never shown untranslated to citizens."""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": str(self.severity), "detail": self.detail}


@dataclass(frozen=True)
class CertificateInfo:
    """What a reader needs to identify a certificate."""

    subject: str
    """RFC 4514 subject text."""
    issuer: str
    """RFC 4514 issuer text."""
    serial_hex: str
    sha256: str
    """Hex SHA-256 fingerprint of the DER certificate."""
    not_before: datetime
    not_after: datetime

    @classmethod
    def from_asn1(cls, cert: x509.Certificate) -> CertificateInfo:
        validity = cert["tbs_certificate"]["validity"]
        return cls(
            subject=name_to_rfc4514(cert.subject),
            issuer=name_to_rfc4514(cert.issuer),
            serial_hex=format(cert.serial_number, "x"),
            sha256=hashlib.sha256(cert.dump()).hexdigest(),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
        )

    def to_dict(self) -> dict[str, str | None]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial_hex": self.serial_hex,
            "sha256": self.sha256,
            "not_before": _iso(self.not_before),
            "not_after": _iso(self.not_after),
        }


@dataclass(frozen=True)
class TimestampInfo:
    """An RFC 3161 timestamp token and its own validation."""

    time: datetime
    """genTime of the token."""
    tsa: CertificateInfo | None
    intact: bool
    """The token's imprint matches the signature and its own signature verifies."""
    trusted: bool
    """The TSA certificate chains to a trust anchor."""
    errors: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "tsa": None if self.tsa is None else self.tsa.to_dict(),
            "intact": self.intact,
            "trusted": self.trusted,
            "errors": [f.to_dict() for f in self.errors],
        }


@dataclass(frozen=True)
class SignatureFacts:
    """Raw facts measured on one signature; no verdict."""

    field: str
    """PDF field name, XML Signature Id, ``cms`` or ``signer-N``."""
    kind: str
    """Sub-filter or container: ``adbe.pkcs7.detached``, ``ETSI.CAdES.detached``,
    ``adbe.pkcs7.sha1``, ``adbe.x509.rsa_sha1``, ``ETSI.RFC3161``, ``cms.detached``,
    ``cms.enveloping``, ``xmldsig``."""
    integrity: bool
    """Digest AND signature value both verified."""
    digest_ok: bool | None
    signature_value_ok: bool | None
    coverage: Coverage
    modifications: Modifications
    modification_findings: tuple[Finding, ...]
    """What changed after signing."""
    docmdp_level: int | None
    """1, 2 or 3 for certification signatures."""
    signer: Signer | None
    chain: tuple[CertificateInfo, ...]
    """Certification path, leaf first."""
    anchor: CertificateInfo | None
    """Trust anchor reached, if any."""
    trusted: bool
    chain_error: SubIndication | None
    """Why the chain is not trusted (NO_CERTIFICATE_CHAIN_FOUND, REVOKED, EXPIRED, ...)."""
    revocation: str
    """``good``, ``revoked``, ``unknown`` or ``not_checked``."""
    revocation_mode: str
    """``offline``, ``soft`` or ``hard``: the policy the revocation check ran under."""
    signing_time: datetime | None
    """Time claimed by the signer (signed attribute, PDF /M, XML SigningTime); not proven."""
    timestamp: TimestampInfo | None
    digest_algorithm: str | None
    signature_algorithm: str | None
    key_size: int | None
    findings: tuple[Finding, ...]
    """Warnings and errors: SHA-1, weak key, key usage, format errors."""
    format_error: str | None
    """Set when the structure is broken (leads to FORMAT_FAILURE)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kind": self.kind,
            "integrity": self.integrity,
            "digest_ok": self.digest_ok,
            "signature_value_ok": self.signature_value_ok,
            "coverage": str(self.coverage),
            "modifications": str(self.modifications),
            "modification_findings": [f.to_dict() for f in self.modification_findings],
            "docmdp_level": self.docmdp_level,
            "signer": None if self.signer is None else self.signer.to_dict(),
            "chain": [c.to_dict() for c in self.chain],
            "anchor": None if self.anchor is None else self.anchor.to_dict(),
            "trusted": self.trusted,
            "chain_error": None if self.chain_error is None else str(self.chain_error),
            "revocation": self.revocation,
            "revocation_mode": self.revocation_mode,
            "signing_time": _iso(self.signing_time),
            "timestamp": None if self.timestamp is None else self.timestamp.to_dict(),
            "digest_algorithm": self.digest_algorithm,
            "signature_algorithm": self.signature_algorithm,
            "key_size": self.key_size,
            "findings": [f.to_dict() for f in self.findings],
            "format_error": self.format_error,
        }


@dataclass(frozen=True)
class SignatureReport:
    """Facts of one signature and the verdict a policy gave them."""

    facts: SignatureFacts
    indication: Indication
    sub_indication: SubIndication | None

    def to_dict(self) -> dict[str, Any]:
        data = self.facts.to_dict()
        data["indication"] = str(self.indication)
        data["sub_indication"] = None if self.sub_indication is None else str(self.sub_indication)
        data["warnings"] = [
            f.to_dict()
            for f in (*self.facts.findings, *self.facts.modification_findings)
            if f.severity is Severity.WARNING
        ]
        return data


_RANK = {Indication.TOTAL_FAILED: 0, Indication.INDETERMINATE: 1, Indication.TOTAL_PASSED: 2}


def document_verdict(
    sigs: Sequence[SignatureReport],
) -> tuple[Indication, SubIndication | None]:
    """Worst signature wins: NO_SIGNATURE, else TOTAL_FAILED, else INDETERMINATE, else PASSED."""
    if not sigs:
        return Indication.NO_SIGNATURE, None
    worst = min(sigs, key=lambda s: _RANK.get(s.indication, 1))
    if worst.indication is Indication.TOTAL_PASSED:
        return Indication.TOTAL_PASSED, None
    return worst.indication, worst.sub_indication


@dataclass(frozen=True)
class DocumentReport:
    """Verdict on a whole document; every input yields one, never an exception."""

    file: str
    format: DocumentFormat
    indication: Indication
    sub_indication: SubIndication | None
    errors: tuple[Finding, ...]
    """Document-level problems (unreadable file, limits hit, ...)."""
    signatures: tuple[SignatureReport, ...]
    size: int
    """Size of the input in bytes."""
    sha256: str
    """Hex SHA-256 of the input bytes."""
    moment: datetime
    """The validation moment used."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": str(self.format),
            "indication": str(self.indication),
            "sub_indication": None if self.sub_indication is None else str(self.sub_indication),
            "errors": [f.to_dict() for f in self.errors],
            "signatures": [s.to_dict() for s in self.signatures],
            "size": self.size,
            "sha256": self.sha256,
            "moment": _iso(self.moment),
        }

    @classmethod
    def failed(
        cls,
        file: str,
        format: DocumentFormat,
        code: str,
        detail: str,
        size: int = 0,
        sha256: str = "",
        *,
        moment: datetime,
    ) -> DocumentReport:
        """An unreadable input: TOTAL_FAILED / FORMAT_FAILURE with the reason as an error."""
        return cls(
            file=file,
            format=format,
            indication=Indication.TOTAL_FAILED,
            sub_indication=SubIndication.FORMAT_FAILURE,
            errors=(Finding(code, Severity.ERROR, detail),),
            signatures=(),
            size=size,
            sha256=sha256,
            moment=moment,
        )

    @classmethod
    def from_signatures(
        cls,
        file: str,
        format: DocumentFormat,
        signatures: Sequence[SignatureReport],
        *,
        data: bytes,
        moment: datetime,
        errors: Sequence[Finding] = (),
    ) -> DocumentReport:
        """Assemble a report whose verdict is ``document_verdict`` of its signatures."""
        indication, sub = document_verdict(signatures)
        return cls(
            file=file,
            format=format,
            indication=indication,
            sub_indication=sub,
            errors=tuple(errors),
            signatures=tuple(signatures),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            moment=moment,
        )
