"""Byte ranges, revisions and coverage of PDF signatures, read from the raw bytes.

pyHanko's own coverage check trusts a well-formed /ByteRange; this module re-derives every fact
from the file bytes (gap exactly the /Contents string, signed end on a revision boundary, no
uncovered tail) so that a manipulated range is named precisely, and hashes the signed ranges in
one pass over a memoryview (no copy of a 20 MB file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from esign.report import Coverage, Finding, Severity

__all__ = [
    "ByteRangeError",
    "CoverageCheck",
    "Ranges",
    "check_coverage",
    "digest_ranges",
    "hash_name",
    "parse_byte_range",
    "reader_revision_ends",
    "revision_end",
    "revision_ends",
    "shared_sha256",
    "trailing_junk",
]


# hashlib names for the digest algorithms asn1crypto reports; SHAKE256 is fixed at 64 bytes
# (RFC 8419 for Ed448).
_HASHLIB_NAMES = {
    "md5": "md5",
    "sha1": "sha1",
    "sha224": "sha224",
    "sha256": "sha256",
    "sha384": "sha384",
    "sha512": "sha512",
    "sha512_224": "sha512_224",
    "sha512_256": "sha512_256",
    "sha3_224": "sha3_224",
    "sha3_256": "sha3_256",
    "sha3_384": "sha3_384",
    "sha3_512": "sha3_512",
    "shake128": "shake_128",
    "shake256": "shake_256",
}


class ByteRangeError(ValueError):
    """Raised when a /ByteRange cannot even be read as offsets into the file."""

    code = "byte_range_invalid"


@dataclass(frozen=True)
class CoverageCheck:
    """What the /ByteRange of one signature covers."""

    ranges: tuple[tuple[int, int], ...]
    """(start, length) pairs as written in the file."""
    coverage: Coverage
    signed_end: int
    """Offset just past the last signed byte."""
    findings: tuple[Finding, ...]
    """Why the coverage is PARTIAL (irregular range, gap too big, uncovered tail, ...)."""


def parse_byte_range(raw: Sequence[object], file_size: int) -> tuple[tuple[int, int], ...]:
    """Read a /ByteRange array into (start, length) pairs that lie inside the file."""
    values: list[int] = []
    for item in raw:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ByteRangeError(f"non-integer /ByteRange entry {item!r}")
        values.append(int(item))
    if not values or len(values) % 2:
        raise ByteRangeError(f"/ByteRange has {len(values)} entries")
    pairs = tuple((values[i], values[i + 1]) for i in range(0, len(values), 2))
    for start, length in pairs:
        if start < 0 or length < 0 or start + length > file_size:
            raise ByteRangeError(f"/ByteRange part ({start}, {length}) outside the file")
    return pairs


def revision_ends(data: bytes | memoryview) -> tuple[int, ...]:
    """Offsets just past each ``%%EOF`` marker (with its end-of-line), i.e. revision boundaries."""
    raw = bytes(data) if isinstance(data, memoryview) else data
    ends: list[int] = []
    position = raw.find(b"%%EOF")
    while position >= 0:
        ends.extend(_eof_variants(raw, position + 5))
        position = raw.find(b"%%EOF", position + 5)
    return tuple(ends)


def _gap_is_contents(data: bytes | memoryview, start: int, end: int, contents_len: int) -> bool:
    """True when data[start:end] is exactly the hex string holding ``contents_len`` bytes."""
    if end - start != 2 * contents_len + 2:
        return False
    return data[start] == ord("<") and data[end - 1] == ord(">")


_TRAILER_WINDOW = 1 << 16


def reader_revision_ends(reader: object, data: bytes) -> tuple[int, ...]:
    """Revision boundaries of the revisions pyHanko parsed: the ``%%EOF`` after each xref
    section.  Only a small window after each section is searched, never the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not isinstance(reader, PdfFileReader):
        raise TypeError("a pyHanko PdfFileReader is required")
    ends: list[int] = []
    xrefs = reader.xrefs
    for revision in range(int(xrefs.total_revisions)):
        start = xrefs.get_xref_container_info(revision).end_location
        position = data.find(b"%%EOF", start, start + _TRAILER_WINDOW)
        if position >= 0:
            ends.extend(_eof_variants(data, position + 5))
    return tuple(sorted(set(ends)))


