"""Configuration keys of the public look-up (env ``MOTCUA_LOOKUP_*``)."""

from __future__ import annotations

from app.config import Setting, non_negative_int, rate_limit

SETTINGS = {
    # Unknown keys answered per client before 429: guessing a 128-bit key is hopeless anyway,
    # this only stops enumeration noise. Found keys are never counted.
    "LOOKUP_MISS_LIMIT": Setting("10 per minute;60 per hour", check=rate_limit),
    "LOOKUP_RATING_LIMIT": Setting("5 per minute;30 per hour", check=rate_limit),
    # Rendered answers kept per worker, one per dossier state (app/lookup/pages.py); 0 = off.
    "LOOKUP_PAGE_CACHE": Setting(2048, parse=int, check=non_negative_int),
}
