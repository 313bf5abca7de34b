"""Authenticated read of one dossier: the API with a bearer token against the staff session.

`python -m bench api_read [requests=400] [rounds=5]`

Both paths run in one process against the same app and SQLite database, through Flask's WSGI
test client (no network: the point is what the application spends per request, where token
checking must be cheap): ``GET /api/v1/dossiers/<code>`` with ``Authorization: Bearer`` (token
look-up, scope and rate-limit check, JSON, audit entry) versus ``GET /desk/d/<code>`` for a
signed-in officer (session cookie, HTML page). Rounds alternate so machine noise hits both.
Target: API throughput ≥ 0.8 × the session path.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

PROCEDURE = "1.001193"


def _rate(client: FlaskClient, path: str, headers: dict[str, str], requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    return requests / (time.perf_counter() - started)


def _sign_in(client: FlaskClient, username: str, password: str) -> None:
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    response = client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": token.group(1)})
    if response.status_code != 302:
        raise RuntimeError("officer sign-in failed")


def _setup(instance: Path) -> tuple[FlaskClient, FlaskClient, str, dict[str, str]]:
    from app import create_app
    from app.api.clients import create_client
    from app.auth.operations import create_staff
    from app.extensions import db
    from app.migrate import upgrade
    from app.models.staff import Role

    upgrade(f"sqlite:///{instance}/motcua.db")
    app = create_app({"INSTANCE_PATH": str(instance), "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        new = create_client(db.session, name="bench", scopes="dossiers:read dossiers:write",
                            created_by="bench", rate_limit="1000000 per minute")
        create_staff(db.session, username="bench.officer", role=Role.OFFICER,
                     password="bench-password-1", actor="bench")
        db.session.commit()
        client_id, secret = new.client.client_id, new.client_secret
    api = app.test_client()
    token = api.post("/oauth/token", data={"grant_type": "client_credentials"},
                     auth=(client_id, secret)).get_json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    created = api.post("/api/v1/dossiers", headers=bearer, json={
        "procedure_code": PROCEDURE, "applicant": {"name": "Nguyễn Văn Bench"}})
    if created.status_code != 201:
        raise RuntimeError(f"intake failed: {created.get_json()}")
    staff = app.test_client()
    _sign_in(staff, "bench.officer", "bench-password-1")
    return api, staff, created.get_json()["code"], bearer


def run(requests: int = 400, rounds: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        api, staff, code, bearer = _setup(Path(tmp) / "instance")
        _rate(api, f"/api/v1/dossiers/{code}", bearer, 50)  # warm up both paths
        _rate(staff, f"/desk/d/{code}", {}, 50)
        api_rates, session_rates = [], []
        for _ in range(rounds):
            session_rates.append(_rate(staff, f"/desk/d/{code}", {}, requests))
            api_rates.append(_rate(api, f"/api/v1/dossiers/{code}", bearer, requests))
    api_rps, session_rps = statistics.median(api_rates), statistics.median(session_rates)
    return {
        "api_requests_per_s": round(api_rps, 1),
        "session_requests_per_s": round(session_rps, 1),
        "ratio": round(api_rps / session_rps, 2),
        "target": ">= 0.8",
        "requests_per_round": requests,
        "rounds": rounds,
    }
