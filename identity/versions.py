"""Choose the version of a dated data set that is in force at a given date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, TypeVar

from identity.errors import NoVersionInForce


class Dated(Protocol):
    @property
    def effective_from(self) -> date: ...


D = TypeVar("D", bound=Dated)


def in_force(versions: Sequence[D], at: date) -> D:
    """Return the latest version whose ``effective_from`` is on or before ``at``."""
    best: D | None = None
    for version in versions:
        if version.effective_from <= at and (
            best is None or version.effective_from > best.effective_from
        ):
            best = version
    if best is None:
        raise NoVersionInForce(detail=at.isoformat())
    return best
