"""Fixtures for the public look-up: dossiers received through the desk's own operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

PHONE = "0912345678"
PERSONAL_ID = "001203004567"
ADDRESS = "Số 12 ngõ 34 phố Kim Mã, Ba Đình"
EMAIL = "nguyen.van.an@example.vn"
NAME = "Nguyễn Văn An"


@dataclass(frozen=True)
class Received:
    """A dossier as the citizen holds it: code, look-up key, token and the QR URL."""

    id: int
    code: str
    key: str
    token: str
    url: str

    @property
    def path(self) -> str:
        return f"/r/{self.key}"


def _desk(app: Flask):  # type: ignore[no-untyped-def]
    from app.admin.agency import get_agency, public_base_url
    from app.desk import operations as ops
    from app.extensions import db

    agency = get_agency(db.session)
    base = public_base_url(db.session, app.config["PUBLIC_BASE_URL"])
    return ops.DeskContext(agency.code, base, ops.load_calendar(db.session))


@pytest.fixture
def receive(app: Flask) -> Callable[..., Received]:
    """``receive(**intake_fields)`` registers a dossier the way the desk does and commits."""
    from app import cipher, keyring
    from app.desk import operations as ops
    from app.extensions import db

    def _receive(procedure: str = "1.001193", now: datetime | None = None,
                 **fields: object) -> Received:
        with app.app_context():
            ops.seed_catalogue(db.session)
            ctx = _desk(app)
            data = ops.IntakeData(procedure_code=procedure, applicant_name=NAME,
                                  applicant_phone=PHONE, applicant_email=EMAIL,
                                  applicant_address=ADDRESS, personal_id=PERSONAL_ID,
                                  **fields)  # type: ignore[arg-type]
            result = ops.receive_dossier(db.session, ctx, data, key=keyring(app).active(),
                                         cipher=cipher(app), actor="staff:test",
                                         now=now or datetime.now(UTC))
            db.session.commit()
            found = result.dossier
            return Received(found.id, found.code, found.lookup_key, found.token,
                            ops.lookup_url(found, ctx.base_url))

    return _receive


@pytest.fixture
def move(app: Flask) -> Callable[..., None]:
    """``move(received, "processing", "result_ready", "returned")`` walks the workflow."""
    from app.desk import operations as ops
    from app.desk.workflow import Status
    from app.extensions import db
    from app.models.dossier import Dossier

    def _move(received: Received, *statuses: str, at: datetime | None = None) -> None:
        moment = at or datetime.now(UTC)
        with app.app_context():
            dossier = db.session.get(Dossier, received.id)
            assert dossier is not None
            calendar = ops.load_calendar(db.session)
            for step, status in enumerate(statuses):
                ops.change_status(db.session, dossier, Status(status), calendar=calendar,
                                  actor="staff:test", now=moment + timedelta(seconds=step),
                                  note="ghi chú nội bộ 0912345678")
            db.session.commit()

    return _move


@pytest.fixture
def returned(receive: Callable[..., Received], move: Callable[..., None]) -> Received:
    found = receive()
    move(found, "processing", "result_ready", "returned")
    return found
