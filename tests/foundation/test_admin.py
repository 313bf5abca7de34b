from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models.staff import Role, Staff
from tests.helpers import csrf_token, login_as


def test_admin_adds_disables_and_resets_staff(app: Flask, client: FlaskClient, login) -> None:
    login("admin")
    token = csrf_token(client, "/admin/staff")
    response = client.post("/admin/staff", data={
        "csrf_token": token, "username": "nguyen.van.a", "full_name": "Nguyễn Văn A",
        "role": "officer", "password": "mat-khau-dai-du"})
    assert response.status_code == 302
    with app.app_context():
        staff = db.session.query(Staff).filter_by(username="nguyen.van.a").one()
        assert staff.role == Role.OFFICER
        staff_id = staff.id
    officer = app.test_client()
    login_as(officer, "nguyen.van.a", "mat-khau-dai-du")
    token = csrf_token(client, "/admin/staff")
    client.post(f"/admin/staff/{staff_id}/active", data={"csrf_token": token, "active": "0"})
    assert officer.get("/").status_code == 302  # disabled: session no longer valid
    client.post(f"/admin/staff/{staff_id}/active", data={"csrf_token": token, "active": "1"})
    client.post(f"/admin/staff/{staff_id}/password", data={"csrf_token": token,
                                                           "password": "mat-khau-moi-123"})
    login_as(app.test_client(), "nguyen.van.a", "mat-khau-moi-123")


def test_duplicate_and_bad_usernames_are_explained(client: FlaskClient, login) -> None:
    name = login("admin")
    token = csrf_token(client, "/admin/staff")
    taken = client.post("/admin/staff", data={"csrf_token": token, "username": name,
                                              "role": "officer", "password": "x" * 12})
    assert "đã tồn tại" in taken.get_data(as_text=True)
    bad = client.post("/admin/staff", data={"csrf_token": token, "username": "Có Dấu",
                                            "role": "officer", "password": "x" * 12})
    assert "Tên đăng nhập chỉ gồm" in bad.get_data(as_text=True)


def test_agency_settings_are_validated_and_saved(app: Flask, client: FlaskClient, login) -> None:
    login("admin")
    token = csrf_token(client, "/admin/agency")
    bad = client.post("/admin/agency", data={"csrf_token": token, "name": "UBND phường X",
                                             "code": "bad code", "desk_name": "BP"})
    assert bad.status_code == 200
    assert "Chỉ gồm chữ in hoa" in bad.get_data(as_text=True)
    ok = client.post("/admin/agency", data={"csrf_token": token, "name": "UBND phường Vĩnh Phúc",
                                            "code": "000.00.01.H26", "desk_name": "Bộ phận một cửa",
                                            "public_base_url": "https://motcua.example"})
    assert ok.status_code == 302
    from app.admin.agency import get_agency

    with app.app_context():
        agency = get_agency(db.session)
        assert (agency.name, agency.code) == ("UBND phường Vĩnh Phúc", "000.00.01.H26")
