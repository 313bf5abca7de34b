"""The instance folder: generated secrets that are never committed and never defaulted.

On first run it creates (mode 0600): ``secret_key`` (Flask sessions, CSRF), ``data.key``
(AES-256-GCM for personal data), ``hmac.key`` (keyed hashes for look-ups) and the first ES256
receipt-signing key under ``keys/``. Existing files are never overwritten.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.keys import KeyRing

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
DATA_KEY_FILE = "data.key"
HMAC_KEY_FILE = "hmac.key"


def resolve_instance_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    raw = explicit or os.environ.get("MOTCUA_INSTANCE_PATH") or "instance"
    return Path(raw).expanduser().resolve()


def write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 atomically; an existing file is left alone."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _ensure_secret(path: Path, nbytes: int, as_text: bool) -> bytes:
    if not path.exists():
        raw = secrets.token_urlsafe(nbytes).encode() if as_text else secrets.token_bytes(nbytes)
        write_private(path, raw)
    return path.read_bytes()


def ensure_instance(instance_path: Path) -> dict[str, bytes]:
    """Create the folder and any missing secret; return the secrets by name."""
    instance_path.mkdir(parents=True, exist_ok=True, mode=0o700)
    found = {
        SECRET_FILE: _ensure_secret(instance_path / SECRET_FILE, 48, as_text=True),
        DATA_KEY_FILE: _ensure_secret(instance_path / DATA_KEY_FILE, 32, as_text=False),
        HMAC_KEY_FILE: _ensure_secret(instance_path / HMAC_KEY_FILE, 32, as_text=False),
    }
    ring = KeyRing(instance_path / "keys")
    if ring.is_empty():
        ring.rotate()
    return found
