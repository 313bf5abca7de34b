"""Handlers for signing in and out and changing one's password (rules: blueprint.py)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.audit.operations import record
from app.auth import operations
from app.auth.forms import LoginForm, LogoutForm, PasswordChangeForm
from app.errors import AppError
from app.extensions import db, limiter
from app.security import current_staff, public, sign_in, sign_out
from app.web import actor, client_ip, safe_next


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@public
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        try:
            staff = operations.authenticate(
                db.session, form.username.data or "", form.password.data or "", ip=client_ip(),
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        except operations.LoginFailed:
            db.session.commit()  # keep the failure count and the audit entry
            error = _("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa.")
        else:
            db.session.commit()
            sign_in(staff)
            return redirect(safe_next(form.next.data, url_for("home.index")))
    status = 401 if error else 200
    oidc_url = (url_for("oidc.login") if current_app.config.get("OIDC_ISSUER")
                and "oidc.login" in current_app.view_functions else None)
    return render_template("auth/login.html", form=form, error=error,  # type: ignore[return-value]
                           oidc_url=oidc_url), status


@public
def logout() -> Response:
    form = LogoutForm()
    if form.validate_on_submit():
        from app.auth.oidc import end_session_redirect

        staff = current_staff()
        if staff is not None:
            record(db.session, actor=actor(), action="logout", ip=client_ip())
            db.session.commit()
        provider_logout = end_session_redirect()  # also ends the local session
        sign_out()
        flash(_("Đã đăng xuất."), "info")
        if provider_logout is not None:
            return provider_logout
    return redirect(url_for("auth.login"))


def password() -> str | Response:
    staff = current_staff()
    assert staff is not None  # guaranteed by the default-deny guard
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            operations.change_password(db.session, staff, form.current_password.data or "",
                                       form.new_password.data or "", ip=client_ip())
        except AppError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            sign_in(staff)
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
