"""Dashboard for one month on PostgreSQL: 10^6 dossiers over three years against 10^4.

Two throw-away databases are created on postgresql://postgres@127.0.0.1:5432 (migrated with
the real migrations, so the real indexes), bulk-loaded with COPY (dossiers, their status events,
ratings), analysed, then the supervisor's page for October 2026 is requested through the Flask
test client (figures, charts, lists, rendering), alternately on each database, and timed
(median and best of several rounds after a warm-up); ``compute()`` alone is timed too. The
figure that matters is ``ratio`` (median, target <= 10). The databases are dropped at the end,
also on failure.

    python -m bench dashboard_scale            # 10^6 vs 10^4
    python -m bench dashboard_scale large=200000   # a quicker run
"""

from __future__ import annotations

import io
import random
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

SERVER = "postgresql://postgres@127.0.0.1:5432"
AGENCY = "000.00.01.H26"
FIRST_DAY = date(2023, 12, 1)
LAST_DAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # 12:00 in Hanoi
MONTH = (date(2026, 10, 1), date(2026, 10, 31))
OFFICERS = tuple(f"staff:officer{i:02d}" for i in range(12))
ROUNDS = 9
CHUNK = 20_000


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


class _Procedures:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.rows = conn.execute(
            "SELECT p.id, v.id, p.code, v.name_vi, v.name_en, v.processing_days, "
            "v.processing_hours FROM procedure p JOIN procedure_version v "
            "ON v.procedure_id = p.id ORDER BY p.id").fetchall()


def _dossiers(n: int, procedures: _Procedures, rng: random.Random) -> Iterator[
        tuple[str, list[str], str | None]]:
    """Yield (dossier COPY line, event COPY lines, rating line or None) in id order."""
    days = (LAST_DAY - FIRST_DAY).days + 1
    per_day: dict[date, int] = {}
    event_id = 0
    for i in range(n):
        dossier_id = i + 1
        day = FIRST_DAY + timedelta(days=i * days // n)
        seq = per_day[day] = per_day.get(day, 0) + 1
        received = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC) + timedelta(
            minutes=(seq * 7) % 540)
        proc_id, ver_id, code, name_vi, name_en, pdays, phours = rng.choice(procedures.rows)
        span = timedelta(hours=phours) if phours else timedelta(days=(pdays or 3) + 2)
        due = received + span
        roll = rng.random()
        age = NOW - received
        officer = OFFICERS[i % len(OFFICERS)]
        events = [("", "received", received, due)]
        status, finished, returned, rating = "received", None, None, None
        if roll < 0.02:
            status, finished = "refused", received + span / 2
            events.append(("received", "refused", finished, due))
        elif roll < 0.03:
            status = "withdrawn"
            events.append(("received", "withdrawn", received + span / 3, due))
        elif age > span * 2:
            late = roll > 0.97
            finished = due + timedelta(hours=5) if late else received + span * (0.4 + roll / 2)
            returned = finished + timedelta(hours=20)
            status = "returned"
            events += [("received", "processing", received + timedelta(minutes=20), due),
                       ("processing", "result_ready", finished, due),
                       ("result_ready", "returned", returned, due)]
            if roll < 0.75:
                score = "very_satisfied" if roll < 0.70 else (
                    "satisfied" if roll < 0.74 else "not_satisfied")
                rating = f"{dossier_id}\t{dossier_id}\t{score}\t\t{_ts(returned)}\n"
        else:
            status = "processing"
            events.append(("received", "processing", received + timedelta(minutes=20), due))
        dossier_code = f"{AGENCY}-{day:%y%m%d}-{seq:04d}"
        line = "\t".join((
            str(dossier_id), dossier_code, AGENCY, day.isoformat(), str(seq),
            secrets.token_urlsafe(16), "\\N", str(proc_id), str(ver_id), code, name_vi, name_en,
            "\\N" if pdays is None else str(pdays), "\\N" if phours is None else str(phours),
            "Nguyễn Văn Bench", "", "", "", "\\N", "", "[]", "1", "desk", "", "0",
            str(day.year), str(i + 1), _ts(received), _ts(due), _ts(due), status, "\\N",
            "\\N" if finished is None else _ts(finished),
            "\\N" if returned is None else _ts(returned), officer,
            "eyJhbGciOiJFUzI1NiJ9." + "x" * 300, secrets.token_hex(8), _ts(received))) + "\n"
        event_lines = []
        for from_status, to_status, at, event_due in events:
            event_id += 1
            event_lines.append(f"{event_id}\t{dossier_id}\t{_ts(at)}\t{officer}\t{from_status}\t"
                               f"{to_status}\t\t\t{_ts(event_due)}\n")
        yield line, event_lines, rating


DOSSIER_COLUMNS = (
    "id, code, agency_code, day, seq, lookup_key, idempotency_key, procedure_id, "
    "procedure_version_id, procedure_code, procedure_name_vi, procedure_name_en, "
    "processing_days, processing_hours, applicant_name, applicant_phone, applicant_email, "
    "applicant_address, personal_id_enc, personal_id_masked, documents, sets, collect_method, "
    "collect_address, fee_vnd, register_book, register_entry, received_at, original_due_at, "
    "due_at, status, paused_since, finished_at, returned_at, received_by, token, token_jti, "
    "created_at")
EVENT_COLUMNS = "id, dossier_id, at, actor, from_status, to_status, handed_to, note, due_at"


TABLES = ("dossier", "dossier_event", "rating")


