from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models.staff import Staff
from tests.helpers import csrf_token, login_as


def _post_login(client: FlaskClient, username: str, password: str):
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"username": username, "password": password,
                                            "csrf_token": token})


def test_login_lands_on_vietnamese_home(client: FlaskClient, make_staff) -> None:
    name, password = make_staff("officer")
    login_as(client, name, password)
    page = client.get("/").get_data(as_text=True)
    assert "Bộ phận một cửa" in page
    assert 'lang="vi"' in page


def test_wrong_password_and_unknown_user_look_the_same(client: FlaskClient, make_staff) -> None:
    name, _password = make_staff("officer")
    wrong = _post_login(client, name, "not-the-password")
    unknown = _post_login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    message = "Tên đăng nhập hoặc mật khẩu không đúng"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app: Flask, client: FlaskClient, make_staff) -> None:
    name, password = make_staff("officer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _post_login(client, name, "wrong-password!").status_code == 401
    assert _post_login(client, name, password).status_code == 401  # locked even with the right one
    with app.app_context():
        staff = db.session.query(Staff).filter_by(username=name).one()
        staff.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert _post_login(client, name, password).status_code == 302


def test_login_is_rate_limited_per_ip(app: Flask, client: FlaskClient) -> None:
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [_post_login(client, f"user{i}", "x" * 12).status_code for i in range(limit + 1)]
    assert statuses[-1] == 429


def test_password_change_ends_other_sessions(app: Flask, make_staff) -> None:
    name, password = make_staff("officer")
    first, second = app.test_client(), app.test_client()
    login_as(first, name, password)
    login_as(second, name, password)
    token = csrf_token(first, "/auth/password")
    response = first.post("/auth/password", data={
        "csrf_token": token, "current_password": password,
        "new_password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302  # the other session was signed out
    fresh = app.test_client()
    login_as(fresh, name, "a-new-long-password")


def test_logout_needs_post_with_csrf(client: FlaskClient, login) -> None:
    login("officer")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200  # no CSRF token: still signed in
    token = csrf_token(client, "/")
    client.post("/auth/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302


def test_disabled_account_cannot_sign_in(app: Flask, client: FlaskClient, make_staff) -> None:
    name, password = make_staff("officer")
    with app.app_context():
        db.session.query(Staff).filter_by(username=name).one().active = False
        db.session.commit()
    assert _post_login(client, name, password).status_code == 401


def test_open_redirect_is_not_followed(client: FlaskClient, make_staff) -> None:
    name, password = make_staff("officer")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"username": name, "password": password,
                                                "csrf_token": token,
                                                "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_password_is_hashed_with_argon2(app: Flask, make_staff) -> None:
    name, password = make_staff("officer")
    with app.app_context():
        stored = db.session.query(Staff).filter_by(username=name).one().password_hash
    assert stored
    assert stored.startswith("$argon2id$")
    assert password not in stored
