"""Hostile PDFs: truncated, mutated, looping.  Every input yields a report, quickly."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esign.pdf import verify_pdf
from esign.policy import ValidationPolicy
from esign.report import DocumentFormat, DocumentReport, Indication
from tests.esign.pki import TestPKI, get_pki
from tests.esign.test_pdf_support import base_pdf, change_page_content, sign


@pytest.fixture(scope="module")
def signed_twice(pki: TestPKI) -> bytes:
    once = sign(base_pdf(), pki.signer.simple_signer(pki), "Sig1")
    return change_page_content(sign(once, pki.signer.simple_signer(pki), "Sig2"))


def _check(data: bytes) -> DocumentReport:
    pki = get_pki()
    started = time.monotonic()
    report = verify_pdf(data, trust=pki.trust(), moment=pki.moment, policy=ValidationPolicy())
    assert time.monotonic() - started < 10
    assert isinstance(report, DocumentReport)
    assert report.format is DocumentFormat.PDF
    assert report.size == len(data)
    report.to_dict()  # serialisable
    return report


def test_garbage_is_format_failure() -> None:
    report = _check(b"%PDF-1.7\nthis is not a pdf")
    assert report.indication is Indication.TOTAL_FAILED
    assert report.errors
    assert report.errors[0].code == "pdf_unreadable"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_files_give_reports(signed_twice: bytes, cut: float) -> None:
    data = signed_twice[: int(len(signed_twice) * cut)]
    report = _check(data)
    if report.indication is Indication.TOTAL_PASSED:
        # only a cut exactly at an earlier revision's end is a valid (earlier) document
        assert data.rstrip().endswith(b"%%EOF")
        assert len(data) < len(signed_twice)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=0.9999), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_files_never_pass(signed_twice: bytes, edits: list[tuple[float, int]]) -> None:
    data = bytearray(signed_twice)
    for where, value in edits:
        data[int(where * len(data))] = value
    report = _check(bytes(data))
    # the unmutated file already fails (page content changed after Sig1)
    assert report.indication is not Indication.TOTAL_PASSED


LOOPING = b"""%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 2 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Annots [4 0 R] >> endobj
4 0 obj << /FT /Sig /T (Loop) /Kids [5 0 R] /V 6 0 R >> endobj
5 0 obj << /T (Child) /Parent 4 0 R /Kids [4 0 R 5 0 R] >> endobj
6 0 obj 6 0 R endobj
trailer << /Root 1 0 R /Size 7 >>
%%EOF
"""


def test_reference_loops_do_not_hang() -> None:
    report = _check(LOOPING)
    assert report.indication in (Indication.TOTAL_FAILED, Indication.NO_SIGNATURE)
