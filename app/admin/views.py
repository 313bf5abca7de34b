"""Handlers for administrators: staff, agency, audit log, trust list (rules: blueprint.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.admin import trust
from app.admin.agency import get_agency, update_agency
from app.admin.forms import ActionForm, AgencyForm, ResetPasswordForm, StaffForm, TrustUploadForm
from app.audit.operations import verify_chain
from app.auth import operations
from app.errors import AppError
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.staff import Role, Staff
from app.security import current_staff, requires
from app.web import actor, client_ip


@requires(Role.ADMIN)
def staff_list() -> str | Response:
    form = StaffForm()
    if form.validate_on_submit():
        try:
            operations.create_staff(db.session, username=form.username.data or "",
                                    role=Role(form.role.data), password=form.password.data,
                                    full_name=form.full_name.data or "", actor=actor(),
                                    ip=client_ip())
        except AppError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Đã tạo tài khoản %(name)s.", name=form.username.data), "success")
            return redirect(url_for("admin.staff_list"))
    people = db.session.scalars(select(Staff).order_by(Staff.username)).all()
    return render_template("admin/staff.html", form=form, people=people, action=ActionForm(),
                           reset=ResetPasswordForm())


@requires(Role.ADMIN)
def staff_active(staff_id: int) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    staff = operations.get_staff(db.session, staff_id)
    me = current_staff()
    enable = request.form.get("active") == "1"
    if me is not None and staff.id == me.id and not enable:
        flash(_("Không thể tự khóa tài khoản của mình."), "error")
        return redirect(url_for("admin.staff_list"))
    operations.set_active(db.session, staff, enable, actor=actor(), ip=client_ip())
    db.session.commit()
    flash(_("Đã cập nhật tài khoản %(name)s.", name=staff.username), "success")
    return redirect(url_for("admin.staff_list"))


@requires(Role.ADMIN)
def staff_reset(staff_id: int) -> Response:
    form = ResetPasswordForm()
    staff = operations.get_staff(db.session, staff_id)
    if not form.validate_on_submit():
        flash(_("Mật khẩu mới phải có ít nhất 10 ký tự."), "error")
        return redirect(url_for("admin.staff_list"))
    try:
        operations.set_password(db.session, staff, form.password.data or "", actor=actor(),
                                ip=client_ip())
    except AppError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Đã đặt lại mật khẩu cho %(name)s.", name=staff.username), "success")
    return redirect(url_for("admin.staff_list"))


@requires(Role.ADMIN)
def agency() -> str | Response:
    current = get_agency(db.session)
    form = AgencyForm(obj=current)
    if form.validate_on_submit():
        update_agency(db.session, {k: form.data[k] or "" for k in
                                   ("name", "code", "desk_name", "address", "phone",
                                    "public_base_url")}, actor=actor(), ip=client_ip())
        db.session.commit()
        flash(_("Đã lưu thông tin cơ quan."), "success")
        return redirect(url_for("admin.agency"))
    db.session.commit()
    return render_template("admin/agency.html", form=form)


@requires(Role.SUPERVISOR)
def audit() -> str:
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())
                                 .limit(200)).all()
    return render_template("admin/audit.html", entries=entries, check=verify_chain(db.session))


MAX_TRUST_UPLOAD = 1024 * 1024


@requires(Role.ADMIN)
def trust_list() -> str | Response:
    form = TrustUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_TRUST_UPLOAD + 1)
        try:
            if len(data) > MAX_TRUST_UPLOAD:
                raise AppError(_("Tệp quá lớn (tối đa 1 MB)."), code="too_large", field="file")
            added = trust.add_items(db.session, data, form.kind.data, actor=actor(),
                                    ip=client_ip(), filename=form.file.data.filename or "")
        except AppError as exc:
            db.session.rollback()
            form.file.errors = [exc.message]
        else:
            db.session.commit()
            flash(_("Đã thêm %(n)s mục.", n=len(added)), "success")
            return redirect(url_for("admin.trust_list"))
    return render_template("admin/trust.html", form=form, action=ActionForm(),
                           pack=trust.pack_entries(db.session),
                           items=trust.uploaded_items(db.session))


@requires(Role.ADMIN)
def trust_delete(item_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    trust.remove_item(db.session, item_id, actor=actor(), ip=client_ip())
    db.session.commit()
    flash(_("Đã xóa."), "success")
    return redirect(url_for("admin.trust_list"))


@requires(Role.ADMIN)
def trust_default(sha256: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    trust.set_default_enabled(db.session, sha256, request.form.get("enabled") == "1",
                              actor=actor(), ip=client_ip())
    db.session.commit()
    flash(_("Đã cập nhật danh sách tin cậy."), "success")
    return redirect(url_for("admin.trust_list"))
