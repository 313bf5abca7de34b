from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from app.extensions import db
from app.migrate import alembic_config, current, heads
from app.models import load_all


def test_migrations_do_not_branch() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    for revision in script.walk_revisions():
        assert revision.revision[:8].isdigit(), "name migrations YYYYMMDD_description"


def _significant(diff: list) -> list:
    # Type comparisons between our UTCDateTime and DateTime(timezone=True) are equivalent.
    return [d for d in diff if not (isinstance(d, list) and d and d[0][0] == "modify_type")]


@pytest.mark.both_databases
def test_models_and_migrations_agree(app: Flask) -> None:
    with app.app_context():
        assert set(current(db.engine)) == set(heads(app.config["DATABASE_URL"]))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, load_all().metadata)
    assert _significant(diff) == []


def test_every_migration_downgrades_and_upgrades_again(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from app.db import make_engine
    from app.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    assert {"staff", "dossier", "audit_entry"} <= set(inspect(engine).get_table_names())
    engine.dispose()
