"""Configuration keys of the public look-up (env ``MOTCUA_LOOKUP_*``)."""

from __future__ import annotations

from typing import Any

from app.config import Setting


def _limit(value: Any) -> str | None:
    """A Flask-Limiter / limits rate string such as "10 per minute"."""
    from limits import parse_many

    if not isinstance(value, str):
        return "must be a rate such as '10 per minute'"
    try:
        parse_many(value)
    except ValueError as exc:
        return f"not a rate limit: {exc}"
    return None


SETTINGS = {
    # Unknown keys answered per client before 429: guessing a 128-bit key is hopeless anyway,
    # this only stops enumeration noise. Found keys are never counted.
    "LOOKUP_MISS_LIMIT": Setting("10 per minute;60 per hour", check=_limit),
    "LOOKUP_RATING_LIMIT": Setting("5 per minute;30 per hour", check=_limit),
}
