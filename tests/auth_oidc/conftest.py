"""SSO fixtures: the real OpenID provider on loopback and the app served on a port it knows.

The provider must know the app's redirect URI before it starts, and the app must know the
provider's issuer before it is created, so the app's port is chosen first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.oidc import OidcProvider, free_port, oidc_provider_fixture

ROLE_MAP = "motcua-officer=officer,motcua-supervisor=supervisor,motcua-admin=admin"


@pytest.fixture(scope="module")
def sso_app_port() -> int:
    return free_port()


oidc_provider = oidc_provider_fixture("sso_app_port", post_logout_path="/auth/oidc/logged-out")


@pytest.fixture
def app_config(oidc_provider: OidcProvider, sso_app_port: int) -> dict[str, Any]:
    issuer, client_id, client_secret = oidc_provider
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": client_id,
            "OIDC_CLIENT_SECRET": client_secret, "OIDC_ROLE_MAP": ROLE_MAP,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{sso_app_port}"}


class SsoServer:
    """The app on its fixed port, able to hold back the provider's redirect to the callback
    (so a test can replay or tamper with it); ``url`` is the base URL."""

    def __init__(self, app: Flask, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.app = app
        self.holding = False
        self.held: list[str] = []
        self.server = make_server("127.0.0.1", port, self._wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.holding and environ["PATH_INFO"] == "/auth/oidc/callback":
            self.holding = False
            self.held.append(f"{self.url}/auth/oidc/callback?{environ['QUERY_STRING']}")
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"held"]
        return self.app(environ, start_response)


@pytest.fixture
def sso_server(app: Flask, sso_app_port: int) -> Iterator[SsoServer]:
    """The app served on the port the provider redirects to."""
    server = SsoServer(app, sso_app_port)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(5)
