"""Configuration keys of the integrators' API (collected by ``app.config.feature_settings``)."""

from __future__ import annotations

from typing import Any

from app.config import Setting, positive, rate_limit


def _token_seconds(value: Any) -> str | None:
    problem = positive(value)
    if problem is None and value > 3600:
        return "access tokens are short-lived: at most 3600 seconds"
    return problem


SETTINGS: dict[str, Setting] = {
    "API_TOKEN_SECONDS": Setting(600, parse=int, check=_token_seconds),
    "API_DEFAULT_RATE_LIMIT": Setting("120 per minute", check=rate_limit),
    "API_MAX_JSON_KB": Setting(64, parse=int, check=positive),
}
