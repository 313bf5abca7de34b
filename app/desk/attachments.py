"""Signed documents attached to a dossier: verified in the limited worker, kept with the dossier.

Why split in two steps: verification is slow (a worker process, seconds for a large file), so it
runs BEFORE the intake transaction; storing the results is then a few inserts inside it, and a
retried intake transaction never verifies twice. Nothing commits here (the request does).
Personal ID numbers read from certificates are masked before anything is stored or audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.errors import AppError
from app.models.dossier import Dossier
from app.models.verification import DossierDocument
from app.verify.present import mask_identifier

if TYPE_CHECKING:
    from esign.report import DocumentReport

__all__ = [
    "MAX_FILES",
    "AttachmentLimitError",
    "Upload",
    "Verified",
    "attach_documents",
    "check_limits",
    "documents_of",
    "mask_text",
    "masked_filename",
    "masked_report",
    "reason_code",
    "store_documents",
    "verify_uploads",
]

MAX_FILES = 10
"""Files per submit: a desk dossier rarely has more signed papers; bounds one request's work."""

PERSONAL_KINDS = frozenset({"CCCD", "CMND", "HC", "PID", "BHXH"})
# "CCCD:001099012345", "CMND=123456789", "cccd_001099012345" (file names), "HC: B1234567".
_PREFIXED = re.compile(r"(?i)(CCCD|CMND|PID|BHXH|HC)([\s:=_#-]{0,3})([A-Z]{0,2}\d{6,})")
# A bare 12-digit run (a citizen ID) in a file name such as "001099012345.pdf".
_BARE_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
# Hex digests and serials are not personal data; masking them would corrupt them.
_UNMASKED_KEYS = frozenset({"sha256", "serial_hex"})

_CONTENT_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}


class AttachmentLimitError(AppError):
    """An attachment breaks a limit (size of one file, total size, number of files).

    ``code``: ``attachment_too_large`` (extra ``filename``), ``attachments_too_large`` or
    ``too_many_attachments``; ``extra["limit"]`` is the limit (bytes or files).
    """

    status = 413
    code = "attachment_too_large"


@dataclass(frozen=True)
class Upload:
    """One uploaded file, read into memory for the duration of the request."""

    filename: str
    """Base name only (a browser may send a full path), at most 200 characters."""
    data: bytes


@dataclass(frozen=True)
class Verified:
    """An upload and its verification report (not yet stored)."""

    upload: Upload
    report: DocumentReport


def safe_name(filename: str) -> str:
    return PurePath(filename.replace("\\", "/")).name[:200] or "tai-lieu"


def check_limits(uploads: Sequence[Upload], max_bytes: int) -> None:
    """Raise AttachmentLimitError before any work when a limit is broken."""
    if len(uploads) > MAX_FILES:
        raise AttachmentLimitError(
            code="too_many_attachments", field="attachments", extra={"limit": MAX_FILES}
        )
    for upload in uploads:
        if len(upload.data) > max_bytes:
            raise AttachmentLimitError(
                code="attachment_too_large",
                field="attachments",
                extra={"limit": max_bytes, "filename": upload.filename},
            )
    if sum(len(u.data) for u in uploads) > max_bytes:
        raise AttachmentLimitError(
            code="attachments_too_large", field="attachments", extra={"limit": max_bytes}
        )


def verify_uploads(
    uploads: Sequence[Upload], *, session: Session, moment: datetime | None = None
) -> list[Verified]:
    """Verify each upload with the agency's trust store in the limited worker pool.

    Needs an application context (worker pool and policy come from the app configuration).
    """
    if not uploads:
        return []
    from app.admin.trust import trust_store
    from app.verify.operations import verify_upload

    trust = trust_store(session)
    return [
        Verified(u, verify_upload(u.data, filename=u.filename, trust=trust, moment=moment))
        for u in uploads
    ]


# ----- masking -------------------------------------------------------------------------------
def _personal_values(report: DocumentReport) -> set[str]:
    values: set[str] = set()
    for sig in report.signatures:
        signer = sig.facts.signer
        if signer is None:
            continue
        for ident in signer.identifiers:
            if ident.kind in PERSONAL_KINDS and len(ident.value) > 6:
                values.add(ident.value)
    return values


