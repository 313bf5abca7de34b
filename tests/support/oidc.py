"""Start the real OpenID provider (npm `oidc-provider`) on loopback for SSO tests.

The provider is a Node.js subprocess (``oidc_provider/provider.js``) with one confidential client
whose redirect URIs the test chooses, so the app under test can listen on its own free port.
Without ``node_modules`` (``npm ci`` not run) the tests skip, unless ``MOTCUA_REQUIRE_OIDC=1``
makes that a failure, as CI should.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest

PROVIDER_DIR = Path(__file__).with_name("oidc_provider")
STARTUP_TIMEOUT_S = 20.0

#: Logins the test provider knows; any other login name signs in with no role claim at all.
ACCOUNTS = {
    "officer1": "roles=[motcua-officer] in ID token and userinfo",
    "super1": "roles=groups=[motcua-supervisor]",
    "admin1": "roles=[motcua-admin]",
    "uinfo1": "roles=[motcua-officer] in userinfo ONLY",
    "norole": "no roles claim",
}


class OidcProvider(NamedTuple):
    """A running provider: unpacks as ``issuer, client_id, client_secret``."""

    issuer: str
    client_id: str
    client_secret: str


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("MOTCUA_REQUIRE_OIDC") == "1":
        pytest.fail(f"{reason} (MOTCUA_REQUIRE_OIDC=1)", pytrace=False)
    pytest.skip(reason)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js not found: the test OpenID provider needs it")
    assert node is not None
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        _unavailable(
            "test OpenID provider not installed: run "
            "`cd tests/support/oidc_provider && npm ci --no-audit --no-fund`"
        )
    return node


def fetch_discovery(issuer: str, timeout: float = 2.0) -> dict[str, Any]:
    """The provider's discovery document (raises on any failure)."""
    url = f"{issuer}/.well-known/openid-configuration"
    with urllib.request.urlopen(url, timeout=timeout) as response:
        document: dict[str, Any] = json.load(response)
    return document


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"OpenID provider exited: {log_path.read_text(errors='replace')}")
        with contextlib.suppress(OSError, urllib.error.URLError, ValueError):
            if fetch_discovery(issuer, timeout=1.0).get("issuer") == issuer:
                return
        time.sleep(0.1)
    raise RuntimeError(f"OpenID provider not ready in time: {log_path.read_text(errors='replace')}")


@contextlib.contextmanager
def running_oidc_provider(
    redirect_uris: Sequence[str],
    post_logout_redirect_uris: Sequence[str] = (),
    *,
    client_id: str = "motcua-test",
    port: int | None = None,
) -> Iterator[OidcProvider]:
    """Run the provider for the duration of the ``with`` block; always stops it afterwards."""
    node = _node()
    port = port or free_port()
    issuer = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "NODE_ENV": "test",
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": client_id,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(post_logout_redirect_uris),
    }
    with tempfile.TemporaryDirectory(prefix="motcua-oidc-") as tmp:
        log_path = Path(tmp) / "provider.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [node, str(PROVIDER_DIR / "provider.js")],
                cwd=PROVIDER_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for_discovery(issuer, process, log_path)
            yield OidcProvider(issuer, client_id, client_secret)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def oidc_provider_fixture(
    port_fixture: str,
    *,
    callback_path: str = "/auth/oidc/callback",
    post_logout_path: str = "/",
    scope: str = "module",
) -> Callable[..., Iterator[OidcProvider]]:
    """Build a fixture running the provider for an app on the port given by ``port_fixture``.

    Usage in a conftest::

        @pytest.fixture(scope="module")
        def app_port() -> int:
            return free_port()

        oidc_provider = oidc_provider_fixture("app_port")
    """

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def _fixture(request: pytest.FixtureRequest) -> Iterator[OidcProvider]:
        app_port = int(request.getfixturevalue(port_fixture))
        base = f"http://127.0.0.1:{app_port}"
        with running_oidc_provider([base + callback_path], [base + post_logout_path]) as provider:
            yield provider

    return _fixture
