"""Staff account actions: sign-in checks with lock-out, creation, password changes.

Operations flush; the request (or CLI command) commits once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.auth.passwords import PasswordError, hash_password, needs_rehash, verify_password
from app.errors import AppError, Conflict, NotFound
from app.models.staff import Role, Staff

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class LoginFailed(AppError):
    """Raised for any failed sign-in; the message never says whether the user exists."""

    status = 401
    code = "login_failed"


class AccountLocked(LoginFailed):
    """Raised when too many failures locked the account for a while."""

    code = "account_locked"


def normalise_username(username: str) -> str:
    return username.strip().lower()


def validate_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME_RE.fullmatch(name):
        raise AppError(_l("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch; "
                          "3–64 ký tự."),
                       code="bad_username", field="username")
    return name


def find_staff(session: Session, username: str) -> Staff | None:
    return session.scalar(select(Staff).where(Staff.username == normalise_username(username)))


def authenticate(session: Session, username: str, password: str, *, ip: str,
                 max_failures: int, lock_minutes: int, now: datetime | None = None) -> Staff:
    """Return the staff member or raise LoginFailed/AccountLocked (same message either way)."""
    now = now or datetime.now(UTC)
    staff = find_staff(session, username)
    ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not staff.active:
        record(session, actor=f"anon:{normalise_username(username)[:64]}", action="login.failed",
               ip=ip)
        raise LoginFailed()
    if staff.locked_until is not None and staff.locked_until > now:
        record(session, actor=f"staff:{staff.username}", action="login.locked", ip=ip)
        raise AccountLocked()
    if not ok:
        staff.failed_logins += 1
        if staff.failed_logins >= max_failures:
            staff.locked_until = now + timedelta(minutes=lock_minutes)
            staff.failed_logins = 0
        record(session, actor=f"staff:{staff.username}", action="login.failed", ip=ip)
        session.flush()
        raise LoginFailed()
    staff.failed_logins = 0
    staff.locked_until = None
    staff.last_login_at = now
    if staff.password_hash and needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    record(session, actor=f"staff:{staff.username}", action="login", ip=ip)
    session.flush()
    return staff


def create_staff(session: Session, *, username: str, role: Role, password: str | None,
                 full_name: str = "", actor: str = "cli", ip: str = "") -> Staff:
    name = validate_username(username)
    if find_staff(session, name) is not None:
        raise Conflict(_l("Tên đăng nhập đã tồn tại."), code="username_taken", field="username")
    try:
        password_hash = hash_password(password) if password else None
    except PasswordError as exc:
        raise AppError(password_message(exc.code), code=f"password_{exc.code}",
                       field="password") from exc
    staff = Staff(username=name, role=role, full_name=full_name.strip()[:200],
                  password_hash=password_hash, active=True, session_version=1, failed_logins=0)
    session.add(staff)
    session.flush()
    record(session, actor=actor, action="staff.create", target=f"staff:{name}",
           details={"role": role.value}, ip=ip)
    return staff


def change_password(session: Session, staff: Staff, current: str, new: str, *, ip: str) -> None:
    if not verify_password(staff.password_hash, current):
        raise AppError(_l("Mật khẩu hiện tại không đúng."), code="wrong_password",
                       field="current_password")
    set_password(session, staff, new, actor=f"staff:{staff.username}", ip=ip)


def set_password(session: Session, staff: Staff, new: str, *, actor: str, ip: str = "") -> None:
    try:
        staff.password_hash = hash_password(new)
    except PasswordError as exc:
        raise AppError(password_message(exc.code), code=f"password_{exc.code}",
                       field="new_password") from exc
    staff.session_version += 1
    staff.failed_logins = 0
    staff.locked_until = None
    record(session, actor=actor, action="staff.password", target=f"staff:{staff.username}", ip=ip)
    session.flush()


def set_active(session: Session, staff: Staff, active: bool, *, actor: str, ip: str = "") -> None:
    staff.active = active
    staff.session_version += 1
    record(session, actor=actor, action="staff.enable" if active else "staff.disable",
           target=f"staff:{staff.username}", ip=ip)
    session.flush()


def get_staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound()
    return staff


def count_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Staff).where(
        Staff.role == Role.ADMIN, Staff.active.is_(True))) or 0


def password_message(code: str) -> str:
    return str({
        "too_short": _l("Mật khẩu phải có ít nhất 10 ký tự."),
        "too_long": _l("Mật khẩu quá dài."),
        "whitespace": _l("Mật khẩu không được bắt đầu hoặc kết thúc bằng khoảng trắng."),
    }.get(code, _l("Mật khẩu không hợp lệ.")))
