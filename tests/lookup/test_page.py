"""The public page: what a citizen sees after scanning the QR, and what must never show."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.i18n import local_time
from tests.lookup.conftest import ADDRESS, EMAIL, NAME, PERSONAL_ID, PHONE, Received

JSON = {"Accept": "application/json"}


def _dossier_row(app: Flask, received: Received):  # type: ignore[no-untyped-def]
    from app.extensions import db
    from app.models.dossier import Dossier

    with app.app_context():
        row = db.session.get(Dossier, received.id)
        assert row is not None
        db.session.expunge(row)
        return row


def test_page_shows_code_procedure_times_status_and_initials(
        app: Flask, client: FlaskClient, receive: Callable[..., Received]) -> None:
    found = receive()
    row = _dossier_row(app, found)
    response = client.get(found.path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert found.code in html
    assert "Đăng ký khai sinh" in html
    assert "N. V. A." in html
    assert local_time(row.received_at) in html
    assert local_time(row.due_at) in html
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", html)
    assert "Đã tiếp nhận hồ sơ" in html  # status in plain Vietnamese
    assert "Đang trong hạn" in html
    assert "Bộ phận tiếp nhận và trả kết quả" in html  # where to collect: the desk
    assert f'data-code="{found.code}"' in html
    assert 'src="/static/js/lookup.js"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_page_is_public_and_script_is_csp_clean(client: FlaskClient,
                                                receive: Callable[..., Received]) -> None:
    found = receive()
    response = client.get(found.path)  # no login
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script would break the CSP"
    assert "style=" not in html
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_no_personal_data_in_html_or_json(app: Flask, client: FlaskClient,
                                          receive: Callable[..., Received],
                                          move: Callable[..., None]) -> None:
    found = receive()
    move(found, "processing", "waiting_supplement")  # notes carry a phone number
    html = client.get(found.path).get_data(as_text=True)
    body = client.get(found.path, headers=JSON).get_data(as_text=True)
    for text in (html, body):
        for secret in (PHONE, PERSONAL_ID, PERSONAL_ID[:3] + "*", ADDRESS, EMAIL, NAME, "Văn An",
                       "ghi chú nội bộ", found.token, "staff:test"):
            assert secret not in text, secret


@pytest.mark.both_databases
def test_json_variant_carries_the_same_facts(app: Flask, client: FlaskClient,
                                             receive: Callable[..., Received],
                                             move: Callable[..., None]) -> None:
    found = receive()
    move(found, "processing")
    row = _dossier_row(app, found)
    response = client.get(found.path, headers=JSON)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers.getlist("Vary") == ["Accept, Cookie"]  # once, both named
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["code"] == found.code
    assert data["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}
    assert data["applicant"] == "N. V. A."
    assert data["status"] == {"code": "processing", "label": "Đang giải quyết"}
    assert [s["status"] for s in data["timeline"]] == ["received", "processing"]
    assert data["due_at"]["local"] == local_time(row.due_at)
    assert datetime.fromisoformat(data["received_at"]["utc"]) == row.received_at
    assert data["timeliness"]["code"] == "in_progress"
    assert data["collect"]["method"] == "desk"
    assert data["receipt"]["revoked_jti"] == []
    assert data["rating"] == {"open": False, "given": False}


def test_overdue_and_early_are_told_apart(client: FlaskClient, receive: Callable[..., Received],
                                          move: Callable[..., None]) -> None:
    late = receive(now=datetime.now(UTC) - timedelta(days=40))
    assert client.get(late.path, headers=JSON).get_json()["timeliness"]["label"] == "Quá hạn"
    assert "Quá hạn" in client.get(late.path).get_data(as_text=True)
    quick = receive(procedure="LT-KT-XTT-MT")  # 5 working days, finished today
    move(quick, "processing", "result_ready")
    data = client.get(quick.path, headers=JSON).get_json()
    assert data["timeliness"] == {"code": "early", "label": "Trước hạn"}
    assert data["status"]["label"] == "Đã có kết quả, mời đến nhận"


def test_post_collection_never_shows_the_home_address(client: FlaskClient,
                                                      receive: Callable[..., Received]) -> None:
    found = receive(collect_method="post", collect_address="Hộp thư 99, Đường Láng")
    data = client.get(found.path, headers=JSON).get_json()
    assert data["collect"] == {"method": "post",
                               "label": "Trả qua dịch vụ bưu chính công ích"}
    assert "Đường Láng" not in client.get(found.path).get_data(as_text=True)


def test_unknown_and_malformed_keys_are_404(client: FlaskClient) -> None:
    for key in ("A" * 22, "not-a-key", "x" * 64):
        response = client.get(f"/r/{key}")
        assert response.status_code == 404
        assert "Không tìm thấy hồ sơ" in response.get_data(as_text=True)
    problem = client.get("/r/" + "B" * 22, headers=JSON)
    assert problem.status_code == 404
    assert problem.get_json()["code"] == "dossier_not_found"


@pytest.mark.both_databases
def test_reissued_receipt_is_listed_as_revoked(app: Flask, client: FlaskClient,
                                               receive: Callable[..., Received]) -> None:
    from app import keyring
    from app.desk import operations as ops
    from app.desk.tokens import ReceiptClaims
    from app.extensions import db
    from app.models.dossier import Dossier

    found = receive()
    old_jti = ReceiptClaims.from_mapping(_claims(found.token)).jti
    with app.app_context():
        row = db.session.get(Dossier, found.id)
        assert row is not None
        ops.reissue_receipt(db.session, row, key=keyring(app).active(),
                            base_url="http://localhost", actor="staff:test", reason="mất giấy",
                            now=datetime.now(UTC))
        db.session.commit()
        new_jti = row.token_jti
    data = client.get(found.path, headers=JSON).get_json()
    assert data["receipt"]["revoked_jti"] == [old_jti]
    assert new_jti not in data["receipt"]["revoked_jti"]
    assert f'data-revoked="{old_jti}"' in client.get(found.path).get_data(as_text=True)


def test_english_switch(client: FlaskClient, receive: Callable[..., Received]) -> None:
    found = receive()
    response = client.get(found.path + "?lang=en")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    data = client.get(found.path + "?lang=en", headers=JSON).get_json()
    assert data["procedure"]["name"] == "Birth registration"
    assert data["status"]["label"] == "Dossier received"


def _claims(token: str) -> dict[str, object]:
    import jwt

    return jwt.decode(token, options={"verify_signature": False})
