"""`motcua procedure list`, `motcua dossier receive`, `motcua receipt verify`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws

from app.desk import tokens


@pytest.fixture
def received(runner: FlaskCliRunner) -> dict[str, str]:
    result = runner.invoke(
        args=[
            "dossier",
            "receive",
            "--procedure",
            "LT-KS-TT-BHYT",
            "--applicant-name",
            "Võ Thị Sáu",
            "--phone",
            "0987654321",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, str] = json.loads(result.output)
    return data


def test_procedure_list_json(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["procedure", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    codes = {row["code"]: row for row in rows}
    assert len(rows) == 11
    assert codes["1.001193"]["name"] == "Đăng ký khai sinh"
    assert codes["LT-KS-TT-BHYT"]["processing_days"] == 3
    plain = runner.invoke(args=["procedure", "list"])
    assert "Đăng ký khai sinh" in plain.output


def test_dossier_receive_json(received: dict[str, str]) -> None:
    assert set(received) >= {"code", "lookup_url", "receipt_pdf_url", "due_at"}
    assert received["code"].endswith("-0001")
    assert received["lookup_url"].startswith("http://localhost/r/")
    assert "#" in received["lookup_url"]
    assert received["receipt_pdf_url"] == f"http://localhost/desk/d/{received['code']}/receipt.pdf"
    assert received["due_at"].endswith("+07:00")


def test_dossier_receive_unknown_procedure(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["dossier", "receive", "--procedure", "NOPE", "--applicant-name", "A B", "--json"]
    )
    assert result.exit_code == 2
    assert "procedure_unknown" in result.output


def test_verify_url_and_token(runner: FlaskCliRunner, received: dict[str, str]) -> None:
    ok = runner.invoke(args=["receipt", "verify", received["lookup_url"]])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["code"] == received["code"]
    token = received["lookup_url"].split("#", 1)[1]
    assert runner.invoke(args=["receipt", "verify", token]).exit_code == 0


def test_verify_refuses_altered_and_forged(
    runner: FlaskCliRunner, received: dict[str, str]
) -> None:
    url = received["lookup_url"]
    head, payload, signature = url.split("#", 1)[1].split(".")
    flipped = signature[:40] + ("A" if signature[40] != "A" else "B") + signature[41:]
    altered = runner.invoke(args=["receipt", "verify", f"{head}.{payload}.{flipped}"])
    assert altered.exit_code == 1
    assert json.loads(altered.output)["error"] == "bad_signature"
    none_header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    forged = runner.invoke(args=["receipt", "verify", f"{none_header}.{payload}."])
    assert forged.exit_code == 1
    truncated = runner.invoke(args=["receipt", "verify", url[:-20]])
    assert truncated.exit_code == 1


def test_verify_with_jwks_file(
    runner: FlaskCliRunner, app: Flask, received: dict[str, str], tmp_path: Path
) -> None:
    from app import keyring

    ours = tmp_path / "jwks.json"
    ours.write_text(json.dumps(keyring(app).jwks()))
    assert (
        runner.invoke(
            args=["receipt", "verify", received["lookup_url"], "--jwks", str(ours)]
        ).exit_code
        == 0
    )
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(tokens.build_jwks([tokens.generate_private_key()])))
    result = runner.invoke(
        args=["receipt", "verify", received["lookup_url"], "--jwks", str(foreign)]
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["error"] == "unknown_kid"


def test_rotation_keeps_old_receipts_valid(
    runner: FlaskCliRunner, app: Flask, received: dict[str, str]
) -> None:
    from app import keyring

    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    assert len(keyring(app).jwks()["keys"]) == 2
    assert runner.invoke(args=["receipt", "verify", received["lookup_url"]]).exit_code == 0
    newer = runner.invoke(
        args=[
            "dossier",
            "receive",
            "--procedure",
            "1.001193",
            "--applicant-name",
            "Lý Văn Tám",
            "--json",
        ]
    )
    new_url = json.loads(newer.output)["lookup_url"]
    assert runner.invoke(args=["receipt", "verify", new_url]).exit_code == 0
    kid_old = tokens.jwt.get_unverified_header(received["lookup_url"].split("#")[1])["kid"]
    kid_new = tokens.jwt.get_unverified_header(new_url.split("#")[1])["kid"]
    assert kid_old != kid_new


def test_independent_jose_library_accepts_the_issued_token(
    app: Flask, received: dict[str, str]
) -> None:
    from app import keyring

    token = received["lookup_url"].split("#", 1)[1]
    keyset = jc_jwk.JWKSet.from_json(json.dumps(keyring(app).jwks()))
    verifier = jc_jws.JWS()
    verifier.deserialize(token)
    kid = tokens.jwt.get_unverified_header(token)["kid"]
    verifier.verify(keyset.get_key(kid), alg="ES256")
    claims = json.loads(verifier.payload)
    assert claims["sub"] == received["code"]
    assert "Võ" not in verifier.payload.decode()
    assert "0987654321" not in verifier.payload.decode()
