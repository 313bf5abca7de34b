"""Normalise Vietnamese phone numbers and name the carrier from a dated prefix table.

An unknown prefix is a *warning*, never a rejection: carriers get new ranges faster than any
library (``phonenumbers`` mislabels 087 and rejects some 099/055 numbers), and the citizen's SIM
works whatever our table says. Only structurally impossible input is an error.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from identity._tables import parse_iso_date, read_text
from identity.errors import DataError
from identity.versions import in_force

PhoneKind = Literal["mobile", "landline", "other"]

# Error codes (input cannot be a Vietnamese number).
EMPTY: Final = "empty"
NOT_DIGITS: Final = "not_digits"
BAD_LENGTH: Final = "bad_length"
NOT_VIETNAMESE: Final = "not_vietnamese"
# Warning codes (number kept, officer told).
UNKNOWN_PREFIX: Final = "unknown_prefix"
LANDLINE: Final = "landline"
NOT_MOBILE: Final = "not_mobile"
LEGACY_11_DIGIT: Final = "legacy_11_digit"

_SEPARATORS: Final = {ord(c): None for c in " \t\u00a0.-()/\u2010\u2011\u2013\u2014"}


@dataclass(frozen=True, slots=True)
class PrefixTable:
    """One version of the carrier prefix table."""

    effective_from: date
    carriers: Mapping[str, str]
    """Three-digit national prefix (``"086"``) -> carrier key (``"viettel"``)."""
    mobile_lead_digits: frozenset[str]
    """Second digit of a 10-digit national number that marks a mobile range (``0[35789]…``)."""
    landline_lead_digit: str
    legacy_11_digit: Mapping[str, str]
    """Pre-2018 four-digit prefix -> its three-digit replacement."""


@dataclass(frozen=True, slots=True)
class Phone:
    """A normalised phone number, or the reason it is not one."""

    national: str | None
    """``0`` followed by 9 digits (10 for landlines)."""
    e164: str | None
    """``+84`` form for SMS gateways."""
    kind: PhoneKind | None
    carrier: str | None
    """Carrier key from the prefix table in force, or None when the prefix is unknown."""
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    suggestion: str | None = None
    """For a pre-2018 11-digit mobile number, the converted 10-digit number to try."""

    @property
    def valid(self) -> bool:
        return not self.errors


def _table_from(raw: Mapping[str, object]) -> PrefixTable:
    carriers_raw = raw.get("carriers")
    legacy_raw = raw.get("legacy_11_digit", {})
    leads = raw.get("mobile_lead_digits")
    if (
        not isinstance(carriers_raw, dict)
        or not isinstance(legacy_raw, dict)
        or not isinstance(leads, list)
    ):
        raise DataError(detail="phone_prefixes.json: bad version entry")
    carriers: dict[str, str] = {}
    for carrier, prefixes in carriers_raw.items():
        for prefix in prefixes:
            if prefix in carriers:
                raise DataError(detail=f"prefix {prefix} listed twice")
            carriers[str(prefix)] = str(carrier)
    return PrefixTable(
        effective_from=parse_iso_date(str(raw.get("effective_from")), what="phone prefixes"),
        carriers=MappingProxyType(carriers),
        mobile_lead_digits=frozenset(str(d) for d in leads),
        landline_lead_digit=str(raw.get("landline_lead_digit", "2")),
        legacy_11_digit=MappingProxyType({str(k): str(v) for k, v in legacy_raw.items()}),
    )


@functools.cache
def prefix_tables() -> tuple[PrefixTable, ...]:
    """All packaged versions of the prefix table (read once, immutable)."""
    document = json.loads(read_text("phone_prefixes.json"))
    return tuple(_table_from(version) for version in document["versions"])


def prefix_table(at: date) -> PrefixTable:
    """The prefix table in force on ``at``."""
    return in_force(prefix_tables(), at)


def _fail(code: str) -> Phone:
    return Phone(None, None, None, None, (code,), ())


def _to_national(text: str) -> tuple[str | None, str | None]:
    """Return (national digits starting with 0, error code)."""
    compact = text.translate(_SEPARATORS)
    if not compact:
        return None, EMPTY
    if compact.startswith("+"):
        compact = compact[1:]
        if not compact.startswith("84"):
            return None, NOT_VIETNAMESE
        compact = "0" + compact[2:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if not (compact.isascii() and compact.isdigit()):
        return None, NOT_DIGITS
    if not compact.startswith("0"):
        # People often drop the trunk 0 ("912 345 678"); nine digits can only mean that.
        return ("0" + compact, None) if len(compact) == 9 else (None, BAD_LENGTH)
    return compact, None


def parse_phone(text: str, *, today: date, table: PrefixTable | None = None) -> Phone:
    """Normalise ``0…``, ``+84…``, ``84…`` or ``0084…``; name the carrier in force on ``today``."""
    if not isinstance(text, str):
        return _fail(NOT_DIGITS)
    national, error = _to_national(text)
    if national is None:
        return _fail(error or NOT_DIGITS)
    prefixes = table if table is not None else prefix_table(today)
    if len(national) == 11 and national[:4] in prefixes.legacy_11_digit:
        converted = prefixes.legacy_11_digit[national[:4]] + national[4:]
        carrier = prefixes.carriers.get(converted[:3])
        return Phone(
            national, "+84" + national[1:], "mobile", carrier, (), (LEGACY_11_DIGIT,), converted
        )
    if len(national) == 11 and national[1] == prefixes.landline_lead_digit:
        return Phone(national, "+84" + national[1:], "landline", None, (), (LANDLINE, NOT_MOBILE))
    if len(national) != 10:
        return _fail(BAD_LENGTH)
    e164 = "+84" + national[1:]
    if national[1] not in prefixes.mobile_lead_digits:
        return Phone(national, e164, "other", None, (), (NOT_MOBILE,))
    carrier = prefixes.carriers.get(national[:3])
    warnings = () if carrier is not None else (UNKNOWN_PREFIX,)
    return Phone(national, e164, "mobile", carrier, (), warnings)
