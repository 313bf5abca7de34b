"""A real browser opens the QR URL: the page's script verifies the token in the fragment."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from tests.lookup.conftest import Received

OK = "#authenticity[data-state='ok']"
FAILED = "#authenticity[data-state='failed']"
REVOKED = "#authenticity[data-state='revoked']"


@pytest.fixture
def live_receive(app: Flask, live_server: Any,
                 receive: Callable[..., Received]) -> Callable[..., Received]:
    """Dossiers whose QR points at the live server (the agency's public URL)."""
    from app.admin.agency import update_agency
    from app.extensions import db

    with app.app_context():
        update_agency(db.session, {"public_base_url": live_server.url}, actor="test")
        db.session.commit()
    return receive


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _reason(page: Any) -> str:
    return str(page.locator("#authenticity").get_attribute("data-reason"))


def test_qr_url_shows_authentic_and_tampering_fails(page: Any, live_server: Any,
                                                    live_receive: Callable[..., Received]) -> None:
    found = live_receive()
    assert found.url.startswith(live_server.url + "/r/")
    page.goto(found.url)
    page.wait_for_selector(OK)
    assert "Giấy hẹn xác thực" in page.inner_text("#authenticity")
    assert found.code in page.inner_text("#dossier-code")
    assert "N. V. A." in page.content()

    header, payload, signature = found.token.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    cases = {
        "altered": f"{header}.{payload}.{flipped}",
        "alg": f"{_b64({'alg': 'none', 'kid': 'x'})}.{payload}.",
        "unknown_key": f"{_b64({'alg': 'ES256', 'kid': 'nope'})}.{payload}.{signature}",
        "malformed": "not-a-token",
    }
    for reason, token in cases.items():
        page.goto("about:blank")
        page.goto(f"{live_server.url}{found.path}#{token}")
        page.wait_for_selector(FAILED)
        assert "Không xác thực được" in page.inner_text("#authenticity")
        assert _reason(page) == reason
    page.goto("about:blank")
    page.goto(f"{live_server.url}{found.path}")
    page.wait_for_selector(FAILED)
    assert _reason(page) == "missing"


def test_token_of_another_dossier_is_a_mismatch(page: Any, live_server: Any,
                                                live_receive: Callable[..., Received]) -> None:
    first, second = live_receive(), live_receive()
    page.goto(f"{live_server.url}{first.path}#{second.token}")
    page.wait_for_selector(FAILED)
    assert _reason(page) == "mismatch"


def test_reissued_receipt_shows_revoked_and_new_key_is_fetched(
        app: Flask, page: Any, live_server: Any, live_receive: Callable[..., Received]) -> None:
    from app import keyring
    from app.desk import operations as ops
    from app.extensions import db
    from app.models.dossier import Dossier

    found = live_receive()
    page.goto(found.url)
    page.wait_for_selector(OK)  # the browser now holds the JWKS (cacheable for 5 minutes)
    new_key = keyring(app).rotate()  # the reissue is signed by a key made since
    with app.app_context():
        row = db.session.get(Dossier, found.id)
        assert row is not None
        ops.reissue_receipt(db.session, row, key=new_key,
                            base_url=live_server.url, actor="staff:test", reason="in lại",
                            now=datetime.now(UTC))
        db.session.commit()
        new_url = ops.lookup_url(row, live_server.url)
    page.goto("about:blank")
    page.goto(found.url)
    page.wait_for_selector(REVOKED)
    assert "Giấy hẹn đã bị thu hồi" in page.inner_text("#authenticity")
    page.goto("about:blank")
    page.goto(new_url)
    page.wait_for_selector(OK)


def test_rating_and_language_switch_keep_the_token(page: Any, live_server: Any,
                                                   live_receive: Callable[..., Received],
                                                   move: Callable[..., None]) -> None:
    found = live_receive()
    move(found, "processing", "result_ready", "returned")
    page.goto(found.url)
    page.wait_for_selector(OK)
    page.check("input[value='very_satisfied']")
    page.fill("textarea[name='comment']", "Nhanh và chu đáo")
    page.click("#rating-form [type='submit']")
    page.wait_for_selector("#rating-done")
    assert "Cảm ơn ông/bà đã đánh giá" in page.content()
    page.wait_for_selector(OK)  # the fragment survived the POST → 303 round trip
    page.click(".lang a[lang='en']")
    page.wait_for_selector("html[lang='en']")
    page.wait_for_selector(OK)
