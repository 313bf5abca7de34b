"""Working-day calendar of a one-stop desk: office hours, holidays, cut-off, deadlines.

Pure module (no Flask, no database): the web layer builds a `CalendarConfig` from the
admin-declared settings and passes explicit moments in.

Counting rule (documented because the law leaves the last step to practice):

* The *start day* of a dossier is the day it is received if that is a working day and the
  local time is before the cut-off (15:00); otherwise it is the next working day
  (Decree 118/2025 / Circular 01/2018 practice: "hồ sơ tiếp nhận sau 15 giờ được tính từ ngày
  làm việc tiếp theo").
* As in Civil Code 2015 Art. 147 ("ngày đầu tiên của thời hạn không được tính"), the start day
  itself is day 0; the nth following working day is the last day of the period.
* The due time is the **end of office hours** of that nth working day (17:00 by default): the
  office may hand the result back until it closes, and a due time at closing time never lands
  outside office hours or on a day off.

So a dossier received Monday 10:00 with 3 working days is due Thursday 17:00; received Monday
16:00 it is due Friday 17:00. Hour-based deadlines ("làm ngay") add working time from the start
moment instead, walking through the office sessions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Session = tuple[time, time]
"""An office session (opening, closing), local time, closing after opening."""

DEFAULT_WEEKDAY_SESSIONS: tuple[Session, ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
SATURDAY_MORNING: tuple[Session, ...] = ((time(7, 30), time(11, 30)),)
_MAX_SCAN_DAYS = 3660  # no real calendar has ten years without a working day


class CalendarError(ValueError):
    """Raised when a calendar configuration or a calendar question is invalid."""

    code = "calendar_invalid"


class NaiveDatetimeError(CalendarError):
    """Raised when a naive datetime is passed where an aware one is required."""

    code = "naive_datetime"


@dataclass(frozen=True)
class CalendarConfig:
    """The desk's declared working time. Frozen: a change makes a new config."""

    weekday_sessions: tuple[Session, ...] = DEFAULT_WEEKDAY_SESSIONS
    """Sessions for Monday to Friday."""
    saturday_sessions: tuple[Session, ...] = ()
    """Sessions on Saturday; `SATURDAY_MORNING` for desks open Saturday mornings."""
    cutoff: time = time(15, 0)
    """Dossiers received at or after this local time count from the next working day."""
    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    """Days off declared by an admin on top of the public holidays."""
    makeup_days: frozenset[date] = field(default_factory=frozenset)
    """Weekend days declared working days (they use the weekday sessions)."""
    use_public_holidays: bool = True
    """Take Vietnam's public holidays (lunar, substituted, make-up) from `holidays`."""
    zone: str = "Asia/Ho_Chi_Minh"

    def __post_init__(self) -> None:
        for sessions in (self.weekday_sessions, self.saturday_sessions):
            previous_end: time | None = None
            for start, end in sessions:
                if not start < end:
                    raise CalendarError("session must close after it opens")
                if previous_end is not None and start < previous_end:
                    raise CalendarError("sessions must be ordered and not overlap")
                previous_end = end
        if not self.weekday_sessions:
            raise CalendarError("weekdays need at least one session")
        ZoneInfo(self.zone)  # raises on an unknown zone


