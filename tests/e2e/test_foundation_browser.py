"""A real browser: an officer created with the CLI logs in and sees the home page in Vietnamese."""

from __future__ import annotations

import pytest
from flask import Flask

pytestmark = pytest.mark.browser


def test_officer_logs_in_and_sees_vietnamese_home(app: Flask, live_server, page,
                                                 make_staff) -> None:
    name, password = make_staff("officer", username="can.bo.mot")
    page.goto(f"{live_server.url}/")
    assert "/auth/login" in page.url
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Bộ phận một cửa").is_visible()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert not page.get_by_role("button", name="Đăng xuất").is_visible()
    page.locator("form[action$='/auth/logout'] button").click()
    page.wait_for_url("**/auth/login")
