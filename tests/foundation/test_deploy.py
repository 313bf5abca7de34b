"""The production path: gunicorn via `motcua serve`, Redis-backed limits, a reverse proxy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from flask import Flask

from app import create_app
from tests.helpers import csrf_token

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.slow
def test_serve_migrates_and_answers_healthz_under_gunicorn(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["MOTCUA_INSTANCE_PATH"] = str(tmp_path / "instance")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port),
                             "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.3)
        else:
            pytest.fail("motcua serve did not answer within 60 s")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        assert (tmp_path / "instance" / "motcua.db").exists()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0]
    assert "motcua staff add admin --role admin" in output  # first-run hint


def test_redis_rate_limits_are_shared_between_workers(tmp_path: Path,
                                                      database_url: str) -> None:
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = uuid.uuid4().hex
    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "LOGIN_RATE_LIMIT":
              # per hour, not per minute: a fixed window that turns over mid-test resets counts
              "4 per hour", "RATELIMIT_KEY_PREFIX": prefix}
    first, second = create_app(config), create_app(config)
    statuses = []
    for i in range(6):  # alternate "workers": the limit must count across both
        worker: Flask = (first, second)[i % 2]
        client = worker.test_client()
        token = csrf_token(client, "/auth/login")
        statuses.append(client.post("/auth/login", data={"username": "x" * 5, "password": "y",
                                                         "csrf_token": token}).status_code)
    assert statuses[:4] == [401] * 4
    assert statuses[4:] == [429, 429]


@pytest.mark.parametrize("app_config", [{"PROXY_FIX": 1}])
def test_proxy_headers_are_trusted_when_configured(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https",
                                               "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" in response.headers


def test_proxy_headers_are_ignored_by_default(client) -> None:
    response = client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
