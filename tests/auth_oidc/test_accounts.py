"""Accounts behind SSO: linked by subject only, provisioned on request, roles kept in step;
and SSO settings that cannot work stop start-up with the key named."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.auth.oidc_accounts import OidcAccountRefused, staff_for_subject
from app.config import ConfigError
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.staff import Role, Staff
from tests.helpers import StaffMaker

CLAIMS = {"preferred_username": "Can.Bo.Mot", "name": "Cán Bộ Một"}


@pytest.fixture
def app_config() -> dict[str, Any]:
    # Discovery is lazy, so an issuer that never answers is fine for these tests.
    return {"OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "motcua",
            "OIDC_ROLE_MAP": "g-officer=officer"}


def _sign_in(app: Flask, subject: str, role: Role = Role.OFFICER, *,
             provision: bool = True) -> Staff:
    with app.app_context():
        staff = staff_for_subject(db.session, subject=subject, role=role, claims=CLAIMS,
                                  provision=provision, ip="127.0.0.1")
        db.session.commit()
        db.session.refresh(staff)
        db.session.expunge(staff)
        return staff


def test_first_sign_in_provisions_a_passwordless_account(app: Flask) -> None:
    staff = _sign_in(app, "sub-1")
    assert (staff.username, staff.role, staff.password_hash) == ("can.bo.mot", Role.OFFICER,
                                                                 None)
    assert _sign_in(app, "sub-1").id == staff.id  # the same account next time


def test_a_local_account_with_the_same_name_is_never_taken_over(
        app: Flask, make_staff: StaffMaker) -> None:
    make_staff("admin", username="can.bo.mot")
    staff = _sign_in(app, "sub-2")
    assert staff.username == "can.bo.mot-2"
    assert staff.role is Role.OFFICER


def test_role_follows_the_provider_and_is_audited(app: Flask) -> None:
    _sign_in(app, "sub-3", Role.SUPERVISOR)
    assert _sign_in(app, "sub-3", Role.OFFICER).role is Role.OFFICER
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "staff.role" in actions


def test_without_provisioning_unknown_people_are_refused(app: Flask) -> None:
    with pytest.raises(OidcAccountRefused, match="oidc_not_provisioned"):
        _sign_in(app, "sub-4", provision=False)


def test_disabled_account_is_refused(app: Flask) -> None:
    staff = _sign_in(app, "sub-5")
    with app.app_context():
        db.session.get(Staff, staff.id).active = False  # type: ignore[union-attr]
        db.session.commit()
    with pytest.raises(OidcAccountRefused, match="oidc_account_disabled"):
        _sign_in(app, "sub-5")


def test_login_page_offers_sso(client: Any) -> None:
    assert "/auth/oidc/login" in client.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "key"), [
    ({"OIDC_ROLE_MAP": "g-officer=root"}, "OIDC_ROLE_MAP"),
    ({"OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID"),
    ({"OIDC_SCOPES": "profile"}, "OIDC_SCOPES"),
])
def test_unusable_sso_settings_stop_start_up(tmp_path: Any, app_config: dict[str, Any],
                                             overrides: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        create_app({**app_config, **overrides, "INSTANCE_PATH": str(tmp_path / "i")})
    assert caught.value.key == key
