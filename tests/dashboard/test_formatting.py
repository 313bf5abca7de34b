"""Vietnamese number formatting of the figures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.dashboard.formatting import number, percent, ratio


def test_the_hanoi_ward_share() -> None:
    assert ratio(1089, 1116) == "97,58 %"
    assert ratio(1089, 1116, "en") == "97.58 %"
    assert number(1116) == "1.116"
    assert number(1234567, "en") == "1,234,567"


def test_no_ratings_is_a_dash_not_zero() -> None:
    assert ratio(0, 0) == "—"
    assert percent(None) == "—"


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_percent_round_trips(part: int, extra: int) -> None:
    whole = part + extra
    text = ratio(part, whole)
    value = float(text.removesuffix(" %").replace(".", "").replace(",", "."))
    assert abs(value - 100 * part / whole) <= 0.005 + 1e-9
