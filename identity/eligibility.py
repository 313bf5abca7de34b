"""Which VNeID e-ID levels a person can get, and where (Decree 69/2024/NĐ-CP, Art. 7 and 10-13).

Level 1 is registered in the VNeID app; level 2 adds portrait and fingerprint checks and is done
only in person at the police, so the one-stop desk helps and refers but never captures biometrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, Literal

Level = Literal[1, 2]


class CardType(StrEnum):
    """The identity document the person holds today."""

    CHIP_CCCD = "chip_cccd"
    """Căn cước công dân gắn chip (issued 2021 to June 2024)."""
    CAN_CUOC = "can_cuoc"
    """Thẻ Căn cước (Identity Law 2023, from 1 July 2024)."""
    OLD_CMND = "old_cmnd"
    """Legacy 9/12-digit chứng minh nhân dân or barcode CCCD: has no chip to read."""
    NONE = "none"


class Citizenship(StrEnum):
    VIETNAMESE = "vietnamese"
    FOREIGNER_RESIDENCE_CARD = "foreigner_residence_card"
    """Foreigner holding a temporary or permanent residence card (thẻ tạm trú / thường trú)."""
    FOREIGNER_OTHER = "foreigner_other"


class Guardian(StrEnum):
    """The guardian situation; only relevant under 14."""

    NOT_NEEDED = "not_needed"
    HAS_LEVEL2 = "has_level2"
    """A parent or guardian with their own level-2 account and own SIM is present."""
    NO_LEVEL2 = "no_level2"
    NONE = "none"


class Where(StrEnum):
    VNEID_APP = "vneid_app"
    GUARDIAN_APP = "guardian_app"
    """In the guardian's own VNeID app, under the guardian's level-2 account."""
    POLICE = "police"
    """In person at Công an xã/phường or where căn cước cards are issued."""
    IMMIGRATION_POLICE = "immigration_police"
    """In person at the immigration office of the police (foreigners)."""


ADULT_AGE: Final = 14
CHILD_LEVEL2_AGE: Final = 6

# Reason codes (stable; translated by the web layer).
CARD_HOLDER: Final = "card_holder_14_plus"
NEEDS_CHIP_CARD: Final = "needs_chip_card"
OLD_CMND_NO_CHIP: Final = "old_cmnd_no_chip"
CHILD_ON_REQUEST: Final = "child_6_to_14_on_request"
UNDER_6_LEVEL1_ONLY: Final = "under_6_level1_only"
GUARDIAN_NEEDS_LEVEL2: Final = "guardian_needs_level2"
NEEDS_GUARDIAN: Final = "needs_guardian"
FOREIGNER_ON_REQUEST: Final = "foreigner_on_request"
FOREIGNER_NEEDS_RESIDENCE_CARD: Final = "foreigner_needs_residence_card"
NOT_BORN_YET: Final = "dob_in_future"


@dataclass(frozen=True, slots=True)
class LevelOption:
    """Whether one level is open to the person now, where it is done, and why."""

    level: Level
    available: bool
    where: Where | None
    """Where it is done when available (level 2 is never in the app)."""
    reason: str
    """Stable reason code explaining the decision."""
    on_request: bool = False
    """True when the law makes it optional (children, foreigners) rather than expected."""
    via_guardian: bool = False


@dataclass(frozen=True, slots=True)
class Eligibility:
    age: int
    """Full years at ``today``."""
    levels: tuple[LevelOption, ...]
    """Level 1 then level 2."""

    def option(self, level: Level) -> LevelOption:
        return next(option for option in self.levels if option.level == level)

    @property
    def available_levels(self) -> tuple[Level, ...]:
        return tuple(option.level for option in self.levels if option.available)


def age_on(dob: date, today: date) -> int:
    """Full years between ``dob`` and ``today`` (a 29 February birthday counts from 1 March)."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _no(level: Level, reason: str) -> LevelOption:
    return LevelOption(level, False, None, reason)


def _guardian_block(guardian: Guardian) -> str | None:
    if guardian is Guardian.HAS_LEVEL2:
        return None
    return GUARDIAN_NEEDS_LEVEL2 if guardian is Guardian.NO_LEVEL2 else NEEDS_GUARDIAN


def _vietnamese(age: int, card: CardType, guardian: Guardian) -> tuple[LevelOption, ...]:
    if age >= ADULT_AGE:
        if card in (CardType.CHIP_CCCD, CardType.CAN_CUOC):
            return (
                LevelOption(1, True, Where.VNEID_APP, CARD_HOLDER),
                LevelOption(2, True, Where.POLICE, CARD_HOLDER),
            )
        reason = OLD_CMND_NO_CHIP if card is CardType.OLD_CMND else NEEDS_CHIP_CARD
        return (_no(1, reason), _no(2, reason))
    return _child(age, guardian, CHILD_ON_REQUEST, Where.POLICE)


def _child(
    age: int, guardian: Guardian, reason: str, level2_where: Where
) -> tuple[LevelOption, ...]:
    """Under 14: the guardian registers level 1 in their own app; level 2 from 6, in person."""
    blocked = _guardian_block(guardian)
    if age < CHILD_LEVEL2_AGE:
        level1 = (
            _no(1, blocked)
            if blocked
            else LevelOption(1, True, Where.GUARDIAN_APP, UNDER_6_LEVEL1_ONLY, True, True)
        )
        return (level1, _no(2, UNDER_6_LEVEL1_ONLY))
    if blocked:
        return (_no(1, blocked), _no(2, blocked))
    return (
        LevelOption(1, True, Where.GUARDIAN_APP, reason, True, True),
        LevelOption(2, True, level2_where, reason, True, True),
    )


def _foreigner(age: int, citizenship: Citizenship, guardian: Guardian) -> tuple[LevelOption, ...]:
    if citizenship is not Citizenship.FOREIGNER_RESIDENCE_CARD:
        return (_no(1, FOREIGNER_NEEDS_RESIDENCE_CARD), _no(2, FOREIGNER_NEEDS_RESIDENCE_CARD))
    if age < ADULT_AGE:
        return _child(age, guardian, FOREIGNER_ON_REQUEST, Where.IMMIGRATION_POLICE)
    return (
        LevelOption(1, True, Where.VNEID_APP, FOREIGNER_ON_REQUEST, on_request=True),
        LevelOption(2, True, Where.IMMIGRATION_POLICE, FOREIGNER_ON_REQUEST, on_request=True),
    )


def eligibility(
    *,
    dob: date,
    today: date,
    card: CardType,
    citizenship: Citizenship = Citizenship.VIETNAMESE,
    guardian: Guardian = Guardian.NOT_NEEDED,
) -> Eligibility:
    """Decide levels 1 and 2 for one person at ``today``; every decision carries a reason."""
    if dob > today:
        return Eligibility(0, (_no(1, NOT_BORN_YET), _no(2, NOT_BORN_YET)))
    age = age_on(dob, today)
    if citizenship is Citizenship.VIETNAMESE:
        return Eligibility(age, _vietnamese(age, card, guardian))
    return Eligibility(age, _foreigner(age, citizenship, guardian))
