"""app.prepared: hot-path statements on the DBAPI cursor behave as Core executes them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Numeric,
    bindparam,
    event,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.dossier import DossierCounter
from app.prepared import Prepared

COUNTER = DossierCounter.__table__
ENTRY = AuditEntry.__table__
AT = datetime(2026, 11, 30, 2, 30, 0, 123456, tzinfo=UTC)


@pytest.fixture
def connection(app: Flask) -> Iterator[Connection]:
    with app.app_context():
        yield db.session.connection()
        db.session.rollback()


def _entry(seq: int) -> dict[str, Any]:
    return {"seq": seq, "at": AT, "actor": "cli", "action": "x", "target": "t",
            "details": {"a": [1, "b"]}, "ip": "", "prev_hash": "0" * 64, "hash": "f" * 64}


@pytest.mark.both_databases
def test_rows_written_and_read_are_those_of_core(connection: Connection) -> None:
    Prepared(insert(ENTRY)).run(connection, _entry(1001))
    connection.execute(insert(ENTRY), _entry(1002))
    stored = connection.execute(select(ENTRY).where(ENTRY.c.seq > 1000).order_by(ENTRY.c.seq))
    first, second = (row._asdict() for row in stored)
    assert first == {**second, "seq": 1001}
    assert first["at"] == AT
    assert first["details"] == {"a": [1, "b"]}
    # Reads apply the same result processing (JSON and aware datetimes here).
    by_prepared = Prepared(select(ENTRY).where(ENTRY.c.seq == bindparam("s"))).run(
        connection, {"s": 1001})
    assert by_prepared == [tuple(first.values())]


@pytest.mark.both_databases
def test_returning_and_literal_binds(connection: Connection) -> None:
    day = date(2026, 11, 30)
    Prepared(insert(COUNTER)).run(
        connection, {"scope": "day", "agency_code": "X", "day": day, "last_seq": 4})
    bump = Prepared(update(COUNTER).where(COUNTER.c.agency_code == bindparam("agency"))
                    .values(last_seq=COUNTER.c.last_seq + 1)  # the 1 is a bind in the construct
                    .returning(COUNTER.c.day, COUNTER.c.last_seq))
    assert bump.run(connection, {"agency": "X"}) == [(day, 5)]
    assert bump.run(connection, {"agency": "nobody"}) == []


@pytest.mark.both_databases
def test_a_name_bound_twice_is_sent_twice(connection: Connection) -> None:
    twice = Prepared(text("SELECT :n + 1, :n * 2, :d").bindparams(bindparam("d", type_=Date()))
                     .columns(a=Integer(), b=Integer(), d=Date()))
    assert twice.run(connection, {"n": 20, "d": date(2026, 1, 2)}) == [(21, 40, date(2026, 1, 2))]


@pytest.mark.both_databases
def test_database_errors_are_sqlalchemy_errors(connection: Connection) -> None:
    """commit_intake retries OperationalError and resolves double submits on IntegrityError."""
    append = Prepared(insert(ENTRY))
    append.run(connection, _entry(2001))
    with pytest.raises(IntegrityError):
        append.run(connection, _entry(2001))


def test_listeners_see_every_statement(app: Flask, connection: Connection) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        Prepared(insert(ENTRY)).run(connection, _entry(3001))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 1
    assert seen[0].startswith("INSERT INTO audit_entry")


def test_refuses_what_it_cannot_do_as_sqlalchemy_would(connection: Connection) -> None:
    no_last_seq = {"scope": "day", "agency_code": "X", "day": date(2026, 1, 1)}
    with pytest.raises(ValueError, match="defaults"):  # last_seq has a Python-side default
        Prepared(insert(COUNTER)).run(connection, no_last_seq)
    with pytest.raises(ValueError, match="numeric"):  # float or Decimal: per DBAPI type code
        Prepared(select(literal(1.5, Numeric()))).run(connection)
