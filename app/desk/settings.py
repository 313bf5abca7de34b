"""Configuration keys of the desk calendar (env `MOTCUA_DESK_*`).

Days off and make-up days are data (declared by an admin in the app); office hours and the
cut-off are configuration because they change rarely and apply to every dossier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from typing import TYPE_CHECKING, Any

from app.config import Setting, parse_bool

if TYPE_CHECKING:  # the calendar is imported when used, not by every create_app()
    from app.desk.calendar import CalendarConfig

_CLOCK = r"([01]\d|2[0-3]):([0-5]\d)"
_SESSION_RE = re.compile(rf"{_CLOCK}-{_CLOCK}")


def parse_clock(text: str) -> time:
    match = re.fullmatch(_CLOCK, text.strip())
    if match is None:
        raise ValueError(f"expected HH:MM, got {text!r}")
    return time(int(match[1]), int(match[2]))


def parse_sessions(text: str) -> tuple[tuple[time, time], ...]:
    """ "07:30-11:30,13:00-17:00" -> ((07:30, 11:30), (13:00, 17:00))."""
    sessions = []
    for part in text.split(","):
        if not _SESSION_RE.fullmatch(part.strip()):
            raise ValueError(f"expected HH:MM-HH:MM, got {part!r}")
        start, end = part.strip().split("-")
        sessions.append((parse_clock(start), parse_clock(end)))
    return tuple(sessions)


def _check_sessions(value: Any) -> str | None:
    from app.desk.calendar import CalendarConfig, CalendarError

    try:
        CalendarConfig(weekday_sessions=parse_sessions(str(value)))
    except (ValueError, CalendarError) as exc:
        return str(exc)
    return None


def _check_clock(value: Any) -> str | None:
    try:
        parse_clock(str(value))
    except ValueError as exc:
        return str(exc)
    return None


SETTINGS = {
    "DESK_OFFICE_HOURS": Setting("07:30-11:30,13:00-17:00", check=_check_sessions),
    "DESK_SATURDAY_MORNING": Setting(False, parse=parse_bool),
    "DESK_CUTOFF": Setting("15:00", check=_check_clock),
}


def calendar_config(config: Mapping[str, Any]) -> CalendarConfig:
    """The desk's CalendarConfig from the app configuration (admin days are added later)."""
    from app.desk.calendar import SATURDAY_MORNING, CalendarConfig

    return CalendarConfig(
        weekday_sessions=parse_sessions(
            str(config.get("DESK_OFFICE_HOURS", "07:30-11:30,13:00-17:00"))
        ),
        saturday_sessions=SATURDAY_MORNING if config.get("DESK_SATURDAY_MORNING") else (),
        cutoff=parse_clock(str(config.get("DESK_CUTOFF", "15:00"))),
    )
