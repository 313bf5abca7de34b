"""Timeliness of a dossier: early (trước hạn), on time (đúng hạn), overdue (quá hạn).

Rule (DOMAIN.md, Decree 118/2025 reporting practice): a dossier finished before its due *day*
is early; finished on the due day, up to the due time, is on time; finished after the due time
is overdue. An open dossier past its due time is overdue already; an open one not yet due has
no verdict ("in progress"). Days are local (Asia/Ho_Chi_Minh) because a due time is always the
close of a working day: comparing to the second would call nearly everything "early".
"""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class Timeliness(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    NOT_TIMED = "not_timed"  # refused or withdrawn: no result to time (issue 5, DOMAIN.md)


def classify(due_at: datetime, finished_at: datetime | None, now: datetime) -> Timeliness:
    """Classify a dossier; `finished_at` is when the result was ready (or the refusal issued)."""
    if finished_at is None:
        return Timeliness.OVERDUE if now > due_at else Timeliness.IN_PROGRESS
    if finished_at > due_at:
        return Timeliness.OVERDUE
    if finished_at.astimezone(ZONE).date() < due_at.astimezone(ZONE).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
