"""verify_upload: the operation behind the page and POST /api/v1/verify."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.verify.operations import default_policy, verify_upload
from tests.esign.pki import TestPKI


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MAX_UPLOAD_MB": 1, "VERIFY_TIME_LIMIT": 7, "VERIFY_MEMORY_MB": 300}


def test_policy_follows_the_configuration(app: Flask) -> None:
    with app.app_context():
        policy = default_policy("hard")
    assert (policy.max_bytes, policy.time_limit_s, policy.memory_limit_mb) == (
        1024 * 1024,
        7.0,
        300,
    )
    assert policy.revocation_mode == "hard"


def test_upload_beyond_the_limit_is_reported_not_raised(app: Flask) -> None:
    with app.app_context():
        report = verify_upload(
            b"%PDF-1.7\n" + b"0" * (1024 * 1024), filename="C:\\Users\\an\\big.pdf"
        )
    assert report.errors[0].code == "size_limit"
    assert report.file == "big.pdf"  # the client's path is not kept


def test_agency_trust_is_used(
    app: Flask, invoice_xml: bytes, pki: TestPKI, trust_test_root: Any
) -> None:
    with app.app_context():
        before = verify_upload(invoice_xml, filename="hd.xml", moment=pki.moment)
    trust_test_root()
    with app.app_context():
        after = verify_upload(invoice_xml, filename="hd.xml", moment=pki.moment)
    assert str(before.indication) == "INDETERMINATE"
    assert str(after.indication) == "TOTAL_PASSED"
