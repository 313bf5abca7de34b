"""The dashboard's filter form (GET, bookmarkable: no CSRF token, nothing changes state)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MonthField, SelectField
from wtforms.validators import Optional, ValidationError

from app.dashboard.period import MAX_DAYS


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("Từ ngày"), validators=[Optional()])
    end = DateField(_l("Đến ngày"), validators=[Optional()])
    agency_code = SelectField(_l("Bộ phận"), choices=[], validate_choice=False)
    officer = SelectField(_l("Cán bộ tiếp nhận"), choices=[], validate_choice=False)
    procedure_code = SelectField(_l("Thủ tục"), choices=[], validate_choice=False)

    def __init__(self, *args: Any, desks: list[tuple[str, str]], officers: list[tuple[str, str]],
                 procedures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_code.choices = [("", str(_l("Tất cả bộ phận"))), *desks]
        self.officer.choices = [("", str(_l("Tất cả cán bộ"))), *officers]
        self.procedure_code.choices = [("", str(_l("Tất cả thủ tục"))), *procedures]

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("Ngày kết thúc phải sau ngày bắt đầu."))
            if (field.data - self.start.data).days + 1 > MAX_DAYS:
                raise ValidationError(_l("Kỳ báo cáo dài tối đa 3 năm."))


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    month = MonthField(_l("Tháng báo cáo"), validators=[Optional()])
