"""The OAuth2 scopes an integrating system can be granted (pure data, shared by API, CLI and UI)."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "dossiers:read": "Đọc hồ sơ và số liệu thống kê / Read dossiers and statistics",
    "dossiers:write": "Tiếp nhận hồ sơ và chuyển trạng thái / Receive dossiers and change status",
    "verify": "Kiểm tra chữ ký số trên tài liệu / Verify signed documents",
}


class UnknownScope(ValueError):
    """Raised when a scope name is not one of :data:`SCOPES`."""

    code = "unknown_scope"


def normalise_scopes(names: list[str] | tuple[str, ...] | str) -> str:
    """Space-separated, sorted, de-duplicated scopes; raises UnknownScope for a bad name."""
    items = names.split() if isinstance(names, str) else [n for raw in names for n in raw.split()]
    unknown = sorted(set(items) - SCOPES.keys())
    if unknown:
        raise UnknownScope(", ".join(unknown))
    if not items:
        raise UnknownScope("no scope given")
    return " ".join(sorted(set(items)))
