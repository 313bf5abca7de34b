"""The VNeID registration and activation journey as versioned data, and a state machine over it.

The journey (steps, checks, known failures with fixes and referrals, hotline) lives in
``identity/data/guide_<effective-from>.json`` so the next decree means a new file, not new code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from identity._tables import parse_iso_date, read_text
from identity.eligibility import Level
from identity.errors import DataError, GuideError
from identity.versions import in_force

REFERRALS: Final = frozenset({"none", "police", "carrier", "hotline"})
PRIVATE_SECRETS: Final = frozenset({"otp", "password", "passcode"})
MAX_NOTE: Final = 500


@dataclass(frozen=True, slots=True)
class Text:
    """A user-visible sentence in Vietnamese first, English second."""

    vi: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.vi


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class Failure:
    """A known failure: what the citizen sees, the fix, and who to send them to."""

    code: str
    text: Text
    fix: Text
    referral: str
    """One of ``none``, ``police``, ``carrier``, ``hotline``."""


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    levels: frozenset[int]
    """Levels whose journey includes this step."""
    title: Text
    checks: tuple[Check, ...]
    failures: tuple[str, ...]
    """Codes of the failures known to happen at this step (keys of :attr:`Guide.failures`)."""


@dataclass(frozen=True, slots=True)
class Guide:
    """One version of the journey, in force from ``effective_from``."""

    effective_from: date
    legal_basis: str
    hotline: str
    never_ask: frozenset[str]
    """Secrets the desk must never ask for or store (at least OTP, password, passcode)."""
    privacy: Text
    level2_where: Mapping[str, Text]
    """Where level 2 is done, keyed by :class:`identity.eligibility.Where` value."""
    steps: tuple[Step, ...]
    failures: Mapping[str, Failure]

    @property
    def version(self) -> str:
        return self.effective_from.isoformat()

    def steps_for(self, level: Level) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if level in step.levels)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise GuideError("unknown_step", step_id)

    def failure(self, code: str) -> Failure:
        try:
            return self.failures[code]
        except KeyError:
            raise GuideError("unknown_reason", code) from None


def _text(raw: Any, where: str) -> Text:
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("vi"), str)
        or not isinstance(raw.get("en"), str)
    ):
        raise DataError(detail=f"{where}: needs vi and en text")
    return Text(raw["vi"], raw["en"])


def _failures(raw: Any, name: str) -> Mapping[str, Failure]:
    failures: dict[str, Failure] = {}
    for code, item in dict(raw).items():
        referral = item.get("referral")
        if referral not in REFERRALS:
            raise DataError(detail=f"{name}: failure {code} has bad referral {referral!r}")
        failures[code] = Failure(
            code,
            _text(item.get("text"), f"{name}:{code}"),
            _text(item.get("fix"), f"{name}:{code}"),
            referral,
        )
    return MappingProxyType(failures)


def _steps(raw: Any, failures: Mapping[str, Failure], name: str) -> tuple[Step, ...]:
    steps: list[Step] = []
    for item in raw:
        step_id = str(item["id"])
        unknown = [code for code in item.get("failures", []) if code not in failures]
        if unknown or any(step.id == step_id for step in steps):
            raise DataError(
                detail=f"{name}: step {step_id} duplicated or cites unknown failures {unknown}"
            )
        steps.append(
            Step(
                id=step_id,
                levels=frozenset(int(level) for level in item["levels"]),
                title=_text(item.get("title"), f"{name}:{step_id}"),
                checks=tuple(
                    Check(str(c["id"]), _text(c.get("text"), f"{name}:{step_id}"))
                    for c in item.get("checks", [])
                ),
                failures=tuple(str(code) for code in item.get("failures", [])),
            )
        )
    return tuple(steps)


def guide_from_json(document: Mapping[str, Any], name: str = "guide") -> Guide:
    """Build and validate one guide version; raise :class:`DataError` naming what is wrong."""
    try:
        failures = _failures(document["failures"], name)
        privacy = document["privacy"]
        never_ask = frozenset(str(item) for item in privacy["never_ask"])
        guide = Guide(
            effective_from=parse_iso_date(str(document["effective_from"]), what=name),
            legal_basis=str(document["legal_basis"]),
            hotline=str(document["hotline"]),
            never_ask=never_ask,
            privacy=_text(privacy.get("text"), f"{name}:privacy"),
            level2_where=MappingProxyType(
                {
                    str(k): _text(v, f"{name}:level2_where")
                    for k, v in dict(document["level2_where"]).items()
                }
            ),
            steps=_steps(document["steps"], failures, name),
            failures=failures,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(detail=f"{name}: {exc!r}") from exc
    if not never_ask.issuperset(PRIVATE_SECRETS):
        raise DataError(detail=f"{name}: privacy.never_ask must include {sorted(PRIVATE_SECRETS)}")
    return guide


@functools.cache
def packaged_guides() -> tuple[Guide, ...]:
    """Every packaged guide version (files ``identity/data/guide_*.json``), oldest first."""
    names = sorted(
        entry.name
        for entry in resources.files("identity.data").iterdir()
        if entry.name.startswith("guide_") and entry.name.endswith(".json")
    )
    if not names:
        raise DataError(detail="no guide_*.json packaged")
    return tuple(guide_from_json(json.loads(read_text(name)), name) for name in names)


def guide_at(at: date, guides: tuple[Guide, ...] | None = None) -> Guide:
    """The guide version in force on ``at``."""
    return in_force(guides if guides is not None else packaged_guides(), at)


class StepStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


# Which status changes an officer may make. DONE -> PENDING undoes a mistaken click; FAILED ->
# FAILED records a second reason after a retry.
TRANSITIONS: Final[Mapping[StepStatus, frozenset[StepStatus]]] = MappingProxyType(
    {
        StepStatus.PENDING: frozenset({StepStatus.DONE, StepStatus.SKIPPED, StepStatus.FAILED}),
        StepStatus.FAILED: frozenset(
            {StepStatus.PENDING, StepStatus.DONE, StepStatus.SKIPPED, StepStatus.FAILED}
        ),
        StepStatus.SKIPPED: frozenset({StepStatus.PENDING, StepStatus.DONE, StepStatus.FAILED}),
        StepStatus.DONE: frozenset({StepStatus.PENDING}),
    }
)


@dataclass(frozen=True, slots=True)
class StepState:
    step_id: str
    status: StepStatus = StepStatus.PENDING
    reason: str | None = None
    """Known failure code (from the guide) for a failed or skipped step."""
    note: str | None = None
    """Free text when no listed reason fits; never an OTP, password or passcode."""


@dataclass(frozen=True, slots=True)
class Journey:
    """One citizen's progress through the guide version ``version`` for ``level``."""

    version: str
    level: Level
    states: tuple[StepState, ...]

    def state(self, step_id: str) -> StepState:
        for state in self.states:
            if state.step_id == step_id:
                return state
        raise GuideError("unknown_step", step_id)


