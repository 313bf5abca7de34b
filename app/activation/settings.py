"""Configuration keys of the activation feature (collected by ``app.config.feature_settings``)."""

from __future__ import annotations

from app.config import Setting, positive

SETTINGS: dict[str, Setting] = {
    # Days after a case is closed (or opened, if never closed) before `motcua purge` clears its
    # personal data (encrypted ID, keyed hash, masked ID, age, free-text notes).
    "ACTIVATION_RETENTION_DAYS": Setting(90, parse=int, check=positive),
}
