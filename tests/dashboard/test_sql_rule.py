"""The SQL verdict used for grouping must agree with the desk's own ``classify``."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.dashboard.sql import timeliness_case
from app.desk.timeliness import classify
from app.extensions import db
from app.models.dossier import Dossier, DossierEvent
from tests.dashboard.conftest import KS, Seeder, local


@pytest.mark.both_databases
def test_sql_verdict_matches_classify(app: Flask, seeder: Seeder) -> None:
    code = seeder.receive(KS, "2026-02-02 09:00")
    rng = random.Random(7)
    base = local("2026-02-10 17:00")
    pairs = []
    for _ in range(300):
        due = base + timedelta(minutes=rng.randrange(-3000, 3000))
        # Around midnight and around the due time, where the rule changes.
        at = due + timedelta(minutes=rng.choice([-1, 0, 1, rng.randrange(-4000, 4000)]))
        pairs.append((at, due))
    with app.app_context():
        dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        for at, due in pairs:
            db.session.add(DossierEvent(dossier_id=dossier.id, at=at, actor="t",
                                        from_status="processing", to_status="result_ready",
                                        due_at=due))
        db.session.flush()
        dialect = db.session.get_bind().dialect.name
        rows = db.session.execute(
            select(DossierEvent.at, DossierEvent.due_at, timeliness_case(dialect))
            .where(DossierEvent.dossier_id == dossier.id,
                   DossierEvent.to_status == "result_ready")).all()
        db.session.rollback()
    assert len(rows) == 300
    verdicts = {verdict for *_, verdict in rows}
    assert verdicts == {"early", "on_time", "overdue"}
    for at, due, verdict in rows:
        assert verdict == classify(due, at, at).value, (at, due)
