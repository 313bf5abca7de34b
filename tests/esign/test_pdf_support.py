"""Builders for fresh PDF fixtures: documents, signatures and incremental updates.

Shared by the PDF tests and ``bench/esign_pdf.py``; nothing here is a test.  Documents are made
with fpdf2, a text field is added with pyHanko's incremental writer, and signatures use pyHanko's
signer with the throw-away PKI of ``tests/esign/pki.py``.
"""

from __future__ import annotations

import io
import random
from typing import Any

from fpdf import FPDF
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

__all__ = [
    "add_annotation",
    "add_page",
    "base_pdf",
    "change_page_content",
    "fill_field",
    "resign_as_pkcs7_sha1",
    "sign",
]


def base_pdf(pages: int = 1, *, text_field: bool = True, filler_bytes: int = 0) -> bytes:
    """A plain document with ``pages`` pages of text and, optionally, a text field "Ho_ten".

    ``filler_bytes`` adds a stream of that many pseudo-random bytes (like a compressed image),
    to build large files fast.
    """
    pdf = FPDF()
    pdf.set_compression(False)
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(text=f"Giay tiep nhan ho so - trang {number + 1}")
    data = bytes(pdf.output())
    if not (text_field or filler_bytes):
        return data
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if filler_bytes:
        noise = random.Random(filler_bytes).randbytes(filler_bytes)
        filler = writer.add_object(generic.StreamObject(stream_data=noise))
        writer.root["/Filler"] = filler
        writer.update_root()
    if text_field:
        _add_text_field(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _add_text_field(writer: IncrementalPdfFileWriter) -> None:
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    field = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
            generic.pdf_name("/FT"): generic.pdf_name("/Tx"),
            generic.pdf_name("/T"): generic.pdf_string("Ho_ten"),
            generic.pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (50, 700, 300, 720)]
            ),
            generic.pdf_name("/F"): generic.NumberObject(4),
            generic.pdf_name("/P"): page_ref,
            generic.pdf_name("/DA"): generic.pdf_string("/Helv 10 Tf 0 g"),
        }
    )
    field_ref = writer.add_object(field)
    annots = generic.ArrayObject([field_ref])
    page["/Annots"] = annots
    writer.update_container(page)
    writer.root["/AcroForm"] = generic.DictionaryObject(
        {generic.pdf_name("/Fields"): generic.ArrayObject([field_ref])}
    )
    writer.update_root()


class _CarelessSigner(signers.PdfSigner):
    """A signing tool that ignores the certification's "no changes" (as some real ones do)."""

    def _enforce_certification_constraints(self, reader: Any) -> None:
        return None


def sign(
    data: bytes,
    signer: Any,
    field_name: str,
    *,
    timestamper: Any = None,
    certify: bool = False,
    docmdp: fields.MDPPerm | None = None,
    field_lock: fields.FieldMDPSpec | None = None,
    subfilter: fields.SigSeedSubFilter | None = None,
    careless: bool = False,
) -> bytes:
    """Sign ``data`` incrementally in a new invisible field ``field_name``.

    ``careless`` signs even where a certification forbids it (to test that we notice).
    """
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        certify=certify,
        docmdp_permissions=docmdp or fields.MDPPerm.FILL_FORMS,
        subfilter=subfilter,
        signer_key_usage={"digital_signature"},
    )
    spec = None
    if field_lock is not None:
        spec = fields.SigFieldSpec(field_name, field_mdp_spec=field_lock)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if careless:
        tool = _CarelessSigner(meta, signer, timestamper=timestamper, new_field_spec=spec)
        return bytes(tool.sign_pdf(writer).getvalue())
    out = signers.sign_pdf(
        writer, meta, signer=signer, timestamper=timestamper, new_field_spec=spec
    )
    return bytes(out.getvalue())


def resign_as_pkcs7_sha1(signed: bytes, signer: Any) -> bytes:
    """Turn a pyHanko signature into an ``adbe.pkcs7.sha1`` one (pyHanko cannot make those):
    rename the sub-filter in place, then embed a CMS that encapsulates the SHA-1 digest."""
    import asyncio
    import hashlib
    import re

    old, new = b"/adbe.pkcs7.detached", b"/adbe.pkcs7.sha1"
    data = bytearray(signed.replace(old, new + b" " * (len(old) - len(new)), 1))
    numbers = [
        int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)[-1]
    ]
    start1, len1, start2, len2 = numbers
    digest = hashlib.sha1(data[start1 : start1 + len1] + data[start2 : start2 + len2]).digest()
    content = asyncio.run(signer.async_sign_general_data(digest, "sha256", detached=False))
    hex_der = content.dump().hex().encode()
    hole = start2 - len1 - 2
    if len(hex_der) > hole:
        raise ValueError("CMS does not fit the placeholder")
    data[len1 + 1 : start2 - 1] = hex_der + b"0" * (hole - len(hex_der))
    return bytes(data)


def fill_field(data: bytes, value: str, name: str = "Ho_ten") -> bytes:
    """Form filling: set the text field's value in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if str(field.get("/T")) == name:
            field["/V"] = generic.pdf_string(value)
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_page_content(
    data: bytes, text: bytes = b"BT /F1 24 Tf 100 600 Td (DA SUA) Tj ET"
) -> bytes:
    """Forbidden change: append a content stream to page 1 in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    extra = writer.add_object(generic.StreamObject(stream_data=text))
    current = page.raw_get("/Contents")
    items = list(current) if isinstance(current, generic.ArrayObject) else [current]
    page["/Contents"] = generic.ArrayObject([*items, extra])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_page(data: bytes) -> bytes:
    """Forbidden change: append a blank page in an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    pages_ref = writer.root.raw_get("/Pages")
    pages = pages_ref.get_object()
    new_page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/Parent"): pages_ref,
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, 0, 595, 842)]
            ),
        }
    )
    kids = pages["/Kids"]
    kids.append(writer.add_object(new_page))
    pages["/Count"] = generic.NumberObject(len(kids))
    writer.update_container(pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(data: bytes) -> bytes:
    """A sticky-note annotation on page 1 (allowed only without DocMDP or with level 3)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Text"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(v) for v in (10, 10, 30, 30)]
                ),
                generic.pdf_name("/Contents"): generic.pdf_string("ghi chu"),
                generic.pdf_name("/P"): page_ref,
            }
        )
    )
    annots = page["/Annots"] if "/Annots" in page else generic.ArrayObject()
    annots.append(note)
    page["/Annots"] = annots
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
