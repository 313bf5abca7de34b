"""Small helpers shared by request handlers (who is acting, from where)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from app.security import current_staff


def client_ip() -> str:
    return request.remote_addr or ""


def actor() -> str:
    """The audit-log actor of this request: ``staff:<username>`` or ``anon``."""
    staff = current_staff()
    return f"staff:{staff.username}" if staff else "anon"


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
