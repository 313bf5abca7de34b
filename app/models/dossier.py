"""Dossiers (hồ sơ), their day counters, status events, revoked receipt tokens and apologies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class DossierCounter(Base):
    """Last sequence used per agency per day (scope "day") or per year for the register book
    (scope "year", day = 1 January). Incremented inside the intake transaction by one upsert
    that holds the row lock until commit, so numbers are unique and gap-free."""

    __tablename__ = "dossier_counter"

    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Dossier(Base):
    __tablename__ = "dossier"
    __table_args__ = (UniqueConstraint("agency_code", "day", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    lookup_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed hash (HMAC, instance key) of lookup_key: the public page looks up by this column so
    # the database never compares the raw key. The raw key stays for reprints. Nullable only so
    # that bulk loaders predating the column keep working (those rows are not publicly found).
    lookup_hash: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # Unique per intake form: a double submit finds the first dossier instead of a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"))
    # Snapshot of the version received under (never rewritten by catalogue edits).
    procedure_code: Mapped[str] = mapped_column(String(32))
    procedure_name_vi: Mapped[str] = mapped_column(String(500))
    procedure_name_en: Mapped[str] = mapped_column(String(500), default="")
    processing_days: Mapped[int | None] = mapped_column(Integer)
    processing_hours: Mapped[int | None] = mapped_column(Integer)

    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_phone: Mapped[str] = mapped_column(String(20), default="")
    applicant_email: Mapped[str] = mapped_column(String(254), default="")
    applicant_address: Mapped[str] = mapped_column(String(500), default="")
    personal_id_enc: Mapped[str | None] = mapped_column(String(255))  # FieldCipher output
    personal_id_masked: Mapped[str] = mapped_column(String(16), default="")
    # [{"name", "sets", "original"}]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sets: Mapped[int] = mapped_column(Integer, default=1)
    collect_method: Mapped[str] = mapped_column(String(8), default="desk")  # desk | post
    collect_address: Mapped[str] = mapped_column(String(500), default="")
    fee_vnd: Mapped[int] = mapped_column(Integer, default=0)
    register_book: Mapped[str] = mapped_column(String(32), default="")
    register_entry: Mapped[int] = mapped_column(Integer, default=0)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    original_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(24), default="received", index=True)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_by: Mapped[str] = mapped_column(String(128), default="")  # "staff:<username>" | "cli"

    # The receipt token printed in the QR (no personal data); reprints reuse it verbatim.
    token: Mapped[str] = mapped_column(Text, default="")
    token_jti: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id", cascade="all, delete-orphan"
    )
    apologies: Mapped[list[ApologyLetter]] = relationship(
        back_populates="dossier", order_by="ApologyLetter.id", cascade="all, delete-orphan"
    )


class DossierEvent(Base):
    """One status change or hand-over: the rows of the processing-control sheet."""

    __tablename__ = "dossier_event"
    # Created by the dashboard migration (period figures by status and time).
    __table_args__ = (Index("ix_dossier_event_to_status_at", "to_status", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    from_status: Mapped[str] = mapped_column(String(24), default="")
    to_status: Mapped[str] = mapped_column(String(24))
    handed_to: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # due time after this event

    dossier: Mapped[Dossier] = relationship(back_populates="events")


class RevokedReceiptToken(Base):
    """Receipt tokens no longer valid (the receipt was reissued); checked by `jti`."""

    __tablename__ = "revoked_receipt_token"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(String(255), default="")


class ApologyLetter(Base):
    """Thư xin lỗi for an overdue dossier, with the new date promised."""

    __tablename__ = "apology_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    new_due_at: Mapped[datetime] = mapped_column(UTCDateTime())

    dossier: Mapped[Dossier] = relationship(back_populates="apologies")
