"""URL rules: the desk's home page, the language switch and /healthz."""

from __future__ import annotations

from flask import Blueprint

from app.routing import lazy_views

bp = Blueprint("home", __name__)
view = lazy_views("app.home.views")

bp.add_url_rule("/", view_func=view("index"))
bp.add_url_rule("/lang/<code>", view_func=view("set_language"))
bp.add_url_rule("/healthz", view_func=view("healthz"))
