from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from app.audit.operations import record, verify_chain
from app.extensions import db
from app.models.audit import AuditEntry


@pytest.mark.both_databases
def test_chain_verifies_and_names_first_tampered_entry(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        for i in range(5):
            record(db.session, actor="staff:a", action="dossier.create", target=f"d{i}")
        db.session.commit()
        assert verify_chain(db.session).ok
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                           .values(target="changed"))
        db.session.commit()
        check = verify_chain(db.session)
    assert check.first_bad == 3
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "#3" in result.output


def test_deleting_an_entry_is_detected(app: Flask) -> None:
    with app.app_context():
        for i in range(3):
            record(db.session, actor="cli", action="x", target=str(i))
        db.session.commit()
        db.session.query(AuditEntry).filter(AuditEntry.seq == 2).delete()
        db.session.commit()
        assert verify_chain(db.session).first_bad == 2
        db.session.query(AuditEntry).filter(AuditEntry.seq == 3).delete()
        db.session.commit()
        assert not verify_chain(db.session).ok


def test_login_is_audited(app: Flask, login) -> None:
    name = login("officer")
    with app.app_context():
        actions = [(e.actor, e.action) for e in db.session.query(AuditEntry)]
    assert (f"staff:{name}", "login") in actions
