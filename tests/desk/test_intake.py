"""One intake: the dossier it returns is the row it stored; refused intakes take no number.

receive_dossier writes with Core statements and builds the returned Dossier from the values it
wrote (issue #3); these tests hold it to what an ORM flush would have given (SQLite, PG).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session

from app.audit.operations import GENESIS, entry_hash, record, verify_chain
from app.db import make_engine
from app.desk import operations as ops
from app.desk import tokens
from app.desk.intake_tx import commit_intake
from app.keys import SigningKey
from app.models.audit import AuditEntry, AuditHead
from app.models.dossier import Dossier, DossierCounter
from tests.helpers import new_signing_key

AGENCY = "000.00.01.H26"
BASE = "https://motcua.example.vn"
NOW = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)  # Monday 09:30 in Hà Nội


class _Cipher:
    """Stands in for app.crypto's field cipher: recognisable, reversible output."""

    def encrypt(self, plaintext: str, context: str) -> str:
        return f"enc:{context}:{plaintext[::-1]}"

    def keyed_hash(self, value: str, context: str) -> str:
        return f"{context}:{value}"[-64:]


def _receive(session: Session, data: ops.IntakeData, key: SigningKey) -> ops.IntakeResult:
    ctx = ops.DeskContext(AGENCY, BASE, ops.load_calendar(session))
    return commit_intake(
        session,
        lambda: ops.receive_dossier(session, ctx, data, key=key, cipher=_Cipher(),
                                    actor="staff:t", now=NOW),
        data.idempotency_key,
    )


def _columns(dossier: Dossier) -> dict[str, Any]:
    return {column.key: getattr(dossier, column.key) for column in Dossier.__table__.columns}


def test_returned_dossier_is_the_stored_row(db_url: str) -> None:
    engine = make_engine(db_url)
    key = new_signing_key()
    data = ops.IntakeData("1.001193", "  Trần Thị B ", applicant_phone="0912345678",
                          personal_id="001203004005", idempotency_key="form-1")
    with Session(engine, expire_on_commit=False) as session:
        dossier = _receive(session, data, key).dossier
        state = inspect(dossier)
        assert state.persistent
        assert not state.modified
        assert session.get(Dossier, dossier.id) is dossier  # the session's one copy
        returned = _columns(dossier)
        # Relationships load on first access, as after a query.
        assert [(e.from_status, e.to_status, e.due_at) for e in dossier.events] == [
            ("", "received", dossier.due_at)]
        assert dossier.apologies == []
    with Session(engine) as fresh:
        stored = fresh.scalars(select(Dossier)).one()
        assert returned == _columns(stored)
    engine.dispose()
    assert returned["applicant_name"] == "Trần Thị B"
    assert returned["personal_id_enc"] == "enc:dossier.personal_id:500400302100"
    assert returned["personal_id_masked"] != data.personal_id
    verified = tokens.verify(returned["token"], tokens.build_jwks([key.private_key]), BASE)
    assert verified.claims.sub == returned["code"]
    assert verified.claims.jti == returned["token_jti"]


def test_refused_intakes_take_no_number(db_url: str) -> None:
    """The numbers are taken first (lock order); a double submit or an unknown procedure
    gives them back, so the next dossier still gets the next number."""
    engine = make_engine(db_url)
    key = new_signing_key()
    first = ops.IntakeData("1.001193", "Lê Văn C", idempotency_key="form-2")
    with Session(engine) as session:
        assert _receive(session, first, key).dossier.seq == 1
    with Session(engine) as session:
        again = _receive(session, first, key)
        assert (again.created, again.dossier.seq) == (False, 1)
    with Session(engine) as session:
        ctx = ops.DeskContext(AGENCY, BASE)
        with pytest.raises(ops.UnknownProcedureError):
            ops.receive_dossier(session, ctx, ops.IntakeData("9.999999", "Lê Văn D"),
                                key=key, cipher=None, actor="t", now=NOW)
        session.commit()  # even committed, the refused intake has taken nothing
    with Session(engine) as session:
        second = _receive(session, ops.IntakeData("1.001193", "Lê Văn E"), key).dossier
        assert (second.seq, second.register_entry) == (2, 2)
        counters = {c.scope: c.last_seq for c in session.scalars(select(DossierCounter))}
    engine.dispose()
    assert counters == {"day": 2, "year": 2}


