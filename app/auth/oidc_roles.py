"""Map an identity provider's role claim to a motcua staff role (pure; no Flask).

Provinces name their groups as they like (``motcua-officer``, ``/Mot cua/Can bo``, ...), so the
mapping is configuration: ``MOTCUA_OIDC_ROLE_MAP=motcua-officer=officer,motcua-admin=admin``. The
claim may be a list, a space-separated string, or nested (``realm_access.roles`` in Keycloak).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: motcua roles from least to most privileged; a user holding several gets the highest.
STAFF_ROLES = ("officer", "supervisor", "admin")


class RoleMapError(ValueError):
    """Raised when ``OIDC_ROLE_MAP`` cannot be parsed or names an unknown motcua role."""

    code = "oidc_role_map_invalid"


class NoMappedRole(Exception):
    """Raised when the signed-in person holds no provider role that maps to a motcua role."""

    code = "oidc_no_mapped_role"


def parse_role_map(text: str) -> dict[str, str]:
    """Parse ``provider-role=motcua-role`` pairs separated by commas (or newlines)."""
    mapping: dict[str, str] = {}
    for raw in text.replace("\n", ",").split(","):
        item = raw.strip()
        if not item:
            continue
        provider_role, sep, staff_role = item.rpartition("=")
        provider_role, staff_role = provider_role.strip(), staff_role.strip()
        if not sep or not provider_role:
            raise RoleMapError(f"expected provider-role=motcua-role, got {item!r}")
        if staff_role not in STAFF_ROLES:
            raise RoleMapError(f"{staff_role!r} is not one of {', '.join(STAFF_ROLES)}")
        mapping[provider_role] = staff_role
    return mapping


def claim_values(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The values of ``claim`` (dotted path allowed) as a list of strings; [] when absent."""
    node: Any = claims
    if claim in claims:
        node = claims[claim]
    else:
        for part in claim.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return []
            node = node[part]
    if isinstance(node, str):
        return node.split()
    if isinstance(node, Iterable) and not isinstance(node, Mapping | bytes):
        return [str(value) for value in node if isinstance(value, str | int)]
    return []


def merged_role_values(claim: str, *sources: Mapping[str, Any] | None) -> list[str]:
    """Role values found in any source (ID token claims, userinfo), without duplicates."""
    seen: dict[str, None] = {}
    for source in sources:
        if source:
            seen.update(dict.fromkeys(claim_values(source, claim)))
    return list(seen)


def map_role(values: Iterable[str], role_map: Mapping[str, str]) -> str:
    """The most privileged motcua role granted by ``values``; raises NoMappedRole if none."""
    granted = {role_map[value] for value in values if value in role_map}
    for role in reversed(STAFF_ROLES):
        if role in granted:
            return role
    raise NoMappedRole("no provider role maps to a motcua role")
