"""Numbers the way the reader expects them: Vietnamese ``1.089`` and ``97,58 %`` by default,
English ``1,089`` and ``97.58 %`` when the interface is in English (Babel's CLDR data)."""

from __future__ import annotations

from babel.numbers import format_decimal

DASH = "—"


def number(value: int | float, locale: str = "vi") -> str:
    return str(format_decimal(value, format="#,##0", locale=locale))


def percent(share: float | None, locale: str = "vi") -> str:
    """A 0..1 share as a percentage with two decimals: 1089/1116 -> ``97,58 %``."""
    if share is None:
        return DASH
    return f"{format_decimal(share * 100, format='#,##0.00', locale=locale)} %"


def ratio(part: int, whole: int, locale: str = "vi") -> str:
    return percent(part / whole if whole else None, locale)
