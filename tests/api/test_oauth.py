"""OAuth2 client credentials: tokens are issued, short-lived, hashed, revocable, scoped."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.api_client import ApiClient, ApiToken
from app.models.audit import AuditEntry

from .conftest import Registered

STATS = "/api/v1/stats?from=2026-01-01&to=2026-01-31"


def _token(client: FlaskClient, reg: Registered, **extra: str) -> dict:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials", **extra},
                           auth=(reg.client_id, reg.client_secret))
    return {"status": response.status_code, "type": response.mimetype, **response.get_json()}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _assert_problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]
    return body


@pytest.mark.both_databases
def test_token_is_short_lived_and_stored_only_as_a_hash(
        app: Flask, client: FlaskClient, register: Callable[..., Registered]) -> None:
    reg = register("dossiers:read verify")
    body = _token(client, reg)
    assert body["status"] == 200
    assert body["token_type"].lower() == "bearer"
    assert body["expires_in"] == app.config["API_TOKEN_SECONDS"] <= 3600
    assert body["scope"] == "dossiers:read verify"
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        client_row = db.session.scalars(select(ApiClient)).one()
        assert stored.token_hash == hashlib.sha256(body["access_token"].encode()).hexdigest()
        assert reg.client_secret not in client_row.secret_hash
        assert client_row.secret_hash == "sha256$" + hashlib.sha256(
            reg.client_secret.encode()).hexdigest()
    assert client.get(STATS, headers={"Authorization": f"Bearer {body['access_token']}"}
                      ).status_code == 200


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_wrong_secret_gets_401_problem_and_no_token(
        app: Flask, client: FlaskClient, register: Callable[..., Registered], secret: str) -> None:
    reg = register("dossiers:read")
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           auth=(reg.client_id, secret))
    body = _assert_problem(response, 401, "invalid_client")
    assert body["error"] == "invalid_client"
    assert _count(app, ApiToken) == 0


def test_unknown_client_gets_the_same_401(client: FlaskClient) -> None:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           auth=("mc_nobody", "whatever"))
    _assert_problem(response, 401, "invalid_client")


def test_scope_beyond_the_grant_is_refused(
        app: Flask, client: FlaskClient, register: Callable[..., Registered]) -> None:
    body = _token(client, register("dossiers:read"), scope="dossiers:read dossiers:write")
    assert body["status"] == 400
    assert body["error"] == "invalid_scope"
    assert _count(app, ApiToken) == 0


def test_narrower_scope_can_be_asked_for(
        client: FlaskClient, register: Callable[..., Registered]) -> None:
    body = _token(client, register("dossiers:read verify"), scope="verify")
    assert body["scope"] == "verify"


def test_missing_token_and_bad_token_get_401_with_challenge(client: FlaskClient) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}):
        response = client.get(STATS, headers=headers)
        _assert_problem(response, 401, response.get_json()["code"])
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_missing_scope_gets_403(client: FlaskClient,
                                bearer: Callable[..., dict[str, str]]) -> None:
    response = client.post("/api/v1/verify", data=b"%PDF-1.4", headers={
        **bearer("dossiers:read"), "Content-Type": "application/pdf"})
    _assert_problem(response, 403, "insufficient_scope")


def test_expired_token_gets_401(app: Flask, client: FlaskClient,
                                bearer: Callable[..., dict[str, str]]) -> None:
    headers = bearer("dossiers:read")
    with app.app_context():
        db.session.execute(update(ApiToken).values(
            expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    _assert_problem(client.get(STATS, headers=headers), 401, "invalid_token")


def test_revoked_token_gets_401(client: FlaskClient, register: Callable[..., Registered]) -> None:
    reg = register("dossiers:read")
    token = _token(client, reg)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(STATS, headers=headers).status_code == 200
    response = client.post("/oauth/revoke", data={"token": token},
                           auth=(reg.client_id, reg.client_secret))
    assert response.status_code == 200
    _assert_problem(client.get(STATS, headers=headers), 401, "invalid_token")


def test_a_client_cannot_revoke_another_clients_token(
        client: FlaskClient, register: Callable[..., Registered]) -> None:
    owner, other = register("dossiers:read"), register("dossiers:read")
    token = _token(client, owner)["access_token"]
    client.post("/oauth/revoke", data={"token": token}, auth=(other.client_id, other.client_secret))
    assert client.get(STATS, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_rate_limit_per_client_gives_429_with_retry_after(
        client: FlaskClient, bearer: Callable[..., dict[str, str]]) -> None:
    limited = bearer("dossiers:read", rate_limit="2 per minute")
    other = bearer("dossiers:read")
    assert [client.get(STATS, headers=limited).status_code for _ in range(2)] == [200, 200]
    response = client.get(STATS, headers=limited)
    _assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert client.get(STATS, headers=other).status_code == 200  # limits are per client


@pytest.mark.both_databases
def test_every_call_is_audited_with_the_client(
        app: Flask, client: FlaskClient, register: Callable[..., Registered]) -> None:
    reg = register("dossiers:read")
    token = _token(client, reg)["access_token"]
    client.get(STATS, headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/stats?from=bad&to=2026-01-01",
               headers={"Authorization": f"Bearer {token}"})
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).where(
            AuditEntry.actor == f"client:{reg.client_id}").order_by(AuditEntry.seq)).all()
        assert [r.action for r in rows] == ["api.token", "api.stats", "api.stats.refused"]
        assert rows[2].details == {"status": 400, "code": "invalid_input"}
        assert all(token not in str(r.details) for r in rows)
