"""PDF of the receipt "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (Mẫu 01, Circular 01/2018).

Two copies ("Liên 1: Lưu", "Liên 2: Giao người nộp"), one per page, A4 or A5, with the QR.
DejaVu Sans is embedded (subset) so Vietnamese diacritics render and extract correctly on any
reader. Input is a frozen dataclass so the same receipt can be reprinted byte-for-byte.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from fpdf import FPDF

from app.desk.qr import render_qr

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
DISPLAY_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
DESK = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
PageSize = Literal["A4", "A5"]


@dataclass(frozen=True)
class ReceivedDocument:
    """One line of the documents checklist."""

    name: str
    sets: int = 1
    """Number of copies/sets of this document received."""
    original: bool = False
    """True when the original (bản chính) was received rather than a copy."""


@dataclass(frozen=True)
class ReceiptData:
    """Every field of Mẫu 01. Times are aware datetimes; shown in Asia/Ho_Chi_Minh."""

    agency_name: str
    """Name of the agency, e.g. "UBND PHƯỜNG BA ĐÌNH"."""
    dossier_code: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    procedure_name: str
    documents: tuple[ReceivedDocument, ...]
    sets: int
    """Number of dossier sets received."""
    received_at: datetime
    due_at: datetime
    collect_at: str
    """Where the result is collected (desk address, or "Qua dịch vụ bưu chính: <address>")."""
    register_book: str
    """Register book (Sổ theo dõi hồ sơ) volume."""
    register_entry: str
    """Entry number in the register book."""
    lookup_url: str
    """The QR content `<base>/r/<key>#<token>`."""
    processing_days: int | None = None
    processing_hours: int | None = None
    fee_vnd: int = 0
    officer_name: str = ""
    place: str = ""
    """Place name for the date line ("Hà Nội, ngày ...")."""
    receipt_number: str = ""
    """"Số: .../TNHS" of the receipt, if the desk numbers them."""
    parent_agency: str = ""
    """Superior agency printed above the agency name, optional."""


def _moment(value: datetime) -> str:
    local = value.astimezone(DISPLAY_ZONE)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _money(vnd: int) -> str:
    return f"{vnd:,}".replace(",", ".") + " đồng"


def processing_time_text(days: int | None, hours: int | None) -> str:
    if hours is not None:
        return f"{hours} giờ làm việc"
    if days is not None:
        return f"{days} ngày làm việc"
    return "Theo quy định"


class _ReceiptPdf(FPDF):
    def __init__(self, size: PageSize) -> None:
        with warnings.catch_warnings():
            # fpdf2 >= 2.8.5 warns that it corrected the A5 size; the corrected size is what we want
            warnings.filterwarnings(
                "ignore", message="Dimensions for page format", category=UserWarning
            )
            super().__init__(orientation="portrait", unit="mm", format=size)
        self.small = size == "A5"
        margin = 10 if self.small else 18
        self.set_margins(margin, 10 if self.small else 14, margin)
        self.set_auto_page_break(auto=True, margin=8 if self.small else 12)
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(TITLE)
        self.set_creator("motcua")

    def pt(self, normal: float) -> float:
        return normal - 2 if self.small else normal


def _header(pdf: _ReceiptPdf, data: ReceiptData) -> None:
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.set_font("DejaVu", "", pdf.pt(10))
    left_lines = [line for line in (data.parent_agency, data.agency_name) if line]
    for i, line in enumerate([*left_lines, DESK]):
        pdf.set_font("DejaVu", "B" if i == len(left_lines) else "", pdf.pt(9.5))
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(width, pdf.pt(5), line, align="C", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width, top)
    pdf.set_font("DejaVu", "B", pdf.pt(9.5))
    pdf.multi_cell(width, pdf.pt(5), MOTTO[0], align="C", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(width, pdf.pt(5), MOTTO[1], align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 1)
    pdf.set_font("DejaVu", "", pdf.pt(9.5))
    number = f"Số: {data.receipt_number}/TNHS" if data.receipt_number else "Số: ....../TNHS"
    local = data.received_at.astimezone(DISPLAY_ZONE)
    dated = f"{data.place or '......'}, ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    pdf.cell(width, pdf.pt(5), number, align="C")
    pdf.cell(width, pdf.pt(5), dated, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(pdf.pt(4))


def _line(pdf: _ReceiptPdf, text: str, *, bold: bool = False, indent: float = 0) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", pdf.pt(10.5))
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, pdf.pt(5.6), text, new_x="LMARGIN", new_y="NEXT")


def _body(pdf: _ReceiptPdf, data: ReceiptData, copy: str) -> None:
    pdf.set_font("DejaVu", "B", pdf.pt(13))
    pdf.multi_cell(0, pdf.pt(7), TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", pdf.pt(11))
    pdf.cell(
        0, pdf.pt(6), f"Mã hồ sơ: {data.dossier_code}", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", pdf.pt(9.5))
    pdf.cell(0, pdf.pt(5), f"({copy})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(pdf.pt(2))
    _line(pdf, f"Bộ phận tiếp nhận và trả kết quả {data.agency_name}")
    _line(pdf, f"Tiếp nhận hồ sơ của: {data.applicant_name}")
    _line(pdf, f"Địa chỉ: {data.applicant_address or '......'}")
    phone, email = data.applicant_phone or "......", data.applicant_email or "......"
    _line(pdf, f"Số điện thoại: {phone}    Email: {email}")
    _line(pdf, f"Nội dung yêu cầu giải quyết: {data.procedure_name}")
    _line(pdf, "1. Thành phần hồ sơ nộp gồm:", bold=True)
    for number, doc in enumerate(data.documents, start=1):
        kind = "bản chính" if doc.original else "bản sao"
        _line(pdf, f"{number}. {doc.name} ({doc.sets} {kind})", indent=6)
    _line(pdf, f"2. Số lượng hồ sơ: {data.sets} (bộ)")
    _line(
        pdf,
        "3. Thời gian giải quyết hồ sơ theo quy định là: "
        + processing_time_text(data.processing_days, data.processing_hours),
    )
    _line(pdf, f"4. Thời gian nhận hồ sơ: {_moment(data.received_at)}")
    _line(pdf, f"5. Thời gian trả kết quả giải quyết hồ sơ: {_moment(data.due_at)}", bold=True)
    _line(pdf, f"6. Đăng ký nhận kết quả tại: {data.collect_at}")
    _line(pdf, f"7. Lệ phí đã thu: {_money(data.fee_vnd)}")
    _line(
        pdf,
        f"Vào Sổ theo dõi hồ sơ, Quyển số: {data.register_book}, Số thứ tự: {data.register_entry}",
    )


def _signatures_and_qr(pdf: _ReceiptPdf, data: ReceiptData) -> None:
    pdf.ln(pdf.pt(3))
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font("DejaVu", "B", pdf.pt(10))
    pdf.cell(width, pdf.pt(5), "NGƯỜI NỘP HỒ SƠ", align="C")
    pdf.cell(width, pdf.pt(5), "NGƯỜI TIẾP NHẬN HỒ SƠ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", pdf.pt(8.5))
    pdf.cell(width, pdf.pt(4.5), "(Ký và ghi rõ họ tên)", align="C")
    pdf.cell(width, pdf.pt(4.5), "(Ký và ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(pdf.pt(16))
    pdf.set_font("DejaVu", "", pdf.pt(10))
    pdf.cell(width, pdf.pt(5), data.applicant_name, align="C")
    pdf.cell(width, pdf.pt(5), data.officer_name, align="C", new_x="LMARGIN", new_y="NEXT")
    _qr_block(pdf, data)


def _qr_block(pdf: _ReceiptPdf, data: ReceiptData) -> None:
    size = 34.0 if pdf.small else 42.0
    if pdf.get_y() + size + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    qr = render_qr(data.lookup_url, box_size=8)
    x = pdf.l_margin
    y = pdf.get_y()
    pdf.image(io.BytesIO(qr.png), x=x, y=y, w=size, h=size)
    pdf.set_xy(x + size + 4, y + 4)
    pdf.set_font("DejaVu", "B", pdf.pt(10))
    pdf.multi_cell(
        0, pdf.pt(5), "Quét mã QR để tra cứu tình trạng hồ sơ", new_x="LEFT", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", pdf.pt(8.5))
    pdf.multi_cell(
        0,
        pdf.pt(4.5),
        "Trang tra cứu kiểm tra chữ ký số của giấy tiếp nhận này. "
        "Không cần đăng nhập, không hiển thị thông tin cá nhân.",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_y(y + size)


def render_receipt_pdf(data: ReceiptData, size: PageSize = "A4") -> bytes:
    """Both copies of the receipt as PDF bytes (each copy starts on a new page)."""
    pdf = _ReceiptPdf(size)
    for copy in COPIES:
        pdf.add_page()
        _header(pdf, data)
        _body(pdf, data, copy)
        _signatures_and_qr(pdf, data)
    return bytes(pdf.output())
