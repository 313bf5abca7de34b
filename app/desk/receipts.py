"""Turning a stored dossier into its printable receipt (Mẫu 01): data, PDF, QR image.

No Flask: the caller passes the agency settings and the public base URL. A reprint uses the
stored token, so the QR (code, key and token) is the same every time it is printed.
"""

from __future__ import annotations

import base64

from app.desk.operations import lookup_url
from app.desk.receipt_pdf import PageSize, ReceiptData, ReceivedDocument, render_receipt_pdf
from app.models.agency import AgencySettings
from app.models.dossier import Dossier

POST_PREFIX = "Qua dịch vụ bưu chính: "


def collect_text(dossier: Dossier, agency: AgencySettings) -> str:
    if dossier.collect_method == "post":
        return POST_PREFIX + dossier.collect_address
    place = agency.address or agency.name
    return f"{agency.desk_name} – {place}" if place else agency.desk_name


def receipt_data(
    dossier: Dossier, agency: AgencySettings, base_url: str, officer_name: str = ""
) -> ReceiptData:
    return ReceiptData(
        agency_name=agency.name.upper(),
        dossier_code=dossier.code,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        procedure_name=dossier.procedure_name_vi,
        documents=tuple(
            ReceivedDocument(str(d["name"]), int(d.get("sets", 1)), bool(d.get("original")))
            for d in dossier.documents
        ),
        sets=dossier.sets,
        received_at=dossier.received_at,
        due_at=dossier.original_due_at,
        collect_at=collect_text(dossier, agency),
        register_book=dossier.register_book,
        register_entry=str(dossier.register_entry),
        lookup_url=lookup_url(dossier, base_url),
        processing_days=dossier.processing_days,
        processing_hours=dossier.processing_hours,
        fee_vnd=dossier.fee_vnd,
        officer_name=officer_name,
        receipt_number=str(dossier.register_entry),
    )


def receipt_pdf(
    dossier: Dossier,
    agency: AgencySettings,
    base_url: str,
    size: PageSize = "A4",
    officer_name: str = "",
) -> bytes:
    return render_receipt_pdf(receipt_data(dossier, agency, base_url, officer_name), size)


def qr_data_uri(dossier: Dossier, base_url: str) -> tuple[str, int]:
    """PNG data URI of the receipt QR (CSP allows data: images) and its QR version."""
    from app.desk.qr import render_qr

    rendered = render_qr(lookup_url(dossier, base_url), box_size=6)
    return "data:image/png;base64," + base64.b64encode(rendered.png).decode(
        "ascii"
    ), rendered.version
