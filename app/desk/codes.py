"""Dossier codes (Circular 01/2018 Art. 19) and public look-up keys.

The dossier code `<agency code>-YYMMDD-XXXX` is sequential and therefore guessable, so the
public status page never keys on it: it uses a separate random look-up key.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

AGENCY_CODE_RE = re.compile(r"[A-Z0-9]{1,8}(?:\.[A-Z0-9]{1,8}){0,5}")
"""QCVN 102:2016 shaped codes: dot-separated groups of capitals and digits, e.g. 000.00.01.H26."""
_DOSSIER_CODE_RE = re.compile(r"(?P<agency>[A-Z0-9.]{1,53})-(?P<day>\d{6})-(?P<seq>\d{4})")
MAX_SEQUENCE = 9999
LOOKUP_KEY_BYTES = 16
"""128 random bits (the requirement is at least 96)."""
_LOOKUP_KEY_RE = re.compile(r"[A-Za-z0-9_-]{22,64}")


class CodeError(ValueError):
    """Raised when a dossier code, agency code or look-up key is malformed."""

    code = "code_invalid"


class AgencyCodeError(CodeError):
    """Raised when an agency code does not have the QCVN 102:2016 shape."""

    code = "agency_code_invalid"


class DossierCodeError(CodeError):
    """Raised when a dossier code does not parse or names an impossible date/sequence."""

    code = "dossier_code_invalid"


class SequenceExhaustedError(CodeError):
    """Raised when an agency would need a 10 000th dossier code on one day."""

    code = "sequence_exhausted"


class LookupKeyError(CodeError):
    """Raised when a public look-up key has the wrong shape (never reached the database)."""

    code = "lookup_key_invalid"


def validate_agency_code(agency: str) -> str:
    """Return `agency` if it has the QCVN 102:2016 shape, else raise AgencyCodeError."""
    if not AGENCY_CODE_RE.fullmatch(agency):
        raise AgencyCodeError(agency)
    return agency


@dataclass(frozen=True, order=True)
class DossierCode:
    """A parsed dossier code."""

    agency: str
    """Agency code (QCVN 102:2016)."""
    day: date
    """Local (Asia/Ho_Chi_Minh) day of receipt."""
    seq: int
    """1-based sequence of the day for this agency."""

    def __post_init__(self) -> None:
        validate_agency_code(self.agency)
        if not 1 <= self.seq <= MAX_SEQUENCE:
            if self.seq > MAX_SEQUENCE:
                raise SequenceExhaustedError(str(self.seq))
            raise DossierCodeError("sequence must be 1..9999")
        if not 2000 <= self.day.year <= 2099:
            raise DossierCodeError("year must be 2000..2099")

    def __str__(self) -> str:
        day = self.day  # digits by hand, cheaper than strftime (a code is made per intake)
        return f"{self.agency}-{day.year % 100:02d}{day.month:02d}{day.day:02d}-{self.seq:04d}"


def format_dossier_code(agency: str, day: date, seq: int) -> str:
    return str(DossierCode(agency, day, seq))


def parse_dossier_code(text: str) -> DossierCode:
    """Parse `<agency>-YYMMDD-XXXX`; raises DossierCodeError."""
    match = _DOSSIER_CODE_RE.fullmatch(text)
    if match is None:
        raise DossierCodeError("shape")
    digits = match["day"]
    try:
        day = date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError as exc:
        raise DossierCodeError("date") from exc
    try:
        validate_agency_code(match["agency"])
    except AgencyCodeError as exc:
        raise DossierCodeError("agency") from exc
    return DossierCode(match["agency"], day, int(match["seq"]))


def new_lookup_key() -> str:
    """A fresh URL-safe look-up key (22 characters, 128 bits from `secrets`)."""
    return secrets.token_urlsafe(LOOKUP_KEY_BYTES)


def validate_lookup_key(key: str) -> str:
    """Return `key` if it could be a look-up key; cheap shape check before any query."""
    if not _LOOKUP_KEY_RE.fullmatch(key):
        raise LookupKeyError("shape")
    return key
