"""POST /api/v1/verify gives the same esign report as the verify operation, for any input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"
SIGNED = CORPUS / "pyhanko" / "certified-with-indirect-refs-in-dir.pdf"


@pytest.fixture
def verifier(bearer: Callable[..., dict[str, str]]) -> dict[str, str]:
    return bearer("verify")


def test_signed_pdf_gets_a_report_with_its_signature(client: FlaskClient,
                                                     verifier: dict[str, str]) -> None:
    if not SIGNED.exists():
        pytest.skip(f"corpus not found at {SIGNED}")
    response = client.post("/api/v1/verify?filename=hop-dong.pdf", data=SIGNED.read_bytes(),
                           headers={**verifier, "Content-Type": "application/pdf"})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["file"] == "hop-dong.pdf"
    assert report["format"] == "pdf"
    assert [s["field"] for s in report["signatures"]] == ["Sig1"]
    assert report["indication"] in {"TOTAL_PASSED", "INDETERMINATE"}


def test_garbage_is_a_failed_report_not_an_error(client: FlaskClient,
                                                 verifier: dict[str, str]) -> None:
    response = client.post("/api/v1/verify", data=b"not a document at all",
                           headers={**verifier, "Content-Type": "application/octet-stream"})
    assert response.status_code == 200
    assert response.get_json()["indication"] == "TOTAL_FAILED"


def test_empty_body_is_400(client: FlaskClient, verifier: dict[str, str]) -> None:
    response = client.post("/api/v1/verify", data=b"",
                           headers={**verifier, "Content-Type": "application/pdf"})
    assert response.status_code == 400
    assert response.get_json()["field"] == "/"