def test_intake_round_trips(db_url: str) -> None:
    """The statement budget of one intake (issue #3), counted by an engine listener (which
    also makes app.prepared use the ordinary Core path: both paths run the same SQL).
    SQLite: numbers, version (with the declared days off), dossier, event, audit (take,
    entry, head); PostgreSQL merges them into three data-modifying WITH statements."""
    engine = make_engine(db_url)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    with Session(engine, expire_on_commit=False) as session:
        ctx = ops.DeskContext(AGENCY, BASE)
        data = ops.IntakeData("1.001193", "Đỗ Văn H", idempotency_key="form-3")
        result = commit_intake(session, lambda: ops.receive_dossier(
            session, ctx, data, key=new_signing_key(), cipher=None, actor="t", now=NOW))
        assert result.dossier.seq == 1
    engine.dispose()
    if engine.dialect.name == "postgresql":  # numbers+version, dossier+event+audit number,
        assert statements == ["WITH", "WITH", "WITH"]  # audit entry+head
    else:
        assert statements == ["BEGIN", "INSERT", "SELECT", "INSERT", "INSERT", "UPDATE",
                              "INSERT", "UPDATE"]


def test_intake_audit_entry_is_chained(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        _receive(session, ops.IntakeData("1.001193", "Phạm Văn G"), new_signing_key())
        entry = record(session, actor="cli", action="x", target="y", details={"n": 1})
        assert inspect(entry).transient
        assert entry.hash == entry_hash(entry)
        session.commit()
        stored = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.action for e in stored] == ["dossier.receive", "x"]
        assert stored[-1].hash == entry.hash
        assert stored[-1].prev_hash == stored[0].hash
        assert verify_chain(session).ok
    engine.dispose()


def test_intake_audit_number_from_an_empty_and_a_started_log(db_url: str) -> None:
    """The intake's audit entry (its number taken by the intake's own statement on
    PostgreSQL) links into the chain, whether the log is empty (no head row yet) or not."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry))
        conn.execute(delete(AuditHead))
    with Session(engine) as session:
        _receive(session, ops.IntakeData("1.001193", "Vũ Văn K"), new_signing_key())
        _receive(session, ops.IntakeData("1.001193", "Vũ Thị L"), new_signing_key())
        first, second = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        head = session.get(AuditHead, 1)
        assert (first.seq, second.seq) == (1, 2)
        assert (first.prev_hash, second.prev_hash) == (GENESIS, first.hash)
        assert head is not None
        assert (head.seq, head.last_hash) == (2, second.hash)
        assert verify_chain(session).ok
    engine.dispose()


def test_dossier_object_is_built_on_first_use(db_url: str) -> None:
    """The intake commits the row without building its ORM object; the first use of
    `result.dossier` puts it in the session as a loaded row (relationships load on access)."""
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        data = ops.IntakeData("1.001193", "Đinh Văn M")
        ctx = ops.DeskContext(AGENCY, BASE)
        result = commit_intake(session, lambda: ops.receive_dossier(
            session, ctx, data, key=new_signing_key(), cipher=None, actor="t", now=NOW))
        assert len(session.identity_map) == 0
        assert result.code == f"{AGENCY}-261130-0001"
        dossier = result.dossier
        assert inspect(dossier).persistent
        assert dossier in session
        assert result.dossier is dossier
        assert dossier.code == result.code
        assert [event.to_status for event in dossier.events] == ["received"]
    engine.dispose()
