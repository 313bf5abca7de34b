"""The agency this motcua instance serves (one row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class AgencySettings(Base):
    __tablename__ = "agency_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="Ủy ban nhân dân phường")
    # QCVN 102:2016 agency code used in dossier codes, e.g. "000.00.01.H26".
    code: Mapped[str] = mapped_column(String(32), default="000.00.00.H00")
    desk_name: Mapped[str] = mapped_column(String(255),
                                           default="Bộ phận tiếp nhận và trả kết quả")
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    public_base_url: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
