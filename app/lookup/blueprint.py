"""URL rules of the public side: the receipt keys (JWKS), the look-up page and the rating form.

No login anywhere here (public blueprint); the handlers are in ``views.py``.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from app.lookup.pages import PageCache
from app.routing import lazy_views
from app.security import public_blueprint

bp = public_blueprint(Blueprint("lookup", __name__))
view = lazy_views("app.lookup.views")

bp.add_url_rule("/.well-known/jwks.json", view_func=view("jwks"), methods=["GET"])
bp.add_url_rule("/r/<key>", view_func=view("status"), methods=["GET"])
bp.add_url_rule("/r/<key>/rating", view_func=view("rate"), methods=["POST"])


def init_app(app: Flask) -> None:
    """Each worker keeps rendered answers per dossier state (app/lookup/pages.py)."""
    app.extensions["motcua.lookup_pages"] = PageCache(app.config["LOOKUP_PAGE_CACHE"])
