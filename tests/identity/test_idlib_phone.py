"""Phone normalisation: forms, carriers from the dated table, warnings instead of rejections."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import phone
from identity.errors import NoVersionInForce
from identity.phone import parse_phone, prefix_table

TODAY = date(2026, 11, 29)
# Same examples on every run (CI must be deterministic); no example database on disk.
DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)

CARRIERS = {
    "viettel": ["032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098"],
    "vinaphone": ["081", "082", "083", "084", "085", "088", "091", "094"],
    "mobifone": ["070", "076", "077", "078", "079", "089", "090", "093"],
    "vietnamobile": ["052", "056", "058", "092"],
    "gmobile": ["059", "099"],
    "itel": ["087"],
    "reddi": ["055"],
}


@pytest.mark.parametrize(("carrier", "prefix"), [(c, p) for c, ps in CARRIERS.items() for p in ps])
def test_domain_prefix_table(carrier: str, prefix: str) -> None:
    result = parse_phone(prefix + "1234567", today=TODAY)
    assert result.valid
    assert result.carrier == carrier
    assert result.warnings == ()


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "0084912345678",
        "091.234.5678",
        "912345678",
    ],
)
def test_forms_normalise_to_national_and_e164(text: str) -> None:
    result = parse_phone(text, today=TODAY)
    assert result.national == "0912345678"
    assert result.e164 == "+84912345678"
    assert result.kind == "mobile"


def test_unknown_mobile_prefix_warns_but_keeps_number() -> None:
    result = parse_phone("0501234567", today=TODAY)
    assert result.valid
    assert result.national == "0501234567"
    assert result.carrier is None
    assert result.warnings == (phone.UNKNOWN_PREFIX,)


def test_landline_warns_not_mobile() -> None:
    result = parse_phone("024 3812 3456", today=TODAY)
    assert result.valid
    assert result.kind == "landline"
    assert result.warnings == (phone.LANDLINE, phone.NOT_MOBILE)


def test_non_mobile_range_warns() -> None:
    result = parse_phone("0612345678", today=TODAY)
    assert result.valid
    assert result.warnings == (phone.NOT_MOBILE,)


def test_legacy_eleven_digit_mobile_suggests_new_number() -> None:
    result = parse_phone("01688123456", today=TODAY)
    assert result.warnings == (phone.LEGACY_11_DIGIT,)
    assert result.suggestion == "0388123456"
    assert result.carrier == "viettel"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", phone.EMPTY),
        ("+1 555 0100", phone.NOT_VIETNAMESE),
        ("09123abc78", phone.NOT_DIGITS),
        ("091234", phone.BAD_LENGTH),
        ("091234567890", phone.BAD_LENGTH),
    ],
)
def test_structural_errors(text: str, code: str) -> None:
    result = parse_phone(text, today=TODAY)
    assert result.errors == (code,)
    assert result.national is None


@DETERMINISTIC
@given(st.text(max_size=30))
def test_any_text_gives_result_or_codes(text: str) -> None:
    result = parse_phone(text, today=TODAY)
    assert result.valid == (result.national is not None)
    if result.national is not None:
        assert result.e164 == "+84" + result.national[1:]


@DETERMINISTIC
@given(
    st.sampled_from(sorted({p for ps in CARRIERS.values() for p in ps})), st.integers(0, 9_999_999)
)
def test_every_known_mobile_number_round_trips_e164(prefix: str, rest: int) -> None:
    national = f"{prefix}{rest:07d}"
    first = parse_phone(national, today=TODAY)
    again = parse_phone(first.e164 or "", today=TODAY)
    assert again.national == national
    assert again.carrier == first.carrier is not None


def test_table_is_chosen_by_date() -> None:
    current = prefix_table(TODAY)
    newer = replace(
        current,
        effective_from=date(2027, 1, 1),
        carriers=MappingProxyType({**current.carriers, "050": "newco"}),
    )
    assert parse_phone("0501234567", today=TODAY, table=newer).carrier == "newco"
    with pytest.raises(NoVersionInForce):
        prefix_table(date(2000, 1, 1))
