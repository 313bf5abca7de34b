"""Authlib wiring: the client-credentials authorization server and the bearer-token protector.

Authlib does the protocol; motcua hands in its own look-ups (``query_client``, ``save_token``,
``authenticate_token``) through thin adapters over the plain SQLAlchemy models, as Authlib's
maintainers intend. Errors leave as ``application/problem+json`` that keep the OAuth ``error``
member, so both OAuth libraries and problem-aware clients understand them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from flask import Response, current_app
from flask import request as flask_request

from app.api import clients
from app.api.problems import InsufficientScope, Unauthorized
from app.api.scopes import SCOPES
from app.audit.operations import record
from app.errors import problem
from app.extensions import db
from app.models.api_client import ApiClient, ApiToken


def _now() -> datetime:
    return datetime.now(UTC)


class OAuthClient(ClientMixin):  # type: ignore[misc]
    """Authlib's view of an :class:`ApiClient`; ``model`` is None for an unknown client id."""

    def __init__(self, model: ApiClient | None, client_id: str) -> None:
        self.model = model
        self.client_id = client_id

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """All of the client's scopes when none is asked; None (invalid_scope) if it asks more."""
        allowed = self.model.scope_set if self.model else frozenset()
        if not scope:
            return " ".join(sorted(allowed))
        wanted = set(scope.split())
        return " ".join(sorted(wanted)) if wanted <= allowed else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return clients.secret_matches(self.model, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials" and self.model is not None


class OAuthToken(TokenMixin):  # type: ignore[misc]
    """Authlib's view of an :class:`ApiToken`, checked at one moment."""

    def __init__(self, model: ApiToken, now: datetime) -> None:
        self.model = model
        self.now = now

    @property
    def client(self) -> ApiClient:
        return self.model.client

    def check_client(self, client: OAuthClient) -> bool:
        return client.model is not None and client.model.id == self.model.client_pk

    def get_scope(self) -> str:
        return self.model.scope

    def get_expires_in(self) -> int:
        return self.model.lifetime_s

    def is_expired(self) -> bool:
        return self.now >= self.model.expires_at

    def is_revoked(self) -> bool:
        return self.model.revoked_at is not None or not self.model.client.active


def query_client(client_id: str) -> OAuthClient:
    # Unknown ids get a stand-in whose secret check still costs an Argon2 verify.
    return OAuthClient(clients.find_client(db.session, client_id), client_id)


def save_token(token: dict[str, Any], request: Any) -> None:
    client: OAuthClient = request.client
    assert client.model is not None
    clients.save_token(db.session, client=client.model, access_token=token["access_token"],
                       scope=token.get("scope", ""), lifetime_s=int(token["expires_in"]),
                       now=_now())
    record(db.session, actor=f"client:{client.model.client_id}", action="api.token",
           details={"scope": token.get("scope", "")}, ip=flask_request.remote_addr or "")


class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]


class MotcuaRevocationEndpoint(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009: a client revokes its own access token."""

    CLIENT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        model = clients.find_token(db.session, token_string)
        return OAuthToken(model, _now()) if model is not None else None

    def revoke_token(self, token: OAuthToken, request: Any) -> None:
        clients.revoke_token(db.session, token.model, _now())
        record(db.session, actor=f"client:{token.client.client_id}", action="api.token.revoke",
               ip=flask_request.remote_addr or "")


class ProblemAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """Token and revocation errors as problem documents (the OAuth ``error`` members kept)."""

    def handle_response(self, status_code: int, payload: Any, headers: Any) -> Response:
        if status_code < 400 or not isinstance(payload, dict):
            return super().handle_response(status_code, payload, headers)  # type: ignore[no-any-return]
        error = str(payload.get("error", "invalid_request"))
        response = problem(status_code, str(payload.get("error_description", "")), code=error,
                           error=error, error_description=payload.get("error_description"))
        for name, value in headers:
            if name.lower() != "content-type":
                response.headers[name] = value
        return response


class TokenValidator(BearerTokenValidator):  # type: ignore[misc]
    def authenticate_token(self, token_string: str) -> OAuthToken | None:
        model = clients.find_token(db.session, token_string)
        return OAuthToken(model, _now()) if model is not None else None


class ProblemResourceProtector(ResourceProtector):  # type: ignore[misc]
    """Raise our problems instead of Authlib's HTTP exceptions, keeping ``WWW-Authenticate``."""

    def raise_error_response(self, error: OAuth2Error) -> None:
        headers = dict(error.get_headers())
        challenge = {k: v for k, v in headers.items() if k.lower() == "www-authenticate"}
        if error.error == "insufficient_scope":
            raise InsufficientScope(error.description or "token lacks the required scope",
                                    headers=challenge)
        if not challenge or error.error == "missing_authorization":
            # RFC 6750 §3.1: no error code when the request carried no credentials at all.
            challenge = {"WWW-Authenticate": 'Bearer realm="motcua"'}
        raise Unauthorized(error.description or "a valid bearer token is required",
                           code=error.error or "invalid_token", headers=challenge)


def _token_lifetime(client: OAuthClient, grant_type: str) -> int:
    return int(current_app.config["API_TOKEN_SECONDS"])


def _new_access_token(**_kwargs: Any) -> str:
    return secrets.token_urlsafe(32)


# Bound to no app: Authlib needs only our look-ups, and the token lifetime is read per request.
authorization = ProblemAuthorizationServer(query_client=query_client, save_token=save_token)
authorization.register_token_generator(
    "default", BearerTokenGenerator(_new_access_token, None, _token_lifetime))
authorization.scopes_supported = sorted(SCOPES)
authorization.register_grant(ClientCredentialsGrant)
authorization.register_endpoint(MotcuaRevocationEndpoint)

require_oauth = ProblemResourceProtector()
require_oauth.register_token_validator(TokenValidator(realm="motcua"))


def authenticate(scope: str) -> OAuthToken:
    """The valid token of this request holding ``scope``; raises Unauthorized/InsufficientScope."""
    try:
        token: OAuthToken = require_oauth.acquire_token([scope])
    except OAuth2Error as error:
        require_oauth.raise_error_response(error)
        raise  # unreachable: raise_error_response always raises
    return token
