"""Parse and check the 12-digit personal ID number (số định danh cá nhân) and the old 9-digit CMND.

Layout ``PPP G YY RRRRRR`` (Decree 137/2015 Art. 13, Circular 59/2021/TT-BCA): place of birth
registration, century-and-sex digit, two-digit year, six random digits. There is no check digit,
so validation means: format, a known prefix, a birth year not in the future and consistency with
the date of birth and sex printed on the card. Bad input never raises: it yields coded issues.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from identity._tables import Place, load_places
from identity.errors import IdentityError

Sex = Literal["M", "F"]
IdKind = Literal["personal_id", "cmnd"]

# Stable issue codes (the web layer translates them; never rename).
EMPTY: Final = "empty"
NOT_A_STRING: Final = "not_a_string"
NOT_DIGITS: Final = "not_digits"
NON_ASCII_DIGITS: Final = "non_ascii_digits"
BAD_LENGTH: Final = "bad_length"
UNKNOWN_PLACE: Final = "unknown_place"
FUTURE_BIRTH_YEAR: Final = "future_birth_year"
FUTURE_DOB: Final = "future_dob"
DOB_MISMATCH: Final = "dob_mismatch"
SEX_MISMATCH: Final = "sex_mismatch"
# Warnings: the number is usable but the officer should know.
LEGACY_CMND: Final = "legacy_cmnd"
CMND_NOT_CHECKABLE: Final = "cmnd_not_checkable"

ERROR_CODES: Final = frozenset(
    {
        EMPTY,
        NOT_A_STRING,
        NOT_DIGITS,
        NON_ASCII_DIGITS,
        BAD_LENGTH,
        UNKNOWN_PLACE,
        FUTURE_BIRTH_YEAR,
        FUTURE_DOB,
        DOB_MISMATCH,
        SEX_MISMATCH,
    }
)
WARNING_CODES: Final = frozenset({LEGACY_CMND, CMND_NOT_CHECKABLE})

PERSONAL_ID_LENGTH: Final = 12
CMND_LENGTH: Final = 9

# G digit -> (sex, first year of the century); Circular 59/2021 Art. 7: 0/1 = 1900s male/female,
# 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s.
CENTURY_DIGITS: Final[tuple[tuple[Sex, int], ...]] = tuple(
    ("M" if g % 2 == 0 else "F", 1900 + 100 * (g // 2)) for g in range(10)
)

# Separators an officer may type or paste; everything else that is not a digit is an error.
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DROP: Final = {ord(c): None for c in _DASHES}


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem (or warning) found in a number, with a stable machine ``code``."""

    code: str
    detail: str = ""
    """Short machine-friendly context (a position, a prefix, ``"1990!=1991"``); no UI text."""


