"""The JSON checks name the faulty field for any input (property tests)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api.problems import BodyTooLarge, InvalidInput, UnsupportedMediaType
from app.api.schemas import DOSSIER_CREATE, TRANSITION
from app.api.validation import parse_json_body, validate

VALID = {"procedure_code": "1.001193", "applicant": {"name": "Trần Văn An"}}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8)


@given(extra=st.text(min_size=1).filter(lambda k: k not in DOSSIER_CREATE["properties"]),
       value=json_values)
def test_any_unknown_member_is_refused_by_name(extra: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate({**VALID, extra: value}, DOSSIER_CREATE)
    escaped = extra.replace("~", "~0").replace("/", "~1")
    assert caught.value.field == f"/{escaped}"


@given(value=json_values.filter(lambda v: not isinstance(v, str)))
def test_a_wrongly_typed_member_is_named(value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate({"status": value}, TRANSITION)
    assert caught.value.field == "/status"


def _field_of_refusal(call: Any, *args: Any) -> str | None:
    """The field named by the InvalidInput that ``call`` raises, or None when it succeeds."""
    try:
        call(*args)
    except InvalidInput as exc:
        return str(exc.field)
    return None


@given(body=json_values)
def test_any_json_is_either_valid_or_refused_with_a_field(body: Any) -> None:
    field = _field_of_refusal(validate, body, DOSSIER_CREATE)
    assert field is None or field == "" or field.startswith("/")
    assert field is not None or isinstance(body, dict)


@given(raw=st.binary(max_size=200))
def test_any_bytes_parse_or_raise_an_input_problem(raw: bytes) -> None:
    assert _field_of_refusal(parse_json_body, raw, "application/json", 1000) in {None, "/"}


def test_size_and_media_type_are_checked_before_parsing() -> None:
    with pytest.raises(BodyTooLarge):
        parse_json_body(b"{}" * 600, "application/json", 1000)
    with pytest.raises(UnsupportedMediaType):
        parse_json_body(b"{}", "text/plain", 1000)
    assert parse_json_body(b'{"a": 1}', "application/merge-patch+json; charset=utf-8",
                           1000) == {"a": 1}