@functools.lru_cache(maxsize=64)
def _vn_public_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend make-up working days) of `year` per the `holidays` package."""
    import holidays  # lazy: a large package, needed only once per year and process

    table = holidays.country_holidays("VN", years=year)
    days_off = frozenset(d for d in table if d.year == year)
    workdays = frozenset(d for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class WorkCalendar:
    """Answers working-time questions for one desk configuration."""

    config: CalendarConfig = field(default_factory=CalendarConfig)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.zone)

    # ----- days -------------------------------------------------------------------
    def is_public_holiday(self, day: date) -> bool:
        return self.config.use_public_holidays and day in _vn_public_days(day.year)[0]

    def is_makeup_day(self, day: date) -> bool:
        if day in self.config.makeup_days:
            return True
        return self.config.use_public_holidays and day in _vn_public_days(day.year)[1]

    def sessions_on(self, day: date) -> tuple[Session, ...]:
        """Office sessions of `day`; empty on a day off."""
        if day in self.config.extra_days_off or self.is_public_holiday(day):
            return ()
        if self.is_makeup_day(day):
            return self.config.weekday_sessions
        weekday = day.weekday()
        if weekday < 5:
            return self.config.weekday_sessions
        if weekday == 5:
            return self.config.saturday_sessions
        return ()

    def is_working_day(self, day: date) -> bool:
        return bool(self.sessions_on(day))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError("no working day found")

    def add_working_days(self, day: date, n: int) -> date:
        """The nth working day after `day` (n = 0 gives `day` itself)."""
        if n < 0:
            raise CalendarError("n must not be negative")
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    # ----- moments ----------------------------------------------------------------
    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise NaiveDatetimeError("aware datetime required")
        return moment.astimezone(self.tz)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.tz)

    def end_of_office_day(self, day: date) -> datetime:
        """Closing time of the last session of working day `day`."""
        sessions = self.sessions_on(day)
        if not sessions:
            raise CalendarError("not a working day")
        return self._at(day, sessions[-1][1])

    def is_working_time(self, moment: datetime) -> bool:
        """True while an office session is open (opening inclusive, closing exclusive)."""
        local = self._local(moment)
        clock = local.timetz().replace(tzinfo=None)
        return any(start <= clock < end for start, end in self.sessions_on(local.date()))

    def start_day(self, received: datetime) -> date:
        """The day counting starts from, applying the cut-off (see module docstring)."""
        local = self._local(received)
        day = local.date()
        sessions = self.sessions_on(day) if self.is_working_day(day) else ()
        # A short day (Saturday morning) closes before the 15:00 cut-off: a dossier received
        # after closing time counts from the next working day too.
        if sessions and local.time() < min(self.config.cutoff, sessions[-1][1]):
            return day
        return self.next_working_day(day)

    def due_in_working_days(self, received: datetime, n: int) -> datetime:
        """Due time for a period of n working days (end of office hours of day n)."""
        return self.end_of_office_day(self.add_working_days(self.start_day(received), n))

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open office intervals from `moment` on, the first one clipped at `moment`."""
        local = self._local(moment)
        day = local.date()
        for _ in range(_MAX_SCAN_DAYS):
            for start, end in self.sessions_on(day):
                lo, hi = self._at(day, start), self._at(day, end)
                if hi <= local:
                    continue
                yield max(lo, local), hi
            day += timedelta(days=1)
        raise CalendarError("no working time found")

    def add_working_time(self, moment: datetime, amount: timedelta) -> datetime:
        """The moment reached after `amount` of office time from `moment`.

        Ends at a session's closing time rather than the next opening when it fits exactly,
        so shifting a 17:00 due time by zero leaves it at 17:00.
        """
        if amount < timedelta(0):
            raise CalendarError("amount must not be negative")
        if amount == timedelta(0):
            return self._local(moment)
        remaining = amount
        for lo, hi in self._intervals_from(moment):
            span = hi - lo
            if remaining <= span:
                return lo + remaining
            remaining -= span
        raise CalendarError("no working time found")  # pragma: no cover - loop raises first

    def due_in_working_hours(self, received: datetime, hours: int) -> datetime:
        """Due time for a same-day style period of `hours` office hours.

        After the cut-off, or outside a working day, counting starts at the next working
        day's opening, as for day-based periods.
        """
        if hours < 0:
            raise CalendarError("hours must not be negative")
        local = self._local(received)
        start_day = self.start_day(received)
        start = (
            local
            if start_day == local.date()
            else self._at(start_day, self.sessions_on(start_day)[0][0])
        )
        return self.add_working_time(start, timedelta(hours=hours))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time elapsed between two moments (zero if `end` is not after `start`)."""
        start_local, end_local = self._local(start), self._local(end)
        total = timedelta(0)
        if end_local <= start_local:
            return total
        day = start_local.date()
        while day <= end_local.date():
            for session_start, session_end in self.sessions_on(day):
                lo = max(self._at(day, session_start), start_local)
                hi = min(self._at(day, session_end), end_local)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def shift_due(self, due: datetime, paused_from: datetime, paused_until: datetime) -> datetime:
        """Move `due` later by the office time spent paused (waiting for a supplement)."""
        return self.add_working_time(due, self.working_time_between(paused_from, paused_until))
