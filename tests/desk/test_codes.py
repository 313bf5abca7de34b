"""Dossier codes and look-up keys."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.desk.codes import (
    AgencyCodeError,
    CodeError,
    DossierCode,
    DossierCodeError,
    LookupKeyError,
    SequenceExhaustedError,
    format_dossier_code,
    new_lookup_key,
    parse_dossier_code,
    validate_agency_code,
    validate_lookup_key,
)

agency_codes = st.lists(
    st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True), min_size=1, max_size=6
).map(".".join)
code_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def test_format_matches_circular_01_2018() -> None:
    assert (
        format_dossier_code("000.00.01.H26", date(2026, 11, 30), 7) == "000.00.01.H26-261130-0007"
    )


def test_parse_gives_parts() -> None:
    code = parse_dossier_code("000.00.01.H26-261130-0123")
    assert code == DossierCode("000.00.01.H26", date(2026, 11, 30), 123)


@given(agency_codes, code_days, st.integers(1, 9999))
def test_round_trip(agency: str, day: date, seq: int) -> None:
    text = format_dossier_code(agency, day, seq)
    assert re.fullmatch(r".+-\d{6}-\d{4}", text)
    assert parse_dossier_code(text) == DossierCode(agency, day, seq)


@given(st.text(max_size=40))
def test_parser_never_crashes_otherwise(text: str) -> None:
    try:
        parsed = parse_dossier_code(text)
    except CodeError:
        return
    assert str(parsed) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "000.00.01.H26-261130-007",  # 3-digit sequence
        "000.00.01.H26-261130-0000",  # sequence starts at 1
        "000.00.01.H26-261330-0001",  # month 13
        "000.00.01.H26-260230-0001",  # 30 February
        "000.00.01.h26-261130-0001",  # lower case
        "000..01-261130-0001",  # empty group
        ".H26-261130-0001",
        "000.00.01.H26 -261130-0001",
        "000.00.01.H26-261130-0001\n",
    ],
)
def test_bad_codes_refused(text: str) -> None:
    with pytest.raises(DossierCodeError):
        parse_dossier_code(text)


@pytest.mark.parametrize("agency", ["", "H26.", "a.b", "H26-1", "ABCDEFGHI", "1.2.3.4.5.6.7"])
def test_bad_agency_codes(agency: str) -> None:
    with pytest.raises(AgencyCodeError):
        validate_agency_code(agency)


def test_sequence_limit_is_typed() -> None:
    with pytest.raises(SequenceExhaustedError) as info:
        format_dossier_code("H26", date(2026, 1, 1), 10000)
    assert info.value.code == "sequence_exhausted"


def test_lookup_keys_are_long_random_and_url_safe() -> None:
    keys = {new_lookup_key() for _ in range(2000)}
    assert len(keys) == 2000
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", key)  # 22 chars x 6 bits >= 128 bits
        assert validate_lookup_key(key) == key
    # every base64url symbol appears somewhere: the key is not from a narrow alphabet
    assert len(set("".join(keys))) == 64


@pytest.mark.parametrize("key", ["", "short", "has space in it 1234567890", "a/b" * 10, "x" * 65])
def test_bad_lookup_keys(key: str) -> None:
    with pytest.raises(LookupKeyError):
        validate_lookup_key(key)
