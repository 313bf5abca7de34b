"""Signed documents attached to a dossier at intake (or later), with their verification result.

The public signature check stores nothing; a document is kept only when an officer attaches it
to a dossier. The stored report is the CLI/API JSON with personal ID numbers masked: raw
CCCD/CMND numbers read from certificates are never written to the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.dossier import Dossier


class DossierDocument(Base):
    """One verified file kept with a dossier."""

    __tablename__ = "dossier_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # base name only, as uploaded
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(16))  # pdf | cms | xml | unknown
    indication: Mapped[str] = mapped_column(String(32))  # ETSI indication or NO_SIGNATURE
    sub_indication: Mapped[str | None] = mapped_column(String(64))
    # Finding code that replaces a generic sub-indication in the one-sentence reason
    # (app.verify.messages.verdict(indication, sub_indication, reason_code)).
    reason_code: Mapped[str | None] = mapped_column(String(64))
    signatures: Mapped[int] = mapped_column(Integer, default=0)
    signer_name: Mapped[str] = mapped_column(String(300), default="")
    signer_organization: Mapped[str] = mapped_column(String(300), default="")
    signer_tax_code: Mapped[str] = mapped_column(String(32), default="")  # MST: public
    # {"documents": [...]} as printed by `motcua verify --json`, personal numbers masked.
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The file itself (bounded by MAX_UPLOAD_MB); deferred so listings do not load it.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_by: Mapped[str] = mapped_column(String(128))  # "staff:<username>"

    dossier: Mapped[Dossier] = relationship()
