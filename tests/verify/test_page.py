"""The public page "Kiểm tra chữ ký số": verdict at a glance, details, JSON, limits."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token

URL = "/kiem-tra-chu-ky/"


def _post(client: FlaskClient, data: bytes, name: str, **extra: Any) -> Any:
    form: dict[str, Any] = {
        "csrf_token": csrf_token(client, URL),
        "document": (io.BytesIO(data), name),
        **extra,
    }
    return client.post(URL, data=form, content_type="multipart/form-data")


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_form_is_public_with_csrf(client: FlaskClient) -> None:
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kiểm tra chữ ký số" in html
    assert 'name="csrf_token"' in html
    assert 'enctype="multipart/form-data"' in html


def test_post_without_csrf_is_refused(client: FlaskClient, signed_pdf: bytes) -> None:
    response = client.post(
        URL,
        data={"document": (io.BytesIO(signed_pdf), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_trusted_signed_pdf_is_green_with_signer_details(
    app: Flask, client: FlaskClient, signed_pdf: bytes, trust_test_root: Callable[[], None]
) -> None:
    trust_test_root()
    before = _files(Path(app.instance_path))
    html = _post(client, signed_pdf, "giay-to.pdf").get_data(as_text=True)
    assert "verdict-green" in html
    assert "Chữ ký số hợp lệ" in html
    assert "Nguyễn Văn An" in html
    assert "0101234567-001" in html  # tax code shown
    assert "001******345" in html  # citizen ID masked on screen
    # ...everywhere on the page (the chain too); only the downloadable JSON carries it.
    assert "001099012345" not in re.sub(r'href="data:[^"]*"', "", html)
    assert 'download="bao-cao-chu-ky.json"' in html
    assert _files(Path(app.instance_path)) == before  # the upload is not stored


def test_untrusted_signature_is_amber(client: FlaskClient, signed_pdf: bytes) -> None:
    html = _post(client, signed_pdf, "giay-to.pdf").get_data(as_text=True)
    assert "verdict-amber" in html
    assert "không do tổ chức chứng thực được tin cậy cấp" in html


def test_tampered_invoice_is_red_with_reason(
    client: FlaskClient, invoice_xml: bytes, trust_test_root: Callable[[], None]
) -> None:
    trust_test_root()
    tampered = invoice_xml.replace(b">1320000<", b">9320000<")
    html = _post(client, tampered, "hoadon.xml").get_data(as_text=True)
    assert "verdict-red" in html
    assert "Nội dung tài liệu đã bị thay đổi sau khi ký." in html
    assert "Người bán" in html
    assert "Cơ quan thuế" in html


def test_unknown_file_is_red_and_explained(client: FlaskClient) -> None:
    html = _post(client, b"just some text", "ghi-chu.txt").get_data(as_text=True)
    assert "verdict-red" in html
    assert "Không nhận ra định dạng tệp" in html


def test_json_output_follows_the_cli_contract(
    client: FlaskClient, invoice_xml: bytes, trust_test_root: Callable[[], None]
) -> None:
    trust_test_root()
    response = _post(client, invoice_xml, "hoadon.xml", output="json")
    assert response.mimetype == "application/json"
    doc = json.loads(response.get_data(as_text=True))["documents"][0]
    assert (doc["file"], doc["format"], doc["indication"]) == ("hoadon.xml", "xml", "TOTAL_PASSED")
    assert [s["integrity"] for s in doc["signatures"]] == [True, True]
    assert {"coverage", "modifications", "trusted", "signer", "warnings"} <= set(
        doc["signatures"][0]
    )


def test_detached_p7s_with_its_content(
    client: FlaskClient, pki: Any, trust_test_root: Callable[[], None]
) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    trust_test_root()
    content = "Đơn đề nghị".encode()
    p7s = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(pki.signer.crypto_cert, pki.signer.key, hashes.SHA256())
        .add_certificate(pki.intermediate.crypto_cert)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature])
    )
    ok = _post(client, p7s, "don.p7s", content=(io.BytesIO(content), "don.txt"))
    assert "verdict-green" in ok.get_data(as_text=True)
    changed = _post(client, p7s, "don.p7s", content=(io.BytesIO(content + b"."), "don.txt"))
    assert "verdict-red" in changed.get_data(as_text=True)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"VERIFY_RATE_LIMIT": "2 per minute", "MAX_UPLOAD_MB": 1}


def test_uploads_are_rate_limited_per_client(client: FlaskClient) -> None:
    codes = [_post(client, b"x", "a.txt").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_oversized_upload_is_refused(client: FlaskClient) -> None:
    token = csrf_token(client, URL)
    response = client.post(
        URL,
        data={
            "csrf_token": token,
            "document": (io.BytesIO(b"%PDF-1.7" + b"0" * 1_200_000), "big.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_english_page_and_verdict(client: FlaskClient) -> None:
    client.get("/lang/en")
    html = client.get(URL).get_data(as_text=True)
    assert "Check a digital signature" in html
    result = _post(client, b"not a signature", "x.bin").get_data(as_text=True)
    assert "File format not recognised" in result
    assert "Không nhận ra định dạng tệp" not in result


def test_every_code_esign_emits_has_a_translation() -> None:
    """A new finding code in esign must get its sentence here (or the page shows a raw code)."""
    import re as regex

    from app.verify.messages import FINDINGS, SUB_INDICATIONS
    from esign.report import SubIndication

    assert {s.value for s in SubIndication} <= set(SUB_INDICATIONS)
    root = Path(__file__).resolve().parents[2] / "esign"
    emitted: set[str] = set()
    for source in root.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        emitted |= set(regex.findall(r'Finding\(\s*"([a-z0-9_]+)"', text))
        emitted |= set(regex.findall(r'XmlRejected\(\s*"([a-z0-9_]+)"', text))
    missing = sorted(emitted - set(FINDINGS))
    assert missing == []


def test_printable_report_is_a_standalone_download(
    client: FlaskClient, invoice_xml: bytes, trust_test_root: Callable[[], None]
) -> None:
    import base64

    trust_test_root()
    html = _post(client, invoice_xml, "hoadon.xml").get_data(as_text=True)
    match = re.search(r'href="data:text/html;charset=utf-8;base64,([^"]+)"', html)
    assert match is not None
    printable = base64.b64decode(match.group(1)).decode()
    assert "Báo cáo kiểm tra chữ ký số" in printable
    assert "verdict-green" in printable
    assert "<script" not in printable
    assert 'download="bao-cao-chu-ky.html"' in html


def test_shadow_attack_gets_a_concrete_sentence(client: FlaskClient) -> None:
    """A generic FORMAT_FAILURE is explained by what actually happened to the file."""
    corpus = Path(__file__).resolve().parents[2].parent / "shared/corpus/pdf/shadow"
    attacked = next(corpus.glob("hide-and-replace__variant-1*_4_*.pdf")).read_bytes()
    html = _post(client, attacked, "shadow.pdf").get_data(as_text=True)
    assert "verdict-red" in html
    assert "Nội dung trang đã bị thay đổi sau khi ký." in html.split("Chi tiết")[0]
