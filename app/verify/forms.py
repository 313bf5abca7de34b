"""The upload form of the public signature check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class VerifyForm(FlaskForm):
    """A signed document and, for a detached .p7s signature, the content it signs."""

    document = FileField(
        _l("Tệp đã ký (PDF, XML, .p7s hoặc .p7m)"),
        validators=[FileRequired(_l("Vui lòng chọn tệp cần kiểm tra."))],
    )
    content = FileField(_l("Tệp nội dung gốc (chỉ khi chữ ký là tệp .p7s riêng)"))
