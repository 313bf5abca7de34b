"""The admin's form for registering an API client."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from app.api.clients import InvalidRateLimit, check_rate_limit
from app.api.scopes import SCOPES


class ApiClientForm(FlaskForm):
    name = StringField(_l("Tên hệ thống"), validators=[DataRequired(), Length(max=200)])
    scopes = SelectMultipleField(
        _l("Quyền được cấp"), choices=[SelectChoice(name, name) for name in SCOPES],
        validators=[DataRequired(message=_l("Chọn ít nhất một quyền."))],
        option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))
    rate_limit = StringField(_l("Giới hạn tần suất (ví dụ: 120 per minute)"),
                             validators=[DataRequired(), Length(max=64)])

    def validate_rate_limit(self, field: StringField) -> None:
        try:
            check_rate_limit(field.data or "")
        except InvalidRateLimit as exc:
            raise ValidationError(_l("Giới hạn tần suất không hợp lệ.")) from exc


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking is a POST."""
