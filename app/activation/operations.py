"""Domain actions of the activation desk: inspect, open, walk, close and purge cases.

Operations only flush; the request (or CLI command) commits once. The personal ID goes in
encrypted, hashed and masked, and never into a log line or the audit log.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.crypto import FieldCipher
from app.errors import AppError, Conflict, NotFound
from app.models.activation import ActivationCase
from app.models.staff import Staff
from identity.eligibility import (
    CardType,
    Citizenship,
    Eligibility,
    Guardian,
    Level,
    eligibility,
)
from identity.errors import GuideError
from identity.guide import (
    Guide,
    Journey,
    JourneySummary,
    StepState,
    StepStatus,
    guide_at,
    mark,
    packaged_guides,
    start,
    summarise,
)
from identity.inspect import describe
from identity.personal_id import IdNumber, Sex, parse_id
from identity.phone import Phone, parse_phone

ID_CONTEXT: Final = "activation.personal_id"
OUTCOMES: Final = ("activated", "pending_approval", "referred", "failed", "abandoned")
SUCCESS: Final = "activated"
REFERRALS: Final = ("none", "police", "carrier", "hotline", "immigration_police")
OTHER_REASON: Final = "other"
# OTPs and passcodes are 6 digits, passwords often contain digit runs, IDs are 9-12 digits:
# a note with six or more digits in a row is refused rather than stored.
_DIGIT_RUN = re.compile(r"\d{6,}")
_HOTLINE_DIGITS = "19000368"


class ActivationError(AppError):
    """Raised when a desk action on an activation case is not possible (see ``code``)."""

    code = "activation_error"


@dataclass(frozen=True)
class Intake:
    """What the officer typed: the card's facts, never an OTP, password or passcode."""

    number: str
    dob: date | None
    sex: Sex | None
    card: CardType
    citizenship: Citizenship
    guardian: Guardian
    phone: str = ""


@dataclass(frozen=True)
class Inspection:
    """Everything the desk shows at once about an intake."""

    id: IdNumber
    facts: dict[str, Any]
    """``identity.inspect.describe`` of the number (masked, codes only)."""
    eligibility: Eligibility | None
    phone: Phone | None

    @property
    def usable(self) -> bool:
        """A case may be opened: the number is well formed, known and consistent."""
        return self.id.valid and self.id.kind is not None and self.eligibility is not None


def inspect_intake(intake: Intake, today: date) -> Inspection:
    """Parse the number, check it against the card, decide eligibility, check the phone."""
    parsed = parse_id(intake.number, today=today, dob=intake.dob, sex=intake.sex)
    card = intake.card
    if parsed.kind == "cmnd" and card in (CardType.CHIP_CCCD, CardType.CAN_CUOC):
        card = CardType.OLD_CMND  # a 9-digit number cannot be on a chip card
    levels = (
        eligibility(
            dob=intake.dob,
            today=today,
            card=card,
            citizenship=intake.citizenship,
            guardian=intake.guardian,
        )
        if intake.dob is not None
        else None
    )
    phone = parse_phone(intake.phone, today=today) if intake.phone.strip() else None
    return Inspection(parsed, describe(parsed), levels, phone)


def _guide(version: str) -> Guide:
    for guide in packaged_guides():
        if guide.version == version:
            return guide
    raise ActivationError(code="guide_version_missing")


def journey_of(case: ActivationCase) -> tuple[Guide, Journey]:
    """The guide version the case was opened under, and its journey as stored."""
    guide = _guide(case.guide_version)
    states = tuple(
        StepState(s["step_id"], StepStatus(s["status"]), s.get("reason"), s.get("note"))
        for s in case.steps
    )
    level: Level = 2 if case.level_sought == 2 else 1
    return guide, Journey(guide.version, level, states)


def _store_journey(case: ActivationCase, journey: Journey) -> None:
    case.steps = [
        {"step_id": s.step_id, "status": s.status.value, "reason": s.reason, "note": s.note}
        for s in journey.states
    ]


def id_hash(cipher: FieldCipher, number: IdNumber) -> str:
    return cipher.keyed_hash(number.number or "", ID_CONTEXT)


def previous_visits(
    session: Session, cipher: FieldCipher, number: IdNumber, *, exclude: int | None = None
) -> Sequence[ActivationCase]:
    """Earlier cases of the same person, found by keyed hash (never by the clear number)."""
    if number.number is None:
        return []
    query = select(ActivationCase).where(ActivationCase.personal_id_hash == id_hash(cipher, number))
    if exclude is not None:
        query = query.where(ActivationCase.id != exclude)
    return session.scalars(query.order_by(ActivationCase.started_at.desc())).all()


