"""Procedure catalogue: a procedure and its dated versions (names, time, fee, documents).

A change is a new `ProcedureVersion` with an effective date; dossiers point at the version
they were received under and copy its essentials, so editing never rewrites them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.desk_calendar import CalendarDay  # noqa: F401 - registers the table with Base


class Procedure(Base):
    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    national_code: Mapped[str | None] = mapped_column(String(32))
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure",
        order_by="ProcedureVersion.effective_from",
        cascade="all, delete-orphan",
    )


class ProcedureVersion(Base):
    __tablename__ = "procedure_version"
    __table_args__ = (UniqueConstraint("procedure_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500), default="")
    processing_days: Mapped[int | None] = mapped_column(Integer)
    processing_hours: Mapped[int | None] = mapped_column(Integer)
    fee_vnd: Mapped[int] = mapped_column(Integer, default=0)
    fee_note_vi: Mapped[str] = mapped_column(Text, default="")
    # [{"name_vi", "name_en", "original", "required"}]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    procedure: Mapped[Procedure] = relationship(back_populates="versions")
