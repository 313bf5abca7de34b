"""Seed dossiers through the desk's real operations (intake, status changes) and the look-up
feature's rating, at explicit local moments, so the dashboard is tested on real history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask

from app.desk import tokens
from app.desk.operations import (
    DeskContext,
    IntakeData,
    change_status,
    load_calendar,
    receive_dossier,
    seed_catalogue,
)
from app.desk.timeliness import ZONE
from app.desk.workflow import Status
from app.extensions import db
from app.models.dossier import Dossier

AGENCY = "000.00.01.H26"
KS = "LT-KS-TT-BHYT"  # 3 working days
KT = "LT-KT-XTT-MT"  # 5 working days
KS_HOURS = "1.001193"  # 4 office hours


@dataclass(frozen=True)
class _Key:
    kid: str
    private_key: ec.EllipticCurvePrivateKey


def local(text: str) -> datetime:
    """``"2026-02-13 10:00"`` in Asia/Ho_Chi_Minh."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


class Seeder:
    """``seeder.receive(...)`` then ``seeder.move(dossier, status, at)``; commits each step."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.key = _Key("test", tokens.generate_private_key())
        with app.app_context():
            seed_catalogue(db.session)
            db.session.commit()

    def receive(self, procedure: str, at: str, officer: str = "an", *,
                agency: str = AGENCY) -> str:
        with self.app.app_context():
            ctx = DeskContext(agency, "http://localhost", load_calendar(db.session))
            result = receive_dossier(
                db.session, ctx, IntakeData(procedure_code=procedure,
                                            applicant_name="Nguyễn Văn Thử"),
                key=self.key, cipher=None, actor=f"staff:{officer}", now=local(at))
            db.session.commit()
            return result.dossier.code

    def move(self, code: str, *steps: tuple[Status, str]) -> None:
        with self.app.app_context():
            calendar = load_calendar(db.session)
            dossier = db.session.query(Dossier).filter_by(code=code).one()
            for status, at in steps:
                change_status(db.session, dossier, status, calendar=calendar, actor="staff:x",
                              now=local(at), note="lý do")
            db.session.commit()

    def rate(self, code: str, score: str, at: str) -> None:
        from app.lookup.operations import rate_dossier

        with self.app.app_context():
            dossier = db.session.query(Dossier).filter_by(code=code).one()
            rate_dossier(db.session, dossier, score=score, comment="", now=local(at))
            db.session.commit()

    def due(self, code: str) -> datetime:
        with self.app.app_context():
            return db.session.query(Dossier).filter_by(code=code).one().due_at.astimezone(ZONE)


@pytest.fixture
def seeder(app: Flask) -> Seeder:
    return Seeder(app)


P, RR, RT, RF, WD, WS = (Status.PROCESSING, Status.RESULT_READY, Status.RETURNED,
                         Status.REFUSED, Status.WITHDRAWN, Status.WAITING_SUPPLEMENT)
NOW_FEB = "2026-02-27 14:00"


def seed_february(seeder: Seeder) -> dict[str, str]:
    """The hand-checked February 2026 data set (Tết: 16-20 February are days off).

    Due times (computed by hand, asserted in the tests):
      A 13/02 10:00 KS   -> due 25/02 17:00 (Tết skipped); ready 24/02 -> early; returned 25/02
      B 12/02 16:00 KS   -> after the 15:00 cut-off: due 25/02 17:00; ready 25/02 16:30 -> on time
      C 02/02 09:00 KS   -> due 05/02; supplement 03/02 09:00 .. 09/02 09:00 = 32 office hours
                            = 4 days: due 11/02 17:00; ready 11/02 10:00 -> on time
      D 03/02 09:00 KS   -> due 06/02 17:00; ready 09/02 08:00 -> overdue; returned 09/02
      E 04/02 10:00 KS   -> refused 05/02 (not timed)
      F 04/02 11:00 KS   -> withdrawn 06/02 (not timed)
      G 26/01 09:00 KT   -> received in January; due 02/02 17:00; ready 03/02 -> overdue
      H 26/02 10:00 4h   -> due 26/02 15:30; ready 26/02 15:45 -> overdue (same day, later)
      I 27/02 09:00 KT   -> due 06/03: open, in no list
      J 15/02 10:00 KS   -> a Sunday before Tết: counts from 23/02, due 26/02; ready 26/02 08:00
                            -> on time; not returned (result ready is not open)
      K 23/02 09:00 KS   -> due 26/02 17:00, processing: overdue now (27/02 14:00)
      L 24/02 09:00 KS   -> due 27/02 17:00: due today
      M 25/02 09:00 KS   -> due 02/03 17:00: due within 2 working days (until 03/03)
      N 26/02 09:00 KT   -> due 05/03: in no list
      O 23/02 10:00 KS   -> waiting for a supplement since 24/02: paused, in no due list
    Officers: an = A D F G J K M; binh = B C E H I L N O.
    """
    s = seeder
    codes = {
        "A": s.receive(KS, "2026-02-13 10:00", "an"),
        "B": s.receive(KS, "2026-02-12 16:00", "binh"),
        "C": s.receive(KS, "2026-02-02 09:00", "binh"),
        "D": s.receive(KS, "2026-02-03 09:00", "an"),
        "E": s.receive(KS, "2026-02-04 10:00", "binh"),
        "F": s.receive(KS, "2026-02-04 11:00", "an"),
        "G": s.receive(KT, "2026-01-26 09:00", "an"),
        "H": s.receive(KS_HOURS, "2026-02-26 10:00", "binh"),
        "I": s.receive(KT, "2026-02-27 09:00", "binh"),
        "J": s.receive(KS, "2026-02-15 10:00", "an"),
        "K": s.receive(KS, "2026-02-23 09:00", "an"),
        "L": s.receive(KS, "2026-02-24 09:00", "binh"),
        "M": s.receive(KS, "2026-02-25 09:00", "an"),
        "N": s.receive(KT, "2026-02-26 09:00", "binh"),
        "O": s.receive(KS, "2026-02-23 10:00", "binh"),
    }
    s.move(codes["A"], (P, "2026-02-13 11:00"), (RR, "2026-02-24 09:00"), (RT, "2026-02-25 08:00"))
    s.move(codes["B"], (RR, "2026-02-25 16:30"), (RT, "2026-02-26 09:00"))
    s.move(codes["C"], (P, "2026-02-02 10:00"), (WS, "2026-02-03 09:00"),
           (P, "2026-02-09 09:00"), (RR, "2026-02-11 10:00"))
    s.move(codes["D"], (P, "2026-02-03 10:00"), (RR, "2026-02-09 08:00"), (RT, "2026-02-09 10:00"))
    s.move(codes["E"], (RF, "2026-02-05 10:00"))
    s.move(codes["F"], (WD, "2026-02-06 10:00"))
    s.move(codes["G"], (P, "2026-01-27 09:00"), (RR, "2026-02-03 09:00"), (RT, "2026-02-03 14:00"))
    s.move(codes["H"], (RR, "2026-02-26 15:45"))
    s.move(codes["I"], (P, "2026-02-27 10:00"))
    s.move(codes["J"], (P, "2026-02-23 08:00"), (RR, "2026-02-26 08:00"))
    s.move(codes["K"], (P, "2026-02-23 10:00"))
    s.move(codes["L"], (P, "2026-02-24 10:00"))
    s.move(codes["O"], (WS, "2026-02-24 09:00"))
    s.rate(codes["A"], "very_satisfied", "2026-02-25 09:00")
    s.rate(codes["B"], "satisfied", "2026-02-26 10:00")
    s.rate(codes["D"], "very_satisfied", "2026-02-09 11:00")
    s.rate(codes["G"], "not_satisfied", "2026-02-03 15:00")
    return codes


@pytest.fixture
def february(seeder: Seeder) -> dict[str, str]:
    return seed_february(seeder)


@pytest.fixture
def supervisor(login: Callable[..., str]) -> str:
    return login("supervisor")


def as_dict(obj: Any) -> Any:  # small helper for readable assertion failures
    return getattr(obj, "__dict__", obj)
