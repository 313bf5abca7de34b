"""Registering clients: the CLI prints the secret once; admins add and revoke them in the UI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models.api_client import ApiClient
from tests.helpers import csrf_token


def _token_status(client: FlaskClient, client_id: str, secret: str) -> int:
    return client.post("/oauth/token", data={"grant_type": "client_credentials"},
                       auth=(client_id, secret)).status_code


def test_cli_add_prints_id_and_secret_once_as_json(app: Flask, client: FlaskClient,
                                                   runner: Any) -> None:
    result = runner.invoke(args=["api-client", "add", "Máy lấy số", "--scopes", "dossiers:read",
                                 "verify"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["scopes"] == ["dossiers:read", "verify"]
    assert _token_status(client, printed["client_id"], printed["client_secret"]) == 200
    listed = runner.invoke(args=["api-client", "list"])
    assert printed["client_id"] in listed.output
    assert printed["client_secret"] not in listed.output
    assert runner.invoke(args=["api-client", "revoke", printed["client_id"]]).exit_code == 0
    assert _token_status(client, printed["client_id"], printed["client_secret"]) == 401


def test_cli_refuses_unknown_scope(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["api-client", "add", "X", "--scopes", "admin:everything"])
    assert result.exit_code == 2
    assert "unknown_scope" in result.output
    with app.app_context():
        assert db.session.scalars(select(ApiClient)).first() is None


def test_admin_adds_sees_secret_once_and_revokes(app: Flask, client: FlaskClient,
                                                 login: Callable[..., str]) -> None:
    login("admin")
    token = csrf_token(client, "/admin/api-clients/")
    created = client.post("/admin/api-clients/", data={
        "csrf_token": token, "name": "Phần mềm một cửa tỉnh",
        "scopes": ["dossiers:read", "dossiers:write"], "rate_limit": "60 per minute"})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    listing = client.get("/admin/api-clients/").get_data(as_text=True)
    assert client_id in listing
    assert secret not in listing
    api = app.test_client()
    assert _token_status(api, client_id, secret) == 200
    revoked = client.post(f"/admin/api-clients/{client_id}/revoke",
                          data={"csrf_token": csrf_token(client, "/admin/api-clients/")})
    assert revoked.status_code == 302
    assert _token_status(api, client_id, secret) == 401


def test_admin_form_without_csrf_or_scope_creates_nothing(app: Flask, client: FlaskClient,
                                                          login: Callable[..., str]) -> None:
    login("admin")
    no_csrf = client.post("/admin/api-clients/", data={"name": "X", "scopes": ["verify"],
                                                       "rate_limit": "1 per second"})
    no_scope = client.post("/admin/api-clients/", data={
        "csrf_token": csrf_token(client, "/admin/api-clients/"), "name": "X",
        "rate_limit": "1 per second"})
    assert (no_csrf.status_code, no_scope.status_code) == (400, 400)
    with app.app_context():
        assert db.session.scalars(select(ApiClient)).first() is None


def test_officers_cannot_manage_clients(client: FlaskClient, login: Callable[..., str]) -> None:
    login("officer")
    assert client.get("/admin/api-clients/").status_code == 403
