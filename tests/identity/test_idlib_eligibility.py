"""Decree 69/2024 Art. 7: levels by age, card, citizenship and guardian, each with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import eligibility as el
from identity.eligibility import CardType, Citizenship, Guardian, Where, age_on, eligibility

TODAY = date(2026, 11, 29)
# Same examples on every run (CI must be deterministic); no example database on disk.
DETERMINISTIC = settings(derandomize=True, database=None, max_examples=300)


def years_ago(years: int, days: int = 0) -> date:
    """The date ``years`` years before TODAY, moved ``days`` further back."""
    return date(TODAY.year - years, TODAY.month, TODAY.day) - timedelta(days=days)


def test_age_counts_birthdays() -> None:
    assert age_on(date(2012, 11, 29), TODAY) == 14
    assert age_on(date(2012, 11, 30), TODAY) == 13
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@pytest.mark.parametrize("card", [CardType.CHIP_CCCD, CardType.CAN_CUOC])
def test_adult_with_chip_card_gets_both_levels_level2_at_police(card: CardType) -> None:
    result = eligibility(dob=years_ago(14), today=TODAY, card=card)
    assert result.available_levels == (1, 2)
    assert result.option(1).where is Where.VNEID_APP
    assert result.option(2).where is Where.POLICE
    assert result.option(2).reason == el.CARD_HOLDER


@pytest.mark.parametrize(
    ("card", "reason"),
    [(CardType.OLD_CMND, el.OLD_CMND_NO_CHIP), (CardType.NONE, el.NEEDS_CHIP_CARD)],
)
def test_adult_without_chip_card_is_referred(card: CardType, reason: str) -> None:
    result = eligibility(dob=years_ago(30), today=TODAY, card=card)
    assert result.available_levels == ()
    assert {o.reason for o in result.levels} == {reason}


def test_child_6_to_14_both_levels_on_request_via_guardian() -> None:
    result = eligibility(
        dob=years_ago(6), today=TODAY, card=CardType.NONE, guardian=Guardian.HAS_LEVEL2
    )
    assert result.available_levels == (1, 2)
    assert result.option(1).where is Where.GUARDIAN_APP
    assert result.option(1).via_guardian
    assert result.option(2).on_request
    assert result.option(2).where is Where.POLICE


def test_day_before_sixth_birthday_is_level1_only() -> None:
    result = eligibility(
        dob=years_ago(6, days=-1), today=TODAY, card=CardType.NONE, guardian=Guardian.HAS_LEVEL2
    )
    assert result.age == 5
    assert result.available_levels == (1,)
    assert result.option(2).reason == el.UNDER_6_LEVEL1_ONLY


@pytest.mark.parametrize(
    ("guardian", "reason"),
    [(Guardian.NO_LEVEL2, el.GUARDIAN_NEEDS_LEVEL2), (Guardian.NONE, el.NEEDS_GUARDIAN)],
)
def test_child_needs_guardian_with_level2(guardian: Guardian, reason: str) -> None:
    result = eligibility(dob=years_ago(8), today=TODAY, card=CardType.NONE, guardian=guardian)
    assert result.available_levels == ()
    assert result.option(1).reason == reason


def test_foreigner_with_residence_card_on_request_at_immigration() -> None:
    result = eligibility(
        dob=years_ago(30),
        today=TODAY,
        card=CardType.NONE,
        citizenship=Citizenship.FOREIGNER_RESIDENCE_CARD,
    )
    assert result.available_levels == (1, 2)
    assert result.option(2).where is Where.IMMIGRATION_POLICE
    assert result.option(1).on_request


def test_young_foreigner_level1_only_and_other_foreigners_not_eligible() -> None:
    young = eligibility(
        dob=years_ago(3),
        today=TODAY,
        card=CardType.NONE,
        citizenship=Citizenship.FOREIGNER_RESIDENCE_CARD,
        guardian=Guardian.HAS_LEVEL2,
    )
    assert young.available_levels == (1,)
    other = eligibility(
        dob=years_ago(30), today=TODAY, card=CardType.NONE, citizenship=Citizenship.FOREIGNER_OTHER
    )
    assert other.available_levels == ()
    assert other.option(1).reason == el.FOREIGNER_NEEDS_RESIDENCE_CARD


@DETERMINISTIC
@given(
    st.dates(date(1900, 1, 1), date(2030, 1, 1)),
    st.sampled_from(CardType),
    st.sampled_from(Citizenship),
    st.sampled_from(Guardian),
)
def test_level2_is_never_in_an_app_and_every_option_has_a_reason(
    dob: date, card: CardType, citizenship: Citizenship, guardian: Guardian
) -> None:
    result = eligibility(
        dob=dob, today=TODAY, card=card, citizenship=citizenship, guardian=guardian
    )
    assert [o.level for o in result.levels] == [1, 2]
    for option in result.levels:
        assert option.reason
        assert option.available == (option.where is not None)
    level2 = result.option(2)
    if level2.available:
        assert level2.where in (Where.POLICE, Where.IMMIGRATION_POLICE)
        assert result.option(1).available
        assert result.age >= el.CHILD_LEVEL2_AGE
