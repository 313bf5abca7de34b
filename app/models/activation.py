"""VNeID activation help cases recorded at the desk (one row per citizen visit).

The personal ID is kept only as AES-GCM ciphertext (``personal_id_enc``), a keyed HMAC for
finding repeat visits (``personal_id_hash``) and its masked form; ``motcua purge`` clears all
three, the age and the free-text notes after the retention period, keeping the anonymous
figures (level, outcome, reasons, time spent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ActivationCase(Base):
    __tablename__ = "activation_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random key of the citizen's public guide page (printed as a QR); carries no personal data.
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    officer_username: Mapped[str] = mapped_column(String(64))  # snapshot for the figures
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | closed

    id_kind: Mapped[str] = mapped_column(String(16))  # personal_id | cmnd
    personal_id_enc: Mapped[str | None] = mapped_column(String(255))  # FieldCipher output
    personal_id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    personal_id_masked: Mapped[str] = mapped_column(String(16), default="")
    age_years: Mapped[int | None] = mapped_column(Integer)

    card_type: Mapped[str] = mapped_column(String(24))
    citizenship: Mapped[str] = mapped_column(String(32))
    guardian: Mapped[str] = mapped_column(String(16))
    level_sought: Mapped[int] = mapped_column(Integer)
    guide_version: Mapped[str] = mapped_column(String(10))
    # [{"step_id", "status", "reason", "note"}] in journey order (identity.guide.StepState).
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    outcome: Mapped[str | None] = mapped_column(String(24), index=True)
    referral: Mapped[str] = mapped_column(String(24), default="none")
    # Failure codes of failed steps at closing ("other" for free-text-only failures).
    failure_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
