"""API fixtures: register clients straight in the database and get tokens the OAuth2 way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.api.clients import create_client
from app.extensions import db


@dataclass(frozen=True)
class Registered:
    client_id: str
    client_secret: str


@pytest.fixture
def register(app: Flask) -> Callable[..., Registered]:
    """``register("dossiers:read verify", rate_limit=...)`` → a client's id and secret."""

    def _register(scopes: str, rate_limit: str = "1000 per minute",
                  name: str = "Kiosk") -> Registered:
        with app.app_context():
            new = create_client(db.session, name=name, scopes=scopes, created_by="test",
                                rate_limit=rate_limit)
            db.session.commit()
            return Registered(new.client.client_id, new.client_secret)

    return _register


@pytest.fixture
def bearer(client: FlaskClient,
           register: Callable[..., Registered]) -> Callable[..., dict[str, str]]:
    """``bearer("dossiers:read")`` → Authorization header of a fresh token with those scopes."""

    def _bearer(scopes: str, rate_limit: str = "1000 per minute") -> dict[str, str]:
        registered = register(scopes, rate_limit=rate_limit)
        response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                               auth=(registered.client_id, registered.client_secret))
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return _bearer
