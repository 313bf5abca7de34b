"""Status workflow, clock pause, apology letters, receipt reissue, catalogue versions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.desk import operations as ops
from app.desk import tokens
from app.desk.timeliness import ZONE, Timeliness, classify
from app.desk.workflow import (
    TRANSITIONS,
    ImpossibleTransitionError,
    NoteRequiredError,
    Status,
    check_transition,
)
from app.extensions import db
from app.keys import SigningKey
from app.models.audit import AuditEntry
from app.models.dossier import Dossier
from tests.helpers import csrf_token, new_signing_key

MONDAY_0930 = datetime(2026, 11, 30, 9, 30, tzinfo=ZONE)
BASE = "https://motcua.example.vn"


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


@pytest.fixture
def key() -> SigningKey:
    return new_signing_key()


@pytest.fixture
def ctx(session: Session) -> ops.DeskContext:
    return ops.DeskContext("000.00.01.H26", BASE, ops.load_calendar(session))


def receive(
    session: Session,
    ctx: ops.DeskContext,
    key: SigningKey,
    code: str = "LT-KS-TT-BHYT",
    now: datetime = MONDAY_0930,
) -> Dossier:
    result = ops.receive_dossier(
        session,
        ctx,
        ops.IntakeData(code, "Phạm Văn Dũng"),
        key=key,
        cipher=None,
        actor="staff:t",
        now=now,
    )
    session.commit()
    return result.dossier


# ----- pure rules ------------------------------------------------------------------------
def test_every_status_has_a_rule_and_final_states_are_final() -> None:
    assert set(TRANSITIONS) == set(Status)
    for final in (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN):
        assert TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.RETURNED, Status.PROCESSING),
        (Status.RECEIVED, Status.RETURNED),
        (Status.WAITING_SUPPLEMENT, Status.RESULT_READY),
        (Status.REFUSED, Status.PROCESSING),
        (Status.RESULT_READY, Status.PROCESSING),
    ],
)
def test_impossible_transitions_refused(current: Status, target: Status) -> None:
    with pytest.raises(ImpossibleTransitionError):
        check_transition(current, target, "ghi chú")


@pytest.mark.parametrize("target", [Status.WAITING_SUPPLEMENT, Status.REFUSED, Status.WITHDRAWN])
def test_reason_required(target: Status) -> None:
    with pytest.raises(NoteRequiredError):
        check_transition(Status.PROCESSING, target, "  ")


def test_timeliness_rule() -> None:
    due = datetime(2026, 12, 3, 17, 0, tzinfo=ZONE)
    assert classify(due, due - timedelta(days=1), due) is Timeliness.EARLY
    assert classify(due, due - timedelta(hours=2), due) is Timeliness.ON_TIME
    assert classify(due, due, due) is Timeliness.ON_TIME
    assert classify(due, due + timedelta(minutes=1), due) is Timeliness.OVERDUE
    assert classify(due, None, due + timedelta(seconds=1)) is Timeliness.OVERDUE
    assert classify(due, None, due - timedelta(days=1)) is Timeliness.IN_PROGRESS


# ----- with a database -------------------------------------------------------------------
def test_due_time_from_catalogue(session: Session, ctx: ops.DeskContext, key: SigningKey) -> None:
    dossier = receive(session, ctx, key)  # 3 working days, Monday 09:30
    assert dossier.due_at == datetime(2026, 12, 3, 17, 0, tzinfo=ZONE)
    same_day = receive(session, ctx, key, code="1.001193")  # 4 working hours
    assert same_day.due_at == datetime(2026, 11, 30, 15, 0, tzinfo=ZONE)  # 2 h + lunch + 2 h


def test_supplement_pauses_the_clock(session: Session, ctx: ops.DeskContext,
                                     key: SigningKey) -> None:
    dossier = receive(session, ctx, key)
    cal = ctx.calendar
    ops.change_status(
        session,
        dossier,
        Status.PROCESSING,
        calendar=cal,
        actor="a",
        now=MONDAY_0930 + timedelta(minutes=30),
    )
    ops.change_status(
        session,
        dossier,
        Status.WAITING_SUPPLEMENT,
        calendar=cal,
        actor="a",
        now=datetime(2026, 12, 1, 10, 0, tzinfo=ZONE),
        note="Thiếu giấy chứng sinh",
    )
    assert (
        ops.dossier_timeliness(dossier, datetime(2026, 12, 10, tzinfo=ZONE))
        is Timeliness.IN_PROGRESS
    )
    ops.change_status(
        session,
        dossier,
        Status.PROCESSING,
        calendar=cal,
        actor="a",
        now=datetime(2026, 12, 2, 10, 0, tzinfo=ZONE),
    )
    session.commit()
    # one working day (8 h) paused: due moves from Thu 03/12 17:00 to Fri 04/12 17:00
    assert dossier.due_at == datetime(2026, 12, 4, 17, 0, tzinfo=ZONE)
    assert dossier.original_due_at == datetime(2026, 12, 3, 17, 0, tzinfo=ZONE)
    assert dossier.paused_since is None
    assert [e.to_status for e in dossier.events] == [
        "received",
        "processing",
        "waiting_supplement",
        "processing",
    ]


def test_finish_and_return(session: Session, ctx: ops.DeskContext, key: SigningKey) -> None:
    dossier = receive(session, ctx, key)
    for target in (Status.PROCESSING, Status.RESULT_READY, Status.RETURNED):
        ops.change_status(
            session,
            dossier,
            target,
            calendar=ctx.calendar,
            actor="a",
            now=datetime(2026, 12, 2, 9, tzinfo=ZONE),
        )
    session.commit()
    assert ops.dossier_timeliness(dossier, datetime(2027, 1, 1, tzinfo=ZONE)) is Timeliness.EARLY
    assert ops.public_view(dossier, datetime(2027, 1, 1, tzinfo=ZONE)).can_rate
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("dossier.status") == 3


def test_withdrawn_dossier_is_not_overdue_forever(
    session: Session, ctx: ops.DeskContext, key: SigningKey
) -> None:
    dossier = receive(session, ctx, key)
    ops.change_status(
        session,
        dossier,
        Status.WITHDRAWN,
        calendar=ctx.calendar,
        actor="a",
        now=datetime(2026, 12, 1, 9, tzinfo=ZONE),
        note="Công dân rút hồ sơ",
    )
    session.commit()
    assert dossier.finished_at is None
    later = datetime(2027, 1, 1, tzinfo=ZONE)
    # Withdrawn and refused dossiers are not timed (issue 5): never "overdue" months later.
    assert ops.dossier_timeliness(dossier, later) is Timeliness.NOT_TIMED


def test_apology_only_when_overdue(session: Session, ctx: ops.DeskContext, key: SigningKey) -> None:
    dossier = receive(session, ctx, key)
    before_due = datetime(2026, 12, 2, 9, tzinfo=ZONE)
    with pytest.raises(ops.NotOverdueError):
        ops.add_apology(
            session,
            dossier,
            reason="x",
            new_due_at=before_due + timedelta(days=3),
            actor="a",
            now=before_due,
        )
    late = datetime(2026, 12, 4, 9, tzinfo=ZONE)
    letter = ops.add_apology(
        session,
        dossier,
        reason="Chờ xác minh",
        actor="a",
        now=late,
        new_due_at=datetime(2026, 12, 8, 17, tzinfo=ZONE),
    )
    session.commit()
    view = ops.public_view(dossier, late)
    assert view.timeliness == "overdue"
    assert view.promised_at == letter.new_due_at


def test_reissue_revokes_old_token(session: Session, ctx: ops.DeskContext, key: SigningKey) -> None:
    dossier = receive(session, ctx, key)
    old_token, old_key, old_code = dossier.token, dossier.lookup_key, dossier.code
    jwks = tokens.build_jwks([key.private_key])
    ops.verify_receipt_token(session, old_token, jwks, BASE)
    new_token = ops.reissue_receipt(
        session,
        dossier,
        key=key,
        base_url=BASE,
        actor="a",
        reason="mất giấy",
        now=MONDAY_0930 + timedelta(hours=1),
    )
    session.commit()
    with pytest.raises(tokens.RevokedTokenError):
        ops.verify_receipt_token(session, old_token, jwks, BASE)
    assert ops.verify_receipt_token(session, new_token, jwks, BASE).claims.sub == old_code
    assert (dossier.lookup_key, dossier.code) == (old_key, old_code)


def test_lookup_by_key(session: Session, ctx: ops.DeskContext, key: SigningKey) -> None:
    dossier = receive(session, ctx, key)
    assert ops.find_by_lookup_key(session, dossier.lookup_key) is dossier
    assert ops.find_by_lookup_key(session, "A" * 22) is None
    assert ops.find_by_lookup_key(session, "../etc") is None
    assert ops.public_view(dossier, MONDAY_0930).applicant_initials == "P. V. D."


def test_catalogue_edit_never_rewrites_received_dossiers(
    session: Session, ctx: ops.DeskContext, key: SigningKey
) -> None:
    old = receive(session, ctx, key, code="2.000884")
    today = MONDAY_0930.date()
    ops.add_procedure_version(
        session,
        "2.000884",
        effective_from=today,
        name_vi="Chứng thực chữ ký (mới)",
        name_en="Signature certification (new)",
        processing_days=1,
        processing_hours=None,
        fee_vnd=20000,
        documents=[{"name_vi": "Giấy tờ", "required": True}],
        actor="admin",
        today=today,
    )
    session.commit()
    new = receive(session, ctx, key, code="2.000884")
    assert old.procedure_name_vi == "Chứng thực chữ ký trong các giấy tờ, văn bản"
    assert old.fee_vnd == 10000
    assert new.procedure_name_vi == "Chứng thực chữ ký (mới)"
    assert new.fee_vnd == 20000
    assert new.procedure_version_id != old.procedure_version_id
    with pytest.raises(ops.InvalidProcedureVersionError):
        ops.add_procedure_version(
            session,
            "2.000884",
            effective_from=today - timedelta(days=1),
            name_vi="x",
            name_en="",
            processing_days=1,
            processing_hours=None,
            fee_vnd=0,
            documents=[],
            actor="admin",
            today=today,
        )


def test_admin_day_off_moves_due_time(session: Session, key: SigningKey) -> None:
    from app.models.desk_calendar import CalendarDay

    session.add(CalendarDay(day=date(2026, 12, 1), kind="off", note="Bầu cử"))
    session.commit()
    ctx = ops.DeskContext("000.00.01.H26", BASE, ops.load_calendar(session))
    dossier = receive(session, ctx, key)
    assert dossier.due_at == datetime(2026, 12, 4, 17, 0, tzinfo=ZONE)


@pytest.mark.both_databases
def test_intake_reads_the_declared_days_itself(session: Session, key: SigningKey) -> None:
    """Given the office's settings (a CalendarConfig), the intake reads the admin's declared
    days with its own statement: each new declaration counts from the next intake on."""
    from app.desk.calendar import CalendarConfig
    from app.models.desk_calendar import CalendarDay

    ctx = ops.DeskContext("000.00.01.H26", BASE, CalendarConfig())
    assert receive(session, ctx, key).due_at == datetime(2026, 12, 3, 17, 0, tzinfo=ZONE)
    session.add(CalendarDay(day=date(2026, 12, 1), kind="off", note="Bầu cử"))
    session.commit()
    assert receive(session, ctx, key).due_at == datetime(2026, 12, 4, 17, 0, tzinfo=ZONE)
    session.add_all([CalendarDay(day=date(2026, 12, d), kind="off") for d in (2, 3, 4)])
    session.commit()
    assert receive(session, ctx, key).due_at == datetime(2026, 12, 9, 17, 0, tzinfo=ZONE)
    session.add(CalendarDay(day=date(2026, 12, 5), kind="work", note="Làm bù"))
    session.commit()  # a make-up Saturday (its afternoon too: the weekday sessions apply)
    assert receive(session, ctx, key).due_at == datetime(2026, 12, 8, 17, 0, tzinfo=ZONE)


# ----- through the web -------------------------------------------------------------------
@pytest.fixture
def web_dossier(app: Flask, client: FlaskClient, login: Callable[..., str]) -> str:
    login("officer")
    with app.app_context():
        from app import keyring

        ctx = ops.DeskContext("000.00.01.H26", "http://localhost", ops.load_calendar(db.session))
        return receive(db.session, ctx, keyring(app).active(), now=datetime.now(UTC)).code


def post_status(client: FlaskClient, code: str, target: str, note: str = "") -> str:
    token = csrf_token(client, f"/desk/d/{code}")
    response = client.post(
        f"/desk/d/{code}/status",
        data={
            "csrf_token": token,
            "target": target,
            "note": note,
            "handed_to": "Công chức tư pháp",
        },
        follow_redirects=True,
    )
    return response.get_data(as_text=True)


def test_web_workflow_and_control_sheet(client: FlaskClient, web_dossier: str) -> None:
    code = web_dossier
    assert "Đã cập nhật trạng thái" in post_status(client, code, "processing")
    assert "Cần ghi lý do" in post_status(client, code, "waiting_supplement")
    assert "Đã cập nhật trạng thái" in post_status(
        client, code, "waiting_supplement", "Thiếu tờ khai"
    )
    assert "Không thể chuyển" in post_status(client, code, "returned")
    post_status(client, code, "processing")
    post_status(client, code, "result_ready")
    page = post_status(client, code, "returned")
    assert "Đã trả kết quả" in page
    assert "Hồ sơ đã kết thúc." in page
    sheet = client.get(f"/desk/d/{code}/control-sheet").get_data(as_text=True)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in sheet
    assert sheet.count("Công chức tư pháp") == 5
    assert "Thiếu tờ khai" in sheet


def test_web_status_needs_csrf(client: FlaskClient, web_dossier: str) -> None:
    response = client.post(f"/desk/d/{web_dossier}/status", data={"target": "processing"})
    assert response.status_code == 400


def test_officer_cannot_edit_catalogue(client: FlaskClient, web_dossier: str) -> None:
    assert client.get("/desk/procedures/2.000884/edit").status_code == 403
    assert client.get("/desk/calendar").status_code == 403
    listing = client.get("/desk/procedures").get_data(as_text=True)
    assert "Chứng thực chữ ký trong các giấy tờ, văn bản" in listing


def test_admin_edits_catalogue_with_effective_date(
    app: Flask, client: FlaskClient, login: Callable[..., str]
) -> None:
    login("admin")
    token = csrf_token(client, "/desk/procedures/2.000884/edit")
    today = datetime.now(UTC).astimezone(ZONE).date()
    form = {
        "csrf_token": token,
        "name_vi": "Chứng thực chữ ký",
        "name_en": "Signature",
        "processing_days": "",
        "processing_hours": "2",
        "fee_vnd": "10000",
        "documents": "Giấy tờ tùy thân\nVăn bản cần chứng thực",
    }
    past = client.post(
        "/desk/procedures/2.000884/edit",
        data={**form, "effective_from": (today - timedelta(days=1)).isoformat()},
    )
    assert "Ngày áp dụng không được ở quá khứ." in past.get_data(as_text=True)
    both = client.post(
        "/desk/procedures/2.000884/edit",
        data={**form, "processing_days": "3", "effective_from": today.isoformat()},
    )
    assert "Nhập đúng một trong hai" in both.get_data(as_text=True)
    ok = client.post(
        "/desk/procedures/2.000884/edit",
        data={**form, "effective_from": (today + timedelta(days=7)).isoformat()},
    )
    assert ok.status_code == 302
    with app.app_context():
        rows = {r.code: r for r in ops.list_procedures(db.session, today + timedelta(days=7))}
        assert rows["2.000884"].name_vi == "Chứng thực chữ ký"
        rows_now = {r.code: r for r in ops.list_procedures(db.session, today)}
        assert rows_now["2.000884"].name_vi == "Chứng thực chữ ký trong các giấy tờ, văn bản"


def test_admin_declares_day_off(client: FlaskClient, login: Callable[..., str], app: Flask) -> None:
    login("admin")
    token = csrf_token(client, "/desk/calendar")
    response = client.post(
        "/desk/calendar",
        data={"csrf_token": token, "day": "2026-12-01", "kind": "off", "note": "Nghỉ bù"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert not ops.load_calendar(db.session).is_working_day(date(2026, 12, 1))


@pytest.mark.parametrize(
    "app_config", [{"DESK_SATURDAY_MORNING": True, "DESK_CUTOFF": "16:00"}], indirect=False
)
def test_calendar_settings_reach_the_intake(app: Flask, app_config: dict[str, object]) -> None:
    from app.desk.settings import calendar_config

    config = calendar_config(app.config)
    assert config.saturday_sessions
    assert config.cutoff.hour == 16
