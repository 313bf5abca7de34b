"""Find or provision the staff account of someone who signed in through the identity provider.

Accounts are linked only by the provider's ``sub`` (never by a matching username, which would let
a provider account take over a local one). Operations flush; the request commits.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.auth.operations import USERNAME_RE, create_staff, find_staff
from app.models.staff import Role, Staff


class OidcAccountRefused(Exception):
    """Raised when the person may not sign in (unknown without provisioning, or disabled)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _candidate_username(claims: dict[str, Any], subject: str) -> str:
    raw = str(claims.get("preferred_username") or claims.get("email") or "").lower()
    raw = re.sub(r"[^a-z0-9._-]+", "-", raw.split("@", 1)[0]).strip("-._")[:56]
    if USERNAME_RE.fullmatch(raw):
        return raw
    return "sso-" + hashlib.sha256(subject.encode()).hexdigest()[:12]


def _free_username(session: Session, base: str) -> str:
    name, n = base, 1
    while find_staff(session, name) is not None:
        n += 1
        name = f"{base[:60]}-{n}"
    return name


def staff_for_subject(session: Session, *, subject: str, role: Role, claims: dict[str, Any],
                      provision: bool, ip: str, now: datetime | None = None) -> Staff:
    """The active staff account for ``subject``, its role set from the provider; or raise."""
    staff = session.scalar(select(Staff).where(Staff.oidc_subject == subject))
    full_name = str(claims.get("name") or "")[:200]
    if staff is None:
        if not provision:
            raise OidcAccountRefused("oidc_not_provisioned")
        username = _free_username(session, _candidate_username(claims, subject))
        staff = create_staff(session, username=username, role=role, password=None,
                             full_name=full_name, actor="oidc", ip=ip)
        staff.oidc_subject = subject
    elif not staff.active:
        record(session, actor=f"staff:{staff.username}", action="login.oidc.disabled", ip=ip)
        raise OidcAccountRefused("oidc_account_disabled")
    elif staff.role != role:
        record(session, actor="oidc", action="staff.role", target=f"staff:{staff.username}",
               details={"from": staff.role.value, "to": role.value}, ip=ip)
        staff.role = role
    if full_name:
        staff.full_name = full_name
    staff.last_login_at = now or datetime.now(UTC)
    record(session, actor=f"staff:{staff.username}", action="login.oidc", ip=ip)
    session.flush()
    return staff