@dataclass(frozen=True)
class IdNumber:
    """What a personal ID or CMND number says; ``errors`` is empty when it is valid."""

    kind: IdKind | None
    """``personal_id`` (12 digits), ``cmnd`` (legacy 9 digits) or None when unrecognisable."""
    number: str | None = field(repr=False)
    """The normalised ASCII digits; kept out of ``repr`` so it never lands in a log by accident."""
    place: Place | None
    """Place of birth registration (personal_id only; None when the prefix is unknown)."""
    sex: Sex | None
    century_digit: int | None
    birth_year: int | None
    issuing_prefix: str | None = None
    """First two digits of a CMND: the issuing police, NOT the birthplace (ranges overlap)."""
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the number is well formed, known and consistent with what was given."""
        return not self.errors

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(issue.code for issue in self.errors)

    @property
    def masked(self) -> str:
        return mask_id(self.number or "")


_new = object.__new__


def _failed(issue: Issue) -> IdNumber:
    return IdNumber(None, None, None, None, None, None, errors=(issue,))


def normalise(text: str) -> tuple[str, Issue | None]:
    """Drop whitespace and dashes; return the ASCII digits or the first coded problem."""
    compact = "".join(text.split()).translate(_DROP)
    if not compact:
        return "", Issue(EMPTY)
    for position, char in enumerate(compact):
        if "0" <= char <= "9":
            continue
        if unicodedata.decimal(char, None) is not None or char.isdigit():
            return "", Issue(NON_ASCII_DIGITS, f"position {position}")
        return "", Issue(NOT_DIGITS, f"position {position}")
    return compact, None


def mask_id(text: str) -> str:
    """Mask a number for display: ``001234567789`` -> ``001******789`` (short input fully)."""
    compact = "".join(text.split()).translate(_DROP)
    if len(compact) < 7:
        return "*" * len(compact)
    return compact[:3] + "*" * (len(compact) - 6) + compact[-3:]


class IdParser:
    """Parser bound to the packaged place tables; build once (see :func:`default_parser`)."""

    def __init__(self, places: MappingProxyType[str, Place] | None = None) -> None:
        self._places = places if places is not None else load_places()
        self._years: dict[str, int] = {f"{yy:02d}": yy for yy in range(100)}
        # Everything the first four digits (place + century/sex) say about a *valid* number,
        # precomputed so the common case is one dict look-up (see bench/identity_parse.py).
        # Private and never mutated after construction.
        self._heads: dict[str, tuple[dict[str, object], int, Sex]] = {
            code + str(g): (
                {
                    "kind": "personal_id",
                    "place": place,
                    "sex": CENTURY_DIGITS[g][0],
                    "century_digit": g,
                },
                CENTURY_DIGITS[g][1],
                CENTURY_DIGITS[g][0],
            )
            for code, place in self._places.items()
            for g in range(10)
        }

    @property
    def places(self) -> MappingProxyType[str, Place]:
        return self._places

    def parse(
        self,
        text: str,
        *,
        today: date,
        dob: date | None = None,
        sex: Sex | None = None,
    ) -> IdNumber:
        """Parse ``text`` and check it against the card's ``dob``/``sex`` when given."""
        if (
            type(text) is str
            and len(text) == PERSONAL_ID_LENGTH
            and text.isascii()
            and text.isdigit()
        ):
            head = self._heads.get(text[:4])
            if head is not None:
                template, century, coded_sex = head
                birth_year = century + self._years[text[4:6]]
                if (
                    birth_year <= today.year
                    and (sex is None or sex == coded_sex)
                    and (dob is None or (dob.year == birth_year and dob <= today))
                ):
                    # Inlined valid-result build (the hot path of bench/identity_parse.py):
                    # fields left out of the template keep their class-level defaults.
                    result: IdNumber = _new(IdNumber)
                    fields = result.__dict__
                    fields.update(template)
                    fields["number"] = text
                    fields["birth_year"] = birth_year
                    return result
        return self._parse_slow(text, today, dob, sex)

    def _parse_slow(self, text: str, today: date, dob: date | None, sex: Sex | None) -> IdNumber:
        if sex is not None and sex != "M" and sex != "F":
            raise IdentityError("bad_argument", "sex must be 'M' or 'F'")
        if not isinstance(text, str):
            return _failed(Issue(NOT_A_STRING))
        digits, issue = normalise(text)
        if issue is not None:
            return _failed(issue)
        if len(digits) == PERSONAL_ID_LENGTH:
            return self._personal_id(digits, today, dob, sex)
        if len(digits) == CMND_LENGTH:
            return _cmnd(digits, dob, sex)
        return _failed(Issue(BAD_LENGTH, str(len(digits))))

    def _personal_id(self, digits: str, today: date, dob: date | None, sex: Sex | None) -> IdNumber:
        place = self._places.get(digits[:3])
        century_digit = ord(digits[3]) - 48
        coded_sex, century = CENTURY_DIGITS[century_digit]
        birth_year = century + int(digits[4:6])
        errors: tuple[Issue, ...] = ()
        if place is None:
            errors += (Issue(UNKNOWN_PLACE, digits[:3]),)
        if birth_year > today.year:
            errors += (Issue(FUTURE_BIRTH_YEAR, str(birth_year)),)
        if dob is not None:
            if dob > today:
                errors += (Issue(FUTURE_DOB),)
            if dob.year != birth_year:
                errors += (Issue(DOB_MISMATCH, f"{birth_year}!={dob.year}"),)
        if sex is not None and sex != coded_sex:
            errors += (Issue(SEX_MISMATCH, f"{coded_sex}!={sex}"),)
        return IdNumber(
            "personal_id", digits, place, coded_sex, century_digit, birth_year, errors=errors
        )


def _cmnd(digits: str, dob: date | None, sex: Sex | None) -> IdNumber:
    warnings: tuple[Issue, ...] = (Issue(LEGACY_CMND),)
    if dob is not None or sex is not None:
        warnings += (Issue(CMND_NOT_CHECKABLE),)
    return IdNumber(
        "cmnd", digits, None, None, None, None, issuing_prefix=digits[:2], warnings=warnings
    )


@functools.cache
def default_parser() -> IdParser:
    """The parser over the packaged tables, built on first use (read-only afterwards)."""
    return IdParser()


def parse_id(
    text: str,
    *,
    today: date,
    dob: date | None = None,
    sex: Sex | None = None,
) -> IdNumber:
    """Parse a personal ID or CMND; never raises on any input string."""
    return default_parser().parse(text, today=today, dob=dob, sex=sex)
