"""`db.read`: the kept autocommit connections of the hot read paths (the public look-up)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from app.db import KEPT_READERS
from app.extensions import db


def _driver(connection: Connection) -> Any:
    return connection.connection.dbapi_connection


def _itself(connection: Connection) -> Connection:
    return connection


@pytest.mark.both_databases
def test_connection_is_kept_between_reads_without_a_transaction(app: Flask) -> None:
    with app.app_context():
        first = db.read(_driver)
        assert db.read(_driver) is first  # no pool checkout per read
        if db.engine.dialect.name == "postgresql":
            assert first.info.transaction_status == 0  # IDLE: no transaction left open
        else:
            assert not first.in_transaction


def test_at_most_the_kept_number_stay_open(app: Flask) -> None:
    """Concurrent readers each get their own connection; only KEPT_READERS are kept."""
    started = threading.Barrier(KEPT_READERS + 2)
    seen: list[Any] = []

    def reader(connection: Connection) -> None:
        seen.append(_driver(connection))
        started.wait(timeout=10)

    def work() -> None:
        with app.app_context():
            db.read(reader)

    threads = [threading.Thread(target=work) for _ in range(KEPT_READERS + 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len({id(c) for c in seen}) == KEPT_READERS + 2
    with app.app_context():
        kept = app.extensions["motcua.db"].readers
        assert len(kept) == KEPT_READERS
        assert all(not connection.closed for connection in kept)


def test_a_failing_reader_gives_up_its_connection(app: Flask) -> None:
    def broken(connection: Connection) -> None:
        raise ValueError("not a database error")

    with app.app_context():
        kept = db.read(_itself)
        with pytest.raises(ValueError):
            db.read(broken)
        assert kept.closed
        assert db.read(_itself) is not kept


@pytest.mark.both_databases
def test_a_connection_the_database_dropped_is_replaced(app: Flask) -> None:
    """A PostgreSQL restart drops every connection (here: its backend is terminated); the read
    that meets the dead connection is run again on a new one. SQLite: a kept connection that
    was invalidated is not handed out again."""
    with app.app_context():
        first = db.read(_itself)
        if db.engine.dialect.name == "postgresql":
            pid = _driver(first).info.backend_pid
            with db.engine.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                admin.commit()
        else:
            first.invalidate()
        assert db.read(lambda c: c.execute(text("SELECT 1")).scalar()) == 1
        replacement = db.read(_itself)
        assert replacement is not first
        assert not replacement.invalidated
        if db.engine.dialect.name == "postgresql":
            assert _driver(replacement).info.backend_pid != pid


def test_a_database_error_is_raised_and_the_connection_dropped(app: Flask) -> None:
    with app.app_context():
        kept = db.read(_itself)
        with pytest.raises(OperationalError):
            db.read(lambda c: c.execute(text("SELECT * FROM no_such_table")))
        assert kept.closed
        assert db.read(_itself) is not kept


def test_dispose_closes_the_kept_connections(app: Flask) -> None:
    with app.app_context():
        db.read(_driver)
        kept = list(app.extensions["motcua.db"].readers)
    db.dispose(app)
    assert kept
    assert all(connection.closed for connection in kept)


@pytest.mark.both_databases
def test_postgresql_readers_plan_once_and_keep_that_to_themselves(app: Flask) -> None:
    """PostgreSQL readers use generic plans (planned once, not at every execution); they are
    out of the pool, so the ORM sessions' connections keep the server's default."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            assert db.read(lambda c: c.connection.is_valid)  # SQLite: pooled as before
            return
        mode = db.read(lambda c: c.exec_driver_sql("SHOW plan_cache_mode").scalar())
        assert mode == "force_generic_plan"
        for _ in range(KEPT_READERS + 2):  # whatever the pool hands out next
            with db.engine.connect() as pooled:
                assert pooled.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
