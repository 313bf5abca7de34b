"""Figures computed from the case rows, checked by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activation.stats import activation_figures, cases_csv, figures_csv
from app.auth.operations import create_staff
from app.extensions import db
from app.models.activation import ActivationCase
from app.models.staff import Role


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session


def _case(
    session: Session,
    officer_id: int,
    name: str,
    started: datetime,
    *,
    level: int,
    outcome: str | None,
    reasons: list[str],
    minutes: int | None,
    key: str,
) -> None:
    closed = outcome is not None
    session.add(
        ActivationCase(
            public_key=key,
            officer_id=officer_id,
            officer_username=name,
            started_at=started,
            finished_at=started + timedelta(minutes=minutes or 0) if closed else None,
            status="closed" if closed else "open",
            id_kind="personal_id",
            personal_id_masked="",
            card_type="chip_cccd",
            citizenship="vietnamese",
            guardian="not_needed",
            level_sought=level,
            guide_version="2025-07-01",
            steps=[],
            outcome=outcome,
            referral="none",
            failure_reasons=reasons,
            notes="",
            duration_seconds=minutes * 60 if minutes else None,
        )
    )


@pytest.fixture
def seeded(session: Session) -> Session:
    an = create_staff(session, username="canbo_an", role=Role.OFFICER, password="x" * 12, actor="t")
    binh = create_staff(
        session, username="canbo_binh", role=Role.OFFICER, password="x" * 12, actor="t"
    )
    # 1 Dec 2026 09:00 local = 02:00 UTC; 23:30 UTC on 1 Dec is already 2 Dec in Hanoi.
    d1 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    _case(session, an.id, "an", d1, level=1, outcome="activated", reasons=[], minutes=10, key="k1")
    _case(
        session,
        an.id,
        "an",
        d1 + timedelta(hours=1),
        level=1,
        outcome="failed",
        reasons=["no_otp", "nfc_failed"],
        minutes=20,
        key="k2",
    )
    _case(
        session,
        binh.id,
        "binh",
        d1 + timedelta(hours=2),
        level=2,
        outcome="activated",
        reasons=["no_otp"],
        minutes=30,
        key="k3",
    )
    _case(
        session,
        binh.id,
        "binh",
        datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
        level=2,
        outcome="referred",
        reasons=["population_data_wrong"],
        minutes=40,
        key="k4",
    )
    _case(
        session,
        an.id,
        "an",
        datetime(2026, 12, 3, 3, 0, tzinfo=UTC),
        level=1,
        outcome=None,
        reasons=[],
        minutes=None,
        key="k5",
    )
    # Outside the period (30 Nov local).
    _case(
        session,
        an.id,
        "an",
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
        level=1,
        outcome="activated",
        reasons=[],
        minutes=5,
        key="k6",
    )
    session.flush()
    return session


@pytest.mark.both_databases
def test_hand_checked_figures(seeded: Session) -> None:
    figures = activation_figures(seeded, date(2026, 12, 1), date(2026, 12, 3))
    assert figures.cases == 5
    assert figures.closed == 4
    assert figures.per_day == (
        (date(2026, 12, 1), 3),
        (date(2026, 12, 2), 1),
        (date(2026, 12, 3), 1),
    )
    assert figures.per_officer == (("an", 3), ("binh", 2))
    level1, level2 = figures.by_level
    assert (level1.cases, level1.successes, level1.rate) == (2, 1, 0.5)
    assert (level2.cases, level2.successes, level2.rate) == (2, 1, 0.5)
    assert figures.top_failures[0] == ("no_otp", 2)
    assert dict(figures.top_failures) == {"no_otp": 2, "nfc_failed": 1, "population_data_wrong": 1}
    assert figures.median_seconds == 25 * 60  # median of 10, 20, 30, 40 minutes


def test_filter_by_officer(seeded: Session) -> None:
    an = seeded.scalar(
        select(ActivationCase.officer_id).where(ActivationCase.officer_username == "an").limit(1)
    )
    figures = activation_figures(seeded, date(2026, 12, 1), date(2026, 12, 3), officer_id=an)
    assert figures.cases == 3
    assert figures.per_officer == (("an", 3),)


def test_csv_exports(seeded: Session) -> None:
    body = figures_csv(activation_figures(seeded, date(2026, 12, 1), date(2026, 12, 3)))
    lines = body.splitlines()
    assert lines[0] == "section,key,value"
    assert "total,median_seconds,1500" in lines
    assert "level_success_rate,1,0.5000" in lines
    assert "failure_reason,no_otp,2" in lines
    listing = cases_csv(seeded, date(2026, 12, 1), date(2026, 12, 3)).splitlines()
    assert len(listing) == 6
    assert listing[4].split(",")[1].startswith("2026-12-02T06:30")


def test_empty_period(session: Session) -> None:
    figures = activation_figures(session, date(2026, 1, 1), date(2026, 1, 1))
    assert figures.cases == 0
    assert figures.median_seconds is None
    assert figures.by_level[0].rate is None
