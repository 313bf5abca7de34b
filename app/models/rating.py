"""Citizen satisfaction ratings: one per returned dossier (the public look-up page's form)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class Score(enum.StrEnum):
    """The three answers of the satisfaction survey (rất hài lòng / hài lòng / không hài lòng)."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"


COMMENT_MAX = 500


class Rating(Base):
    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint("score IN ('very_satisfied', 'satisfied', 'not_satisfied')",
                        name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: a dossier is rated once; the constraint settles races between two submits.
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), unique=True)
    score: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
