"""The worker process: size, time and memory limits turn hostile inputs into reports."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from esign.policy import ValidationPolicy
from esign.report import DocumentReport, Indication, SubIndication
from esign.verify import verify
from esign.worker import verify_in_worker
from tests.esign.pki import TestPKI, get_pki
from tests.esign.xml_signing import identity, signed_invoice

DS = "http://www.w3.org/2000/09/xmldsig#"


def _pdf(objects: list[bytes], *, root: int = 1) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\n"
    out += (trailer + f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


@pytest.fixture(scope="module")
def content_bomb_pdf() -> bytes:
    """A page whose FlateDecode content stream inflates to 256 MB (the file is ~0.5 MB)."""
    data = _bomb(256)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        ]
    )


def _xref_stream_bomb() -> bytes:
    """The cross-reference table itself is a 256 MB FlateDecode bomb: any reader must inflate it."""
    data = _bomb(256)
    head = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    )
    xref = len(head)
    head += (
        b"3 0 obj\n<< /Type /XRef /Size 4 /Root 1 0 R /W [1 4 2] /Filter /FlateDecode"
        b" /Length %d >>\n"
        b"stream\n" % len(data) + data + b"\nendstream\nendobj\n"
    )
    return head + b"startxref\n%d\n%%%%EOF\n" % xref


def _reference_loop_pdf() -> bytes:
    """Page tree and signature field that point at themselves."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /SigFlags 3 >> >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
            b"<< /Type /Page /Parent 3 0 R /Annots [5 0 R] /Resources 4 0 R >>",
            b"<< /XObject << /X 4 0 R >> /Self 4 0 R >>",
            b"<< /FT /Sig /T (S) /Kids [5 0 R] /Parent 5 0 R /V 6 0 R /P 3 0 R >>",
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
            b"/ByteRange [0 10 20 30] /Contents <3003020101> /Prev 6 0 R >>",
        ]
    )


def _slow_xml() -> bytes:
    """Many whole-document references over a 1.5 MB file: seconds of canonicalisation."""
    ref = (
        f'<Reference URI=""><Transforms>'
        f'<Transform Algorithm="{DS}enveloped-signature"/></Transforms>'
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>AAAA</DigestValue></Reference>'
    )
    sig = (
        f'<Signature xmlns="{DS}"><SignedInfo>'
        '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
        '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
        f"{ref * 60}</SignedInfo><SignatureValue>AAAA</SignatureValue></Signature>"
    )
    return ("<r>" + "<i a='1'>x</i>" * 100_000 + sig * 4 + "</r>").encode()


def _assert_limit(report: DocumentReport, *codes: str) -> None:
    assert report.indication is Indication.TOTAL_FAILED
    assert report.sub_indication is SubIndication.FORMAT_FAILURE
    assert report.errors
    assert report.errors[0].code in codes, report.errors


def _infrastructure(proc: psutil.Process) -> bool:
    """multiprocessing's own long-lived helpers (forkserver, resource tracker)."""
    try:
        cmd = " ".join(proc.cmdline())
    except psutil.Error:
        return True
    return "forkserver" in cmd or "resource_tracker" in cmd


def _live_children() -> set[int]:
    """PIDs of this process's live descendants, multiprocessing's helpers aside."""
    out = set()
    for proc in psutil.Process().children(recursive=True):
        try:
            if not _infrastructure(proc) and proc.status() != psutil.STATUS_ZOMBIE:
                out.add(proc.pid)
        except psutil.Error:
            continue
    return out


@pytest.fixture
def no_stray_children() -> Iterator[None]:
    """Fail the test when it leaves a worker process running (older processes excepted)."""
    before = _live_children()
    yield
    deadline = time.monotonic() + 5
    while (left := _live_children() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"worker processes left behind: {left}"


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return get_pki()


def test_worker_gives_the_same_report_as_in_process(pki: TestPKI) -> None:
    who = identity(pki, pki.signer)
    data = signed_invoice(who, who)
    kwargs = {"filename": "hd.xml", "trust": pki.trust(), "moment": pki.moment}
    remote = verify_in_worker(data, **kwargs)  # type: ignore[arg-type]
    local = verify(data, **kwargs)  # type: ignore[arg-type]
    assert remote.indication is Indication.TOTAL_PASSED
    assert remote.to_dict() == local.to_dict()


def test_size_limit_is_checked_before_spawning() -> None:
    huge = b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024)
    start = time.perf_counter()
    report = verify_in_worker(huge, filename="big.pdf")
    assert time.perf_counter() - start < 0.5
    _assert_limit(report, "size_limit")
    assert report.size == len(huge)
    assert report.file == "big.pdf"
    small = verify_in_worker(b"<a/>" * 100, policy=ValidationPolicy(max_bytes=100))
    _assert_limit(small, "size_limit")


