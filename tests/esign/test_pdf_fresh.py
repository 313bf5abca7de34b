"""Documents signed in the test with the throw-away PKI: each scenario of issue 6."""

from __future__ import annotations

import pytest
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigSeedSubFilter

from esign.pdf import verify_pdf
from esign.policy import ValidationPolicy
from esign.report import (
    Coverage,
    DocumentReport,
    Indication,
    Modifications,
    SubIndication,
)
from tests.esign.pki import TestPKI
from tests.esign.test_pdf_support import (
    add_annotation,
    add_page,
    base_pdf,
    change_page_content,
    fill_field,
    resign_as_pkcs7_sha1,
    sign,
)


def _verify(pki: TestPKI, data: bytes, **kwargs: object) -> DocumentReport:
    moment = kwargs.pop("moment", pki.moment)
    trust = kwargs.pop("trust", pki.trust())
    return verify_pdf(data, trust=trust, moment=moment, policy=ValidationPolicy())  # type: ignore[arg-type]


def _codes(findings: tuple[object, ...]) -> set[str]:
    return {f.code for f in findings}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def base() -> bytes:
    return base_pdf()


@pytest.fixture(scope="module")
def signed(pki: TestPKI, base: bytes) -> bytes:
    return sign(base, pki.signer.simple_signer(pki), "Sig1")


@pytest.fixture(scope="module")
def certified_no_changes(pki: TestPKI, base: bytes) -> bytes:
    return sign(
        base, pki.signer.simple_signer(pki), "Cert", certify=True, docmdp=MDPPerm.NO_CHANGES
    )


@pytest.fixture(scope="module")
def certified_forms(pki: TestPKI, base: bytes) -> bytes:
    return sign(
        base, pki.signer.simple_signer(pki), "Cert", certify=True, docmdp=MDPPerm.FILL_FORMS
    )


def test_good_signature_passes_with_signer_identity(pki: TestPKI, signed: bytes) -> None:
    report = _verify(pki, signed)
    assert report.indication is Indication.TOTAL_PASSED
    (sig,) = report.signatures
    facts = sig.facts
    assert (facts.field, facts.kind, facts.coverage) == (
        "Sig1",
        "adbe.pkcs7.detached",
        Coverage.ENTIRE_FILE,
    )
    assert facts.integrity
    assert facts.trusted
    assert facts.modifications is Modifications.NONE
    assert facts.signer is not None
    assert facts.signer.tax_code == "0101234567-001"
    assert (
        facts.chain[0].sha256
        == pki.signer.crypto_cert.fingerprint(
            __import__("cryptography.hazmat.primitives.hashes", fromlist=["SHA256"]).SHA256()
        ).hex()
    )
    assert facts.anchor is not None
    assert "Root" in facts.anchor.subject
    assert facts.signing_time is not None
    assert facts.digest_algorithm == "sha256"
    assert facts.key_size == 2048


def test_untrusted_without_anchor_is_indeterminate(pki: TestPKI, signed: bytes) -> None:
    from esign.trust import TrustStore

    report = _verify(pki, signed, trust=TrustStore.from_paths([], include_default=False))
    assert report.indication is Indication.INDETERMINATE
    assert report.signatures[0].sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_timestamped_signature_reports_valid_timestamp(pki: TestPKI, base: bytes) -> None:
    data = sign(base, pki.signer.simple_signer(pki), "Sig1", timestamper=pki.timestamper())
    facts = _verify(pki, data).signatures[0].facts
    assert facts.timestamp is not None
    assert facts.timestamp.intact
    assert facts.timestamp.trusted
    assert facts.timestamp.tsa is not None
    assert "TSA" in facts.timestamp.tsa.subject
    assert "no_timestamp" not in _codes(facts.findings)


def test_tampered_signature_is_hash_failure(pki: TestPKI, signed: bytes) -> None:
    data = bytearray(signed)
    index = data.index(b"Giay tiep nhan")
    data[index] ^= 0x01
    sig = _verify(pki, bytes(data)).signatures[0]
    assert sig.facts.digest_ok is False
    assert (sig.indication, sig.sub_indication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )


