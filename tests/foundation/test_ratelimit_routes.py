"""Rate limits live on their routes: the route decorator enforces them (Flask-Limiter's
before-request pass is left out, see app/__init__.py), so no limit may be declared anywhere else."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import limiter
from tests.helpers import csrf_from


def test_no_limit_is_declared_outside_a_route(app: Flask) -> None:
    manager = limiter.limit_manager
    assert manager.default_limits == []
    assert manager.application_limits == []
    for name in app.blueprints:
        assert manager.blueprint_limits(app, name) == [], name
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LOGIN_RATE_LIMIT": "2 per minute", "VERIFY_RATE_LIMIT": "1 per minute"}


def test_route_limits_still_answer_429_on_the_first_request_over(client: FlaskClient) -> None:
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    form = {"csrf_token": token, "username": "nobody", "password": "wrong-password"}
    login = [client.post("/auth/login", data=form).status_code for _ in range(3)]
    assert 429 not in login[:2]
    assert login[2] == 429
    verify = [client.post("/kiem-tra-chu-ky/", data={"csrf_token": token}).status_code
              for _ in range(2)]
    assert verify[0] != 429
    assert verify[1] == 429
    assert client.get("/auth/login").status_code == 200  # GET is not limited


def test_limited_routes_still_carry_the_rate_limit_headers(client: FlaskClient) -> None:
    """Flask-Limiter's after-request hook runs only after a route's limit check (see
    app/__init__.py); it must still run then: the headers come from it. If a Flask-Limiter
    upgrade moved its request state, the hook would be skipped and this fails."""
    token = csrf_from(client.get("/auth/login").get_data(as_text=True))
    form = {"csrf_token": token, "username": "nobody", "password": "wrong-password"}
    limited = client.post("/auth/login", data=form)
    assert limited.headers["X-RateLimit-Limit"] == "2"
    assert limited.headers["X-RateLimit-Remaining"] == "1"
    assert "X-RateLimit-Limit" not in client.get("/auth/login").headers  # GET: no limit
