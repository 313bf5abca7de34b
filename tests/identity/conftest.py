"""Fixtures for the identity library tests: a fixed 'today' and the shared reference tables."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

SHARED_DATA = Path("/work/shared/data")


@pytest.fixture
def today() -> date:
    return date(2026, 11, 29)


@pytest.fixture(scope="session")
def shared_province_rows() -> list[dict[str, str]]:
    """Rows of the reference province table the packaged copy must agree with."""
    path = SHARED_DATA / "province_codes.csv"
    if not path.exists():  # pragma: no cover - only outside the team machine
        pytest.skip("shared reference data not available")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def shared_country_rows() -> list[dict[str, str]]:
    path = SHARED_DATA / "country_codes_born_abroad.csv"
    if not path.exists():  # pragma: no cover
        pytest.skip("shared reference data not available")
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
