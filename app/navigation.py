"""The staff menu: each feature's blueprint module may define ``NAV`` (a list of NavItem)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l

from app.models.roles import Role

if TYPE_CHECKING:
    from app.models.staff import Staff

_EXT_KEY = "motcua.nav"


# NamedTuples rather than frozen dataclasses: cheaper to define at start-up (see config.Setting).
class NavItem(NamedTuple):
    endpoint: str
    label: Any  # lazy string
    description: Any = ""
    role: Role = Role.OFFICER
    order: int = 50


# Items ordered below this are daily desk work (shown in the bar); the rest go under "Quản lý".
MANAGEMENT_FROM = 50


class ShownItem(NamedTuple):
    url: str
    label: str
    description: str
    management: bool
    current: bool


CORE_NAV = [
    NavItem("admin.staff_list", _l("Cán bộ"), _l("Tài khoản và vai trò"), Role.ADMIN, 90),
    NavItem("admin.agency", _l("Cơ quan"), _l("Tên, mã cơ quan, địa chỉ"), Role.ADMIN, 91),
    NavItem("admin.trust_list", _l("Tin cậy"), _l("Chứng thư gốc, CRL cho kiểm tra chữ ký số"),
            Role.ADMIN, 93),
    NavItem("admin.audit", _l("Nhật ký"), _l("Nhật ký thao tác, kiểm tra toàn vẹn"),
            Role.SUPERVISOR, 92),
]


def register_nav(app: Flask, items: list[NavItem]) -> None:
    app.extensions.setdefault(_EXT_KEY, list(CORE_NAV)).extend(items)


def nav_items(staff: Staff | None) -> list[ShownItem]:
    """The menu for ``staff``; the one item whose URL is the longest prefix of this page is
    marked current (several features share /desk/...)."""
    if staff is None:
        return []
    items = sorted(current_app.extensions.get(_EXT_KEY, CORE_NAV), key=lambda i: i.order)
    allowed = [(item, url_for(item.endpoint)) for item in items
               if item.endpoint in current_app.view_functions and staff.has_role(item.role)]
    path = request.path if has_request_context() else ""
    matching = [url for _item, url in allowed if url != "/" and path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return [ShownItem(url, str(item.label), str(item.description),
                      item.order >= MANAGEMENT_FROM, url == current) for item, url in allowed]
