"""Test helpers that are not fixtures: CSRF tokens, staff creation, signing in."""

from __future__ import annotations

import re
import secrets
import time

from flask import Flask
from flask.testing import FlaskClient

from app.auth.operations import create_staff
from app.desk import tokens
from app.extensions import db
from app.keys import SigningKey
from app.models.staff import Role

_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"'
                      r'|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1) or match.group(2)


def csrf_token(client: FlaskClient, path: str) -> str:
    """GET ``path`` and return the CSRF token of its first form."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_from(response.get_data(as_text=True))


class StaffMaker:
    """Creates staff accounts directly in the database; returns (username, password)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, role: str = "officer", username: str | None = None,
                 password: str | None = None) -> tuple[str, str]:
        name = username or f"{role}{secrets.token_hex(3)}"
        pw = password or f"pw-{secrets.token_urlsafe(12)}"
        with self.app.app_context():
            create_staff(db.session, username=name, role=Role(role), password=pw,
                         full_name=f"Cán bộ {name}", actor="test")
            db.session.commit()
        return name, pw


def login_as(client: FlaskClient, username: str, password: str) -> None:
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"username": username, "password": password,
                                                "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def new_signing_key() -> SigningKey:
    """A fresh receipt-signing key, as `motcua keys rotate` makes one (kid: its thumbprint)."""
    private_key = tokens.generate_private_key()
    return SigningKey(tokens.thumbprint(private_key), private_key, time.time())
