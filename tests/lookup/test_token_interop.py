"""The QR token verifies with an independent JOSE library against the JWKS we serve."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from tests.lookup.conftest import Received


def _verify(token: str, jwks: dict[str, object]) -> dict[str, object]:
    keyset = jwk.JWKSet.from_json(json.dumps(jwks))
    signed = jws.JWS()
    signed.deserialize(token)
    kid = signed.jose_header["kid"]
    signed.verify(keyset.get_key(kid), alg="ES256")
    return json.loads(signed.payload)


def _flip(token: str, index: int) -> str:
    swapped = "A" if token[index] != "A" else "B"
    return token[:index] + swapped + token[index + 1:]


def test_token_from_qr_url_verifies_with_jwcrypto(client: FlaskClient,
                                                   receive: Callable[..., Received]) -> None:
    found = receive()
    token = found.url.split("#", 1)[1]
    assert found.url.startswith("http://localhost/r/" + found.key + "#")
    jwks = client.get("/.well-known/jwks.json").get_json()
    claims = _verify(token, jwks)
    assert claims["sub"] == found.code
    assert claims["iss"] == "http://localhost"
    data = client.get(found.path, headers={"Accept": "application/json"}).get_json()
    assert data["receipt"]["issuer"] == claims["iss"]


@pytest.mark.parametrize("where", ["header", "payload", "signature"])
def test_one_changed_byte_fails(client: FlaskClient, receive: Callable[..., Received],
                                where: str) -> None:
    found = receive()
    jwks = client.get("/.well-known/jwks.json").get_json()
    header, payload, _sig = found.token.split(".")
    index = {"header": 5, "payload": len(header) + 1 + 10,
             "signature": len(header) + len(payload) + 2 + 7}[where]
    with pytest.raises(JWException):  # InvalidJWSSignature, or InvalidJWSObject for the header
        _verify(_flip(found.token, index), jwks)
