"""Agency settings: one row, created with defaults on first use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.operations import record
from app.models.agency import AgencySettings

EDITABLE = ("name", "code", "desk_name", "address", "phone", "public_base_url")


def get_agency(session: Session) -> AgencySettings:
    agency = session.scalar(select(AgencySettings).order_by(AgencySettings.id).limit(1))
    if agency is None:
        agency = AgencySettings(id=1)
        session.add(agency)
        session.flush()
    return agency


def update_agency(session: Session, values: dict[str, str], *, actor: str,
                  ip: str = "") -> AgencySettings:
    agency = get_agency(session)
    changed = {}
    for key in EDITABLE:
        if key in values and getattr(agency, key) != values[key]:
            changed[key] = {"from": getattr(agency, key), "to": values[key]}
            setattr(agency, key, values[key].strip())
    if changed:
        record(session, actor=actor, action="agency.update", target="agency", details=changed,
               ip=ip)
    session.flush()
    return agency


def public_base_url(session: Session, configured: str) -> str:
    """The agency's public URL if an admin set one, else the configured default."""
    return (get_agency(session).public_base_url or configured).rstrip("/")
