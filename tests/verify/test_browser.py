"""A real browser uploads a signed PDF and reads the Vietnamese verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_citizen_uploads_signed_pdf_and_sees_green_verdict(
    signed_pdf: bytes,  # first: pyHanko signs with asyncio, before Playwright's loop runs
    trust_test_root: Callable[[], None],
    live_server: Any,
    page: Any,
    tmp_path: Path,
) -> None:
    trust_test_root()
    upload = tmp_path / "giay-xac-nhan.pdf"
    upload.write_bytes(signed_pdf)
    page.goto(f"{live_server.url}/kiem-tra-chu-ky/")
    assert page.get_by_role("heading", name="Kiểm tra chữ ký số").is_visible()
    page.get_by_label("Tệp đã ký (PDF, XML, .p7s hoặc .p7m)").set_input_files(str(upload))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    verdict = page.locator(".verdict")
    verdict.wait_for()
    assert "verdict-green" in (verdict.get_attribute("class") or "")
    assert verdict.locator(".verdict-label").inner_text().strip().endswith("Hợp lệ")
    assert "Chữ ký số hợp lệ" in verdict.inner_text()
    details = page.locator("details.signature").first
    assert "Nguyễn Văn An" in details.inner_text()
    page.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
    # The JSON download link carries the report; nothing was stored on the server.
    assert (
        page.get_by_role("link", name="Tải báo cáo (JSON)")
        .get_attribute("href")
        .startswith("data:application/json")
    )
