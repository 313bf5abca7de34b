"""Truncated and mutated PDFs, CMS and XML: a report every time, no exception, bounded time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esign.report import DocumentReport, Indication
from esign.trust import TrustStore
from esign.verify import verify
from tests.esign.pki import get_pki
from tests.esign.xml_signing import identity, signed_invoice

CORPUS = Path(__file__).resolve().parents[2].parent / "shared/corpus"
PDFS = sorted(p for p in (CORPUS / "pdf").rglob("*.pdf") if p.stat().st_size < 400_000)
MOMENT = datetime(2026, 6, 1, tzinfo=UTC)
PER_INPUT_SECONDS = 10.0
FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _seeds() -> dict[str, bytes]:
    pki = get_pki()
    who = identity(pki, pki.signer)
    p7s = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(b"noi dung")
        .add_signer(pki.signer.crypto_cert, pki.signer.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )
    return {"xml": signed_invoice(who, who), "cms": p7s}


SEEDS = _seeds()
TRUST = get_pki().trust()


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """Truncate, flip bytes, delete or duplicate a slice of ``seed``."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 6))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "dup", "truncate"]))
        if op == "flip":
            data[pos] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "dup":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 256))]
        else:
            del data[pos:]
    return bytes(data)


def _check(data: bytes, **kwargs: object) -> DocumentReport:
    start = time.perf_counter()
    report = verify(data, trust=TRUST, moment=MOMENT, **kwargs)  # type: ignore[arg-type]
    assert time.perf_counter() - start < PER_INPUT_SECONDS
    assert isinstance(report, DocumentReport)
    report.to_dict()  # serialisable, every time
    if report.indication is Indication.TOTAL_PASSED:
        assert report.signatures
        assert all(s.facts.integrity for s in report.signatures)
    return report


@pytest.mark.timeout(120)
@FUZZ
@given(data=st.data(), index=st.integers(0, max(len(PDFS) - 1, 0)))
def test_mutated_pdfs_always_yield_a_report(data: st.DataObject, index: int) -> None:
    seed = PDFS[index].read_bytes()
    _check(data.draw(mutated(seed)), filename=PDFS[index].name)


@pytest.mark.timeout(120)
@FUZZ
@given(data=st.data())
def test_mutated_xml_always_yields_a_report(data: st.DataObject) -> None:
    report = _check(data.draw(mutated(SEEDS["xml"])))
    assert report.indication is not Indication.TOTAL_PASSED or len(report.signatures) == 2


@pytest.mark.timeout(120)
@FUZZ
@given(data=st.data())
def test_mutated_cms_always_yields_a_report(data: st.DataObject) -> None:
    _check(data.draw(mutated(SEEDS["cms"])), detached_content=b"noi dung")


@pytest.mark.timeout(60)
@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    blob=st.binary(max_size=2048),
    prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"<?xml version='1.0'?>", b"\x30\x82"]),
)
def test_arbitrary_bytes_yield_a_report(blob: bytes, prefix: bytes) -> None:
    _check(prefix + blob)


def test_untrusted_store_never_passes_the_seeds() -> None:
    for seed in SEEDS.values():
        assert (
            verify(seed, trust=TrustStore.empty(), moment=MOMENT).indication
            is not Indication.TOTAL_PASSED
        )