def test_revoked_signer_is_not_passed(pki: TestPKI, base: bytes) -> None:
    data = sign(base, pki.revoked.simple_signer(pki), "Sig1")
    sig = _verify(pki, data).signatures[0]
    assert sig.facts.revocation == "revoked"
    assert sig.indication is not Indication.TOTAL_PASSED
    assert sig.sub_indication in (SubIndication.REVOKED, SubIndication.REVOKED_NO_POE)


def test_expired_signer_without_timestamp_is_out_of_bounds(pki: TestPKI, base: bytes) -> None:
    data = sign(base, pki.expired.simple_signer(pki), "Sig1")
    sig = _verify(pki, data).signatures[0]
    assert (sig.indication, sig.sub_indication) == (
        Indication.INDETERMINATE,
        SubIndication.OUT_OF_BOUNDS_NO_POE,
    )


def test_expired_signer_with_timestamp_from_its_validity_passes(pki: TestPKI, base: bytes) -> None:
    stamper = pki.timestamper(at=pki.expired_moment)
    data = sign(base, pki.expired.simple_signer(pki), "Sig1", timestamper=stamper)
    sig = _verify(pki, data).signatures[0]
    assert sig.facts.timestamp is not None
    assert sig.facts.timestamp.trusted
    assert sig.indication is Indication.TOTAL_PASSED


def test_missing_non_repudiation_is_only_a_warning(pki: TestPKI, base: bytes) -> None:
    data = sign(base, pki.signer_no_nr.simple_signer(pki), "Sig1")
    sig = _verify(pki, data).signatures[0]
    assert sig.indication is Indication.TOTAL_PASSED
    assert "no_non_repudiation" in {w["code"] for w in sig.to_dict()["warnings"]}


def test_page_content_change_is_not_permitted(pki: TestPKI, signed: bytes) -> None:
    sig = _verify(pki, change_page_content(signed)).signatures[0]
    assert sig.facts.integrity  # the signed revision itself is intact
    assert sig.facts.coverage is Coverage.ENTIRE_REVISION
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "page_content_changed" in _codes(sig.facts.modification_findings)
    assert sig.indication is Indication.TOTAL_FAILED


def test_added_page_is_not_permitted(pki: TestPKI, signed: bytes) -> None:
    sig = _verify(pki, add_page(signed)).signatures[0]
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "pages_added" in _codes(sig.facts.modification_findings)


def test_form_filling_is_permitted(pki: TestPKI, signed: bytes) -> None:
    report = _verify(pki, fill_field(signed, "Nguyen Van A"))
    sig = report.signatures[0]
    assert sig.facts.coverage is Coverage.ENTIRE_REVISION
    assert sig.facts.modifications is Modifications.PERMITTED
    assert "form_filled" in _codes(sig.facts.modification_findings)
    assert report.indication is Indication.TOTAL_PASSED


def test_two_signatures_second_is_permitted_change(pki: TestPKI, signed: bytes) -> None:
    data = sign(signed, pki.signer_no_nr.simple_signer(pki), "Sig2")
    report = _verify(pki, data)
    by_field = {s.facts.field: s for s in report.signatures}
    assert set(by_field) == {"Sig1", "Sig2"}
    assert by_field["Sig1"].facts.modifications is Modifications.PERMITTED
    assert "signature_added" in _codes(by_field["Sig1"].facts.modification_findings)
    assert by_field["Sig2"].facts.coverage is Coverage.ENTIRE_FILE
    assert report.indication is Indication.TOTAL_PASSED


def test_certified_no_changes_rejects_form_filling(
    pki: TestPKI, certified_no_changes: bytes
) -> None:
    clean = _verify(pki, certified_no_changes).signatures[0]
    assert clean.facts.docmdp_level == 1
    assert clean.indication is Indication.TOTAL_PASSED
    sig = _verify(pki, fill_field(certified_no_changes, "x")).signatures[0]
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "docmdp_violation" in _codes(sig.facts.modification_findings)


