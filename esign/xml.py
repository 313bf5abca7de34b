"""Verify XMLDSig enveloped signatures, several per document (Vietnamese e-invoices).

An e-invoice (Decree 123/2020, Circular 78/2021) carries the seller's signature in ``DSCKS/NBan``
and the tax authority's in ``DSCKS/CQT``; both sign the invoice data element ``DLHDon`` by its
``Id`` rather than the whole file.  Such a signature is reported as PARTIAL coverage *and* says
which element it signs; the verdict accepts it because the wrapping defences below make sure the
signed element is the one a reader sees (unique IDs, no unsigned twin, not hidden in a Signature).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from asn1crypto import x509 as asn1_x509
from lxml import etree

from esign.policy import ValidationPolicy, evaluate
from esign.report import (
    CertificateInfo,
    Coverage,
    DocumentFormat,
    DocumentReport,
    Finding,
    Modifications,
    Severity,
    SignatureFacts,
    SignatureReport,
    SubIndication,
)
from esign.xml_c14n import DSIG_NS, IdIndex, element_path
from esign.xml_dsig import SignatureCheck, check_signature
from esign.xml_safe import XmlRejected, parse_xml

if TYPE_CHECKING:
    from esign.trust import TrustStore
    from esign.vn import Signer

__all__ = ["verify_xml"]

_SIGNATURE = f"{{{DSIG_NS}}}Signature"
_OBJECT = f"{{{DSIG_NS}}}Object"
# Elements inside a Signature that may legitimately be signed: signature metadata.
_SIGNATURE_METADATA = frozenset(
    {
        "Object",
        "SignatureProperties",
        "SignatureProperty",
        "SignedProperties",
        "QualifyingProperties",
        "SigningTime",
    }
)
# Parent element name in DSCKS -> who signed, in Vietnamese e-invoices.
_EINVOICE_ROLES = {"NBan": "seller", "NMua": "buyer", "CQT": "tax_authority", "CCKSKhac": "other"}
_EINVOICE_DATA = frozenset({"DLHDon", "DLTKhai", "DLTBao"})


def _inside_signature(el: etree._Element) -> etree._Element | None:
    for anc in el.iterancestors(_SIGNATURE):
        return anc
    return None


def _wrapping_findings(
    check: SignatureCheck, all_signed: Sequence[etree._Element], root: etree._Element
) -> list[Finding]:
    """Signature-wrapping defences on what ``check`` signed."""
    findings: list[Finding] = []
    for el in check.signed_elements:
        if el is root:
            continue
        holder = _inside_signature(el)
        metadata = holder is not None and etree.QName(el).localname in _SIGNATURE_METADATA
        if holder is not None and not metadata:
            findings.append(
                Finding(
                    "signed_content_in_signature",
                    Severity.ERROR,
                    f"{element_path(el)} lies inside a Signature",
                )
            )
        twins = [
            other
            for other in root.iter(el.tag)
            if other is not el
            and _inside_signature(other) is None
            and not any(s is other or s in other.iterancestors() for s in all_signed)
        ]
        if twins and not metadata:
            findings.append(
                Finding(
                    "unsigned_twin_element",
                    Severity.ERROR,
                    f"{element_path(twins[0])} is named like the signed {element_path(el)}"
                    " but is not signed",
                )
            )
    return findings


def _coverage(check: SignatureCheck) -> tuple[Coverage, Finding | None]:
    if any(r.whole_document and r.ok for r in check.references):
        return Coverage.ENTIRE_FILE, None
    parts = [r.covered_path for r in check.references if r.covered_path]
    data_signed = any(etree.QName(el).localname in _EINVOICE_DATA for el in check.signed_elements)
    severity = Severity.INFO if data_signed else Severity.WARNING
    return Coverage.PARTIAL, Finding("partial_coverage", severity, "signed: " + ", ".join(parts))


def _algorithm_findings(check: SignatureCheck) -> list[Finding]:
    findings: list[Finding] = []
    if check.weakest_digest == "sha1":
        findings.append(
            Finding("sha1_digest", Severity.WARNING, "SHA-1 used in the signature or a reference")
        )
    if check.signing_time is not None and not check.signing_time_signed:
        findings.append(
            Finding(
                "signing_time_unsigned",
                Severity.WARNING,
                "SigningTime is not covered by the signature",
            )
        )
    if check.signing_time_naive:
        findings.append(
            Finding(
                "signing_time_no_timezone",
                Severity.INFO,
                "SigningTime without offset read as UTC+07:00",
            )
        )
    if check.leaf is None and check.format_error is None:
        findings.append(
            Finding("no_signing_certificate", Severity.ERROR, "KeyInfo has no X509Certificate")
        )
    return findings


def _role_finding(sig: etree._Element) -> Finding | None:
    parent = sig.getparent()
    if parent is None:
        return None
    role = _EINVOICE_ROLES.get(etree.QName(parent).localname)
    return None if role is None else Finding("einvoice_role", Severity.INFO, role)


def _signer(cert: asn1_x509.Certificate) -> Signer | None:
    try:
        from esign.vn import signer_from_certificate
    except ImportError:  # pragma: no cover - vn.py is written by another helper
        return None
    try:
        return signer_from_certificate(cert)
    except Exception:
        return None


def _as_info(value: Any) -> CertificateInfo:
    return value if isinstance(value, CertificateInfo) else CertificateInfo.from_asn1(value)


@dataclasses.dataclass(frozen=True)
class _Chain:
    chain: tuple[CertificateInfo, ...]
    anchor: CertificateInfo | None
    trusted: bool
    error: SubIndication | None
    revocation: str
    findings: tuple[Finding, ...]


def _chain(
    leaf: asn1_x509.Certificate,
    extra: Sequence[asn1_x509.Certificate],
    trust: TrustStore | None,
    moment: datetime,
    policy: ValidationPolicy,
) -> _Chain:
    fallback = _Chain(
        (CertificateInfo.from_asn1(leaf),),
        None,
        False,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
        "not_checked",
        (),
    )
    if trust is None:
        return fallback
    try:
        from esign.chain import validate_chain
    except ImportError:  # pragma: no cover - chain.py is written by another helper
        return fallback
    result = validate_chain(
        leaf, extra_certs=list(extra), trust=trust, moment=moment, policy=policy
    )
    return _Chain(
        chain=tuple(_as_info(c) for c in result.chain) or fallback.chain,
        anchor=None if result.anchor is None else _as_info(result.anchor),
        trusted=bool(result.trusted),
        error=result.error,
        revocation=str(result.revocation),
        # The chain verdict travels in ``error``; an ERROR-severity copy in the findings would
        # make the policy read it as a broken structure (FORMAT_FAILURE), so it is kept as INFO.
        findings=tuple(
            dataclasses.replace(f, severity=Severity.INFO) if f.severity is Severity.ERROR else f
            for f in result.findings
        ),
    )


def _facts(
    check: SignatureCheck,
    extra_findings: Sequence[Finding],
    trust: TrustStore | None,
    moment: datetime,
    policy: ValidationPolicy,
) -> SignatureFacts:
    findings = list(extra_findings) + _algorithm_findings(check)
    coverage, cov_finding = _coverage(check)
    if cov_finding is not None:
        findings.append(cov_finding)
    chain = _Chain((), None, False, SubIndication.NO_SIGNING_CERTIFICATE_FOUND, "not_checked", ())
    if check.leaf is not None:
        extra = [c for c in check.certificates if c is not check.leaf]
        try:
            chain = _chain(check.leaf, extra, trust, moment, policy)
        except Exception as exc:  # a certificate odd enough to break path building
            chain = _Chain(
                (),
                None,
                False,
                SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                "not_checked",
                (Finding("chain_error", Severity.INFO, f"{type(exc).__name__}: {exc}"[:200]),),
            )
    if check.format_error is not None:
        findings.append(Finding(check.format_error, Severity.ERROR, check.format_detail))
    failed_refs = [r.uri or "" for r in check.references if not r.ok]
    if failed_refs:
        findings.append(
            Finding(
                "reference_digest_mismatch",
                Severity.ERROR,
                "changed after signing: " + ", ".join(failed_refs),
            )
        )
    digest_ok = check.digest_ok
    return SignatureFacts(
        field=check.name,
        kind="xmldsig",
        integrity=bool(digest_ok)
        and check.signature_value_ok is True
        and check.format_error is None,
        digest_ok=digest_ok,
        signature_value_ok=check.signature_value_ok,
        coverage=coverage,
        modifications=Modifications.NOT_PERMITTED if failed_refs else Modifications.NONE,
        modification_findings=(),
        docmdp_level=None,
        signer=None if check.leaf is None else _signer(check.leaf),
        chain=chain.chain,
        anchor=chain.anchor,
        trusted=chain.trusted,
        chain_error=chain.error,
        revocation=chain.revocation,
        revocation_mode=policy.revocation_mode,
        signing_time=check.signing_time,
        timestamp=None,
        digest_algorithm=check.weakest_digest,
        signature_algorithm=check.signature_algorithm,
        key_size=check.key_size,
        findings=tuple(findings) + chain.findings,
        format_error=check.format_error,
    )


def _judge(facts: SignatureFacts, policy: ValidationPolicy) -> SignatureReport:
    """``evaluate``, except that a PARTIAL XML coverage alone does not fail the signature.

    In XMLDSig signing one identified element is the normal case; ``partial_coverage`` says
    which, and wrapping defences have already turned tricks into errors.
    """
    if facts.coverage is not Coverage.PARTIAL:
        return evaluate(facts, policy)
    judged = evaluate(dataclasses.replace(facts, coverage=Coverage.ENTIRE_FILE), policy)
    return dataclasses.replace(
        judged, facts=dataclasses.replace(judged.facts, coverage=Coverage.PARTIAL)
    )


def _signatures(tree: etree._ElementTree) -> list[etree._Element]:
    return list(tree.getroot().iter(_SIGNATURE))


def verify_xml(
    data: bytes,
    *,
    trust: TrustStore | None,
    moment: datetime | None = None,
    policy: ValidationPolicy | None = None,
    filename: str = "",
) -> DocumentReport:
    """Verify every ds:Signature in ``data``.

    An unreadable or unsafe file gives a FORMAT_FAILURE report, never an exception.
    """
    policy = policy or ValidationPolicy()
    moment = moment or datetime.now(UTC)
    try:
        tree = parse_xml(data)
    except XmlRejected as exc:
        return DocumentReport.failed(
            filename,
            DocumentFormat.XML,
            exc.code,
            exc.detail,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            moment=moment,
        )
    root = tree.getroot()
    ids = IdIndex(root)
    checks = [check_signature(sig, tree, ids, i + 1) for i, sig in enumerate(_signatures(tree))]
    all_signed = [el for c in checks for el in c.signed_elements]
    reports: list[SignatureReport] = []
    for check in checks:
        extra = _wrapping_findings(check, all_signed, root)
        role = _role_finding(check.element)
        if role is not None:
            extra.append(role)
        reports.append(_judge(_facts(check, extra, trust, moment, policy), policy))
    errors = [
        Finding("duplicate_id", Severity.WARNING, f"ID {v!r} is not unique")
        for v in ids.duplicates()
    ]
    return DocumentReport.from_signatures(
        filename, DocumentFormat.XML, reports, data=data, moment=moment, errors=errors
    )
