"""URL rules for signing in and out, changing one's password, and single sign-on (OIDC)."""

from __future__ import annotations

from flask import Blueprint, Flask

from app.auth import oidc_provider
from app.routing import lazy_views

bp = Blueprint("auth", __name__, url_prefix="/auth")
view = lazy_views("app.auth.views")

bp.add_url_rule("/login", view_func=view("login"), methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=view("logout"), methods=["POST"])
bp.add_url_rule("/password", view_func=view("password"), methods=["GET", "POST"])

oidc_bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")
oidc_view = lazy_views("app.auth.oidc")

oidc_bp.add_url_rule("/login", view_func=oidc_view("login"))
oidc_bp.add_url_rule("/callback", view_func=oidc_view("callback"))
oidc_bp.add_url_rule("/logout", view_func=oidc_view("logout"), methods=["POST"])
oidc_bp.add_url_rule("/logged-out", view_func=oidc_view("logged_out"))


def init_app(app: Flask) -> None:
    """Staff single sign-on (OpenID Connect) lives beside local sign-in."""
    if "oidc" not in app.blueprints:
        app.register_blueprint(oidc_bp)
        oidc_provider.init_app(app)
