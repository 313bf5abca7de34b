"""Database engine and the request-scoped session (plain SQLAlchemy 2, no Flask-SQLAlchemy).

One session per request (or CLI command): routes and operations use ``db.session``; the request
commits once at the end of the handler; the session is removed when the app context ends.

The ORM is imported, and the models loaded, when an app makes its first session: requests that
need only the engine (``/healthz``) and the start-up itself stay cheap.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from app.prepared import observed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, scoped_session

_EXT_KEY = "motcua.db"
_T = TypeVar("_T")
KEPT_READERS = 4
"""Connections `Database.read` keeps per app and process (on SQLite each is one of the pool's;
on PostgreSQL they are outside it, see `_reader`)."""
_AUTOCOMMIT = "motcua_autocommit"


class _Bound:
    """An app's engine and its scoped session registry, made on first use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._registry: scoped_session[Session] | None = None
        self._lock = threading.Lock()
        self.readers: deque[Connection] = deque()
        """Autocommit connections kept between requests for `Database.read`."""

    @property
    def session(self) -> scoped_session[Session]:
        if self._registry is None:
            with self._lock:
                if self._registry is None:
                    self._registry = _session_registry(self.engine)
        return self._registry

    def remove_session(self) -> None:
        if self._registry is not None:
            self._registry.remove()


def _session_registry(engine: Engine) -> scoped_session[Session]:
    from sqlalchemy.orm import scoped_session, sessionmaker

    from app.models import load_all

    load_all()
    return scoped_session(sessionmaker(bind=engine, expire_on_commit=False))


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (psycopg2 is not a dependency)."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Engine with the pragmas we rely on: SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_AUTOCOMMIT):
            return
        if observed(conn):  # statement listeners and echo see the BEGIN too
            conn.exec_driver_sql("BEGIN")
        else:  # straight to the driver: SQLAlchemy's statement path costs more than the BEGIN
            conn.connection.driver_connection.execute("BEGIN")


def autocommit_connection(engine: Engine) -> Connection:
    """A connection whose statements each run on their own, with no BEGIN and ROLLBACK round
    trips: for hot read paths whose statements stand alone (the public look-up). Each statement
    still sees one consistent snapshot; two statements may see different ones."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":  # pysqlite runs in autocommit here (isolation_level None)
        return connection.execution_options(**{_AUTOCOMMIT: True})
    return connection.execution_options(isolation_level="AUTOCOMMIT")


def _reader(engine: Engine) -> Connection:
    """A connection for `Database.read`. On PostgreSQL it is taken out of the pool for good
    (closing it closes it) and told to plan each statement once: the hot statements find one
    row by one key, so their best plan never depends on the values, and PostgreSQL would
    otherwise plan them again on every execution ("custom plans": 0.49 ms of server CPU per
    look-up state read, 0.13 ms with one generic plan). Out of the pool, that setting never
    reaches the ORM sessions' connections."""
    connection = autocommit_connection(engine)
    if engine.dialect.name == "postgresql":
        connection.connection.detach()
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    return connection


class Database:
    """Binds an engine and a scoped session to each app (tests create several apps)."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        bound = _Bound(engine)
        app.extensions[_EXT_KEY] = bound

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            bound.remove_session()

    @staticmethod
    def _bound() -> _Bound:
        bound: _Bound = current_app.extensions[_EXT_KEY]
        return bound

    @property
    def session(self) -> Session:
        return self._bound().session()

    @property
    def engine(self) -> Engine:
        return self._bound().engine

    def remove_session(self) -> None:
        self._bound().remove_session()

    def read(self, reader: Callable[[Connection], _T]) -> _T:
        """``reader(connection)`` on a kept autocommit connection (see
        `autocommit_connection`), for hot read paths made of standalone statements: taking a
        connection from the pool and giving it back cost more than the public look-up's whole
        query (issue #3). Up to `KEPT_READERS` connections are kept per app and process, each
        used by one request at a time; none holds a transaction between statements.

        A connection the database dropped (a restart) is replaced, and `reader` run once more
        on the new one: what the pool's pre-ping does for pooled connections."""
        bound = self._bound()
        kept = bound.readers
        for attempt in range(2):
            try:
                connection = kept.pop()  # deque.pop and append are atomic: no lock
            except IndexError:
                connection = _reader(bound.engine)
            if connection.closed or connection.invalidated:
                connection = _reader(bound.engine)
            try:
                result = reader(connection)
            except DBAPIError as exc:
                connection.close()
                if attempt or not exc.connection_invalidated:
                    raise
                continue
            except BaseException:
                connection.close()
                raise
            if len(kept) < KEPT_READERS:
                kept.append(connection)
            else:
                connection.close()
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self, app: Flask) -> None:
        bound: _Bound | None = app.extensions.get(_EXT_KEY)
        if bound is not None:
            bound.remove_session()
            while bound.readers:
                bound.readers.pop().close()
            bound.engine.dispose()
