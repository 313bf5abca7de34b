"""Unknown and known keys cost the same: same SQL statements, and similar answer times."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.lookup.conftest import Received


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LOOKUP_MISS_LIMIT": "100000 per minute"}


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    from app.extensions import db

    seen: list[str] = []

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
@pytest.mark.both_databases
def test_hit_and_miss_run_the_same_statements(app: Flask, client: FlaskClient,
                                              receive: Callable[..., Received],
                                              move: Callable[..., None], accept: str) -> None:
    found = receive()
    move(found, "processing")
    headers = {"Accept": accept}
    assert client.get(found.path, headers=headers).status_code == 200  # warm-up (agency row)
    with _statements(app) as hit:
        assert client.get(found.path, headers=headers).status_code == 200
    with _statements(app) as miss:
        assert client.get("/r/" + "M" * 22, headers=headers).status_code == 404
    with _statements(app) as malformed:
        assert client.get("/r/%3Cscript%3E", headers=headers).status_code == 404
    assert len(hit) >= 5
    assert hit == miss == malformed


def test_hit_and_miss_answer_in_similar_time(client: FlaskClient,
                                             receive: Callable[..., Received],
                                             move: Callable[..., None]) -> None:
    found = receive()
    move(found, "processing", "result_ready")
    unknown = "/r/" + "T" * 22

    def timed(path: str) -> float:
        start = time.perf_counter()
        client.get(path)
        return time.perf_counter() - start

    for _ in range(5):  # warm caches (templates, statements)
        timed(found.path)
        timed(unknown)
    hits, misses = [], []
    for _ in range(40):  # interleaved so that machine noise hits both alike
        hits.append(timed(found.path))
        misses.append(timed(unknown))
    ratio = statistics.median(misses) / statistics.median(hits)
    # Generous bounds (shared CI cores); a miss that skipped the database or the rendering
    # would answer several times faster and fail this.
    assert 0.6 < ratio < 2.0, ratio
