from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.admin.trust import trust_store
from app.extensions import db
from tests.helpers import csrf_token

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
TEST_ROOT = CORPUS / "trust" / "pyhanko-testing-ca" / "root.cert.pem"
G2_ROOT_SHA = "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8"


def _upload(client: FlaskClient, kind: str, data: bytes, name: str = "x.pem"):
    token = csrf_token(client, "/admin/trust")
    return client.post("/admin/trust", data={"csrf_token": token, "kind": kind,
                                             "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_admin_adds_and_removes_an_anchor(app: Flask, client: FlaskClient, login) -> None:
    login("admin")
    page = client.get("/admin/trust").get_data(as_text=True)
    assert "Vietnam National Root CA" in page or "National Root" in page
    with app.app_context():
        before = len(trust_store(db.session).anchors)
    response = _upload(client, "anchor", TEST_ROOT.read_bytes())
    assert response.status_code == 302
    with app.app_context():
        store = trust_store(db.session)
        assert len(store.anchors) == before + 1
        from app.models.trust import TrustItem

        item_id = db.session.query(TrustItem).one().id
    again = _upload(client, "anchor", TEST_ROOT.read_bytes())  # duplicate: nothing added
    assert again.status_code == 302
    token = csrf_token(client, "/admin/trust")
    client.post(f"/admin/trust/{item_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert len(trust_store(db.session).anchors) == before


def test_garbage_and_wrong_kind_are_explained(client: FlaskClient, login) -> None:
    login("admin")
    bad = _upload(client, "anchor", b"not a certificate at all")
    assert bad.status_code == 200
    assert "không phải chứng thư số" in bad.get_data(as_text=True)
    wrong = _upload(client, "crl", TEST_ROOT.read_bytes())
    assert "Tệp CRL chỉ thêm vào mục CRL" in wrong.get_data(as_text=True)


def test_packaged_anchor_can_be_turned_off(app: Flask, client: FlaskClient, login) -> None:
    login("admin")
    token = csrf_token(client, "/admin/trust")
    client.post(f"/admin/trust/default/{G2_ROOT_SHA}", data={"csrf_token": token, "enabled": "0"})
    with app.app_context():
        assert G2_ROOT_SHA not in trust_store(db.session).anchor_fingerprints
    client.post(f"/admin/trust/default/{G2_ROOT_SHA}", data={"csrf_token": token, "enabled": "1"})
    with app.app_context():
        assert G2_ROOT_SHA in trust_store(db.session).anchor_fingerprints


def test_officers_cannot_change_trust(client: FlaskClient, login) -> None:
    login("officer")
    assert client.get("/admin/trust").status_code == 403
