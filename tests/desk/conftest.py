"""Fixtures of the desk tests: a realistic receipt link, and plain databases for operations.

The database fixtures build the schema from the models (plus the seed catalogue) without a
Flask app, so the multi-process concurrency test can open its own engines in child processes.
tests/foundation/test_migrations.py proves models and migrations agree.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.desk import codes, qr, tokens

BASE_URL = "https://motcua.phuong-badinh.gov.vn"
# The concurrency proof runs on PostgreSQL whenever a server answers (CI or not).
PG_URL = os.environ.get("MOTCUA_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return tokens.generate_private_key()


@pytest.fixture
def receipt_link(signing_key: ec.EllipticCurvePrivateKey) -> str:
    """A realistic QR URL: real key, real ES256 token, realistic codes."""
    now = int(time.time())
    claims = tokens.ReceiptClaims(
        iss=BASE_URL,
        sub="000.00.01.H26-261130-0001",
        proc="1.001193",
        rcv=now,
        due=now + 3 * 86400,
        agc="000.00.01.H26",
        iat=now,
        jti=tokens.new_jti(),
    )
    return qr.receipt_url(BASE_URL, codes.new_lookup_key(), tokens.sign(claims, signing_key))


def prepare_database(url: str) -> None:
    """Schema from the models + the seed catalogue + the audit head, committed."""
    import app.models as models
    from app.audit.operations import ensure_head
    from app.db import make_engine
    from app.desk.operations import seed_catalogue

    engine = make_engine(url)
    models.load_all().metadata.create_all(engine)
    with Session(engine) as session:
        ensure_head(session)
        seed_catalogue(session)
        session.commit()
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/desk.db"
    prepare_database(url)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    from app.db import make_engine

    name = f"motcua_desk_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not available: {exc.__class__.__name__}")
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        prepare_database(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
