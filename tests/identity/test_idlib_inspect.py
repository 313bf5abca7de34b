"""The JSON view used by `motcua id inspect` and the desk."""

from __future__ import annotations

import json
from datetime import date

from identity.inspect import inspect_number

TODAY = date(2026, 11, 29)


def test_valid_number_description() -> None:
    out = inspect_number("036089012345", date(1989, 4, 1), "M", today=TODAY)
    assert out["valid"] is True
    assert out["kind"] == "personal_id"
    assert out["province"] == "Nam Định"
    assert out["province_now"] == "Tỉnh Ninh Bình"
    assert out["province_now_code"] == "037"
    assert out["sex"] == "M"
    assert out["birth_year"] == 1989
    assert out["errors"] == []
    assert out["masked"] == "036******345"
    assert "036089012345" not in json.dumps(out)


def test_errors_are_codes_with_detail() -> None:
    out = inspect_number("036089012345", date(1990, 4, 1), "F", today=TODAY)
    assert out["valid"] is False
    assert {e["code"] for e in out["errors"]} == {"dob_mismatch", "sex_mismatch"}
    assert out["province"] == "Nam Định"


def test_born_abroad_and_cmnd() -> None:
    abroad = inspect_number("279190000001", today=TODAY)
    assert abroad["country"] == "Trung Quốc"
    assert abroad["province"] is None
    cmnd = inspect_number("012345678", today=TODAY)
    assert cmnd["kind"] == "cmnd"
    assert cmnd["issuing_prefix"] == "01"
    assert cmnd["province"] is None


def test_garbage_is_json_with_codes() -> None:
    out = inspect_number("xin chào", today=TODAY)
    assert json.loads(json.dumps(out))["errors"][0]["code"] == "not_digits"
    assert out["kind"] is None
