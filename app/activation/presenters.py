"""Turn inspections, cases and guide data into plain view data for the templates.

Keeps the route functions thin and the templates free of domain rules.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from app.activation import messages as m
from app.activation.operations import Inspection, journey_of
from app.models.activation import ActivationCase
from identity.guide import Guide, StepStatus, summarise


@dataclass(frozen=True)
class Line:
    code: str
    text: str
    level: str = "bad"  # bad | warn | ok


@dataclass(frozen=True)
class LevelLine:
    level: int
    available: bool
    where: str
    reason: str
    on_request: bool


@dataclass(frozen=True)
class InspectionView:
    facts: dict[str, Any]
    consistent: bool
    usable: bool
    problems: list[Line]
    levels: list[LevelLine]
    phone: dict[str, Any] | None
    place_text: str


def _place_text(facts: dict[str, Any]) -> str:
    """ "<old province> (nay thuộc <province since 1/7/2025>)", or the country abroad."""
    from flask_babel import gettext

    if facts.get("province"):
        now = facts.get("province_now")
        if not now:
            return str(facts["province"])
        return str(gettext("%(old)s (nay thuộc %(new)s)", old=facts["province"], new=now))
    if facts.get("country"):
        return str(
            gettext("%(country)s (đăng ký khai sinh ở nước ngoài)", country=facts["country"])
        )
    return ""


def inspection_view(inspection: Inspection) -> InspectionView:
    facts = inspection.facts
    problems = [Line(e["code"], m.say(m.ID_ISSUES, e["code"])) for e in facts["errors"]]
    problems += [Line(w["code"], m.say(m.ID_ISSUES, w["code"]), "warn") for w in facts["warnings"]]
    levels = []
    if inspection.eligibility is not None:
        levels = [
            LevelLine(
                o.level,
                o.available,
                m.say(m.WHERE, o.where.value if o.where else None),
                m.say(m.REASONS, o.reason),
                o.on_request,
            )
            for o in inspection.eligibility.levels
        ]
    phone = None
    if inspection.phone is not None:
        p = inspection.phone
        phone = {
            "national": p.national,
            "carrier": m.CARRIERS.get(p.carrier or "", ""),
            "errors": [m.say(m.PHONE_ISSUES, c) for c in p.errors],
            "warnings": [m.say(m.PHONE_ISSUES, c) for c in p.warnings],
            "suggestion": p.suggestion,
        }
    return InspectionView(
        facts=facts,
        consistent=inspection.id.valid,
        usable=inspection.usable,
        problems=problems,
        levels=levels,
        phone=phone,
        place_text=_place_text(facts),
    )


@dataclass(frozen=True)
class FailureView:
    code: str
    text: str
    fix: str
    referral: str


@dataclass(frozen=True)
class StepView:
    id: str
    number: int
    title: str
    checks: list[str]
    failures: list[FailureView]
    status: str
    status_text: str
    reason: str
    note: str
    is_next: bool


@dataclass(frozen=True)
class ChecklistView:
    steps: list[StepView]
    remaining: int
    done: int
    failed: int
    skipped: int
    next_step: str | None
    hotline: str
    privacy: str
    level2_where: str
    failure_reasons: list[str] = field(default_factory=list)


def _level2_where(guide: Guide, case: ActivationCase) -> str:
    key = "immigration_police" if case.citizenship.startswith("foreigner") else "police"
    return m.text(guide.level2_where.get(key))


def checklist_view(case: ActivationCase) -> ChecklistView:
    guide, journey = journey_of(case)
    summary = summarise(journey)
    steps = []
    for number, state in enumerate(journey.states, start=1):
        step = guide.step(state.step_id)
        failures = [
            FailureView(
                code,
                m.text(guide.failures[code].text),
                m.text(guide.failures[code].fix),
                m.say(m.REFERRALS, guide.failures[code].referral),
            )
            for code in step.failures
        ]
        reason_text = ""
        if state.reason:
            reason_text = m.text(guide.failures[state.reason].text)
        steps.append(
            StepView(
                id=step.id,
                number=number,
                title=m.text(step.title),
                checks=[m.text(c.text) for c in step.checks],
                failures=failures,
                status=state.status.value,
                status_text=m.say(m.STATUSES, state.status.value),
                reason=reason_text,
                note=state.note or "",
                is_next=state.step_id == summary.next_step,
            )
        )
    return ChecklistView(
        steps=steps,
        remaining=len(summary.remaining),
        done=summary.done,
        failed=summary.failed,
        skipped=summary.skipped,
        next_step=summary.next_step,
        hotline=guide.hotline,
        privacy=m.text(guide.privacy),
        level2_where=_level2_where(guide, case),
        failure_reasons=[m.text(guide.failures[c].text) for c in summary.failure_reasons],
    )


@dataclass(frozen=True)
class PublicView:
    """The citizen's page: remaining steps, fixes, level-2 place, hotline. No personal data."""

    level: int
    remaining: list[tuple[str, list[str]]]
    """(step title, fixes for the failures met at that step)."""
    level2_where: str
    hotline: str
    privacy: str
    complete: bool


def public_view(case: ActivationCase) -> PublicView:
    guide, journey = journey_of(case)
    remaining = []
    for state in journey.states:
        if state.status not in (StepStatus.PENDING, StepStatus.FAILED):
            continue
        step = guide.step(state.step_id)
        fixes = [m.text(guide.failures[state.reason].fix)] if state.reason else []
        remaining.append((m.text(step.title), fixes))
    return PublicView(
        level=case.level_sought,
        remaining=remaining,
        level2_where=_level2_where(guide, case),
        hotline=guide.hotline,
        privacy=m.text(guide.privacy),
        complete=not remaining,
    )


def qr_data_uri(url: str) -> str:
    """PNG QR of ``url`` as a data URI (CSP allows data: images)."""
    import io

    import qrcode
    import qrcode.constants
    from qrcode.image.pil import PilImage

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
