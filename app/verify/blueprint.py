"""URL rules of the public signature check ("Kiểm tra chữ ký số"). No login; rate-limited."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.models.roles import Role
from app.navigation import NavItem
from app.routing import lazy_views
from app.security import public_blueprint

bp = public_blueprint(Blueprint("verify", __name__, url_prefix="/kiem-tra-chu-ky"))
view = lazy_views("app.verify.views")

NAV = [NavItem("verify.index", _l("Kiểm tra chữ ký số"),
               _l("Kiểm tra tài liệu PDF, XML, CMS có chữ ký số trước khi nộp"), Role.OFFICER, 20)]

bp.add_url_rule("/", view_func=view("index"), methods=["GET", "POST"])
