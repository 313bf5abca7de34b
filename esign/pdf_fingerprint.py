"""Content fingerprints of PDF object graphs, to tell what changed between two revisions.

A fingerprint is a short hash of an object and everything it references, read through one
revision's resolver.  Walks are bounded (depth, node budget) and cycle-safe, so a hostile
reference loop costs a little time and never hangs; raw (encoded) stream bytes are hashed
without decompressing anything.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from pyhanko.pdf_utils import generic

__all__ = ["BudgetExceeded", "Fingerprinter", "deref"]

_MAX_DEPTH = 48
# Back-pointers (to the parent node, the page, the popup ...) say where an object sits, not what
# it shows; following them would make every change ripple through the whole document.
_BACK_POINTERS = frozenset({"/Parent", "/P", "/Pg", "/Popup", "/IRT", "/Dest", "/D"})
_PAGE_TYPES = frozenset({"/Page", "/Pages"})


class BudgetExceeded(RuntimeError):
    """Raised when a walk would touch more objects than the analysis may afford."""


def deref(obj: generic.PdfObject, hops: int = 8) -> generic.PdfObject:
    """Follow indirect references (bounded, a reference to itself must not loop)."""
    for _ in range(hops):
        if not isinstance(obj, generic.IndirectObject):
            return obj
        obj = obj.reference.get_object()
    raise ValueError("chain of indirect references too long")


class Fingerprinter:
    """Memoised fingerprints of indirect objects, keyed by (revision, object number, generation).

    One instance serves every signature of one document, so the final revision is walked once
    however many signatures are compared with it.
    """

    def __init__(self, budget: int = 300_000) -> None:
        self._memo: dict[tuple[int, int, int], bytes] = {}
        self._budget = budget

    def of(self, revision: int, obj: generic.PdfObject, skip: Iterable[str] = ()) -> bytes:
        """Fingerprint of ``obj`` as seen in ``revision``; top-level ``skip`` keys are ignored."""
        return self._walk(revision, obj, frozenset(skip), 0, set())

    def _spend(self) -> None:
        self._budget -= 1
        if self._budget < 0:
            raise BudgetExceeded("object graph too large to compare")

    def _walk(
        self,
        revision: int,
        obj: generic.PdfObject,
        skip: frozenset[str],
        depth: int,
        active: set[tuple[int, int, int]],
    ) -> bytes:
        self._spend()
        if depth > _MAX_DEPTH:
            return b"deep"
        if isinstance(obj, generic.IndirectObject):
            key = (revision, obj.idnum, obj.generation)
            memo = self._memo.get(key) if not skip else None
            if memo is not None:
                return memo
            if key in active:
                return b"cycle:%d" % obj.idnum
            target = obj.reference.get_object()
            if (
                depth > 0
                and isinstance(target, generic.DictionaryObject)
                and str(target.get("/Type", "")) in _PAGE_TYPES
            ):
                # pages are compared one by one by the caller; here only identity matters
                return b"page:%d" % obj.idnum
            active.add(key)
            try:
                digest = self._walk(revision, target, skip, depth + 1, active)
            finally:
                active.discard(key)
            if not skip:
                self._memo[key] = digest
            return digest
        h = hashlib.blake2b(digest_size=16)
        if isinstance(obj, generic.DictionaryObject):
            h.update(b"S" if isinstance(obj, generic.StreamObject) else b"D")
            for key_name in sorted(dict.keys(obj)):
                if key_name in skip or key_name in _BACK_POINTERS:
                    continue
                h.update(str(key_name).encode("utf-8", "surrogatepass"))
                h.update(
                    self._walk(
                        revision, dict.__getitem__(obj, key_name), frozenset(), depth + 1, active
                    )
                )
            if isinstance(obj, generic.StreamObject):
                h.update(hashlib.sha256(obj.encoded_data or b"").digest())
        elif isinstance(obj, generic.ArrayObject):
            h.update(b"A")
            for item in list.__iter__(obj):
                h.update(self._walk(revision, item, frozenset(), depth + 1, active))
        elif isinstance(obj, generic.TextStringObject | generic.ByteStringObject):
            h.update(b"s" + obj.original_bytes)
        else:
            h.update(type(obj).__name__.encode() + b":" + _serialise(obj))
        return h.digest()


def _serialise(obj: generic.PdfObject) -> bytes:
    """PDF syntax of a primitive (numbers, names, booleans, null): stable across runs."""
    buffer = io.BytesIO()
    try:
        obj.write_to_stream(buffer, None)
    except Exception:
        return b"?"
    return buffer.getvalue()
