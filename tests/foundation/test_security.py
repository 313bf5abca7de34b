from __future__ import annotations

import re

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from app.models.staff import Role
from app.security import public, required_role


def _sample_url(rule: object) -> str:
    url = str(rule)
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", url)


def test_every_staff_route_demands_a_session(app: Flask, client: FlaskClient) -> None:
    """Walk the whole URL map: anything not explicitly public must refuse an anonymous caller."""
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or required_role(app, rule.endpoint) is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_sample_url(rule), method=method)
            assert response.status_code in {302, 400, 401, 403}, (rule, method,
                                                                  response.status_code)
            if response.status_code == 302:
                assert "/auth/login" in response.headers["Location"]
            checked += 1
    assert checked >= 5


def test_officer_cannot_reach_admin_routes(app: Flask, client: FlaskClient, login) -> None:
    login("officer")
    admin_only = [r for r in app.url_map.iter_rules()
                  if required_role(app, r.endpoint) == Role.ADMIN and "GET" in (r.methods or ())]
    assert admin_only
    for rule in admin_only:
        assert client.get(_sample_url(rule)).status_code == 403, rule


def test_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/auth/login", "/healthz", "/does-not-exist"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        script_src = re.search(r"script-src ([^;]+)", csp)
        assert script_src
        assert "unsafe-inline" not in script_src.group(1)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in response.headers


def test_security_headers_replace_a_views_own_once(app: Flask) -> None:
    """Appended as they are when no view set one; replaced (never doubled) when one did."""

    @app.get("/_test/framed")
    def framed() -> Response:
        response = Response("x")
        response.headers["x-frame-options"] = "SAMEORIGIN"
        return response

    app.view_functions["framed"] = public(framed)
    response = app.test_client().get("/_test/framed")
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert response.headers.getlist("Content-Security-Policy") == [
        dict(app.extensions["motcua.security_headers"].pairs)["Content-Security-Policy"]]
    plain = app.test_client().get("/healthz")
    assert plain.headers.getlist("X-Frame-Options") == ["DENY"]


def test_hsts_behind_https_proxy(app: Flask) -> None:
    response = app.test_client().get("/healthz", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_post_without_csrf_is_refused_and_changes_nothing(client: FlaskClient, login,
                                                          app: Flask) -> None:
    login("admin")
    response = client.post("/admin/agency", data={"name": "Hacked", "code": "X1",
                                                  "desk_name": "x"})
    assert response.status_code == 400
    from app.admin.agency import get_agency
    from app.extensions import db

    with app.app_context():
        assert get_agency(db.session).name != "Hacked"


def test_session_cookie_flags(client: FlaskClient, login) -> None:
    login("officer")
    cookie = client.get_cookie("motcua_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://motcua.example"}])
def test_secure_cookie_when_public_url_is_https(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_api_errors_are_problem_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code in {401, 404}
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == response.status_code


def test_html_error_page_in_vietnamese(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_csrf_hook_runs_only_for_checked_methods(app: Flask) -> None:
    """Flask-WTF's hook is wrapped so that a GET skips it (app/__init__.py); a Flask-WTF
    upgrade that renamed it would leave it unwrapped: still safe, but this says so."""
    names = [hook.__name__ for hook in app.before_request_funcs[None]]
    assert "csrf_protect_checked_methods" in names
    assert "csrf_protect" not in names


def test_checked_headers_are_checked_once_and_appended_as_they_are() -> None:
    from werkzeug.datastructures import Headers

    from app.security import append_headers, checked_headers

    with pytest.raises(ValueError):
        checked_headers([("X-Bad", "line\nbreak")])  # refused when built, not per response
    pairs = checked_headers([("Vary", "Accept"), ("X-Frame-Options", "DENY")])
    headers = Headers([("Content-Type", "text/html")])
    append_headers(headers, pairs)
    assert list(headers.items()) == [("Content-Type", "text/html"), *pairs]
    assert isinstance(getattr(headers, "_list", None), list)  # where Werkzeug keeps them
