"""e-ID support figures on the dashboard come from the activation feature's own statistics."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models.activation import ActivationCase
from app.models.staff import Staff
from tests.dashboard.conftest import local


def _cases(app: Flask, officer: str, outcomes: list[tuple[int, str | None]]) -> None:
    with app.app_context():
        staff = db.session.scalars(select(Staff).where(Staff.username == officer)).one()
        for i, (level, outcome) in enumerate(outcomes):
            started = local("2026-02-10 09:00") + timedelta(hours=i)
            db.session.add(ActivationCase(
                public_key=secrets.token_urlsafe(16), officer_id=staff.id,
                officer_username=staff.username, started_at=started,
                finished_at=started + timedelta(minutes=15) if outcome else None,
                status="closed" if outcome else "open", id_kind="personal_id",
                card_type="chip_cccd", citizenship="vietnamese", guardian="not_needed",
                level_sought=level, guide_version="2025-07-01", steps=[], outcome=outcome,
                referral="none", failure_reasons=[] if outcome == "activated" else ["no_otp"],
                duration_seconds=900 if outcome else None))
        db.session.commit()


def test_e_id_cases_and_success_rates(app: Flask, client: FlaskClient,
                                      make_staff: Callable[..., tuple[str, str]],
                                      supervisor: str) -> None:
    make_staff(role="officer", username="lan")
    make_staff(role="officer", username="minh")
    _cases(app, "lan", [(1, "activated"), (1, "activated"), (1, "failed"), (2, None)])
    _cases(app, "minh", [(2, "activated")])
    html = client.get("/dashboard/?start=2026-02-01&end=2026-02-28").get_data(as_text=True)
    assert "Lượt hỗ trợ trong kỳ: 5 (đã kết thúc: 4)." in html
    assert "66,67 %" in html  # level 1: 2 of 3 closed cases activated
    assert "100,00 %" in html  # level 2: 1 of 1
    only_lan = client.get("/dashboard/?start=2026-02-01&end=2026-02-28&officer=staff:lan")
    assert "Lượt hỗ trợ trong kỳ: 4 (đã kết thúc: 3)." in only_lan.get_data(as_text=True)