def revision_end(reader: object, data: bytes, revision: int) -> int | None:
    """Offset just past the ``%%EOF`` that closes ``revision`` (None if not found)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not isinstance(reader, PdfFileReader):
        raise TypeError("a pyHanko PdfFileReader is required")
    start = reader.xrefs.get_xref_container_info(revision).end_location
    position = data.find(b"%%EOF", start, start + _TRAILER_WINDOW)
    return None if position < 0 else position + 5


def _eof_variants(raw: bytes | memoryview, end: int) -> list[int]:
    """A signer may stop before or after the EOL that follows ``%%EOF``: same boundary."""
    if raw[end : end + 2] == b"\r\n":
        return [end, end + 2]
    if raw[end : end + 1] in (b"\n", b"\r"):
        return [end, end + 1]
    return [end]


def trailing_junk(data: bytes | memoryview, boundaries: tuple[int, ...]) -> int:
    """Length of non-blank bytes after the last ``%%EOF`` (data no revision accounts for)."""
    end = max(boundaries, default=0)
    tail = bytes(data[end:]) if len(data) - end < 1 << 20 else b"x"
    return len(tail.strip(b" \r\n\t\f\x00")) if end else 0


def check_coverage(
    data: bytes | memoryview,
    ranges: tuple[tuple[int, int], ...],
    contents_len: int,
    boundaries: tuple[int, ...],
) -> CoverageCheck:
    """Classify what ``ranges`` cover: the whole file, a whole earlier revision, or less.

    ``contents_len`` is the byte length of the /Contents string; the hole in a regular range is
    exactly that string written in hex, ``<`` and ``>`` included.
    """
    size = len(data)
    findings: list[Finding] = []
    signed_end = max((s + n for s, n in ranges), default=0)
    if len(ranges) != 2 or ranges[0][0] != 0:
        first = ranges[0][0] if ranges else "-"
        findings.append(
            Finding(
                "byte_range_irregular",
                Severity.ERROR,
                f"/ByteRange has {len(ranges)} part(s) starting at {first}",
            )
        )
        return CoverageCheck(ranges, Coverage.PARTIAL, signed_end, tuple(findings))
    (_, len1), (start2, len2) = ranges
    if start2 < len1:
        findings.append(Finding("byte_range_irregular", Severity.ERROR, "/ByteRange parts overlap"))
    elif not _gap_is_contents(data, len1, start2, contents_len):
        if start2 - len1 > 2 * contents_len + 2:
            findings.append(
                Finding(
                    "signature_gap_too_big",
                    Severity.ERROR,
                    f"unsigned gap of {start2 - len1} bytes, /Contents needs "
                    f"{2 * contents_len + 2}",
                )
            )
        else:
            findings.append(
                Finding(
                    "byte_range_irregular",
                    Severity.ERROR,
                    f"unsigned gap [{len1}, {start2}) is not the /Contents string",
                )
            )
    if findings:
        return CoverageCheck(ranges, Coverage.PARTIAL, signed_end, tuple(findings))
    end = start2 + len2
    if end == size:
        return CoverageCheck(ranges, Coverage.ENTIRE_FILE, end, ())
    if end in boundaries:
        return CoverageCheck(ranges, Coverage.ENTIRE_REVISION, end, ())
    return CoverageCheck(
        ranges,
        Coverage.PARTIAL,
        end,
        (
            Finding(
                "tail_uncovered",
                Severity.ERROR,
                f"signed range ends at {end}, not at a revision boundary (file size {size})",
            ),
        ),
    )


def hash_name(algorithm: str) -> str:
    """hashlib name for an asn1crypto digest algorithm name; ValueError when unknown."""
    try:
        return _HASHLIB_NAMES[algorithm.lower()]
    except KeyError:
        raise ValueError(f"unsupported digest algorithm {algorithm}") from None


Ranges = tuple[tuple[int, int], ...]


def shared_sha256(
    data: bytes | memoryview, range_sets: list[Ranges]
) -> tuple[str, dict[Ranges, bytes]]:
    """SHA-256 of the whole file and of each signature's byte ranges, in about one pass.

    A regular range ``[0, a) + [b, end)`` shares its first part with the file itself, and
    SHA-256 is sequential: the file is hashed once, the hash state is copied at each ``a``, and
    each copy only has to absorb its short tail ``[b, end)``.  Signatures sit at the end of
    their revision, so the tails are small and the document hash comes almost for free.
    """
    view = data if isinstance(data, memoryview) else memoryview(data)
    size = len(view)
    usable = [
        r
        for r in range_sets
        if len(r) == 2 and r[0][0] == 0 and r[0][1] <= r[1][0] and r[1][0] + r[1][1] <= size
    ]
    states: dict[int, hashlib._Hash] = {}
    whole = hashlib.sha256()
    position = 0
    for cut in sorted({r[0][1] for r in usable}):
        whole.update(view[position:cut])
        position = cut
        states[cut] = whole.copy()
    whole.update(view[position:])
    digests: dict[Ranges, bytes] = {}
    for r in usable:
        state = states[r[0][1]].copy()
        state.update(view[r[1][0] : r[1][0] + r[1][1]])
        digests[r] = state.digest()
    return whole.hexdigest(), digests


def digest_ranges(
    data: bytes | memoryview, ranges: tuple[tuple[int, int], ...], algorithm: str
) -> bytes:
    """Digest of the signed ranges, streamed from a memoryview (no copies)."""
    name = hash_name(algorithm)
    view = data if isinstance(data, memoryview) else memoryview(data)
    h = hashlib.new(name)
    for start, length in ranges:
        h.update(view[start : start + length])
    if name == "shake_256":
        return h.digest(64)  # type: ignore[call-arg]
    if name == "shake_128":
        return h.digest(32)  # type: ignore[call-arg]
    return h.digest()


def revision_covered(reader: object, signed_revision: int, signed_end: int) -> bool:
    """pyHanko's check that the signed range ends exactly at ``signed_revision``'s trailer.

    Catches a signature dictionary smuggled into a later revision while the byte range still
    ends at an earlier ``%%EOF``.
    """
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader, process_data_at_eof

    if not isinstance(reader, PdfFileReader):
        raise TypeError("a pyHanko PdfFileReader is required")
    xrefs = reader.xrefs
    stream = reader.stream
    stream.seek(signed_end)
    try:
        startxref = process_data_at_eof(stream)
    except (PdfReadError, ValueError):
        return False
    if startxref != xrefs.get_startxref_for_revision(signed_revision):
        return False
    return all(
        xrefs.get_xref_container_info(rev).end_location <= signed_end
        for rev in range(signed_revision + 1)
    )
