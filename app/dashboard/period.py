"""Reporting periods and filters: local (Asia/Ho_Chi_Minh) days, turned into UTC bounds once.

Pure module (no Flask): the web form and the API both build a :class:`Period` and
:class:`Filters` and hand them to :mod:`app.dashboard.stats`.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.desk.timeliness import ZONE

MAX_DAYS = 366 * 3
"""Longest period accepted: bounded queries, bounded charts."""


class PeriodError(ValueError):
    """Raised when a period is reversed or longer than :data:`MAX_DAYS`."""

    code = "period_invalid"


def local_midnight(day: date) -> datetime:
    """The UTC moment a local day starts."""
    return datetime.combine(day, time.min, ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    """Local days ``start`` .. ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("end before start")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise PeriodError("period too long")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = _calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def month_of(cls, moment: datetime) -> Period:
        """The local calendar month containing ``moment`` (the dashboard's default)."""
        local = moment.astimezone(ZONE)
        return cls.month(local.year, local.month)

    @property
    def first(self) -> datetime:
        """UTC start of the period (inclusive)."""
        return local_midnight(self.start)

    @property
    def after(self) -> datetime:
        """UTC end of the period (exclusive)."""
        return local_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> tuple[date, ...]:
        count = (self.end - self.start).days + 1
        return tuple(self.start + timedelta(days=i) for i in range(count))

    @property
    def is_calendar_month(self) -> bool:
        return (self.start.day == 1 and self.start.year == self.end.year
                and self.start.month == self.end.month
                and self.end.day == _calendar.monthrange(self.end.year, self.end.month)[1])


@dataclass(frozen=True)
class Filters:
    """Narrow the figures; ``None`` means "all" (all desks of the agency, all officers)."""

    agency_code: str | None = None
    """The desk, by the agency code its dossiers are registered under."""
    officer: str | None = None
    """The receiving officer as stored on the dossier (``staff:<username>``)."""
    procedure_code: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.agency_code or self.officer or self.procedure_code)

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("agency_code", self.agency_code), ("officer", self.officer),
                                  ("procedure_code", self.procedure_code)) if v}
