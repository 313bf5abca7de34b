"""The versioned activation guide and its state machine."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from identity._tables import read_text
from identity.errors import DataError, GuideError, NoVersionInForce
from identity.guide import (
    StepStatus,
    guide_at,
    guide_from_json,
    mark,
    next_step,
    packaged_guides,
    start,
    summarise,
)

TODAY = date(2026, 11, 29)


@pytest.fixture
def guide():  # type: ignore[no-untyped-def]
    return guide_at(TODAY)


@pytest.fixture
def raw_guide() -> dict[str, Any]:
    return json.loads(read_text("guide_2025-07-01.json"))


def test_version_in_force_follows_the_date() -> None:
    assert guide_at(date(2024, 7, 1)).version == "2024-07-01"
    assert guide_at(date(2025, 6, 30)).version == "2024-07-01"
    assert guide_at(date(2025, 7, 1)).version == "2025-07-01"
    with pytest.raises(NoVersionInForce):
        guide_at(date(2024, 6, 30))


def test_every_version_has_hotline_privacy_and_level2_place() -> None:
    for version in packaged_guides():
        assert version.hotline == "1900 0368"
        assert {"otp", "password", "passcode"} <= version.never_ask
        assert "police" in version.level2_where
        assert all(version.failure(code) for step in version.steps for code in step.failures)


def test_level2_journey_adds_the_police_referral(guide) -> None:  # type: ignore[no-untyped-def]
    level1 = [s.id for s in guide.steps_for(1)]
    level2 = [s.id for s in guide.steps_for(2)]
    assert "level2_referral" not in level1
    assert level2[-1] == "level2_referral"
    assert set(level1) < set(level2)


def test_walk_a_journey(guide) -> None:  # type: ignore[no-untyped-def]
    journey = start(guide, 1)
    first = journey.states[0].step_id
    assert next_step(journey) == first
    journey = mark(journey, guide, first, StepStatus.DONE)
    journey = mark(journey, guide, "install_app", StepStatus.SKIPPED, note="đã cài sẵn")
    journey = mark(journey, guide, "activate", StepStatus.FAILED, reason="no_otp")
    summary = summarise(journey)
    assert summary.done == 1
    assert summary.skipped == 1
    assert summary.failed == 1
    assert summary.failure_reasons == ("no_otp",)
    assert summary.next_step == "register"
    assert "activate" in summary.remaining
    assert not summary.complete
    for state in journey.states:
        if state.status in (StepStatus.PENDING, StepStatus.FAILED):
            journey = mark(journey, guide, state.step_id, StepStatus.DONE)
    assert summarise(journey).complete
    assert next_step(journey) is None


def test_failed_needs_a_reason_or_note(guide) -> None:  # type: ignore[no-untyped-def]
    journey = start(guide, 1)
    with pytest.raises(GuideError) as excinfo:
        mark(journey, guide, "activate", StepStatus.FAILED)
    assert excinfo.value.code == "reason_required"
    free = mark(journey, guide, "activate", StepStatus.FAILED, note="  máy hết pin  ")
    assert free.state("activate").note == "máy hết pin"


def test_unknown_reason_step_and_illegal_transition_raise(guide) -> None:  # type: ignore[no-untyped-def]
    journey = start(guide, 1)
    with pytest.raises(GuideError, match="unknown_reason"):
        mark(journey, guide, "activate", StepStatus.FAILED, reason="made_up")
    with pytest.raises(GuideError, match="unknown_step"):
        mark(journey, guide, "level2_referral", StepStatus.DONE)
    done = mark(journey, guide, "activate", StepStatus.DONE)
    with pytest.raises(GuideError, match="invalid_transition"):
        mark(done, guide, "activate", StepStatus.FAILED, reason="no_otp")
    undone = mark(done, guide, "activate", StepStatus.PENDING)
    assert undone.state("activate").status is StepStatus.PENDING


def test_done_clears_an_earlier_failure_reason(guide) -> None:  # type: ignore[no-untyped-def]
    journey = mark(start(guide, 1), guide, "scan_card", StepStatus.FAILED, reason="nfc_failed")
    journey = mark(journey, guide, "scan_card", StepStatus.DONE)
    assert journey.state("scan_card").reason is None
    assert summarise(journey).failure_reasons == ()


def test_journey_from_another_version_is_refused() -> None:
    old, new = guide_at(date(2024, 8, 1)), guide_at(TODAY)
    journey = start(old, 1)
    with pytest.raises(GuideError, match="version_mismatch"):
        mark(journey, new, "activate", StepStatus.DONE)


def test_guide_without_privacy_rule_is_rejected(raw_guide: dict[str, Any]) -> None:
    raw_guide["privacy"]["never_ask"] = ["otp"]
    with pytest.raises(DataError):
        guide_from_json(raw_guide)


def test_step_citing_unknown_failure_is_rejected(raw_guide: dict[str, Any]) -> None:
    raw_guide["steps"][0]["failures"].append("nope")
    with pytest.raises(DataError, match="nope"):
        guide_from_json(raw_guide)


def test_a_new_version_needs_no_code(raw_guide: dict[str, Any]) -> None:
    raw_guide["effective_from"] = "2027-01-01"
    raw_guide["hotline"] = "1900 9999"
    future = guide_from_json(raw_guide)
    chosen = guide_at(date(2027, 2, 1), (*packaged_guides(), future))
    assert chosen.hotline == "1900 9999"
