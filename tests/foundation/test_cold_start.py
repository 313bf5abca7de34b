"""Start-up stays cheap (bench/cold_start.py): create_app() and /healthz import no ORM, models,
operations or feature views, and lazily loaded views keep every guard on their first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from werkzeug.routing import Rule

from app.models.roles import Role
from app.routing import LazyBuilderRule, LazyView, load_views
from app.security import required_role
from tests.helpers import StaffMaker

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: what a plain create_app() + /healthz imports, then the first
# request to several lazily loaded views (each module is imported by that request).
FIRST_REQUESTS = r"""
import json, re, sys
from app import create_app

instance, database, officer, password = sys.argv[1:5]
app = create_app({"INSTANCE_PATH": instance, "DATABASE_URL": database,
                  "LOGIN_RATE_LIMIT": "2 per minute"})
seen = {"healthz": app.test_client().get("/healthz").status_code}
seen["modules"] = sorted(m for m in sys.modules if m in {
    "sqlalchemy.orm", "app.models.staff", "app.models.dossier", "jwt", "identity",
    "cryptography.x509", "cryptography.hazmat.primitives.serialization", "app.desk.operations",
    "app.cli", "app.desk.cli"})
seen["views"] = sorted(m for m in sys.modules if m.startswith("app.") and m.endswith(".views"))

def token(client):
    page = client.get("/auth/login")
    return page.status_code, re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                                       page.get_data(as_text=True)).group(1)

def sign_in(client, name, secret, csrf):
    return client.post("/auth/login", data={"username": name, "password": secret,
                                            "csrf_token": csrf}).status_code

anonymous = app.test_client()
response = anonymous.get("/dashboard/")
seen["anonymous_dashboard"] = [response.status_code, response.headers.get("Location", "")]
staff = app.test_client()
seen["login_page"], csrf = token(staff)
seen["officer_login"] = sign_in(staff, officer, password, csrf)
seen["officer_admin_page"] = staff.get("/admin/staff").status_code
attacker = app.test_client()
_, csrf = token(attacker)
seen["wrong_passwords"] = [sign_in(attacker, officer, "wrong", csrf) for _ in range(2)]
seen["token_without_csrf"] = app.test_client().post(
    "/oauth/token", data={"grant_type": "client_credentials"}, auth=("nobody", "x")).status_code
seen["logout_without_csrf"] = staff.post("/auth/logout").status_code
print(json.dumps(seen))
"""


def _run(code: str, *args: str) -> Any:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=dict(os.environ),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_start_up_and_first_requests_to_lazy_views(app: Flask,
                                                   make_staff: StaffMaker) -> None:
    officer, password = make_staff("officer")
    seen = _run(FIRST_REQUESTS, app.instance_path, app.config["DATABASE_URL"], officer, password)
    # create_app() + /healthz: no ORM, models, PyJWT, identity, PEM parsing, operations, CLI
    # or views
    assert seen["healthz"] == 200
    assert seen["modules"] == []
    assert seen["views"] == ["app.home.views"]
    # each of these is the first request to its views module
    assert seen["anonymous_dashboard"][0] == 302
    assert "/auth/login" in seen["anonymous_dashboard"][1]  # default-deny
    assert seen["login_page"] == 200  # @public
    assert seen["officer_login"] == 302
    assert seen["officer_admin_page"] == 403  # @requires(Role.ADMIN)
    assert seen["wrong_passwords"] == [401, 429]  # @limiter.limit: the officer's was the 1st
    assert seen["token_without_csrf"] == 401  # the API blueprint is exempt from CSRF
    assert seen["logout_without_csrf"] == 400  # the rest is not


def test_models_are_loaded_when_the_mappers_are_configured() -> None:
    """Importing one model no longer imports them all; configuring the mappers does."""
    code = ("import json, sys\n"
            "import app.models.dossier\n"
            "before = 'app.models.rating' in sys.modules\n"
            "from sqlalchemy.orm import configure_mappers\n"
            "configure_mappers()\n"
            "print(json.dumps([before, 'app.models.rating' in sys.modules]))\n")
    assert _run(code) == [False, True]


def test_roles_of_views_not_loaded_yet_are_known(app: Flask) -> None:
    assert isinstance(app.view_functions["admin.staff_list"], LazyView)
    assert required_role(app, "admin.staff_list") == Role.ADMIN
    assert not isinstance(app.view_functions["admin.staff_list"], LazyView)
    assert isinstance(app.view_functions["admin.audit"], LazyView)
    assert required_role(app, "admin.audit") == Role.SUPERVISOR
    assert required_role(app, "lookup.status") is None  # public blueprint
    assert required_role(app, "home.healthz") is None  # @public


def test_every_url_rule_names_an_existing_view(app: Flask) -> None:
    """A misspelt handler in a blueprint.py would otherwise show only on its first request."""
    assert any(isinstance(view, LazyView) for view in app.view_functions.values())
    load_views(app)
    for endpoint, view in app.view_functions.items():
        assert not isinstance(view, LazyView), endpoint
        if endpoint != "static":
            assert view.__name__ == endpoint.rsplit(".", 1)[-1], endpoint


def test_url_builders_compiled_on_first_use_build_the_same_urls(app: Flask) -> None:
    # The lazy builder replaces Werkzeug's Rule._compile_builder: fail loudly if it is renamed.
    assert "_compile_builder" in vars(Rule)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) > 60
    assert all(isinstance(rule, LazyBuilderRule) for rule in rules)
    for rule in rules:
        values = {name: 7 if f"int:{name}" in rule.rule else "HS 1/2" for name in rule.arguments}
        for append_unknown in (True, False):
            werkzeug_builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            expected = werkzeug_builder(**values, page="2")
            for _ in range(2):  # the stand-in, then the builder it compiled
                assert rule.build({**values, "page": "2"}, append_unknown) == expected, rule
    with app.test_request_context():
        assert url_for("desk.dossier", code="X", size="A5", _anchor="attached") == \
            "/desk/d/X?size=A5#attached"


def test_kept_urls_are_flasks_own_for_each_mount_point(app: Flask) -> None:
    """App.url_for keeps the URLs of static files and of endpoints without values, per
    script root; everything else is built every time, as Flask builds it."""
    from flask import Flask as PlainFlask

    cases = [("static", {"filename": "css/motcua.css"}), ("home.index", {}),
             ("lookup.jwks", {})]
    for root in ("", "/motcua"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for endpoint, values in cases:
                expected = PlainFlask.url_for(app, endpoint, **values)
                assert url_for(endpoint, **values) == expected
                assert url_for(endpoint, **values) == expected  # kept, the same
                assert expected.startswith(f"{root}/")
            path = url_for("lookup.status", key="abcdefghijklmnopqrstuv")
            assert path == f"{root}/r/abcdefghijklmnopqrstuv"
            assert url_for("home.index", _external=True).startswith("http://localhost")
    kept = app.__dict__["_motcua_urls"]
    assert {key[0] for key in kept} == {"", "/motcua"}
    assert all(endpoint != "lookup.status" for _, endpoint, _ in kept)
