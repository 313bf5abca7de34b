"""Operations without the web layer: storage, repeat visits, closing, purge."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app import cipher
from app.activation import operations as ops
from app.auth.operations import create_staff
from app.crypto import FieldCipher
from app.errors import AppError
from app.extensions import db
from app.models.staff import Role, Staff
from identity.eligibility import CardType, Citizenship, Guardian
from identity.guide import StepStatus
from identity.personal_id import parse_id

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 29)
INTAKE = ops.Intake(
    "036089012345",
    date(1989, 4, 1),
    "M",
    CardType.CHIP_CCCD,
    Citizenship.VIETNAMESE,
    Guardian.NOT_NEEDED,
)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


@pytest.fixture
def keys(app: Flask) -> FieldCipher:
    return cipher(app)


@pytest.fixture
def staff(session: Session) -> Staff:
    return create_staff(
        session,
        username="canbo1",
        role=Role.OFFICER,
        password="x" * 12,
        full_name="Cán bộ 1",
        actor="test",
    )


def test_open_case_encrypts_hashes_and_masks(
    session: Session, keys: FieldCipher, staff: Staff
) -> None:
    case = ops.open_case(session, keys, intake=INTAKE, level=2, officer=staff, now=NOW, today=TODAY)
    assert case.personal_id_enc is not None
    assert keys.decrypt(case.personal_id_enc, ops.ID_CONTEXT) == "036089012345"
    assert case.personal_id_hash == keys.keyed_hash("036089012345", ops.ID_CONTEXT)
    assert case.personal_id_masked == "036******345"
    assert case.guide_version == "2025-07-01"
    assert case.steps[-1]["step_id"] == "level2_referral"
    assert case.age_years == 37


def test_unusable_intake_cannot_open(session: Session, keys: FieldCipher, staff: Staff) -> None:
    bad = ops.Intake(
        "036089012345",
        date(1990, 4, 1),
        "M",
        CardType.CHIP_CCCD,
        Citizenship.VIETNAMESE,
        Guardian.NOT_NEEDED,
    )
    with pytest.raises(AppError) as excinfo:
        ops.open_case(session, keys, intake=bad, level=1, officer=staff, now=NOW, today=TODAY)
    assert excinfo.value.code == "id_not_usable"


def test_cmnd_on_a_chip_card_is_treated_as_old_cmnd() -> None:
    intake = ops.Intake(
        "012345678",
        date(1980, 1, 1),
        "M",
        CardType.CHIP_CCCD,
        Citizenship.VIETNAMESE,
        Guardian.NOT_NEEDED,
    )
    inspection = ops.inspect_intake(intake, TODAY)
    assert inspection.usable
    assert inspection.eligibility is not None
    assert inspection.eligibility.available_levels == ()
    assert inspection.eligibility.option(1).reason == "old_cmnd_no_chip"


def test_repeat_visits_by_keyed_hash(session: Session, keys: FieldCipher, staff: Staff) -> None:
    first = ops.open_case(
        session, keys, intake=INTAKE, level=1, officer=staff, now=NOW, today=TODAY
    )
    parsed = parse_id("036 089 012345", today=TODAY)
    assert [c.id for c in ops.previous_visits(session, keys, parsed)] == [first.id]
    other = parse_id("036089012346", today=TODAY)
    assert ops.previous_visits(session, keys, other) == []


def test_steps_close_and_reasons(session: Session, keys: FieldCipher, staff: Staff) -> None:
    case = ops.open_case(session, keys, intake=INTAKE, level=1, officer=staff, now=NOW, today=TODAY)
    ops.record_step(
        session, case, step_id="scan_card", status=StepStatus.FAILED, reason="no_nfc", note=None
    )
    ops.record_step(
        session,
        case,
        step_id="face_photo",
        status=StepStatus.FAILED,
        reason="other",
        note="trời tối",
    )
    summary = ops.record_step(
        session, case, step_id="check_documents", status=StepStatus.DONE, reason=None, note=None
    )
    assert summary.next_step == "install_app"
    ops.close_case(
        session,
        case,
        outcome="failed",
        referral="none",
        notes="",
        now=NOW + timedelta(minutes=12),
        actor="test",
    )
    assert case.failure_reasons == ["no_nfc", "other"]
    assert case.duration_seconds == 12 * 60
    with pytest.raises(AppError) as excinfo:
        ops.record_step(
            session, case, step_id="register", status=StepStatus.DONE, reason=None, note=None
        )
    assert excinfo.value.code == "activation_case_closed"


@pytest.mark.parametrize("note", ["OTP 123456", "mk 12-34-56", "số 036089012345"])
def test_notes_with_codes_are_refused(note: str) -> None:
    with pytest.raises(AppError) as excinfo:
        ops.check_note(note)
    assert excinfo.value.code == "note_has_secret"


def test_notes_may_cite_the_hotline() -> None:
    assert ops.check_note("đã gọi 1900 0368") == "đã gọi 1900 0368"


@pytest.mark.both_databases
def test_purge_clears_personal_data_after_retention(
    session: Session, keys: FieldCipher, staff: Staff
) -> None:
    old = ops.open_case(
        session,
        keys,
        intake=INTAKE,
        level=1,
        officer=staff,
        now=NOW - timedelta(days=100),
        today=TODAY,
    )
    ops.record_step(
        session, old, step_id="activate", status=StepStatus.FAILED, reason="no_otp", note="SIM mới"
    )
    ops.close_case(
        session,
        old,
        outcome="failed",
        referral="carrier",
        notes="gọi lại",
        now=NOW - timedelta(days=100) + timedelta(minutes=5),
        actor="test",
    )
    fresh = ops.open_case(
        session, keys, intake=INTAKE, level=2, officer=staff, now=NOW, today=TODAY
    )
    session.commit()
    assert ops.purge_expired(session, now=NOW, retention_days=90) == 1
    session.commit()
    session.expire_all()
    assert old.personal_id_enc is None
    assert old.personal_id_hash is None
    assert old.personal_id_masked == ""
    assert old.notes == ""
    assert all(step["note"] is None for step in old.steps)
    assert old.failure_reasons == ["no_otp"]  # anonymous figures stay
    assert old.duration_seconds == 300
    assert fresh.personal_id_enc is not None
    assert ops.purge_expired(session, now=NOW, retention_days=90) == 0
