"""The identity provider's client (Authlib), registered at start-up when SSO is configured.

Only configuration is checked here (no network: discovery is fetched on the first sign-in), and
Authlib is imported only when ``OIDC_ISSUER`` is set. The sign-in views are in :mod:`.oidc`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app

from app.config import ConfigError

_EXT_KEY = "motcua.oidc"
PROVIDER_NAME = "province"
HTTP_TIMEOUT_S = 10


def init_app(app: Flask) -> None:
    """Register the provider client for ``app`` when an issuer is configured (no network here)."""
    issuer = app.config.get("OIDC_ISSUER") or ""
    if not issuer:
        return
    from app.auth.oidc_roles import RoleMapError, parse_role_map

    try:
        app.extensions["motcua.oidc_role_map"] = parse_role_map(app.config["OIDC_ROLE_MAP"])
    except RoleMapError as exc:
        raise ConfigError("OIDC_ROLE_MAP", str(exc)) from exc
    if not app.config["OIDC_CLIENT_ID"]:
        raise ConfigError("OIDC_CLIENT_ID", "required when OIDC_ISSUER is set")
    if "openid" not in app.config["OIDC_SCOPES"].split():
        raise ConfigError("OIDC_SCOPES", "must include openid")
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    oauth.register(
        PROVIDER_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"] or None,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256",
                       "timeout": HTTP_TIMEOUT_S},
    )
    app.extensions[_EXT_KEY] = oauth


def enabled() -> bool:
    return _EXT_KEY in current_app.extensions


def provider_client() -> Any:
    """This app's client for the provider; 404 when SSO is not configured."""
    if not enabled():
        abort(404)
    return current_app.extensions[_EXT_KEY].create_client(PROVIDER_NAME)
