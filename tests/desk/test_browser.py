"""A real browser: an officer receives a dossier, opens the receipt PDF; the printed QR is
decoded by zxing-cpp from the rendered page and the decoded URL shows the dossier as authentic."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import Flask

from app.admin.agency import get_agency
from app.extensions import db

pytestmark = pytest.mark.browser


def test_officer_receives_dossier_and_citizen_scans_receipt(
    app: Flask, live_server: Any, page: Any, make_staff: Any
) -> None:
    with app.app_context():
        get_agency(db.session).public_base_url = live_server.url
        db.session.commit()
    name, password = make_staff("officer", username="can.bo.tiep.nhan")
    page.goto(f"{live_server.url}/desk/new")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/desk/new")

    page.get_by_role("link", name="Liên thông đăng ký khai sinh", exact=False).click()
    page.get_by_label("Họ và tên người nộp").fill("Đặng Thị Mai")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    page.wait_for_url("**/desk/d/**")
    code = page.url.rsplit("/", 1)[-1]
    assert page.get_by_text(f"Đã tiếp nhận hồ sơ {code}").is_visible()

    pdf_url = page.get_by_role("link", name="Tải PDF").get_attribute("href")
    response = page.request.get(f"{live_server.url}{pdf_url}")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    rendered = pdfium.PdfDocument(response.body())[1].render(scale=200 / 72).to_pil()
    [result] = zxingcpp.read_barcodes(rendered, formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text.startswith(f"{live_server.url}/r/")

    page.goto(result.text)
    assert page.get_by_text(code).first.is_visible()
    page.wait_for_selector("#authenticity:not([data-state='checking'])")
    assert page.locator("#authenticity").get_attribute("data-state") in {"ok", "valid", "authentic"}
    assert "Giấy hẹn xác thực" in page.locator("#authenticity").inner_text()

    # one altered character in the fragment: the page must not call it authentic
    altered = result.text[:-5] + ("A" if result.text[-5] != "A" else "B") + result.text[-4:]
    page.goto("about:blank")
    page.goto(altered)
    page.wait_for_selector("#authenticity:not([data-state='checking'])")
    assert "Giấy hẹn xác thực" not in page.locator("#authenticity").inner_text()