@dataclass(frozen=True, slots=True)
class JourneySummary:
    done: int
    skipped: int
    failed: int
    pending: int
    remaining: tuple[str, ...]
    """Step ids still to do (pending or failed), in journey order."""
    failure_reasons: tuple[str, ...]
    """Failure codes recorded on failed steps, in journey order."""
    next_step: str | None

    @property
    def complete(self) -> bool:
        return not self.remaining


def start(guide: Guide, level: Level) -> Journey:
    """A fresh journey: every step of ``level`` pending."""
    steps = guide.steps_for(level)
    if not steps:
        raise GuideError("unknown_level", str(level))
    return Journey(guide.version, level, tuple(StepState(step.id) for step in steps))


def mark(
    journey: Journey,
    guide: Guide,
    step_id: str,
    status: StepStatus,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> Journey:
    """Move one step to ``status``; raise :class:`GuideError` on an illegal change.

    A failed step needs a reason: a failure code known to the guide, or a free-text note.
    """
    if guide.version != journey.version:
        raise GuideError("version_mismatch", f"{journey.version}!={guide.version}")
    current = journey.state(step_id)
    if status not in TRANSITIONS[current.status]:
        raise GuideError("invalid_transition", f"{current.status}->{status}")
    note = (note or "").strip()[:MAX_NOTE] or None
    if reason is not None:
        guide.failure(reason)
    if status is StepStatus.FAILED and reason is None and note is None:
        raise GuideError("reason_required", step_id)
    if status in (StepStatus.PENDING, StepStatus.DONE):
        reason, note = None, None
    updated = replace(current, status=status, reason=reason, note=note)
    return replace(
        journey, states=tuple(updated if s.step_id == step_id else s for s in journey.states)
    )


def summarise(journey: Journey) -> JourneySummary:
    """Counts, remaining steps, recorded failure reasons and the next step to work on."""
    counts = dict.fromkeys(StepStatus, 0)
    for state in journey.states:
        counts[state.status] += 1
    remaining = tuple(
        s.step_id for s in journey.states if s.status in (StepStatus.PENDING, StepStatus.FAILED)
    )
    return JourneySummary(
        done=counts[StepStatus.DONE],
        skipped=counts[StepStatus.SKIPPED],
        failed=counts[StepStatus.FAILED],
        pending=counts[StepStatus.PENDING],
        remaining=remaining,
        failure_reasons=tuple(
            s.reason
            for s in journey.states
            if s.status is StepStatus.FAILED and s.reason is not None
        ),
        next_step=remaining[0] if remaining else None,
    )


def next_step(journey: Journey) -> str | None:
    """The first step still pending or failed, or None when the journey is complete."""
    return summarise(journey).next_step
