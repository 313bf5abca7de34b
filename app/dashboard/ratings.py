"""Citizen satisfaction for the dashboard, by calling the look-up feature's ``ratings_summary``.

Ratings belong to the desk as a whole (citizens rate the service, not an officer), so they are
not narrowed by the officer filter. "Over time" uses weeks for periods up to two months and
calendar months beyond, so the chart never has more than a few dozen points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.dashboard.period import Period, local_midnight

WEEKLY_UP_TO_DAYS = 62


@dataclass(frozen=True)
class RatingBucket:
    start: date
    end: date
    """Last local day of the bucket (inclusive)."""
    total: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int

    @property
    def very_share(self) -> float | None:
        return self.very_satisfied / self.total if self.total else None


@dataclass(frozen=True)
class Ratings:
    total: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    buckets: tuple[RatingBucket, ...]
    weekly: bool
    """True: buckets are weeks (Monday-Sunday, clipped to the period); False: months."""

    @property
    def very_share(self) -> float | None:
        """The "very satisfied" share reported upward (e.g. 1,089 of 1,116 = 97.58 %)."""
        return self.very_satisfied / self.total if self.total else None

    @property
    def satisfied_share(self) -> float | None:
        """Very satisfied + satisfied (the Decree 118 satisfaction index)."""
        return (self.very_satisfied + self.satisfied) / self.total if self.total else None


def buckets_of(period: Period) -> tuple[tuple[date, date], ...]:
    """Week or month spans covering the period, clipped to it."""
    spans: list[tuple[date, date]] = []
    weekly = (period.end - period.start).days + 1 <= WEEKLY_UP_TO_DAYS
    start = period.start
    while start <= period.end:
        if weekly:
            end = start + timedelta(days=6 - start.weekday())
        else:
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            end = following - timedelta(days=1)
        end = min(end, period.end)
        spans.append((start, end))
        start = end + timedelta(days=1)
    return tuple(spans)


def ratings(session: Session, period: Period) -> Ratings:
    from app.lookup.operations import ratings_summary

    buckets = []
    for start, end in buckets_of(period):
        part = ratings_summary(session, local_midnight(start),
                               local_midnight(end + timedelta(days=1)))
        buckets.append(RatingBucket(start, end, part.total, part.very_satisfied,
                                    part.satisfied, part.not_satisfied))
    # The buckets partition the period exactly: their sums are the period's figures.
    return Ratings(sum(b.total for b in buckets), sum(b.very_satisfied for b in buckets),
                   sum(b.satisfied for b in buckets), sum(b.not_satisfied for b in buckets),
                   tuple(buckets), (period.end - period.start).days + 1 <= WEEKLY_UP_TO_DAYS)
