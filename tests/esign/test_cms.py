"""Detached and enveloping CMS signatures made fresh with the test PKI."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from asn1crypto import cms, core, pem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from esign.cms import timestamp_info, verify_cms
from esign.policy import ValidationPolicy
from esign.report import DocumentReport, Indication, SubIndication
from esign.trust import TrustStore
from tests.esign.pki import Issued, TestPKI

CLAIMED = datetime(2026, 5, 20, 9, 15, tzinfo=UTC)
CONTENT = "Tờ khai đăng ký khai sinh — bản điện tử\n".encode() * 50


def _sign(
    pki: TestPKI,
    who: Issued,
    *,
    detached: bool = True,
    md: str = "sha256",
    timestamper: Any = None,
    content: bytes = CONTENT,
    signing_time: datetime | None = None,
) -> bytes:
    signer = who.simple_signer(pki)
    attrs = PdfCMSSignedAttributes(signing_time=signing_time)
    info = asyncio.run(
        signer.async_sign_general_data(
            content, md, detached=detached, timestamper=timestamper, signed_attr_settings=attrs
        )
    )
    return bytes(info.dump())


def _verify(pki: TestPKI, data: bytes, **kwargs: Any) -> DocumentReport:
    kwargs.setdefault("content", CONTENT)
    kwargs.setdefault("trust", pki.trust())
    kwargs.setdefault("moment", pki.moment)
    return verify_cms(data, filename="x.p7s", **kwargs)


@pytest.fixture(scope="module")
def good_p7s(pki: TestPKI) -> bytes:
    return _sign(pki, pki.signer, signing_time=CLAIMED)


def _verdict(report: DocumentReport) -> tuple[Indication, SubIndication | None]:
    return report.indication, report.sub_indication


def _codes(report: DocumentReport) -> set[str]:
    return {f.code for f in report.signatures[0].facts.findings}


def test_good_detached_signature_passes(pki: TestPKI, good_p7s: bytes) -> None:
    report = _verify(pki, good_p7s)
    assert _verdict(report) == (Indication.TOTAL_PASSED, None)
    (sig,) = report.signatures
    facts = sig.facts
    assert facts.kind == "cms.detached"
    assert facts.integrity
    assert facts.digest_ok
    assert facts.signature_value_ok
    assert facts.trusted
    assert facts.revocation == "good"
    assert facts.anchor is not None
    assert facts.anchor.subject.startswith("CN=motcua Test Root CA")
    assert len(facts.chain) == 3
    assert facts.signer is not None
    assert facts.signer.tax_code == "0101234567-001"
    assert facts.signing_time == CLAIMED
    assert facts.digest_algorithm == "sha256"
    assert facts.key_size == 2048
    assert "no_timestamp" in _codes(report)
    assert report.to_dict()["format"] == "cms"


def test_enveloping_p7m_passes_without_separate_content(pki: TestPKI) -> None:
    report = _verify(pki, _sign(pki, pki.signer, detached=False), content=None)
    assert _verdict(report) == (Indication.TOTAL_PASSED, None)
    assert report.signatures[0].facts.kind == "cms.enveloping"


def test_pem_armoured_signature_is_read(pki: TestPKI, good_p7s: bytes) -> None:
    report = _verify(pki, pem.armor("PKCS7", good_p7s))
    assert report.indication is Indication.TOTAL_PASSED


def test_tampered_content_is_hash_failure(pki: TestPKI, good_p7s: bytes) -> None:
    report = _verify(pki, good_p7s, content=CONTENT.replace(b"khai", b"KHAI", 1))
    assert _verdict(report) == (Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE)
    assert report.signatures[0].facts.digest_ok is False


def test_tampered_signature_value_is_sig_crypto_failure(pki: TestPKI, good_p7s: bytes) -> None:
    info = cms.ContentInfo.load(good_p7s)
    signer_info = info["content"]["signer_infos"][0]
    value = bytearray(signer_info["signature"].native)
    value[10] ^= 0x01
    signer_info["signature"] = core.OctetString(bytes(value))
    report = _verify(pki, info.dump(force=True))
    assert _verdict(report) == (Indication.TOTAL_FAILED, SubIndication.SIG_CRYPTO_FAILURE)


def test_missing_detached_content(pki: TestPKI, good_p7s: bytes) -> None:
    report = _verify(pki, good_p7s, content=None)
    assert _verdict(report) == (Indication.INDETERMINATE, SubIndication.SIGNED_DATA_NOT_FOUND)
    assert report.errors[0].code == "detached_content_missing"


def test_revoked_signer_without_timestamp_is_indeterminate(pki: TestPKI) -> None:
    report = _verify(pki, _sign(pki, pki.revoked))
    assert _verdict(report) == (Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE)
    facts = report.signatures[0].facts
    assert facts.revocation == "revoked"
    assert facts.chain_error is SubIndication.REVOKED


def test_revoked_signer_timestamped_after_revocation_fails(pki: TestPKI) -> None:
    after = datetime(2025, 7, 1, tzinfo=UTC)
    report = _verify(pki, _sign(pki, pki.revoked, timestamper=pki.timestamper(at=after)))
    assert _verdict(report) == (Indication.TOTAL_FAILED, SubIndication.REVOKED)


def test_revoked_signer_timestamped_before_revocation_passes(pki: TestPKI) -> None:
    before = datetime(2025, 1, 1, tzinfo=UTC)
    report = _verify(pki, _sign(pki, pki.revoked, timestamper=pki.timestamper(at=before)))
    assert _verdict(report) == (Indication.TOTAL_PASSED, None)
    ts = report.signatures[0].facts.timestamp
    assert ts is not None
    assert ts.intact
    assert ts.trusted
    assert ts.time == before


def test_expired_signer_without_timestamp(pki: TestPKI) -> None:
    report = _verify(pki, _sign(pki, pki.expired))
    assert _verdict(report) == (Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE)


def test_expired_signer_with_timestamp_inside_validity_passes(pki: TestPKI) -> None:
    data = _sign(pki, pki.expired, timestamper=pki.timestamper(at=pki.expired_moment))
    report = _verify(pki, data)
    assert _verdict(report) == (Indication.TOTAL_PASSED, None)
    assert "no_timestamp" not in _codes(report)


def test_no_non_repudiation_is_a_warning(pki: TestPKI) -> None:
    report = _verify(pki, _sign(pki, pki.signer_no_nr))
    assert _verdict(report) == (Indication.TOTAL_PASSED, None)
    warnings = report.to_dict()["signatures"][0]["warnings"]
    assert "no_non_repudiation" in {w["code"] for w in warnings}


def test_sha1_is_flagged_and_not_passed(pki: TestPKI) -> None:
    data = _sign(pki, pki.signer, md="sha1")
    report = _verify(pki, data)
    assert _verdict(report) == (
        Indication.INDETERMINATE,
        SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
    )
    assert "sha1_digest" in _codes(report)
    assert report.signatures[0].facts.integrity  # still checked
    allowed = _verify(pki, data, policy=ValidationPolicy(allow_sha1=True))
    assert allowed.indication is Indication.TOTAL_PASSED


def test_unknown_root_is_no_chain(pki: TestPKI, good_p7s: bytes, vn_trust: TrustStore) -> None:
    report = _verify(pki, good_p7s, trust=vn_trust)
    assert _verdict(report) == (Indication.INDETERMINATE, SubIndication.NO_CERTIFICATE_CHAIN_FOUND)
    assert report.signatures[0].facts.integrity


def test_timestamp_over_other_bytes_is_not_relied_on(pki: TestPKI, good_p7s: bytes) -> None:
    token = asyncio.run(pki.timestamper(at=pki.moment).async_timestamp(b"\x00" * 32, "sha256"))
    info = timestamp_info(token, b"another signature", trust=pki.trust(), moment=pki.moment)
    assert info is not None
    assert not info.intact
    assert "timestamp_imprint_mismatch" in {f.code for f in info.errors}


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage", b"\x30\x80", b"-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----\n"],
)
def test_unreadable_input_is_format_failure(pki: TestPKI, data: bytes) -> None:
    report = _verify(pki, data)
    assert _verdict(report) == (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)
    assert report.errors
    assert report.errors[0].code in {"cms_unreadable", "cms_malformed"}


def test_truncated_signature_gives_a_report(pki: TestPKI, good_p7s: bytes) -> None:
    for cut in (1, 10, len(good_p7s) // 2, len(good_p7s) - 1):
        report = _verify(pki, good_p7s[:cut])
        assert report.indication is Indication.TOTAL_FAILED


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_signature_always_yields_a_report(
    pki: TestPKI, good_p7s: bytes, data: st.DataObject
) -> None:
    raw = bytearray(good_p7s)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    report = _verify(pki, bytes(raw))
    assert isinstance(report, DocumentReport)
    if report.indication is Indication.TOTAL_PASSED:
        # a mutation can only pass if it did not touch what the signature protects
        assert report.signatures[0].facts.integrity


def test_signer_certificate_missing_is_indeterminate(pki: TestPKI, good_p7s: bytes) -> None:
    info = cms.ContentInfo.load(good_p7s)
    info["content"]["certificates"] = cms.CertificateSet([])
    report = _verify(pki, info.dump(force=True))
    assert _verdict(report) == (
        Indication.INDETERMINATE,
        SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
    )


def test_enveloping_signature_ignores_a_different_separate_file(pki: TestPKI) -> None:
    report = _verify(pki, _sign(pki, pki.signer, detached=False), content=b"other file")
    assert report.indication is Indication.TOTAL_PASSED
    assert report.errors[0].code == "detached_content_ignored"


def test_two_signers_are_both_reported(pki: TestPKI, good_p7s: bytes) -> None:
    first = cms.ContentInfo.load(good_p7s)
    second = cms.ContentInfo.load(_sign(pki, pki.revoked))
    signed = first["content"]
    signed["signer_infos"] = cms.SignerInfos(
        [signed["signer_infos"][0], second["content"]["signer_infos"][0]]
    )
    signed["certificates"] = cms.CertificateSet(
        [*signed["certificates"], cms.CertificateChoices("certificate", pki.revoked.cert)]
    )
    report = _verify(pki, first.dump(force=True))
    # DER sorts the SET OF SignerInfo, so look signers up by name rather than position.
    assert sorted(s.facts.field for s in report.signatures) == ["signer-1", "signer-2"]
    by_name = {
        s.facts.signer.common_name: s.indication for s in report.signatures if s.facts.signer
    }
    assert by_name == {
        "Nguyễn Văn An": Indication.TOTAL_PASSED,
        "Lê Văn Cường": Indication.INDETERMINATE,
    }
    assert _verdict(report) == (Indication.INDETERMINATE, SubIndication.REVOKED_NO_POE)