def _drop_secondary(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop foreign keys, unique constraints and plain indexes of the loaded tables; return the
    statements that recreate them (building an index once beats maintaining it row by row)."""
    constraints = conn.execute(
        "SELECT conname, conrelid::regclass::text, contype, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') "
        "ORDER BY contype DESC", (list(TABLES),)).fetchall()  # 'u' before 'f' when recreating
    backing = {name for name, _, kind, _ in constraints if kind == "u"}
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT LIKE 'pk_%%'", (list(TABLES),)).fetchall()
    recreate = [definition for name, definition in indexes if name not in backing]
    recreate += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                 for name, table, _, definition in constraints]
    for name, table, _kind, _ in sorted(constraints, key=lambda c: c[2] != "f"):
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        if name not in backing:
            conn.execute(f'DROP INDEX "{name}"')
    return recreate


def _load(url: str, n: int) -> dict[str, Any]:
    """Seed the catalogue through the app's code, then COPY n dossiers with their history."""
    from sqlalchemy.orm import Session

    from app.audit.operations import ensure_head
    from app.db import make_engine
    from app.desk.operations import seed_catalogue

    engine = make_engine(url)
    with Session(engine) as session:
        ensure_head(session)
        seed_catalogue(session)
        session.commit()
    engine.dispose()
    started = time.perf_counter()
    rng = random.Random(6)
    counts = {"dossiers": 0, "events": 0, "ratings": 0}
    with psycopg.connect(_plain(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        procedures = _Procedures(conn)
        recreate = _drop_secondary(conn)
        rows = _dossiers(n, procedures, rng)
        done = False
        while not done:
            d_buf, e_buf, r_buf = io.StringIO(), io.StringIO(), io.StringIO()
            for _ in range(CHUNK):
                try:
                    line, events, rating = next(rows)
                except StopIteration:
                    done = True
                    break
                d_buf.write(line)
                e_buf.writelines(events)
                counts["dossiers"] += 1
                counts["events"] += len(events)
                if rating:
                    r_buf.write(rating)
                    counts["ratings"] += 1
            with conn.cursor() as cur:
                for table, columns, buf in (
                        ("dossier", DOSSIER_COLUMNS, d_buf),
                        ("dossier_event", EVENT_COLUMNS, e_buf),
                        ("rating", "id, dossier_id, score, comment, created_at", r_buf)):
                    if buf.tell():
                        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                            copy.write(buf.getvalue())
        for statement in recreate:
            conn.execute(statement)
        for table in TABLES:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                         f"(SELECT coalesce(max(id), 1) FROM {table}))")  # constant names
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    counts["load_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


class _Page:
    """A signed-in supervisor's test client on one database, ready to time the month."""

    def __init__(self, url: str, instance: str) -> None:
        from app import create_app
        from app.auth.operations import create_staff
        from app.extensions import db
        from app.models.staff import Role
        from app.security import SESSION_STAFF, SESSION_VERSION

        self.app = create_app({"INSTANCE_PATH": instance, "DATABASE_URL": url,
                               "PUBLIC_BASE_URL": "http://localhost"})
        with self.app.app_context():
            staff = create_staff(db.session, username="bench_supervisor",
                                 role=Role.SUPERVISOR, password=secrets.token_urlsafe(16),
                                 full_name="Bench", actor="bench")
            db.session.commit()
            staff_id, version = staff.id, staff.session_version
        self.client = self.app.test_client()
        with self.client.session_transaction() as session:
            session[SESSION_STAFF] = staff_id
            session[SESSION_VERSION] = version
        self.page: list[float] = []
        self.alone: list[float] = []

    def once(self) -> None:
        from app.dashboard.period import Period
        from app.dashboard.stats import compute
        from app.desk.operations import load_calendar
        from app.extensions import db

        started = time.perf_counter()
        response = self.client.get(f"/dashboard/?start={MONTH[0]}&end={MONTH[1]}")
        self.page.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        with self.app.app_context():
            calendar = load_calendar(db.session)
            started = time.perf_counter()
            compute(db.session, Period(*MONTH), now=NOW, calendar=calendar)
            self.alone.append(time.perf_counter() - started)

    def figures(self) -> dict[str, float]:
        from app.extensions import db

        db.dispose(self.app)
        page, alone = self.page[1:], self.alone[1:]  # the first round warms caches
        return {"page_best_ms": round(min(page) * 1000, 1),
                "page_median_ms": round(statistics.median(page) * 1000, 1),
                "compute_best_ms": round(min(alone) * 1000, 1),
                "compute_median_ms": round(statistics.median(alone) * 1000, 1)}


def _database(n: int, names: list[str]) -> tuple[str, dict[str, Any]]:
    from app.migrate import upgrade

    name = f"motcua_bench_dash_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    names.append(name)
    url = make_url(f"{SERVER}/{name}").render_as_string(hide_password=False)
    upgrade(url, "heads")
    return url, _load(url, n)


def run(large: int = 1_000_000, small: int = 10_000) -> dict[str, Any]:
    """Both databases stay up while the page is timed, small and large alternately, so that
    a busy machine slows both sides of the ratio alike."""
    names: list[str] = []
    try:
        small_url, small_load = _database(small, names)
        large_url, large_load = _database(large, names)
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
            pages = _Page(small_url, one), _Page(large_url, two)
            for _ in range(ROUNDS + 1):
                for page in pages:
                    page.once()
            baseline, scaled = ({**load, **page.figures()}
                                for load, page in zip((small_load, large_load), pages,
                                                      strict=True))
    finally:
        for name in names:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {
        "month": f"{MONTH[0]}..{MONTH[1]}",
        "small": baseline,
        "large": scaled,
        "ratio": round(scaled["page_median_ms"] / baseline["page_median_ms"], 2),
        "ratio_best": round(scaled["page_best_ms"] / baseline["page_best_ms"], 2),
        "ratio_compute": round(scaled["compute_median_ms"] / baseline["compute_median_ms"], 2),
        "target_ratio": 10,
    }
