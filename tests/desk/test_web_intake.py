"""Intake through the web form: validation, double submit, encryption of the ID, receipts."""

from __future__ import annotations

import io
import re
from base64 import b64decode
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.dossier import Dossier
from tests.helpers import csrf_from

PROCEDURE = "1.001193"  # birth registration: same-day, 4 working hours


def form_page(client: FlaskClient, code: str = PROCEDURE) -> tuple[str, dict[str, str]]:
    html = client.get(f"/desk/new/{code}").get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="idempotency_key"', html
    )
    assert key
    base = {
        "csrf_token": csrf_from(html),
        "idempotency_key": key.group(1),
        "applicant_name": "Nguyễn Thị Hằng",
        "applicant_phone": "0912 345 678",
        "applicant_email": "hang@example.vn",
        "applicant_address": "12 phố Đội Cấn, Ba Đình",
        "personal_id": "001190012345",
        "sets": "1",
        "collect_method": "desk",
        "fee_vnd": "0",
        "doc_0": "on",
        "doc_0_sets": "1",
        "doc_1": "on",
        "doc_1_sets": "2",
    }
    return html, base


def dossiers(app: Flask) -> list[Dossier]:
    with app.app_context():
        return list(db.session.scalars(select(Dossier)).all())


@pytest.fixture
def officer(login: Callable[..., str]) -> str:
    return login("officer")


def test_intake_creates_dossier_with_code_and_masked_encrypted_id(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    html, data = form_page(client)
    assert "Tờ khai đăng ký khai sinh" in html
    response = client.post(f"/desk/new/{PROCEDURE}", data=data)
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"000\.00\.00\.H00-\d{6}-0001", code)
    page = client.get(f"/desk/d/{code}").get_data(as_text=True)
    assert "001******345" in page
    assert "001190012345" not in page
    [stored] = dossiers(app)
    assert stored.personal_id_enc
    assert "001190012345" not in stored.personal_id_enc
    assert stored.applicant_phone == "0912345678"
    assert [d["sets"] for d in stored.documents] == [1, 2]
    assert stored.received_by == f"staff:{officer}"
    with app.app_context():
        from app import cipher

        assert cipher(app).decrypt(stored.personal_id_enc, "dossier.personal_id") == "001190012345"
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert "dossier.receive" in actions
        details = db.session.scalars(select(AuditEntry.details)).all()
        assert "001190012345" not in str(details)


def test_double_submit_gives_one_dossier(app: Flask, client: FlaskClient, officer: str) -> None:
    _, data = form_page(client)
    first = client.post(f"/desk/new/{PROCEDURE}", data=data)
    second = client.post(f"/desk/new/{PROCEDURE}", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(dossiers(app)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"applicant_name": ""}, "Vui lòng nhập họ và tên người nộp hồ sơ."),
        ({"applicant_name": "Nguyen 123"}, "Họ và tên không được chứa chữ số hoặc ký hiệu."),
        ({"applicant_phone": "12345"}, "Số điện thoại không hợp lệ"),
        ({"applicant_email": "a@b"}, "Địa chỉ email không hợp lệ."),
        ({"personal_id": "0011900123"}, "Số định danh cá nhân phải gồm 12 chữ số hợp lệ."),
        ({"collect_method": "post"}, "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính."),
        ({"sets": "0"}, "Số bộ hồ sơ từ 1 đến 99."),
        ({"fee_vnd": "-5"}, "Số tiền không hợp lệ."),
        ({"doc_0": "", "doc_1": ""}, "Vui lòng đánh dấu ít nhất một giấy tờ đã nhận."),
        ({"doc_1_sets": "0"}, "Số bản của mỗi giấy tờ từ 1 đến 99."),
    ],
)
def test_bad_input_gets_vietnamese_message_and_no_dossier(
    app: Flask, client: FlaskClient, officer: str, change: dict[str, str], message: str
) -> None:
    _, data = form_page(client)
    data.update(change)
    response = client.post(
        f"/desk/new/{PROCEDURE}", data={k: v for k, v in data.items() if v != ""}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert dossiers(app) == []


def test_unknown_procedure_is_404(client: FlaskClient, officer: str) -> None:
    assert client.get("/desk/new/NOPE").status_code == 404


def test_desk_needs_login(client: FlaskClient) -> None:
    assert client.get("/desk/new").status_code == 302


def _receive(client: FlaskClient) -> str:
    _, data = form_page(client)
    response = client.post(f"/desk/new/{PROCEDURE}", data=data)
    return response.headers["Location"].rsplit("/", 1)[-1]


def _qr_from_data_uri(html: str) -> list[str]:
    uris = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    texts = []
    for uri in uris:
        image = Image.open(io.BytesIO(b64decode(uri)))
        texts += [r.text for r in zxingcpp.read_barcodes(image)]
    return texts


def test_receipt_html_two_copies_with_qr(app: Flask, client: FlaskClient, officer: str) -> None:
    code = _receive(client)
    html = client.get(f"/desk/d/{code}/receipt").get_data(as_text=True)
    assert "Liên 1: Lưu" in html
    assert "Liên 2: Giao người nộp" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert f"Mã hồ sơ: {code}" in html
    assert "desk-print-a4.css" in html
    [stored] = dossiers(app)
    expected = f"http://localhost/r/{stored.lookup_key}#{stored.token}"
    assert _qr_from_data_uri(html) == [expected, expected]
    a5 = client.get(f"/desk/d/{code}/receipt?size=A5").get_data(as_text=True)
    assert "desk-print-a5.css" in a5


def test_receipt_pdf_and_reprint_keep_code_and_key(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    code = _receive(client)
    decoded = []
    for _ in range(2):
        response = client.get(f"/desk/d/{code}/receipt.pdf")
        assert response.mimetype == "application/pdf"
        pages = list(pdfium.PdfDocument(response.data))
        assert len(pages) == 2
        assert code in pages[0].get_textpage().get_text_range()
        image = pages[1].render(scale=200 / 72).to_pil()
        decoded += [r.text for r in zxingcpp.read_barcodes(image)]
    [stored] = dossiers(app)
    assert decoded == [f"http://localhost/r/{stored.lookup_key}#{stored.token}"] * 2


def test_a5_pdf(client: FlaskClient, officer: str) -> None:
    code = _receive(client)
    page = pdfium.PdfDocument(client.get(f"/desk/d/{code}/receipt.pdf?size=A5").data)[0]
    assert round(page.get_width() / 72 * 25.4) == 148


def test_english_second(client: FlaskClient, officer: str) -> None:
    client.get("/lang/en?next=/desk/new")
    page = client.get(f"/desk/new/{PROCEDURE}").get_data(as_text=True)
    assert "Applicant&#39;s full name" in page or "Applicant's full name" in page
    assert "Receive and print the receipt" in page
    _, data = form_page(client)
    data["applicant_email"] = "a@b"
    assert "Invalid email address." in client.post(f"/desk/new/{PROCEDURE}", data=data).get_data(
        as_text=True
    )
