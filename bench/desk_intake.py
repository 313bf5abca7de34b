"""Intake cost: a committed dossier (code + snapshot + token + event + audit) against a bare
one-row INSERT + COMMIT on the same database, SQLite and PostgreSQL, measured in one run.

`python -m bench desk_intake [n=300] [backends="sqlite,postgresql"] [scale=0]`
With scale=N (e.g. 1000000) the intake is also timed with N dossiers already stored, against
the same run with 1000 stored (target: at most 1.3x).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
AGENCY = "000.00.01.H26"


class _Key:
    def __init__(self) -> None:
        from app.desk import tokens

        self.private_key = tokens.generate_private_key()
        self.kid = tokens.thumbprint(self.private_key)


def _prepare(url: str) -> tuple[Engine, Table]:
    from app.db import make_engine
    from app.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    bare = Table(
        "bench_bare_row",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("payload", String(64)),
    )
    bare.create(engine)
    return engine, bare


def _time_per_op(count: int, op: Callable[[int], None]) -> float:
    """Median wall time of one operation (the machine may be shared: the median resists)."""
    samples = []
    for i in range(count):
        started = time.perf_counter()
        op(i)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _cpu_per_op(count: int, op: Callable[[int], None]) -> float:
    """Client CPU time per operation (excludes waiting for the disk or the PostgreSQL server)."""
    started = time.process_time()
    for i in range(count):
        op(i)
    return (time.process_time() - started) / count


def _sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions made as the app makes them (app/db.py: objects stay loaded after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def _intake_op(engine: Engine, key: _Key, day_offset: list[int]) -> Callable[[int], None]:
    from app.desk import operations as ops
    from app.desk.intake_tx import commit_intake

    base = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    sessions = _sessions(engine)

    def op(i: int) -> None:
        with sessions() as session:
            ctx = ops.DeskContext(AGENCY, "https://motcua.example.vn")
            data = ops.IntakeData(
                "1.001193",
                f"Nguyễn Văn {i}",
                applicant_phone="0912345678",
                idempotency_key=uuid.uuid4().hex,
            )
            now = base + timedelta(days=day_offset[0])
            commit_intake(
                session,
                lambda: ops.receive_dossier(
                    session, ctx, data, key=key, cipher=None, actor="bench", now=now
                ),
                data.idempotency_key,
            )

    return op


def _bare_op(engine: Engine, bare: Table) -> Callable[[int], None]:
    sessions = _sessions(engine)

    def op(i: int) -> None:
        with sessions() as session:
            session.execute(insert(bare).values(payload=f"row {i}"))
            session.commit()

    return op


_PREFILL_SQL = """
INSERT INTO dossier (code, agency_code, day, seq, lookup_key, lookup_hash, procedure_id,
  procedure_version_id, procedure_code, procedure_name_vi, procedure_name_en,
  applicant_name, applicant_phone, applicant_email, applicant_address,
  personal_id_masked, documents, sets, collect_method, collect_address, fee_vnd,
  register_book, register_entry, received_at, original_due_at, due_at, status,
  received_by, token, token_jti, created_at)
SELECT 'PREFILL-' || (n + :offset), 'PREFILL', :day, n + :offset, 'prefill' || (n + :offset),
  'prefill-hash' || (n + :offset),
  1, 1, 'x', 'x', '', 'x', '', '', '', '', '[]', 1, 'desk', '', 0, '2020', n, :ts, :ts, :ts,
  'returned', 'bench', '', 'p' || (n + :offset), :ts
FROM ({rows}) AS g
"""


def _prefill(engine: Engine, count: int, offset: int) -> None:
    """Insert `count` returned dossiers quickly with one set-based statement."""
    if count <= 0:
        return
    if engine.dialect.name == "postgresql":
        rows = f"SELECT generate_series(1, {int(count)}) AS n"
    else:
        rows = (
            f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "  # noqa: S608 - int
            f"WHERE n < {int(count)}) SELECT n FROM s"
        )
    statement = text(_PREFILL_SQL.format(rows=rows))  # only integers are formatted in
    with engine.begin() as conn:
        conn.execute(
            statement,
            {"offset": offset, "day": date(2020, 1, 1), "ts": datetime(2020, 1, 1, tzinfo=UTC)},
        )


def _measure(url: str, n: int, scale: int) -> dict[str, Any]:
    engine, bare = _prepare(url)
    key = _Key()
    day = [0]
    intake, bare_insert = _intake_op(engine, key, day), _bare_op(engine, bare)
    for i in range(20):  # warm up caches, prepared statements, holidays tables
        intake(i)
        bare_insert(i)
    bare_s = _time_per_op(n, bare_insert)
    intake_s = _time_per_op(n, intake)
    bare_s2 = _time_per_op(n, bare_insert)  # baseline again: drift check
    bare_cpu, intake_cpu = _cpu_per_op(n, bare_insert), _cpu_per_op(n, intake)
    result: dict[str, Any] = {
        "client_cpu_ms_bare": round(1000 * bare_cpu, 3),
        "client_cpu_ms_intake": round(1000 * intake_cpu, 3),
        "bare_insert_commit_ms": round(1000 * statistics.mean([bare_s, bare_s2]), 3),
        "intake_ms": round(1000 * intake_s, 3),
        "ratio_intake_vs_bare": round(intake_s / statistics.mean([bare_s, bare_s2]), 2),
        "target_ratio_max": 3.0,
    }
    if scale:
        _prefill(engine, 1000 - 20 - n, 0)
        day[0] = 1
        small = _time_per_op(n, intake)
        _prefill(engine, scale, 10_000_000)
        day[0] = 2
        large = _time_per_op(n, intake)
        result.update(
            {
                "intake_ms_with_1e3": round(1000 * small, 3),
                f"intake_ms_with_{scale}": round(1000 * large, 3),
                "ratio_scale": round(large / small, 2),
                "target_ratio_scale_max": 1.3,
            }
        )
    engine.dispose()
    return result


def _pg_database() -> tuple[str, Callable[[], None]]:
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def run(n: int = 300, backends: str = "sqlite,postgresql", scale: int = 0) -> dict[str, Any]:
    results: dict[str, Any] = {"n": n, "median_per_operation": True}
    for backend in backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                results["sqlite"] = _measure(f"sqlite:///{Path(folder) / 'bench.db'}", n, scale)
        elif backend == "postgresql":
            try:
                url, drop = _pg_database()
            except Exception as exc:  # report, do not crash the whole bench run
                results["postgresql"] = {"skipped": exc.__class__.__name__}
                continue
            try:
                results["postgresql"] = _measure(url, n, scale)
            finally:
                drop()
    return results
