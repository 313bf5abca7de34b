"""Desk forms: intake, status change, apology letter, catalogue edit, calendar days.

Validation messages are Vietnamese source strings (English via the catalogue). Heavy checks
(identity tables) are imported inside validators so the blueprint stays cheap to import.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.desk.operations import ReceivedItem
from app.desk.workflow import Status

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
NAME_RE = re.compile(r"^[^\d<>{}\[\]\\/@#$%^*=+|~`]+$")


def status_labels() -> dict[str, Any]:
    return {
        Status.RECEIVED.value: _l("Đã tiếp nhận"),
        Status.PROCESSING.value: _l("Đang giải quyết"),
        Status.WAITING_SUPPLEMENT.value: _l("Chờ bổ sung hồ sơ"),
        Status.RESULT_READY.value: _l("Đã có kết quả"),
        Status.RETURNED.value: _l("Đã trả kết quả"),
        Status.REFUSED.value: _l("Từ chối giải quyết"),
        Status.WITHDRAWN.value: _l("Đã rút hồ sơ"),
    }


def _email(_form: FlaskForm, field: StringField) -> None:
    if field.data and not EMAIL_RE.match(field.data.strip()):
        raise ValidationError(str(_l("Địa chỉ email không hợp lệ.")))


def _phone(_form: FlaskForm, field: StringField) -> None:
    if not field.data or not field.data.strip():
        return
    from identity.phone import parse_phone

    parsed = parse_phone(field.data, today=datetime.now(UTC).date())
    if not parsed.valid or parsed.national is None:
        raise ValidationError(
            str(_l("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0 hoặc +84)."))
        )
    field.data = parsed.national


def _personal_id(_form: FlaskForm, field: StringField) -> None:
    if not field.data or not field.data.strip():
        field.data = ""
        return
    from identity.personal_id import parse_id

    parsed = parse_id(field.data, today=datetime.now(UTC).date())
    if not parsed.valid or parsed.kind != "personal_id" or parsed.number is None:
        raise ValidationError(str(_l("Số định danh cá nhân phải gồm 12 chữ số hợp lệ.")))
    field.data = parsed.number


ATTACHMENTS_LABEL = _l("Tài liệu có chữ ký số đính kèm (PDF, XML, p7s/p7m)")
ATTACHMENTS_ACCEPT = ".pdf,.xml,.p7s,.p7m,application/pdf,application/xml,text/xml"


def chosen_files(field: MultipleFileField) -> list[Any]:
    """The FileStorage objects actually chosen (an empty file input sends one unnamed part)."""
    return [f for f in (field.data or []) if getattr(f, "filename", "")]


def _stream_size(storage: Any) -> int:
    stream = storage.stream
    stream.seek(0, 2)
    size = int(stream.tell())
    stream.seek(0)
    return size


def attachment_limits(field: MultipleFileField) -> None:
    """Per-file and total size (MAX_UPLOAD_MB) and the number of files, checked before any
    verification so the officer gets the message at once with everything typed kept."""
    from flask import current_app

    from app.desk.attachments import MAX_FILES

    files = chosen_files(field)
    limit_mb = int(current_app.config["MAX_UPLOAD_MB"])
    limit = limit_mb * 1024 * 1024
    if len(files) > MAX_FILES:
        raise ValidationError(
            str(_l("Chỉ đính kèm tối đa %(n)s tệp mỗi lần.", n=MAX_FILES))
        )
    total = 0
    for storage in files:
        size = _stream_size(storage)
        total += size
        if size > limit:
            raise ValidationError(
                str(
                    _l(
                        "Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB). Hãy bỏ tệp này "
                        "hoặc chọn tệp nhỏ hơn; các thông tin khác đã nhập vẫn được giữ.",
                        name=storage.filename[-80:],
                        mb=limit_mb,
                    )
                )
            )
    if total > limit:
        raise ValidationError(
            str(
                _l(
                    "Tổng dung lượng các tệp đính kèm vượt quá %(mb)s MB; hãy đính kèm bớt tệp.",
                    mb=limit_mb,
                )
            )
        )


class IntakeForm(FlaskForm):
    """Officer's intake form; the documents checklist is rendered from the procedure."""

    idempotency_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    applicant_name = StringField(
        _l("Họ và tên người nộp"),
        validators=[
            DataRequired(message=_l("Vui lòng nhập họ và tên người nộp hồ sơ.")),
            Length(min=2, max=200, message=_l("Họ và tên từ 2 đến 200 ký tự.")),
            Regexp(NAME_RE, message=_l("Họ và tên không được chứa chữ số hoặc ký hiệu.")),
        ],
    )
    applicant_phone = StringField(
        _l("Số điện thoại"), validators=[Optional(), Length(max=20), _phone]
    )
    applicant_email = StringField(_l("Email"), validators=[Optional(), Length(max=254), _email])
    applicant_address = StringField(
        _l("Địa chỉ"), validators=[Optional(), Length(max=500, message=_l("Địa chỉ quá dài."))]
    )
    personal_id = StringField(
        _l("Số định danh cá nhân (không bắt buộc)"),
        validators=[Optional(), Length(max=20), _personal_id],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    sets = IntegerField(
        _l("Số lượng hồ sơ (bộ)"),
        default=1,
        validators=[
            InputRequired(message=_l("Vui lòng nhập số bộ hồ sơ.")),
            NumberRange(min=1, max=99, message=_l("Số bộ hồ sơ từ 1 đến 99.")),
        ],
    )
    collect_method = RadioField(
        _l("Nơi nhận kết quả"),
        choices=[
            ("desk", _l("Tại Bộ phận tiếp nhận và trả kết quả")),
            ("post", _l("Qua dịch vụ bưu chính")),
        ],
        default="desk",
    )
    collect_address = StringField(_l("Địa chỉ nhận qua bưu chính"), validators=[Length(max=500)])
    fee_vnd = IntegerField(
        _l("Phí, lệ phí đã thu (đồng)"),
        validators=[
            InputRequired(message=_l("Vui lòng nhập số tiền đã thu (0 nếu miễn).")),
            NumberRange(min=0, max=100_000_000, message=_l("Số tiền không hợp lệ.")),
        ],
    )
    other_documents = TextAreaField(
        _l("Giấy tờ khác (mỗi dòng một giấy tờ)"), validators=[Length(max=2000)]
    )
    attachments = MultipleFileField(
        ATTACHMENTS_LABEL, render_kw={"accept": ATTACHMENTS_ACCEPT}
    )

    def validate_attachments(self, field: MultipleFileField) -> None:
        attachment_limits(field)

    def validate_collect_address(self, field: StringField) -> None:
        if self.collect_method.data == "post" and not (field.data or "").strip():
            raise ValidationError(str(_l("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")))

    def received_items(
        self, data: MultiDict[str, str], required: list[dict[str, Any]]
    ) -> tuple[ReceivedItem, ...]:
        """The ticked checklist rows (`doc_<i>` with `doc_<i>_sets`) plus the free-text lines."""
        items = []
        for index, doc in enumerate(required):
            if data.get(f"doc_{index}") != "on":
                continue
            try:
                count = int(data.get(f"doc_{index}_sets", "1"))
            except ValueError:
                count = 0
            if not 1 <= count <= 99:
                raise ValidationError(str(_l("Số bản của mỗi giấy tờ từ 1 đến 99.")))
            items.append(ReceivedItem(str(doc["name_vi"]), count, bool(doc.get("original"))))
        for line in (self.other_documents.data or "").splitlines():
            if line.strip():
                items.append(ReceivedItem(line.strip()[:300], 1, False))
        if not items:
            raise ValidationError(str(_l("Vui lòng đánh dấu ít nhất một giấy tờ đã nhận.")))
        return tuple(items)


class StatusForm(FlaskForm):
    target = SelectField(_l("Chuyển sang"), choices=[])
    handed_to = StringField(_l("Bàn giao cho (bộ phận, người nhận)"), validators=[Length(max=200)])
    note = TextAreaField(_l("Ghi chú / lý do"), validators=[Length(max=2000)])


class ApologyForm(FlaskForm):
    reason = TextAreaField(
        _l("Lý do quá hạn"),
        validators=[DataRequired(message=_l("Vui lòng nêu lý do.")), Length(max=2000)],
    )
    new_due_date = DateField(
        _l("Ngày hẹn trả mới"),
        validators=[DataRequired(message=_l("Vui lòng chọn ngày hẹn trả mới."))],
    )


class ActionForm(FlaskForm):
    """CSRF-only form for buttons (reissue receipt)."""


class AttachForm(FlaskForm):
    """Attach signed documents to an existing dossier (verified, then kept with it)."""

    attachments = MultipleFileField(ATTACHMENTS_LABEL, render_kw={"accept": ATTACHMENTS_ACCEPT})

    def validate_attachments(self, field: MultipleFileField) -> None:
        if not chosen_files(field):
            raise ValidationError(str(_l("Vui lòng chọn ít nhất một tệp.")))
        attachment_limits(field)


class ProcedureVersionForm(FlaskForm):
    effective_from = DateField(
        _l("Áp dụng từ ngày"),
        validators=[DataRequired(message=_l("Vui lòng chọn ngày áp dụng."))],
    )
    name_vi = StringField(_l("Tên thủ tục"), validators=[DataRequired(), Length(max=500)])
    name_en = StringField(_l("Tên tiếng Anh"), validators=[Optional(), Length(max=500)])
    processing_days = IntegerField(
        _l("Thời hạn (ngày làm việc)"),
        validators=[Optional(), NumberRange(min=1, max=90, message=_l("Từ 1 đến 90 ngày."))],
    )
    processing_hours = IntegerField(
        _l("Thời hạn (giờ làm việc, thủ tục trong ngày)"),
        validators=[Optional(), NumberRange(min=1, max=40, message=_l("Từ 1 đến 40 giờ."))],
    )
    fee_vnd = IntegerField(
        _l("Phí, lệ phí (đồng)"),
        validators=[InputRequired(), NumberRange(min=0, message=_l("Số tiền không hợp lệ."))],
    )
    documents = TextAreaField(
        _l("Thành phần hồ sơ (mỗi dòng một giấy tờ)"),
        validators=[DataRequired(message=_l("Cần ít nhất một giấy tờ.")), Length(max=5000)],
    )

    def validate_processing_hours(self, field: IntegerField) -> None:
        if (self.processing_days.data is None) == (field.data is None):
            raise ValidationError(
                str(_l("Nhập đúng một trong hai: số ngày làm việc hoặc số giờ làm việc."))
            )


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Ngày"), validators=[DataRequired(message=_l("Vui lòng chọn ngày."))])
    kind = RadioField(
        _l("Loại"),
        choices=[("off", _l("Ngày nghỉ thêm")), ("work", _l("Ngày làm bù"))],
        default="off",
    )
    note = StringField(_l("Ghi chú"), validators=[Length(max=255)])
