"""Personal ID / CMND parsing: property tests over the tables and arbitrary text, plus examples."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import personal_id as pid
from identity.personal_id import mask_id, parse_id

TODAY = date(2026, 11, 29)
# Same examples on every run (CI must be deterministic); no example database on disk.
DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)
ALL_CODES = pid.ERROR_CODES | pid.WARNING_CODES


@DETERMINISTIC
@given(st.text())
def test_any_text_gives_a_result_or_coded_errors(text: str) -> None:
    result = parse_id(text, today=TODAY)
    assert result.valid == (not result.errors)
    assert {issue.code for issue in result.errors + result.warnings} <= ALL_CODES
    if result.valid:
        assert result.kind in ("personal_id", "cmnd")
        assert result.number is not None
        assert result.number.isascii()
        assert result.number.isdigit()
    else:
        assert result.errors


@DETERMINISTIC
@given(st.text(alphabet=st.characters(categories=("Nd", "Zs", "Pd")), max_size=20))
def test_digits_spaces_dashes_never_raise_and_only_ascii_digits_survive(text: str) -> None:
    result = parse_id(text, today=TODAY)
    if result.number is not None:
        assert set(result.number) <= set("0123456789")
    non_ascii = any(ch.isdigit() and not ch.isascii() for ch in text)
    if non_ascii:
        assert result.error_codes[0] in (pid.NON_ASCII_DIGITS, pid.NOT_DIGITS)


def test_every_shared_province_code_decodes(shared_province_rows: list[dict[str, str]]) -> None:
    assert len(shared_province_rows) == 63
    for row in shared_province_rows:
        number = row["id_prefix_3digit"] + "090123456"
        result = parse_id(number, today=TODAY)
        assert result.valid, (row, result.errors)
        assert result.place is not None
        assert result.place.kind == "province"
        assert result.place.name == row["province_pre_2025"]
        assert result.place.merged_into == row["merged_into_2025"]
        assert result.place.new_code == row["admin_code_2025_as_3digit"]
        assert result.place.unchanged_by_merger == (row["unchanged_by_merger"] == "yes")


def test_every_country_code_decodes_as_born_abroad(
    shared_country_rows: list[dict[str, str]],
) -> None:
    for row in shared_country_rows:
        result = parse_id(row["id_prefix_3digit"] + "190000001", today=TODAY)
        assert result.valid
        assert result.place is not None
        assert result.place.kind == "country"
        assert result.place.name == row["country_name_vi"]


@DETERMINISTIC
@given(
    st.integers(0, 999).filter(lambda n: not (1 <= n <= 96 or 101 <= n <= 295)),
    st.integers(0, 9),
    st.integers(0, 99),
)
def test_prefixes_outside_the_ranges_are_unknown_places(prefix: int, g: int, yy: int) -> None:
    result = parse_id(f"{prefix:03d}{g}{yy:02d}123456", today=TODAY)
    assert pid.UNKNOWN_PLACE in result.error_codes
    assert result.kind == "personal_id"


def test_gaps_inside_the_province_range_are_unknown() -> None:
    result = parse_id("003090123456", today=TODAY)
    assert result.error_codes == (pid.UNKNOWN_PLACE,)
    assert result.errors[0].detail == "003"


@pytest.mark.parametrize(
    ("g", "sex", "century"),
    [
        (0, "M", 1900),
        (1, "F", 1900),
        (2, "M", 2000),
        (3, "F", 2000),
        (4, "M", 2100),
        (5, "F", 2100),
        (6, "M", 2200),
        (7, "F", 2200),
        (8, "M", 2300),
        (9, "F", 2300),
    ],
)
def test_century_digit_maps_as_the_circular_says(g: int, sex: str, century: int) -> None:
    far_future = date(2400, 1, 1)
    result = parse_id(f"079{g}45000001", today=far_future)
    assert result.sex == sex
    assert result.century_digit == g
    assert result.birth_year == century + 45


@DETERMINISTIC
@given(st.integers(0, 9), st.integers(0, 99))
def test_birth_year_formula(g: int, yy: int) -> None:
    result = parse_id(f"001{g}{yy:02d}000000", today=TODAY)
    assert result.birth_year == 1900 + 100 * (g // 2) + yy
    assert (pid.FUTURE_BIRTH_YEAR in result.error_codes) == (result.birth_year > TODAY.year)


def test_birth_year_in_the_future_is_an_error() -> None:
    assert parse_id("001227000001", today=TODAY).error_codes == (pid.FUTURE_BIRTH_YEAR,)
    assert parse_id("001226000001", today=TODAY).valid


def test_consistent_with_card() -> None:
    result = parse_id("001303012345", today=TODAY, dob=date(2003, 5, 1), sex="F")
    assert result.valid
    assert result.place is not None
    assert result.place.merged_into == "Thành phố Hà Nội"


def test_dob_and_sex_mismatch_are_reported_together() -> None:
    result = parse_id("036089012345", today=TODAY, dob=date(1990, 1, 2), sex="F")
    assert set(result.error_codes) == {pid.DOB_MISMATCH, pid.SEX_MISMATCH}
    assert result.place is not None
    assert result.place.name == "Nam Định"
    assert result.place.merged_into == "Tỉnh Ninh Bình"


def test_dob_after_today_is_an_error() -> None:
    result = parse_id("001226000001", today=TODAY, dob=date(2026, 12, 1))
    assert pid.FUTURE_DOB in result.error_codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", pid.EMPTY),
        ("   ", pid.EMPTY),
        ("0012030123", pid.BAD_LENGTH),
        ("0012030123456", pid.BAD_LENGTH),
        ("00120301234a", pid.NOT_DIGITS),
        ("00120301234\u0665", pid.NON_ASCII_DIGITS),
        ("\uff10\uff10\uff11203012345", pid.NON_ASCII_DIGITS),
    ],
)
def test_bad_input_codes(text: str, code: str) -> None:
    result = parse_id(text, today=TODAY)
    assert result.error_codes == (code,)
    assert result.kind is None


def test_spaces_and_dashes_are_stripped() -> None:
    plain = parse_id("001203012345", today=TODAY)
    for text in (" 001 203 012345 ", "001-203-012345", "001\u2013203\u00a0012345"):
        result = parse_id(text, today=TODAY)
        assert result.valid
        assert result.number == plain.number


def test_non_string_input_is_a_coded_error() -> None:
    result = parse_id(None, today=TODAY)  # type: ignore[arg-type]
    assert result.error_codes == (pid.NOT_A_STRING,)


def test_legacy_cmnd_is_recognised_with_issuing_prefix_not_birthplace() -> None:
    result = parse_id("012345678", today=TODAY, dob=date(1980, 1, 1), sex="M")
    assert result.kind == "cmnd"
    assert result.valid
    assert result.issuing_prefix == "01"
    assert result.place is None
    assert result.birth_year is None
    assert [w.code for w in result.warnings] == [pid.LEGACY_CMND, pid.CMND_NOT_CHECKABLE]


def test_number_never_appears_in_repr() -> None:
    result = parse_id("001203012345", today=TODAY)
    assert "001203012345" not in repr(result)
    assert result.masked == "001******345"


def test_mask_id() -> None:
    assert mask_id("001234567789") == "001******789"
    assert mask_id("001 234 567 789") == "001******789"
    assert mask_id("012345678") == "012***678"
    assert mask_id("1234") == "****"


def test_bad_sex_argument_is_misuse() -> None:
    with pytest.raises(pid.IdentityError) as excinfo:
        parse_id("001203012345", today=TODAY, sex="X")  # type: ignore[arg-type]
    assert excinfo.value.code == "bad_argument"


def test_packaged_tables_match_shared_reference(shared_province_rows: list[dict[str, str]]) -> None:
    places = pid.default_parser().places
    provinces = {code for code, place in places.items() if place.kind == "province"}
    assert provinces == {row["id_prefix_3digit"] for row in shared_province_rows}
