"""Receipt PDF (Mẫu 01): Vietnamese text survives extraction, the printed QR decodes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
import zxingcpp

from app.desk.receipt_pdf import (
    COPIES,
    ReceiptData,
    ReceivedDocument,
    render_receipt_pdf,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def data(receipt_link: str) -> ReceiptData:
    return ReceiptData(
        agency_name="UBND PHƯỜNG BA ĐÌNH",
        parent_agency="UBND THÀNH PHỐ HÀ NỘI",
        dossier_code="000.00.01.H26-261130-0001",
        applicant_name="Nguyễn Thị Hằng",
        applicant_address="12 phố Đội Cấn, phường Ba Đình, Hà Nội",
        applicant_phone="0912345678",
        applicant_email="hang@example.vn",
        procedure_name="Đăng ký khai sinh",
        documents=(
            ReceivedDocument("Tờ khai đăng ký khai sinh", 1, original=True),
            ReceivedDocument("Giấy chứng sinh", 1, original=True),
        ),
        sets=1,
        received_at=datetime(2026, 11, 30, 9, 15, tzinfo=VN),
        due_at=datetime(2026, 12, 3, 17, 0, tzinfo=VN),
        collect_at="Bộ phận tiếp nhận và trả kết quả phường Ba Đình",
        register_book="01/2026",
        register_entry="123",
        lookup_url=receipt_link,
        processing_days=3,
        fee_vnd=8000,
        officer_name="Trần Văn Bình",
        place="Hà Nội",
    )


def pages(pdf: bytes) -> list[pdfium.PdfPage]:
    return list(pdfium.PdfDocument(pdf))


def text_of(page: pdfium.PdfPage) -> str:
    return str(page.get_textpage().get_text_range())


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_vietnamese_text_extracts_intact(data: ReceiptData, size: str) -> None:
    document = pages(render_receipt_pdf(data, size))  # type: ignore[arg-type]
    assert len(document) == 2
    for page, copy in zip(document, COPIES, strict=True):
        text = " ".join(text_of(page).split())
        for expected in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: 000.00.01.H26-261130-0001",
            copy,
            "Tiếp nhận hồ sơ của: Nguyễn Thị Hằng",
            "12 phố Đội Cấn, phường Ba Đình, Hà Nội",
            "0912345678",
            "hang@example.vn",
            "Đăng ký khai sinh",
            "1. Tờ khai đăng ký khai sinh",
            "2. Giấy chứng sinh",
            "Số lượng hồ sơ: 1 (bộ)",
            "3 ngày làm việc",
            "09 giờ 15 phút, ngày 30/11/2026",
            "17 giờ 00 phút, ngày 03/12/2026",
            "Quyển số: 01/2026, Số thứ tự: 123",
            "8.000 đồng",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Trần Văn Bình",
        ):
            assert expected in text, expected


@pytest.mark.parametrize(("size", "width_mm"), [("A4", 210), ("A5", 148)])
def test_page_size(data: ReceiptData, size: str, width_mm: int) -> None:
    page = pages(render_receipt_pdf(data, size))[0]  # type: ignore[arg-type]
    assert round(page.get_width() / 72 * 25.4) == width_mm


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_printed_qr_decodes_to_lookup_url(data: ReceiptData, size: str) -> None:
    for page in pages(render_receipt_pdf(data, size)):  # type: ignore[arg-type]
        image = page.render(scale=200 / 72).to_pil()  # a 200 dpi scan
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [r.text for r in results] == [data.lookup_url]


def test_hour_based_procedure_and_font_embedded(data: ReceiptData) -> None:
    from dataclasses import replace

    pdf = render_receipt_pdf(replace(data, processing_days=None, processing_hours=4))
    assert "4 giờ làm việc" in text_of(pages(pdf)[0])
    assert b"DejaVuSans" in pdf  # embedded, not a reader substitute


def test_reprint_is_identical_apart_from_pdf_dates(data: ReceiptData) -> None:
    first = [text_of(p) for p in pages(render_receipt_pdf(data))]
    second = [text_of(p) for p in pages(render_receipt_pdf(data))]
    assert first == second
