"""The loopback OpenID provider is real: discovery, PKCE enforcement, and a browser code flow
(the ``browser``/``page`` fixtures are the suite's: Playwright on Debian Chromium)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Page, Route

from .oidc import OidcProvider, fetch_discovery, free_port, running_oidc_provider

REDIRECT_URI = f"http://127.0.0.1:{free_port()}/auth/oidc/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with running_oidc_provider([REDIRECT_URI]) as running:
        yield running


def _sign_in_and_catch_callback(page: Page, authorization_url: str, login: str) -> str:
    """Log in on the provider's own page; return the URL it redirected back to (nothing listens)."""
    caught: list[str] = []

    def catch(route: Route) -> None:
        caught.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="callback caught")

    page.route(REDIRECT_URI + "*", catch)
    page.goto(authorization_url)
    page.fill("input[name=login]", login)
    page.click("button[type=submit]")
    page.wait_for_selector("text=callback caught")
    assert len(caught) == 1
    return caught[0]


def _code_flow(provider: OidcProvider, page: Page,
               login: str) -> tuple[dict[str, object], dict[str, object]]:
    """Run the authorization code flow with PKCE; return validated ID token claims and userinfo."""
    meta = fetch_discovery(provider.issuer)
    client = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope="openid profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    assert "code_challenge=" in url
    callback_url = _sign_in_and_catch_callback(page, url, login)
    assert parse_qs(urlsplit(callback_url).query)["state"] == [state]
    token = client.fetch_token(
        meta["token_endpoint"], authorization_response=callback_url, code_verifier=verifier
    )
    jwks = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=5).json())
    id_token = jwt.decode(token["id_token"], jwks, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    ).validate(id_token.claims)
    userinfo = client.get(meta["userinfo_endpoint"]).json()
    return dict(id_token.claims), userinfo


def test_discovery_advertises_code_flow_pkce_and_logout(provider: OidcProvider) -> None:
    meta = fetch_discovery(provider.issuer)
    assert meta["issuer"] == provider.issuer
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == provider.issuer + "/session/end"
    assert "code" in meta["response_types_supported"]


def test_authorization_without_pkce_is_refused(provider: OidcProvider) -> None:
    meta = fetch_discovery(provider.issuer)
    client = OAuth2Session(provider.client_id, provider.client_secret, scope="openid",
                           redirect_uri=REDIRECT_URI)
    url, _state = client.create_authorization_url(meta["authorization_endpoint"], nonce="n")
    response = requests.get(url, allow_redirects=False, timeout=5)
    location = parse_qs(urlsplit(response.headers["location"]).query)
    assert location["error"] == ["invalid_request"]
    assert "PKCE" in location["error_description"][0]


def test_browser_code_flow_gives_id_token_valid_against_jwks(provider: OidcProvider,
                                                             page: Page) -> None:
    claims, userinfo = _code_flow(provider, page, "officer1")
    assert claims["sub"] == "officer1"
    assert claims["roles"] == ["motcua-officer"]
    assert userinfo["roles"] == ["motcua-officer"]


def test_userinfo_only_account_has_roles_only_in_userinfo(provider: OidcProvider,
                                                          page: Page) -> None:
    claims, userinfo = _code_flow(provider, page, "uinfo1")
    assert "roles" not in claims
    assert userinfo["roles"] == ["motcua-officer"]
