"""The supervisor's figures for a period, computed from the dossier history (status events).

Why events and not counters: every figure can be re-derived from the processing-control sheet
(``dossier_event``), so it cannot drift. A dossier counts as

* *received* on the day of its intake event (``to_status = received``);
* *finished* on the day of its "result ready" event, timed against the due time recorded on
  that event (the due time after supplement pauses: ``change_status`` moves it when the clock
  restarts), with the rule of :func:`app.desk.timeliness.classify`;
* *returned*, *refused*, *withdrawn* on the day of that event (refused and withdrawn ones are
  not timed).

One statement reads the period's events once (bounded by an index on ``(to_status, at)``),
fetches their dossiers by primary key, and groups in SQL (by day; by procedure and officer), so
the answer stays a few hundred rows at any volume. No Flask here.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, literal_column, null, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import CTE

from app.dashboard.actionable import Actionable, actionable
from app.dashboard.period import Filters, Period
from app.dashboard.ratings import Ratings, ratings
from app.dashboard.sql import id_in, local_date, timeliness_case
from app.desk.calendar import WorkCalendar
from app.desk.workflow import Status
from app.models.dossier import Dossier, DossierEvent
from app.models.procedure import Procedure, ProcedureVersion

KINDS = (Status.RECEIVED, Status.RESULT_READY, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN)
"""Events the figures count; ``received`` only ever happens at intake (no arrow leads back)."""


@dataclass(frozen=True)
class Timed:
    """The timeliness split of dossiers finished (result ready) in the period."""

    early: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.early + self.on_time + self.overdue

    def share(self, kind: str) -> float | None:
        """Share (0..1) of ``early``, ``on_time``, ``overdue`` or ``in_time`` (early + on time)."""
        if not self.total:
            return None
        value = self.early + self.on_time if kind == "in_time" else getattr(self, kind)
        return float(value) / self.total


@dataclass(frozen=True)
class Counts:
    received: int = 0
    finished: int = 0
    """Result ready in the period (= early + on time + overdue)."""
    returned: int = 0
    """Result handed back to the applicant in the period."""
    refused: int = 0
    withdrawn: int = 0
    timed: Timed = field(default_factory=Timed)


@dataclass(frozen=True)
class DayRow:
    day: date
    received: int
    finished: int


@dataclass(frozen=True)
class GroupRow:
    """One line of the per-procedure or per-officer table."""

    key: str
    """Procedure code, or officer as stored (``staff:<username>``)."""
    label: str
    """Procedure name (Vietnamese) or officer username."""
    counts: Counts


@dataclass(frozen=True)
class Dashboard:
    period: Period
    filters: Filters
    now: datetime
    totals: Counts
    per_day: tuple[DayRow, ...]
    """Every day of the period, zeros included."""
    per_procedure: tuple[GroupRow, ...]
    per_officer: tuple[GroupRow, ...]
    actionable: Actionable
    ratings: Ratings
    activation: Any | None
    """``app.activation.stats.ActivationFigures`` when the activation feature is installed."""


class _Tally:
    """Mutable accumulator turned into a frozen :class:`Counts` at the end."""

    def __init__(self) -> None:
        self.by_kind: dict[str, int] = defaultdict(int)
        self.by_verdict: dict[str, int] = defaultdict(int)

    def add(self, kind: str, verdict: str, count: int) -> None:
        self.by_kind[kind] += count
        if verdict:
            self.by_verdict[verdict] += count

    def freeze(self) -> Counts:
        k, v = self.by_kind, self.by_verdict
        return Counts(received=k[Status.RECEIVED], finished=k[Status.RESULT_READY],
                      returned=k[Status.RETURNED], refused=k[Status.REFUSED],
                      withdrawn=k[Status.WITHDRAWN],
                      timed=Timed(v["early"], v["on_time"], v["overdue"]))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def events_cte(period: Period, dialect: str) -> CTE:
    """The counted events of the period: one index range per status on ``(to_status, at)``.

    Materialised so that the database reads them once, whatever joins follow.
    """
    event = DossierEvent
    return (select(event.dossier_id, local_date(event.at, dialect).label("day"),
                   event.to_status.label("kind"), timeliness_case(dialect).label("verdict"))
            .where(event.to_status.in_([k.value for k in KINDS]),
                   event.at >= period.first, event.at < period.after)
            .cte("w").prefix_with("MATERIALIZED"))


def _dossiers(events: CTE, filters: Filters, dialect: str) -> CTE:
    """The dossiers of those events (and the filters), fetched by primary key."""
    statement = select(Dossier.id, Dossier.procedure_code, Dossier.received_by).where(
        id_in(Dossier.id, select(events.c.dossier_id), dialect), *filter_clauses(filters))
    return statement.cte("d").prefix_with("MATERIALIZED")


def filter_clauses(filters: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.agency_code:
        where.append(Dossier.agency_code == filters.agency_code)
    if filters.officer:
        where.append(Dossier.received_by == filters.officer)
    if filters.procedure_code:
        where.append(Dossier.procedure_code == filters.procedure_code)
    return where


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _grouped(session: Session, period: Period, filters: Filters) -> list[Any]:
    """One statement, one read of the period's events: rows grouped by day (``"day"``) and
    rows grouped by procedure and officer (``"group"``), as
    ``(part, day, procedure, officer, kind, verdict, count)``."""
    dialect = _dialect(session)
    w = events_cte(period, dialect)
    d = _dossiers(w, filters, dialect)
    joined = w.join(d, d.c.id == w.c.dossier_id)
    by_day = (select(literal_column("'day'"), w.c.day, null(), null(), w.c.kind, w.c.verdict,
                     func.count())
              .select_from(joined if filters.any else w)
              .group_by(w.c.day, w.c.kind, w.c.verdict))
    by_group = (select(literal_column("'group'"), null(), d.c.procedure_code, d.c.received_by,
                       w.c.kind, w.c.verdict, func.count())
                .select_from(joined)
                .group_by(d.c.procedure_code, d.c.received_by, w.c.kind, w.c.verdict))
    return list(session.execute(union_all(by_day, by_group)))


def _figures(session: Session, period: Period, filters: Filters) -> tuple[
        Counts, tuple[DayRow, ...], tuple[GroupRow, ...], tuple[GroupRow, ...]]:
    totals = _Tally()
    received: dict[date, int] = defaultdict(int)
    finished: dict[date, int] = defaultdict(int)
    procedures: dict[str, _Tally] = defaultdict(_Tally)
    officers: dict[str, _Tally] = defaultdict(_Tally)
    for part, day, code, officer, kind, verdict, count in _grouped(session, period, filters):
        if part == "group":
            procedures[code].add(kind, verdict, count)
            officers[officer].add(kind, verdict, count)
            continue
        totals.add(kind, verdict, count)
        if kind == Status.RECEIVED:
            received[_as_date(day)] += count
        elif kind == Status.RESULT_READY:
            finished[_as_date(day)] += count
    per_day = tuple(DayRow(d, received[d], finished[d]) for d in period.days)
    names = procedure_names(session, period.end)
    per_procedure = sorted(
        (GroupRow(code, names.get(code, code), tally.freeze())
         for code, tally in procedures.items()),
        key=lambda row: (-row.counts.received, row.key))
    per_officer = sorted(
        (GroupRow(key, officer_label(key), tally.freeze()) for key, tally in officers.items()),
        key=lambda row: (-row.counts.received, row.key))
    return totals.freeze(), per_day, tuple(per_procedure), tuple(per_officer)


def procedure_names(session: Session, on: date) -> dict[str, str]:
    """Vietnamese name of each procedure code in the version in force on ``on`` (or the first
    version, for procedures that start later): one query on the small catalogue tables."""
    rows = session.execute(
        select(Procedure.code, ProcedureVersion.name_vi, ProcedureVersion.effective_from)
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .order_by(ProcedureVersion.effective_from)).all()
    names: dict[str, str] = {}
    for code, name, effective in rows:
        if code not in names or effective <= on:
            names[code] = name
    return names


def officer_label(stored: str) -> str:
    """``staff:nam`` -> ``nam``; other actors (``cli``, ``api:...``) as they are."""
    return stored.split(":", 1)[1] if stored.startswith("staff:") else stored


def _activation(session: Session, period: Period, filters: Filters) -> Any | None:
    if importlib.util.find_spec("app.activation.stats") is None:
        return None
    from app.activation.stats import activation_figures
    from app.models.staff import Staff

    officer_id: int | None = None
    if filters.officer:
        found = session.scalar(select(Staff.id).where(
            Staff.username == officer_label(filters.officer)))
        officer_id = found if found is not None else -1
    return activation_figures(session, period.start, period.end, officer_id=officer_id)


def compute(session: Session, period: Period, filters: Filters | None = None, *,
            now: datetime, calendar: WorkCalendar) -> Dashboard:
    """Every figure of the dashboard for ``period`` (``now`` fixes "due today", "overdue")."""
    if now.tzinfo is None:
        raise ValueError("aware datetime required")
    filters = filters or Filters()
    totals, per_day, per_procedure, per_officer = _figures(session, period, filters)
    return Dashboard(
        period=period, filters=filters, now=now.astimezone(UTC), totals=totals,
        per_day=per_day, per_procedure=per_procedure, per_officer=per_officer,
        actionable=actionable(session, filters, now=now, calendar=calendar),
        ratings=ratings(session, period),
        activation=_activation(session, period, filters),
    )


# ----- JSON for the province's systems (/api/v1/stats) ----------------------------------------
def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _counts_json(counts: Counts) -> dict[str, Any]:
    timed = counts.timed
    return {
        "received": counts.received, "finished": counts.finished, "returned": counts.returned,
        "refused": counts.refused, "withdrawn": counts.withdrawn,
        "timeliness": {"early": timed.early, "on_time": timed.on_time, "overdue": timed.overdue,
                       "early_share": _share(timed.share("early")),
                       "on_time_share": _share(timed.share("on_time")),
                       "overdue_share": _share(timed.share("overdue")),
                       "in_time_share": _share(timed.share("in_time"))},
    }


def _activation_json(figures: Any | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {"cases": figures.cases, "closed": figures.closed,
            "by_level": [{"level": r.level, "cases": r.cases, "successes": r.successes,
                          "success_share": _share(r.rate)} for r in figures.by_level],
            "median_seconds": figures.median_seconds}


def to_json(board: Dashboard) -> dict[str, Any]:
    """Codes and numbers only (no translated text, no officer names, no personal data)."""
    r = board.ratings
    return {
        "from": board.period.start.isoformat(), "to": board.period.end.isoformat(),
        "generated_at": board.now.isoformat(timespec="seconds"),
        "filters": {k: v for k, v in board.filters.as_dict().items() if k != "officer"},
        **_counts_json(board.totals),
        "open": {"overdue": board.actionable.overdue.count,
                 "due_today": board.actionable.due_today.count,
                 "due_soon": board.actionable.due_soon.count,
                 "due_soon_until": board.actionable.soon_until.isoformat(),
                 "waiting_supplement": board.actionable.waiting_supplement},
        "ratings": {"total": r.total, "very_satisfied": r.very_satisfied,
                    "satisfied": r.satisfied, "not_satisfied": r.not_satisfied,
                    "very_satisfied_share": _share(r.very_share),
                    "satisfied_share": _share(r.satisfied_share)},
        "per_day": [{"day": d.day.isoformat(), "received": d.received, "finished": d.finished}
                    for d in board.per_day],
        "per_procedure": [{"code": g.key, **_counts_json(g.counts)}
                          for g in board.per_procedure],
        "activation": _activation_json(board.activation),
    }


def _as_day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def stats_payload(session: Session, start: date | str, end: date | str, *,
                  filters: Filters | None = None, now: datetime | None = None,
                  calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """The figures of local days ``start``..``end`` (inclusive; dates or ISO strings) as JSON.

    Raises :class:`app.dashboard.period.PeriodError` (``code = "period_invalid"``) for a
    reversed or over-long period.
    """
    if calendar is None:
        from app.desk.operations import load_calendar

        calendar = load_calendar(session)
    board = compute(session, Period(_as_day(start), _as_day(end)), filters,
                    now=now or datetime.now(UTC), calendar=calendar)
    return to_json(board)


__all__ = ["Counts", "Dashboard", "DayRow", "GroupRow", "Timed", "compute", "stats_payload",
           "to_json"]