def mask_text(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with personal ID numbers masked: the known values anywhere, and any number
    written after a CCCD/CMND/HC/PID/BHXH prefix."""
    for value in sorted(known, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mask_identifier("CCCD", value))
    return _PREFIXED.sub(
        lambda m: f"{m[1]}{m[2]}{mask_identifier(m[1].upper(), m[3])}", text
    )


def masked_filename(name: str, known: Iterable[str] = ()) -> str:
    """A file name as kept and shown: personal numbers masked, even without a prefix."""
    return _BARE_ID.sub(lambda m: mask_identifier("CCCD", m[0]), mask_text(name, known))


def _mask(value: Any, known: set[str]) -> Any:
    if isinstance(value, str):
        return mask_text(value, known)
    if isinstance(value, list):
        return [_mask(v, known) for v in value]
    if isinstance(value, dict):
        return {
            k: (v if k in _UNMASKED_KEYS else _mask(v, known)) for k, v in value.items()
        }
    return value


def masked_report(report: DocumentReport) -> dict[str, Any]:
    """The CLI/API JSON (``{"documents": [...]}``) with every personal ID number masked."""
    known = _personal_values(report)
    document = _mask(report.to_dict(), known)
    document["file"] = masked_filename(document["file"], known)
    return {"documents": [document]}


def reason_code(report: DocumentReport) -> str | None:
    """The finding code that the one-sentence reason uses (as the public page chooses it)."""
    from app.verify.present import first_error

    if report.errors:
        return report.errors[0].code
    worst = [s for s in report.signatures if s.indication == report.indication]
    return first_error(worst[0]) if worst else None


def _content_type(report: DocumentReport, filename: str) -> str:
    fmt = str(report.format)
    if fmt == "cms":
        return (
            "application/pkcs7-signature"
            if filename.lower().endswith(".p7s")
            else "application/pkcs7-mime"
        )
    return _CONTENT_TYPES.get(fmt, "application/octet-stream")


# ----- storing -------------------------------------------------------------------------------
def _row(dossier: Dossier, item: Verified, *, actor: str, now: datetime) -> DossierDocument:
    report = item.report
    known = _personal_values(report)
    signer = next((s.facts.signer for s in report.signatures if s.facts.signer), None)
    filename = masked_filename(item.upload.filename, known)
    return DossierDocument(
        dossier_id=dossier.id,
        filename=filename[:200],
        content_type=_content_type(report, filename),
        size=len(item.upload.data),
        sha256=report.sha256,
        format=str(report.format),
        indication=str(report.indication),
        sub_indication=None if report.sub_indication is None else str(report.sub_indication),
        reason_code=reason_code(report),
        signatures=len(report.signatures),
        signer_name=mask_text(signer.common_name or "", known)[:300] if signer else "",
        signer_organization=mask_text(signer.organization or "", known)[:300] if signer else "",
        signer_tax_code=(signer.tax_code or "")[:32] if signer else "",
        report=masked_report(report),
        content=item.upload.data,
        verified_at=now,
        verified_by=actor[:128],
    )


def store_documents(
    session: Session,
    dossier: Dossier,
    verified: Sequence[Verified],
    *,
    actor: str,
    ip: str = "",
    now: datetime | None = None,
) -> list[DossierDocument]:
    """Keep the files and their (masked) results with ``dossier``; audit-logged; flushes."""
    if not verified:
        return []
    moment = now or datetime.now(UTC)
    if dossier.id is None:
        session.flush()
    rows = [_row(dossier, item, actor=actor, now=moment) for item in verified]
    session.add_all(rows)
    session.flush()
    record(
        session,
        actor=actor,
        action="dossier.attach",
        target=dossier.code,
        # Digests and verdicts only: file names and signers may carry personal data.
        details={
            "documents": [
                {"id": r.id, "sha256": r.sha256, "size": r.size, "indication": r.indication}
                for r in rows
            ]
        },
        ip=ip,
        at=moment,
    )
    return rows


def attach_documents(
    session: Session,
    dossier: Dossier,
    files: Sequence[Upload],
    actor: str,
    *,
    max_bytes: int,
    ip: str = "",
    now: datetime | None = None,
) -> list[DossierDocument]:
    """Verify ``files`` and keep them with ``dossier`` (the dossier page's "attach later")."""
    check_limits(files, max_bytes)
    verified = verify_uploads(files, session=session, moment=now)
    return store_documents(session, dossier, verified, actor=actor, ip=ip, now=now)


def documents_of(session: Session, dossier: Dossier) -> list[DossierDocument]:
    """The dossier's attached documents, oldest first (file bytes not loaded)."""
    return list(
        session.scalars(
            select(DossierDocument)
            .where(DossierDocument.dossier_id == dossier.id)
            .order_by(DossierDocument.id)
        )
    )
