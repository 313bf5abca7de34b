"""Staff single sign-on with OpenID Connect (authorization code + PKCE, via Authlib's client).

Authlib keeps ``state``, ``nonce`` and the PKCE verifier in the signed session and validates the
ID token (signature against the provider's JWKS, issuer, audience, expiry, nonce). motcua adds the
parts that are its own: reading the role claim from the ID token *or* userinfo, mapping it to a
staff role, provisioning, and RP-initiated logout. Nothing talks to the provider before the first
sign-in (discovery is fetched lazily), and Authlib, requests and joserfc are imported only when
SSO is configured, to keep start-up quick. This module holds the views and their helpers; the
URL rules are in ``blueprint.py`` and the provider client is set up by ``oidc_provider.py``.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.admin.agency import public_base_url
from app.audit.operations import record
from app.auth.forms import LogoutForm
from app.auth.oidc_accounts import OidcAccountRefused, staff_for_subject
from app.auth.oidc_provider import enabled, provider_client
from app.auth.oidc_roles import NoMappedRole, map_role, merged_role_values
from app.extensions import db
from app.models.staff import Role
from app.security import current_staff, public, sign_in, sign_out
from app.web import client_ip

log = logging.getLogger(__name__)
_ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 - a session key name, not a secret


class SignInRefused(Exception):
    """Raised when the provider's answer cannot sign anyone in; ``code`` picks the message."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def _external(endpoint: str) -> str:
    """Absolute URL on the public base (the redirect URI registered at the provider)."""
    base = public_base_url(db.session, str(current_app.config["PUBLIC_BASE_URL"]))
    return base + url_for(endpoint)


@public
def login() -> Response:
    response: Response = provider_client().authorize_redirect(
        _external("oidc.callback"), nonce=secrets.token_urlsafe(24))
    return response


def _validated_sign_in() -> tuple[dict[str, Any], dict[str, Any]]:
    """Exchange the code; return (ID token claims, userinfo) or raise SignInRefused."""
    import requests
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError

    client = provider_client()
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    answered_by = request.args.get("iss")  # RFC 9207: an answer from another provider (mix-up)
    if answered_by is not None and answered_by.rstrip("/") != issuer:
        raise SignInRefused("oidc_invalid_response")
    try:
        token = client.authorize_access_token()
        metadata = client.load_server_metadata()
    except (OAuthError, JoseError) as exc:
        log.info("OIDC callback refused: %s", type(exc).__name__)
        raise SignInRefused("oidc_invalid_response") from exc
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC provider unreachable or malformed: %s", type(exc).__name__)
        raise SignInRefused("oidc_provider_unavailable", 502) from exc
    if metadata.get("issuer", "").rstrip("/") != issuer:
        raise SignInRefused("oidc_invalid_response")
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):  # no validated ID token came back
        raise SignInRefused("oidc_invalid_response")
    userinfo: dict[str, Any] = {}
    if metadata.get("userinfo_endpoint"):
        try:
            userinfo = dict(client.userinfo(token=token))
        except (OAuthError, requests.RequestException, ValueError) as exc:
            raise SignInRefused("oidc_provider_unavailable", 502) from exc
        if userinfo.get("sub") != claims["sub"]:  # OIDC Core 5.3.4
            raise SignInRefused("oidc_invalid_response")
    session[_ID_TOKEN_KEY] = token.get("id_token")
    return dict(claims), userinfo


@public
def callback() -> Response | tuple[str, int]:
    ip = client_ip()
    try:
        claims, userinfo = _validated_sign_in()
        values = merged_role_values(current_app.config["OIDC_ROLES_CLAIM"], claims, userinfo)
        role = Role(map_role(values, current_app.extensions["motcua.oidc_role_map"]))
        staff = staff_for_subject(db.session, subject=str(claims["sub"]), role=role,
                                  claims={**userinfo, **claims},
                                  provision=current_app.config["OIDC_PROVISION"], ip=ip)
    except NoMappedRole:
        record(db.session, actor=f"oidc:{str(claims.get('sub', ''))[:64]}",
               action="login.oidc.no_role", ip=ip)
        db.session.commit()
        return _refused("oidc_no_mapped_role", 403)
    except OidcAccountRefused as exc:
        db.session.commit()  # keep the audit entry
        return _refused(exc.code, 403)
    except SignInRefused as exc:
        record(db.session, actor="anon", action="login.oidc.refused",
               details={"code": exc.code}, ip=ip)
        db.session.commit()
        return _refused(exc.code, exc.status)
    db.session.commit()
    id_token = session.get(_ID_TOKEN_KEY)
    sign_in(staff)  # a fresh session: nothing from before the sign-in survives
    session[_ID_TOKEN_KEY] = id_token
    return redirect(url_for("home.index"))


def _messages() -> dict[str, str]:
    return {
        "oidc_no_mapped_role": _("Tài khoản của bạn tại hệ thống định danh của tỉnh chưa được "
                                 "giao vai trò nào trong Một cửa số. Hãy liên hệ quản trị viên."),
        "oidc_not_provisioned": _("Tài khoản này chưa được đăng ký trong Một cửa số. Hãy liên hệ "
                                  "quản trị viên."),
        "oidc_account_disabled": _("Tài khoản này đã bị khóa trong Một cửa số."),
        "oidc_invalid_response": _("Phản hồi đăng nhập không hợp lệ hoặc đã được dùng. Hãy đăng "
                                   "nhập lại từ đầu."),
        "oidc_provider_unavailable": _("Không liên lạc được với hệ thống định danh. Hãy thử lại "
                                       "sau."),
    }


def _refused(code: str, status: int) -> tuple[str, int]:
    sign_out()
    message = _messages().get(code, _messages()["oidc_invalid_response"])
    return render_template("auth/oidc_refused.html", code=code, message=message), status


def end_session_redirect() -> Response | None:
    """Sign out locally and, if the provider supports it, at the provider too.

    Call after recording the logout; returns the redirect to the provider's end-session endpoint,
    or None when the staff member did not sign in through the provider (or it has no such
    endpoint).
    """
    import requests

    id_token = session.get(_ID_TOKEN_KEY)
    sign_out()
    if not id_token or not enabled():
        return None
    client = provider_client()
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
    except (requests.RequestException, ValueError):
        return None
    response: Response = client.logout_redirect(
        post_logout_redirect_uri=_external("oidc.logged_out"), id_token_hint=id_token,
        client_id=current_app.config["OIDC_CLIENT_ID"])
    return response


@public
def logout() -> Response:
    """Sign out here and at the provider (CSRF-protected like the local logout)."""
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("home.index"))
    staff = current_staff()
    if staff is not None:
        record(db.session, actor=f"staff:{staff.username}", action="logout", ip=client_ip())
        db.session.commit()
    return end_session_redirect() or redirect(url_for("auth.login"))


@public
def logged_out() -> Response:
    """Where the provider sends the browser back after ending its session."""
    from authlib.integrations.base_client.errors import OAuthError

    if enabled():
        try:
            provider_client().validate_logout_response()
        except OAuthError:
            pass  # a stale or forged state only means we show the login page without a message
        else:
            flash(_("Đã đăng xuất khỏi Một cửa số và hệ thống định danh."), "info")
    return redirect(url_for("auth.login"))
