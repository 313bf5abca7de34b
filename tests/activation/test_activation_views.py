"""The desk pages: intake with live facts, checklist, closing, guide card, public page."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models.activation import ActivationCase
from tests.activation.conftest import VALID_ID, intake_data
from tests.helpers import csrf_from, csrf_token


def test_desk_needs_a_signed_in_officer(client: FlaskClient) -> None:
    response = client.get("/kich-hoat/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_check_shows_what_the_number_says_and_levels(client: FlaskClient, officer: str) -> None:
    token = csrf_token(client, "/kich-hoat/")
    page = client.post("/kich-hoat/", data=intake_data(token)).get_data(as_text=True)
    assert "Nam Định (nay thuộc Tỉnh Ninh Bình)" in page
    assert "Hợp lệ, khớp thẻ" in page
    assert 'data-level="2"' in page
    assert "Trực tiếp tại Công an" in page
    assert "036******345" in page
    assert VALID_ID not in page.replace('value="036089012345"', "")
    assert "OTP" in page  # the officer is told OTPs are never asked for


def test_mismatch_is_flagged_and_case_cannot_start(client: FlaskClient, officer: str) -> None:
    token = csrf_token(client, "/kich-hoat/")
    response = client.post(
        "/kich-hoat/", data=intake_data(token, sex="F", dob="01/04/1990", action="start")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-code="dob_mismatch"' in page
    assert 'data-code="sex_mismatch"' in page
    assert "Số định danh chưa hợp lệ" in page


def test_live_check_fragment(client: FlaskClient, officer: str) -> None:
    token = csrf_token(client, "/kich-hoat/")
    fragment = client.post(
        "/kich-hoat/kiem-tra", data=intake_data(token, number="001 3 03 012345", dob="", sex="")
    ).get_data(as_text=True)
    assert "Hà Nội (nay thuộc Thành phố Hà Nội)" in fragment
    assert "<html" not in fragment


def test_phone_check_warns_without_rejecting(client: FlaskClient, officer: str) -> None:
    token = csrf_token(client, "/kich-hoat/")
    page = client.post("/kich-hoat/", data=intake_data(token, phone="0501234567")).get_data(
        as_text=True
    )
    assert "Đầu số chưa có trong bảng nhà mạng" in page


@pytest.mark.both_databases
def test_whole_case_from_intake_to_public_page(
    client: FlaskClient, open_case: Callable[..., int], app: Flask
) -> None:
    case_id = open_case()
    page = client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True)
    token = csrf_from(page)
    assert 'id="step-check_documents"' in page
    assert "level2_referral" in page
    client.post(
        f"/kich-hoat/ca/{case_id}/buoc/check_documents",
        data={"csrf_token": token, "status": "done"},
    )
    client.post(
        f"/kich-hoat/ca/{case_id}/buoc/install_app", data={"csrf_token": token, "status": "skipped"}
    )
    response = client.post(
        f"/kich-hoat/ca/{case_id}/buoc/activate",
        data={"csrf_token": token, "status": "failed", "reason": "no_otp"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#step-register")
    page = client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True)
    assert "Xong 1 · Bỏ qua 1 · Lỗi 1" in page
    response = client.post(
        f"/kich-hoat/ca/{case_id}/ket-thuc",
        data={"csrf_token": token, "outcome": "referred", "referral": "carrier", "notes": ""},
    )
    assert response.status_code == 302
    card = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1900 0368" in card
    url = re.search(r'<span class="small">(http[^<]+)</span>', card)
    assert url
    with app.app_context():
        saved = db.session.get(ActivationCase, case_id)
        assert saved is not None
        assert saved.failure_reasons == ["no_otp"]
        assert saved.outcome == "referred"
        assert saved.duration_seconds is not None
        assert url.group(1).endswith(saved.public_key)
    anonymous = app.test_client()
    public = anonymous.get(url.group(1).replace("http://localhost", ""))
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "Kích hoạt: số định danh + số điện thoại" in text  # the failed step is still to do
    assert "Công an xã, phường, đặc khu" in text
    assert "036******345" not in text
    assert "036089" not in text
    assert "012345" not in text


def test_guide_card_qr_decodes_to_public_page(
    client: FlaskClient, open_case: Callable[..., int]
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    import base64

    from PIL import Image

    case_id = open_case()
    card = client.get(f"/kich-hoat/ca/{case_id}/phieu").get_data(as_text=True)
    data = re.search(r'src="data:image/png;base64,([^"]+)"', card)
    assert data
    image = Image.open(io.BytesIO(base64.b64decode(data.group(1))))
    decoded = zxingcpp.read_barcodes(image)
    assert decoded
    assert re.fullmatch(r"http://localhost/vneid/[A-Za-z0-9_-]{32}", decoded[0].text)


def test_unknown_public_key_is_not_found(client: FlaskClient) -> None:
    assert client.get("/vneid/" + "x" * 32).status_code == 404


def test_failed_step_without_reason_is_refused(
    client: FlaskClient, open_case: Callable[..., int]
) -> None:
    case_id = open_case()
    token = csrf_from(client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True))
    client.post(
        f"/kich-hoat/ca/{case_id}/buoc/scan_card", data={"csrf_token": token, "status": "failed"}
    )
    page = client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True)
    assert "Bước lỗi cần lý do" in page


def test_note_with_a_code_is_refused(
    client: FlaskClient, open_case: Callable[..., int], app: Flask
) -> None:
    case_id = open_case()
    token = csrf_from(client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True))
    client.post(
        f"/kich-hoat/ca/{case_id}/buoc/activate",
        data={"csrf_token": token, "status": "failed", "reason": "other", "note": "OTP 123 456"},
    )
    page = client.get(f"/kich-hoat/ca/{case_id}").get_data(as_text=True)
    assert "không ghi mã OTP" in page
    with app.app_context():
        saved = db.session.get(ActivationCase, case_id)
        assert saved is not None
        assert "123" not in str(saved.steps)


def test_repeat_visit_is_recognised(client: FlaskClient, open_case: Callable[..., int]) -> None:
    open_case()
    token = csrf_token(client, "/kich-hoat/")
    page = client.post("/kich-hoat/", data=intake_data(token)).get_data(as_text=True)
    assert "Đã đến quầy 1 lần trước" in page


def test_id_is_never_stored_in_clear_nor_logged(
    client: FlaskClient, open_case: Callable[..., int], app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    case_id = open_case()
    client.get(f"/kich-hoat/ca/{case_id}")
    with app.app_context():
        saved = db.session.scalars(select(ActivationCase)).one()
        assert saved.personal_id_enc
        assert VALID_ID not in saved.personal_id_enc
        assert saved.personal_id_masked == "036******345"
    db.dispose(app)  # close connections so every page is on disk (main file or WAL)
    assert VALID_ID not in caplog.text
    db_file = Path(app.config["DATABASE_URL"].split("///", 1)[1])
    blob = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    assert VALID_ID.encode() not in blob


def test_figures_are_for_supervisors(client: FlaskClient, officer: str) -> None:
    assert client.get("/kich-hoat/thong-ke").status_code == 403


def test_figures_page_and_csv(
    client: FlaskClient, login: Callable[..., str], open_case: Callable[..., int]
) -> None:
    open_case()
    login("supervisor")
    page = client.get("/kich-hoat/thong-ke").get_data(as_text=True)
    assert "Tỷ lệ thành công theo mức" in page
    csv_body = client.get("/kich-hoat/thong-ke.csv").get_data(as_text=True)
    assert "total,cases,1" in csv_body
    cases = client.get("/kich-hoat/thong-ke/ca.csv").get_data(as_text=True)
    assert "036" not in cases.split("\n", 1)[1].split(",")[1]


def test_english_second(client: FlaskClient, open_case: Callable[..., int]) -> None:
    case_id = open_case()
    page = client.get(f"/kich-hoat/ca/{case_id}?lang=en").get_data(as_text=True)
    assert "Never ask for, look at or write down the citizen's OTP" in page
    assert "Check the card and phone" in page  # guide data in English too
    assert "Done" in page
