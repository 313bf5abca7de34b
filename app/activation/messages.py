"""Vietnamese (then English) text for every machine code the activation desk shows.

The identity library and the operations speak in codes; this is the one place that turns them
into words. Unknown codes fall back to the code itself so nothing is ever hidden.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from identity.guide import Text

ID_ISSUES: dict[str, Any] = {
    "empty": _l("Chưa nhập số."),
    "not_a_string": _l("Giá trị không hợp lệ."),
    "not_digits": _l("Số chỉ gồm chữ số 0–9 (được phép có dấu cách, gạch nối)."),
    "non_ascii_digits": _l(
        "Có chữ số không phải 0–9 thông thường (ví dụ chữ số toàn khổ): gõ lại."
    ),
    "bad_length": _l("Số định danh có 12 chữ số (CMND cũ có 9)."),
    "unknown_place": _l("Ba số đầu không phải mã tỉnh hay mã quốc gia nơi đăng ký khai sinh."),
    "future_birth_year": _l("Năm sinh suy ra từ số nằm trong tương lai."),
    "future_dob": _l("Ngày sinh nằm trong tương lai."),
    "dob_mismatch": _l("Năm sinh trong số không khớp ngày sinh trên thẻ."),
    "sex_mismatch": _l("Giới tính trong số không khớp giới tính trên thẻ."),
    "legacy_cmnd": _l("Đây là số CMND 9 số cũ: hai số đầu là nơi cấp, không phải nơi sinh."),
    "cmnd_not_checkable": _l("Không đối chiếu được CMND cũ với ngày sinh, giới tính."),
}

PHONE_ISSUES: dict[str, Any] = {
    "empty": _l("Chưa nhập số điện thoại."),
    "not_digits": _l("Số điện thoại chỉ gồm chữ số."),
    "bad_length": _l("Số di động Việt Nam có 10 chữ số."),
    "not_vietnamese": _l("Không phải số Việt Nam (+84)."),
    "unknown_prefix": _l("Đầu số chưa có trong bảng nhà mạng: vẫn dùng được, hãy kiểm tra lại."),
    "landline": _l("Đây là số cố định."),
    "not_mobile": _l("Không phải số di động: không nhận được OTP qua SMS."),
    "legacy_11_digit": _l("Số 11 số cũ: đã chuyển sang 10 số."),
}

REASONS: dict[str, Any] = {
    "card_holder_14_plus": _l("Công dân từ đủ 14 tuổi có thẻ gắn chip."),
    "needs_chip_card": _l("Cần có thẻ Căn cước hoặc CCCD gắn chip: làm thủ tục tại Công an."),
    "old_cmnd_no_chip": _l("CMND cũ không có chip: cần cấp thẻ Căn cước tại Công an."),
    "child_6_to_14_on_request": _l(
        "Từ 6 đến dưới 14 tuổi: theo nhu cầu, qua tài khoản của người đại diện."
    ),
    "under_6_level1_only": _l("Dưới 6 tuổi: chỉ mức 1, do người đại diện đăng ký."),
    "guardian_needs_level2": _l("Người đại diện phải có tài khoản mức 2 trước."),
    "needs_guardian": _l("Cần cha, mẹ hoặc người giám hộ có tài khoản mức 2."),
    "foreigner_on_request": _l("Người nước ngoài có thẻ thường trú/tạm trú: theo nhu cầu."),
    "foreigner_needs_residence_card": _l("Người nước ngoài cần thẻ thường trú hoặc tạm trú."),
    "dob_in_future": _l("Ngày sinh nằm trong tương lai."),
}

WHERE: dict[str, Any] = {
    "vneid_app": _l("Trên ứng dụng VNeID (tại quầy được hỗ trợ)"),
    "guardian_app": _l("Trên ứng dụng VNeID của người đại diện"),
    "police": _l("Trực tiếp tại Công an"),
    "immigration_police": _l("Trực tiếp tại cơ quan quản lý xuất nhập cảnh (Công an)"),
}

CARD_TYPES: dict[str, Any] = {
    "chip_cccd": _l("CCCD gắn chip"),
    "can_cuoc": _l("Thẻ Căn cước"),
    "old_cmnd": _l("CMND / CCCD mã vạch (không chip)"),
    "none": _l("Chưa có thẻ"),
}

CITIZENSHIPS: dict[str, Any] = {
    "vietnamese": _l("Công dân Việt Nam"),
    "foreigner_residence_card": _l("Người nước ngoài có thẻ thường trú/tạm trú"),
    "foreigner_other": _l("Người nước ngoài khác"),
}

GUARDIANS: dict[str, Any] = {
    "not_needed": _l("Không cần (từ 14 tuổi)"),
    "has_level2": _l("Có người đại diện đã có tài khoản mức 2"),
    "no_level2": _l("Người đại diện chưa có tài khoản mức 2"),
    "none": _l("Không có người đại diện đi cùng"),
}

OUTCOMES: dict[str, Any] = {
    "activated": _l("Đã kích hoạt thành công"),
    "pending_approval": _l("Đã gửi đăng ký, chờ phê duyệt"),
    "referred": _l("Chuyển đến nơi khác giải quyết"),
    "failed": _l("Không thực hiện được"),
    "abandoned": _l("Công dân dừng lại"),
}

REFERRALS: dict[str, Any] = {
    "none": _l("Không"),
    "police": _l("Công an xã/phường"),
    "carrier": _l("Nhà mạng"),
    "hotline": _l("Tổng đài 1900 0368"),
    "immigration_police": _l("Cơ quan quản lý xuất nhập cảnh"),
}

STATUSES: dict[str, Any] = {
    "pending": _l("Chưa làm"),
    "done": _l("Xong"),
    "skipped": _l("Bỏ qua"),
    "failed": _l("Lỗi"),
}

ERRORS: dict[str, Any] = {
    "id_not_usable": _l(
        "Số định danh chưa hợp lệ hoặc chưa khớp thẻ: kiểm tra lại trước khi bắt đầu."
    ),
    "bad_level": _l("Chọn mức 1 hoặc mức 2."),
    "note_has_secret": _l(
        "Ghi chú có dãy từ 6 chữ số: không ghi mã OTP, mật khẩu, mã bảo vệ hay số định danh."
    ),
    "step_reason_required": _l("Bước lỗi cần lý do (chọn trong danh sách hoặc ghi chú)."),
    "step_invalid_transition": _l("Không đổi được trạng thái bước này như vậy."),
    "step_unknown_reason": _l("Lý do không có trong danh sách của bước này."),
    "step_unknown_step": _l("Không có bước này."),
    "activation_case_closed": _l("Lượt hỗ trợ đã kết thúc."),
    "bad_outcome": _l("Chọn kết quả."),
    "bad_referral": _l("Chọn nơi chuyển đến."),
    "other": _l("Lý do khác"),
}

CARRIERS: dict[str, str] = {
    "viettel": "Viettel",
    "vinaphone": "Vinaphone",
    "mobifone": "MobiFone",
    "vietnamobile": "Vietnamobile",
    "gmobile": "Gmobile",
    "itel": "iTel",
    "reddi": "Reddi",
}


def say(table: dict[str, Any], code: str | None) -> str:
    """The text for ``code`` in ``table`` (the code itself when unknown)."""
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else code


def language() -> str:
    return str(get_locale() or "vi")


def text(value: Text | None) -> str:
    """A guide sentence in the current language (Vietnamese first)."""
    return value.get(language()) if value is not None else ""


def failure_text(code: str, guide: Any) -> str:
    """A failure reason code in words, from the guide (``other`` and unknown codes as such)."""
    found = guide.failures.get(code) if guide is not None else None
    return text(found.text) if found is not None else say(ERRORS, code)
