"""Forms of the activation desk (Vietnamese labels, large keyboard-friendly controls)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.activation import messages


def parse_dmy(raw: str) -> date:
    """``dd/mm/yyyy`` (also ``dd-mm-yyyy``, ``dd.mm.yyyy`` or ISO ``yyyy-mm-dd``)."""
    cleaned = raw.strip().replace("-", "/").replace(".", "/")
    for fmt in ("%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a date, no zone
        except ValueError:
            continue
    raise ValueError(raw)


def _dmy(_form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            parse_dmy(field.data)
        except ValueError:
            raise ValidationError(str(_l("Ngày theo dạng dd/mm/yyyy, ví dụ 05/09/1990."))) from None


def _choices(table: dict[str, Any]) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in table.items()]


class IntakeForm(FlaskForm):
    """What is on the card (never OTP, password or passcode: there is no field for them)."""

    number = StringField(
        _l("Số định danh cá nhân (12 số trên thẻ)"),
        validators=[DataRequired(message=_l("Nhập số định danh.")), Length(max=32)],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "autofocus": True,
            "spellcheck": "false",
            "class": "big-input",
        },
    )
    dob = StringField(
        _l("Ngày sinh trên thẻ (dd/mm/yyyy)"),
        validators=[DataRequired(message=_l("Nhập ngày sinh.")), _dmy],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "dd/mm/yyyy",
            "class": "big-input",
        },
    )
    sex = RadioField(
        _l("Giới tính trên thẻ"),
        choices=[("M", _l("Nam")), ("F", _l("Nữ"))],
        validators=[DataRequired(message=_l("Chọn giới tính."))],
    )
    card = SelectField(_l("Giấy tờ đang có"), choices=[])
    citizenship = SelectField(_l("Quốc tịch"), choices=[])
    guardian = SelectField(_l("Người đại diện (dưới 14 tuổi)"), choices=[])
    phone = StringField(
        _l("Số điện thoại chính chủ (không bắt buộc, không lưu)"),
        validators=[Optional(), Length(max=24)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    level = RadioField(
        _l("Mức tài khoản công dân cần"),
        choices=[("1", _l("Mức 1")), ("2", _l("Mức 2"))],
        default="2",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.card.choices = _choices(messages.CARD_TYPES)
        self.citizenship.choices = _choices(messages.CITIZENSHIPS)
        self.guardian.choices = _choices(messages.GUARDIANS)


class StepForm(FlaskForm):
    """One checklist step: the pressed button carries the status."""

    status = RadioField(
        choices=[(c, str(t)) for c, t in messages.STATUSES.items()], validators=[DataRequired()]
    )
    reason = SelectField(_l("Lý do"), choices=[], validate_choice=False)
    note = StringField(
        _l("Ghi chú (không ghi OTP, mật khẩu, mã bảo vệ)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"autocomplete": "off"},
    )


class CloseForm(FlaskForm):
    outcome = SelectField(_l("Kết quả"), choices=[], validators=[DataRequired()])
    referral = SelectField(_l("Chuyển đến"), choices=[])
    notes = TextAreaField(
        _l("Ghi chú (không ghi OTP, mật khẩu, mã bảo vệ)"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = _choices(messages.OUTCOMES)
        self.referral.choices = _choices(messages.REFERRALS)


class PeriodForm(FlaskForm):
    """Period of the figures (GET form, no CSRF needed for reading)."""

    class Meta:
        csrf = False

    start = StringField(
        _l("Từ ngày"), validators=[Optional(), _dmy], render_kw={"placeholder": "dd/mm/yyyy"}
    )
    end = StringField(
        _l("Đến ngày"), validators=[Optional(), _dmy], render_kw={"placeholder": "dd/mm/yyyy"}
    )
