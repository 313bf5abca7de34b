"""The speed-ups must never change a verdict: fast signature-only diff and /Contents preload."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult

from esign.pdf import verify_pdf
from esign.pdf_fastdiff import signature_only_update
from esign.pdf_fastparse import preload_signature_dicts
from esign.pdf_structure import revision_end
from esign.policy import ValidationPolicy
from esign.report import Indication, Modifications
from tests.esign.pki import TestPKI
from tests.esign.test_pdf_support import base_pdf, change_page_content, sign


@pytest.fixture(scope="module")
def signed_thrice(pki: TestPKI) -> bytes:
    data = base_pdf(pages=3)
    for number in (1, 2, 3):
        data = sign(data, pki.signer.simple_signer(pki), f"Sig{number}")
    return data


def _steps(data: bytes) -> list[object]:
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return [
        signature_only_update(reader, rev, data, revision_end(reader, data, rev - 1) or 0)
        for rev in range(1, reader.xrefs.total_revisions)
    ]


def test_signature_updates_take_the_fast_path_and_agree_with_pyhanko(signed_thrice: bytes) -> None:
    steps = _steps(signed_thrice)
    assert [getattr(s, "signatures", None) for s in steps[-3:]] == [("Sig1",), ("Sig2",), ("Sig3",)]
    reader = PdfFileReader(io.BytesIO(signed_thrice), strict=False)
    for base in range(reader.xrefs.total_revisions - 3, reader.xrefs.total_revisions - 1):
        assert isinstance(DEFAULT_DIFF_POLICY.review_file(reader, base), DiffResult)


def test_content_change_is_refused_by_the_fast_path(signed_thrice: bytes) -> None:
    assert _steps(change_page_content(signed_thrice))[-1] is None


def _append_object(data: bytes, number: int, body: bytes) -> bytes:
    """A hand-written incremental update defining object ``number`` (nothing else)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    root = reader.trailer.raw_get("/Root")
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = max(int(reader.trailer["/Size"]), number + 1)
    obj = b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (number, len(body), body)
    xref_at = len(data) + len(obj)
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (number, len(data))
    trailer = b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root.idnum,
        root.generation,
        prev,
        xref_at,
    )
    return data + obj + xref + trailer


def test_object_filling_a_dangling_reference_is_caught(pki: TestPKI) -> None:
    """The signed page already points at object 90, which does not exist yet; an update that
    only "adds" object 90 changes what the page shows."""
    writer = IncrementalPdfFileWriter(io.BytesIO(base_pdf()))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    dangling = generic.IndirectObject(90, 0, writer)  # type: ignore[no-untyped-call]
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), dangling])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    signed = sign(out.getvalue(), pki.signer.simple_signer(pki), "Sig1")
    attacked = _append_object(signed, 90, b"BT /F1 30 Tf 50 500 Td (GIA MAO) Tj ET")
    assert _steps(attacked)[-1] is None  # the fast path refuses ...
    report = verify_pdf(attacked, trust=pki.trust(), moment=pki.moment, policy=ValidationPolicy())
    sig = report.signatures[0]
    assert (
        sig.facts.modifications is Modifications.NOT_PERMITTED
    )  # ... and the full analysis rejects
    assert report.indication is Indication.TOTAL_FAILED


def test_preloaded_contents_equal_pyhanko_parse(signed_thrice: bytes) -> None:
    fast = PdfFileReader(io.BytesIO(signed_thrice), strict=False)
    assert preload_signature_dicts(fast, signed_thrice) == 3
    slow = PdfFileReader(io.BytesIO(signed_thrice), strict=False)
    fast_sigs = {s.field_name: s.pkcs7_content for s in fast.embedded_signatures}
    slow_sigs = {s.field_name: s.pkcs7_content for s in slow.embedded_signatures}
    assert fast_sigs == slow_sigs
    assert len(fast_sigs) == 3


def test_memoised_paths_never_cross_trust_stores(pki: TestPKI, signed_thrice: bytes) -> None:
    from esign.trust import TrustStore

    trusted = verify_pdf(
        signed_thrice, trust=pki.trust(), moment=pki.moment, policy=ValidationPolicy()
    )
    assert trusted.indication is Indication.TOTAL_PASSED
    bare = verify_pdf(
        signed_thrice,
        trust=TrustStore.from_paths([], include_default=False),
        moment=pki.moment,
        policy=ValidationPolicy(),
    )
    assert bare.indication is Indication.INDETERMINATE
    assert not any(s.facts.trusted for s in bare.signatures)