def test_time_limit_kills_the_worker(no_stray_children: None) -> None:
    data = _slow_xml()
    start = time.perf_counter()
    report = verify_in_worker(data, policy=ValidationPolicy(time_limit_s=0.5))
    assert time.perf_counter() - start < 5
    _assert_limit(report, "time_limit")


def test_memory_limit_stops_a_memory_hungry_document(no_stray_children: None) -> None:
    data = b"<r>" + b"<i a='1' b='2'>xy</i>" * 1_500_000 + b"</r>"
    report = verify_in_worker(data, policy=ValidationPolicy(memory_limit_mb=64, time_limit_s=30))
    _assert_limit(report, "memory_limit")


@pytest.mark.parametrize("maker", ["content", "xref"])
def test_decompression_bombs_yield_reports_within_limits(
    maker: str, content_bomb_pdf: bytes
) -> None:
    data = content_bomb_pdf if maker == "content" else _xref_stream_bomb()
    policy = ValidationPolicy(memory_limit_mb=256, time_limit_s=10)
    start = time.perf_counter()
    report = verify_in_worker(data, filename="bomb.pdf", policy=policy)
    assert time.perf_counter() - start < policy.time_limit_s + 5
    assert report.indication in (
        Indication.TOTAL_FAILED,
        Indication.NO_SIGNATURE,
        Indication.INDETERMINATE,
    )
    assert report.indication is not Indication.TOTAL_PASSED


def test_reference_loop_pdf_yields_a_report() -> None:
    policy = ValidationPolicy(time_limit_s=10)
    start = time.perf_counter()
    report = verify_in_worker(_reference_loop_pdf(), filename="loop.pdf", policy=policy)
    assert time.perf_counter() - start < policy.time_limit_s + 5
    assert report.indication is not Indication.TOTAL_PASSED
    assert report.file == "loop.pdf"


def test_pool_reuses_warm_workers_and_replaces_killed_ones(
    pki: TestPKI, no_stray_children: None
) -> None:
    from esign.worker import WorkerPool

    who = identity(pki, pki.signer)
    data = signed_invoice(who, who)
    kwargs: dict[str, Any] = {"trust": pki.trust(), "moment": pki.moment}
    with WorkerPool(size=1) as pool:
        first = verify_in_worker(data, pool=pool, **kwargs)
        pids = _live_children()
        second = verify_in_worker(data, pool=pool, **kwargs)
        assert first.indication is second.indication is Indication.TOTAL_PASSED
        still = _live_children()
        assert pids == still  # the same warm worker served both
        slow = verify_in_worker(_slow_xml(), pool=pool, policy=ValidationPolicy(time_limit_s=0.5))
        _assert_limit(slow, "time_limit")
        hungry = b"<r>" + b"<i a='1' b='2'>xy</i>" * 1_500_000 + b"</r>"
        _assert_limit(
            verify_in_worker(hungry, pool=pool, policy=ValidationPolicy(memory_limit_mb=64)),
            "memory_limit",
        )
        again = verify_in_worker(data, pool=pool, **kwargs)  # a fresh worker took over
        assert again.indication is Indication.TOTAL_PASSED


def test_pool_replaces_a_worker_that_died_while_idle(pki: TestPKI, no_stray_children: None) -> None:
    from esign.worker import WorkerPool

    who = identity(pki, pki.signer)
    data = signed_invoice(who, who)
    kwargs: dict[str, Any] = {"trust": pki.trust(), "moment": pki.moment}
    older = _live_children()
    with WorkerPool(size=1) as pool:
        verify_in_worker(data, pool=pool, **kwargs)
        for pid in _live_children() - older:
            psutil.Process(pid).kill()  # e.g. the OOM killer took the idle worker
        time.sleep(0.2)
        report = verify_in_worker(data, pool=pool, **kwargs)
    assert report.indication is Indication.TOTAL_PASSED, report.errors
