from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app.logconfig import RedactingFilter, configure_logging, redact


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("app_config", [{"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}])
def test_healthz_503_when_database_unreachable(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_cli_staff_add_reads_password_from_stdin(app: Flask, runner: FlaskCliRunner,
                                                 client: FlaskClient) -> None:
    result = runner.invoke(args=["staff", "add", "tran.thi.b", "--role", "supervisor",
                                 "--password-stdin"], input="mat-khau-rat-dai\n")
    assert result.exit_code == 0, result.output
    from tests.helpers import login_as

    login_as(client, "tran.thi.b", "mat-khau-rat-dai")
    dup = runner.invoke(args=["staff", "add", "tran.thi.b", "--role", "officer",
                              "--password-stdin"], input="mat-khau-rat-dai\n")
    assert dup.exit_code == 1
    assert dup.exception is None or isinstance(dup.exception, SystemExit)  # no traceback
    assert "Tên đăng nhập đã tồn tại" in dup.output
    short = runner.invoke(args=["staff", "add", "le.c", "--role", "officer",
                                "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert "ít nhất 10 ký tự" in short.output
    bad_role = runner.invoke(args=["staff", "add", "le.c", "--role", "boss",
                                   "--password-stdin"], input="x" * 12 + "\n")
    assert bad_role.exit_code == 2


def test_keys_rotate_keeps_old_keys_published(runner: FlaskCliRunner) -> None:
    before = json.loads(runner.invoke(args=["keys", "list"]).output)["keys"]
    rotated = json.loads(runner.invoke(args=["keys", "rotate"]).output)
    after = json.loads(runner.invoke(args=["keys", "list"]).output)["keys"]
    assert len(after) == len(before) + 1
    assert rotated["kid"] in {k["kid"] for k in after}
    assert {k["kid"] for k in before} <= {k["kid"] for k in after}
    assert all("d" not in k for k in after)  # never the private part


def test_logs_never_carry_ids_or_secrets() -> None:
    line = redact("citizen 001203004567 token=abc.def password: hunter2 cmnd 123456789 "
                  "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig")
    assert "001203004567" not in line
    assert "001******567" in line
    assert "hunter2" not in line
    assert "abc.def" not in line
    assert "123456789" not in line
    assert "eyJhbGci" not in line


def test_json_log_format(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "INFO")
    logging.getLogger("motcua.test").info("received %s", "079301000001")
    err = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(err)
    assert record["message"] == "received 079******001"
    assert any(isinstance(f, RedactingFilter) for h in logging.getLogger().handlers
               for f in h.filters)
    configure_logging("text", "INFO")
