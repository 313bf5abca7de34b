"""Read-only reference tables packaged under identity/data (never from ../shared at run time).

Each loader reads its file once per call site that keeps the result; callers that need speed
(the parser) build their lookup once via :func:`load_places` and keep it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources
from types import MappingProxyType
from typing import Literal

from identity.errors import DataError

PlaceKind = Literal["province", "country"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a birth was registered, decoded from the first three digits of a personal ID."""

    code: str
    """The three-digit prefix as printed in the ID number."""
    kind: PlaceKind
    name: str
    """Province (pre-2025 name) or country name, in Vietnamese as in the official table."""
    merged_into: str | None = None
    """Province this one belongs to since the 1 July 2025 merger (None for countries)."""
    new_code: str | None = None
    """Three-digit administrative code of ``merged_into`` (Decision 19/2025)."""
    unchanged_by_merger: bool = False


def read_text(name: str) -> str:
    """Return a packaged data file's text, raising :class:`DataError` when it is absent."""
    try:
        return resources.files("identity.data").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging error
        raise DataError(detail=f"missing data file {name}") from exc


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_text(name))))


def load_places() -> MappingProxyType[str, Place]:
    """Map every known three-digit birth-registration prefix to its :class:`Place`."""
    places: dict[str, Place] = {}
    for row in _rows("province_codes.csv"):
        code = row["id_prefix_3digit"].strip()
        places[code] = Place(
            code=code,
            kind="province",
            name=row["province_pre_2025"].strip(),
            merged_into=row["merged_into_2025"].strip(),
            new_code=row["admin_code_2025_as_3digit"].strip(),
            unchanged_by_merger=row["unchanged_by_merger"].strip() == "yes",
        )
    for row in _rows("country_codes_born_abroad.csv"):
        code = row["id_prefix_3digit"].strip()
        places[code] = Place(code=code, kind="country", name=row["country_name_vi"].strip())
    for code in places:
        if len(code) != 3 or not code.isascii() or not code.isdigit():
            raise DataError(detail=f"bad prefix {code!r}")
    return MappingProxyType(places)


def parse_iso_date(value: str, *, what: str) -> date:
    """Parse an ISO date from a data file, naming the field when it is malformed."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise DataError(detail=f"bad date for {what}: {value!r}") from exc
