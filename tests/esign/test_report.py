"""The verdict model and its JSON contract (what the CLI and the API print)."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime

import pytest
from asn1crypto import x509

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
    document_verdict,
    name_to_rfc4514,
)
from esign.vn import signer_from_certificate
from tests.esign.pki import TestPKI

MOMENT = datetime(2026, 6, 1, tzinfo=UTC)


def _facts(pki: TestPKI, **changes: object) -> SignatureFacts:
    base = SignatureFacts(
        field="Signature1",
        kind="adbe.pkcs7.detached",
        integrity=True,
        digest_ok=True,
        signature_value_ok=True,
        coverage=Coverage.ENTIRE_REVISION,
        modifications=Modifications.PERMITTED,
        modification_findings=(Finding("form_filled", Severity.INFO, "field Name filled"),),
        docmdp_level=2,
        signer=signer_from_certificate(pki.signer.cert),
        chain=(CertificateInfo.from_asn1(pki.signer.cert),),
        anchor=CertificateInfo.from_asn1(pki.root.cert),
        trusted=True,
        chain_error=None,
        revocation="good",
        revocation_mode="offline",
        signing_time=datetime(2026, 5, 1, 8, 30, tzinfo=UTC),
        timestamp=TimestampInfo(
            time=datetime(2026, 5, 1, 8, 31, tzinfo=UTC),
            tsa=CertificateInfo.from_asn1(pki.tsa.cert),
            intact=True,
            trusted=True,
        ),
        digest_algorithm="sha256",
        signature_algorithm="rsassa_pkcs1v15",
        key_size=2048,
        findings=(Finding("no_non_repudiation", Severity.WARNING, "no NR"),),
        format_error=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _report(facts: SignatureFacts, indication: Indication, sub: SubIndication | None = None):
    return SignatureReport(facts=facts, indication=indication, sub_indication=sub)


def test_json_contract_keys_and_values(pki: TestPKI) -> None:
    sig = _report(_facts(pki), Indication.TOTAL_PASSED)
    doc = DocumentReport.from_signatures(
        "a.pdf", DocumentFormat.PDF, [sig], data=b"%PDF-1.7", moment=MOMENT
    )
    out = json.loads(json.dumps(doc.to_dict()))
    assert {"file", "format", "indication", "sub_indication", "errors", "signatures"} <= set(out)
    assert out["format"] == "pdf"
    assert out["indication"] == "TOTAL_PASSED"
    assert out["sub_indication"] is None
    (s,) = out["signatures"]
    for key in (
        "field",
        "indication",
        "sub_indication",
        "integrity",
        "coverage",
        "modifications",
        "trusted",
        "signer",
        "signing_time",
        "timestamp",
        "warnings",
    ):
        assert key in s
    assert s["coverage"] == "ENTIRE_REVISION"
    assert s["modifications"] == "PERMITTED"
    assert s["integrity"] is True
    assert s["signing_time"] == "2026-05-01T08:30:00+00:00"
    assert s["timestamp"]["time"] == "2026-05-01T08:31:00+00:00"
    assert s["signer"]["tax_code"] == "0101234567-001"
    assert s["signer"]["identifiers"][0] == {"kind": "MST", "value": "0101234567-001"}
    # warnings hold only warning-severity findings
    assert [w["code"] for w in s["warnings"]] == ["no_non_repudiation"]
    assert out["moment"] == "2026-06-01T00:00:00+00:00"
    assert out["size"] == 8


def test_failed_report_is_format_failure_with_reason() -> None:
    doc = DocumentReport.failed(
        "x.bin", DocumentFormat.UNKNOWN, "unknown_format", "not PDF, CMS or XML", moment=MOMENT
    )
    out = doc.to_dict()
    assert out["indication"] == "TOTAL_FAILED"
    assert out["sub_indication"] == "FORMAT_FAILURE"
    assert out["errors"] == [
        {"code": "unknown_format", "severity": "error", "detail": "not PDF, CMS or XML"}
    ]
    assert out["signatures"] == []


def test_document_verdict_worst_signature_wins(pki: TestPKI) -> None:
    facts = _facts(pki)
    passed = _report(facts, Indication.TOTAL_PASSED)
    indet = _report(facts, Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND)
    failed = _report(facts, Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE)
    assert document_verdict([]) == (Indication.NO_SIGNATURE, None)
    assert document_verdict([passed, passed]) == (Indication.TOTAL_PASSED, None)
    assert document_verdict([passed, indet]) == (
        Indication.INDETERMINATE,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
    )
    assert document_verdict([indet, failed, passed]) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_no_signature_document() -> None:
    doc = DocumentReport.from_signatures("u.pdf", DocumentFormat.PDF, [], data=b"x", moment=MOMENT)
    assert doc.indication is Indication.NO_SIGNATURE
    assert doc.to_dict()["indication"] == "NO_SIGNATURE"


def test_reports_are_frozen(pki: TestPKI) -> None:
    facts = _facts(pki)
    with pytest.raises(FrozenInstanceError):
        facts.integrity = False  # type: ignore[misc]


def test_certificate_info_reads_subject_without_splitting_commas(corpus_dir) -> None:
    der = (corpus_dir / "certs/vn-samples/sample_leaf_safeca_MST0106324653.der").read_bytes()
    info = CertificateInfo.from_asn1(x509.Certificate.load(der))
    # the locality holds commas; RFC 4514 escapes them instead of making new RDNs
    assert "L=285/94B Cách mạng tháng 8\\, Phường 12\\, Quận 10\\, TP Hồ Chí Minh" in info.subject
    assert info.issuer == "CN=SAFE-CA SHA-256 2020,O=SAFETY CERTIFY CORPORATION,C=VN"
    assert info.not_before.tzinfo is not None
    assert len(info.sha256) == 64


def test_name_to_rfc4514_escapes_specials() -> None:
    name = x509.Name.build({"common_name": "#Lê, Văn+A "})
    assert name_to_rfc4514(name) == "CN=\\#Lê\\, Văn\\+A\\ "