def open_case(
    session: Session,
    cipher: FieldCipher,
    *,
    intake: Intake,
    level: int,
    officer: Staff,
    now: datetime,
    today: date,
    ip: str = "",
) -> ActivationCase:
    """Start a case for a usable intake; the journey is the guide version in force today."""
    inspection = inspect_intake(intake, today)
    if not inspection.usable or inspection.eligibility is None:
        raise ActivationError(code="id_not_usable", field="number")
    if level not in (1, 2):
        raise ActivationError(code="bad_level", field="level")
    guide = guide_at(today)
    parsed = inspection.id
    case = ActivationCase(
        public_key=secrets.token_urlsafe(24),
        officer_id=officer.id,
        officer_username=officer.username,
        started_at=now,
        status="open",
        id_kind=parsed.kind or "",
        personal_id_enc=cipher.encrypt(parsed.number or "", ID_CONTEXT),
        personal_id_hash=id_hash(cipher, parsed),
        personal_id_masked=parsed.masked,
        age_years=inspection.eligibility.age,
        card_type=intake.card.value,
        citizenship=intake.citizenship.value,
        guardian=intake.guardian.value,
        level_sought=level,
        guide_version=guide.version,
        steps=[],
        referral="none",
        failure_reasons=[],
        notes="",
    )
    _store_journey(case, start(guide, 2 if level == 2 else 1))
    session.add(case)
    session.flush()
    record(
        session,
        actor=f"staff:{officer.username}",
        action="activation.open",
        target=f"activation_case:{case.id}",
        details={"level": level, "guide": guide.version},
        ip=ip,
        at=now,
    )
    return case


def check_note(note: str | None) -> str | None:
    """Refuse free text that looks like an OTP, passcode, password or ID number."""
    if note is None:
        return None
    compact = re.sub(r"[\s.\-]", "", note).replace(_HOTLINE_DIGITS, "")
    if _DIGIT_RUN.search(compact):
        raise ActivationError(code="note_has_secret", field="note")
    return note.strip() or None


def get_case(session: Session, case_id: int) -> ActivationCase:
    case = session.get(ActivationCase, case_id)
    if case is None:
        raise NotFound(code="activation_case_not_found")
    return case


def record_step(
    session: Session,
    case: ActivationCase,
    *,
    step_id: str,
    status: StepStatus,
    reason: str | None,
    note: str | None,
    actor: str = "",
    ip: str = "",
) -> JourneySummary:
    """Mark one step of an open case; return the journey summary after the change."""
    if case.status != "open":
        raise Conflict(code="activation_case_closed")
    guide, journey = journey_of(case)
    if reason == OTHER_REASON:
        reason = None
    try:
        journey = mark(journey, guide, step_id, status, reason=reason, note=check_note(note))
    except GuideError as exc:
        raise ActivationError(code=f"step_{exc.code}", field="reason") from exc
    _store_journey(case, journey)
    session.flush()
    if actor:
        # Codes only: the free-text note may hold personal data and stays out of the audit log.
        record(
            session,
            actor=actor,
            action="activation.step",
            target=f"activation_case:{case.id}",
            details={"step": step_id, "status": status.value, "reason": reason},
            ip=ip,
        )
    return summarise(journey)


def close_case(
    session: Session,
    case: ActivationCase,
    *,
    outcome: str,
    referral: str,
    notes: str | None,
    now: datetime,
    actor: str,
    ip: str = "",
) -> ActivationCase:
    """Record the outcome, referral, failure reasons and time spent; the case becomes read-only."""
    if case.status != "open":
        raise Conflict(code="activation_case_closed")
    if outcome not in OUTCOMES:
        raise ActivationError(code="bad_outcome", field="outcome")
    if referral not in REFERRALS:
        raise ActivationError(code="bad_referral", field="referral")
    _, journey = journey_of(case)
    case.failure_reasons = [
        s.reason or OTHER_REASON for s in journey.states if s.status is StepStatus.FAILED
    ]
    case.outcome = outcome
    case.referral = referral
    case.notes = check_note(notes) or ""
    case.finished_at = now
    case.duration_seconds = max(0, int((now - case.started_at).total_seconds()))
    case.status = "closed"
    session.flush()
    record(
        session,
        actor=actor,
        action="activation.close",
        target=f"activation_case:{case.id}",
        details={"outcome": outcome, "referral": referral, "reasons": case.failure_reasons},
        ip=ip,
        at=now,
    )
    return case


def case_by_public_key(session: Session, key: str) -> ActivationCase:
    """The case behind a guide card's QR; unknown keys are simply not found."""
    if not key or len(key) > 64:
        raise NotFound(code="activation_card_not_found")
    case = session.scalar(select(ActivationCase).where(ActivationCase.public_key == key))
    if case is None or not secrets.compare_digest(case.public_key, key):
        raise NotFound(code="activation_card_not_found")
    return case


def purge_expired(session: Session, *, now: datetime, retention_days: int) -> int:
    """Clear personal data of cases older than the retention period; return how many."""
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(
        update(ActivationCase)
        .where(ActivationCase.purged_at.is_(None))
        .where(
            or_(
                ActivationCase.finished_at < cutoff,
                ActivationCase.finished_at.is_(None) & (ActivationCase.started_at < cutoff),
            )
        )
        .values(
            personal_id_enc=None,
            personal_id_hash=None,
            personal_id_masked="",
            age_years=None,
            notes="",
            purged_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    purged = int(getattr(result, "rowcount", 0) or 0)
    if purged:
        _clear_step_notes(session, now)
    session.flush()
    return purged


def _clear_step_notes(session: Session, now: datetime) -> None:
    """Free-text step notes live inside the JSON steps: rewrite them for the rows just purged."""
    rows = session.scalars(select(ActivationCase).where(ActivationCase.purged_at == now)).all()
    for case in rows:
        case.steps = [{**step, "note": None} for step in case.steps]
