"""Find every filled signature field of a PDF, whatever its sub-filter, and its MDP settings.

pyHanko's ``embedded_signatures`` silently drops sub-filters it does not validate
(``adbe.x509.rsa_sha1``); we enumerate the AcroForm ourselves (through pyHanko's cycle-safe
field walker) so every signature is listed, then read DocMDP/FieldMDP from the signature's
/Reference array or the field's /Lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import FieldMDPSpec, MDPPerm, enumerate_sig_fields

from esign.pdf_fingerprint import deref

__all__ = ["SigField", "docmdp_of", "fieldmdp_of", "signature_fields", "sub_filter"]

_MAX_SIGNATURES = 500


@dataclass(frozen=True)
class SigField:
    """One filled signature field as found in the final revision."""

    name: str
    field: generic.DictionaryObject
    sig: generic.DictionaryObject
    """The signature dictionary (/V)."""
    sig_ref: generic.Reference | None
    """Reference of the signature dictionary (None if it is a direct object)."""


def signature_fields(reader: PdfFileReader) -> list[SigField]:
    """Every filled /Sig field, in AcroForm order (bounded)."""
    found: list[SigField] = []
    for fq_name, _value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        field = deref(field_ref)
        if not isinstance(field, generic.DictionaryObject):
            continue
        raw_value = field.raw_get("/V")
        sig = deref(raw_value)
        if not isinstance(sig, generic.DictionaryObject):
            continue
        ref = raw_value.reference if isinstance(raw_value, generic.IndirectObject) else None
        found.append(SigField(str(fq_name), field, sig, ref))
        if len(found) >= _MAX_SIGNATURES:
            break
    return found


def sub_filter(sig: generic.DictionaryObject) -> str:
    """The sub-filter without its slash; document timestamps are reported as ETSI.RFC3161."""
    raw = str(sig.get("/SubFilter", "")).lstrip("/")
    if str(sig.get("/Type", "")) == "/DocTimeStamp" and not raw:
        return "ETSI.RFC3161"
    return raw


def _reference_dict(sig: generic.DictionaryObject, method: str) -> generic.DictionaryObject | None:
    if "/Reference" not in sig:
        return None
    refs = deref(sig.raw_get("/Reference"))
    if not isinstance(refs, generic.ArrayObject):
        return None
    for item in list.__iter__(refs):
        ref = deref(item)
        if (
            isinstance(ref, generic.DictionaryObject)
            and str(ref.get("/TransformMethod", "")) == method
        ):
            return ref
    return None


def docmdp_of(item: SigField) -> MDPPerm | None:
    """DocMDP permission of a certification signature (or the field's /Lock /P)."""
    ref = _reference_dict(item.sig, "/DocMDP")
    try:
        if ref is not None:
            params = deref(ref.raw_get("/TransformParams"))
            if isinstance(params, generic.DictionaryObject):
                return MDPPerm(int(params.get("/P", 2)))
        if "/Lock" in item.field:
            lock = deref(item.field.raw_get("/Lock"))
            if isinstance(lock, generic.DictionaryObject) and "/P" in lock:
                return MDPPerm(int(lock["/P"]))
    except (ValueError, TypeError, KeyError):
        return MDPPerm.NO_CHANGES  # an unreadable permission is read as the strictest one
    return None


def fieldmdp_of(item: SigField) -> FieldMDPSpec | None:
    """FieldMDP lock of a signature (its /Reference entry, else the field's /Lock)."""
    ref = _reference_dict(item.sig, "/FieldMDP")
    params: generic.PdfObject | None = None
    if ref is not None and "/TransformParams" in ref:
        params = deref(ref.raw_get("/TransformParams"))
    elif "/Lock" in item.field:
        params = deref(item.field.raw_get("/Lock"))
    if not isinstance(params, generic.DictionaryObject) or "/Action" not in params:
        return None
    try:
        return FieldMDPSpec.from_pdf_object(params)
    except (ValueError, TypeError, KeyError):
        return None
