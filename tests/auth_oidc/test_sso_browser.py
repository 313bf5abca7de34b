"""Staff SSO through the real OpenID provider, in a real browser.

The provider (npm ``oidc-provider``) runs on loopback; its login page accepts any login name,
and the accounts it knows carry roles in the ID token, in userinfo only, or not at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models.staff import Role, Staff
from tests.auth_oidc.conftest import SsoServer
from tests.support.oidc import OidcProvider

pytestmark = pytest.mark.browser


def _sign_in_at_provider(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản một lần (SSO)").click()
    page.wait_for_selector("input[name=login]")  # the provider's own page
    page.fill("input[name=login]", login)
    page.click("button[type=submit]")


def _staff(app: Flask, subject: str) -> Staff | None:
    with app.app_context():
        return db.session.scalar(select(Staff).where(Staff.oidc_subject == subject))


@pytest.mark.parametrize(("login", "role"), [
    ("officer1", Role.OFFICER),
    ("super1", Role.SUPERVISOR),
    ("admin1", Role.ADMIN),
    ("uinfo1", Role.OFFICER),  # roles only in the userinfo response, not in the ID token
])
def test_sign_in_lands_on_the_desk_with_the_mapped_role(
        app: Flask, sso_server: SsoServer, page: Any, login: str, role: Role) -> None:
    _sign_in_at_provider(page, sso_server.url, login)
    page.wait_for_url(f"{sso_server.url}/")
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    staff = _staff(app, login)
    assert staff is not None
    assert staff.role is role
    assert staff.password_hash is None
    management = page.locator("details.nav-more summary")
    if management.count():
        management.click()  # staff administration sits in the "Quản lý" menu
    admin_link = page.get_by_role("link", name="Cán bộ", exact=True)
    assert admin_link.count() == (1 if role is Role.ADMIN else 0)


def test_person_without_mapped_role_is_refused_with_a_clear_page(
        app: Flask, sso_server: SsoServer, page: Any) -> None:
    _sign_in_at_provider(page, sso_server.url, "norole")
    page.wait_for_selector("#oidc-refused")
    assert "chưa được giao vai trò" in page.inner_text("#oidc-refused")
    assert page.locator("#oidc-refused").get_attribute("data-code") == "oidc_no_mapped_role"
    assert _staff(app, "norole") is None
    page.goto(f"{sso_server.url}/")
    assert "/auth/login" in page.url  # not signed in


def _held_callback(page: Any, server: SsoServer, login: str) -> str:
    """Sign in at the provider but stop at its redirect back; return that callback URL."""
    server.holding = True
    _sign_in_at_provider(page, server.url, login)
    page.wait_for_selector("text=held")
    return server.held[-1]


def test_tampered_state_is_refused(app: Flask, sso_server: SsoServer, page: Any) -> None:
    callback = _held_callback(page, sso_server, "officer1")
    page.goto(callback.replace("state=", "state=x"))
    assert page.locator("#oidc-refused").get_attribute("data-code") == "oidc_invalid_response"
    page.goto(callback)  # the refusal also spent the real state: no second chance
    assert page.locator("#oidc-refused").get_attribute("data-code") == "oidc_invalid_response"
    assert _staff(app, "officer1") is None


def test_replayed_callback_is_refused(app: Flask, sso_server: SsoServer, browser: Any,
                                      page: Any) -> None:
    callback = _held_callback(page, sso_server, "officer1")
    page.goto(callback)
    assert page.url == f"{sso_server.url}/"  # the genuine callback signs in
    assert _staff(app, "officer1") is not None
    page.goto(callback)  # the same browser, same code and state again
    assert page.locator("#oidc-refused").get_attribute("data-code") == "oidc_invalid_response"
    other = browser.new_context().new_page()  # someone else who saw the URL
    other.goto(callback)
    assert other.locator("#oidc-refused").get_attribute("data-code") == "oidc_invalid_response"
    other.goto(f"{sso_server.url}/")
    assert "/auth/login" in other.url
    other.context.close()


def test_logout_ends_the_provider_session_too(
        app: Flask, sso_server: SsoServer, page: Any, oidc_provider: OidcProvider) -> None:
    _sign_in_at_provider(page, sso_server.url, "officer1")
    page.wait_for_url(f"{sso_server.url}/")
    # The header's sign-out form, pointed at the SSO logout (same CSRF token) until the lead wires
    # app/auth's logout to app.auth.oidc.end_session_redirect().
    page.eval_on_selector("form[action='/auth/logout']",
                          "form => form.setAttribute('action', '/auth/oidc/logout')")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider asks to confirm
    page.wait_for_url(f"{sso_server.url}/auth/login")
    assert "Đã đăng xuất" in page.inner_text("main")
    page.get_by_role("link", name="Đăng nhập bằng tài khoản một lần (SSO)").click()
    page.wait_for_selector("input[name=login]")  # the provider asks again: its session ended
    assert page.url.startswith(oidc_provider.issuer)
