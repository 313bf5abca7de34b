"""Parse and check the 12-digit personal ID number (số định danh cá nhân) and the old 9-digit CMND.

Layout ``PPP G YY RRRRRR`` (Decree 137/2015 Art. 13, Circular 59/2021/TT-BCA): place of birth
registration, century-and-sex digit, two-digit year, six random digits. There is no check digit,
so validation means: format, a known prefix, a birth year not in the future and consistency with
the date of birth and sex printed on the card. Bad input never raises: it yields coded issues.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

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


_Facts: TypeAlias = tuple[
    IdKind | None,
    Sex | None,
    int | None,
    int | None,
    str | None,
    tuple[Issue, ...],
    tuple[Issue, ...],
]
"""``(kind, sex, century_digit, birth_year, issuing_prefix, errors, warnings)``."""


class IdNumber(tuple[str | None, Place | None, _Facts]):
    """What a personal ID or CMND number says; ``errors`` is empty when it is valid.

    Immutable like a frozen dataclass: read-only properties, no instance ``__dict__`` (so no
    attribute can be set or added), equality and hashing by value. It is a tuple subclass with
    a private layout ``(number, place, facts)`` because the parser builds one per call and this
    is the cheapest immutable record CPython can build: the common valid number shares one
    precomputed ``facts`` tuple per century/year (see bench/identity_parse.py). Build one by
    field name with :meth:`create`; never rely on the layout (indexing or unpacking a result
    gives it, not the fields).
    """

    __slots__ = ()

    @classmethod
    def create(
        cls,
        kind: IdKind | None,
        number: str | None,
        place: Place | None,
        sex: Sex | None,
        century_digit: int | None,
        birth_year: int | None,
        issuing_prefix: str | None = None,
        errors: tuple[Issue, ...] = (),
        warnings: tuple[Issue, ...] = (),
    ) -> IdNumber:
        """Build a result from its fields (the parser's general path)."""
        return cls(
            (
                number,
                place,
                (kind, sex, century_digit, birth_year, issuing_prefix, errors, warnings),
            )
        )

    @property
    def kind(self) -> IdKind | None:
        """``personal_id`` (12 digits), ``cmnd`` (legacy 9 digits) or None when unrecognisable."""
        return self[2][0]

    @property
    def number(self) -> str | None:
        """The normalised ASCII digits; kept out of ``repr`` so it never lands in a log."""
        return self[0]

    @property
    def place(self) -> Place | None:
        """Place of birth registration (personal_id only; None when the prefix is unknown)."""
        return self[1]

    @property
    def sex(self) -> Sex | None:
        """Sex coded by the century digit (personal_id only)."""
        return self[2][1]

    @property
    def century_digit(self) -> int | None:
        """The fourth digit: century of birth and sex (Circular 59/2021 Art. 7)."""
        return self[2][2]

    @property
    def birth_year(self) -> int | None:
        """Year of birth coded by the century digit and the next two digits."""
        return self[2][3]

    @property
    def issuing_prefix(self) -> str | None:
        """First two digits of a CMND: the issuing police, NOT the birthplace (ranges overlap)."""
        return self[2][4]

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Coded problems; empty when the number is valid."""
        return self[2][5]

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """Coded warnings: the number is usable but the officer should know."""
        return self[2][6]

    def __repr__(self) -> str:
        # Every field but ``number`` (personal data must not reach logs through a repr).
        return (
            f"IdNumber(kind={self.kind!r}, place={self.place!r}, sex={self.sex!r}, "
            f"century_digit={self.century_digit!r}, birth_year={self.birth_year!r}, "
            f"issuing_prefix={self.issuing_prefix!r}, errors={self.errors!r}, "
            f"warnings={self.warnings!r})"
        )

    @property
    def valid(self) -> bool:
        """True when the number is well formed, known and consistent with what was given."""
        return not self[2][5]

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(issue.code for issue in self.errors)

    @property
    def masked(self) -> str:
        return mask_id(self.number or "")


_ValidFacts: TypeAlias = tuple[Literal["personal_id"], Sex, int, int, None, tuple[()], tuple[()]]

# Facts of every *valid* personal ID, indexed by digits 4-6 (century digit and year, 0..999):
# shared by all results so the common case builds no facts tuple. Immutable.
_VALID_FACTS: Final[tuple[_ValidFacts, ...]] = tuple(
    ("personal_id", CENTURY_DIGITS[g][0], g, CENTURY_DIGITS[g][1] + yy, None, (), ())
    for g in range(10)
    for yy in range(100)
)


def _failed(issue: Issue) -> IdNumber:
    return IdNumber.create(None, None, None, None, None, None, errors=(issue,))


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
        # Place by the value of the first three digits (0..999; None: unknown), so the common
        # valid number costs one int() and tuple indexing instead of slicing and hashing.
        # Private, never mutated.
        place_at: list[Place | None] = [None] * 1000
        for code, place in self._places.items():
            if len(code) == 3 and code.isascii() and code.isdigit():
                place_at[int(code)] = place
        self._place_at: tuple[Place | None, ...] = tuple(place_at)

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
        # Fast path: a compact 12-digit number with a known prefix that passes every check.
        # Anything else (spaces, dashes, CMND, any error, bad arguments) takes the general path,
        # which repeats the checks and reports every issue. Same answers either way
        # (tests/identity/test_idlib_personal_id_fast.py).
        if (
            type(text) is str
            and len(text) == PERSONAL_ID_LENGTH
            and text.isascii()
            and text.isdigit()
        ):
            head = int(text) // 1_000_000  # PPPGYY; int() is safe on twelve ASCII digits
            place = self._place_at[head // 1000]
            if place is not None:
                facts = _VALID_FACTS[head % 1000]
                # facts[1] is the coded sex, facts[3] the birth year; a dob in that year and
                # not after today also means the birth year is not in the future.
                if (sex is None or sex == facts[1]) and (
                    facts[3] <= today.year if dob is None else dob.year == facts[3] and dob <= today
                ):
                    return IdNumber((text, place, facts))
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
        return IdNumber.create(
            "personal_id", digits, place, coded_sex, century_digit, birth_year, errors=errors
        )


def _cmnd(digits: str, dob: date | None, sex: Sex | None) -> IdNumber:
    warnings: tuple[Issue, ...] = (Issue(LEGACY_CMND),)
    if dob is not None or sex is not None:
        warnings += (Issue(CMND_NOT_CHECKABLE),)
    return IdNumber.create(
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
