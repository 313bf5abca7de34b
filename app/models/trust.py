"""Trust anchors, intermediates and CRLs that an admin added, and packaged anchors turned off."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class TrustItem(Base):
    __tablename__ = "trust_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # anchor | intermediate | crl
    der: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(1000), default="")
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DisabledDefaultAnchor(Base):
    """A certificate of the packaged Vietnamese trust pack that this agency chose not to trust."""

    __tablename__ = "disabled_default_anchor"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    disabled_by: Mapped[str] = mapped_column(String(128))
    disabled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
