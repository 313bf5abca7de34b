"""Byte ranges, coverage from raw bytes, legacy adbe.x509.rsa_sha1 checks."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esign.pdf import verify_pdf
from esign.pdf_structure import (
    ByteRangeError,
    check_coverage,
    digest_ranges,
    parse_byte_range,
    revision_ends,
    shared_sha256,
)
from esign.policy import ValidationPolicy
from esign.report import Coverage, Indication, SubIndication
from esign.trust import TrustStore

LEGACY = (
    Path(__file__).resolve().parents[2].parent
    / "shared/corpus/pdf/endesive/pdf-adobe-webcapture-x509.rsa_sha1.pdf"
)


def _doc(contents_hex: int, tail: bytes = b"") -> tuple[bytes, tuple[tuple[int, int], ...]]:
    head = b"%PDF-1.7\n1 0 obj <</Contents "
    sig = b"<" + b"0" * contents_hex + b">"
    rest = b" >> endobj\ntrailer <<>>\nstartxref\n0\n%%EOF\n"
    data = head + sig + rest + tail
    ranges = ((0, len(head)), (len(head) + len(sig), len(rest)))
    return data, ranges


def test_whole_file_coverage() -> None:
    data, ranges = _doc(20)
    check = check_coverage(data, ranges, 10, revision_ends(data))
    assert check.coverage is Coverage.ENTIRE_FILE
    assert check.findings == ()


def test_earlier_revision_coverage() -> None:
    data, ranges = _doc(20, tail=b"1 0 obj <<>> endobj\nstartxref\n0\n%%EOF\n")
    assert (
        check_coverage(data, ranges, 10, revision_ends(data)).coverage is Coverage.ENTIRE_REVISION
    )


def test_uncovered_tail_is_partial() -> None:
    data, ranges = _doc(20, tail=b"% appended garbage")
    (start, length) = ranges[1]
    check = check_coverage(data, ((0, ranges[0][1]), (start, length - 3)), 10, revision_ends(data))
    assert check.coverage is Coverage.PARTIAL
    assert [f.code for f in check.findings] == ["tail_uncovered"]


def test_gap_larger_than_contents_is_named() -> None:
    data, ranges = _doc(20)
    check = check_coverage(data, ranges, 4, revision_ends(data))  # /Contents holds 4 bytes only
    assert check.coverage is Coverage.PARTIAL
    assert [f.code for f in check.findings] == ["signature_gap_too_big"]


@pytest.mark.parametrize(
    "ranges",
    [((0, 10),), ((5, 10), (30, 10)), ((0, 10), (5, 10)), ((0, 10), (20, 5), (30, 5))],
)
def test_irregular_ranges(ranges: tuple[tuple[int, int], ...]) -> None:
    data = b"x" * 100
    check = check_coverage(data, ranges, 2, ())
    assert check.coverage is Coverage.PARTIAL
    assert check.findings
    assert check.findings[0].code == "byte_range_irregular"


@pytest.mark.parametrize(
    "raw", [[], [0, 10, 20], [0, -1, 5, 5], [0, 10, 95, 10], [0, "a", 1, 1], [True, 1, 2, 3]]
)
def test_unusable_byte_ranges_raise(raw: list[object]) -> None:
    with pytest.raises(ByteRangeError):
        parse_byte_range(raw, 100)


def test_digest_streams_the_ranges() -> None:
    data = bytes(range(256)) * 10
    ranges = ((0, 100), (200, 300))
    expected = hashlib.sha256(data[:100] + data[200:500]).digest()
    assert digest_ranges(memoryview(data), ranges, "sha256") == expected
    assert len(digest_ranges(data, ranges, "shake256")) == 64
    with pytest.raises(ValueError, match="unsupported"):
        digest_ranges(data, ranges, "whirlpool")


@settings(max_examples=100, deadline=None)
@given(
    data=st.binary(min_size=0, max_size=400),
    cuts=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)), max_size=4
    ),
)
def test_shared_sha256_equals_separate_hashes(
    data: bytes, cuts: list[tuple[int, int, int]]
) -> None:
    range_sets = [((0, a), (b, c)) for a, b, c in cuts]
    whole, digests = shared_sha256(data, range_sets)
    assert whole == hashlib.sha256(data).hexdigest()
    for ranges in range_sets:
        (_, a), (b, c) = ranges
        if a <= b and b + c <= len(data):
            assert digests[ranges] == hashlib.sha256(data[:a] + data[b : b + c]).digest()
        else:
            assert ranges not in digests


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(min_value=-5, max_value=300), min_size=0, max_size=8),
    contents=st.integers(min_value=0, max_value=100),
)
def test_coverage_never_raises_on_parsed_ranges(values: list[int], contents: int) -> None:
    data = b"<" + b"0" * 100 + b">%%EOF\n" + b"y" * 100
    try:
        ranges = parse_byte_range(values, len(data))
    except ByteRangeError:
        return
    check = check_coverage(data, ranges, contents, revision_ends(data))
    assert check.coverage in set(Coverage)
    if check.coverage is not Coverage.ENTIRE_FILE:
        assert check.coverage is Coverage.ENTIRE_REVISION or check.findings


@pytest.fixture(scope="module")
def legacy_bytes() -> bytes:
    if not LEGACY.exists():
        pytest.skip("shared corpus not available")
    return LEGACY.read_bytes()


def _verify(data: bytes):  # type: ignore[no-untyped-def]
    return verify_pdf(
        data,
        trust=TrustStore.from_paths([], include_default=False),
        moment=datetime(2026, 6, 1, tzinfo=UTC),
        policy=ValidationPolicy(),
    )


def test_legacy_signature_is_listed_and_checked(legacy_bytes: bytes) -> None:
    (sig,) = _verify(legacy_bytes).signatures
    facts = sig.facts
    assert facts.kind == "adbe.x509.rsa_sha1"
    assert facts.field == "Alice-1-1096825554"
    assert facts.integrity
    assert facts.digest_algorithm == "sha1"
    assert facts.docmdp_level == 1
    assert facts.signer is not None
    assert facts.signer.common_name == "Alice"
    codes = {f.code for f in facts.findings}
    assert {"sha1_digest", "legacy_subfilter"} <= codes
    assert codes & {"weak_rsa_key", "deprecated_rsa_key"}  # RSA-1024


def test_tampered_legacy_signature_is_hash_failure(legacy_bytes: bytes) -> None:
    data = bytearray(legacy_bytes)
    data[100] ^= 0x20  # inside the first signed range
    sig = _verify(bytes(data)).signatures[0]
    assert sig.facts.digest_ok is False
    assert (sig.indication, sig.sub_indication) == (
        Indication.TOTAL_FAILED,
        SubIndication.HASH_FAILURE,
    )
