"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.models.staff import Role


def role_choices() -> list[tuple[str, str]]:
    return [(Role.OFFICER.value, str(_l("Cán bộ một cửa"))),
            (Role.SUPERVISOR.value, str(_l("Lãnh đạo bộ phận"))),
            (Role.ADMIN.value, str(_l("Quản trị")))]


class StaffForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(min=3, max=64)])
    full_name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Vai trò"), choices=[])
    password = PasswordField(_l("Mật khẩu ban đầu (ít nhất 10 ký tự)"),
                             validators=[DataRequired(), Length(min=10, max=256)],
                             render_kw={"autocomplete": "new-password"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới (ít nhất 10 ký tự)"),
                             validators=[DataRequired(), Length(min=10, max=256)],
                             render_kw={"autocomplete": "new-password"})


class ActionForm(FlaskForm):
    """CSRF-only form for buttons (disable, enable)."""


class AgencyForm(FlaskForm):
    name = StringField(_l("Tên cơ quan"), validators=[DataRequired(), Length(max=255)])
    code = StringField(_l("Mã cơ quan (QCVN 102:2016)"),
                       validators=[DataRequired(), Length(max=32),
                                   Regexp(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$",
                                          message=_l("Chỉ gồm chữ in hoa, số và dấu chấm, "
                                                     "ví dụ 000.00.01.H26."))])
    desk_name = StringField(_l("Tên bộ phận"), validators=[DataRequired(), Length(max=255)])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=500)])
    phone = StringField(_l("Điện thoại"), validators=[Optional(), Length(max=32),
                                                      Regexp(r"^[0-9 +().-]*$")])
    public_base_url = StringField(_l("Địa chỉ công khai (URL)"),
                                  validators=[Optional(), Length(max=255),
                                              Regexp(r"^https?://[^\s?#]+$",
                                                     message=_l("URL bắt đầu bằng http:// hoặc "
                                                                "https://"))])


class TrustUploadForm(FlaskForm):
    kind = SelectField(_l("Loại"), choices=[
        ("anchor", _l("Chứng thư gốc tin cậy (trust anchor)")),
        ("intermediate", _l("Chứng thư trung gian")),
        ("crl", _l("Danh sách thu hồi (CRL)"))])
    file = FileField(_l("Tệp PEM hoặc DER"), validators=[FileRequired()])
