"""The single entry point: format sniffing, dispatch, and 'a report, never an exception'."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7

import esign.xml
from esign.report import DocumentFormat, DocumentReport, Indication, SubIndication
from esign.verify import decode_cms, sniff_format, verify
from tests.esign.pki import TestPKI, get_pki
from tests.esign.xml_signing import identity, signed_invoice

CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus"
CONTENT = "Tờ khai đăng ký khai sinh".encode()


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return get_pki()


@pytest.fixture(scope="module")
def p7s(pki: TestPKI) -> bytes:
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(pki.signer.crypto_cert, pki.signer.key, hashes.SHA256())
        .add_certificate(pki.intermediate.crypto_cert)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )


@pytest.fixture(scope="module")
def invoice(pki: TestPKI) -> bytes:
    who = identity(pki, pki.signer)
    return signed_invoice(who, who)


def _first_pdf() -> bytes:
    return (CORPUS / "pdf/endesive/pdf-acrobat.pdf").read_bytes()


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", DocumentFormat.PDF),
        (b"\x00" * 700 + b"%PDF-1.4\n", DocumentFormat.PDF),  # junk before the header
        (b"\x00" * 1100 + b"%PDF-1.4\n", DocumentFormat.UNKNOWN),  # beyond Acrobat's window
        (b"\xef\xbb\xbf  <?xml version='1.0'?><a/>", DocumentFormat.XML),
        ("<a/>".encode("utf-16"), DocumentFormat.XML),
        (b"hello world", DocumentFormat.UNKNOWN),
        (b"", DocumentFormat.UNKNOWN),
        (b"\x30\x03\x02\x01\x01", DocumentFormat.UNKNOWN),  # DER, but not SignedData
    ],
)
def test_sniff_format(data: bytes, fmt: DocumentFormat) -> None:
    assert sniff_format(data) is fmt


def test_cms_is_recognised_as_der_pem_and_base64(p7s: bytes) -> None:
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(p7s) + b"-----END PKCS7-----\n"
    b64 = base64.b64encode(p7s)
    for data in (p7s, pem, b64):
        assert sniff_format(data) is DocumentFormat.CMS
        assert decode_cms(data) == p7s


def test_detached_cms_is_dispatched_with_its_content(p7s: bytes, pki: TestPKI) -> None:
    trust = pki.trust()
    good = verify(
        p7s, filename="to-khai.p7s", detached_content=CONTENT, trust=trust, moment=pki.moment
    )
    assert good.format is DocumentFormat.CMS
    assert good.file == "to-khai.p7s"
    assert good.indication is Indication.TOTAL_PASSED, good.to_dict()
    bad = verify(p7s, detached_content=CONTENT + b"!", trust=trust, moment=pki.moment)
    assert bad.indication is Indication.TOTAL_FAILED
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(p7s) + b"-----END PKCS7-----\n"
    as_pem = verify(pem, detached_content=CONTENT, trust=trust, moment=pki.moment)
    assert as_pem.indication is Indication.TOTAL_PASSED
    assert as_pem.sha256 == hashlib.sha256(pem).hexdigest()  # the uploaded bytes, not the DER


def test_xml_is_dispatched_and_report_names_the_upload(invoice: bytes, pki: TestPKI) -> None:
    report = verify(invoice, filename="hoadon.xml", trust=pki.trust(), moment=pki.moment)
    assert report.format is DocumentFormat.XML
    assert report.indication is Indication.TOTAL_PASSED
    assert (report.file, report.size, report.moment) == ("hoadon.xml", len(invoice), pki.moment)
    assert report.sha256 == hashlib.sha256(invoice).hexdigest()


def test_pdf_is_dispatched(pki: TestPKI) -> None:
    report = verify(_first_pdf(), filename="a.pdf", trust=pki.trust(), moment=pki.moment)
    assert report.format is DocumentFormat.PDF
    assert len(report.signatures) >= 1


@pytest.mark.parametrize("data", [b"", b"   ", b"GIF89a\x00\x00", b"\x00\x01\x02" * 100])
def test_unknown_input_is_a_format_failure(data: bytes) -> None:
    report = verify(data, filename="x.bin")
    assert (report.indication, report.sub_indication) == (
        Indication.TOTAL_FAILED,
        SubIndication.FORMAT_FAILURE,
    )
    assert [e.code for e in report.errors] == ["unknown_format"]
    assert report.to_dict()["file"] == "x.bin"


def test_a_crashing_verifier_becomes_a_report(
    monkeypatch: pytest.MonkeyPatch, invoice: bytes
) -> None:
    def boom(*args: object, **kwargs: object) -> DocumentReport:
        raise KeyError("boom")

    monkeypatch.setattr(esign.xml, "verify_xml", boom)
    report = verify(invoice, filename="x.xml")
    assert report.indication is Indication.TOTAL_FAILED
    assert report.errors[0].code == "verifier_error"
    assert "KeyError" in report.errors[0].detail


def test_memory_error_becomes_memory_limit(monkeypatch: pytest.MonkeyPatch, invoice: bytes) -> None:
    def hungry(*args: object, **kwargs: object) -> DocumentReport:
        raise MemoryError

    monkeypatch.setattr(esign.xml, "verify_xml", hungry)
    assert verify(invoice).errors[0].code == "memory_limit"


def test_naive_moment_is_refused_in_a_report(invoice: bytes) -> None:
    report = verify(invoice, moment=datetime(2026, 1, 1))
    assert report.errors[0].code == "naive_moment"


def test_default_trust_is_the_vietnamese_pack(invoice: bytes, pki: TestPKI) -> None:
    # The test root is not in the VN pack: the same invoice is intact but not trusted.
    report = verify(invoice, moment=pki.moment)
    assert report.indication is Indication.INDETERMINATE
    assert all(s.facts.integrity for s in report.signatures)


def test_verify_works_inside_a_running_event_loop(invoice: bytes, pki: TestPKI) -> None:
    """Callers on an event loop (async servers, Playwright's sync API) still get a verdict."""
    import asyncio

    async def inside() -> DocumentReport:
        return verify(invoice, trust=pki.trust(), moment=pki.moment)

    report = asyncio.run(inside())
    assert report.indication is Indication.TOTAL_PASSED, report.to_dict()
