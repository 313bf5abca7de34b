"""/.well-known/jwks.json: the receipt public keys, old ones included, cacheable, public."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app import keyring
from app.keys import jwk_thumbprint


def test_jwks_publishes_the_active_public_key(app: Flask, client: FlaskClient) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "max-age=300" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    keys = response.get_json()["keys"]
    active = keyring(app).active()
    assert [k["kid"] for k in keys] == [active.kid]
    (jwk,) = keys
    assert jwk["kid"] == jwk_thumbprint(active.private_key.public_key())
    assert {jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]} == {"EC", "P-256", "ES256", "sig"}
    assert "d" not in jwk, "private key material must never be published"


def test_rotation_keeps_old_keys_published(app: Flask, client: FlaskClient) -> None:
    old = keyring(app).active().kid
    new = keyring(app).rotate().kid
    kids = [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]]
    assert old in kids
    assert new in kids
    assert all("d" not in k for k in client.get("/.well-known/jwks.json").get_json()["keys"])
