"""Figures of the activation desk for a period, and their CSV export.

Computed from the case rows themselves (no counters that can drift). Days are counted in the
desk's zone (Asia/Ho_Chi_Minh). The dashboard calls :func:`activation_figures` and
:func:`figures_csv`; neither touches Flask.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.activation.operations import SUCCESS
from app.models.activation import ActivationCase

DESK_ZONE: Final = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class LevelRate:
    level: int
    cases: int
    """Closed cases that sought this level."""
    successes: int

    @property
    def rate(self) -> float | None:
        return self.successes / self.cases if self.cases else None


@dataclass(frozen=True)
class ActivationFigures:
    """Activation figures for the days ``start``..``end`` (inclusive, desk time)."""

    start: date
    end: date
    cases: int
    """Cases opened in the period."""
    closed: int
    per_day: tuple[tuple[date, int], ...]
    """Cases opened per day, every day of the period (zeros included)."""
    per_officer: tuple[tuple[str, int], ...]
    """Cases opened per officer username, most first."""
    by_level: tuple[LevelRate, ...]
    """Success (outcome ``activated``) among closed cases, level 1 then 2."""
    top_failures: tuple[tuple[str, int], ...]
    """Failure reason codes of closed cases, most frequent first."""
    outcomes: tuple[tuple[str, int], ...]
    median_seconds: float | None
    """Median time spent per closed case."""


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    first = datetime.combine(start, time.min, DESK_ZONE).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time.min, DESK_ZONE).astimezone(UTC)
    return first, after


def activation_figures(
    session: Session, start: date, end: date, *, officer_id: int | None = None
) -> ActivationFigures:
    """Compute the figures of cases opened between ``start`` and ``end`` (desk days)."""
    if end < start:
        raise ValueError("end before start")
    first, after = _utc_bounds(start, end)
    query = select(
        ActivationCase.started_at,
        ActivationCase.officer_username,
        ActivationCase.status,
        ActivationCase.level_sought,
        ActivationCase.outcome,
        ActivationCase.failure_reasons,
        ActivationCase.duration_seconds,
    ).where(ActivationCase.started_at >= first, ActivationCase.started_at < after)
    if officer_id is not None:
        query = query.where(ActivationCase.officer_id == officer_id)
    rows = session.execute(query).all()

    days: Counter[date] = Counter()
    officers: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    level_cases: Counter[int] = Counter()
    level_success: Counter[int] = Counter()
    durations: list[int] = []
    for started_at, officer, status, level, outcome, reasons, seconds in rows:
        days[started_at.astimezone(DESK_ZONE).date()] += 1
        officers[officer] += 1
        if status != "closed":
            continue
        outcomes[outcome or ""] += 1
        level_cases[level] += 1
        level_success[level] += outcome == SUCCESS
        failures.update(reasons or [])
        if seconds is not None:
            durations.append(seconds)
    span = (end - start).days + 1
    return ActivationFigures(
        start=start,
        end=end,
        cases=len(rows),
        closed=sum(outcomes.values()),
        per_day=tuple(
            (start + timedelta(days=i), days[start + timedelta(days=i)]) for i in range(span)
        ),
        per_officer=tuple(sorted(officers.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_level=tuple(LevelRate(lv, level_cases[lv], level_success[lv]) for lv in (1, 2)),
        top_failures=tuple(sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))),
        outcomes=tuple(sorted(outcomes.items(), key=lambda kv: (-kv[1], kv[0]))),
        median_seconds=float(statistics.median(durations)) if durations else None,
    )


def figures_csv(figures: ActivationFigures) -> str:
    """One CSV of every figure: ``section,key,value`` rows (codes, not translated text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "value"])
    writer.writerow(["period", "start", figures.start.isoformat()])
    writer.writerow(["period", "end", figures.end.isoformat()])
    writer.writerow(["total", "cases", figures.cases])
    writer.writerow(["total", "closed", figures.closed])
    median = "" if figures.median_seconds is None else f"{figures.median_seconds:.0f}"
    writer.writerow(["total", "median_seconds", median])
    for day, count in figures.per_day:
        writer.writerow(["per_day", day.isoformat(), count])
    for officer, count in figures.per_officer:
        writer.writerow(["per_officer", officer, count])
    for rate in figures.by_level:
        writer.writerow(["level_cases", rate.level, rate.cases])
        writer.writerow(["level_successes", rate.level, rate.successes])
        writer.writerow(
            ["level_success_rate", rate.level, "" if rate.rate is None else f"{rate.rate:.4f}"]
        )
    for code, count in figures.top_failures:
        writer.writerow(["failure_reason", code, count])
    for outcome, count in figures.outcomes:
        writer.writerow(["outcome", outcome, count])
    return out.getvalue()


def cases_csv(session: Session, start: date, end: date) -> str:
    """The case list of the period without personal data (no ID, not even masked)."""
    first, after = _utc_bounds(start, end)
    rows = session.scalars(
        select(ActivationCase)
        .where(ActivationCase.started_at >= first, ActivationCase.started_at < after)
        .order_by(ActivationCase.started_at)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "case",
            "started_at",
            "officer",
            "level",
            "status",
            "outcome",
            "referral",
            "failure_reasons",
            "duration_seconds",
        ]
    )
    for case in rows:
        writer.writerow(
            [
                case.id,
                case.started_at.astimezone(DESK_ZONE).isoformat(timespec="minutes"),
                case.officer_username,
                case.level_sought,
                case.status,
                case.outcome or "",
                case.referral,
                " ".join(case.failure_reasons or []),
                "" if case.duration_seconds is None else case.duration_seconds,
            ]
        )
    return out.getvalue()