def test_certified_fill_forms_allows_filling_and_signing(
    pki: TestPKI, certified_forms: bytes
) -> None:
    filled = _verify(pki, fill_field(certified_forms, "x")).signatures[0]
    assert filled.facts.docmdp_level == 2
    assert filled.facts.modifications is Modifications.PERMITTED
    cosigned = _verify(pki, sign(certified_forms, pki.signer.simple_signer(pki), "Sig2"))
    assert cosigned.indication is Indication.TOTAL_PASSED


def test_certified_fill_forms_rejects_annotations(pki: TestPKI, certified_forms: bytes) -> None:
    sig = _verify(pki, add_annotation(certified_forms)).signatures[0]
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "annotations_changed" in _codes(sig.facts.modification_findings)


def test_field_lock_is_enforced(pki: TestPKI, base: bytes) -> None:
    lock = FieldMDPSpec(FieldMDPAction.INCLUDE, fields=["Ho_ten"])
    data = sign(base, pki.signer.simple_signer(pki), "Sig1", field_lock=lock)
    sig = _verify(pki, fill_field(data, "changed")).signatures[0]
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "locked_field_changed" in _codes(sig.facts.modification_findings)


def test_document_timestamp_is_listed_and_validated(pki: TestPKI, signed: bytes) -> None:
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper

    out = PdfTimeStamper(pki.timestamper()).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed)), "sha256"
    )
    report = _verify(pki, out.getvalue())
    kinds = {s.facts.kind: s for s in report.signatures}
    assert "ETSI.RFC3161" in kinds
    stamp = kinds["ETSI.RFC3161"].facts
    assert stamp.integrity
    assert stamp.timestamp is not None
    assert stamp.timestamp.trusted
    sig1 = kinds["adbe.pkcs7.detached"].facts
    assert sig1.modifications is Modifications.PERMITTED
    assert report.indication is Indication.TOTAL_PASSED


def test_pades_subfilter_is_reported(pki: TestPKI, base: bytes) -> None:
    data = sign(base, pki.signer.simple_signer(pki), "Sig1", subfilter=SigSeedSubFilter.PADES)
    sig = _verify(pki, data).signatures[0]
    assert sig.facts.kind == "ETSI.CAdES.detached"
    assert sig.indication is Indication.TOTAL_PASSED


def test_adbe_pkcs7_sha1_is_checked_and_flagged(pki: TestPKI, signed: bytes) -> None:
    data = resign_as_pkcs7_sha1(signed, pki.signer.simple_signer(pki))
    sig = _verify(pki, data).signatures[0]
    assert sig.facts.kind == "adbe.pkcs7.sha1"
    assert sig.facts.integrity
    assert "sha1_digest" in _codes(sig.facts.findings)
    assert sig.indication is not Indication.TOTAL_PASSED  # SHA-1 not allowed by default
    tampered = bytearray(data)
    tampered[tampered.index(b"Giay tiep nhan")] ^= 0x01
    broken = _verify(pki, bytes(tampered)).signatures[0]
    assert broken.facts.digest_ok is False
    assert broken.indication is Indication.TOTAL_FAILED


def test_rewritten_signature_dictionary_is_named(pki: TestPKI, signed: bytes) -> None:
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    field = writer.root["/AcroForm"]["/Fields"][-1].get_object()
    sig_dict = field["/V"]
    sig_dict["/Reason"] = generic.pdf_string("forged reason")
    writer.update_container(sig_dict)
    out = io.BytesIO()
    writer.write(out)
    sig = _verify(pki, out.getvalue()).signatures[0]
    assert sig.facts.integrity
    assert sig.facts.coverage is Coverage.ENTIRE_REVISION
    assert sig.facts.modifications is Modifications.NOT_PERMITTED
    assert "signature_dict_changed" in _codes(sig.facts.modification_findings)


def test_certified_no_changes_rejects_a_later_signature(
    pki: TestPKI, certified_no_changes: bytes
) -> None:
    data = sign(certified_no_changes, pki.signer_no_nr.simple_signer(pki), "Sig2", careless=True)
    report = _verify(pki, data)
    cert = next(s for s in report.signatures if s.facts.field == "Cert")
    assert cert.facts.modifications is Modifications.NOT_PERMITTED
    assert "docmdp_violation" in _codes(cert.facts.modification_findings)
    assert report.indication is Indication.TOTAL_FAILED
