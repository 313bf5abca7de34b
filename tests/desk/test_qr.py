"""Receipt QR: decoded by zxing-cpp (an independent decoder), not by our encoder."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from app.desk import qr
from app.desk.codes import LookupKeyError

# A full compact JWS cannot fit version 10 (213 bytes at level M): header with the RFC 7638 kid
# (87 chars) plus the P-256 signature (86) already take 175. The compact claims keep it at 16-17
# (81-85 modules: 34 mm at 0.4 mm/module, fine on A5 and 80 mm thermal paper).
MAX_VERSION = 17


def decode(png: bytes) -> zxingcpp.Result:
    results = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert len(results) == 1
    return results[0]


def test_png_decodes_to_exact_url(receipt_link: str) -> None:
    rendered = qr.render_qr(receipt_link)
    result = decode(rendered.png)
    assert result.text == receipt_link
    assert result.ec_level == "M"
    assert int(result.extra["Version"]) == rendered.version <= MAX_VERSION
    assert rendered.modules == 17 + 4 * rendered.version


def test_version_helper_agrees(receipt_link: str) -> None:
    assert qr.qr_version(receipt_link) == qr.render_qr(receipt_link).version


def test_svg_is_an_svg_with_path(receipt_link: str) -> None:
    svg = qr.render_qr(receipt_link).svg
    assert svg.lstrip().startswith(b"<?xml") or svg.lstrip().startswith(b"<svg")
    assert b"<path" in svg


def test_url_shape() -> None:
    url = qr.receipt_url("https://x.vn/", "A" * 22, "h.p.s")
    assert url == "https://x.vn/r/" + "A" * 22 + "#h.p.s"


def test_url_refuses_relative_base() -> None:
    with pytest.raises(qr.QrError):
        qr.receipt_url("/r", "A" * 22, "t")


def test_url_refuses_bad_key() -> None:
    with pytest.raises(LookupKeyError):
        qr.receipt_url("https://x.vn", "../../etc", "t")


def test_overflow_is_typed() -> None:
    with pytest.raises(qr.QrError):
        qr.qr_version("x" * 5000)
