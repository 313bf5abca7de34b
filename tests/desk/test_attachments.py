"""Signed documents attached to a dossier: verified at intake (or later), result kept with it."""

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
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.desk.attachments import mask_text, masked_filename
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.dossier import Dossier
from app.models.verification import DossierDocument
from tests.desk.test_web_intake import PROCEDURE, form_page
from tests.helpers import csrf_token, login_as

CORPUS = Path("/work/shared/corpus/pdf")
ACROBAT = CORPUS / "endesive/pdf-acrobat.pdf"  # intact, but its root is not trusted: amber
SHADOW = CORPUS / (
    "shadow/replace__variant-1_replace-via-overlay__4_original-document-shadowed-signed-"
    "manipulated.pdf"
)  # content changed after signing: red
UNSIGNED = CORPUS / "shadow/replace__variant-1_replace-via-overlay__1_original-document.pdf"
CCCD = "001099012345"  # in the test PKI signer's certificate (UID=CCCD:...)
MST = "0101234567-001"


@pytest.fixture
def app_config() -> dict[str, Any]:
    # 1 MB keeps the size-limit test small; every corpus file used here is well below.
    return {"MAX_UPLOAD_MB": 1}


@pytest.fixture
def officer(login: Callable[..., str]) -> str:
    return login("officer")


@pytest.fixture(scope="module")
def pki_signed_pdf() -> bytes:
    from tests.esign.pki import get_pki
    from tests.esign.test_pdf_support import base_pdf, sign

    pki = get_pki()
    return sign(base_pdf(), pki.signer.simple_signer(pki), "Signature1")


def _file(path: Path, name: str | None = None) -> tuple[io.BytesIO, str]:
    return io.BytesIO(path.read_bytes()), name or path.name


def _intake(client: FlaskClient, files: list[tuple[io.BytesIO, str]], **extra: str) -> Any:
    _html, data = form_page(client)
    form: dict[str, Any] = {**data, **extra}
    if files:
        form["attachments"] = files
    return client.post(
        f"/desk/new/{PROCEDURE}", data=form, content_type="multipart/form-data"
    )


def _documents(app: Flask) -> list[DossierDocument]:
    with app.app_context():
        rows = list(db.session.scalars(select(DossierDocument).order_by(DossierDocument.id)))
        for row in rows:
            _ = row.content  # load the deferred bytes before the session closes
        return rows


