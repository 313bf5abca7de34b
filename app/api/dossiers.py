"""The dossier operations the API exposes: thin adapters over the desk's own operations.

Intake, status changes and look-ups are ``app.desk.operations`` (the same code the desk form and
the CLI use); this module only maps JSON to their inputs and their results to the API's JSON.
The desk operations audit with the caller as actor (``client:<id>``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.admin.agency import get_agency, public_base_url
from app.api.problems import InvalidInput
from app.desk import operations as ops
from app.desk.settings import calendar_config
from app.desk.timeliness import ZONE
from app.desk.workflow import NoteRequiredError, Status, TransitionError
from app.errors import Conflict, NotFound
from app.models.dossier import Dossier


def _now() -> datetime:
    return datetime.now(UTC)


def _base_url(session: Session) -> str:
    return public_base_url(session, current_app.config["PUBLIC_BASE_URL"])


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZONE).isoformat()


def to_json(session: Session, dossier: Dossier, now: datetime) -> dict[str, Any]:
    base = _base_url(session)
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name_vi,
        "procedure_name_en": dossier.procedure_name_en,
        "applicant_initials": ops.mask_name(dossier.applicant_name),
        "status": dossier.status,
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "lookup_url": ops.lookup_url(dossier, base),
        "receipt_pdf_url": f"{base}/desk/d/{dossier.code}/receipt.pdf",
        "timeliness": ops.dossier_timeliness(dossier, now).value,
        "collect_method": dossier.collect_method,
        "fee_vnd": dossier.fee_vnd,
        "timeline": [{"status": e.to_status, "at": _iso(e.at), "note": e.note or ""}
                     for e in dossier.events],
    }


def _find(session: Session, code: str) -> Dossier:
    found = session.scalars(select(Dossier).where(Dossier.code == code)).first()
    if found is None:
        raise NotFound("no dossier with this code", code="dossier_not_found")
    return found


def _intake_data(body: dict[str, Any]) -> ops.IntakeData:
    applicant = body["applicant"]
    return ops.IntakeData(
        procedure_code=body["procedure_code"],
        applicant_name=applicant["name"],
        applicant_phone=applicant.get("phone", ""),
        applicant_email=applicant.get("email", ""),
        applicant_address=applicant.get("address", ""),
        personal_id=applicant.get("personal_id", ""),
        documents=tuple(ops.ReceivedItem(d["name"], d.get("sets", 1), d.get("original", False))
                        for d in body.get("documents", [])),
        sets=body.get("sets", 1),
        collect_method=body.get("collect_method", "desk"),
        collect_address=body.get("collect_address", ""),
        fee_vnd=body.get("fee_vnd"),
        idempotency_key=body.get("idempotency_key", ""),
    )


def create(session: Session, body: dict[str, Any], *, actor: str) -> tuple[dict[str, Any], bool]:
    """Receive a dossier exactly as the desk does (committed); returns (JSON, created)."""
    from app import cipher, keyring
    from app.desk.intake_tx import commit_intake

    data = _intake_data(body)
    ctx = ops.DeskContext(get_agency(session).code, _base_url(session),
                          calendar_config(current_app.config))
    key = keyring(current_app).active()
    now = _now()
    result = commit_intake(session, lambda: ops.receive_dossier(
        session, ctx, data, key=key, cipher=cipher(current_app), actor=actor, now=now),
        data.idempotency_key)
    return to_json(session, result.dossier, now), result.created


def read(session: Session, code: str) -> dict[str, Any]:
    return to_json(session, _find(session, code), _now())


def transition(session: Session, code: str, body: dict[str, Any], *,
               actor: str) -> dict[str, Any]:
    """Apply a workflow move (flushes; the caller commits)."""
    dossier = _find(session, code)
    now = _now()
    try:
        ops.change_status(session, dossier, Status(body["status"]),
                          calendar=ops.load_calendar(session, calendar_config(current_app.config)),
                          actor=actor, now=now,
                          note=body.get("note", ""))
    except NoteRequiredError as exc:
        raise InvalidInput("/note: required for this status", field="/note",
                           code=exc.code) from exc
    except TransitionError as exc:
        raise Conflict(f"{dossier.status} -> {body['status']} is not allowed", code=exc.code,
                       field="/status") from exc
    return to_json(session, dossier, now)


def statistics(session: Session, query: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's own figures for the period (``app.dashboard``), as its JSON."""
    from app.dashboard.period import Filters, PeriodError
    from app.dashboard.stats import stats_payload

    filters = Filters(agency_code=query.get("agency_code"),
                      procedure_code=query.get("procedure_code"))
    try:
        return stats_payload(session, query["from"], query["to"], filters=filters)
    except PeriodError as exc:
        raise InvalidInput(f"/to: {exc}", field="/to", code=exc.code) from exc
