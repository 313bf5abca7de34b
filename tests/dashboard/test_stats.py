"""Figures from the dossier history, against numbers worked out by hand (see seed_february)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from app.dashboard.period import Filters, Period, PeriodError
from app.dashboard.stats import Counts, Timed, compute, stats_payload
from app.desk.operations import load_calendar
from app.extensions import db
from tests.dashboard.conftest import (
    KS,
    KS_HOURS,
    KT,
    NOW_FEB,
    RR,
    Seeder,
    local,
    seed_february,
)

FEB = Period.month(2026, 2)


def _board(app: Flask, period: Period = FEB, filters: Filters | None = None,
           now: str = NOW_FEB):  # type: ignore[no-untyped-def]
    with app.app_context():
        return compute(db.session, period, filters, now=local(now),
                       calendar=load_calendar(db.session))


@pytest.mark.both_databases
def test_february_figures_are_the_hand_checked_ones(app: Flask, seeder: Seeder) -> None:
    codes = seed_february(seeder)
    board = _board(app)

    assert board.totals == Counts(received=14, finished=7, returned=4, refused=1, withdrawn=1,
                                  timed=Timed(early=1, on_time=3, overdue=3))
    by_day = {row.day: (row.received, row.finished) for row in board.per_day}
    assert len(board.per_day) == 28
    assert by_day[date(2026, 2, 4)] == (2, 0)
    assert by_day[date(2026, 2, 26)] == (2, 2)  # H, N received; H and J finished
    assert by_day[date(2026, 2, 3)] == (1, 1)  # D received; G (a January dossier) finished
    assert by_day[date(2026, 2, 15)] == (1, 0)  # J, received on a Sunday
    assert by_day[date(2026, 2, 18)] == (0, 0)  # Tết
    assert sum(r for r, _ in by_day.values()) == 14

    procedures = {row.key: row.counts for row in board.per_procedure}
    assert procedures[KS] == Counts(received=11, finished=5, returned=3, refused=1, withdrawn=1,
                                    timed=Timed(early=1, on_time=3, overdue=1))
    assert procedures[KT] == Counts(received=2, finished=1, returned=1,
                                    timed=Timed(overdue=1))
    assert procedures[KS_HOURS] == Counts(received=1, finished=1, timed=Timed(overdue=1))
    assert [row.key for row in board.per_procedure] == [KS, KT, KS_HOURS]

    officers = {row.label: row.counts for row in board.per_officer}
    assert officers["an"] == Counts(received=6, finished=4, returned=3, withdrawn=1,
                                    timed=Timed(early=1, on_time=1, overdue=2))
    assert officers["binh"] == Counts(received=8, finished=3, returned=1, refused=1,
                                      timed=Timed(on_time=2, overdue=1))

    act = board.actionable
    assert act.today == date(2026, 2, 27)
    assert act.soon_until == date(2026, 3, 3)
    assert [i.code for i in act.overdue.items] == [codes["K"]]
    assert [i.code for i in act.due_today.items] == [codes["L"]]
    assert [i.code for i in act.due_soon.items] == [codes["M"]]
    assert act.waiting_supplement == 1

    r = board.ratings
    assert (r.total, r.very_satisfied, r.satisfied, r.not_satisfied) == (4, 2, 1, 1)
    assert r.very_share == 0.5
    assert [(b.start.day, b.end.day, b.total) for b in r.buckets] == [
        (1, 1, 0), (2, 8, 1), (9, 15, 1), (16, 22, 0), (23, 28, 2)]


@pytest.mark.both_databases
def test_shares_and_officer_filter(app: Flask, february: dict[str, str]) -> None:
    board = _board(app, filters=Filters(officer="staff:binh"))
    assert board.totals.timed == Timed(on_time=2, overdue=1)
    assert board.totals.timed.share("on_time") == pytest.approx(2 / 3)
    assert board.totals.timed.share("in_time") == pytest.approx(2 / 3)
    assert [i.code for i in board.actionable.due_today.items] == [february["L"]]
    assert board.actionable.overdue.count == 0
    assert [row.label for row in board.per_officer] == ["binh"]


def test_procedure_and_desk_filters(app: Flask, february: dict[str, str]) -> None:
    assert _board(app, filters=Filters(procedure_code=KT)).totals.received == 2
    assert _board(app, filters=Filters(agency_code="000.00.02.H26")).totals == Counts()


def test_figures_follow_the_period(app: Flask, february: dict[str, str]) -> None:
    january = _board(app, Period.month(2026, 1))
    assert january.totals == Counts(received=1)  # G, finished in February
    week = _board(app, Period(date(2026, 2, 23), date(2026, 2, 27)))
    # Received 23-27/02: H I K L M N O; finished: A(24) B(25) H J(26) ; returned A B.
    assert week.totals == Counts(received=7, finished=4, returned=2,
                                 timed=Timed(early=1, on_time=2, overdue=1))


def test_make_up_saturday_and_national_day(app: Flask, seeder: Seeder) -> None:
    """22/08/2026 (Saturday) is a make-up working day; 31/08, 01/09 and 02/09 are days off."""
    before = seeder.receive(KS, "2026-08-21 10:00")  # Sat 22, Mon 24, Tue 25 -> due 25/08
    around = seeder.receive(KS, "2026-08-28 10:00")  # Thu 03, Fri 04, Mon 07 -> due 07/09
    assert seeder.due(before) == local("2026-08-25 17:00")
    assert seeder.due(around) == local("2026-09-07 17:00")
    seeder.move(before, (RR, "2026-08-25 16:00"))
    seeder.move(around, (RR, "2026-09-07 10:00"))
    board = _board(app, Period(date(2026, 8, 21), date(2026, 9, 10)), now="2026-09-10 09:00")
    assert board.totals == Counts(received=2, finished=2, timed=Timed(on_time=2))


def test_payload_for_the_api(app: Flask, february: dict[str, str]) -> None:
    with app.app_context():
        payload = stats_payload(db.session, "2026-02-01", "2026-02-28", now=local(NOW_FEB))
    assert payload["from"] == "2026-02-01"
    assert payload["to"] == "2026-02-28"
    assert (payload["received"], payload["finished"], payload["returned"]) == (14, 7, 4)
    assert payload["timeliness"] == {"early": 1, "on_time": 3, "overdue": 3,
                                     "early_share": 0.1429, "on_time_share": 0.4286,
                                     "overdue_share": 0.4286, "in_time_share": 0.5714}
    assert payload["open"]["overdue"] == 1
    assert payload["open"]["due_today"] == 1
    assert payload["ratings"]["very_satisfied_share"] == 0.5
    assert "per_officer" not in payload  # no staff names leave through the API


def test_period_is_bounded() -> None:
    with pytest.raises(PeriodError):
        Period(date(2026, 2, 2), date(2026, 2, 1))
    with pytest.raises(PeriodError):
        Period(date(2020, 1, 1), date(2026, 1, 1))


def test_figures_come_from_the_events_not_the_dossier_columns(
        app: Flask, february: dict[str, str]) -> None:
    """Overwrite A's current-state columns: the history still says it was ready on 24/02."""
    from sqlalchemy import update

    from app.models.dossier import Dossier

    with app.app_context():
        db.session.execute(update(Dossier).where(Dossier.code == february["A"])
                           .values(status="processing", finished_at=None, returned_at=None))
        db.session.commit()
    totals = _board(app).totals
    assert (totals.finished, totals.returned, totals.timed.early) == (7, 4, 1)
