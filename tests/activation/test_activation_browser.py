"""A real browser runs a whole case at the desk, then opens the guide card's QR page."""

from __future__ import annotations

import base64
import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

pytestmark = pytest.mark.browser


def test_whole_case_then_qr_page(
    app: Flask, live_server: Any, page: Any, browser: Any, make_staff: Any
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    name, password = make_staff("officer", username="can.bo.vneid")
    page.goto(f"{live_server.url}/kich-hoat/")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/kich-hoat/")
    assert "OTP" in page.locator(".privacy-note").inner_text()

    # The live check answers while typing, before any button is pressed.
    page.get_by_label("Số định danh cá nhân (12 số trên thẻ)").fill("036 089 012345")
    page.get_by_label("Ngày sinh trên thẻ (dd/mm/yyyy)").fill("01/04/1989")
    page.get_by_label("Nam", exact=True).check()
    page.wait_for_selector("#inspection.is-ok")
    assert page.get_by_test_id("place").inner_text() == "Nam Định (nay thuộc Tỉnh Ninh Bình)"
    assert page.locator('.level[data-level="2"]').inner_text().count("Công an") == 1

    page.get_by_role("button", name="Bắt đầu hỗ trợ").click()
    page.wait_for_url("**/kich-hoat/ca/*")
    assert "036******345" in page.locator("h1").inner_text()

    steps = page.locator("li.step").evaluate_all("els => els.map(e => e.dataset.step)")
    for step_id in steps:
        item = page.locator(f"#step-{step_id}")
        if step_id == "scan_card":
            item.get_by_label("Lý do (khi lỗi hoặc bỏ qua)").select_option("no_nfc")
            item.get_by_role("button", name="Lỗi").click()
            page.wait_for_load_state()
            item = page.locator(f"#step-{step_id}")
            assert item.get_by_test_id("status").inner_text() == "Lỗi"
            # Fixed with the card's QR: the keyboard alone marks it done.
            item.get_by_role("button", name="Xong").focus()
            page.keyboard.press("Enter")
        elif step_id == "level2_referral":
            continue  # level 2 stays for the police: it must appear on the citizen's card
        else:
            item.get_by_role("button", name="Xong").click()
        page.wait_for_load_state()
    assert "Còn 1 bước" in page.get_by_test_id("progress").inner_text()

    page.locator("#close").get_by_label("Kết quả").select_option("activated")
    page.locator("#close").get_by_label("Chuyển đến").select_option("police")
    page.get_by_role("button", name="Kết thúc và in phiếu hướng dẫn").click()
    page.wait_for_url("**/phieu")
    src = page.get_by_test_id("guide-qr").get_attribute("src")
    assert src.startswith("data:image/png;base64,")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))))
    assert decoded
    target = urlsplit(decoded[0].text)

    citizen = browser.new_context(locale="vi-VN")
    try:
        phone = citizen.new_page()
        phone.goto(f"{live_server.url}{target.path}")
        remaining = phone.get_by_test_id("remaining").inner_text()
        assert "Mức 2" in remaining
        assert "1900 0368" in phone.get_by_test_id("hotline").inner_text()
        assert "Công an" in phone.get_by_test_id("level2-where").inner_text()
        body = phone.locator("main").inner_text()
        assert "036******345" not in body
        assert name not in body
    finally:
        citizen.close()
