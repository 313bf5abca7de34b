"""Shared fixtures: ``app``, ``client``, ``runner``, staff/login helpers, a live server and a
real browser.

Databases: every ``app`` gets its own migrated database. SQLite by default; tests marked
``both_databases`` also run on PostgreSQL when ``MOTCUA_TEST_DATABASE_URL`` is set (CI sets it).
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from app.db import make_engine
from app.migrate import upgrade
from tests.helpers import StaffMaker, login_as

PG_URL = os.environ.get("MOTCUA_TEST_DATABASE_URL", "")

# Property tests explore the same examples on every run (no example database on disk), so a red
# CI is reproducible; set HYPOTHESIS_PROFILE=explore locally to search further.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.register_profile("explore", database=None, deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("both_databases") and PG_URL:
            backends.append("postgresql")
        metafunc.parametrize("db_backend", backends, indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


# --- database templates (migrated once per session, copied per test) -------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dbtemplate") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _pg_admin_url() -> str:
    return make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False)


def _pg_execute(sql: str) -> None:
    engine = make_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("MOTCUA_TEST_DATABASE_URL not set")
    name = f"motcua_tpl_{uuid.uuid4().hex[:10]}"
    _pg_execute(f'CREATE DATABASE "{name}"')
    upgrade(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    yield name
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if db_backend == "sqlite":
        target = tmp_path / "instance" / "motcua.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"motcua_t_{uuid.uuid4().hex[:12]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the app -------------------------------------------------------------------------------
@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module to change configuration for that module's apps."""
    return {}


@pytest.fixture
def app(tmp_path: Path, database_url: str, app_config: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    for key in list(os.environ):
        if key.startswith("MOTCUA_") and key not in {"MOTCUA_TEST_DATABASE_URL",
                                                     "MOTCUA_REQUIRE_BROWSER",
                                                     "MOTCUA_REQUIRE_OIDC", "MOTCUA_CHROMIUM"}:
            monkeypatch.delenv(key)
    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
              "TESTING": True, "PUBLIC_BASE_URL": "http://localhost", **app_config}
    application = create_app(config)
    yield application
    from app.extensions import db

    db.dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_staff(app: Flask) -> StaffMaker:
    return StaffMaker(app)


@pytest.fixture
def login(client: FlaskClient, make_staff: StaffMaker) -> Callable[..., str]:
    """``login("officer")`` creates a staff member with that role, signs in, returns the name."""

    def _login(role: str = "officer", username: str | None = None) -> str:
        name, password = make_staff(role=role, username=username)
        login_as(client, name, password)
        return name

    return _login


# --- a live server and a real browser ----------------------------------------------------------
class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


def chromium_args() -> list[str]:
    return ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread, which
    would break later ``asyncio.run`` calls (pyHanko, certvalidator) in other modules."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} (MOTCUA_REQUIRE_BROWSER=1)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=chromium_args())
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    tab = context.new_page()
    yield tab
    context.close()
