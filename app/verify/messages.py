"""The ONE place where esign's machine codes become Vietnamese (and, via Babel, English) text.

esign reports stable codes (indications, ETSI sub-indications, finding codes); the page, the
printable report and the CLI read them through these tables so a wording is changed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

__all__ = [
    "COVERAGE",
    "FINDINGS",
    "INDICATIONS",
    "MODIFICATIONS",
    "REVOCATION",
    "ROLES",
    "SUB_INDICATIONS",
    "Verdict",
    "finding_text",
    "verdict",
]

INDICATIONS: dict[str, Any] = {
    "TOTAL_PASSED": _l("Hợp lệ"),
    "TOTAL_FAILED": _l("Không hợp lệ"),
    "INDETERMINATE": _l("Chưa xác định được"),
    "NO_SIGNATURE": _l("Không có chữ ký số"),
}

# One sentence a citizen understands, per ETSI EN 319 102-1 sub-indication.
SUB_INDICATIONS: dict[str, Any] = {
    "FORMAT_FAILURE": _l("Tệp bị hỏng hoặc chữ ký không đúng cấu trúc quy định."),
    "HASH_FAILURE": _l("Nội dung tài liệu đã bị thay đổi sau khi ký."),
    "SIG_CRYPTO_FAILURE": _l(
        "Giá trị chữ ký không khớp với chứng thư số: chữ ký bị giả mạo hoặc bị hỏng."
    ),
    "REVOKED": _l("Chứng thư số của người ký đã bị thu hồi trước khi ký."),
    "SIG_CONSTRAINTS_FAILURE": _l("Chữ ký không đáp ứng yêu cầu của chính sách kiểm tra."),
    "CHAIN_CONSTRAINTS_FAILURE": _l("Chuỗi chứng thư số không đáp ứng yêu cầu."),
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": _l("Không kiểm tra được chuỗi chứng thư số."),
    "CRYPTO_CONSTRAINTS_FAILURE": _l("Thuật toán hoặc độ dài khóa của chữ ký không còn an toàn."),
    "EXPIRED": _l("Chứng thư số đã hết hạn tại thời điểm ký."),
    "NOT_YET_VALID": _l("Chứng thư số chưa có hiệu lực tại thời điểm ký."),
    "POLICY_PROCESSING_ERROR": _l("Không áp dụng được chính sách kiểm tra."),
    "SIGNED_DATA_NOT_FOUND": _l(
        "Không tìm thấy dữ liệu đã ký: với tệp .p7s cần tải kèm tệp nội dung gốc."
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": _l("Không tìm thấy chứng thư số của người ký."),
    "NO_CERTIFICATE_CHAIN_FOUND": _l(
        "Nội dung còn nguyên vẹn, nhưng chứng thư số không do tổ chức chứng thực được tin cậy cấp."
    ),
    "REVOKED_NO_POE": _l(
        "Chứng thư số đã bị thu hồi và không có dấu thời gian chứng minh chữ ký có trước đó."
    ),
    "REVOKED_CA_NO_POE": _l("Chứng thư số của tổ chức cấp đã bị thu hồi."),
    "OUT_OF_BOUNDS_NO_POE": _l(
        "Chứng thư số đã hết hạn và không có dấu thời gian chứng minh thời điểm ký."
    ),
    "OUT_OF_BOUNDS_NOT_REVOKED": _l(
        "Chứng thư số đã hết hạn; cần dấu thời gian để xác nhận thời điểm ký."
    ),
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": _l(
        "Chữ ký dùng thuật toán cũ (SHA-1) không còn được chấp nhận khi không có dấu thời gian."
    ),
    "TRY_LATER": _l("Chưa lấy được thông tin thu hồi chứng thư số; vui lòng thử lại sau."),
}

PASSED_SENTENCE = _l(
    "Chữ ký số hợp lệ: tài liệu không bị thay đổi sau khi ký và người ký được tổ chức chứng thực "
    "tin cậy xác nhận."
)
NO_SIGNATURE_SENTENCE = _l("Tài liệu này không có chữ ký số nào.")

COVERAGE: dict[str, Any] = {
    "ENTIRE_FILE": _l("Toàn bộ tệp"),
    "ENTIRE_REVISION": _l("Toàn bộ phiên bản đã ký (có cập nhật sau đó)"),
    "PARTIAL": _l("Một phần tài liệu"),
}

MODIFICATIONS: dict[str, Any] = {
    "NONE": _l("Không có thay đổi sau khi ký"),
    "PERMITTED": _l("Có thay đổi được phép (điền biểu mẫu, thêm chữ ký, dữ liệu kiểm tra)"),
    "NOT_PERMITTED": _l("Có thay đổi KHÔNG được phép sau khi ký"),
}

REVOCATION: dict[str, Any] = {
    "good": _l("Chưa bị thu hồi"),
    "revoked": _l("Đã bị thu hồi"),
    "unknown": _l("Không xác định được"),
    "not_checked": _l("Chưa kiểm tra (không có danh sách thu hồi)"),
}

ROLES: dict[str, Any] = {
    "seller": _l("Người bán"),
    "buyer": _l("Người mua"),
    "tax_authority": _l("Cơ quan thuế"),
    "other": _l("Chữ ký khác"),
}

FINDINGS: dict[str, Any] = {
    # document level
    "unknown_format": _l("Không nhận ra định dạng tệp (chỉ hỗ trợ PDF, .p7s/.p7m và XML)."),
    "format_not_supported": _l("Chưa hỗ trợ kiểm tra định dạng này."),
    "size_limit": _l("Tệp vượt quá dung lượng cho phép."),
    "time_limit": _l("Kiểm tra quá thời gian cho phép; tệp có thể bị cố ý làm phức tạp."),
    "memory_limit": _l("Tệp cần quá nhiều bộ nhớ để kiểm tra; có thể là tệp độc hại."),
    "nesting_limit": _l("Cấu trúc tệp lồng nhau quá sâu."),
    "worker_error": _l("Không hoàn tất được việc kiểm tra; vui lòng thử lại."),
    "verifier_error": _l("Tệp có cấu trúc bất thường nên không kiểm tra được."),
    "naive_moment": _l("Thời điểm kiểm tra thiếu múi giờ."),
    "pdf_unreadable": _l("Không đọc được tệp PDF."),
    "cms_unreadable": _l("Không đọc được chữ ký CMS/PKCS#7."),
    "encrypted": _l("Tệp được mã hóa, không kiểm tra được."),
    "xml_doctype": _l("Tệp XML có khai báo DOCTYPE bị từ chối vì lý do an toàn."),
    "xml_entity": _l("Tệp XML có khai báo thực thể (ENTITY) bị từ chối vì lý do an toàn."),
    "xml_syntax": _l("Tệp XML không đúng cú pháp."),
    "duplicate_id": _l("Có nhiều phần tử trùng mã định danh (dấu hiệu tấn công bao gói chữ ký)."),
    # integrity and structure
    "reference_digest_mismatch": _l("Phần dữ liệu được ký đã bị thay đổi."),
    "signed_content_in_signature": _l(
        "Dữ liệu được ký bị giấu bên trong khối chữ ký (tấn công bao gói chữ ký)."
    ),
    "unsigned_twin_element": _l(
        "Có một bản sao dữ liệu không được ký cùng tên với dữ liệu đã ký (tấn công bao gói)."
    ),
    "external_reference": _l("Chữ ký tham chiếu tới tài nguyên bên ngoài; không được tải về."),
    "unsupported_transform": _l("Chữ ký dùng phép biến đổi không được hỗ trợ vì lý do an toàn."),
    "unsupported_reference": _l("Chữ ký dùng kiểu tham chiếu không được hỗ trợ."),
    "reference_not_found": _l("Không tìm thấy phần dữ liệu mà chữ ký tham chiếu tới."),
    "too_many_references": _l("Chữ ký có quá nhiều tham chiếu."),
    "malformed_signature": _l("Khối chữ ký không đúng cấu trúc."),
    "malformed_base64": _l("Dữ liệu mã hóa base64 trong chữ ký bị hỏng."),
    "malformed_certificate": _l("Chứng thư số kèm theo chữ ký bị hỏng."),
    "unsupported_digest": _l("Thuật toán băm không được hỗ trợ."),
    "unsupported_signature_method": _l("Thuật toán ký không được hỗ trợ."),
    "unsupported_c14n": _l("Phương pháp chuẩn hóa XML không được hỗ trợ."),
    "no_signing_certificate": _l("Chữ ký không kèm chứng thư số của người ký."),
    "partial_coverage": _l("Chữ ký chỉ bao phủ một phần tài liệu."),
    "byte_range_irregular": _l("Vùng dữ liệu được ký bất thường."),
    "signature_gap_too_big": _l("Khoảng trống chứa chữ ký lớn bất thường."),
    "tail_uncovered": _l("Phần cuối tệp không được chữ ký bao phủ."),
    "unsigned_trailing_data": _l("Có dữ liệu thêm vào cuối tệp sau khi ký."),
    "revision_not_covered": _l("Chữ ký không bao phủ toàn bộ phiên bản đã ký."),
    "signature_unreadable": _l("Không đọc được chữ ký."),
    "format_error": _l("Cấu trúc chữ ký không đúng."),
    "legacy_subfilter": _l("Chữ ký theo chuẩn cũ (adbe.x509.rsa_sha1)."),
    # changes after signing
    "pages_added": _l("Đã thêm trang sau khi ký."),
    "pages_removed": _l("Đã xóa trang sau khi ký."),
    "content_changed": _l("Nội dung trang đã bị thay đổi sau khi ký."),
    "annotations_changed": _l("Chú thích trên trang đã bị thay đổi sau khi ký."),
    "appearance_changed": _l("Hình thức hiển thị đã bị thay đổi sau khi ký."),
    "signature_dict_changed": _l("Thông tin chữ ký đã bị sửa sau khi ký."),
    "form_filled": _l("Biểu mẫu được điền sau khi ký (được phép)."),
    "form_field_removed": _l("Trường biểu mẫu đã bị xóa sau khi ký."),
    "signature_added": _l("Có chữ ký khác được thêm sau (được phép)."),
    "validation_data_added": _l("Có dữ liệu kiểm tra chứng thư được thêm sau (được phép)."),
    "document_timestamp_added": _l("Có dấu thời gian tài liệu được thêm sau (được phép)."),
    "docmdp_violation": _l("Thay đổi sau khi ký vượt quá mức cho phép của chữ ký chứng nhận."),
    "unexplained_change": _l("Có thay đổi không giải thích được sau khi ký."),
    "update_unreadable": _l("Không đọc được phần cập nhật sau khi ký."),
    "comparison_incomplete": _l("Không so sánh được đầy đủ các phiên bản."),
    # algorithms and keys
    "sha1_digest": _l("Dùng thuật toán băm SHA-1 đã lỗi thời."),
    "md5_digest": _l("Dùng thuật toán băm MD5 không an toàn."),
    "disallowed_digest": _l("Thuật toán băm không được chấp nhận."),
    "weak_rsa_key": _l("Khóa RSA quá ngắn."),
    "deprecated_rsa_key": _l("Khóa RSA ngắn hơn mức khuyến nghị."),
    # certificates
    "no_non_repudiation": _l(
        "Chứng thư số thiếu mục đích 'chống chối bỏ' (nonRepudiation); chỉ là cảnh báo."
    ),
    "key_usage_no_signature": _l("Chứng thư số không được phép dùng để ký."),
    "key_usage_invalid": _l("Mục đích sử dụng khóa của chứng thư số không phù hợp."),
    "chain_invalid": _l("Không xây dựng được chuỗi chứng thư đến gốc tin cậy."),
    "chain_error": _l("Lỗi khi kiểm tra chuỗi chứng thư."),
    "trust_store_error": _l("Lỗi danh sách chứng thư gốc tin cậy."),
    "revocation_unchecked": _l("Chưa kiểm tra được tình trạng thu hồi chứng thư số."),
    "revocation_fetch_failed": _l("Không tải được thông tin thu hồi chứng thư số."),
    # time
    "no_timestamp": _l("Không có dấu thời gian: thời điểm ký do người ký tự khai."),
    "signing_time_unsigned": _l("Thời điểm ký không được chữ ký bảo vệ."),
    "signing_time_no_timezone": _l("Thời điểm ký không ghi múi giờ; hiểu theo giờ Việt Nam."),
    "timestamp_invalid": _l("Dấu thời gian không hợp lệ."),
    "timestamp_imprint_mismatch": _l("Dấu thời gian không khớp với chữ ký."),
    "timestamp_signature_invalid": _l("Chữ ký của dấu thời gian không hợp lệ."),
    "timestamp_untrusted": _l("Dấu thời gian không do đơn vị tin cậy cấp."),
    "timestamp_unreadable": _l("Không đọc được dấu thời gian."),
    "timestamp_no_tsa_certificate": _l("Dấu thời gian thiếu chứng thư của đơn vị cấp."),
    "timestamp_not_relied_on": _l("Dấu thời gian không được dùng làm căn cứ."),
    "einvoice_role": _l("Vai trò trên hóa đơn điện tử."),
    "catalog_changed": _l("Danh mục tài liệu (catalogue) đã bị thay đổi sau khi ký."),
    "page_content_changed": _l("Nội dung trang đã bị thay đổi sau khi ký."),
    "locked_field_changed": _l("Trường biểu mẫu đã bị khóa khi ký nhưng bị thay đổi sau đó."),
    "unsigned_bytes": _l("Có phần dữ liệu trong tệp không được chữ ký bao phủ."),
    "detached_content_missing": _l("Chữ ký .p7s tách rời cần tải kèm tệp nội dung gốc."),
    "detached_content_ignored": _l(
        "Tệp nội dung tải kèm không được dùng (chữ ký đã chứa nội dung)."
    ),
    "extended_key_usage_invalid": _l("Mục đích sử dụng mở rộng của chứng thư số không phù hợp."),
    "reference_without_uri": _l("Chữ ký có tham chiếu không ghi rõ dữ liệu được ký."),
}

UNKNOWN_FINDING = _l("Lưu ý kỹ thuật (%(code)s).")


def finding_text(code: str) -> str:
    """Vietnamese text for a finding code; unknown codes still say something useful."""
    text = FINDINGS.get(code)
    return str(text) if text is not None else str(UNKNOWN_FINDING) % {"code": code}


@dataclass(frozen=True)
class Verdict:
    """What the page shows at a glance."""

    tone: str
    """``green``, ``amber`` or ``red``."""
    label: str
    sentence: str


_TONES = {
    "TOTAL_PASSED": "green",
    "INDETERMINATE": "amber",
    "TOTAL_FAILED": "red",
    "NO_SIGNATURE": "red",
}


# Sub-indications too generic for a citizen: the first error finding says it better.
_GENERIC = frozenset({None, "FORMAT_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE"})


def verdict(indication: str, sub_indication: str | None, error_code: str | None = None) -> Verdict:
    """Colour, label and the one Vietnamese sentence explaining why.

    ``error_code`` (a document error or the signature's first error finding) replaces a generic
    sub-indication such as FORMAT_FAILURE with the concrete reason.
    """
    label = str(INDICATIONS.get(indication, indication))
    if indication == "TOTAL_PASSED":
        sentence = str(PASSED_SENTENCE)
    elif indication == "NO_SIGNATURE":
        sentence = str(NO_SIGNATURE_SENTENCE)
    elif error_code and error_code in FINDINGS and sub_indication in _GENERIC:
        sentence = finding_text(error_code)
    elif sub_indication and sub_indication in SUB_INDICATIONS:
        sentence = str(SUB_INDICATIONS[sub_indication])
    else:
        sentence = str(SUB_INDICATIONS["FORMAT_FAILURE"])
    return Verdict(_TONES.get(indication, "amber"), label, sentence)
