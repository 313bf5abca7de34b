"""The citizen's rating form (CSRF-protected like every form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.models.rating import COMMENT_MAX, Score


class RatingForm(FlaskForm):
    score = RadioField(
        _l("Ông/bà có hài lòng với việc giải quyết hồ sơ?"),
        choices=[(Score.VERY_SATISFIED.value, _l("Rất hài lòng")),
                 (Score.SATISFIED.value, _l("Hài lòng")),
                 (Score.NOT_SATISFIED.value, _l("Không hài lòng"))],
        validators=[DataRequired(message=_l("Vui lòng chọn mức độ hài lòng."))],
    )
    comment = TextAreaField(
        _l("Góp ý (không bắt buộc)"),
        validators=[Optional(), Length(max=COMMENT_MAX,
                                       message=_l("Góp ý tối đa %(max)d ký tự."))],
        render_kw={"maxlength": COMMENT_MAX, "rows": 3},
    )
    submit = SubmitField(_l("Gửi đánh giá"))
