"""XMLDSig verification: e-invoices with seller and tax-authority signatures, attacks, safety."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from lxml import etree

from esign.policy import ValidationPolicy
from esign.report import Coverage, DocumentReport, Indication, SubIndication
from esign.trust import TrustStore
from esign.xml import verify_xml
from tests.esign.pki import TestPKI, get_pki
from tests.esign.xml_signing import (
    DS,
    EXC,
    Identity,
    ec_identity,
    identity,
    sign,
    signed_invoice,
    signed_whole,
)

SAMPLE = (
    Path(__file__).resolve().parents[2].parent / "shared/corpus/xml/einvoice-structure-sample.xml"
)


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return get_pki()


@pytest.fixture(scope="module")
def seller(pki: TestPKI) -> Identity:
    return identity(pki, pki.signer)


@pytest.fixture(scope="module")
def tax(pki: TestPKI) -> Identity:
    return identity(pki, pki.signer_no_nr)


@pytest.fixture(scope="module")
def invoice(seller: Identity, tax: Identity) -> bytes:
    return signed_invoice(seller, tax)


@pytest.fixture(scope="module")
def trust(pki: TestPKI) -> TrustStore:
    return pki.trust()


def _verify(data: bytes, pki: TestPKI, trust: TrustStore | None, **kw: object) -> DocumentReport:
    return verify_xml(data, trust=trust, moment=pki.moment, **kw)  # type: ignore[arg-type]


def _codes(report: DocumentReport, index: int = 0) -> set[str]:
    return {f.code for f in report.signatures[index].facts.findings}


def _edit(data: bytes, xpath: str, text: str) -> bytes:
    root = etree.fromstring(data)
    root.xpath(xpath)[0].text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_valid_invoice_with_two_signatures_passes(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    report = _verify(invoice, pki, trust)
    assert report.indication is Indication.TOTAL_PASSED, report.to_dict()
    seller_sig, tax_sig = report.signatures
    assert [s.facts.field for s in report.signatures] == ["NBan-sig", "CQT-sig"]
    assert all(s.facts.integrity and s.facts.trusted for s in report.signatures)
    roles = [
        {f.detail for f in s.facts.findings if f.code == "einvoice_role"} for s in report.signatures
    ]
    assert roles == [{"seller"}, {"tax_authority"}]
    # Coverage says what part is signed: the invoice data (and the tax code for the authority).
    assert seller_sig.facts.coverage is Coverage.PARTIAL
    partial = next(f for f in tax_sig.facts.findings if f.code == "partial_coverage")
    assert "/TDiep/DLieu/HDon/DLHDon" in partial.detail
    assert "MCCQT" in partial.detail
    assert seller_sig.facts.signer is not None
    assert seller_sig.facts.signer.tax_code == "0101234567-001"
    assert seller_sig.facts.signing_time is not None
    assert seller_sig.facts.signing_time.isoformat() == "2025-11-05T14:48:47+07:00"
    assert "signing_time_unsigned" not in _codes(report)
    assert seller_sig.facts.anchor is not None
    assert "Root" in seller_sig.facts.anchor.subject


def test_digital_signature_only_certificate_is_a_warning(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    tax_sig = _verify(invoice, pki, trust).signatures[1]
    assert tax_sig.indication is Indication.TOTAL_PASSED
    assert "no_non_repudiation" in {f.code for f in tax_sig.facts.findings}


def test_without_trust_anchor_is_indeterminate(invoice: bytes, pki: TestPKI) -> None:
    report = _verify(invoice, pki, TrustStore.empty())
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    assert all(s.facts.integrity for s in report.signatures)


def test_tampered_amount_fails_both_signatures(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    tampered = _edit(invoice, "//TgTTTBSo", "9320000")
    report = _verify(tampered, pki, trust)
    assert report.indication is Indication.TOTAL_FAILED
    assert report.sub_indication is SubIndication.HASH_FAILURE
    for sig in report.signatures:
        assert sig.facts.digest_ok is False
        assert not sig.facts.integrity
        mismatch = next(f for f in sig.facts.findings if f.code == "reference_digest_mismatch")
        assert "#DL-0001" in mismatch.detail


def test_tax_code_change_only_breaks_the_authority_signature(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    report = _verify(_edit(invoice, "//MCCQT", "FFFF"), pki, trust)
    assert [s.indication for s in report.signatures] == [
        Indication.TOTAL_PASSED,
        Indication.TOTAL_FAILED,
    ]


def test_forged_signature_value_is_crypto_failure(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    root = etree.fromstring(invoice)
    value = root.find(f".//{{{DS}}}SignatureValue")
    raw = bytearray(base64.b64decode(value.text))
    raw[10] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    report = _verify(etree.tostring(root), pki, trust)
    first = report.signatures[0]
    assert first.indication is Indication.TOTAL_FAILED
    assert first.sub_indication is SubIndication.SIG_CRYPTO_FAILURE
    assert first.facts.digest_ok is True
    assert first.facts.signature_value_ok is False


def test_wrapping_attack_moving_signed_data_into_the_signature_fails(
    seller: Identity, tax: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    """The original DLHDon is hidden in another ds:Object; a forged one without Id replaces it.

    Exclusive C14N keeps the moved element's digest intact, so only the wrapping defences stop it.
    """
    data = signed_invoice(seller, tax, c14n=EXC).decode()
    start, end = data.index("<DLHDon"), data.index("</DLHDon>") + len("</DLHDon>")
    original = data[start:end]
    forged = original.replace(' Id="DL-0001"', "").replace(">1320000<", ">1<")
    data = data[:start] + forged + data[end:]
    hidden = '<Object><DLHDon xmlns=""' + original[len("<DLHDon") :] + "</Object></Signature>"
    # Into the tax authority's Signature: the seller's enveloped transform only drops its own.
    last = data.rindex("</Signature>")
    data = data[:last] + hidden + data[last + len("</Signature>") :]
    root = etree.fromstring(data.encode())
    report = _verify(etree.tostring(root), pki, trust)
    assert report.signatures[0].facts.integrity  # the signed bytes still match...
    assert report.signatures[0].indication is Indication.TOTAL_FAILED  # ...but it is a wrapping
    assert {"signed_content_in_signature", "unsigned_twin_element"} <= _codes(report)


def test_wrapping_attack_with_duplicate_id_is_refused(
    invoice: bytes, pki: TestPKI, trust: TrustStore
) -> None:
    root = etree.fromstring(invoice)
    original = root.find(".//DLHDon")
    forged = etree.fromstring(etree.tostring(original))
    forged.find(".//TgTTTBSo").text = "1"
    original.addprevious(forged)
    report = _verify(etree.tostring(root), pki, trust)
    assert report.indication is Indication.TOTAL_FAILED
    assert report.sub_indication is SubIndication.FORMAT_FAILURE
    assert all(s.facts.format_error == "duplicate_id" for s in report.signatures)
    assert any(e.code == "duplicate_id" for e in report.errors)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(
                f'<!ENTITY a{i} "{"&a{};".format(i - 1 if i else "") * 10}">'.encode()
                for i in range(1, 9)
            )
            + b"]><l>&a8;</l>",
            "xml_doctype",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
            "xml_doctype",
        ),
        (b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>', "xml_doctype"),
        (b"<r>&x;</r>", "xml_syntax"),
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16"), "xml_doctype"),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "undeclared-entity", "utf16-doctype"],
)
def test_unsafe_xml_is_refused_quickly(payload: bytes, code: str, pki: TestPKI) -> None:
    start = time.perf_counter()
    report = _verify(payload, pki, None)
    assert time.perf_counter() - start < 1.0
    assert report.indication is Indication.TOTAL_FAILED
    assert report.sub_indication is SubIndication.FORMAT_FAILURE
    assert [e.code for e in report.errors] == [code]
    assert "root:" not in str(report.to_dict())  # /etc/passwd never read


def test_real_einvoice_structure_sample_fails_cleanly(pki: TestPKI) -> None:
    report = _verify(SAMPLE.read_bytes(), pki, TrustStore.default())
    assert report.indication is Indication.TOTAL_FAILED
    assert report.sub_indication in (SubIndication.HASH_FAILURE, SubIndication.SIG_CRYPTO_FAILURE)
    assert [s.facts.field for s in report.signatures] == ["NBan", "Tct-uuid"]
    for sig in report.signatures:
        mismatch = next(f for f in sig.facts.findings if f.code == "reference_digest_mismatch")
        # The invoice data itself still hashes right: inherited namespaces are canonicalised
        # like the issuing software did; only the re-serialised signature objects differ.
        assert "TS24_" not in mismatch.detail
        assert sig.facts.signer is not None
        assert sig.facts.signing_time is not None
    assert report.signatures[0].facts.signer.tax_code == "0106324653"  # type: ignore[union-attr]


def test_whole_document_signature_covers_entire_file(
    seller: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    data = signed_whole(seller)
    report = _verify(data, pki, trust)
    assert report.indication is Indication.TOTAL_PASSED, report.to_dict()
    assert report.signatures[0].facts.coverage is Coverage.ENTIRE_FILE
    tampered = data.replace(b"<Note>x</Note>", b"<Note>y</Note>")
    assert _verify(tampered, pki, trust).sub_indication is SubIndication.HASH_FAILURE
    # Comments are outside an URI="" reference: adding one is not a change.
    commented = data.replace(b"<Amount>", b"<!-- later --><Amount>")
    assert _verify(commented, pki, trust).indication is Indication.TOTAL_PASSED


def test_ecdsa_with_exclusive_c14n_passes(pki: TestPKI, trust: TrustStore) -> None:
    who = ec_identity(pki)
    report = _verify(signed_invoice(who, who, c14n=EXC), pki, trust)
    assert report.indication is Indication.TOTAL_PASSED, report.to_dict()
    assert report.signatures[0].facts.signature_algorithm == "ecdsa"


def test_sha1_is_listed_flagged_and_not_passed(
    seller: Identity, tax: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    data = signed_invoice(seller, tax, method="rsa-sha1", digest="sha1")
    report = _verify(data, pki, trust)
    assert len(report.signatures) == 2
    assert all(s.facts.integrity for s in report.signatures)
    assert report.signatures[0].facts.digest_algorithm == "sha1"
    assert "sha1_digest" in _codes(report)
    assert report.indication is not Indication.TOTAL_PASSED
    allowed = _verify(data, pki, trust, policy=ValidationPolicy(allow_sha1=True))
    assert allowed.indication is Indication.TOTAL_PASSED


def test_revoked_signer_is_not_passed(pki: TestPKI, trust: TrustStore) -> None:
    who = identity(pki, pki.revoked)
    report = _verify(signed_invoice(who, who), pki, trust)
    assert report.signatures[0].facts.integrity
    assert report.indication is not Indication.TOTAL_PASSED
    assert report.sub_indication in (SubIndication.REVOKED, SubIndication.REVOKED_NO_POE)


def _root_with_signature(seller: Identity) -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(b'<Doc><Data Id="d1">42</Data><Sigs/></Doc>')
    sig = sign(root, root.find("Sigs"), seller, ["#d1"], sig_id="S")
    return root, sig


@pytest.mark.parametrize(
    ("uri", "transform", "code"),
    [
        ("http://127.0.0.1:9/x.xml", None, "external_reference"),
        ("#d1", "http://www.w3.org/TR/1999/REC-xslt-19991116", "unsupported_transform"),
        ("#d1", "http://www.w3.org/TR/1999/REC-xpath-19991116", "unsupported_transform"),
        ("#nope", None, "reference_not_found"),
    ],
)
def test_dangerous_or_broken_references_are_format_failures(
    uri: str, transform: str | None, code: str, seller: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    root, sig = _root_with_signature(seller)
    ref = sig.find(f".//{{{DS}}}Reference")
    ref.set("URI", uri)
    if transform:
        etree.SubElement(ref.find(f"{{{DS}}}Transforms"), f"{{{DS}}}Transform", Algorithm=transform)
    report = _verify(etree.tostring(root), pki, trust)
    assert report.sub_indication is SubIndication.FORMAT_FAILURE
    assert report.signatures[0].facts.format_error == code


def test_unsigned_signing_time_is_a_warning(
    seller: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    root = etree.fromstring(b'<Doc><Data Id="d1">42</Data><Sigs/></Doc>')
    sig = sign(root, root.find("Sigs"), seller, ["#d1"], sig_id="S", sign_time_object=False)
    obj = etree.SubElement(sig, f"{{{DS}}}Object")
    etree.SubElement(obj, "SigningTime").text = "2020-01-01T00:00:00Z"
    report = _verify(etree.tostring(root), pki, trust)
    assert report.indication is Indication.TOTAL_PASSED
    assert "signing_time_unsigned" in _codes(report)
    assert report.signatures[0].facts.signing_time.isoformat() == "2020-01-01T00:00:00+00:00"  # type: ignore[union-attr]


def test_document_without_signature(pki: TestPKI) -> None:
    report = _verify(b"<HDon><DLHDon Id='a'/></HDon>", pki, None)
    assert report.indication is Indication.NO_SIGNATURE
    assert report.signatures == ()


def test_missing_certificate_is_reported(seller: Identity, pki: TestPKI, trust: TrustStore) -> None:
    root, sig = _root_with_signature(seller)
    sig.remove(sig.find(f"{{{DS}}}KeyInfo"))
    report = _verify(etree.tostring(root), pki, trust)
    assert report.indication is Indication.TOTAL_FAILED
    assert report.signatures[0].facts.chain_error is SubIndication.NO_SIGNING_CERTIFICATE_FOUND


def test_signing_time_of_a_whole_document_signature_is_not_signed(
    seller: Identity, pki: TestPKI, trust: TrustStore
) -> None:
    """URI="" drops its own Signature (enveloped), so a SigningTime inside it is unprotected."""
    root = etree.fromstring(b"<Doc><A>1</A></Doc>")
    sign(root, root, seller, [""], sig_id="S", sign_time_object=False)
    sig = root.find(f"{{{DS}}}Signature")
    obj = etree.SubElement(sig, f"{{{DS}}}Object")
    etree.SubElement(obj, f"{{{DS}}}SigningTime").text = "2025-01-01T00:00:00+07:00"
    report = _verify(etree.tostring(root), pki, trust)
    assert report.indication is Indication.TOTAL_PASSED
    assert "signing_time_unsigned" in _codes(report)
