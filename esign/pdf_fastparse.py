"""Pre-load signature dictionaries without pyHanko's per-character hex tokenizer.

pyHanko reads a hex string one byte at a time in Python; a signature's /Contents placeholder is
8 to 32 KB of hex, which makes it the single largest cost of verifying a small PDF.  We find each
signature dictionary in the raw bytes, decode its /Contents with ``bytes.fromhex`` (C speed),
let pyHanko parse the rest of the dictionary, and seed pyHanko's object cache with the result.

Only the current version of an object addressed directly by the xref table is seeded, and only
when every consistency check holds (object header at the xref offset, the hex string replaced is
the dictionary's own /Contents); anything unusual is left to pyHanko's normal parser, so this is
purely an optimisation.
"""

from __future__ import annotations

import contextlib
import io
import re

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.xref import read_object_header

from esign.pdf_fingerprint import deref

__all__ = ["preload_signature_dicts"]

_HEADER_RE = re.compile(rb"\s*(\d{1,10})\s+(\d{1,5})\s+obj")
_CONTENTS_RE = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]*)>")
_WS_RE = re.compile(rb"\s+")
_MAX_DICTS = 500
_MAX_FIELDS = 10_000
_MAX_DICT_BYTES = 4 * 1024 * 1024


def _preload_one(reader: PdfFileReader, data: bytes, ref: generic.Reference) -> bool:
    """Seed the signature dictionary ``ref``; False when left to pyHanko."""
    idnum, generation = ref.idnum, ref.generation
    if reader.cache_get_indirect_object(generation, idnum) is not None:  # type: ignore[no-untyped-call]
        return False
    start = reader.xrefs[ref]
    if not isinstance(start, int):
        return False  # inside an object stream
    end = data.find(b"endobj", start, start + _MAX_DICT_BYTES)
    if end < 0:
        return False
    window = data[start:end]
    header = _HEADER_RE.match(window)
    if header is None or (int(header.group(1)), int(header.group(2))) != (idnum, generation):
        return False
    hole = _CONTENTS_RE.search(window)
    if hole is None:
        return False
    hex_digits = _WS_RE.sub(b"", hole.group(1))
    if len(hex_digits) % 2:
        hex_digits += b"0"  # PDF pads an odd hex string with 0, as pyHanko does
    patched = window[: hole.start(1)] + window[hole.end(1) :] + b"endobj"
    stream = io.BytesIO(patched)
    read_object_header(stream, strict=False)  # type: ignore[no-untyped-call]
    obj = generic.read_object(stream, generic.Reference(idnum, generation, reader))
    if not isinstance(obj, generic.DictionaryObject) or "/ByteRange" not in obj:
        return False
    placeholder = obj.raw_get("/Contents") if "/Contents" in obj else None
    if not isinstance(placeholder, generic.ByteStringObject | generic.TextStringObject) or bytes(
        placeholder.original_bytes
    ):
        return False  # the hex string we removed was not this dictionary's own /Contents
    obj["/Contents"] = generic.ByteStringObject(bytes.fromhex(hex_digits.decode("ascii")))
    reader.cache_indirect_object(generation, idnum, obj)  # type: ignore[no-untyped-call]
    return True


def _signature_value_refs(reader: PdfFileReader) -> list[generic.Reference]:
    """References held in /V of AcroForm fields (any type), without resolving them."""
    refs: list[generic.Reference] = []
    try:
        fields = reader.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return refs
    stack: list[generic.PdfObject] = list(list.__iter__(fields))[::-1]
    seen: set[tuple[int, int]] = set()
    while stack and len(seen) < _MAX_FIELDS and len(refs) < _MAX_DICTS:
        item = stack.pop()
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
        node = deref(item)
        if not isinstance(node, generic.DictionaryObject):
            continue
        value = node.raw_get("/V") if "/V" in node else None
        if isinstance(value, generic.IndirectObject):
            refs.append(value.reference)
        kids = node.raw_get("/Kids") if "/Kids" in node else None
        kids = deref(kids) if kids is not None else None
        if isinstance(kids, generic.ArrayObject):
            stack.extend(list(list.__iter__(kids))[::-1])
    return refs


def preload_signature_dicts(reader: PdfFileReader, data: bytes) -> int:
    """Seed pyHanko's cache with the signature dictionaries of the form; returns how many."""
    if reader.encrypted:
        return 0  # strings would need decrypting: leave it to pyHanko
    try:
        refs = _signature_value_refs(reader)
    except Exception:
        return 0
    seeded = 0
    for ref in refs:
        # anything odd is left to pyHanko's own parser
        with contextlib.suppress(Exception):
            seeded += _preload_one(reader, data, ref)
    return seeded