def _code(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return str(response.headers["Location"].rsplit("/", 1)[-1])


@pytest.mark.both_databases
def test_intake_verifies_and_keeps_documents_red_does_not_block(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    response = _intake(client, [_file(ACROBAT), _file(SHADOW), _file(UNSIGNED, "don.pdf")])
    code = _code(response)
    docs = _documents(app)
    assert [d.indication for d in docs] == ["INDETERMINATE", "TOTAL_FAILED", "NO_SIGNATURE"]
    assert docs[0].sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"
    assert docs[0].content == ACROBAT.read_bytes()
    assert docs[1].content == SHADOW.read_bytes()
    assert {d.verified_by for d in docs} == {f"staff:{officer}"}
    with app.app_context():
        [dossier] = db.session.scalars(select(Dossier)).all()
        assert dossier.code == code
        assert {d.dossier_id for d in docs} == {dossier.id}

    page = client.get(f"/desk/d/{code}").get_data(as_text=True)
    # flashes after the redirect say clearly that two documents are not valid
    assert page.count("flash-error") >= 2
    assert "flash-warning" in page
    section = page[page.index('id="attached"') :]
    assert section.count("badge-warn") == 1
    assert section.count("badge-bad") == 2
    assert "không do tổ chức chứng thực được tin cậy cấp" in section  # amber's sentence
    assert "Tài liệu này không có chữ ký số nào." in section
    assert "mak@trisoft.com.pl" in section  # signer of the Acrobat file
    for doc in docs:
        assert f"/desk/d/{code}/documents/{doc.id}/report.json" in section
        assert f"/desk/d/{code}/documents/{doc.id}/file" in section


def test_downloads_give_the_file_and_stored_report(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    code = _code(_intake(client, [_file(ACROBAT)]))
    [doc] = _documents(app)
    report = client.get(f"/desk/d/{code}/documents/{doc.id}/report.json")
    assert report.status_code == 200
    assert report.mimetype == "application/json"
    [entry] = report.get_json()["documents"]
    assert entry["indication"] == "INDETERMINATE"
    assert entry["sha256"] == doc.sha256
    assert entry["signatures"][0]["field"] == "Signature2"
    download = client.get(f"/desk/d/{code}/documents/{doc.id}/file")
    assert download.status_code == 200
    assert download.data == ACROBAT.read_bytes()
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    # a document is reachable only under its own dossier's code
    other = _code(_intake(client, [_file(UNSIGNED)]))
    assert client.get(f"/desk/d/{other}/documents/{doc.id}/file").status_code == 404
    assert client.get(f"/desk/d/{other}/documents/{doc.id}/report.json").status_code == 404


@pytest.mark.both_databases
def test_personal_id_from_certificate_is_masked_everywhere_stored(
    app: Flask, client: FlaskClient, officer: str, pki_signed_pdf: bytes
) -> None:
    # the raw number is in the certificate (hex-encoded in the PDF's /Contents)
    assert f"CCCD:{CCCD}".encode().hex() in pki_signed_pdf.decode("latin-1").lower()
    code = _code(_intake(client, [(io.BytesIO(pki_signed_pdf), f"cccd-{CCCD}.pdf")]))
    [doc] = _documents(app)
    stored = json.dumps(doc.report, ensure_ascii=False)
    assert CCCD not in stored
    assert "001******345" in stored
    assert MST in stored  # tax codes are public and stay readable
    columns = [doc.filename, doc.signer_name, doc.signer_organization, doc.signer_tax_code]
    assert all(CCCD not in value for value in columns)
    assert doc.signer_name == "Nguyễn Văn An"
    assert doc.signer_tax_code == MST
    with app.app_context():
        audit = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "dossier.attach")
        ).one()
        assert audit.target == code
        assert CCCD not in json.dumps(audit.details)
        assert "cccd" not in json.dumps(audit.details)
    page = client.get(f"/desk/d/{code}").get_data(as_text=True)
    assert CCCD not in page
    assert MST in page
    assert "Nguyễn Văn An" in page
    served = client.get(f"/desk/d/{code}/documents/{doc.id}/report.json").get_data(as_text=True)
    assert CCCD not in served


def test_trusted_signature_is_green(
    app: Flask, client: FlaskClient, officer: str, pki_signed_pdf: bytes
) -> None:
    from app.admin.trust import add_items
    from tests.esign.pki import get_pki

    with app.app_context():
        add_items(db.session, get_pki().root.der, "anchor", actor="test")
        db.session.commit()
    code = _code(_intake(client, [(io.BytesIO(pki_signed_pdf), "giay-to.pdf")]))
    [doc] = _documents(app)
    assert doc.indication == "TOTAL_PASSED"
    section = client.get(f"/desk/d/{code}").get_data(as_text=True).split('id="attached"')[1]
    assert "badge-ok" in section
    assert "Chữ ký số hợp lệ" in section


def test_oversize_file_is_refused_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 200_000)  # over 1 MB, over MAX_CONTENT_LENGTH
    response = _intake(
        client,
        [(io.BytesIO(big), "ban-scan.pdf")],
        other_documents="Bản sao sổ hộ khẩu",
        applicant_address="12 phố Đội Cấn, Ba Đình",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ban-scan.pdf" in html
    assert "vượt quá dung lượng cho phép (1 MB)" in html
    assert 'value="Nguyễn Thị Hằng"' in html
    assert 'value="12 phố Đội Cấn, Ba Đình"' in html
    assert "Bản sao sổ hộ khẩu" in html
    assert 'name="doc_1" id="doc_1" checked' in html
    with app.app_context():
        assert db.session.scalars(select(Dossier)).all() == []
    assert _documents(app) == []


def test_double_submit_with_attachments_keeps_one_copy(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    _html, data = form_page(client)
    for _ in range(2):
        response = client.post(
            f"/desk/new/{PROCEDURE}",
            data={**data, "attachments": [_file(ACROBAT)]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    assert len(_documents(app)) == 1


def test_intake_without_attachments_still_works(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    code = _code(_intake(client, []))
    assert _documents(app) == []
    assert "Chưa có tài liệu điện tử nào" in client.get(f"/desk/d/{code}").get_data(as_text=True)


def _attach(client: FlaskClient, code: str, files: list[tuple[io.BytesIO, str]]) -> Any:
    token = csrf_token(client, f"/desk/d/{code}")
    return client.post(
        f"/desk/d/{code}/documents",
        data={"csrf_token": token, "attachments": files},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_every_staff_role_may_attach_later(
    app: Flask, client: FlaskClient, officer: str, make_staff: Any, role: str
) -> None:
    code = _code(_intake(client, []))
    other = app.test_client()
    name, password = make_staff(role=role)
    login_as(other, name, password)
    response = _attach(other, code, [_file(UNSIGNED, "bien-ban.pdf")])
    assert response.status_code == 302
    [doc] = _documents(app)
    assert doc.indication == "NO_SIGNATURE"
    assert doc.verified_by == f"staff:{name}"
    page = other.get(f"/desk/d/{code}").get_data(as_text=True)
    assert "bien-ban.pdf" in page
    assert "Tài liệu này không có chữ ký số nào." in page


def test_attach_later_needs_csrf(app: Flask, client: FlaskClient, officer: str) -> None:
    code = _code(_intake(client, []))
    response = client.post(
        f"/desk/d/{code}/documents",
        data={"attachments": [_file(ACROBAT)]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _documents(app) == []


def test_attach_later_oversize_is_refused_clearly(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    code = _code(_intake(client, []))
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10)
    response = _attach(client, code, [(io.BytesIO(big), "qua-lon.pdf")])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "qua-lon.pdf" in page
    assert "vượt quá dung lượng cho phép" in page
    assert _documents(app) == []


def test_anonymous_can_neither_attach_nor_download(
    app: Flask, client: FlaskClient, officer: str
) -> None:
    code = _code(_intake(client, [_file(ACROBAT)]))
    [doc] = _documents(app)
    anonymous = app.test_client()
    for url in (f"/desk/d/{code}/documents/{doc.id}/file",
                f"/desk/d/{code}/documents/{doc.id}/report.json"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
    token = csrf_token(anonymous, "/auth/login")
    response = anonymous.post(
        f"/desk/d/{code}/documents",
        data={"csrf_token": token, "attachments": [_file(UNSIGNED)]},
        content_type="multipart/form-data",
    )
    assert response.status_code in {302, 400}
    assert len(_documents(app)) == 1


def test_download_is_audited(app: Flask, client: FlaskClient, officer: str) -> None:
    code = _code(_intake(client, [_file(ACROBAT)]))
    [doc] = _documents(app)
    client.get(f"/desk/d/{code}/documents/{doc.id}/file")
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "dossier.document_download")
        ).one()
        assert entry.actor == f"staff:{officer}"
        assert entry.details["document"] == doc.id


@given(
    kind=st.sampled_from(["CCCD", "CMND", "cccd", "PID"]),
    sep=st.sampled_from([":", "=", "_", " ", ": ", "-"]),
    number=st.from_regex(r"\d{12}", fullmatch=True),
    before=st.text(alphabet="abc ,=UID", max_size=10),
)
def test_mask_text_never_leaves_a_prefixed_number(
    kind: str, sep: str, number: str, before: str
) -> None:
    text = f"{before}{kind}{sep}{number}"
    masked = mask_text(text)
    assert number not in masked
    assert masked.endswith(number[-3:])
    assert number[:3] in masked


def test_masked_filename_hides_bare_citizen_ids_but_keeps_tax_codes() -> None:
    assert masked_filename(f"{CCCD}.pdf") == "001******345.pdf"
    assert masked_filename(f"hd-{MST}.xml") == f"hd-{MST}.xml"
    assert re.fullmatch(r"giay-to\.pdf", masked_filename("giay-to.pdf"))
