"""The parser's fast path (compact valid 12-digit numbers) must answer like its general path.

A space after the prefix forces the general path (normalise, then every check with coded
issues) through the public API, so the two answers can be compared for any number and card.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import personal_id as pid
from identity.personal_id import IdNumber, parse_id

TODAY = date(2026, 11, 29)
DETERMINISTIC = settings(derandomize=True, database=None, max_examples=400)
KNOWN_PREFIXES = sorted(pid.default_parser().places)


def _near(year: int, data: st.DataObject, spread: tuple[int, int]) -> date:
    """A date in a year close to ``year`` (clamped to what ``date`` allows)."""
    shifted = year + data.draw(st.integers(*spread))
    return date(
        min(max(shifted, 1), 9999), data.draw(st.integers(1, 12)), data.draw(st.integers(1, 28))
    )


@DETERMINISTIC
@given(
    prefix=st.one_of(st.sampled_from(KNOWN_PREFIXES), st.integers(0, 999).map("{:03d}".format)),
    g=st.integers(0, 9),
    yy=st.integers(0, 99),
    tail=st.integers(0, 999_999),
    sex=st.sampled_from([None, "M", "F"]),
    with_dob=st.booleans(),
    data=st.data(),
)
def test_fast_path_agrees_with_general_path(
    prefix: str,
    g: int,
    yy: int,
    tail: int,
    sex: pid.Sex | None,
    with_dob: bool,
    data: st.DataObject,
) -> None:
    birth_year = 1900 + 100 * (g // 2) + yy
    today = _near(birth_year, data, (-2, 3))
    dob = _near(birth_year, data, (-1, 1)) if with_dob else None
    compact = f"{prefix}{g}{yy:02d}{tail:06d}"
    fast = parse_id(compact, today=today, dob=dob, sex=sex)
    general = parse_id(f"{compact[:3]} {compact[3:]}", today=today, dob=dob, sex=sex)
    assert fast == general
    assert fast.error_codes == general.error_codes
    assert fast.number == compact
    assert type(fast.number) is str


def test_fast_path_still_reports_each_check() -> None:
    number = "001226000001"  # born 2026 in Hà Nội, male
    assert parse_id(number, today=TODAY, dob=date(2026, 3, 1), sex="M").valid
    assert parse_id(number, today=TODAY, dob=date(2026, 3, 1), sex="F").error_codes == (
        pid.SEX_MISMATCH,
    )
    assert parse_id(number, today=TODAY, dob=date(2025, 3, 1)).error_codes == (pid.DOB_MISMATCH,)
    assert parse_id(number, today=TODAY, dob=date(2026, 12, 1)).error_codes == (pid.FUTURE_DOB,)
    assert parse_id(number, today=date(2025, 12, 31)).error_codes == (pid.FUTURE_BIRTH_YEAR,)


def test_result_is_immutable_and_compares_by_value() -> None:
    result = parse_id("001203012345", today=TODAY)
    with pytest.raises(AttributeError):
        result.birth_year = 1990  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.note = "x"  # type: ignore[attr-defined]
    same = IdNumber.create(
        "personal_id", "001203012345", result.place, "M", 2, 2003, errors=(), warnings=()
    )
    assert same == result
    assert hash(same) == hash(result)
    assert copy.deepcopy(result) == result
    assert copy.copy(result).birth_year == 2003


def test_number_never_appears_in_str_either() -> None:
    result = parse_id("001203012345", today=TODAY)
    assert "001203012345" not in str(result)
    assert "001203012345" not in f"{result}"


def test_str_subclass_input_gives_a_plain_str_number() -> None:
    class Tagged(str):
        pass

    result = parse_id(Tagged("001203012345"), today=TODAY)
    assert result.valid
    assert type(result.number) is str
