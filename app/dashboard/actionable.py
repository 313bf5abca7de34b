"""What needs action now: open dossiers already overdue, due today, due within 2 working days.

"Open" means still being handled (received or processing). Dossiers waiting for a supplement
are left out of the due lists: their clock is stopped (``paused_since``) and their due time moves
when the applicant comes back, as ``app.desk.operations.dossier_timeliness`` rules. Each list is
counted in full and shown up to :data:`LIST_LIMIT` rows, soonest due first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.dashboard.period import Filters, local_midnight
from app.desk.calendar import WorkCalendar
from app.desk.timeliness import ZONE
from app.desk.workflow import Status
from app.models.dossier import Dossier

LIST_LIMIT = 20
SOON_WORKING_DAYS = 2
RUNNING = (Status.RECEIVED.value, Status.PROCESSING.value)


@dataclass(frozen=True)
class OpenItem:
    code: str
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    status: str
    received_by: str


@dataclass(frozen=True)
class OpenList:
    count: int
    """All matching dossiers (``items`` may be cut at LIST_LIMIT)."""
    items: tuple[OpenItem, ...]


@dataclass(frozen=True)
class Actionable:
    today: date
    soon_until: date
    """Last local day of "due within 2 working days" (the 2nd working day after today)."""
    overdue: OpenList
    due_today: OpenList
    due_soon: OpenList
    waiting_supplement: int
    """Open dossiers whose clock is paused for a supplement (not in the lists above)."""


def _filtered(filters: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Dossier.status.in_(RUNNING),
                                        Dossier.paused_since.is_(None)]
    if filters.agency_code:
        where.append(Dossier.agency_code == filters.agency_code)
    if filters.officer:
        where.append(Dossier.received_by == filters.officer)
    if filters.procedure_code:
        where.append(Dossier.procedure_code == filters.procedure_code)
    return where


def _list(session: Session, where: list[ColumnElement[bool]], limit: int) -> OpenList:
    count = session.scalar(select(func.count()).select_from(Dossier).where(*where)) or 0
    rows = session.execute(
        select(Dossier.code, Dossier.procedure_code, Dossier.procedure_name_vi,
               Dossier.received_at, Dossier.due_at, Dossier.status, Dossier.received_by)
        .where(*where).order_by(Dossier.due_at, Dossier.id).limit(limit)).all()
    return OpenList(int(count), tuple(OpenItem(*row) for row in rows))


def actionable(session: Session, filters: Filters, *, now: datetime, calendar: WorkCalendar,
               limit: int = LIST_LIMIT) -> Actionable:
    now = now.astimezone(UTC)
    today = now.astimezone(ZONE).date()
    soon_until = calendar.add_working_days(today, SOON_WORKING_DAYS)
    tomorrow = local_midnight(today + timedelta(days=1))
    soon_end = local_midnight(soon_until + timedelta(days=1))
    base = _filtered(filters)
    waiting = [Dossier.status == Status.WAITING_SUPPLEMENT.value, *base[2:]]
    return Actionable(
        today=today,
        soon_until=soon_until,
        overdue=_list(session, [*base, Dossier.due_at < now], limit),
        due_today=_list(session, [*base, Dossier.due_at >= now, Dossier.due_at < tomorrow],
                        limit),
        due_soon=_list(session, [*base, Dossier.due_at >= tomorrow, Dossier.due_at < soon_end],
                       limit),
        waiting_supplement=int(session.scalar(
            select(func.count()).select_from(Dossier).where(*waiting)) or 0),
    )
