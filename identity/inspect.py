"""JSON-ready view of what a number says, for ``motcua id inspect`` and the desk's live check."""

from __future__ import annotations

from datetime import date
from typing import Any

from identity.personal_id import IdNumber, Sex, parse_id


def describe(result: IdNumber) -> dict[str, Any]:
    """Plain dict of a parse result: no UI text, codes only, number masked."""
    place = result.place
    return {
        "valid": result.valid,
        "kind": result.kind,
        "masked": result.masked or None,
        "place_kind": place.kind if place else None,
        "place_code": place.code if place else None,
        "province": place.name if place and place.kind == "province" else None,
        "province_now": place.merged_into if place else None,
        "province_now_code": place.new_code if place else None,
        "country": place.name if place and place.kind == "country" else None,
        "issuing_prefix": result.issuing_prefix,
        "sex": result.sex,
        "century_digit": result.century_digit,
        "birth_year": result.birth_year,
        "errors": [{"code": issue.code, "detail": issue.detail} for issue in result.errors],
        "warnings": [{"code": issue.code, "detail": issue.detail} for issue in result.warnings],
    }


def inspect_number(
    number: str,
    dob: date | None = None,
    sex: Sex | None = None,
    *,
    today: date,
) -> dict[str, Any]:
    """Parse ``number`` (checking ``dob``/``sex`` when given) and describe it as a dict."""
    return describe(parse_id(number, today=today, dob=dob, sex=sex))
