"""URL rules of the supervisor dashboard: the figures page, exports and the monthly report."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.models.roles import Role
from app.navigation import NavItem
from app.routing import lazy_views

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
view = lazy_views("app.dashboard.views")

NAV = [NavItem("dashboard.index", _l("Thống kê"),
               _l("Tiến độ giải quyết, mức độ hài lòng, định danh điện tử"), Role.SUPERVISOR, 60)]

bp.add_url_rule("/", view_func=view("index"), methods=["GET"])
bp.add_url_rule("/export/<kind>.<fmt>", view_func=view("export"), methods=["GET"])
bp.add_url_rule("/report", view_func=view("report"), methods=["GET"])
