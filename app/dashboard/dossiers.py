"""The dossier list behind the figures: every dossier with a counted event in the period.

No applicant data (name, phone, ID): the list is for checking figures, and it leaves the
building as a file. Each row carries its verdict by the desk's own rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dashboard.period import Filters, Period
from app.dashboard.sql import id_in
from app.dashboard.stats import events_cte, filter_clauses
from app.desk.timeliness import classify
from app.desk.workflow import Status
from app.models.dossier import Dossier

NOT_TIMED = "not_timed"


@dataclass(frozen=True)
class DossierRow:
    code: str
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    status: str
    finished_at: datetime | None
    returned_at: datetime | None
    timeliness: str
    """early | on_time | overdue | in_progress | not_timed (refused, withdrawn)."""
    received_by: str


def verdict(status: str, due_at: datetime, finished_at: datetime | None,
            paused: bool, now: datetime) -> str:
    if status in (Status.REFUSED, Status.WITHDRAWN):
        return NOT_TIMED
    if paused:
        return "in_progress"  # clock stopped for a supplement
    done = finished_at if status in (Status.RESULT_READY, Status.RETURNED) else None
    return classify(due_at, done, now).value


def dossier_rows(session: Session, period: Period, filters: Filters, *,
                 now: datetime) -> Iterator[DossierRow]:
    dialect = session.get_bind().dialect.name
    touched = select(events_cte(period, dialect).c.dossier_id)
    statement = (select(Dossier.code, Dossier.procedure_code, Dossier.procedure_name_vi,
                        Dossier.received_at, Dossier.due_at, Dossier.status,
                        Dossier.finished_at, Dossier.returned_at, Dossier.paused_since,
                        Dossier.received_by)
                 .where(id_in(Dossier.id, touched, dialect), *filter_clauses(filters))
                 .order_by(Dossier.received_at, Dossier.id))
    for (code, proc, name, received, due, status, finished, returned, paused,
         officer) in session.execute(statement).yield_per(2000):
        yield DossierRow(code, proc, name, received, due, status, finished, returned,
                         verdict(status, due, finished, paused is not None, now), officer)
