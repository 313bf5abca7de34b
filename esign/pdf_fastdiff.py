"""Recognise an incremental update that only adds signature fields, without a full diff.

The most common update after a signature is another signature.  pyHanko's difference analysis
re-reads every object of the signed revision to prove that, once per signature, which dominates
the time to verify a long document signed several times.  This module proves the same narrow
fact from the update itself: every object the update rewrites is the catalogue, the form, the
field list, a page or its annotation array, or the document information dictionary, and each of
them changed only by appending new signature fields / widgets; everything else written is new.

A "new" object number could have been referenced (dangling) before the update, which would let
a fresh object change old content; so the old revision's bytes are scanned for references to
the new numbers, and the fast path is refused for revisions that use object streams (where such
a reference would be compressed out of sight).  Whenever anything is unusual the answer is None
and the caller runs pyHanko's full analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

from esign.pdf_fingerprint import deref

__all__ = ["SignatureUpdate", "signature_only_update"]

_MAX_WRITTEN = 2_000
_ROOT_KEYS = frozenset({"/AcroForm"})
_ACROFORM_KEYS = frozenset({"/Fields", "/SigFlags"})
_PAGE_KEYS = frozenset({"/Annots"})


@dataclass(frozen=True)
class SignatureUpdate:
    """An update shown to add only signature fields."""

    signatures: tuple[str, ...]
    """Names of the signature fields added (approval signatures)."""
    timestamps: tuple[str, ...]
    """Names of document timestamp fields added."""


class _Refused(Exception):
    """Raised internally when the update is not a plain signature addition."""


def _key(obj: generic.PdfObject) -> tuple[int, int] | None:
    if isinstance(obj, generic.IndirectObject):
        return (obj.idnum, obj.generation)
    return None


def _raw_list(obj: generic.PdfObject) -> list[generic.PdfObject]:
    target = deref(obj)
    if not isinstance(target, generic.ArrayObject):
        raise _Refused("not an array")
    return list(list.__iter__(target))


def _appended(old: list[generic.PdfObject], new: list[generic.PdfObject]) -> list[tuple[int, int]]:
    """New array = old array + appended indirect references; returns the appended ones."""
    if len(new) < len(old) or [_key(x) for x in new[: len(old)]] != [_key(x) for x in old]:
        raise _Refused("array not extended by appending")
    if any(_key(x) is None for x in old):
        raise _Refused("direct objects in array")
    added = [_key(x) for x in new[len(old) :]]
    if any(k is None for k in added):
        raise _Refused("direct object appended")
    return [k for k in added if k is not None]


def _same_except(
    old: generic.DictionaryObject, new: generic.DictionaryObject, allowed: frozenset[str]
) -> None:
    """Every key outside ``allowed`` has the same raw value (same reference or equal direct)."""
    for name in set(dict.keys(old)) | set(dict.keys(new)):
        if name in allowed:
            continue
        if name not in old or name not in new:
            raise _Refused(f"key {name} added or removed")
        a, b = dict.__getitem__(old, name), dict.__getitem__(new, name)
        if _key(a) is not None or _key(b) is not None:
            if _key(a) != _key(b):
                raise _Refused(f"key {name} now points elsewhere")
        elif _direct_repr(a) != _direct_repr(b):
            raise _Refused(f"key {name} changed")


def _direct_repr(obj: generic.PdfObject, depth: int = 0) -> object:
    """Comparable form of a direct object (references stay references)."""
    if depth > 16:
        raise _Refused("direct object too deep")
    if isinstance(obj, generic.IndirectObject):
        return ("ref", obj.idnum, obj.generation)
    if isinstance(obj, generic.StreamObject):
        raise _Refused("direct stream")
    if isinstance(obj, generic.DictionaryObject):
        return tuple(sorted((str(k), _direct_repr(v, depth + 1)) for k, v in dict.items(obj)))
    if isinstance(obj, generic.ArrayObject):
        return tuple(_direct_repr(v, depth + 1) for v in list.__iter__(obj))
    if isinstance(obj, generic.TextStringObject | generic.ByteStringObject):
        return ("s", bytes(obj.original_bytes))
    if isinstance(obj, generic.NullObject):
        return None
    return (type(obj).__name__, str(obj))


class _Checker:
    """Checks one revision against the previous one."""

    def __init__(self, reader: PdfFileReader, revision: int) -> None:
        self.reader = reader
        self.old: HistoricalResolver = reader.get_historical_resolver(revision - 1)
        self.new: HistoricalResolver = reader.get_historical_resolver(revision)
        self.revision = revision
        written = reader.xrefs.explicit_refs_in_revision(revision)
        if len(written) > _MAX_WRITTEN:
            raise _Refused("update too large for the fast path")
        self.existing = {
            (r.idnum, r.generation)
            for r in written
            if reader.xrefs.get_historical_ref(r, revision - 1) is not None
        }
        self.fresh = {(r.idnum, r.generation) for r in written} - self.existing
        self.cleared: set[tuple[int, int]] = set()
        self.added_fields: list[tuple[int, int]] = []
        self.added_widgets: list[tuple[int, int]] = []

    def obj(self, res: HistoricalResolver, key: tuple[int, int]) -> generic.PdfObject:
        found: generic.PdfObject = res(generic.Reference(key[0], key[1]))
        return found

    def check_root(self) -> None:
        old_root = self.old.root
        new_root = self.new.root
        root_key = (self.new.root_ref.idnum, self.new.root_ref.generation)
        if root_key in self.existing:
            _same_except(old_root, new_root, _ROOT_KEYS)
            self.cleared.add(root_key)
        if "/AcroForm" not in new_root:
            raise _Refused("no form")
        old_form_raw = old_root.raw_get("/AcroForm") if "/AcroForm" in old_root else None
        new_form_raw = new_root.raw_get("/AcroForm")
        if old_form_raw is not None and _key(old_form_raw) != _key(new_form_raw):
            raise _Refused("form replaced")
        form_key = _key(new_form_raw)
        if form_key is not None and form_key in self.fresh and old_form_raw is not None:
            raise _Refused("form moved")
        self.check_form(old_form_raw, new_form_raw, form_key)

    def check_form(
        self,
        old_raw: generic.PdfObject | None,
        new_raw: generic.PdfObject,
        form_key: tuple[int, int] | None,
    ) -> None:
        new_form = deref(new_raw)
        if not isinstance(new_form, generic.DictionaryObject):
            raise _Refused("form is not a dictionary")
        if old_raw is None:
            old_fields: list[generic.PdfObject] = []
            if form_key is not None and form_key not in self.fresh:
                raise _Refused("form object existed elsewhere")
        else:
            old_form = deref(old_raw)
            if not isinstance(old_form, generic.DictionaryObject):
                raise _Refused("old form is not a dictionary")
            _same_except(old_form, new_form, _ACROFORM_KEYS)
            if form_key is not None and form_key in self.existing:
                self.cleared.add(form_key)
            old_fields = _raw_list(old_form.raw_get("/Fields")) if "/Fields" in old_form else []
            if "/Fields" in old_form and _key(old_form.raw_get("/Fields")) != _key(
                new_form.raw_get("/Fields")
            ):
                raise _Refused("field array replaced")
        fields_raw = new_form.raw_get("/Fields")
        fields_key = _key(fields_raw)
        if fields_key is not None and fields_key in self.existing:
            self.cleared.add(fields_key)
        self.added_fields = _appended(old_fields, _raw_list(fields_raw))

    def check_pages(self) -> None:
        """Every rewritten page only gained annotations (and its annotation array likewise)."""
        for key in sorted(self.existing - self.cleared):
            old = deref(self.obj(self.old, key))
            if not (
                isinstance(old, generic.DictionaryObject) and str(old.get("/Type", "")) == "/Page"
            ):
                continue
            new = deref(self.obj(self.new, key))
            if not isinstance(new, generic.DictionaryObject):
                raise _Refused("page replaced by a non-dictionary")
            _same_except(old, new, _PAGE_KEYS)
            old_annots = _raw_list(old.raw_get("/Annots")) if "/Annots" in old else []
            new_annots = _raw_list(new.raw_get("/Annots")) if "/Annots" in new else []
            old_annots_key = _key(old.raw_get("/Annots")) if "/Annots" in old else None
            new_annots_key = _key(new.raw_get("/Annots")) if "/Annots" in new else None
            if old_annots_key is not None and old_annots_key != new_annots_key:
                raise _Refused("annotation array replaced")
            annots_key = _key(new.raw_get("/Annots")) if "/Annots" in new else None
            if annots_key is not None and annots_key in self.existing:
                self.cleared.add(annots_key)
            self.added_widgets.extend(_appended(old_annots, new_annots))
            self.cleared.add(key)

    def check_info(self) -> None:
        trailer = self.new.trailer_view
        if "/Info" in trailer:
            info_key = _key(trailer.raw_get("/Info"))
            if info_key is not None and info_key in self.existing:
                self.cleared.add(info_key)  # document metadata: not content

    def classify_fields(self) -> SignatureUpdate:
        fields = set(self.added_fields)
        if not fields <= self.fresh or not set(self.added_widgets) <= self.fresh:
            raise _Refused("appended objects are not new")
        signatures: list[str] = []
        timestamps: list[str] = []
        for key in self.added_fields:
            node = deref(self.obj(self.new, key))
            if not isinstance(node, generic.DictionaryObject) or str(node.get("/FT", "")) != "/Sig":
                raise _Refused("a non-signature field was added")
            if "/Kids" in node:
                raise _Refused("signature field with kids")
            name = str(node.get("/T", ""))
            if "/V" not in node:
                continue  # an empty signature field
            value_key = _key(node.raw_get("/V"))
            if value_key is None or value_key not in self.fresh:
                raise _Refused("signature value is not a new object")
            value = deref(node.raw_get("/V"))
            if not isinstance(value, generic.DictionaryObject) or "/ByteRange" not in value:
                raise _Refused("signature value is not a signature dictionary")
            if str(value.get("/Type", "")) == "/DocTimeStamp":
                timestamps.append(name)
            else:
                signatures.append(name)
        for key in self.added_widgets:
            if key not in fields:
                raise _Refused("an annotation other than the new field's widget was added")
        return SignatureUpdate(tuple(signatures), tuple(timestamps))

    def check_no_dangling(self, old_end: int, data: bytes) -> None:
        """No object of the older revisions referred to a number this update introduces."""
        for rev in range(self.revision):
            if self.reader.xrefs.object_streams_used_in(rev):  # type: ignore[no-untyped-call]
                raise _Refused("object streams hide references")
        numbers = sorted({k[0] for k in self.fresh})
        if not numbers:
            return
        pattern = re.compile(
            rb"(?<![0-9])(?:"
            + b"|".join(str(n).encode() for n in numbers)
            + rb")\s+\d+\s+R(?![A-Za-z])"
        )
        if pattern.search(data, 0, old_end):
            raise _Refused("a new object number was already referenced")


def signature_only_update(
    reader: PdfFileReader, revision: int, data: bytes, old_end: int
) -> SignatureUpdate | None:
    """What revision ``revision`` added, if it provably only adds signature fields; else None.

    ``old_end`` is the offset where revision ``revision - 1`` ends in ``data``.
    """
    if revision < 1 or reader.xrefs.refs_freed_in_revision(revision):
        return None
    try:
        checker = _Checker(reader, revision)
        checker.check_root()
        checker.check_pages()
        checker.check_info()
        if checker.existing - checker.cleared:
            return None
        result = checker.classify_fields()
        checker.check_no_dangling(old_end, data)
    except _Refused:
        return None
    except Exception:
        return None
    return result
