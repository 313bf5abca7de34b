"""URL rules for administrators: staff, agency settings, the audit log and the trust list."""

from __future__ import annotations

from flask import Blueprint

from app.routing import lazy_views

bp = Blueprint("admin", __name__, url_prefix="/admin")
view = lazy_views("app.admin.views")

bp.add_url_rule("/staff", view_func=view("staff_list"), methods=["GET", "POST"])
bp.add_url_rule("/staff/<int:staff_id>/active", view_func=view("staff_active"), methods=["POST"])
bp.add_url_rule("/staff/<int:staff_id>/password", view_func=view("staff_reset"),
                methods=["POST"])
bp.add_url_rule("/agency", view_func=view("agency"), methods=["GET", "POST"])
bp.add_url_rule("/audit", view_func=view("audit"))
bp.add_url_rule("/trust", view_func=view("trust_list"), methods=["GET", "POST"])
bp.add_url_rule("/trust/<int:item_id>/delete", view_func=view("trust_delete"), methods=["POST"])
bp.add_url_rule("/trust/default/<sha256>", view_func=view("trust_default"), methods=["POST"])
