"""URL rules of the integrators' API (the OAuth2 token endpoints and ``/api/v1``) and of its
admin screens.

The whole ``api`` blueprint authenticates with bearer tokens itself (no staff session, no CSRF:
there are no cookies to ride on); errors are answered as problem+json. The handlers are in
``views.py`` (API) and ``admin.py`` (admin screens).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response
from flask_babel import lazy_gettext as _l

from app.errors import AppError
from app.extensions import csrf
from app.models.roles import Role
from app.navigation import NavItem
from app.routing import lazy_views
from app.security import public_blueprint

bp = public_blueprint(Blueprint("api", __name__))
csrf.exempt(bp)
view = lazy_views("app.api.views")

admin_bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-clients")
admin_view = lazy_views("app.api.admin")

NAV = [NavItem("api_admin.index", _l("Kết nối API"),
               _l("Hệ thống của tỉnh, ki-ốt, máy lấy số: cấp và thu hồi quyền"), Role.ADMIN, 93)]


def init_app(app: Flask) -> None:
    """Register the admin screens (staff session and CSRF, unlike the API)."""
    app.register_blueprint(admin_bp)


@bp.errorhandler(AppError)
def _problem(exc: AppError) -> Response:
    from app.api import calls
    from app.api.problems import render_problem

    calls.audit_refusal(exc.status, exc.code)
    return render_problem(exc)


# --- OAuth2 ------------------------------------------------------------------------------
bp.add_url_rule("/oauth/token", view_func=view("token"), methods=["POST"])
bp.add_url_rule("/oauth/revoke", view_func=view("revoke"), methods=["POST"])

# --- API v1 ------------------------------------------------------------------------------
bp.add_url_rule("/api/v1/openapi.json", view_func=view("openapi_document"), methods=["GET"])
bp.add_url_rule("/api/v1/dossiers", view_func=view("create_dossier"), methods=["POST"])
bp.add_url_rule("/api/v1/dossiers/<code>", view_func=view("read_dossier"), methods=["GET"])
bp.add_url_rule("/api/v1/dossiers/<code>/transitions", view_func=view("transition_dossier"),
                methods=["POST"])
bp.add_url_rule("/api/v1/stats", view_func=view("stats"), methods=["GET"])
bp.add_url_rule("/api/v1/verify", view_func=view("verify_document"), methods=["POST"])

# --- admin screens -----------------------------------------------------------------------
admin_bp.add_url_rule("/", view_func=admin_view("index"), methods=["GET"])
admin_bp.add_url_rule("/", view_func=admin_view("add"), methods=["POST"])
admin_bp.add_url_rule("/<client_id>/revoke", view_func=admin_view("revoke"), methods=["POST"])
