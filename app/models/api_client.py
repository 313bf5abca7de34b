"""Integrating systems (OAuth2 clients) and the short-lived access tokens issued to them.

Secrets and tokens are never stored: only their hashes. A client is revoked by stamping
``revoked_at``, which also ends every token it holds (tokens are checked through their client).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class ApiClient(Base):
    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # "sha256$<hex>" of the client secret (shown once at creation, never stored in clear).
    secret_hash: Mapped[str] = mapped_column(String(255))
    # Space-separated OAuth2 scopes this client may request.
    scopes: Mapped[str] = mapped_column(String(255))
    # Flask-Limiter notation, e.g. "120 per minute".
    rate_limit: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="client",
                                                  cascade="all, delete-orphan")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiToken(Base):
    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 (hex) of the opaque bearer token: enough for 256-bit random tokens, and cheap to
    # check on every request.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_client.id", ondelete="CASCADE"),
                                           index=True)
    scope: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifetime_s: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[ApiClient] = relationship(back_populates="tokens", lazy="joined")
