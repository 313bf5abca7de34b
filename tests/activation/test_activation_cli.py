"""`motcua id inspect` and `motcua purge`."""

from __future__ import annotations

import json

from flask.testing import FlaskCliRunner


def test_inspect_valid_and_consistent_exits_0(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["id", "inspect", "036089012345", "--dob", "01/04/1989", "--sex", "M", "--json"]
    )
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["valid"] is True
    assert facts["kind"] == "personal_id"
    assert facts["province"] == "Nam Định"
    assert facts["province_now"] == "Tỉnh Ninh Bình"
    assert facts["sex"] == "M"
    assert facts["birth_year"] == 1989
    assert facts["errors"] == []


def test_inspect_inconsistent_exits_1_with_codes(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["id", "inspect", "036089012345", "--dob", "01/04/1990", "--json"])
    assert result.exit_code == 1
    assert [e["code"] for e in json.loads(result.output)["errors"]] == ["dob_mismatch"]


def test_inspect_human_output_and_garbage(runner: FlaskCliRunner) -> None:
    ok = runner.invoke(args=["id", "inspect", "001303012345"])
    assert ok.exit_code == 0
    assert "Hà Nội (nay thuộc Thành phố Hà Nội)" in ok.output
    assert "001303012345" not in ok.output
    bad = runner.invoke(args=["id", "inspect", "12ab"])
    assert bad.exit_code == 1
    assert "not_digits" in bad.output


def test_inspect_cmnd(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["id", "inspect", "012345678", "--json"])
    facts = json.loads(result.output)
    assert facts["kind"] == "cmnd"
    assert facts["issuing_prefix"] == "01"


def test_inspect_rejects_bad_dob(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["id", "inspect", "036089012345", "--dob", "1989"])
    assert result.exit_code == 2


def test_purge_command_reports_count(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["purge", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"purged": 0, "retention_days": 30}
