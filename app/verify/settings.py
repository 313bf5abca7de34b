"""Configuration keys of the signature check (collected by ``app.config.feature_settings``)."""

from __future__ import annotations

from app.config import Setting, positive, rate_limit

SETTINGS: dict[str, Setting] = {
    # Public uploads per client address; verification is CPU-heavy.
    "VERIFY_RATE_LIMIT": Setting("10 per minute", check=rate_limit),
    # Wall-time limit of one verification in its worker process, seconds.
    "VERIFY_TIME_LIMIT": Setting(30, parse=int, check=positive),
    # Warm worker processes per web process (each verifies one upload at a time).
    "VERIFY_WORKERS": Setting(2, parse=int, check=positive),
    # Extra address space a verification may use, megabytes.
    "VERIFY_MEMORY_MB": Setting(1024, parse=int, check=positive),
}
