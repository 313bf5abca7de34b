"""SQL building blocks shared by the dashboard queries (portable SQLite / PostgreSQL).

Local days are taken in SQL so that grouping happens in the database: the answer is a few
hundred grouped rows whatever the number of dossiers. Asia/Ho_Chi_Minh has had a fixed
UTC+7 offset since 1975, which SQLite's ``date(x, '+7 hours')`` relies on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Select, SQLColumnExpression, any_, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from app.desk.timeliness import ZONE
from app.models.dossier import DossierEvent

_OFFSET_HOURS = int((datetime(2026, 1, 1, tzinfo=UTC).astimezone(ZONE).utcoffset()
                     or timedelta(0)).total_seconds() // 3600)


def local_date(column: SQLColumnExpression[datetime], dialect: str) -> ColumnElement[object]:
    """The local calendar day of a UTC timestamp column (a date, or ISO text on SQLite)."""
    if dialect == "postgresql":
        return cast(func.timezone(literal_column(f"'{ZONE.key}'"), column), Date)
    return func.date(column, literal_column(f"'+{_OFFSET_HOURS} hours'"))


def timeliness_case(dialect: str) -> ColumnElement[str]:
    """The verdict of a "result ready" event, the same rule as ``app.desk.timeliness.classify``:
    after the due time = overdue; on an earlier local day = early; otherwise on time.

    The event's own ``due_at`` is the due time in force when it happened (pauses included).
    Other events get ``''`` (refused and withdrawn dossiers are not timed).
    """
    event = DossierEvent
    return case(
        (event.to_status != literal_column("'result_ready'"), literal_column("''")),
        (event.at > event.due_at, literal_column("'overdue'")),
        (local_date(event.at, dialect) < local_date(event.due_at, dialect),
         literal_column("'early'")),
        else_=literal_column("'on_time'"),
    )


def id_in(column: SQLColumnExpression[int], ids: Select[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN (ids)`` that probes the primary key per id, never scans the whole table.

    On PostgreSQL ``= ANY(ARRAY(subquery))``: the planner cannot size the array, so it takes
    the index; a plain ``IN``/join is costed as a hash join over every dossier. SQLite always
    probes for ``IN (subquery)`` on a primary key.
    """
    if dialect == "postgresql":
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)
